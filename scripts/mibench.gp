# mibench.gp - preamble loaded by every figure script of `mibench plot`.
# Before loading it a script sets kind, width and height (and naxis = 1
# when its x axis is N); the caller passes (gnuplot -e) tsv = the table,
# and optionally out = the figure file, term = a gnuplot terminal with
# options, heading = the figure title, units = 'nats' (the default) or
# 'bits', the unit the table's MI columns are in (`mibench plot --bits`
# writes them in bits and passes units='bits'); unit_nats is then one
# unit in nats (1 or ln 2), for values the scripts compute themselves.
# The tables are tab-separated, one block per series (two blank lines
# between blocks), each block opening with a header whose first field is
# the series label. Missing values are NaN. Defines nblocks; with naxis,
# sets the x tics at the table's N (ntics_labels lists them) and nudge(i),
# the factor that spreads series i of nblocks along a log N axis.
if (!exists("tsv")) {
    print sprintf("%s: pass the table, e.g. gnuplot -e \"tsv='stats-1-gaussian.tsv'\" %s", ARG0, ARG0)
    exit status 2
}
if (!exists("term")) { term = sprintf('pngcairo size %d,%d', width, height) }
if (!exists("out")) {
    ext = term[1:3] eq 'svg' ? 'svg' : (term[1:3] eq 'pdf' ? 'pdf' : 'png')
    out = sprintf('%s-%s.%s', tsv[1:strlen(tsv) - 4], kind, ext)
}
if (!exists("heading")) { heading = tsv }
if (!exists("units")) { units = 'nats' }
if (units ne 'nats' && units ne 'bits') {
    print sprintf("%s: units='%s': use 'nats' or 'bits'", ARG0, units)
    exit status 2
}
unit_nats = units eq 'bits' ? log(2) : 1.0
eval 'set terminal '.term
set termoption noenhanced
set output out
set datafile separator tab
set key autotitle columnheader
set grid lc rgb '#dddddd'
stats tsv using 1 nooutput
nblocks = STATS_blocks

# Series styles: the Okabe-Ito colours (safe for every common colour-vision
# deficiency; its yellow is left out, too faint on white), each series with
# its own marker and dash pattern as well, so that series lying on top of
# one another still show: a dashed line lets the one under it through, and
# each marker is a little smaller than the one before, so an earlier
# series' marker rims a later one on the same point. Linetypes 1-14 are
# all different; 15 on repeat them.
array _col[7] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']
array _pt[14] = [7, 5, 9, 11, 13, 6, 4, 8, 10, 12, 15, 1, 2, 3]
array _dt[14] = ['1', '2', '3', '4', '5', '(12,4,2,4)', '(2,3)', '(16,6)', '(6,3,6,3,1,3)', \
                 '(10,4,2,4,2,4)', '(4,4)', '(20,4,4,4)', '(1,4)', '(8,3,1,3,1,3)']
do for [_i=1:14] {
    eval sprintf("set linetype %d lc rgb '%s' lw 1.5 pt %d ps %.2f dt %s", \
                 _i, _col[(_i - 1) % 7 + 1], _pt[_i], 1.2 - 0.05 * (_i - 1), _dt[_i])
}
set linetype cycle 14
set errorbars 0.6 dt solid  # bars stay solid whatever the line's dashes

# An N axis: tics at exactly the table's N (log axes otherwise label only
# decades), labelled 500, 2000, 1e5, 3e5; with more than 12 distinct N,
# decades labelled and the N as minor tics. nudge(i) spreads the series
# by up to 0.03 decades each, and by less when the N are closer together.
if (exists("naxis") && naxis) {
    set table $_ntab
    plot tsv using 1:(0) with table
    unset table
    _ns = ' '
    _nn = 0
    _gap = 1e9
    do for [_k=1:|$_ntab|] {
        _w = word($_ntab[_k], 1)
        if (_w ne '' && strstrt(_ns, ' '._w.' ') == 0) { _ns = _ns._w.' '; _nn = _nn + 1 }
    }
    do for [_a=1:_nn] { do for [_b=1:_nn] {
        _d = abs(log10(real(word(_ns, _a))) - log10(real(word(_ns, _b))))
        if (_d > 0 && _d < _gap) { _gap = _d }
    } }
    _e(x) = floor(log10(x) + 1e-9)
    _m(x) = x / 10.0**_e(x)
    nlabel(x) = x < 1e5 ? sprintf('%.0f', x) : \
        (abs(_m(x) - floor(_m(x) + 0.5)) < 1e-9 ? sprintf('%de%d', int(_m(x) + 0.5), _e(x)) : sprintf('%.3g', x))
    ntics_labels = ''
    _lo = 1e300
    _hi = 0
    do for [_a=1:_nn] {
        _x = real(word(_ns, _a))
        _lo = _x < _lo ? _x : _lo
        _hi = _x > _hi ? _x : _hi
        ntics_labels = ntics_labels.(_a > 1 ? ' ' : '').nlabel(_x)
        if (_nn <= 12) {
            if (_a == 1) { set xtics (nlabel(_x) _x) } else { set xtics add (nlabel(_x) _x) }
        }
    }
    if (_nn > 12) {  # a user tic list replaces gnuplot's own: write the decades too
        set xtics ()
        do for [_k=_e(_lo):_e(_hi) + 1] { set xtics add (nlabel(10.0**_k) 10.0**_k) }
        do for [_a=1:_nn] { set xtics add ('' real(word(_ns, _a)) 1) }
    }
    _step = (_gap < 1e9 ? (0.5 * _gap / nblocks < 0.03 ? 0.5 * _gap / nblocks : 0.03) : 0.03)
    nudge(i) = 10**(_step * (i - (nblocks - 1) / 2.0))
}
