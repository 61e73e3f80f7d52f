# bias.gp - bias (mean estimate - true MI, nats, or bits with units='bits')
# against N on a log axis, one line per estimator, error bars +-1.96
# standard errors; x tics at the study's N; series spread a little along x
# so their bars stay apart.
# Table: stats-G-S.tsv from `mibench plot` (columns 1 n, 3 bias, 4 ci95).
# By hand: gnuplot -e "tsv='stats-1-gaussian.tsv'; out='bias.png'" bias.gp
kind = 'bias'; width = 900; height = 600; naxis = 1
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
set title heading
set logscale x
set xlabel 'N (samples)'
set autoscale xfix
set offsets graph 0.04, graph 0.04, 0, 0
set ylabel sprintf('bias = mean estimate - true MI (%s)', units)
set key below left Left reverse height 1
plot 0 with lines dt 2 lc rgb 'gray40' notitle, \
     for [i=0:nblocks-1] tsv index i using ($1 * nudge(i)):3:4 with yerrorlines \
         lt i+1 title columnheader(1)
