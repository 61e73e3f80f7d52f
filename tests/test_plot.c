/* test_plot.c - `mibench plot` without files: the power-law slope and EMA
 * against closed forms, short labels, the TSV tables of a hand-made study
 * (tests/results_fixture.h), what the legends and the heatmap table say
 * (parameters that differ or are not the default, a mark for estimators
 * limited to a smaller N, a note for series identical to another, the
 * heatmap's units, its within-2-SE flag and N notes), the DPI tables of
 * a small run of bench/studies/dpi.ini against a direct count from its
 * trials, and drawing them
 * with gnuplot: every figure a valid PNG / SVG / PDF, the index, a
 * missing or failing or hanging gnuplot reported with the figure's name,
 * an output folder whose name has spaces and quotes. Drawing tests are
 * skipped when gnuplot is absent (tests/cli_plot.sh checks the scripts'
 * output: tics, palette, colour scale). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench/harness/labels.h"
#include "bench/harness/summary.h"
#include "bench/cli/config.h"
#include "bench/plot/plot.h"
#include "mibench/mibench.h"
#include "results_fixture.h"

/* ---- helpers ---- */

static int have_program(const char *name)
{
    const char *path = getenv("PATH");
    char buf[4096];
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)len, path, name);
        if (access(buf, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

static void skip_without_gnuplot(void)
{
    if (!have_program("gnuplot"))
        cr_skip_test("gnuplot is not installed (Debian: gnuplot-nox); drawing not tested");
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[4096];
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    cr_assert(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static const mib_plot_figure *find_fig(const mib_plot_set *s, const char *name)
{
    for (size_t i = 0; i < s->nfigs; i++)
        if (strcmp(s->figs[i].name, name) == 0)
            return &s->figs[i];
    return NULL;
}

static void tmpdir(char *buf, size_t len, const char *suffix)
{
    snprintf(buf, len, "/tmp/mibench-plot-XXXXXX");
    cr_assert(mkdtemp(buf));
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s", suffix);
}

/* ---- numerics ---- */

Test(plot, loglog_slope_of_exact_power_laws)
{
    double x[] = {100, 1000, 10000, 3e4}, y[4];
    for (double b = -1; b <= 2.5; b += 0.5) {
        for (int i = 0; i < 4; i++)
            y[i] = 3e-6 * pow(x[i], b);
        cr_assert_float_eq(mib_plot_loglog_slope(x, y, 4), b, 1e-12, "slope %g", b);
    }
    /* Non-positive and non-finite points are ignored. */
    double x2[] = {10, 100, 1000, 0, 50}, y2[] = {10, 100, 1000, 7, NAN};
    cr_assert_float_eq(mib_plot_loglog_slope(x2, y2, 5), 1.0, 1e-12);
    /* n log n over 1e2..1e4 has the slope of the secant fit, computed by hand. */
    double x3[] = {100, 1000, 10000}, y3[3];
    for (int i = 0; i < 3; i++)
        y3[i] = x3[i] * log(x3[i]);
    double want = (log(y3[2]) - log(y3[0])) / (log(x3[2]) - log(x3[0])); /* symmetric design */
    cr_assert_float_eq(mib_plot_loglog_slope(x3, y3, 3), want, 1e-12);
    /* Fewer than two distinct x: no slope. */
    double x4[] = {100, 100}, y4[] = {1, 2};
    cr_assert(isnan(mib_plot_loglog_slope(x4, y4, 2)));
    cr_assert(isnan(mib_plot_loglog_slope(x4, y4, 1)));
}

Test(plot, ema_closed_form)
{
    double y[50], ema[50], a = 0.1;
    y[0] = 0;
    for (int i = 1; i < 50; i++)
        y[i] = 1; /* a unit step after the first point */
    mib_plot_ema(y, 50, a, ema);
    for (int k = 0; k < 50; k++)
        cr_assert_float_eq(ema[k], 1 - pow(1 - a, k), 1e-12, "step %d", k);
    double z[] = {NAN, 2, NAN, 4};
    mib_plot_ema(z, 4, 0.5, ema);
    cr_assert(isnan(ema[0]));
    cr_assert_float_eq(ema[1], 2, 0);
    cr_assert_float_eq(ema[2], 2, 0);
    cr_assert_float_eq(ema[3], 3, 1e-15);
}

Test(plot, short_labels_keep_only_distinguishing_parameters)
{
    const char *specs[] = {"ksg1:k=3,jitter=1e-10", "ksg1:k=5,jitter=1e-10", "kde:bw=scott",
                           "ksg1:k=3,jitter=1e-10", "gauss"};
    char out[5][MIB_SPEC_LEN];
    mib_labels_short(specs, 5, out);
    cr_assert_str_eq(out[0], "ksg1:k=3");
    cr_assert_str_eq(out[1], "ksg1:k=5");
    cr_assert_str_eq(out[2], "kde");
    cr_assert_str_eq(out[3], "ksg1:k=3");
    cr_assert_str_eq(out[4], "gauss");
    const char *two[] = {"g:rho=0.5,mi=1", "g:rho=0.5"}; /* a key present in one only */
    mib_labels_short(two, 2, out);
    cr_assert_str_eq(out[0], "g:mi=1");
    cr_assert_str_eq(out[1], "g");
    char fam[MIB_SPEC_LEN];
    mib_labels_family("gaussian:dim=20,rho=0.5,transform=cubic", fam, sizeof fam);
    cr_assert_str_eq(fam, "gaussian:transform=cubic");
    mib_labels_family("square:dist=normal,sigma=0.5", fam, sizeof fam);
    cr_assert_str_eq(fam, "square:dist=normal");
    mib_labels_family("ksg1:k=3,jitter=1e-10", fam, sizeof fam);
    cr_assert_str_eq(fam, "ksg1");
    mib_labels_family("bare", fam, sizeof fam);
    cr_assert_str_eq(fam, "bare");
    mib_labels_family("g:a=x,b=1,c=inf,d=y", fam, 8); /* truncated: no partial token */
    cr_assert_str_eq(fam, "g:a=x");
    char slug[16];
    mib_labels_slug("g:rho=0.5 a/b'c", slug, sizeof slug);
    cr_assert_str_eq(slug, "g_rho_0.5_a_b_c");
    mib_labels_slug("abcdefghijklmnopqrstuvwxyz", slug, sizeof slug);
    cr_assert_str_eq(slug, "abcdefghijklmno");
}

Test(plot, format_names)
{
    mib_plot_format f;
    mib_err err = {""};
    cr_assert_eq(mib_plot_format_parse("svg", &f, &err), MIB_OK);
    cr_assert_eq(f, MIB_PLOT_SVG);
    cr_assert_str_eq(mib_plot_format_ext(MIB_PLOT_PDF), "pdf");
    cr_assert_eq(mib_plot_format_parse("jpeg", &f, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "jpeg") && strstr(err.msg, "png"), "%s", err.msg);
}

/* The printed command, run by a real shell with printf in place of
 * gnuplot, must hand gnuplot exactly the -e expression and the script. */
static void shell_round_trip(const char *title, const char *want_expr)
{
    mib_plot_figure f = {.name = "bias-1-x", .tsv = "stats-1-x.tsv", .script = "bias",
                         .width = 900, .height = 600};
    snprintf(f.title, sizeof f.title, "%s", title);
    char cmd[4096], sh[4200], out[4096] = "";
    mib_plot_command(&f, MIB_PLOT_PNG, cmd, sizeof cmd);
    cr_assert(strncmp(cmd, "gnuplot -e ", 11) == 0, "%s", cmd);
    snprintf(sh, sizeof sh, "printf '%%s|' %s", cmd + 11);
    FILE *p = popen(sh, "r");
    cr_assert(p);
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = '\0';
    pclose(p);
    char want[4096];
    snprintf(want, sizeof want, "%s|bias.gp|", want_expr);
    cr_assert_str_eq(out, want, "command: %s", cmd);
}

Test(plot, printed_command_survives_a_shell)
{
    shell_round_trip("plain - title", "tsv='stats-1-x.tsv'; out='bias-1-x.png'; "
                                      "term='pngcairo size 900,600'; heading='plain - title'");
    shell_round_trip("it's $HOME `x` \"q\" \\ !", "tsv='stats-1-x.tsv'; out='bias-1-x.png'; "
                     "term='pngcairo size 900,600'; heading='it''s $HOME `x` \"q\" \\ !'");
}

/* ---- tables ---- */

static const char *const expected_figs[] = {
    "heatmap", "samples",
    "truth-1-gaussian",
    "bias-1-gaussian_rho_0.5", "spread-1-gaussian_rho_0.5", "time-1-gaussian_rho_0.5",
    "curves-1-gaussian_rho_0.5",
    "bias-2-gaussian_rho_0.9", "spread-2-gaussian_rho_0.9", "time-2-gaussian_rho_0.9",
    "curves-2-gaussian_rho_0.9",
    "bias-3-square", "spread-3-square", "time-3-square", "curves-3-square",
};
#define NEXPECTED (sizeof expected_figs / sizeof expected_figs[0])

Test(plot, export_lists_every_figure_and_writes_its_table)
{
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    char dir[256];
    cr_assert_eq(fixture_results(&r, 1), 0);
    tmpdir(dir, sizeof dir, "/nested/out");
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(s.nfigs, NEXPECTED, "%zu figures", s.nfigs);
    for (size_t i = 0; i < NEXPECTED; i++)
        cr_assert_str_eq(s.figs[i].name, expected_figs[i]);
    cr_assert_eq(s.ncurve_cells, 9);
    /* Titles carry the study and the full generator spec. */
    cr_assert_str_eq(find_fig(&s, "bias-2-gaussian_rho_0.9")->title,
                     "fixture - bias vs N - gaussian:dim=1,rho=0.9");

    /* Bias table, first block: ksg1 on gaussian rho=0.5, rows by n. */
    char *t = slurp(dir, "stats-1-gaussian_rho_0.5.tsv", NULL);
    const mib_summary_row *s0 = &r.summary[0];
    char line[512];
    snprintf(line, sizeof line, "ksg1\tn\tmean\tbias\tci95\tstd_error\tvariance\tmse\trmse\ttrue_mi\tcount\tfailures"
             "\ttrue_mi_se\tbmi_failures\n100\t%.12g\t%.12g\t%.12g\t", s0->mean, s0->bias,
             1.959963984540054 * s0->std_error);
    cr_assert(strncmp(t, line, strlen(line)) == 0, "got:\n%.300s\nwant:\n%s", t, line);
    cr_assert(strstr(t, "\n\n\nksg2\t"), "blocks are separated by two blank lines");
    cr_assert(strstr(t, "\n\n\ninfonce:steps=400,online=1\t"), "non-default parameters stay");
    free(t);

    /* Timing: the label carries the slope of n log n over 1e2..1e4. */
    t = slurp(dir, "time-1-gaussian_rho_0.5.tsv", NULL);
    double want = (log(1e4 * log(1e4)) - log(1e2 * log(1e2))) / (log(1e4) - log(1e2));
    snprintf(line, sizeof line, "ksg1 (slope %.2f)\tn\tmedian_seconds", want);
    cr_assert(strncmp(t, line, strlen(line)) == 0, "got %.80s, want %s", t, line);
    free(t);

    /* Truth: one point per generator of the family at the largest n. */
    t = slurp(dir, "truth-1-gaussian.tsv", NULL);
    snprintf(line, sizeof line, "infonce:steps=400,online=1\ttrue_mi\tmean\tstd_error\tn\tbatch_size"
             "\ttrue_mi_se\n%.12g\t%.12g\t%.12g\t10000\t64\t0\n%.12g\t", /* row 9 g + 3 e + k */
             fixture_truth(0), r.summary[8].mean, r.summary[8].std_error, fixture_truth(1));
    cr_assert(strstr(t, line), "got:\n%s\nwant:\n%s", t, line);
    free(t);

    /* Heatmap: 3 x 3 cells, ksg1 on the first Gaussian at -0.3/sqrt(1e4). */
    t = slurp(dir, "heatmap.tsv", NULL);
    snprintf(line, sizeof line, "\n0\t0\t%.12g\t%+.1f%%\tgaussian:rho=0.5\tksg1\t10000\t", 100 * r.summary[2].bias / fixture_truth(0),
             100 * r.summary[2].bias / fixture_truth(0));
    cr_assert(strstr(t, line), "got:\n%s\nwant:\n%s", t, line);
    free(t);

    /* Curves: the lowest replicate only, in step order, true MI a staircase. */
    size_t len;
    t = slurp(dir, "curves-1-gaussian_rho_0.5.tsv", &len);
    const char *head = "infonce:steps=400,online=1 n=100 (replicate 0)\tstep\testimate\tema\ttrue_mi\n0\t";
    cr_assert(strncmp(t, head, strlen(head)) == 0, "%.80s", t);
    cr_assert(strstr(t, "\n199\t") && strstr(t, "\n399\t"));
    cr_assert_null(strstr(t, "replicate 1"));
    free(t);
    mib_plot_set_free(&s);
    fixture_free(&r);
    remove_dir(dir);
}

Test(plot, no_curves_no_curve_figures)
{
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    tmpdir(dir, sizeof dir, "");
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(s.ncurve_cells, 0);
    cr_assert_eq(s.nfigs, NEXPECTED - 3);
    for (size_t i = 0; i < s.nfigs; i++)
        cr_assert_neq(strcmp(s.figs[i].script, "curves"), 0);
    mib_plot_set_free(&s);
    fixture_free(&r);
    remove_dir(dir);
}

Test(plot, unknown_truth_leaves_out_bias_truth_and_heatmap)
{
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    for (size_t i = 0; i < r.nsummary; i++)
        r.summary[i].true_mi = r.summary[i].bias = r.summary[i].mse = r.summary[i].rmse = NAN;
    tmpdir(dir, sizeof dir, "");
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(s.nfigs, 3, "only the timing figures remain, got %zu", s.nfigs);
    for (size_t i = 0; i < s.nfigs; i++)
        cr_assert_str_eq(s.figs[i].script, "time");
    mib_plot_set_free(&s);
    fixture_free(&r);
    remove_dir(dir);
}

Test(plot, empty_summary_and_bad_directory_fail_clearly)
{
    mib_results r = {0};
    mib_plot_set s;
    mib_err err = {""};
    cr_assert_eq(mib_plot_export(&r, "/tmp", &s, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "/summary"), "%s", err.msg);
    cr_assert_eq(fixture_results(&r, 0), 0);
    cr_assert_eq(mib_plot_export(&r, "/tmp/a\nb", &s, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "control character"), "%s", err.msg);
    cr_assert_eq(mib_plot_export(&r, "/proc/mibench-cannot-be-here", &s, &err), MIB_EIO);
    cr_assert(strstr(err.msg, "/proc/mibench-cannot-be-here"), "%s", err.msg);
    cr_assert_eq(s.nfigs, 0);
    fixture_free(&r);
}

/* ---- what the legends and the heatmap say ---- */

/* Export r into a new scratch folder (its name in dir); fails the test on
 * an error. */
static void export_to(const mib_results *r, char *dir, size_t len, mib_plot_set *s)
{
    mib_err err = {""};
    tmpdir(dir, len, "");
    cr_assert_eq(mib_plot_export(r, dir, s, &err), MIB_OK, "%s", err.msg);
}

/* The line of table name in dir that starts with prefix, or NULL (a
 * malloc'd copy). */
static char *line_starting(const char *dir, const char *name, const char *prefix)
{
    char *t = slurp(dir, name, NULL), *hit = NULL;
    for (char *p = t; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            size_t n = strcspn(p, "\n");
            hit = malloc(n + 1);
            cr_assert(hit);
            memcpy(hit, p, n);
            hit[n] = '\0';
            break;
        }
    free(t);
    return hit;
}

/* Field k (1-based) of a tab-separated line, in a static buffer ("" past
 * the end). */
static const char *field(const char *line, int k)
{
    static char buf[MIB_SPEC_LEN];
    for (; k > 1 && line; k--)
        line = strchr(line, '\t') ? strchr(line, '\t') + 1 : NULL;
    size_t n = line ? strcspn(line, "\t") : 0;
    snprintf(buf, sizeof buf, "%.*s", (int)n, line ? line : "");
    return buf;
}

static void set_spec(mib_results *r, size_t which, int estimator, const char *spec)
{
    for (size_t i = 0; i < r->nsummary; i++) {
        size_t g = i / 9, e = (i / 3) % 3;
        if ((estimator ? e : g) == which)
            strcpy(estimator ? r->summary[i].estimator : r->summary[i].generator, spec);
    }
}

Test(plot, legends_keep_parameters_that_differ_or_are_not_the_default)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    /* A lone ksg1 with k = 4 (the default is 3), and two Gaussians that
     * share a rho that is not the default (0.5). */
    set_spec(&r, 0, 1, "ksg1:k=4,standardize=1,jitter=1e-10");
    set_spec(&r, 0, 0, "gaussian:dim=1,rho=0.75,transform=none");
    set_spec(&r, 1, 0, "gaussian:dim=1,rho=0.75,transform=cubic");
    export_to(&r, dir, sizeof dir, &s);
    /* File names keep the short labels. */
    cr_assert_not_null(find_fig(&s, "bias-1-gaussian_transform_none"));
    cr_assert_str_eq(find_fig(&s, "bias-1-gaussian_transform_none")->title,
                     "fixture - bias vs N - gaussian:dim=1,rho=0.75,transform=none");
    char *t = slurp(dir, "stats-1-gaussian_transform_none.tsv", NULL);
    cr_assert(strncmp(t, "ksg1:k=4\tn\t", 11) == 0, "%.40s", t);
    cr_assert(strstr(t, "\n\n\nksg2\tn\t"), "ksg2 is at its defaults");
    free(t);
    t = slurp(dir, "heatmap.tsv", NULL);
    cr_assert(strstr(t, "\tgaussian:rho=0.75,transform=none\tksg1:k=4\t"), "%s", t);
    cr_assert(strstr(t, "\tgaussian:rho=0.75,transform=cubic\tksg2\t"), "%s", t);
    free(t);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* ksg2 (estimator 1) without its n = 10000 cells, as a [limits] line
 * leaves it. */
static void limit_ksg2(mib_results *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nsummary; i++)
        if (!((i / 3) % 3 == 1 && r->summary[i].n == 10000))
            r->summary[k++] = r->summary[i];
    r->nsummary = k;
}

Test(plot, estimators_limited_to_a_smaller_n_are_marked)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    limit_ksg2(&r);
    export_to(&r, dir, sizeof dir, &s);
    char *l = line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "ksg2");
    cr_assert_not_null(l);
    cr_assert(strncmp(l, "ksg2 (N <= 1000)\tn\t", 19) == 0, "%s", l);
    free(l);
    cr_assert_null(line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "ksg1 ("), "ksg1 is not marked");
    l = line_starting(dir, "time-1-gaussian_rho_0.5.tsv", "ksg2");
    cr_assert(l && strstr(l, "; N <= 1000)\t"), "%s", l ? l : "(none)");
    free(l);
    l = line_starting(dir, "truth-1-gaussian.tsv", "ksg2");
    cr_assert(l && strncmp(l, "ksg2 (N = 1000)\ttrue_mi", 23) == 0, "%s", l ? l : "(none)");
    free(l);
    cr_assert_str_eq(find_fig(&s, "truth-1-gaussian")->title,
                     "fixture - estimate vs true MI at N = 10000 - gaussian");
    cr_assert_str_eq(find_fig(&s, "heatmap")->title,
                     "fixture - mean estimate and relative error at N = 10000");
    /* The heatmap's ksg2 cells sit at N = 1000 and say so; ksg1's do not. */
    l = line_starting(dir, "heatmap.tsv", "0\t1\t");
    cr_assert(l && strstr(l, "\tgaussian:rho=0.5\tksg2\t1000\t") && strcmp(field(l, 13), "N=1000") == 0,
              "%s", l ? l : "(none)");
    free(l);
    l = line_starting(dir, "heatmap.tsv", "0\t0\t");
    cr_assert(l && strcmp(field(l, 13), "-") == 0, "%s", l ? l : "(none)");
    free(l);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* A Monte-Carlo truth's SE widens the bias's 95% interval (ci95) and the
 * heatmap's "within 2 SE", fills the last column of the stats and truth
 * tables, and the truth figure says so. ksg1 on the first Gaussian at
 * N = 1e4: SE 0.005, bias set to 0.012 (2.4 SE), truth SE 0.005. */
Test(plot, monte_carlo_truth_se)
{
    mib_results r;
    mib_plot_set s;
    char dir[256], want[64];
    cr_assert_eq(fixture_results(&r, 0), 0);
    r.summary[2].bias = 0.012;
    r.summary[2].true_mi_se = 0.005;
    export_to(&r, dir, sizeof dir, &s);
    char *l = line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "10000\t");
    snprintf(want, sizeof want, "\t%.12g\t0.005\t", 1.959963984540054 * hypot(0.005, 0.005));
    cr_assert(l && strstr(l, want) && strcmp(field(l, 12), "0.005") == 0, "%s", l ? l : "-");
    free(l);
    l = line_starting(dir, "heatmap.tsv", "0\t0\t");
    cr_assert(l && strcmp(field(l, 12), "1") == 0 && strcmp(field(l, 13), "-") == 0,
              "|bias| 0.012 <= 2 sqrt(2) 0.005: %s", l ? l : "-");
    free(l);
    l = line_starting(dir, "truth-1-gaussian.tsv", "0.143841036226\t");
    cr_assert(l && strcmp(strrchr(l, '\t'), "\t0.005") == 0, "%s", l ? l : "-");
    free(l);
    cr_assert(strstr(find_fig(&s, "truth-1-gaussian")->what, "Monte-Carlo"), "%s",
              find_fig(&s, "truth-1-gaussian")->what);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

Test(plot, identical_series_are_named)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    /* infonce gives the first generator exactly ksg1's numbers. */
    for (size_t k = 0; k < 3; k++) {
        r.summary[6 + k].mean = r.summary[k].mean;
        r.summary[6 + k].std_error = r.summary[k].std_error;
    }
    export_to(&r, dir, sizeof dir, &s);
    char *l = line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "infonce");
    cr_assert(l && strncmp(l, "infonce:steps=400,online=1 (same as ksg1)\tn\t", 44) == 0, "%s", l ? l : "-");
    free(l);
    l = line_starting(dir, "stats-2-gaussian_rho_0.9.tsv", "infonce");
    cr_assert(l && strncmp(l, "infonce:steps=400,online=1\tn\t", 29) == 0, "only where equal: %s", l ? l : "-");
    free(l);
    l = line_starting(dir, "truth-1-gaussian.tsv", "infonce");
    cr_assert(l && !strstr(l, "same as"), "one generator of the family differs: %s", l ? l : "-");
    free(l);
    mib_plot_set_free(&s);
    remove_dir(dir);
    /* A small difference is not "the same". */
    r.summary[7].mean += 1e-6;
    export_to(&r, dir, sizeof dir, &s);
    l = line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "infonce");
    cr_assert(l && !strstr(l, "same as"), "%s", l ? l : "-");
    free(l);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

