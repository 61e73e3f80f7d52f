# heatmap.gp - estimator x generator, coloured by the relative error of the
# mean estimate at the largest N, 100 (mean - true MI) / true MI percent,
# with the number written in each cell (absolute bias where the truth is 0);
# colours are clipped at +-100%.
# Table: heatmap.tsv from `mibench plot` (columns 1 gen_index,
# 2 est_index, 3 rel_error_pct, 4 text, 5 generator, 6 estimator).
# By hand: gnuplot -e "tsv='heatmap.tsv'; out='heatmap.png'" heatmap.gp
kind = 'heatmap'; width = 900; height = 600
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
stats tsv using 1:2 nooutput
ngen = STATS_max_x + 1
nest = STATS_max_y + 1
stats tsv using 3 nooutput
m = abs(STATS_min) > abs(STATS_max) ? abs(STATS_min) : abs(STATS_max)
m = m > 100 ? 100 : (m > 0 ? m : 1)
set title heading
set cbrange [-m:m]
set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')
set cblabel 'relative error (%)'
set xrange [-0.5:ngen - 0.5]
set yrange [nest - 0.5:-0.5]  # first estimator at the top
set xtics rotate by 90 right
set tics nomirror scale 0
unset grid
unset key
set xlabel 'generator'
set ylabel 'estimator'
plot tsv using 1:2:3 with image, \
     '' using 1:2:4:xtic(5):ytic(6) with labels
