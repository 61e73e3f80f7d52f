/* cmd_check.c - `mibench check BASELINE.h5 CURRENT.h5 [--z Z] [--abs-tol X]
 * [--time-factor F] [--strict]`: one table row per cell (cell, baseline
 * mean +- SE, current, difference, difference in combined SEs, verdict).
 * Exit 0 no regression, 1 regression, 2 usage or file error. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bench/check/check.h"
#include "bench/cli/cli.h"
#include "bench/harness/labels.h"

static const char usage_text[] =
    "usage: mibench check BASELINE.h5 CURRENT.h5 [--z Z] [--abs-tol X] [--time-factor F] [--strict]\n"
    "Compares the per-cell summaries of two results files, matching cells by\n"
    "(generator, estimator, n, batch size). A cell regresses when its mean moved by more\n"
    "than max(X, Z * sqrt(se_base^2 + se_current^2)) nats (Z = 4, X = 0 by default), when\n"
    "its failure count grew, or, with --time-factor F, when its median time grew by more\n"
    "than the factor F (>= 1). Cells in one file only are listed, and fail the check only\n"
    "with --strict; two files with no cell in common fail the check.\n"
    "Exit status: 0 no regression, 1 regression (or no cell in common), 2 usage or file error.\n";

/* Strict non-negative real; 0 on success. */
static int parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = s && *s ? strtod(s, &end) : NAN;
    if (!s || !*s || errno || *end || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static void format_mean(const mib_summary_row *r, char *buf, size_t len)
{
    if (!r)
        snprintf(buf, len, "-");
    else if (isfinite(r->std_error))
        snprintf(buf, len, "%.6g +- %.2g", r->mean, r->std_error);
    else
        snprintf(buf, len, "%.6g", r->mean);
    if (r && r->failures) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, " (%lld failed)", (long long)r->failures);
    }
}

/* Print the table: labels are computed over both files' cells together. */
static int print_table(const mib_check_report *rep, FILE *f)
{
    size_t n = rep->nrows;
    const char **gens = malloc((n + 1) * sizeof *gens), **ests = malloc((n + 1) * sizeof *ests);
    char(*gl)[MIB_SPEC_LEN] = malloc((n + 1) * sizeof *gl);
    char(*el)[MIB_SPEC_LEN] = malloc((n + 1) * sizeof *el);
    char(*cells)[2 * MIB_SPEC_LEN + 64] = malloc((n + 1) * sizeof *cells);
    int st = -1;
    if (!gens || !ests || !gl || !el || !cells)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const mib_summary_row *r = rep->rows[i].base ? rep->rows[i].base : rep->rows[i].cur;
        gens[i] = r->generator;
        ests[i] = r->estimator;
    }
    mib_labels_short(gens, n, gl);
    mib_labels_short(ests, n, el);
    int w = 4;
    for (size_t i = 0; i < n; i++) {
        const mib_summary_row *r = rep->rows[i].base ? rep->rows[i].base : rep->rows[i].cur;
        int len = snprintf(cells[i], sizeof cells[i], "%s | %s | n=%lld", gl[i], el[i], (long long)r->n);
        if (r->batch_size > 0)
            len += snprintf(cells[i] + len, sizeof cells[i] - (size_t)len, " B=%lld",
                            (long long)r->batch_size);
        if (len > w)
            w = len;
    }
    fprintf(f, "%-*s  %-30s  %-30s  %-11s  %-9s  %s\n", w, "cell", "baseline", "current",
            "difference", "in SEs", "verdict");
    for (size_t i = 0; i < n; i++) {
        const mib_check_row *row = &rep->rows[i];
        char b[64], c[64], d[32] = "-", z[32] = "-", v[64];
        format_mean(row->base, b, sizeof b);
        format_mean(row->cur, c, sizeof c);
        if (!isnan(row->diff))
            snprintf(d, sizeof d, "%+.3g", row->diff);
        if (!isnan(row->in_se))
            snprintf(z, sizeof z, "%+.2f", row->in_se);
        mib_check_verdict(row, v, sizeof v);
        fprintf(f, "%-*s  %-30s  %-30s  %-11s  %-9s  %s%s\n", w, cells[i], b, c, d, z, v,
                row->regression ? "  REGRESSION" : "");
    }
    st = 0;