Test(plot, heatmap_units_and_the_within_2_se_flag)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    /* ksg1 on the first Gaussian, n = 10000: 3 SE off (flag 0); square: true MI 0. */
    r.summary[2].bias = 3 * r.summary[2].std_error;
    r.summary[2].mean = r.summary[2].true_mi + r.summary[2].bias;
    for (size_t i = 18; i < 27; i++) {
        r.summary[i].true_mi = 0;
        r.summary[i].mean = r.summary[i].bias = 0.0123;
    }
    export_to(&r, dir, sizeof dir, &s);
    char *t = slurp(dir, "heatmap.tsv", NULL);
    const char *head = "gen_index\test_index\trel_error_pct\ttext\tgenerator\testimator\tn\ttrue_mi\tmean\t"
                       "bias\tstd_error\twithin_2se\tn_note\tcount\tfailures\tbmi_failures\n";
    cr_assert(strncmp(t, head, strlen(head)) == 0, "%.160s", t);
    free(t);
    char *l = line_starting(dir, "heatmap.tsv", "0\t0\t");
    char want[256];
    snprintf(want, sizeof want, "\t%.12g\t%.12g\t0\t-", r.summary[2].bias, r.summary[2].std_error);
    cr_assert(l && strstr(l, want), "%s lacks %s", l ? l : "-", want);
    free(l);
    l = line_starting(dir, "heatmap.tsv", "1\t0\t");
    cr_assert(l && strstr(l, "\t1\t-"), "within 2 SE: %s", l ? l : "-");
    free(l);
    l = line_starting(dir, "heatmap.tsv", "2\t0\t");
    cr_assert(l && strncmp(l, "2\t0\tNaN\t+0.012 nats\tsquare\tksg1\t10000\t0\t0.0123\t", 45) == 0,
              "true MI 0: bias in nats, no percentage: %s", l ? l : "-");
    free(l);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* ---- bmi's failed runs, the heatmap's true MI, "samples needed" ---- */

