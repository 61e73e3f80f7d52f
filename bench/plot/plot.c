/* plot.c - `mibench plot`: export the table behind each figure of a results
 * file to TSV, draw each with gnuplot and a script from scripts/KIND.gp, and
 * write a static index.html. gnuplot runs as a child (posix_spawnp with an
 * argument vector, never a shell) with a timeout; every error names the
 * figure. The results are only read. Cost: O(S u) for S summary rows over
 * u distinct generators and estimators, plus O(C log C) for C curve points
 * and O(T (u + log T)) for T trials when some generators are chain views.
 * Conventions: MI in nats (or bits, MIB_PLOT_BITS), times in seconds, error bars +-1.96 SE; the
 * TSV layout is documented in plot.h (the contract with the .gp files).
 * Legend labels keep every parameter that tells a spec from the others of
 * its type or from its type's default, and say when a series is limited
 * to a smaller N than the others or repeats another one exactly. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench/harness/labels.h"
#include "mibench/estimator.h"
#include "mibench/generator.h"
#include "mibench/version.h"
#include "bench/plot/plot.h"

extern char **environ; /* passed to gnuplot (its PATH, locale, fonts) */

#define Z95 1.959963984540054 /* two-sided 95% normal quantile */

static const char *const format_names[] = {"png", "svg", "pdf"};

int mib_plot_format_parse(const char *text, mib_plot_format *out, mib_err *err)
{
    for (int i = 0; i < 3; i++)
        if (text && strcmp(text, format_names[i]) == 0) {
            *out = (mib_plot_format)i;
            return MIB_OK;
        }
    return mib_fail(err, MIB_EINVAL, "format '%s': use png, svg or pdf", text ? text : "");
}

const char *mib_plot_format_ext(mib_plot_format f)
{
    return format_names[f];
}

const char *mib_plot_unit_name(mib_plot_unit u)
{
    return u == MIB_PLOT_BITS ? "bits" : "nats";
}

/* What one unit of u is in nats: 1, or ln 2 for bits. */
static double unit_nats(mib_plot_unit u)
{
    return u == MIB_PLOT_BITS ? M_LN2 : 1.0;
}

/* The gnuplot terminal for a format at w x h pixels (PDF: 100 px = 1 in). */
static void terminal(mib_plot_format f, int w, int h, char *buf, size_t len)
{
    if (f == MIB_PLOT_PNG)
        snprintf(buf, len, "pngcairo size %d,%d", w, h);
    else if (f == MIB_PLOT_SVG)
        snprintf(buf, len, "svg size %d,%d dynamic", w, h);
    else
        snprintf(buf, len, "pdfcairo size %.2fin,%.2fin", w / 100.0, h / 100.0);
}

double mib_plot_loglog_slope(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0, xmin = INFINITY, xmax = -INFINITY;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0) || !isfinite(x[i]) || !(y[i] > 0) || !isfinite(y[i]))
            continue;
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, m++;
        xmin = fmin(xmin, lx), xmax = fmax(xmax, lx);
    }
    if (m < 2 || !(xmax > xmin))
        return NAN;
    /* Centred form for accuracy: b = S_xy / S_xx. */
    double mx = sx / (double)m, my = sy / (double)m;
    return (sxy - (double)m * mx * my) / (sxx - (double)m * mx * mx);
}

void mib_plot_ema(const double *y, size_t n, double alpha, double *ema)
{
    double s = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(y[i]))
            s = isnan(s) ? y[i] : s + alpha * (y[i] - s);
        ema[i] = s;
    }
}

/* ---- files ---------------------------------------------------------------- */

