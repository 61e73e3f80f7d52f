# spread.gp - variance and MSE of the estimates (nats^2, or bits^2 with
# units='bits') against N, log-log, two panels, one line per estimator; x
# tics at the study's N. Not spread along x (on sloped lines that would
# read as a difference): coinciding series show by their dash patterns and
# shrinking markers.
# Table: stats-G-S.tsv from `mibench plot` (columns 1 n, 6 variance, 7 mse).
# By hand: gnuplot -e "tsv='stats-1-gaussian.tsv'; out='spread.png'" spread.gp
kind = 'spread'; width = 900; height = 900; naxis = 1
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
# both panels the same size, room for the key under the second
keyfrac = (2 + nblocks / 2) * 22.0 / height
set multiplot layout 2,1 title heading margins 0.1, 0.95, 0.07 + keyfrac, 0.92 spacing 0.1
set logscale xy
set format y '%g'
set autoscale xfix
set offsets graph 0.04, graph 0.04, 0, 0
set title 'variance of the estimate'
set ylabel sprintf('variance (%s^2)', units)
unset key  # one key, under the second panel, for both; its N label too
plot for [i=0:nblocks-1] tsv index i using 1:6 with linespoints lt i+1 title columnheader(1)
set title 'mean squared error'
set ylabel sprintf('MSE (%s^2)', units)
set xlabel 'N (samples)'
set key below left Left reverse height 1
plot for [i=0:nblocks-1] tsv index i using 1:7 with linespoints lt i+1 title columnheader(1)
unset multiplot