/* Summary row c of r recomputed from r's trials of that cell by the
 * harness's own function, as a run does. */
static void resummarise(mib_results *r, size_t c)
{
    mib_trial_stat st[FIXTURE_REPLICATES];
    size_t k = 0;
    for (size_t i = 0; i < r->ntrials; i++)
        if (r->trials[i].cell == r->cells[c].cell) {
            cr_assert_lt(k, FIXTURE_REPLICATES);
            st[k++] = mib_trial_stat_of(&r->trials[i]);
        }
    cr_assert_eq(mib_summary_compute(&r->cells[c], st, k, &r->summary[c]), MIB_OK);
}

/* Set the estimates of the trials of cell c to est[replicate] (NaN: the
 * trial failed). */
static void set_estimates(mib_results *r, size_t c, const double *est)
{
    for (size_t i = 0; i < r->ntrials; i++) {
        mib_trial_row *t = &r->trials[i];
        if (t->cell != r->cells[c].cell)
            continue;
        t->estimate = est[t->replicate];
        t->status = isnan(t->estimate) ? MIB_EDIVERGED : MIB_OK;
    }
}

/* bmi's rule by hand on the ten trials of one fixture cell (ksg1 on the
 * first Gaussian, N = 10000): the largest estimate is 0.5, 0.1 of it 0.05
 * (exactly, in doubles), so -0.01 (negative), 0.0499 and 0.02 are failed
 * runs, 0.05 itself is not (bmi's strict <), and the trial that errored
 * is among failures, not here; the statistics keep all nine successful
 * trials. All-negative estimates all fail; a cell whose true MI is 0
 * counts none. The stats and heatmap tables carry the counts. */
