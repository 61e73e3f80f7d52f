# mibench.gp - preamble loaded by every figure script of `mibench plot`.
# Before loading it a script sets kind, width and height; the caller passes
# (gnuplot -e) tsv = the table, and optionally out = the figure file,
# term = a gnuplot terminal with options, heading = the figure title.
# The tables are tab-separated, one block per series (two blank lines
# between blocks), each block opening with a header whose first field is
# the series label. Missing values are NaN. Defines nblocks.
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
eval 'set terminal '.term
set termoption noenhanced
set output out
set datafile separator tab
set key autotitle columnheader
set grid lc rgb '#dddddd'
stats tsv using 1 nooutput
nblocks = STATS_blocks
