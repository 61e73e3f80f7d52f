# spread.gp - variance and MSE of the estimates (nats^2) against N, log-log,
# two panels, one line per estimator.
# Table: stats-G-S.tsv from `mibench plot` (columns 1 n, 6 variance, 7 mse).
# By hand: gnuplot -e "tsv='stats-1-gaussian.tsv'; out='spread.png'" spread.gp
kind = 'spread'; width = 900; height = 900
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
set multiplot layout 2,1 title heading
set logscale xy
set format y '%g'
set xlabel 'N (samples)'
set autoscale xfix
set offsets graph 0.04, graph 0.04, 0, 0
set key outside right top
set title 'variance of the estimate'
set ylabel 'variance (nats^2)'
plot for [i=0:nblocks-1] tsv index i using 1:6 with linespoints lt i+1 lw 1.5 pt 7 ps 0.6 \
         title columnheader(1)
set title 'mean squared error'
set ylabel 'MSE (nats^2)'
plot for [i=0:nblocks-1] tsv index i using 1:7 with linespoints lt i+1 lw 1.5 pt 7 ps 0.6 \
         title columnheader(1)
unset multiplot