Test(plot, bmi_failure_rule_by_hand)
{
    static const double est[FIXTURE_REPLICATES] = {0.5, 0.3, -0.01, 0.0499, 0.05, 0.2, NAN, 0.02, 0.45, 0.1};
    double neg[FIXTURE_REPLICATES];
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    cr_assert_eq(fixture_add_trials(&r, 0), 0);
    set_estimates(&r, 2, est);
    resummarise(&r, 2);
    cr_assert_eq(r.summary[2].bmi_failures, 3);
    cr_assert_eq(r.summary[2].failures, 1);
    cr_assert_eq(r.summary[2].count, 9);
    cr_assert_float_eq(r.summary[2].mean, (0.5 + 0.3 - 0.01 + 0.0499 + 0.05 + 0.2 + 0.02 + 0.45 + 0.1) / 9,
                       1e-15);
    for (int k = 0; k < FIXTURE_REPLICATES; k++)
        neg[k] = -0.01 * (k + 1);
    set_estimates(&r, 1, neg);
    resummarise(&r, 1);
    cr_assert_eq(r.summary[1].bmi_failures, FIXTURE_REPLICATES, "negative: all failed");
    resummarise(&r, 5); /* ksg2 at N = 10000: estimates 0.14 +- 0.03 */
    cr_assert_eq(r.summary[5].bmi_failures, 0, "the fixture's own trials: none");
    r.cells[1].true_mi = 0;
    resummarise(&r, 1);
    cr_assert_eq(r.summary[1].bmi_failures, 0, "true MI 0: not counted");
    export_to(&r, dir, sizeof dir, &s);
    char *l = line_starting(dir, "stats-1-gaussian_rho_0.5.tsv", "10000\t"); /* ksg1's block first */
    cr_assert(l && strcmp(field(l, 11), "1") == 0 && strcmp(field(l, 13), "3") == 0, "%s", l ? l : "-");
    free(l);
    l = line_starting(dir, "heatmap.tsv", "0\t0\t");
    cr_assert(l && strcmp(field(l, 14), "9") == 0 && strcmp(field(l, 15), "1") == 0 &&
              strcmp(field(l, 16), "3") == 0, "count, failures, bmi_failures: %s", l ? l : "-");
    free(l);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* The heatmap's true_mi is its generator's on every row, even for a pair
 * without summary rows (ksg1 on the second Gaussian, removed here), whose
 * mean is NaN: heatmap.gp writes the true MI row from estimator 0's. */
Test(plot, heatmap_true_mi_column)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    size_t k = 0;
    for (size_t i = 0; i < r.nsummary; i++)
        if (!(i / 9 == 1 && (i / 3) % 3 == 0))
            r.summary[k++] = r.summary[i];
    r.nsummary = k;
    export_to(&r, dir, sizeof dir, &s);
    char *t = slurp(dir, "heatmap.tsv", NULL);
    size_t rows = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "gen_index\t", 10) == 0)
            continue;
        int g = atoi(field(line, 1));
        char want[32];
        snprintf(want, sizeof want, "%.12g", fixture_truth((size_t)g));
        cr_expect_str_eq(field(line, 8), want, "row %s", line);
        if (g == 1 && atoi(field(line, 2)) == 0)
            cr_expect(strcmp(field(line, 9), "NaN") == 0 && strcmp(field(line, 14), "NaN") == 0, "%s", line);
        rows++;
    }
    cr_assert_eq(rows, 9, "3 generators x 3 estimators");
    free(t);
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* The mean of cell (g, e, k) of the fixture as a multiple of the truth
 * (NaN: every trial failed), for the two Gaussians; the square law's
 * true MI is set to 0. */
