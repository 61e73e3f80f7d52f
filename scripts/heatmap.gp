# heatmap.gp - estimator x generator at each pair's largest N, as bmi's
# summary heatmap: each cell shows the mean estimate (nats, or bits with
# units='bits'), and a last row the true MI. Colour and the small number
# under the mean: the relative error 100 (mean - true MI) / true MI
# percent, on a fixed symmetric scale (-50% .. +50%, clipped beyond).
# Where the true MI is 0 the cell is grey (its mean is the bias). A circle
# marks an error within 2 standard errors of zero; "N=..." a pair limited
# to a smaller N than the generator's largest; "failed k/m" a pair where k
# of its m trials errored or are failed runs by bmi's rule (estimate < 0
# or < 0.1 of the cell's largest).
# Table: heatmap.tsv from `mibench plot` (columns 1 gen_index,
# 2 est_index, 3 rel_error_pct, 4 text, 5 generator, 6 estimator, 8 true_mi,
# 9 mean, 12 within_2se, 13 n_note, 14 count, 15 failures, 16 bmi_failures).
# By hand: gnuplot -e "tsv='heatmap.tsv'; out='heatmap.png'" heatmap.gp
kind = 'heatmap'; width = 900; height = 600
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
stats tsv using 1:2 nooutput
ngen = STATS_max_x + 1
nest = STATS_max_y + 1
# failed trials of a row: errors and bmi's failed runs (0 when unknown)
nfailed(a, b) = (valid(a) ? column(a) : 0) + (valid(b) ? column(b) : 0)
# only the key entries this table needs
stats tsv using ($8 == 0 && valid(9) ? 1 : 0) nooutput
nzero = STATS_sum
stats tsv using (strcol(13) eq '-' ? 0 : 1) nooutput
nsmall = STATS_sum
stats tsv using ((valid(12) && $12 == 1) ? 1 : 0) nooutput  # column 12 is NaN with one replicate
nwithin = STATS_sum
stats tsv using (nfailed(15, 16) > 0 ? 1 : 0) nooutput
nfail = STATS_sum
scale = 50  # the colour scale's limit in percent: fixed, so colours mean the same in every study
clip(v) = v > scale ? scale : (v < -scale ? -scale : v)
# dark cells get white text (valid() first: a NaN read from the table
# would turn a variable colour grey)
ink(v) = abs(clip(v)) > 0.6 * scale ? 0xffffff : 0x000000
inkcol(c) = valid(c) ? ink(column(c)) : 0x000000
# column c's number, or '-' for NaN (valid(): 'NaN' read from a table passes v == v)
num(c) = valid(c) ? sprintf('%.3g', column(c)) : '-'
# the small line: the relative error (not for true MI 0, where the mean is
# the bias) and the N note
small(d) = ($8 == 0 ? '' : strcol(4)).(strcol(13) eq '-' ? '' : '  '.strcol(13))
failed(d) = nfailed(15, 16) > 0 ? sprintf('failed %d/%d', nfailed(15, 16), column(14) + column(15)) : ''
set title heading
set cbrange [-scale:scale]
set palette defined (-1 '#2166ac', -0.5 '#67a9cf', 0 '#f7f7f7', 0.5 '#ef8a62', 1 '#b2182b')
set cbtics ('<= -50' -50, '-25' -25, '0' 0, '+25' 25, '>= +50' 50)
set cblabel 'relative error (%)'
set rmargin 14
set xrange [-0.5:ngen - 0.5]
set yrange [nest + 0.5:-0.5]  # first estimator at the top, the true MI last
set ytics add ('true MI' nest)
set arrow from -0.5, nest - 0.5 to ngen - 0.5, nest - 0.5 nohead front lw 2 lc rgb '#333333'
set xtics rotate by 90 right
set tics nomirror scale 0
unset grid
set xlabel 'generator'
set ylabel 'estimator'
set key noautotitle below center vertical Left reverse samplen 1.5 width -12 font ',10'
set style fill solid 1.0 border lc rgb 'white'
plot keyentry with boxxyerror fc palette \
         title sprintf('mean estimate (%s); colour and small number: relative error of the mean, ', units). \
               'fixed scale -50% .. +50% (clipped)', \
     tsv using 1:2:(0.5):(0.5):(clip($3)) with boxxyerror fc palette lw 2 dt solid notitle, \
     '' using ($8 == 0 && valid(9) ? $1 : NaN):2:(0.5):(0.5) with boxxyerror fc rgb '#d9d9d9' lw 2 dt solid \
         title (nzero > 0 ? 'grey: the true MI is 0; the number is the bias in '.units : ''), \
     '' using 1:($2 - 0.04):(num(9)):(inkcol(3)):xtic(5):ytic(6) with labels tc rgb variable font ',11' notitle, \
     '' using 1:($2 + 0.3):(small(0)):(inkcol(3)) with labels tc rgb variable font ',8' \
         title (nsmall > 0 ? 'N=...: limited to a smaller N' : ''), \
     '' using ($2 == 0 ? $1 : NaN):(nest):(num(8)) with labels font ',11' notitle, \
     '' using ($12 == 1 ? $1 + 0.41 : NaN):($2 - 0.33) with points pt 6 ps 0.9 lw 1.5 lc rgb '#333333' \
         title (nwithin > 0 ? 'error within 2 SE of 0' : ''), \
     '' using ($1 - 0.45):($2 - 0.33):(failed(0)):(inkcol(3)) with labels left tc rgb variable font ',8' \
         title (nfail > 0 ? 'failed k/m: k of m trials errored or are failed runs by bmi''s rule ' . \
                            '(estimate < 0 or < 0.1 x the largest)' : '')
