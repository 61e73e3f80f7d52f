# samples.gp - "samples needed", as in bmi's benchmark figures: estimator x
# generator, each cell the smallest N at which the mean estimate is
# within a factor 1.5 of the true MI (true MI / 1.5 <= mean <= 1.5 true
# MI), coloured on a log scale from the study's smallest to its largest N.
# Dark grey ">M": within at no N up to M; light grey "-": the true MI is 0
# or unknown, or the pair has no estimate.
# Table: samples.tsv from `mibench plot` (columns 1 gen_index,
# 2 est_index, 3 n_needed, 4 text, 5 generator, 6 estimator, 8 n_min,
# 9 n_max).
# By hand: gnuplot -e "tsv='samples.tsv'; out='samples.png'" samples.gp
kind = 'samples'; width = 900; height = 600
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 0 ? _d[1:_i] : "")."mibench.gp"
stats tsv using 1:2 nooutput
ngen = STATS_max_x + 1
nest = STATS_max_y + 1
stats tsv using 8:9 nooutput
nlo = STATS_min_x
nhi = STATS_max_y
nhi = nhi > nlo ? nhi : 10 * nlo  # one N only: still a range
# only the key entries this table needs
stats tsv using (strcol(4)[1:1] eq '>' ? 1 : 0) nooutput
nnever = STATS_sum
stats tsv using (strcol(4) eq '-' ? 1 : 0) nooutput
nna = STATS_sum
never(s) = s[1:1] eq '>'
# white text on the dark ends of the palette
inkcol(c) = valid(c) && (log(column(c) / nlo) < 0.2 * log(nhi / nlo) || \
                         log(column(c) / nlo) > 0.8 * log(nhi / nlo)) ? 0xffffff : 0x000000
set title heading
set logscale cb
set cbrange [nlo:nhi]
# colour-bar tics at the smallest and largest N and at every N a cell shows
set cbtics (sprintf('%d', nlo) nlo, sprintf('%d', nhi) nhi)
set table $_need
plot tsv using 3:(0) with table
unset table
do for [_k=1:|$_need|] {
    _w = word($_need[_k], 1)
    if (_w ne '' && _w[1:1] ne '#' && _w ne 'NaN') { set cbtics add (_w real(_w)) }
}
set palette defined (0 '#3288bd', 0.25 '#99d594', 0.5 '#e6f598', 0.75 '#fc8d59', 1 '#d53e4f')
set cblabel 'smallest N within a factor 1.5 of the true MI'
set rmargin 16
set xrange [-0.5:ngen - 0.5]
set yrange [nest - 0.5:-0.5]  # first estimator at the top
set xtics rotate by 90 right
set tics nomirror scale 0
unset grid
set xlabel 'generator'
set ylabel 'estimator'
set key noautotitle below center vertical Left reverse samplen 1.5 width -12 font ',10'
set style fill solid 1.0 border lc rgb 'white'
plot keyentry with boxxyerror fc palette \
         title 'colour: the smallest N at which true MI / 1.5 <= mean estimate <= 1.5 true MI', \
     tsv using 1:2:(0.5):(0.5):($3) with boxxyerror fc palette lw 2 dt solid notitle, \
     '' using (never(strcol(4)) ? $1 : NaN):2:(0.5):(0.5) with boxxyerror fc rgb '#525252' lw 2 dt solid \
         title (nnever > 0 ? 'dark grey, >M: not within a factor 1.5 at any N up to M' : ''), \
     '' using (strcol(4) eq '-' ? $1 : NaN):2:(0.5):(0.5) with boxxyerror fc rgb '#d9d9d9' lw 2 dt solid \
         title (nna > 0 ? 'light grey: the true MI is 0 or unknown, or no estimate' : ''), \
     '' using 1:2:4:(never(strcol(4)) ? 0xffffff : inkcol(3)):xtic(5):ytic(6) with labels tc rgb variable \
         font ',11' notitle