/* malloc'd "dir/name". */
static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p) {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

/* mkdir -p: create dir and its missing parents. */
static int make_dirs(const char *dir, mib_err *err)
{
    char *p = strdup(dir);
    int st = MIB_OK;
    if (!p)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            st = mib_fail(err, MIB_EIO, "cannot create directory %s: %s", p, strerror(errno));
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    struct stat sb;
    if (!st && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = mib_fail(err, MIB_EIO, "output directory %s is not a directory", dir);
    free(p);
    return st;
}

static FILE *open_out(const char *dir, const char *name, mib_err *err)
{
    char *path = join(dir, name);
    FILE *f = path ? fopen(path, "w") : NULL;
    if (!f)
        mib_fail(err, MIB_EIO, "cannot write %s/%s: %s", dir, name, path ? strerror(errno) : "out of memory");
    free(path);
    return f;
}

/* fclose f and report a write error naming the file. */
static int close_out(FILE *f, const char *dir, const char *name, mib_err *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return mib_fail(err, MIB_EIO, "error writing %s/%s", dir, name);
    return MIB_OK;
}

/* One TSV field: tab-prefixed unless first, NaN for non-finite values. */
static void put(FILE *f, int first, double v)
{
    if (!first)
        fputc('\t', f);
    if (isnan(v))
        fputs("NaN", f);
    else
        fprintf(f, "%.12g", v);
}

/* The SE of a cell's bias: its estimates' and its true MI's (a Monte-Carlo
 * truth's true_mi_se; 0 when exact). */
static double bias_se(const mib_summary_row *s)
{
    return hypot(s->std_error, s->true_mi_se);
}

static void put_row(FILE *f, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(f, i == 0, v[i]);
    fputc('\n', f);
}

/* ---- export ---------------------------------------------------------------- */

typedef struct ctx {
    const mib_results *r;
    const char *dir;
    const char *study;
    mib_plot_unit unit;              /* of the MI quantities written */
    double u, u2;                    /* one unit in nats, and squared: divide by them */
    const char **gens;               /* distinct generator specs, summary order */
    char (*glab)[MIB_SPEC_LEN];
    char (*gslug)[48];
    size_t ngen;
    const char **ests;               /* distinct estimator specs */
    char (*elab)[MIB_SPEC_LEN];
    size_t nest;
    size_t *gfam;                    /* per generator: its family number */
    char (*flab)[MIB_SPEC_LEN];      /* per family: short label */
    size_t nfam;
    size_t *gi, *ei;                 /* per summary row: generator / estimator number */
    int64_t *gmaxn;                  /* per generator: its largest N with an estimate (0: none) */
    const mib_summary_row **rows;    /* scratch, nsummary */
    const mib_summary_row **rows2;   /* a second scratch, nsummary */
    mib_plot_set *set;
    size_t cap;
    mib_err *err;
} ctx;

/* Distinct strings among n (stride bytes apart, starting at first) in
 * order of first appearance into uniq (*nu of them); idx[i] = number of
 * item i. */
static void distinct(const char *first, size_t stride, size_t n, const char **uniq, size_t *nu,
                     size_t *idx)
{
    *nu = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = first + i * stride;
        size_t j = 0;
        while (j < *nu && strcmp(uniq[j], s) != 0)
            j++;
        if (j == *nu)
            uniq[(*nu)++] = s;
        idx[i] = j;
    }
}

static int by_n(const void *a, const void *b)
{
    const mib_summary_row *x = *(const mib_summary_row *const *)a, *y = *(const mib_summary_row *const *)b;
    int c = (x->n > y->n) - (x->n < y->n);
    return c ? c : (x->batch_size > y->batch_size) - (x->batch_size < y->batch_size);
}

/* Summary rows of generator g and estimator e, by increasing n, into
 * out (c->rows or c->rows2); returns their count. */
static size_t rows_into(ctx *c, size_t g, size_t e, const mib_summary_row **out)
{
    size_t k = 0;
    for (size_t i = 0; i < c->r->nsummary; i++)
        if (c->gi[i] == g && c->ei[i] == e)
            out[k++] = &c->r->summary[i];
    qsort(out, k, sizeof *out, by_n);
    return k;
}

static size_t rows_of(ctx *c, size_t g, size_t e)
{
    return rows_into(c, g, e, c->rows);
}

/* The row of (g, e) at the largest n with a successful trial, or NULL. */
static const mib_summary_row *largest_n(ctx *c, size_t g, size_t e)
{
    for (size_t k = rows_of(c, g, e); k > 0; k--)
        if (c->rows[k - 1]->count > 0)
            return c->rows[k - 1];
    return NULL;
}

/* The true MI of generator g (its first summary row). */
static double gen_truth(const ctx *c, size_t g)
{
    for (size_t i = 0; i < c->r->nsummary; i++)
        if (c->gi[i] == g)
            return c->r->summary[i].true_mi;
    return NAN;
}

/* Two statistics equal up to rounding (NaN equals NaN). */
static int same_value(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static int same_row(const mib_summary_row *a, const mib_summary_row *b)
{
    return a->n == b->n && a->count == b->count && same_value(a->mean, b->mean) &&
           same_value(a->std_error, b->std_error);
}

/* 1 when estimators e and e2 give generator g the same rows: the same N
 * and, at each, the same mean and SE (their lines would hide each other). */
static int same_series(ctx *c, size_t g, size_t e, size_t e2)
{
    size_t k = rows_into(c, g, e, c->rows2), k2 = rows_into(c, g, e2, c->rows);
    int same = k == k2 && k > 0;
    for (size_t i = 0; i < k && same; i++)
        same = same_row(c->rows2[i], c->rows[i]);
    return same;
}

/* The legend label of estimator e on generator g into buf: its label,
 * then "(N <= M)" when its largest N with an estimate is below the
 * generator's, "(same as L)" when an earlier estimator has the very same
 * rows. extra (or NULL) goes in the same parentheses first. */
static void series_label(ctx *c, size_t g, size_t e, const char *extra, char *buf, size_t len)
{
    const mib_summary_row *top = largest_n(c, g, e);
    char notes[3][MIB_SPEC_LEN + 16];
    size_t nn = 0;
    if (extra && *extra)
        snprintf(notes[nn++], sizeof notes[0], "%s", extra);
    if (top && top->n < c->gmaxn[g])
        snprintf(notes[nn++], sizeof notes[0], "N <= %lld", (long long)top->n);
    for (size_t e2 = 0; e2 < e; e2++)
        if (same_series(c, g, e, e2)) {
            snprintf(notes[nn++], sizeof notes[0], "same as %s", c->elab[e2]);
            break;
        }
    int used = snprintf(buf, len, "%s", c->elab[e]);
    for (size_t i = 0; i < nn && used >= 0 && (size_t)used < len; i++)
        used += snprintf(buf + used, len - (size_t)used, "%s%s%s", i ? "; " : " (", notes[i],
                         i + 1 == nn ? ")" : "");
}

/* Append a figure (title printf-style) to the set. */
static int add_figure(ctx *c, const char *script, const char *what, const char *name,
                      const char *tsv, int w, int h, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static int add_figure(ctx *c, const char *script, const char *what, const char *name,
                      const char *tsv, int w, int h, const char *fmt, ...)
{
    mib_plot_set *s = c->set;
    if (s->nfigs == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        mib_plot_figure *p = realloc(s->figs, cap * sizeof *p);
        if (!p)
            return mib_fail(c->err, MIB_ENOMEM, "out of memory listing figures");
        s->figs = p;
        c->cap = cap;
    }
    mib_plot_figure *f = &s->figs[s->nfigs++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->tsv, sizeof f->tsv, "%s", tsv);
    f->script = script;
    f->what = what;
    f->width = w;
    f->height = h;
    f->unit = c->unit;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->title, sizeof f->title, fmt, ap);
    va_end(ap);
    return MIB_OK;
}

/* Pixels for a 900-pixel-wide figure whose key of nseries entries sits
 * under the plot: base for the plot, and a row of about 20 pixels per line
 * of the key, as many entries to a line as their longest label allows. */
static int fig_height(int base, size_t nseries, size_t longest_label)
{
    size_t cols = 860 / (7 * longest_label + 60);
    cols = cols ? cols : 1;
    return base + 20 + 20 * (int)((nseries + cols - 1) / cols); /* + the key's margin */
}

/* stats-G-S.tsv (figures bias, spread) and time-G-S.tsv (figure time). */
static int write_generator(ctx *c, size_t g)
{
    char stats[96], timef[96], name[96];
    FILE *f = NULL;
    int st = MIB_OK, any_bias = 0, any_var = 0, any_mse = 0, any_time = 0;
    size_t wstats = 0, wtime = 0, nstats = 0, ntime = 0; /* longest legend labels, series */
    double *x = malloc((c->r->nsummary + 1) * 2 * sizeof *x), *y = x ? x + c->r->nsummary + 1 : NULL;
    if (!x) {
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(stats, sizeof stats, "stats-%zu-%s.tsv", g + 1, c->gslug[g]);
    snprintf(timef, sizeof timef, "time-%zu-%s.tsv", g + 1, c->gslug[g]);
    if (!(f = open_out(c->dir, stats, c->err))) {
        st = MIB_EIO;
        goto done;
    }
    int blocks = 0;
    for (size_t e = 0; e < c->nest; e++) {
        char label[2 * MIB_SPEC_LEN + 64];
        series_label(c, g, e, NULL, label, sizeof label);
        size_t k = rows_of(c, g, e);
        if (!k)
            continue;
        wstats = strlen(label) > wstats ? strlen(label) : wstats;
        nstats++;
        fprintf(f, "%s%s\tn\tmean\tbias\tci95\tstd_error\tvariance\tmse\trmse\ttrue_mi\tcount\tfailures"
                "\ttrue_mi_se\tbmi_failures\n", blocks++ ? "\n\n" : "", label);
        for (size_t i = 0; i < k; i++) {
            const mib_summary_row *s = c->rows[i];
            double u = c->u, u2 = c->u2;
            double v[] = {(double)s->n, s->mean / u, s->bias / u, Z95 * bias_se(s) / u,
                          s->std_error / u, s->variance / u2, s->mse / u2, s->rmse / u,
                          s->true_mi / u, (double)s->count, (double)s->failures,
                          s->true_mi_se / u, (double)s->bmi_failures};
            put_row(f, v, sizeof v / sizeof v[0]);
            any_bias |= isfinite(s->bias);
            any_var |= isfinite(s->variance) && s->variance > 0;
            any_mse |= isfinite(s->mse) && s->mse > 0;
        }
    }
    st = close_out(f, c->dir, stats, c->err);
    f = NULL;
    if (st)
        goto done;
    if (!(f = open_out(c->dir, timef, c->err))) {
        st = MIB_EIO;
        goto done;
    }
    blocks = 0;
    for (size_t e = 0; e < c->nest; e++) {
        size_t k = rows_of(c, g, e);
        for (size_t i = 0; i < k; i++)
            x[i] = (double)c->rows[i]->n, y[i] = c->rows[i]->median_seconds;
        double b = mib_plot_loglog_slope(x, y, k);
        int timed = 0;
        for (size_t i = 0; i < k; i++)
            timed |= isfinite(y[i]) && y[i] > 0;
        if (!timed)
            continue;
        any_time = 1;
        char slope[32] = "", label[2 * MIB_SPEC_LEN + 96];
        if (isfinite(b))
            snprintf(slope, sizeof slope, "slope %.2f", b);
        /* Times are never "the same as" another's: compare only the N mark. */
        const mib_summary_row *top = largest_n(c, g, e);
        if (top && top->n < c->gmaxn[g])
            snprintf(slope + strlen(slope), sizeof slope - strlen(slope), "%sN <= %lld", *slope ? "; " : "",
                     (long long)top->n);
        snprintf(label, sizeof label, "%s%s%s%s", c->elab[e], *slope ? " (" : "", slope, *slope ? ")" : "");
        k = rows_of(c, g, e); /* largest_n reused the scratch */
        fprintf(f, "%s%s", blocks++ ? "\n\n" : "", label);
        wtime = strlen(label) > wtime ? strlen(label) : wtime;
        ntime++;
        fputs("\tn\tmedian_seconds\tmean_seconds\tslope\n", f);
        for (size_t i = 0; i < k; i++) {
            double v[] = {x[i], y[i], c->rows[i]->mean_seconds, b};
            put_row(f, v, 4);
        }
    }
    st = close_out(f, c->dir, timef, c->err);
    f = NULL;
    if (st)
        goto done;
    const char *gen = c->gens[g];
    snprintf(name, sizeof name, "bias-%zu-%s", g + 1, c->gslug[g]);
    if (any_bias && (st = add_figure(c, "bias", "bias (mean estimate - true MI) against N, +-1.96 SE",
                                     name, stats, 900, fig_height(560, nstats, wstats),
                                     "%s - bias vs N - %s", c->study, gen)))
        goto done;
    snprintf(name, sizeof name, "spread-%zu-%s", g + 1, c->gslug[g]);
    if (any_var && any_mse &&
        (st = add_figure(c, "spread", "variance and MSE against N", name, stats, 900,
                         fig_height(860, nstats, wstats), "%s - variance and MSE vs N - %s", c->study, gen)))
        goto done;
    snprintf(name, sizeof name, "time-%zu-%s", g + 1, c->gslug[g]);
    if (any_time && (st = add_figure(c, "time", "median seconds per estimate against N, fitted slope",
                                     name, timef, 900, fig_height(560, ntime, wtime),
                                     "%s - seconds vs N - %s", c->study, gen)))
        goto done;
done:
    if (f)
        fclose(f);
    free(x);
    return st;
}

static int by_truth(const void *a, const void *b)
{
    const mib_summary_row *x = *(const mib_summary_row *const *)a, *y = *(const mib_summary_row *const *)b;
    return (x->true_mi > y->true_mi) - (x->true_mi < y->true_mi);
}

/* The points of estimator e in family fam: each generator of the family
 * at its largest N with an estimate and a known truth, into pts (by true
 * MI); returns their count. */
static size_t family_points(ctx *c, size_t fam, size_t e, const mib_summary_row **pts)
{
    size_t k = 0;
    for (size_t g = 0; g < c->ngen; g++) {
        if (c->gfam[g] != fam)
            continue;
        const mib_summary_row *s = largest_n(c, g, e);
        if (s && isfinite(s->true_mi) && isfinite(s->mean))
            pts[k++] = s;
    }
    qsort(pts, k, sizeof *pts, by_truth);
    return k;
}

/* The legend label of estimator e in the truth figure of family fam:
 * "(N = M)" when its points sit at a smaller N than their generators'
 * largest ("smaller N" when those differ), "(same as L)" when an earlier
 * estimator has the very same points. pts and scratch hold ngen rows. */
static void family_label(ctx *c, size_t fam, size_t e, const mib_summary_row **pts,
                         const mib_summary_row **scratch, char *buf, size_t len)
{
    size_t k = family_points(c, fam, e, pts);
    int64_t small = 0; /* the smaller N of its points, -1 when they differ */
    for (size_t i = 0; i < k; i++) {
        size_t g = 0;
        while (strcmp(c->gens[g], pts[i]->generator) != 0)
            g++;
        if (pts[i]->n < c->gmaxn[g])
            small = small == 0 || small == pts[i]->n ? pts[i]->n : -1;
    }
    char note[MIB_SPEC_LEN + 32] = "";
    if (small > 0)
        snprintf(note, sizeof note, "N = %lld", (long long)small);
    else if (small < 0)
        snprintf(note, sizeof note, "smaller N");
    for (size_t e2 = 0; e2 < e && k; e2++) {
        size_t k2 = family_points(c, fam, e2, scratch), i = 0;
        while (i < k && k2 == k && same_row(pts[i], scratch[i]))
            i++;
        if (i == k) {
            size_t used = strlen(note);
            snprintf(note + used, sizeof note - used, "%ssame as %s", used ? "; " : "", c->elab[e2]);
            break;
        }
    }
    snprintf(buf, len, "%s%s%s%s", c->elab[e], *note ? " (" : "", note, *note ? ")" : "");
}

/* truth-F-S.tsv: estimate against true MI for the generators of family
 * fam (same type and non-numeric parameters, see mib_labels_family), one
 * block per estimator, each generator at its largest N. Drawn only with
 * at least two distinct true MIs. */
static int write_family(ctx *c, size_t fam)
{
    const char *family = c->flab[fam];
    char slug[48], file[96], name[96], at[64] = "each generator's largest N";
    mib_labels_slug(family, slug, sizeof slug);
    snprintf(file, sizeof file, "truth-%zu-%s.tsv", fam + 1, slug);
    snprintf(name, sizeof name, "truth-%zu-%s", fam + 1, slug);
    const mib_summary_row **pts = malloc((c->ngen + 1) * 2 * sizeof *pts);
    FILE *f = NULL;
    int st = MIB_OK, blocks = 0;
    double t0 = NAN;
    int distinct_truths = 0, monte_carlo = 0;
    int64_t n0 = -1; /* the generators' common largest N, 0 when they differ */
    size_t wlab = 0;  /* longest legend label */
    if (!pts) {
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory");
        goto done;
    }
    if (!(f = open_out(c->dir, file, c->err))) {
        st = MIB_EIO;
        goto done;
    }
    for (size_t g = 0; g < c->ngen; g++)
        if (c->gfam[g] == fam)
            n0 = n0 < 0 || n0 == c->gmaxn[g] ? c->gmaxn[g] : 0;
    if (n0 > 0)
        snprintf(at, sizeof at, "N = %lld", (long long)n0);
    for (size_t e = 0; e < c->nest; e++) {
        char label[2 * MIB_SPEC_LEN + 64];
        family_label(c, fam, e, pts, pts + c->ngen + 1, label, sizeof label);
        wlab = strlen(label) > wlab ? strlen(label) : wlab;
        size_t k = family_points(c, fam, e, pts);
        if (!k)
            continue;
        fprintf(f, "%s%s\ttrue_mi\tmean\tstd_error\tn\tbatch_size\ttrue_mi_se\n",
                blocks++ ? "\n\n" : "", label);
        for (size_t i = 0; i < k; i++) {
            double v[] = {pts[i]->true_mi / c->u, pts[i]->mean / c->u, pts[i]->std_error / c->u,
                          (double)pts[i]->n, (double)pts[i]->batch_size,
                          pts[i]->true_mi_se / c->u};
            put_row(f, v, 6);
            monte_carlo |= pts[i]->true_mi_se > 0;
            if (isnan(t0))
                t0 = pts[i]->true_mi;
            distinct_truths |= pts[i]->true_mi != t0;
        }
    }
    st = close_out(f, c->dir, file, c->err);
    f = NULL;
    if (!st && distinct_truths)
        st = add_figure(c, "truth",
                        monte_carlo ? "mean estimate +- SE against true MI at the largest N; ln B for "
                                      "batched bounds; the true MIs are Monte-Carlo means, within "
                                      "their SE (column true_mi_se, about 1e-3 nats)"
                                    : "mean estimate +- SE against true MI at the largest N; ln B for "
                                      "batched bounds",
                        name, file, 900, fig_height(620, (size_t)blocks + 1, wlab),
                        "%s - estimate vs true MI at %s - %s", c->study, at, family);
done:
    if (f)
        fclose(f);
    free(pts);
    return st;
}

/* The text of a heatmap cell: the relative error in percent, or where the
 * true MI is 0 the bias in c's unit; "-" when unknown. Sets *rel. */
static void heat_text(const ctx *c, const mib_summary_row *s, double *rel, char *text, size_t len)
{
    double t = s ? s->true_mi : NAN, m = s ? s->mean : NAN;
    *rel = NAN;
    snprintf(text, len, "-");
    if (isfinite(t) && t != 0 && isfinite(m)) {
        *rel = 100 * (m - t) / t;
        snprintf(text, len, fabs(*rel) < 9.5 ? "%+.1f%%" : "%+.0f%%", *rel);
    } else if (t == 0 && isfinite(m)) {
        snprintf(text, len, "%+.2g %s", m / c->u, mib_plot_unit_name(c->unit));
    }
}

/* Pixels for a figure of ngen columns by nrows rows of cells (the
 * heatmap and samples figures): vertical generator labels below,
 * estimator labels left, the key under the plot. */
static void grid_size(const ctx *c, size_t nrows, int *w, int *h)
{
    size_t glen = 0, elen = 7; /* "true MI" */
    for (size_t g = 0; g < c->ngen; g++)
        glen = strlen(c->glab[g]) > glen ? strlen(c->glab[g]) : glen;
    for (size_t e = 0; e < c->nest; e++)
        elen = strlen(c->elab[e]) > elen ? strlen(c->elab[e]) : elen;
    *w = (int)(c->ngen * 120 + elen * 8 + 300);
    *h = (int)(nrows * 60 + glen * 8 + 250);
    *w = *w > 760 ? *w : 760;
    *h = *h > 480 ? *h : 480;
}

/* heatmap.tsv: every (generator, estimator) pair at its largest N: the
 * relative error 100 (mean - truth) / truth (percent; NaN where unknown
 * or where the truth is 0, whose cells show the bias in nats or bits),
 * whether the error is within 2 SE of zero, the N when it is below the
 * generator's largest, and the trials that failed or that bmi counts as
 * failed. true_mi is the generator's even for a pair without rows (the
 * script writes the true MI row from estimator 0's). */
static int write_heatmap(ctx *c)
{
    const char *file = "heatmap.tsv";
    FILE *f = open_out(c->dir, file, c->err);
    int any = 0, w, h;
    int64_t n0 = -1; /* the generators' common largest N, 0 when they differ */
    char at[48] = "each generator's largest N";
    if (!f)
        return MIB_EIO;
    fputs("gen_index\test_index\trel_error_pct\ttext\tgenerator\testimator\tn\ttrue_mi\tmean"
          "\tbias\tstd_error\twithin_2se\tn_note\tcount\tfailures\tbmi_failures\n", f);
    for (size_t e = 0; e < c->nest; e++)
        for (size_t g = 0; g < c->ngen; g++) {
            const mib_summary_row *s = largest_n(c, g, e);
            double rel, within = NAN;
            char text[48], note[48] = "-";
            heat_text(c, s, &rel, text, sizeof text);
            any |= isfinite(rel) || (s && s->true_mi == 0 && isfinite(s->mean));
            if (s && isfinite(s->bias) && isfinite(s->std_error))
                within = fabs(s->bias) <= 2 * bias_se(s);
            if (s && s->n < c->gmaxn[g])
                snprintf(note, sizeof note, "N=%lld", (long long)s->n);
            put(f, 1, (double)g);
            put(f, 0, (double)e);
            put(f, 0, rel);
            fprintf(f, "\t%s\t%s\t%s", text, c->glab[g], c->elab[e]);
            double v[] = {s ? (double)s->n : NAN, gen_truth(c, g) / c->u, s ? s->mean / c->u : NAN,
                          s ? s->bias / c->u : NAN, s ? s->std_error / c->u : NAN, within};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
                put(f, 0, v[i]);
            fprintf(f, "\t%s", note);
            double k[] = {s ? (double)s->count : NAN, s ? (double)s->failures : NAN,
                          s ? (double)s->bmi_failures : NAN};
            for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
                put(f, 0, k[i]);
            fputc('\n', f);
        }
    for (size_t g = 0; g < c->ngen; g++)
        n0 = n0 < 0 || n0 == c->gmaxn[g] ? c->gmaxn[g] : 0;
    if (n0 > 0)
        snprintf(at, sizeof at, "N = %lld", (long long)n0);
    grid_size(c, c->nest + 1, &w, &h);
    int st = close_out(f, c->dir, file, c->err);
    if (!st && any)
        st = add_figure(c, "heatmap",
                        c->unit == MIB_PLOT_BITS
                            ? "mean estimate (bits) at the largest N, the true MI in the last row; "
                              "colour and the small number: relative error 100 (mean - true MI) / "
                              "true MI (fixed scale, clipped at +-50%; grey: true MI 0, bias in bits); "
                              "circles: within 2 SE of 0; failed k/m: of m trials, k errored or were "
                              "failed runs by bmi's rule (estimate < 0 or < 0.1 of the cell's largest)"
                            : "mean estimate (nats) at the largest N, the true MI in the last row; "
                              "colour and the small number: relative error 100 (mean - true MI) / "
                              "true MI (fixed scale, clipped at +-50%; grey: true MI 0, bias in nats); "
                              "circles: within 2 SE of 0; failed k/m: of m trials, k errored or were "
                              "failed runs by bmi's rule (estimate < 0 or < 0.1 of the cell's largest)",
                        "heatmap", file, w, h, "%s - mean estimate and relative error at %s", c->study, at);
    return st;
}

/* "Samples needed" counts a mean estimate m as right when it is within
 * this factor of the true MI t > 0: t / 1.5 <= m <= 1.5 t (bmi's
 * n_samples_needed asks |mean of ln(estimate / t)| < ln 1.5). */
#define SAMPLES_FACTOR 1.5

/* samples.tsv: per (generator, estimator) pair, the smallest N whose mean
 * estimate (/summary) is within SAMPLES_FACTOR of the true MI: n_needed,
 * with text "N", ">M" when no N up to the pair's largest M is, and "-"
 * (n_needed NaN) when the true MI is 0 or unknown or the pair has no
 * estimate; n_min and n_max are the pair's smallest and largest N with an
 * estimate. Drawn when a pair with a true MI above 0 has two or more N. */
static int write_samples(ctx *c)
{
    const char *file = "samples.tsv";
    FILE *f = open_out(c->dir, file, c->err);
    int several = 0, w, h;
    if (!f)
        return MIB_EIO;
    fputs("gen_index\test_index\tn_needed\ttext\tgenerator\testimator\ttrue_mi\tn_min\tn_max\n", f);
    for (size_t e = 0; e < c->nest; e++)
        for (size_t g = 0; g < c->ngen; g++) {
            double t = gen_truth(c, g);
            int64_t need = 0, lo = 0, hi = 0;
            size_t k = rows_of(c, g, e), ns = 0;
            char text[32] = "-";
            for (size_t i = 0; i < k; i++) {
                const mib_summary_row *s = c->rows[i];
                if (s->count == 0)
                    continue;
                lo = lo ? lo : s->n;
                hi = s->n;
                ns++;
                if (!need && s->mean >= t / SAMPLES_FACTOR && s->mean <= SAMPLES_FACTOR * t)
                    need = s->n;
            }
            if (t > 0 && ns > 0)
                snprintf(text, sizeof text, need ? "%lld" : ">%lld", (long long)(need ? need : hi));
            several |= t > 0 && ns > 1;
            put(f, 1, (double)g);
            put(f, 0, (double)e);
            put(f, 0, need ? (double)need : NAN);
            fprintf(f, "\t%s\t%s\t%s", text, c->glab[g], c->elab[e]);
            double v[] = {t / c->u, lo ? (double)lo : NAN, hi ? (double)hi : NAN};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
                put(f, 0, v[i]);
            fputc('\n', f);
        }
    grid_size(c, c->nest, &w, &h);
    int st = close_out(f, c->dir, file, c->err);
    if (!st && several)
        st = add_figure(c, "samples",
                        "samples needed: the smallest N at which the mean estimate is within a "
                        "factor 1.5 of the true MI (true MI / 1.5 <= mean <= 1.5 true MI); "
                        ">M: at no N up to M; grey -: true MI 0 or unknown",
                        "samples", file, w, h,
                        "%s - samples needed: smallest N within a factor 1.5 of the true MI", c->study);
    return st;
}

/* ---- the data-processing inequality ---------------------------------------- */

/* The views of a Markov chain X -> Y -> Z that the DPI figure reads, by
 * the word of a view parameter (MIB_PARAM_VIEW): I(X;Y), I(X;Z), I(X;Z|Y). */
enum { DPI_XY, DPI_XZ, DPI_XZ_Y, DPI_VIEWS };
static const char *const dpi_words[DPI_VIEWS] = {"xy", "xz", "xz_y"};

/* A chain: the text of its draw (a generator spec without its view
 * parameters) and its generator number per view (SIZE_MAX: absent). */
typedef struct dpi_chain {
    char draw[MIB_SPEC_LEN];
    size_t g[DPI_VIEWS];
} dpi_chain;

/* A successful trial of view xy or xz of chain `chain`. */
typedef struct dpi_trial {
    size_t chain, e;
    int64_t n;
    int32_t rep;
    int view;
    double estimate;
} dpi_trial;

/* Which DPI view generator spec gen is (-1: none, or a type the built-in
 * registry does not know), with the text of its draw into draw. */
static int dpi_view(const char *gen, char *draw, size_t len)
{
    mib_spec sp;
    if (mib_generator_spec_parse(gen, &sp, NULL))
        return -1;
    for (size_t i = 0; i < sp.nparams; i++) {
        const mib_param_spec *p = &sp.info->params[i];
        if (!(p->flags & MIB_PARAM_VIEW) || sp.v[i].choice < 0)
            continue;
        for (int w = 0; w < DPI_VIEWS; w++)
            if (strcmp(p->choices[sp.v[i].choice], dpi_words[w]) == 0)
                return mib_spec_format_draw(&sp, draw, len) ? -1 : w;
    }
    return -1;
}

/* Order of t against (chain, e, n): <0, 0, >0. */
static int dpi_cmp(const dpi_trial *t, size_t chain, size_t e, int64_t n)
{
    if (t->chain != chain)
        return t->chain < chain ? -1 : 1;
    if (t->e != e)
        return t->e < e ? -1 : 1;
    return (t->n > n) - (t->n < n);
}

static int by_chain(const void *a, const void *b)
{
    const dpi_trial *x = a, *y = b;
    int o = dpi_cmp(x, y->chain, y->e, y->n);
    if (o)
        return o;
    if (x->rep != y->rep)
        return (x->rep > y->rep) - (x->rep < y->rep);
    return (x->view > y->view) - (x->view < y->view);
}

/* The chains of the file's generators into ch (*nch of them; at most
 * c->ngen) and the successful trials of their views xy and xz into *out
 * (malloc'd, *nt of them), sorted by chain, estimator, n, replicate, view. */
static int dpi_collect(ctx *c, dpi_chain *ch, size_t *nch, dpi_trial **out, size_t *nt)
{
    const mib_results *r = c->r;
    int *gview = malloc(c->ngen * sizeof *gview);
    size_t *gchain = malloc(c->ngen * sizeof *gchain);
    dpi_trial *t = NULL;
    int st = MIB_OK;
    *nch = *nt = 0;
    *out = NULL;
    if (!gview || !gchain) {
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t g = 0; g < c->ngen; g++) {
        char draw[MIB_SPEC_LEN];
        size_t k = 0;
        if ((gview[g] = dpi_view(c->gens[g], draw, sizeof draw)) < 0)
            continue;
        while (k < *nch && strcmp(ch[k].draw, draw) != 0)
            k++;
        if (k == *nch) {
            snprintf(ch[k].draw, sizeof ch[k].draw, "%s", draw);
            for (int v = 0; v < DPI_VIEWS; v++)
                ch[k].g[v] = SIZE_MAX;
            (*nch)++;
        }
        ch[k].g[gview[g]] = g;
        gchain[g] = k;
    }
    if (*nch && !(t = malloc((r->ntrials + 1) * sizeof *t))) {
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory for %zu trials", r->ntrials);
        goto done;
    }
    for (size_t i = 0; i < r->ntrials && *nch; i++) {
        const mib_trial_row *tr = &r->trials[i];
        size_t g = 0, e = 0;
        if (tr->status != MIB_OK || !isfinite(tr->estimate))
            continue;
        while (g < c->ngen && !((gview[g] == DPI_XY || gview[g] == DPI_XZ) &&
                                strcmp(c->gens[g], tr->generator) == 0))
            g++;
        while (g < c->ngen && e < c->nest && strcmp(c->ests[e], tr->estimator) != 0)
            e++;
        if (g < c->ngen && e < c->nest)
            t[(*nt)++] = (dpi_trial){gchain[g], e, tr->n, tr->replicate, gview[g], tr->estimate};
    }
    if (*nt)
        qsort(t, *nt, sizeof *t, by_chain);
    *out = t;
    t = NULL;
done:
    free(gview);
    free(gchain);
    free(t);
    return st;
}

/* 95% Wilson score interval of v successes in m > 0 trials (Wilson 1927);
 * exactly 0 (1) at its lower (upper) end when v = 0 (v = m). */
static void wilson(double v, double m, double *lo, double *hi)
{
    double p = v / m, z2 = Z95 * Z95, d = 1 + z2 / m;
    double mid = (p + z2 / (2 * m)) / d, half = Z95 * sqrt(p * (1 - p) / m + z2 / (4 * m * m)) / d;
    *lo = v > 0 ? mid - half : 0;
    *hi = v < m ? mid + half : 1;
}

/* dpi-K-S.tsv of chain k (figure number fig): per estimator and N, the
 * replicates with estimates of both I(X;Y) and I(X;Z) (cursor *at walks
 * the sorted trials t), how many put I(X;Z) above I(X;Y), and the summary
 * of view xz_y. */
static int write_chain(ctx *c, const dpi_chain *ch, size_t k, size_t fig, const char *label,
                       const dpi_trial *t, size_t nt, size_t *at)
{
    char slug[48], file[96], name[96];
    mib_labels_slug(label, slug, sizeof slug);
    snprintf(file, sizeof file, "dpi-%zu-%s.tsv", fig, slug);
    snprintf(name, sizeof name, "dpi-%zu-%s", fig, slug);
    FILE *f = open_out(c->dir, file, c->err);
    size_t blocks = 0, wlab = 0, any_pairs = 0;
    double txy = gen_truth(c, ch->g[DPI_XY]) / c->u, txz = gen_truth(c, ch->g[DPI_XZ]) / c->u;
    if (!f)
        return MIB_EIO;
    for (size_t e = 0; e < c->nest; e++) {
        size_t rows = rows_of(c, ch->g[DPI_XY], e);
        size_t kz = ch->g[DPI_XZ_Y] == SIZE_MAX ? 0 : rows_into(c, ch->g[DPI_XZ_Y], e, c->rows2);
        if (!rows)
            continue;
        wlab = strlen(c->elab[e]) > wlab ? strlen(c->elab[e]) : wlab;
        fprintf(f, "%s%s\tn\tpairs\tviolations\trate\trate_lo\trate_hi\tcmi_mean\tcmi_ci95"
                   "\tcmi_count\ttrue_xy\ttrue_xz\n", blocks++ ? "\n\n" : "", c->elab[e]);
        for (size_t i = 0; i < rows; i++) {
            int64_t n = c->rows[i]->n;
            size_t pairs = 0, viol = 0;
            double lo = NAN, hi = NAN;
            while (*at < nt && dpi_cmp(&t[*at], k, e, n) < 0)
                (*at)++;
            while (*at < nt && dpi_cmp(&t[*at], k, e, n) == 0) {
                const dpi_trial *a = &t[*at];
                size_t m = 1; /* trials of this replicate: xy then xz when both */
                while (*at + m < nt && dpi_cmp(&a[m], k, e, n) == 0 && a[m].rep == a->rep)
                    m++;
                if (m == 2 && a[0].view == DPI_XY && a[1].view == DPI_XZ) {
                    pairs++;
                    viol += a[1].estimate > a[0].estimate;
                }
                *at += m;
            }
            if (pairs > 0)
                wilson((double)viol, (double)pairs, &lo, &hi);
            const mib_summary_row *z = NULL;
            for (size_t j = 0; j < kz && !z; j++)
                z = c->rows2[j]->n == n ? c->rows2[j] : NULL;
            double v[] = {(double)n, (double)pairs, (double)viol,
                          pairs > 0 ? (double)viol / (double)pairs : NAN, lo, hi,
                          z ? z->mean / c->u : NAN, z ? Z95 * z->std_error / c->u : NAN,
                          z ? (double)z->count : 0, txy, txz};
            put_row(f, v, sizeof v / sizeof v[0]);
            any_pairs += pairs > 0;
        }
    }
    int st = close_out(f, c->dir, file, c->err);
    if (!st && any_pairs)
        st = add_figure(c, "dpi", "data-processing inequality on one draw of a Markov chain "
                        "X -> Y -> Z: how often the estimate of I(X;Z) is above that of "
                        "I(X;Y) (95% Wilson interval), and the mean estimate of I(X;Z|Y) "
                        "(true 0) +-1.96 SE", name, file, 900, fig_height(860, blocks, wlab),
                        "%s - data-processing inequality - %s", c->study, ch->draw);
    return st;
}

/* The DPI tables: one per chain with views xy and xz (see plot.h). */
static int write_dpi(ctx *c)
{
    dpi_chain *ch = malloc(c->ngen * sizeof *ch);
    const char **draws = malloc(c->ngen * sizeof *draws);
    char (*labels)[MIB_SPEC_LEN] = malloc(c->ngen * sizeof *labels);
    dpi_trial *t = NULL;
    size_t nch = 0, nt = 0, at = 0, fig = 0;
    int st = ch && draws && labels ? dpi_collect(c, ch, &nch, &t, &nt)
                                   : mib_fail(c->err, MIB_ENOMEM, "out of memory");
    for (size_t k = 0; k < nch; k++)
        draws[k] = ch[k].draw;
    if (!st && nch)
        mib_labels_short(draws, nch, labels);
    for (size_t k = 0; k < nch && !st; k++)
        if (ch[k].g[DPI_XY] != SIZE_MAX && ch[k].g[DPI_XZ] != SIZE_MAX)
            st = write_chain(c, &ch[k], k, ++fig, labels[k], t, nt, &at);
    free(ch);
    free(draws);
    free(labels);
    free(t);
    return st;
}

typedef struct curve_ref {
    int64_t step;
    double estimate, true_mi;
} curve_ref;

static int by_step(const void *a, const void *b)
{
    const curve_ref *x = a, *y = b;
    return (x->step > y->step) - (x->step < y->step);
}

/* curves-G-S.tsv: one block per cell of generator g that has a training
 * curve: its lowest replicate, raw and EMA-smoothed. ccell[i] = position
 * in r->cells of curve row i (SIZE_MAX if unknown); minrep[p] = lowest
 * replicate of cell position p (INT32_MAX when it has no curve). */
static int write_curves(ctx *c, size_t g, const size_t *ccell, const int32_t *minrep)
{
    const mib_results *r = c->r;
    char file[96], name[96];
    snprintf(file, sizeof file, "curves-%zu-%s.tsv", g + 1, c->gslug[g]);
    snprintf(name, sizeof name, "curves-%zu-%s", g + 1, c->gslug[g]);
    curve_ref *pts = NULL;
    double *y = NULL, *ema = NULL;
    FILE *f = NULL;
    int st = MIB_OK, panels = 0;
    for (size_t p = 0; p < r->ncells; p++) {
        if (minrep[p] == INT32_MAX || strcmp(r->cells[p].generator, c->gens[g]) != 0)
            continue;
        size_t k = 0, e = 0, same_est = 0;
        if (!pts && (!(pts = malloc(r->ncurves * sizeof *pts)) || !(y = malloc(r->ncurves * sizeof *y)) ||
                     !(ema = malloc(r->ncurves * sizeof *ema)))) {
            st = mib_fail(c->err, MIB_ENOMEM, "out of memory for %zu curve points", r->ncurves);
            goto done;
        }
        if (!f && !(f = open_out(c->dir, file, c->err))) {
            st = MIB_EIO;
            goto done;
        }
        for (size_t i = 0; i < r->ncurves; i++)
            if (ccell[i] == p && r->curves[i].replicate == minrep[p])
                pts[k++] = (curve_ref){r->curves[i].step, r->curves[i].estimate / c->u,
                                       r->curves[i].true_mi / c->u};
        qsort(pts, k, sizeof *pts, by_step);
        for (size_t i = 0; i < k; i++)
            y[i] = pts[i].estimate;
        size_t w = k / 50 > 5 ? k / 50 : 5;
        mib_plot_ema(y, k, 2.0 / ((double)w + 1.0), ema);
        while (e < c->nest && strcmp(c->ests[e], r->cells[p].estimator) != 0)
            e++;
        for (size_t q = 0; q < r->ncells; q++)
            same_est += minrep[q] != INT32_MAX && strcmp(r->cells[q].generator, c->gens[g]) == 0 &&
                        strcmp(r->cells[q].estimator, r->cells[p].estimator) == 0;
        fprintf(f, "%s%s", panels++ ? "\n\n" : "", e < c->nest ? c->elab[e] : r->cells[p].estimator);
        if (same_est > 1)
            fprintf(f, " n=%lld", (long long)r->cells[p].n);
        fprintf(f, " (replicate %d)\tstep\testimate\tema\ttrue_mi\n", (int)minrep[p]);
        for (size_t i = 0; i < k; i++) {
            double v[] = {(double)pts[i].step, pts[i].estimate, ema[i], pts[i].true_mi};
            put_row(f, v, 4);
        }
    }
    if (f) {
        st = close_out(f, c->dir, file, c->err);
        f = NULL;
        if (!st)
            st = add_figure(c, "curves", "training curves: raw (light), EMA-smoothed, true MI (steps)",
                            name, file, 900, 80 + 260 * panels, "%s - training curves - %s", c->study,
                            c->gens[g]);
    }
done:
    if (f)
        fclose(f);
    free(pts);
    free(y);
    free(ema);
    return st;
}

/* Map every curve row to its cell position (ccell[i], SIZE_MAX when its
 * cell is unknown) and find each cell position's lowest replicate with a
 * curve (minrep[p], INT32_MAX when none). Returns the cells with curves. */
static size_t index_curves(const mib_results *r, size_t *ccell, int32_t *minrep)
{
    size_t cells = 0;
    for (size_t p = 0; p < r->ncells; p++)
        minrep[p] = INT32_MAX;
    for (size_t i = 0; i < r->ncurves; i++) {
        const mib_curve_row *cv = &r->curves[i];
        /* Cells are normally stored in index order; search when not. */
        size_t p = cv->cell >= 0 && (size_t)cv->cell < r->ncells && r->cells[cv->cell].cell == cv->cell
                       ? (size_t)cv->cell
                       : 0;
        while (p < r->ncells && r->cells[p].cell != cv->cell)
            p++;
        ccell[i] = p < r->ncells ? p : SIZE_MAX;
        if (p < r->ncells && cv->replicate < minrep[p])
            minrep[p] = cv->replicate;
    }
    for (size_t p = 0; p < r->ncells; p++)
        cells += minrep[p] != INT32_MAX;
    return cells;
}

/* MIB_EINVAL, before anything is written, for a dir gnuplot could not be
 * handed (gp_quote turns control characters into spaces, so the figures
 * would land elsewhere) and for a file without summary rows. */
static int check_export(const mib_results *r, const char *dir, mib_err *err)
{
    for (const char *p = dir; *p; p++)
        if ((unsigned char)*p < 0x20)
            return mib_fail(err, MIB_EINVAL, "output directory name contains a control character; "
                            "choose another -o DIR");
    if (!r->nsummary)
        return mib_fail(err, MIB_EINVAL, "the results file has no /summary rows (did the run finish?)");
    return MIB_OK;
}

/* Number the distinct generator and estimator specs of the summary in
 * order of first appearance (c->gens, c->gi; c->ests, c->ei) and make the
 * rows_of scratch. The arrays belong to c (ctx_free). */
static int index_specs(ctx *c)
{
    const mib_results *r = c->r;
    size_t n = r->nsummary;
    c->gens = malloc(n * sizeof *c->gens);
    c->ests = malloc(n * sizeof *c->ests);
    c->gi = malloc(n * sizeof *c->gi);
    c->ei = malloc(n * sizeof *c->ei);
    c->rows = malloc(n * sizeof *c->rows);
    c->rows2 = malloc(n * sizeof *c->rows2);
    if (!c->gens || !c->ests || !c->gi || !c->ei || !c->rows || !c->rows2)
        return mib_fail(c->err, MIB_ENOMEM, "out of memory for %zu summary rows", n);
    distinct(r->summary[0].generator, sizeof r->summary[0], n, c->gens, &c->ngen, c->gi);
    distinct(r->summary[0].estimator, sizeof r->summary[0], n, c->ests, &c->nest, c->ei);
    return MIB_OK;
}

/* Families: distinct generator specs without their numbers (c->gfam per
 * generator, c->flab per family). The keys are needed only until
 * mib_labels_short has copied the family labels out. */
static int group_families(ctx *c)
{
    char (*keys)[MIB_SPEC_LEN] = malloc(c->ngen * sizeof *keys);
    const char **uniq = malloc(c->ngen * sizeof *uniq);
    int st = MIB_OK;
    c->gfam = malloc(c->ngen * sizeof *c->gfam);
    c->flab = malloc(c->ngen * sizeof *c->flab);
    if (!keys || !uniq || !c->gfam || !c->flab) {
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory for labels");
    } else {
        for (size_t g = 0; g < c->ngen; g++)
            mib_labels_family(c->gens[g], keys[g], sizeof keys[g]);
        distinct(keys[0], sizeof keys[0], c->ngen, uniq, &c->nfam, c->gfam);
        mib_labels_short(uniq, c->nfam, c->flab);
    }
    free(keys);
    free(uniq);
    return st;
}

/* 1 when label ("name:k=v,...") holds the token tok (len bytes, "k=v"). */
static int has_token(const char *label, const char *tok, size_t len)
{
    for (const char *p = strchr(label, ':'); p; p = strchr(p, ',')) {
        p++;
        if (strncmp(p, tok, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return 1;
    }
    return 0;
}

/* Labels for n canonical specs of registry reg: every parameter that
 * tells a spec apart from another of its type in the list
 * (mib_labels_short), and every one whose value is not the default of a
 * type reg knows (a bare "ksg1" means k=3, so k=4 is shown even alone),
 * in spec order. Unknown types (external, plugins) get the first kind
 * only. Truncated to MIB_SPEC_LEN - 1. */
static void spec_labels(const char *const *specs, size_t n, const mib_registry *reg,
                        char (*out)[MIB_SPEC_LEN])
{
    mib_labels_short(specs, n, out);
    for (size_t i = 0; i < n; i++) {
        char name[64], def[MIB_SPEC_LEN], pair_lab[2][MIB_SPEC_LEN], lab[MIB_SPEC_LEN];
        size_t nl = strcspn(specs[i], ":");
        mib_spec sp;
        mib_err err = {""};
        if (nl >= sizeof name)
            continue;
        memcpy(name, specs[i], nl);
        name[nl] = '\0';
        if (mib_registry_parse(reg, name, &sp, &err) || mib_spec_format(&sp, def, sizeof def))
            continue; /* not a registered type, or no defaults of its own */
        const char *pair[2] = {specs[i], def};
        mib_labels_short(pair, 2, pair_lab); /* pair_lab[0]: what differs from the default */
        size_t used = nl;
        char sep = ':';
        memcpy(lab, name, nl + 1);
        for (const char *p = strchr(specs[i], ':'); p; p = p[strcspn(p, ",")] ? p + strcspn(p, ",") : NULL) {
            p++;
            size_t tok = strcspn(p, ",");
            int keep = has_token(out[i], p, tok) || has_token(pair_lab[0], p, tok);
            if (keep && used + 1 + tok < sizeof lab) {
                lab[used++] = sep;
                memcpy(lab + used, p, tok);
                used += tok;
                sep = ',';
            }
        }
        lab[used] = '\0';
        memcpy(out[i], lab, used + 1);
    }
}

/* Legend labels of the generators and estimators, the generators'
 * file-name slugs, and each generator's largest N with an estimate. */
static int label_specs(ctx *c)
{
    c->glab = malloc(c->ngen * sizeof *c->glab);
    c->gslug = malloc(c->ngen * sizeof *c->gslug);
    c->elab = malloc(c->nest * sizeof *c->elab);
    c->gmaxn = calloc(c->ngen, sizeof *c->gmaxn);
    if (!c->glab || !c->gslug || !c->elab || !c->gmaxn)
        return mib_fail(c->err, MIB_ENOMEM, "out of memory for labels");
    /* File names keep the short labels (they do not change when a label
     * gains a default's value), legends the full ones. */
    mib_labels_short(c->gens, c->ngen, c->glab);
    for (size_t g = 0; g < c->ngen; g++)
        mib_labels_slug(c->glab[g], c->gslug[g], sizeof c->gslug[g]);
    spec_labels(c->gens, c->ngen, &mib_generator_registry, c->glab);
    spec_labels(c->ests, c->nest, &mib_estimator_registry, c->elab);
    for (size_t i = 0; i < c->r->nsummary; i++) {
        const mib_summary_row *s = &c->r->summary[i];
        if (s->count > 0 && s->n > c->gmaxn[c->gi[i]])
            c->gmaxn[c->gi[i]] = s->n;
    }
    return MIB_OK;
}

/* The tables of the whole study, in display order: the heatmap, samples
 * needed, one per generator family, then one per Markov chain seen
 * through its views. */
static int write_overview(ctx *c)
{
    int st = write_heatmap(c);
    if (!st)
        st = write_samples(c);
    for (size_t f = 0; f < c->nfam && !st; f++)
        st = write_family(c, f);
    return st ? st : write_dpi(c);
}

/* The tables of each generator in /summary order: stats and time, and its
 * training curves when the file has any (counted in c->set->ncurve_cells). */
static int write_generators(ctx *c)
{
    const mib_results *r = c->r;
    size_t *ccell = malloc((r->ncurves + 1) * sizeof *ccell);
    int32_t *minrep = malloc((r->ncells + 1) * sizeof *minrep);
    int st = MIB_OK;
    if (!ccell || !minrep)
        st = mib_fail(c->err, MIB_ENOMEM, "out of memory for %zu curve points", r->ncurves);
    else
        c->set->ncurve_cells = index_curves(r, ccell, minrep);
    for (size_t g = 0; g < c->ngen && !st; g++) {
        st = write_generator(c, g);
        if (!st && c->set->ncurve_cells)
            st = write_curves(c, g, ccell, minrep);
    }
    free(ccell);
    free(minrep);
    return st;
}

/* Free what index_specs, group_families and label_specs gave c; the
 * figure list is the caller's. */
static void ctx_free(ctx *c)
{
    free(c->gens);
    free(c->ests);
    free(c->gi);
    free(c->ei);
    free(c->rows);
    free(c->rows2);
    free(c->gmaxn);
    free(c->gfam);
    free(c->flab);
    free(c->glab);
    free(c->gslug);
    free(c->elab);
}

int mib_plot_export(const mib_results *r, const char *dir, mib_plot_set *out, mib_err *err)
{
    return mib_plot_export_unit(r, dir, MIB_PLOT_NATS, out, err);
}

int mib_plot_export_unit(const mib_results *r, const char *dir, mib_plot_unit unit, mib_plot_set *out,
                         mib_err *err)
{
    unit = unit == MIB_PLOT_BITS ? MIB_PLOT_BITS : MIB_PLOT_NATS;
    ctx c = {.r = r, .dir = dir, .study = r->study_name[0] ? r->study_name : "study", .unit = unit,
             .u = unit_nats(unit), .u2 = unit_nats(unit) * unit_nats(unit), .set = out, .err = err};
    int st;
    memset(out, 0, sizeof *out);
    out->unit = unit;
    /* Each step runs only if every one before it succeeded. */
    if ((st = check_export(r, dir, err)) || (st = index_specs(&c)) || (st = group_families(&c)) ||
        (st = label_specs(&c)) || (st = make_dirs(dir, err)) || (st = write_overview(&c)) ||
        (st = write_generators(&c)))
        mib_plot_set_free(out);
    ctx_free(&c);
    return st;
}

void mib_plot_set_free(mib_plot_set *s)
{
    if (!s)
        return;
    free(s->figs);
    memset(s, 0, sizeof *s);
}

/* ---- rendering -------------------------------------------------------------- */

/* Append s to buf as the body of a gnuplot single-quoted string: ' is
 * doubled, control characters become spaces. Returns the new length. */
static size_t gp_quote(char *buf, size_t used, size_t len, const char *s)
{
    for (; *s && used + 2 < len; s++) {
        if (*s == '\'')
            buf[used++] = '\'';
        buf[used++] = (unsigned char)*s < 0x20 ? ' ' : *s;
    }
    buf[used] = '\0';
    return used;
}

/* The -e expression for figure f with its files under prefix ("" or
 * "DIR/"): tsv='..'; out='..'; term='..'; heading='..', then
 * "; units='bits'" for a figure in bits (the scripts default to nats). */
static void gp_expr(const mib_plot_figure *f, mib_plot_format fmt, const char *prefix, char *buf,
                    size_t len)
{
    char term[96], out[128];
    terminal(fmt, f->width, f->height, term, sizeof term);
    snprintf(out, sizeof out, "%s.%s", f->name, mib_plot_format_ext(fmt));
    const char *parts[][3] = {{"tsv='", prefix, f->tsv}, {"'; out='", prefix, out},
                              {"'; term='", "", term},   {"'; heading='", "", f->title}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 4; i++) {
        used += (size_t)snprintf(buf + used, len - used, "%s", parts[i][0]);
        used = used < len ? gp_quote(buf, gp_quote(buf, used, len, parts[i][1]), len, parts[i][2]) : len - 1;
    }
    if (used + 1 < len)
        strcat(buf, "'");
    if (f->unit == MIB_PLOT_BITS && strlen(buf) + 16 < len)
        strcat(buf, "; units='bits'");
}

/* Append s quoted for a POSIX shell: in double quotes when it holds none
 * of the characters special there, else in single quotes ('\'' for '). */
static void sh_quote(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    char q = strpbrk(s, "\"$`\\!") ? '\'' : '"';
    if (used + 1 < len)
        buf[used++] = q;
    for (; *s && used + 5 < len; s++) {
        if (*s == '\'' && q == '\'') {
            memcpy(buf + used, "'\\''", 4);
            used += 4;
        } else {
            buf[used++] = *s;
        }
    }
    if (used + 1 < len)
        buf[used++] = q;
    buf[used] = '\0';
}

void mib_plot_command(const mib_plot_figure *f, mib_plot_format fmt, char *buf, size_t len)
{
    char expr[2 * sizeof f->title + 2 * (sizeof f->tsv + 128) + 256];
    gp_expr(f, fmt, "", expr, sizeof expr);
    snprintf(buf, len, "gnuplot -e ");
    sh_quote(buf, len, expr);
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, " %s.gp", f->script);
}

/* Copy scripts_dir/NAME.gp to dir/NAME.gp; fig names the figure in errors. */
static int copy_script(const char *script, const char *fig, const mib_plot_render_options *o,
                       mib_err *err)
{
    char name[64], buf[8192];
    snprintf(name, sizeof name, "%s.gp", script);
    char *src = join(o->scripts_dir, name), *dst = join(o->dir, name);
    FILE *in = NULL, *out = NULL;
    int st = MIB_OK;
    if (!src || !dst) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory");
        goto done;
    }
    if (!(in = fopen(src, "rb"))) {
        st = mib_fail(err, MIB_EIO, "figure %s: cannot read the gnuplot script %s: %s (give --scripts DIR)",
                      fig, src, strerror(errno));
        goto done;
    }
    struct stat a, b;
    if (stat(dst, &b) == 0 && fstat(fileno(in), &a) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        goto done; /* drawing into the scripts folder itself */
    if (!(out = open_out(o->dir, name, err))) {
        st = MIB_EIO;
        goto done;
    }
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, got, out);
    if (ferror(in))
        st = mib_fail(err, MIB_EIO, "error reading %s", src);
    int cst = close_out(out, o->dir, name, err);
    st = st ? st : cst;
done:
    if (in)
        fclose(in);
    free(src);
    free(dst);
    return st;
}

int mib_plot_copy_scripts(const mib_plot_set *s, const mib_plot_render_options *o, mib_err *err)
{
    int st = s->nfigs ? copy_script("mibench", s->figs[0].name, o, err) : MIB_OK;
    for (size_t i = 0; i < s->nfigs && !st; i++) {
        size_t j = 0;
        while (strcmp(s->figs[j].script, s->figs[i].script) != 0)
            j++;
        if (j == i) /* first figure drawn by this script */
            st = copy_script(s->figs[i].script, s->figs[i].name, o, err);
    }
    return st;
}

/* The last non-empty line of what the child wrote to log (at most
 * len - 1 bytes), or "" if none. */
static void last_line(FILE *log, char *buf, size_t len)
{
    char tail[4096];
    buf[0] = '\0';
    if (fseek(log, 0, SEEK_END) != 0)
        return;
    long size = ftell(log);
    long from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
    if (size <= 0 || fseek(log, from, SEEK_SET) != 0)
        return;
    size_t got = fread(tail, 1, sizeof tail - 1, log);
    tail[got] = '\0';
    while (got && (tail[got - 1] == '\n' || tail[got - 1] == ' ' || tail[got - 1] == '\r'))
        tail[--got] = '\0';
    const char *start = strrchr(tail, '\n');
    start = start ? start + 1 : tail;
    size_t n = strlen(start) < len - 1 ? strlen(start) : len - 1;
    memcpy(buf, start, n);
    buf[n] = '\0';
}

static double elapsed_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* One gnuplot run: the figure, its files, the -e expression, the log that
 * catches gnuplot's stderr, and how the child ended. */
typedef struct render_job {
    const mib_plot_figure *f;
    const mib_plot_render_options *o;
    char *script, *out, *expr; /* DIR/<script>.gp, DIR/<name>.<ext> */
    FILE *log;
    pid_t pid;
    int status, timed_out;     /* from waitpid; 1 if it was stopped */
} render_job;

/* Build j's paths and expression, make its log and remove any earlier
 * figure (so a gnuplot that writes nothing cannot pass for a success).
 * What it allocates belongs to j (job_free). */
static int job_open(render_job *j, mib_err *err)
{
    const mib_plot_figure *f = j->f;
    const mib_plot_render_options *o = j->o;
    char name[128];
    /* Quoting at most doubles each part: the dir twice, the title, the rest. */
    size_t elen = 4 * strlen(o->dir) + 2 * sizeof f->title + 2 * (sizeof f->tsv + sizeof name) + 256;
    snprintf(name, sizeof name, "%s.gp", f->script);
    j->script = join(o->dir, name);
    snprintf(name, sizeof name, "%s.%s", f->name, mib_plot_format_ext(o->format));
    j->out = join(o->dir, name);
    char *prefix = join(o->dir, "");
    j->expr = malloc(elen);
    int ok = j->script && j->out && prefix && j->expr;
    if (ok)
        gp_expr(f, o->format, prefix, j->expr, elen);
    free(prefix);
    if (!ok)
        return mib_fail(err, MIB_ENOMEM, "figure %s: out of memory", f->name);
    if (!(j->log = tmpfile()))
        return mib_fail(err, MIB_EIO, "figure %s: cannot create a temporary file: %s", f->name,
                        strerror(errno));
    if (unlink(j->out) != 0 && errno != ENOENT)
        return mib_fail(err, MIB_EIO, "figure %s: cannot replace %s: %s", f->name, j->out, strerror(errno));
    return MIB_OK;
}

static void job_free(render_job *j)
{
    if (j->log)
        fclose(j->log);
    free(j->script);
    free(j->out);
    free(j->expr);
}

/* Start gnuplot with stdin and stdout on /dev/null and stderr into j->log,
 * in a process group of its own, so a timeout stops whatever gnuplot
 * started too. MIB_EUNSUPPORTED when the program is not found. */
static int spawn_gnuplot(render_job *j, mib_err *err)
{
    const mib_plot_render_options *o = j->o;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int fa_ok = posix_spawn_file_actions_init(&fa) == 0;
    int attr_ok = fa_ok && posix_spawnattr_init(&attr) == 0;
    int st = MIB_OK;
    if (!attr_ok || posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
        posix_spawn_file_actions_adddup2(&fa, fileno(j->log), 2) ||
        /* no other descriptor: HDF5's, say, would keep a results file's flock */
        posix_spawn_file_actions_addclosefrom_np(&fa, 3) ||
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) || posix_spawnattr_setpgroup(&attr, 0)) {
        st = mib_fail(err, MIB_ENOMEM, "figure %s: out of memory", j->f->name);
    } else {
        char *argv[] = {(char *)o->gnuplot, "-e", j->expr, j->script, NULL};
        int e = posix_spawnp(&j->pid, o->gnuplot, &fa, &attr, argv, environ);
        if (e)
            st = mib_fail(err, e == ENOENT ? MIB_EUNSUPPORTED : MIB_EIO,
                          "figure %s: cannot run '%s': %s%s", j->f->name, o->gnuplot, strerror(e),
                          e == ENOENT ? " (install gnuplot, e.g. the Debian package gnuplot-nox)" : "");
    }
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    return st;
}

/* Poll for gnuplot's end every 5 ms into j->status; past o->timeout
 * seconds kill its process group and set j->timed_out. MIB_EIO only when
 * waiting itself fails. */
static int wait_gnuplot(render_job *j, mib_err *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pid_t w = waitpid(j->pid, &j->status, WNOHANG);
        if (w == j->pid)
            return MIB_OK;
        if (w < 0 && errno != EINTR)
            return mib_fail(err, MIB_EIO, "figure %s: waiting for gnuplot: %s", j->f->name, strerror(errno));
        if (elapsed_since(&t0) > j->o->timeout) {
            kill(-j->pid, SIGKILL); /* the whole group: gnuplot and its children */
            while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
                ;
            j->timed_out = 1;
            return MIB_OK;
        }
        nanosleep(&(struct timespec){0, 5000000}, NULL); /* 5 ms */
    }
}

/* How the finished run went: stopped, not runnable (exit status 127, the
 * conventional "command not found"), failed with its last stderr line, or
 * without output. */
static int judge_gnuplot(const render_job *j, mib_err *err)
{
    const mib_plot_figure *f = j->f;
    int status = j->status;
    char msg[200];
    struct stat sb;
    last_line(j->log, msg, sizeof msg);
    if (j->timed_out)
        return mib_fail(err, MIB_EIO, "figure %s: gnuplot did not finish within %g s and was stopped",
                        f->name, j->o->timeout);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return mib_fail(err, MIB_EUNSUPPORTED, "figure %s: cannot run '%s' (install gnuplot, e.g. the "
                        "Debian package gnuplot-nox)", f->name, j->o->gnuplot);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return mib_fail(err, MIB_EIO, "figure %s: gnuplot %s %d: %s", f->name,
                        WIFEXITED(status) ? "exited with status" : "was killed by signal",
                        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                        msg[0] ? msg : "(no message)");
    if (stat(j->out, &sb) != 0 || sb.st_size == 0)
        return mib_fail(err, MIB_EIO, "figure %s: gnuplot wrote no %s%s%s", f->name, j->out,
                        msg[0] ? ": " : "", msg);
    return MIB_OK;
}

int mib_plot_render(const mib_plot_figure *f, const mib_plot_render_options *o, mib_err *err)
{
    render_job j = {.f = f, .o = o};
    int st;
    if (!(st = job_open(&j, err)) && !(st = spawn_gnuplot(&j, err)) && !(st = wait_gnuplot(&j, err)))
        st = judge_gnuplot(&j, err);
    job_free(&j);
    return st;
}

/* ---- index.html -------------------------------------------------------------- */

static void html(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static void html_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("<td>-</td>", f);
    else
        fprintf(f, "<td>%.4g</td>", v);
}

int mib_plot_write_index(const mib_results *r, const mib_plot_set *s, const char *dir,
                         mib_plot_format fmt, const char *source, mib_err *err)
{
    const char *name = "index.html", *ext = mib_plot_format_ext(fmt);
    const char *study = r->study_name[0] ? r->study_name : "study";
    double u = unit_nats(s->unit); /* the summary's MI columns in the figures' unit */
    FILE *f = open_out(dir, name, err);
    if (!f)
        return MIB_EIO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mibench: ", f);
    html(f, study);
    fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:2em;max-width:1400px}\n"
          "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}\n"
          "figcaption{color:#444;font-size:90%}code{font-size:80%;color:#555;word-break:break-all}\n"
          "table{border-collapse:collapse;font-size:85%}td,th{border:1px solid #ccc;padding:2px 6px}\n"
          "td{text-align:right}td.s{text-align:left}th{background:#f0f0f0}\n</style>\n</head>\n<body>\n<h1>",
          f);
    html(f, study);
    fputs("</h1>\n<p>Results file <code>", f);
    html(f, source);
    fprintf(f, "</code>, drawn by mibench %s. MI in %s%s, times in seconds. Each figure's table is the "
               ".tsv file of the same number in this folder; the command under it redraws the figure "
               "from inside this folder.</p>\n", MIB_VERSION, mib_plot_unit_name(s->unit),
            s->unit == MIB_PLOT_BITS ? " (variance and MSE in bits^2; the results file is in nats)"
                                     : " (variance and MSE in nats^2)");
    if (!s->ncurve_cells)
        fputs("<p>This file has no training curves (no neural estimators trained online), so there "
              "are no curve figures.</p>\n",
              f);
    fputs("<h2>Figures</h2>\n", f);
    for (size_t i = 0; i < s->nfigs; i++) {
        const mib_plot_figure *g = &s->figs[i];
        char cmd[8192];
        mib_plot_command(g, fmt, cmd, sizeof cmd);
        fputs("<figure>\n", f);
        if (fmt == MIB_PLOT_PDF)
            fprintf(f, "<p><a href=\"%s.%s\">%s.%s</a></p>\n", g->name, ext, g->name, ext);
        else {
            fprintf(f, "<a href=\"%s.%s\"><img src=\"%s.%s\" alt=\"", g->name, ext, g->name, ext);
            html(f, g->title);
            fputs("\"></a>\n", f);
        }
        fputs("<figcaption>", f);
        html(f, g->title);
        fputs(": ", f);
        html(f, g->what);
        fputs(".<br><code>", f);
        html(f, cmd);
        fputs("</code></figcaption>\n</figure>\n", f);
    }
    fputs("<h2>Summary</h2>\n<table>\n<tr><th>generator</th><th>estimator</th><th>n</th><th>batch</th>"
          "<th>true MI</th><th>trials</th><th>failed</th><th>bmi-failed</th><th>mean</th><th>bias</th>"
          "<th>SE</th><th>variance</th><th>MSE</th><th>median s</th></tr>\n",
          f);
    for (size_t i = 0; i < r->nsummary; i++) {
        const mib_summary_row *w = &r->summary[i];
        fputs("<tr><td class=\"s\">", f);
        html(f, w->generator);
        fputs("</td><td class=\"s\">", f);
        html(f, w->estimator);
        fprintf(f, "</td><td>%lld</td><td>%lld</td>", (long long)w->n, (long long)w->batch_size);
        html_num(f, w->true_mi / u);
        fprintf(f, "<td>%lld</td><td>%lld</td><td>%lld</td>", (long long)w->count, (long long)w->failures,
                (long long)w->bmi_failures);
        double v[] = {w->mean / u, w->bias / u, w->std_error / u, w->variance / (u * u), w->mse / (u * u),
                      w->median_seconds};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            html_num(f, v[j]);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</body>\n</html>\n", f);
    return close_out(f, dir, name, err);
}