static const double samples_mult[2][3][3] = {
    /*  ksg1                ksg2              infonce, at N = 100, 1000, 10000 */
    {{0.5, 0.9, 1.0}, {2.0, 1.6, 1.4}, {0.6, 0.7, 0.3}},
    {{1.5 * (1 + 1e-9), 1.5, 5}, {0.1, 0.2, 0.3}, {NAN, 1 / 1.5, 1.0}},
};

/* samples.tsv against a count straight from /summary: per pair the
 * smallest N with an estimate and t / 1.5 <= mean <= 1.5 t (both ends
 * inclusive: 1.5 t and t / 1.5 count, 1.5 t (1 + 1e-9) does not), ">M"
 * for none up to the pair's largest N M, "-" where the true MI is 0; a
 * pair within at 1000 but not at 10000 still needs 1000 (bmi's smallest
 * N). The figure is listed; with one N only it is not. */
Test(plot, samples_needed_from_the_summary)
{
    mib_results r;
    mib_plot_set s;
    char dir[256];
    cr_assert_eq(fixture_results(&r, 0), 0);
    for (size_t i = 0; i < r.nsummary; i++) {
        mib_summary_row *w = &r.summary[i];
        size_t g = i / 9, e = (i / 3) % 3, k = i % 3;
        if (g == 2) {
            w->true_mi = 0;
            w->mean = w->bias = 0.01;
            continue;
        }
        double m = samples_mult[g][e][k];
        w->mean = isnan(m) ? NAN : m * w->true_mi;
        if (isnan(m))
            w->count = 0, w->failures = FIXTURE_REPLICATES;
    }
    r.summary[9 + 1].mean = 1.5 * r.summary[9 + 1].true_mi;   /* the ends, as the code writes them */
    r.summary[9 + 6 + 1].mean = r.summary[9 + 6 + 1].true_mi / 1.5;
    export_to(&r, dir, sizeof dir, &s);
    cr_assert_not_null(find_fig(&s, "samples"));
    cr_assert_str_eq(find_fig(&s, "samples")->script, "samples");
    char *t = slurp(dir, "samples.tsv", NULL);
    const char *head = "gen_index\test_index\tn_needed\ttext\tgenerator\testimator\ttrue_mi\tn_min\tn_max\n";
    cr_assert(strncmp(t, head, strlen(head)) == 0, "%.100s", t);
    size_t rows = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "gen_index\t", 10) == 0)
            continue;
        size_t g = (size_t)atoi(field(line, 1)), e = (size_t)atoi(field(line, 2));
        int64_t need = INT64_MAX, lo = INT64_MAX, hi = 0;
        double truth = NAN;
        for (size_t i = 0; i < r.nsummary; i++) {
            const mib_summary_row *w = &r.summary[i];
            if (i / 9 != g || (i / 3) % 3 != e)
                continue;
            truth = w->true_mi;
            if (w->count == 0)
                continue;
            lo = w->n < lo ? w->n : lo;
            hi = w->n > hi ? w->n : hi;
            if (w->true_mi > 0 && w->mean >= w->true_mi / 1.5 && w->mean <= 1.5 * w->true_mi && w->n < need)
                need = w->n;
        }
        char want[32] = "-", num[32] = "NaN";
        if (truth > 0)
            snprintf(want, sizeof want, need < INT64_MAX ? "%lld" : ">%lld",
                     (long long)(need < INT64_MAX ? need : hi));
        if (need < INT64_MAX)
            snprintf(num, sizeof num, "%lld", (long long)need);
        cr_expect_str_eq(field(line, 3), num, "pair %zu %zu: %s", g, e, line);
        cr_expect_str_eq(field(line, 4), want, "pair %zu %zu: %s", g, e, line);
        cr_expect_eq(atoll(field(line, 8)), lo, "n_min: %s", line);
        cr_expect_eq(atoll(field(line, 9)), hi, "n_max: %s", line);
        rows++;
    }
    cr_assert_eq(rows, 9);
    free(t);
    /* and by hand: ksg1 1000, ksg2 10000 and infonce 1000 on the first
     * Gaussian; 1000, ">10000" and 1000 (from N = 1000) on the second */
    static const char *const hand[2][3] = {{"1000", "10000", "1000"}, {"1000", ">10000", "1000"}};
    for (size_t g = 0; g < 2; g++)
        for (size_t e = 0; e < 3; e++) {
            char prefix[16];
            snprintf(prefix, sizeof prefix, "%zu\t%zu\t", g, e);
            char *l = line_starting(dir, "samples.tsv", prefix);
            cr_expect(l && strcmp(field(l, 4), hand[g][e]) == 0, "%s: want %s", l ? l : "-", hand[g][e]);
            free(l);
        }
    mib_plot_set_free(&s);
    remove_dir(dir);
    size_t k = 0;
    for (size_t i = 0; i < r.nsummary; i++)
        if (r.summary[i].n == 10000)
            r.summary[k++] = r.summary[i];
    r.nsummary = k;
    export_to(&r, dir, sizeof dir, &s);
    cr_assert_null(find_fig(&s, "samples"), "one N: no samples figure");
    mib_plot_set_free(&s);
    remove_dir(dir);
    fixture_free(&r);
}