done:
    free(gens);
    free(ests);
    free(gl);
    free(el);
    free(cells);
    return st;
}

int cmd_check(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    int nfiles = 0;
    mib_check_options opt;
    mib_check_default_options(&opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double *target = strcmp(a, "--z") == 0             ? &opt.z
                         : strcmp(a, "--abs-tol") == 0     ? &opt.abs_tol
                         : strcmp(a, "--time-factor") == 0 ? &opt.time_factor
                                                           : NULL;
        if (cli_is_help(a)) {
            fputs(usage_text, stdout);
            return CLI_EXIT_OK;
        } else if (target) {
            if (i + 1 >= argc || parse_real(argv[i + 1], target))
                return cli_fail(CLI_EXIT_USAGE, "check", "%s needs a finite number >= 0 (got '%s')",
                                a, i + 1 < argc ? argv[i + 1] : "nothing");
            i++;
        } else if (strcmp(a, "--strict") == 0) {
            opt.strict = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_fail(CLI_EXIT_USAGE, "check", "unknown option '%s'; see 'mibench check --help'", a);
        } else if (nfiles == 2) {
            return cli_fail(CLI_EXIT_USAGE, "check", "give two files, BASELINE.h5 and CURRENT.h5 (extra '%s')", a);
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles != 2)
        return cli_fail(CLI_EXIT_USAGE, "check", "give two files, BASELINE.h5 and CURRENT.h5; see 'mibench check --help'");
    if (opt.time_factor > 0 && opt.time_factor < 1)
        return cli_fail(CLI_EXIT_USAGE, "check", "--time-factor %g: give a factor >= 1 (or leave it out)",
                        opt.time_factor);

    mib_results base = {0}, cur = {0};
    mib_check_report rep = {0};
    mib_err err = {""};
    int rc = CLI_EXIT_USAGE;
    int st = mib_results_read(files[0], &base, &err);
    if (st) {
        rc = cli_fail(CLI_EXIT_USAGE, "check", "baseline %s: %s", files[0], err.msg);
        goto done;
    }
    if ((st = mib_results_read(files[1], &cur, &err))) {
        rc = cli_fail(CLI_EXIT_USAGE, "check", "current %s: %s", files[1], err.msg);
        goto done;
    }
    if ((st = mib_check_compare(&base, &cur, &opt, &rep, &err))) {
        rc = cli_fail(CLI_EXIT_USAGE, "check", "%s", err.msg);
        goto done;
    }
    if (rep.nrows == rep.nmissing + rep.nnew) {
        /* nothing to compare: CI pointed at the wrong baseline must not pass */
        rc = cli_fail(CLI_EXIT_FAIL, "check", "no cell in common: %zu cells only in %s, %zu only "
                      "in %s; is it the right baseline?", rep.nmissing, files[0], rep.nnew,
                      files[1]);
        goto done;
    }
    if (print_table(&rep, stdout)) {
        rc = cli_fail(CLI_EXIT_FAIL, "check", "out of memory printing %zu cells", rep.nrows);
        goto done;
    }
    printf("%zu cells compared: %zu regression%s, %zu only in the baseline, %zu only in the current "
           "file%s (z = %g, abs-tol = %g%s)\n",
           rep.nrows - rep.nmissing - rep.nnew, rep.nregressions, rep.nregressions == 1 ? "" : "s",
           rep.nmissing, rep.nnew, opt.strict ? ", strict" : "", opt.z, opt.abs_tol,
           opt.time_factor > 0 ? ", time checked" : "");
    fflush(stdout);
    rc = CLI_EXIT_OK;
    if (rep.nregressions) {
        size_t first = 0;
        while (!rep.rows[first].regression)
            first++;
        const mib_check_row *r = &rep.rows[first];
        const mib_summary_row *s = r->base ? r->base : r->cur;
        char v[64];
        mib_check_verdict(r, v, sizeof v);
        rc = cli_fail(CLI_EXIT_FAIL, "check", "%zu regression%s, first: %s %s n=%lld batch=%lld (%s)",
                      rep.nregressions, rep.nregressions == 1 ? "" : "s", s->generator, s->estimator,
                      (long long)s->n, (long long)s->batch_size, v);
    }
done:
    mib_check_report_free(&rep);
    mib_results_free(&base);
    mib_results_free(&cur);
    return rc;
}
