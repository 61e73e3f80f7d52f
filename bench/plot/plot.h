/* plot.h - `mibench plot`: the tables behind each figure of a results file
 * as TSV files, gnuplot (an external program, run without a shell) to draw
 * them with the scripts in scripts/KIND.gp, and a static index.html.
 *
 * TSV layout (what the .gp scripts read): tab-separated, one block per
 * plotted series separated by two blank lines (gnuplot's `index`), each
 * block opening with a header line whose first field is the series label;
 * missing values are written NaN. Files in DIR, for figure kind K and
 * generator number G (1-based, in /summary order) with slug S:
 *   stats-G-S.tsv   n mean bias ci95 std_error variance mse rmse true_mi count failures
 *                   true_mi_se bmi_failures (one block per estimator; figures bias-G-S,
 *                   spread-G-S; ci95 = 1.96 sqrt(std_error^2 + true_mi_se^2),
 *                   the bias's, which a Monte-Carlo truth's SE widens)
 *   time-G-S.tsv    n median_seconds mean_seconds slope (figure time-G-S;
 *                   label "EST (slope b)", b the least-squares slope of
 *                   ln median seconds on ln N)
 *   truth-F-S.tsv   true_mi mean std_error n batch_size true_mi_se (per generator
 *                   family F, see mib_labels_family; cells at their
 *                   largest N; figure truth-F-S)
 *   curves-G-S.tsv  step estimate ema true_mi (one block per cell with a
 *                   training curve, its lowest replicate; figure curves-G-S)
 *   heatmap.tsv     gen_index est_index rel_error_pct text generator estimator
 *                   n true_mi mean bias std_error within_2se n_note count
 *                   failures bmi_failures (figure heatmap, bmi's summary
 *                   heatmap: the mean, and the true MI in a row of its own;
 *                   each pair at its largest N; rel_error_pct NaN
 *                   where the true MI is 0, whose text is the bias in nats
 *                   or bits;
 *                   within_2se 1 when |bias| <= 2 SE (the bias's, with
 *                   true_mi_se), 0, or NaN unknown;
 *                   n_note "N=M" when M is below the generator's largest N,
 *                   else "-"; true_mi the generator's on every row, count,
 *                   failures, bmi_failures NaN for a pair without rows)
 *   samples.tsv     gen_index est_index n_needed text generator estimator
 *                   true_mi n_min n_max (figure samples, bmi's "samples
 *                   needed": per pair the smallest N whose /summary mean m
 *                   has t / 1.5 <= m <= 1.5 t for the true MI t > 0, text
 *                   "N"; ">M" (n_needed NaN) when no N up to the pair's
 *                   largest M does; "-" when t is 0 or unknown or the pair
 *                   has no estimate; n_min, n_max the pair's smallest and
 *                   largest N with an estimate; drawn when a pair with
 *                   t > 0 has two or more N)
 * MI columns (mean, bias, ci95, std_error, rmse, true_mi, true_mi_se, estimate, ema;
 * variance and mse squared) are in nats, or in bits when exported with
 * MIB_PLOT_BITS (divided by ln 2, ln 2 squared); relative errors (percent),
 * seconds, N, counts and batch sizes do not change.
 * Series labels keep every parameter that tells a spec apart from the
 * others of its type, or from its registered type's default ("ksg1:k=4"
 * even alone), and add in parentheses "N <= M" (stats, time) or "N = M"
 * (truth) for an estimator limited to a smaller N than the generator's
 * largest, and "same as L" for a series whose every row (N, mean, SE)
 * equals an earlier one's. File names (S) use the shorter labels of
 * mib_labels_short.
 */
#ifndef MIB_PLOT_H
#define MIB_PLOT_H

#include <stddef.h>
#include "mibench/results.h"

typedef enum mib_plot_format { MIB_PLOT_PNG, MIB_PLOT_SVG, MIB_PLOT_PDF } mib_plot_format;

/* "png" | "svg" | "pdf" -> *out; MIB_EINVAL naming the allowed values. */
int mib_plot_format_parse(const char *text, mib_plot_format *out, mib_err *err);

/* File extension without the dot ("png"). */
const char *mib_plot_format_ext(mib_plot_format f);

/* The unit of the MI quantities in the tables and figures (the results
 * file itself is always in nats). Zero is nats. */
typedef enum mib_plot_unit { MIB_PLOT_NATS, MIB_PLOT_BITS } mib_plot_unit;