/* ---- the data-processing inequality ---- */

/* One replicate's estimates of the views xy and xz of a chain (NaN: none
 * or failed). */
typedef struct pair_est {
    double xy, xz;
} pair_est;

/* What dpi-K-S.tsv must say about estimator est_name at n on chain draw
 * (a generator spec without its view), counted here straight from /trials:
 * the replicates with both estimates, those where xz is above xy, and the
 * mean and 1.96 SE of the successful xz_y estimates. */
static void count_directly(const mib_results *r, const char *draw, const char *est_name, int64_t n,
                           double *pairs, double *viol, double *cmi, double *ci95, double *count)
{
    enum { MAX_REPS = 64 };
    pair_est reps[MAX_REPS];
    char xy[MIB_SPEC_LEN], xz[MIB_SPEC_LEN], xz_y[MIB_SPEC_LEN];
    double sum = 0, sum2 = 0;
    snprintf(xy, sizeof xy, "%s,view=xy", draw);
    snprintf(xz, sizeof xz, "%s,view=xz", draw);
    snprintf(xz_y, sizeof xz_y, "%s,view=xz_y", draw);
    for (int k = 0; k < MAX_REPS; k++)
        reps[k] = (pair_est){NAN, NAN};
    *pairs = *viol = *count = 0;
    for (size_t i = 0; i < r->ntrials; i++) {
        const mib_trial_row *t = &r->trials[i];
        if (t->n != n || strcmp(t->estimator_name, est_name) != 0 || t->status != MIB_OK)
            continue;
        cr_assert_lt(t->replicate, MAX_REPS);
        if (strcmp(t->generator, xy) == 0)
            reps[t->replicate].xy = t->estimate;
        else if (strcmp(t->generator, xz) == 0)
            reps[t->replicate].xz = t->estimate;
        else if (strcmp(t->generator, xz_y) == 0) {
            sum += t->estimate;
            sum2 += t->estimate * t->estimate;
            (*count)++;
        }
    }
    for (int k = 0; k < MAX_REPS; k++)
        if (!isnan(reps[k].xy) && !isnan(reps[k].xz)) {
            (*pairs)++;
            *viol += reps[k].xz > reps[k].xy;
        }
    *cmi = *count ? sum / *count : NAN;
    double var = (sum2 - *count * *cmi * *cmi) / (*count - 1);
    *ci95 = *count > 1 ? 1.959963984540054 * sqrt(var / *count) : NAN;
}

/* The Wilson interval as the roots p of (phat - p)^2 = z^2 p (1 - p) / m. */
static void wilson_roots(double v, double m, double *lo, double *hi)
{
    double z2 = 1.959963984540054 * 1.959963984540054, p = v / m;
    double a = 1 + z2 / m, b = -(2 * p + z2 / m), c = p * p, disc = sqrt(b * b - 4 * a * c);
    *lo = (-b - disc) / (2 * a);
    *hi = (-b + disc) / (2 * a);
}

/* Every row of dpi-<fig>-<slug>.tsv in dir against count_directly; returns
 * the violations in the table. */
