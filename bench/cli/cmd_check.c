/* cmd_check.c - `mibench check [BASELINE.h5] CURRENT.h5 [--z Z] [--abs-tol X]
 * [--time-factor F] [--strict] [--unpaired] [--bmi-failures] [--max-abs-bias X]
 * [--max-rmse X]`:
 * with two files, one table row per cell (cell, test used, baseline mean
 * +- SE, current, difference, difference in SEs, verdict); with one file,
 * the gates alone (cell, true MI, mean +- SE, bias, RMSE, verdict). A
 * summary line counts cells and, apart, the reasons they fail. Cost: that
 * of mib_check_compare plus one line per cell.
 * Exit 0 no regression, 1 regression, 2 usage or file error. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "bench/check/check.h"
#include "bench/cli/cli.h"
#include "bench/harness/labels.h"

typedef struct check_args {
    const char *files[2];
    int nfiles;
    int bits; /* --bits: tables and X given in bits; the files stay in nats */
    mib_check_options opt;
} check_args;

/* What one printed unit is in nats: 1, or ln 2 with --bits. Set once by
 * cmd_check before anything is printed. */
static double unit = 1.0;
static const char *unit_name = "nats";

/* Strict non-negative finite real into *out; 0, or the exit code after the
 * one-line error naming the option. */
static int parse_real(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = *s ? strtod(s, &end) : NAN;
    if (!*s || errno || *end || !isfinite(v) || v < 0)
        return cli_fail(CLI_EXIT_USAGE, "check", "%s needs a finite number >= 0 (got '%s')", opt, s);
    *out = v;
    return CLI_EXIT_OK;
}

static int set_z(void *ctx, const char *v)
{
    return parse_real("--z", v, &((check_args *)ctx)->opt.z);
}

static int set_abs_tol(void *ctx, const char *v)
{
    return parse_real("--abs-tol", v, &((check_args *)ctx)->opt.abs_tol);
}

static int set_time_factor(void *ctx, const char *v)
{
    check_args *a = ctx;
    int rc = parse_real("--time-factor", v, &a->opt.time_factor);
    if (!rc && a->opt.time_factor > 0 && a->opt.time_factor < 1)
        rc = cli_fail(CLI_EXIT_USAGE, "check", "--time-factor %s: give a factor >= 1 (or leave it out)", v);
    return rc;
}

static int set_max_abs_bias(void *ctx, const char *v)
{
    return parse_real("--max-abs-bias", v, &((check_args *)ctx)->opt.max_abs_bias);
}

static int set_max_rmse(void *ctx, const char *v)
{
    return parse_real("--max-rmse", v, &((check_args *)ctx)->opt.max_rmse);
}

static const cli_option options[] = {
    {.name = "--z", .arg = "Z", .parse = set_z, .heading = "Against a baseline:",
     .help = "a mean may move by Z standard errors (default 4)"},
    {.name = "--abs-tol", .arg = "X", .parse = set_abs_tol,
     .help = "a move up to X nats always passes (default 0)"},
    {.name = "--time-factor", .arg = "F", .parse = set_time_factor,
     .help = "fail when the median time grew by more than F (>= 1;\ndefault off)"},
    {.name = "--strict", .offset = offsetof(check_args, opt.strict),
     .help = "cells in one file only fail the check"},
    {.name = "--unpaired", .offset = offsetof(check_args, opt.unpaired),
     .help = "never pair trials: compare every cell's means with the\ntwo-sample SE"},
    {.name = "--bmi-failures", .offset = offsetof(check_args, opt.bmi_failures),
     .help = "fail a cell with more failed runs by bmi's rule (estimate\n"
             "< 0 or < 0.1 of the cell's largest) than the baseline's\n"
             "(files written before the count read it as 0)"},
    {.name = "--max-abs-bias", .arg = "X", .parse = set_max_abs_bias,
     .heading = "Against the true MI (no baseline needed; cells without a true MI are not gated):",
     .help = "fail a cell whose |mean - true MI| exceeds X nats"},
    {.name = "--max-rmse", .arg = "X", .parse = set_max_rmse,
     .help = "fail a cell whose RMSE against the true MI exceeds X nats"},
    {.name = "--bits", .offset = offsetof(check_args, bits), .heading = "Output:",
     .help = "print the tables in bits and read X in bits (the files stay\nin nats)"},
    {0},
};