/* "nats" | "bits". */
const char *mib_plot_unit_name(mib_plot_unit u);

typedef struct mib_plot_figure {
    char name[96];      /* file stem of the figure in DIR: "bias-1-gaussian" */
    char tsv[96];       /* its table in DIR: "stats-1-gaussian.tsv" */
    const char *script; /* script stem: "bias" for scripts/bias.gp */
    const char *what;   /* one-line description for index.html */
    char title[2 * MIB_SPEC_LEN + 128]; /* study - what - generator */
    int width, height;  /* pixels (PDF: hundredths of an inch) */
    mib_plot_unit unit; /* of its table; passed to the script as units='bits' */
} mib_plot_figure;

typedef struct mib_plot_set {
    mib_plot_figure *figs;
    size_t nfigs;
    size_t ncurve_cells; /* cells with a training curve; 0: no curve figures */
    mib_plot_unit unit;  /* of every table, figure and of index.html */
} mib_plot_set;

/* Write the TSV tables of every figure of r into dir (created, with its
 * parents, if missing) and list the figures in *out, in display order.
 * Figures with nothing to show (e.g. curves without /curves rows, a bias
 * plot without known true MI) are left out. MIB_EINVAL for an empty
 * summary or a dir containing a control character, MIB_EIO naming the
 * file that could not be written, MIB_ENOMEM. *out is zeroed on failure. */
int mib_plot_export(const mib_results *r, const char *dir, mib_plot_set *out, mib_err *err);

/* mib_plot_export with the MI quantities in unit (MIB_PLOT_BITS: divided
 * by ln 2, variances and MSE by ln 2 squared); mib_plot_export is
 * mib_plot_export_unit(r, dir, MIB_PLOT_NATS, out, err). */
int mib_plot_export_unit(const mib_results *r, const char *dir, mib_plot_unit unit, mib_plot_set *out,
                         mib_err *err);

/* Free a set; accepts NULL and zeroed sets. */
void mib_plot_set_free(mib_plot_set *s);

/* Least-squares slope of ln y on ln x over the points with x > 0 and
 * finite y > 0 (the exponent of a power law y ~ x^b). NaN when fewer than
 * two distinct x remain. */
double mib_plot_loglog_slope(const double *x, const double *y, size_t n);

/* Exponential moving average of y into ema (same length n), weight alpha
 * in (0, 1] on the newest value, started at the first finite y; non-finite
 * y keep the previous average (NaN before the first finite value). */
void mib_plot_ema(const double *y, size_t n, double alpha, double *ema);

typedef struct mib_plot_render_options {
    const char *dir;         /* the TSVs are here and the figures go here */
    const char *scripts_dir; /* where the <script>.gp files are */
    const char *gnuplot;     /* program, looked up in PATH: "gnuplot" */
    mib_plot_format format;
    double timeout;          /* seconds allowed per figure */
} mib_plot_render_options;

/* Copy the .gp script of every figure in s, and the preamble mibench.gp
 * they load, from o->scripts_dir into o->dir
 * (so DIR holds everything needed to redraw by hand). MIB_EIO naming the
 * missing or unwritable script. */
int mib_plot_copy_scripts(const mib_plot_set *s, const mib_plot_render_options *o, mib_err *err);

/* Draw one figure: runs `gnuplot -e "tsv='..'; out='..'; term='..';
 * heading='..'" DIR/<script>.gp` ("; units='bits'" appended for a
 * figure in bits; the scripts default units to 'nats') as a child process
 * (posix_spawnp with an argument vector, the caller's environment, stdin
 * and stdout on /dev/null), kills it after o->timeout seconds. Errors name the figure:
 * MIB_EUNSUPPORTED when the program is not found, MIB_EIO when it fails
 * (with its last stderr line), times out or writes no output. */
int mib_plot_render(const mib_plot_figure *f, const mib_plot_render_options *o, mib_err *err);

/* The gnuplot command that redraws f by hand from inside DIR, quoted for a
 * POSIX shell, into buf (len bytes). */
void mib_plot_command(const mib_plot_figure *f, mib_plot_format fmt, char *buf, size_t len);

/* Write DIR/index.html: every figure of s, then the summary table of r
 * (static HTML, no scripts), its MI quantities in s->unit, which the page
 * names. source names the results file in the page. */
int mib_plot_write_index(const mib_results *r, const mib_plot_set *s, const char *dir,
                         mib_plot_format fmt, const char *source, mib_err *err);

#endif
