# bias.gp - bias (mean estimate - true MI, nats) against N on a log axis,
# one line per estimator, error bars +-1.96 standard errors.
# Table: stats-G-S.tsv from `mibench plot` (columns 1 n, 3 bias, 4 ci95).
# By hand: gnuplot -e "tsv='stats-1-gaussian.tsv'; out='bias.png'" bias.gp
kind = 'bias'; width = 900; height = 600
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
set title heading
set logscale x
set xlabel 'N (samples)'
set autoscale xfix
set offsets graph 0.04, graph 0.04, 0, 0
set ylabel 'bias = mean estimate - true MI (nats)'
set key outside right top
# Spread the series a little along x so that their error bars stay apart.
nudge(i) = 1 + 0.02 * (i - (nblocks - 1) / 2.0)
plot for [i=0:nblocks-1] tsv index i using ($1 * nudge(i)):3:4 with yerrorlines \
         lt i+1 lw 1.5 pt 7 ps 0.6 title columnheader(1), \
     0 with lines dt 2 lc rgb 'gray40' notitle