static int help(void)
{
    printf("usage: mibench check BASELINE.h5 CURRENT.h5 [--z Z] [--abs-tol X]\n"
           "                     [--time-factor F] [--strict] [--unpaired]\n"
           "                     [--bmi-failures] [--max-abs-bias X] [--max-rmse X]\n"
           "       mibench check CURRENT.h5 --max-abs-bias X | --max-rmse X\n"
           "Compares the per-cell summaries of two results files, matching cells by\n"
           "(generator, estimator, n, batch size). When both files hold the same trials\n"
           "of a cell (same replicates, same data seeds), it is compared trial by trial\n"
           "(paired): the mean per-trial difference against its own standard error,\n"
           "never taken below 1/100 of the two-sample SE; otherwise (unpaired) the\n"
           "difference of the means against sqrt(se_base^2 + se_current^2). A cell\n"
           "regresses when the difference exceeds max(X, Z SE) nats, when its failure\n"
           "count grew, with --time-factor F when its median time grew by more than F,\n"
           "or with --bmi-failures when its count of failed runs by bmi's rule grew.\n"
           "Cells in one file only are listed, and fail the check only with --strict;\n"
           "two files with no cell in common fail the check. The gates hold every cell\n"
           "of CURRENT.h5 against its true MI, allowing Z times the truth's standard\n"
           "error (true_mi_se, 0 but for Monte-Carlo truths) beyond X.\n");
    cli_print_options(stdout, options, 18);
    printf("Exit status: 0 no regression, 1 regression (or no cell in common), 2 usage or file error.\n"
           "A cell beyond a gate is a regression.\n");
    return CLI_EXIT_OK;
}

static int positional(void *ctx, const char *arg)
{
    check_args *a = ctx;
    if (arg[0] == '-' && arg[1])
        return cli_fail(CLI_EXIT_USAGE, "check", "unknown option '%s'; see 'mibench check --help'", arg);
    if (a->nfiles == 2)
        return cli_fail(CLI_EXIT_USAGE, "check", "give two files, BASELINE.h5 and CURRENT.h5 (extra '%s')", arg);
    a->files[a->nfiles++] = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "check", .options = options, .help = help, .other = positional,
};

static int gated(const mib_check_options *o)
{
    return !isnan(o->max_abs_bias) || !isnan(o->max_rmse);
}

static void format_mean(const mib_summary_row *r, char *buf, size_t len)
{
    if (!r)
        snprintf(buf, len, "-");
    else if (isfinite(r->std_error))
        snprintf(buf, len, "%.6g +- %.2g", r->mean / unit, r->std_error / unit);
    else
        snprintf(buf, len, "%.6g", r->mean / unit);
    if (r && r->failures) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, " (%lld failed)", (long long)r->failures);
    }
}

/* v (in nats when in_units) printed with fmt, "-" for NaN. */
static void format_num(double v, int in_units, const char *fmt, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, in_units ? v / unit : v);
}

/* Cell labels: over both files' cells together, so a label tells its
 * cell apart from every other in the table. */
static int cell_labels(const mib_check_report *rep, char (*cells)[2 * MIB_SPEC_LEN + 64], int *width)
{
    size_t n = rep->nrows;
    const char **gens = malloc((n + 1) * sizeof *gens), **ests = malloc((n + 1) * sizeof *ests);
    char(*gl)[MIB_SPEC_LEN] = malloc((n + 1) * sizeof *gl);
    char(*el)[MIB_SPEC_LEN] = malloc((n + 1) * sizeof *el);
    int st = -1;
    if (gens && ests && gl && el) {
        for (size_t i = 0; i < n; i++) {
            const mib_summary_row *r = rep->rows[i].base ? rep->rows[i].base : rep->rows[i].cur;
            gens[i] = r->generator;
            ests[i] = r->estimator;
        }
        mib_labels_short(gens, n, gl);
        mib_labels_short(ests, n, el);
        *width = 4;
        for (size_t i = 0; i < n; i++) {
            const mib_summary_row *r = rep->rows[i].base ? rep->rows[i].base : rep->rows[i].cur;
            int len = snprintf(cells[i], sizeof cells[i], "%s | %s | n=%lld", gl[i], el[i], (long long)r->n);
            if (r->batch_size > 0)
                len += snprintf(cells[i] + len, sizeof cells[i] - (size_t)len, " B=%lld",
                                (long long)r->batch_size);
            if (len > *width)
                *width = len;
        }
        st = 0;
    }
    free(gens);
    free(ests);
    free(gl);
    free(el);
    return st;
}

/* One row of the two-file table. The current mean is followed by exactly
 * its SE, the difference, the SEs and the verdict (scripts read the
 * fields from the end); gate columns come before the verdict. */