static double check_dpi_table(const mib_results *r, const char *dir, int fig, const char *slug,
                              const char *draw)
{
    char name[128];
    snprintf(name, sizeof name, "dpi-%d-%s.tsv", fig, slug);
    char *t = slurp(dir, name, NULL), label[64] = "";
    double total = 0;
    size_t rows = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "\tn\tpairs\tviolations\trate\trate_lo\trate_hi\tcmi_mean\tcmi_ci95"
                         "\tcmi_count\ttrue_xy\ttrue_xz")) {
            snprintf(label, sizeof label, "%.*s", (int)strcspn(line, "\t"), line);
            continue;
        }
        double v[11];
        char *p = line;
        for (int i = 0; i < 11; i++)
            v[i] = strtod(p, &p);
        cr_assert_eq(*p, '\0', "%s: row '%s' has more than 11 columns", name, line);
        double pairs, viol, cmi, ci95, count, lo, hi;
        count_directly(r, draw, label, (int64_t)v[0], &pairs, &viol, &cmi, &ci95, &count);
        cr_expect_eq(v[1], pairs, "%s %s n=%g: pairs %g, counted %g", name, label, v[0], v[1], pairs);
        cr_expect_eq(v[2], viol, "%s %s n=%g: violations %g, counted %g", name, label, v[0], v[2],
                     viol);
        wilson_roots(viol, pairs, &lo, &hi);
        cr_expect_float_eq(v[3], viol / pairs, 1e-11);
        cr_expect_float_eq(v[4], lo, 1e-11, "%s %s n=%g: rate_lo %.12g, want %.12g", name, label,
                           v[0], v[4], lo);
        cr_expect_float_eq(v[5], hi, 1e-11, "%s %s n=%g: rate_hi %.12g, want %.12g", name, label,
                           v[0], v[5], hi);
        cr_expect_eq(v[8], count, "%s %s n=%g: cmi_count", name, label, v[0]);
        if (count) {
            cr_expect_float_eq(v[6], cmi, 1e-11 * (1 + fabs(cmi)), "%s %s n=%g: cmi %.12g, want %.12g",
                               name, label, v[0], v[6], cmi);
            cr_expect_float_eq(v[7], ci95, 1e-9 * ci95, "%s %s n=%g: cmi_ci95", name, label, v[0]);
        } else {
            cr_expect(isnan(v[6]) && isnan(v[7]), "%s %s: conditional columns without xz_y", name,
                      label);
        }
        total += v[2];
        rows++;
    }
    cr_expect_eq(rows, 6 * 2, "%s: 6 estimators x 2 N, got %zu rows", name, rows);
    free(t);
    return total;
}

/* bench/studies/dpi.ini with 20 replicates at N = 100 and 300, run by the
 * harness: its two chains' tables against a direct count from /trials,
 * before and after one trial of view xz is marked failed (its replicate
 * then has no pair); the figures drawn when gnuplot is there. */
