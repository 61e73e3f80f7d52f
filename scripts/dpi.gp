# dpi.gp - the data-processing inequality on one draw of a Markov chain
# X -> Y -> Z, against N on a log axis, one line per estimator, two
# panels: how often the estimate of I(X;Z) is above that of I(X;Y) on the
# same draw (a violation; error bars the 95% Wilson interval), and the
# mean estimate of I(X;Z|Y), whose truth is 0 (nats, or bits with
# units='bits'; error bars +-1.96 SE; estimators without conditional MI
# have no points there). x tics at the study's N; series spread a little
# along x so their bars stay apart.
# Table: dpi-K-S.tsv from `mibench plot` (columns 1 n, 4 rate, 5 rate_lo,
# 6 rate_hi, 7 cmi_mean, 8 cmi_ci95, 10 true_xy, 11 true_xz).
# By hand: gnuplot -e "tsv='dpi-1-chain.tsv'; out='dpi.png'" dpi.gp
kind = 'dpi'; width = 900; height = 900; naxis = 1
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
# both panels the same size, room for the key under the second
keyfrac = (2 + nblocks / 2) * 22.0 / height
stats tsv index 0 using 10:11 nooutput
true_xy = STATS_min_x
true_xz = STATS_min_y
set multiplot layout 2,1 title heading margins 0.1, 0.95, 0.07 + keyfrac, 0.92 spacing 0.1
set logscale x
set autoscale xfix
set offsets graph 0.04, graph 0.04, graph 0.05, 0
set title sprintf('violations, same draw: estimate of I(X;Z) above that of I(X;Y) (true %.4g < %.4g %s)', \
                  true_xz, true_xy, units)
set ylabel 'fraction of replicates'
set yrange [0:*]
unset key  # one key, under the second panel, for both
plot for [i=0:nblocks-1] tsv index i using ($1 * nudge(i)):4:5:6 with yerrorlines \
         lt i+1 title columnheader(1)
set title 'mean estimate of I(X;Z|Y) (true value 0)'
set ylabel sprintf('I(X;Z|Y) estimate (%s)', units)
set yrange [*:*]
set offsets graph 0.04, graph 0.04, 0, 0
set xlabel 'N (samples)'
set key below left Left reverse height 1
plot 0 with lines dt 2 lc rgb 'gray40' notitle, \
     for [i=0:nblocks-1] tsv index i using ($1 * nudge(i)):7:8 with yerrorlines \
         lt i+1 title columnheader(1)
unset multiplot