static void print_compare_row(FILE *f, const mib_check_row *row, const char *cell, int w, int gates)
{
    char b[64], c[64], d[32], z[32], v[64], bias[32], rmse[32];
    const char *test = !row->base || !row->cur ? "-" : row->paired ? "paired" : "unpaired";
    format_mean(row->base, b, sizeof b);
    format_mean(row->cur, c, sizeof c);
    format_num(row->diff, 1, "%+.3g", d, sizeof d);
    format_num(row->in_se, 0, "%+.2f", z, sizeof z);
    mib_check_verdict(row, v, sizeof v);
    fprintf(f, "%-*s  %-8s  %-30s  %-30s  %-11s  %-9s  ", w, cell, test, b, c, d, z);
    if (gates) {
        format_num(row->cur ? row->cur->bias : NAN, 1, "%+.3g", bias, sizeof bias);
        format_num(row->cur ? row->cur->rmse : NAN, 1, "%.3g", rmse, sizeof rmse);
        fprintf(f, "%-10s  %-9s  ", bias, rmse);
    }
    fprintf(f, "%s%s\n", v, row->regression ? "  REGRESSION" : "");
}

/* One row of the gates-only table. */
static void print_gate_row(FILE *f, const mib_check_row *row, const char *cell, int w)
{
    char t[32], c[64], bias[32], rmse[32], v[64];
    const mib_summary_row *s = row->cur;
    format_num(s->true_mi, 1, "%.6g", t, sizeof t);
    format_mean(s, c, sizeof c);
    format_num(s->bias, 1, "%+.3g", bias, sizeof bias);
    format_num(s->rmse, 1, "%.3g", rmse, sizeof rmse);
    mib_check_verdict(row, v, sizeof v);
    if (!isfinite(s->true_mi))
        snprintf(v, sizeof v, "no true MI");
    fprintf(f, "%-*s  %-10s  %-30s  %-10s  %-9s  %s%s\n", w, cell, t, c, bias, rmse, v,
            row->regression ? "  FAIL" : "");
}

static int print_table(const mib_check_report *rep, const mib_check_options *o, int with_base, FILE *f)
{
    char(*cells)[2 * MIB_SPEC_LEN + 64] = malloc((rep->nrows + 1) * sizeof *cells);
    int w = 4, st = cells ? cell_labels(rep, cells, &w) : -1;
    if (!st && with_base) {
        fprintf(f, "%-*s  %-8s  %-30s  %-30s  %-11s  %-9s  %s", w, "cell", "test", "baseline",
                "current", "difference", "in SEs", gated(o) ? "" : "verdict\n");
        if (gated(o))
            fprintf(f, "%-10s  %-9s  verdict\n", "bias", "rmse");
        for (size_t i = 0; i < rep->nrows; i++)
            print_compare_row(f, &rep->rows[i], cells[i], w, gated(o));
    } else if (!st) {
        fprintf(f, "%-*s  %-10s  %-30s  %-10s  %-9s  verdict\n", w, "cell", "true MI", "mean +- SE",
                "bias", "rmse");
        for (size_t i = 0; i < rep->nrows; i++)
            print_gate_row(f, &rep->rows[i], cells[i], w);
    }
    free(cells);
    return st;
}

/* " (HEAD reasons: shift 2, failures 1)" when any cell fails: how many of
 * the failing cells have each reason (a cell may have several). */
static void reasons(const mib_check_report *rep, const char *head, char *buf, size_t len)
{
    size_t used = 0;
    const char *sep = " ";
    buf[0] = '\0';
    if (!rep->nregressions)
        return;
    used += (size_t)snprintf(buf, len, " (%sreasons:", head);
    for (size_t i = 0; i < MIB_CHECK_NREASONS && used < len; i++)
        if (rep->nreason[i]) {
            used += (size_t)snprintf(buf + used, len - used, "%s%s %zu", sep, mib_check_reason(i),
                                     rep->nreason[i]);
            sep = ", ";
        }
    if (used < len)
        snprintf(buf + used, len - used, ")");
}

/* The settings in force: "z = 4, abs-tol = 0, strict, ...". */
static void settings(const mib_check_options *o, int with_base, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (with_base)
        used += (size_t)snprintf(buf, len, "z = %g, abs-tol = %g%s%s%s%s", o->z, o->abs_tol / unit,
                                 o->strict ? ", strict" : "", o->unpaired ? ", unpaired" : "",
                                 o->time_factor > 0 ? ", time checked" : "",
                                 o->bmi_failures ? ", bmi failures checked" : "");
    if (!isnan(o->max_abs_bias) && used < len)
        used += (size_t)snprintf(buf + used, len - used, "%smax-abs-bias = %g %s", used ? ", " : "",
                                 o->max_abs_bias / unit, unit_name);
    if (!isnan(o->max_rmse) && used < len)
        snprintf(buf + used, len - used, "%smax-rmse = %g %s", used ? ", " : "", o->max_rmse / unit,
                 unit_name);
}