Test(plot, dpi_tables_count_the_trials, .timeout = 300)
{
    mib_study st;
    mib_run_options o;
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    char dir[256], out[300];
    tmpdir(dir, sizeof dir, "");
    snprintf(out, sizeof out, "%s/dpi.h5", dir);
    cr_assert_eq(mib_study_load(MIB_SOURCE_ROOT "/bench/studies/dpi.ini", &st, &err), MIB_OK, "%s",
                 err.msg);
    st.replicates = 20;
    st.n[0] = 100;
    st.n[1] = 300;
    st.nn = 2;
    mib_run_options_init(&o);
    o.output = out;
    o.threads = 2;
    cr_assert_eq(mib_run(&st, &o, NULL, &err), MIB_OK, "%s", err.msg);
    mib_study_free(&st);
    cr_assert_eq(mib_results_read(out, &r, &err), MIB_OK, "%s", err.msg);
    unlink(out);

    const char *draws[2] = {"chain:dim=1,rho_xy=0.9,rho_yz=0.95", "chain:dim=1,rho_xy=0.9,rho_yz=0.99"};
    const char *slugs[2] = {"chain_rho_yz_0.95", "chain_rho_yz_0.99"};
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    const mib_plot_figure *f = find_fig(&s, "dpi-2-chain_rho_yz_0.99");
    cr_assert(f && find_fig(&s, "dpi-1-chain_rho_yz_0.95"), "no DPI figures");
    cr_expect_str_eq(f->script, "dpi");
    cr_expect_str_eq(f->title, "dpi - data-processing inequality - chain:dim=1,rho_xy=0.9,rho_yz=0.99");
    double before = check_dpi_table(&r, dir, 2, slugs[1], draws[1]);
    check_dpi_table(&r, dir, 1, slugs[0], draws[0]);
    cr_log_info("violations in dpi-2-chain_rho_yz_0.99.tsv: %g", before);
    cr_expect_gt(before, 0, "rho_yz=0.99 at N=100 has violations (about 30%% of replicates)");
    mib_plot_render_options ro = {.dir = dir, .scripts_dir = MIB_SOURCE_ROOT "/scripts",
                                  .gnuplot = "gnuplot", .format = MIB_PLOT_PNG, .timeout = 60};
    if (have_program("gnuplot")) {
        cr_assert_eq(mib_plot_copy_scripts(&s, &ro, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_plot_render(f, &ro, &err), MIB_OK, "%s", err.msg);
        size_t len;
        char *png = slurp(dir, "dpi-2-chain_rho_yz_0.99.png", &len);
        cr_expect(len > 1000 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
        free(png);
    }
    mib_plot_set_free(&s);

    /* a failed xz trial (ksg1, N = 100) leaves its replicate unpaired: the table follows */
    mib_trial_row *hit = NULL;
    for (size_t i = 0; i < r.ntrials && !hit; i++) {
        mib_trial_row *t = &r.trials[i];
        if (strcmp(t->generator, "chain:dim=1,rho_xy=0.9,rho_yz=0.99,view=xz") == 0 &&
            strcmp(t->estimator_name, "ksg1") == 0 && t->n == 100)
            hit = t;
    }
    cr_assert(hit);
    hit->status = MIB_EDIVERGED;
    hit->estimate = NAN;
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    check_dpi_table(&r, dir, 2, slugs[1], draws[1]);
    mib_plot_set_free(&s);
    mib_results_free(&r);
    remove_dir(dir);
}

/* ---- drawing ---- */

static void draw_all(const char *dir, mib_plot_format fmt, const char *magic, size_t magic_len)
{
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    cr_assert_eq(fixture_results(&r, 1), 0);
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    mib_plot_render_options o = {.dir = dir, .scripts_dir = MIB_SOURCE_ROOT "/scripts",
                                 .gnuplot = "gnuplot", .format = fmt, .timeout = 60};
    cr_assert_eq(mib_plot_copy_scripts(&s, &o, &err), MIB_OK, "%s", err.msg);
    for (size_t i = 0; i < s.nfigs; i++) {
        cr_assert_eq(mib_plot_render(&s.figs[i], &o, &err), MIB_OK, "%s", err.msg);
        char name[128];
        size_t len;
        snprintf(name, sizeof name, "%s.%s", s.figs[i].name, mib_plot_format_ext(fmt));
        char *b = slurp(dir, name, &len);
        cr_assert_gt(len, 1000, "%s has %zu bytes", name, len);
        if (fmt == MIB_PLOT_SVG)
            cr_assert(strstr(b, "<svg") && strstr(b, "</svg>"), "%s is not SVG", name);
        else
            cr_assert(memcmp(b, magic, magic_len) == 0, "%s lacks its signature", name);
        free(b);
    }
    cr_assert_eq(mib_plot_write_index(&r, &s, dir, fmt, "some/results.h5", &err), MIB_OK, "%s", err.msg);
    char *html = slurp(dir, "index.html", NULL);
    for (size_t i = 0; i < s.nfigs; i++) {
        char src[160];
        snprintf(src, sizeof src, "\"%s.%s\"", s.figs[i].name, mib_plot_format_ext(fmt));
        cr_assert(strstr(html, src), "index lacks %s", src);
    }
    cr_assert(strstr(html, "<td class=\"s\">square:dist=normal,sigma=0.5</td>"));
    cr_assert_null(strstr(html, "<script"));
    free(html);
    mib_plot_set_free(&s);
    fixture_free(&r);
}

Test(plot, draws_every_figure_as_png, .timeout = 300)
{
    skip_without_gnuplot();
    char dir[256];
    tmpdir(dir, sizeof dir, "");
    draw_all(dir, MIB_PLOT_PNG, "\x89PNG\r\n\x1a\n", 8);
    remove_dir(dir);
}

Test(plot, draws_svg_and_pdf, .timeout = 300)
{
    skip_without_gnuplot();
    char dir[256];
    tmpdir(dir, sizeof dir, "");
    draw_all(dir, MIB_PLOT_SVG, "", 0);
    draw_all(dir, MIB_PLOT_PDF, "%PDF", 4);
    remove_dir(dir);
}

Test(plot, folder_with_spaces_quotes_and_dollars, .timeout = 120)
{
    skip_without_gnuplot();
    char dir[256];
    tmpdir(dir, sizeof dir, "/it's a \"dir\" $(touch pwned); `x`");
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    cr_assert_eq(fixture_results(&r, 0), 0);
    strcpy(r.study_name, "it's \"quoted\"");
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    mib_plot_render_options o = {.dir = dir, .scripts_dir = MIB_SOURCE_ROOT "/scripts",
                                 .gnuplot = "gnuplot", .format = MIB_PLOT_PNG, .timeout = 60};
    cr_assert_eq(mib_plot_copy_scripts(&s, &o, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_plot_render(&s.figs[0], &o, &err), MIB_OK, "%s", err.msg);
    char *b = slurp(dir, "heatmap.png", NULL);
    cr_assert(memcmp(b, "\x89PNG", 4) == 0);
    free(b);
    cr_assert_neq(access("pwned", F_OK), 0, "a shell ran the command line");
    mib_plot_set_free(&s);
    fixture_free(&r);
    remove_dir(dir);
    *strrchr(dir, '/') = '\0';
    remove_dir(dir);
}

/* A scratch scripts folder holding the real preamble and one given script. */
static void fake_scripts(const char *dir, const char *script, const char *body)
{
    char path[512], *pre = slurp(MIB_SOURCE_ROOT "/scripts", "mibench.gp", NULL);
    snprintf(path, sizeof path, "%s/mibench.gp", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(pre, f);
    fclose(f);
    free(pre);
    snprintf(path, sizeof path, "%s/%s.gp", dir, script);
    f = fopen(path, "w");
    cr_assert(f);
    fputs(body, f);
    fclose(f);
}

static void render_heatmap_with(const char *gnuplot, const char *body, double timeout, int want,
                                const char *needle)
{
    char dir[256], scripts[256];
    tmpdir(dir, sizeof dir, "");
    tmpdir(scripts, sizeof scripts, "");
    fake_scripts(scripts, "heatmap", body);
    mib_results r;
    mib_plot_set s;
    mib_err err = {""};
    cr_assert_eq(fixture_results(&r, 0), 0);
    cr_assert_eq(mib_plot_export(&r, dir, &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_str_eq(s.figs[0].name, "heatmap");
    mib_plot_render_options o = {.dir = dir, .scripts_dir = scripts, .gnuplot = gnuplot,
                                 .format = MIB_PLOT_PNG, .timeout = timeout};
    cr_assert_eq(mib_plot_copy_scripts(&s, &o, &err), MIB_EIO, "the other scripts are missing");
    cr_assert(strstr(err.msg, "samples.gp") && strstr(err.msg, "--scripts"), "%s", err.msg);
    mib_plot_set first = {.figs = s.figs, .nfigs = 1};
    cr_assert_eq(mib_plot_copy_scripts(&first, &o, &err), MIB_OK, "%s", err.msg);
    int st = mib_plot_render(&s.figs[0], &o, &err);
    cr_assert_eq(st, want, "status %d: %s", st, err.msg);
    cr_assert(strstr(err.msg, "figure heatmap"), "%s", err.msg);
    cr_assert(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
    mib_plot_set_free(&s);
    fixture_free(&r);
    remove_dir(dir);
    remove_dir(scripts);
}

Test(plot, missing_gnuplot_names_the_figure)
{
    render_heatmap_with("mibench-no-such-gnuplot", "kind = 'heatmap'\n", 10, MIB_EUNSUPPORTED,
                        "mibench-no-such-gnuplot");
}

Test(plot, failing_script_reports_gnuplot_message, .timeout = 60)
{
    skip_without_gnuplot();
    render_heatmap_with("gnuplot", "plot no_such_variable_xyz\n", 30, MIB_EIO,
                        "undefined variable: no_such_variable_xyz");
}

Test(plot, script_writing_nothing_is_an_error, .timeout = 60)
{
    skip_without_gnuplot();
    render_heatmap_with("gnuplot", "print 'nothing drawn'\n", 30, MIB_EIO, "wrote no");
}

Test(plot, hanging_gnuplot_is_stopped_at_the_timeout, .timeout = 60)
{
    skip_without_gnuplot();
    render_heatmap_with("gnuplot", "pause 30\n", 0.5, MIB_EIO, "did not finish within 0.5 s");
}
