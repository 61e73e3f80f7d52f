# time.gp - median seconds per estimate against N, log-log, one line per
# estimator; the legend gives the least-squares slope of ln t on ln N
# (fitted by mibench: 1 = linear cost, 2 = quadratic); x tics at the
# study's N.
# Table: time-G-S.tsv from `mibench plot` (columns 1 n, 2 median_seconds).
# By hand: gnuplot -e "tsv='time-1-gaussian.tsv'; out='time.png'" time.gp
kind = 'time'; width = 900; height = 600; naxis = 1
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
set title heading
set logscale xy
set format y '%g'
set xlabel 'N (samples)'
set autoscale xfix
set offsets graph 0.04, graph 0.04, 0, 0
set ylabel 'median time per estimate (seconds)'
set key below left Left reverse height 1
plot for [i=0:nblocks-1] tsv index i using 1:2 with linespoints lt i+1 title columnheader(1)