/* The summary line: cells and, apart, the reasons the failing ones fail. */
static void print_summary(const mib_check_report *rep, const mib_check_options *o, int with_base)
{
    char why[256], set[160], gate[96] = "";
    reasons(rep, with_base ? "cells failing the check; " : "", why, sizeof why);
    settings(o, with_base, set, sizeof set);
    if (with_base && gated(o))
        snprintf(gate, sizeof gate, ", %zu gated against the true MI, %zu without one", rep->ngated,
                 rep->nno_truth);
    if (with_base)
        printf("%zu cells compared: %zu regression%s%s, %zu in both files (%zu paired, %zu unpaired), "
               "%zu only in the baseline, %zu only in the current file%s (%s)\n",
               rep->nrows, rep->nregressions, rep->nregressions == 1 ? "" : "s", why, rep->nboth,
               rep->npaired, rep->nboth - rep->npaired, rep->nmissing, rep->nnew, gate, set);
    else
        printf("%zu cells checked against the true MI: %zu fail%s%s, %zu pass, %zu without a true MI "
               "not checked (%s)\n",
               rep->ngated, rep->nregressions, rep->nregressions == 1 ? "s" : "", why,
               rep->ngated - rep->nregressions, rep->nno_truth, set);
}

/* Read the files and compare: 0, or the exit code after the error line. */
static int compare(const check_args *a, mib_results *base, mib_results *cur, mib_check_report *rep)
{
    mib_err err = {""};
    int two = a->nfiles == 2, rc = CLI_EXIT_OK;
    const char *curfile = a->files[a->nfiles - 1];
    if (two && mib_results_read(a->files[0], base, &err))
        rc = cli_fail(CLI_EXIT_USAGE, "check", "baseline %s: %s", a->files[0], err.msg);
    else if (mib_results_read(curfile, cur, &err))
        rc = cli_fail(CLI_EXIT_USAGE, "check", "current %s: %s", curfile, err.msg);
    else if (mib_check_compare(two ? base : NULL, cur, &a->opt, rep, &err))
        rc = cli_fail(CLI_EXIT_USAGE, "check", "%s", err.msg);
    else if (two && rep->nboth == 0) /* CI pointed at the wrong baseline must not pass */
        rc = cli_fail(CLI_EXIT_FAIL, "check", "no cell in common: %zu cells only in %s, %zu only "
                      "in %s; is it the right baseline?", rep->nmissing, a->files[0], rep->nnew, curfile);
    else if (!two && rep->ngated == 0)
        rc = cli_fail(CLI_EXIT_FAIL, "check", "no cell of %s has a true MI: nothing to gate", curfile);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    check_args a = {.nfiles = 0};
    mib_check_default_options(&a.opt);
    int rc = cli_parse(&parser, argc, argv, &a);
    if (rc != CLI_CONTINUE)
        return rc;
    if (a.bits) { /* X were given in bits; the comparison runs in nats */
        unit = M_LN2;
        unit_name = "bits";
        a.opt.abs_tol *= M_LN2;
        a.opt.max_abs_bias *= M_LN2;
        a.opt.max_rmse *= M_LN2;
    }
    if (a.nfiles == 0 || (a.nfiles == 1 && !gated(&a.opt)))
        return cli_fail(CLI_EXIT_USAGE, "check", "give two files, BASELINE.h5 and CURRENT.h5, or one with "
                        "--max-abs-bias or --max-rmse; see 'mibench check --help'");

    mib_results base = {0}, cur = {0};
    mib_check_report rep = {0};
    int two = a.nfiles == 2;
    if ((rc = compare(&a, &base, &cur, &rep)))
        goto done;
    if (print_table(&rep, &a.opt, two, stdout)) {
        rc = cli_fail(CLI_EXIT_FAIL, "check", "out of memory printing %zu cells", rep.nrows);
        goto done;
    }
    print_summary(&rep, &a.opt, two);
    fflush(stdout);
    if (rep.nregressions) {
        size_t first = 0;
        while (!rep.rows[first].regression)
            first++;
        const mib_check_row *r = &rep.rows[first];
        const mib_summary_row *s = r->base ? r->base : r->cur;
        char v[64];
        mib_check_verdict(r, v, sizeof v);
        rc = cli_fail(CLI_EXIT_FAIL, "check", "%zu %s, first: %s %s n=%lld batch=%lld (%s)",
                      rep.nregressions,
                      two ? (rep.nregressions == 1 ? "regression" : "regressions")
                          : (rep.nregressions == 1 ? "cell fails the gates" : "cells fail the gates"),
                      s->generator, s->estimator, (long long)s->n, (long long)s->batch_size, v);
    }
done:
    mib_check_report_free(&rep);
    mib_results_free(&base);
    mib_results_free(&cur);
    return rc;
}
