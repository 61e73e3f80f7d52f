# truth.gp - mean estimate +- 1 SE against the true MI (nats, or bits with
# units='bits'), one line per estimator, with the identity line and, for
# batch-based bounds (batch size B > 0), the line ln B (log2 B in bits)
# that such a bound cannot exceed. The legend
# marks estimators whose points sit at a smaller N than the others'.
# Table: truth-F-S.tsv from `mibench plot` (columns 1 true_mi, 2 mean,
# 3 std_error, 5 batch_size).
# By hand: gnuplot -e "tsv='truth-1-gaussian.tsv'; out='truth.png'" truth.gp
kind = 'truth'; width = 900; height = 650
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
array B[nblocks]
do for [i=1:nblocks] {
    stats tsv index (i - 1) using 5 nooutput
    B[i] = STATS_max
}
# Fit y to the estimates and truths; an ln B line far above them is named
# in the key instead of flattening the plot.
stats tsv using 1:2 nooutput
top = STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y
top = top + 0.15 * abs(top) + 0.05
set yrange [*:top]
# the bound ln B in the table's unit, and its key entry
lnB(b) = log(b) / unit_nats
_ln = units eq 'bits' ? 'log2' : 'ln'
lnb(b) = b > 0 ? (lnB(b) <= top ? sprintf('%s B, B = %d', _ln, int(b)) : sprintf('%s %d = %.2f (above the plot)', _ln, int(b), lnB(b))) : ''
set title heading
set xlabel sprintf('true MI (%s)', units)
set ylabel sprintf('estimate, mean +- SE (%s)', units)
set key below left Left reverse height 1
plot for [i=0:nblocks-1] tsv index i using 1:2:3 with yerrorlines lt i+1 title columnheader(1), \
     x with lines dt 2 lc rgb 'black' title 'true MI', \
     for [i=0:nblocks-1] tsv index i using 1:(B[i+1] > 0 ? lnB(B[i+1]) : NaN) with lines \
         lt i+1 dt 3 lw 1.5 title lnb(B[i+1])
