# curves.gp - training curves of neural bounds, one panel per bound: the
# raw estimate per step (light), its exponential moving average (dark) and
# the true MI in force at each step (black steps), all in nats (or bits,
# units='bits').
# Table: curves-G-S.tsv from `mibench plot` (columns 1 step, 2 estimate,
# 3 ema, 4 true_mi).
# By hand: gnuplot -e "tsv='curves-1-staircase.tsv'; out='curves.png'" curves.gp
kind = 'curves'; width = 900; height = 80 + 260 * 2
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
set multiplot layout nblocks,1 title heading
set xlabel 'training step'
set ylabel sprintf('MI (%s)', units)
set key inside top left horizontal opaque samplen 2 font ",9"
do for [i=0:nblocks-1] {
    # Fit the y range to the smoothed line and the truth: raw traces of
    # high-variance bounds would otherwise flatten everything else.
    stats tsv index i using 3:4 nooutput
    lo = STATS_min_x < STATS_min_y ? STATS_min_x : STATS_min_y
    hi = STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y
    pad = 0.1 * (hi - lo) + 0.1
    set yrange [lo - pad:hi + 3 * pad]  # room for the key at the top
    plot tsv index i using 1:2 with lines lc rgb '#9ecae1' lw 1 dt solid title columnheader(1), \
         '' index i using 1:3 with lines lc rgb '#0072B2' lw 2 dt solid title 'EMA', \
         '' index i using 1:4 with steps lc rgb 'black' dt 2 lw 1.5 title 'true MI'
}
unset multiplot
