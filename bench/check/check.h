/* check.h - regression check of one results file against a baseline:
 * cells matched by (generator, estimator, n, batch_size) in /summary,
 * compared trial by trial when both files hold the same trials, and
 * absolute gates of the current file against the true MI. */
#ifndef MIB_CHECK_H
#define MIB_CHECK_H

#include <stddef.h>
#include "mibench/results.h"

typedef struct mib_check_options {
    double z;            /* SEs a mean may move (4) */
    double abs_tol;      /* a move up to this many nats always passes (0) */
    double time_factor;  /* > 0: median seconds may grow by this factor; 0 = not checked */
    int strict;          /* cells present in one file only are regressions */
    int unpaired;        /* 1: never pair trials, always the two-sample SE (0) */
    double max_abs_bias; /* NaN = off; else a current cell whose |bias| (nats) exceeds it
                            (plus z times the cell's true_mi_se) fails */
    double max_rmse;     /* NaN = off; else a current cell whose RMSE (nats) exceeds it
                            (plus z times the cell's true_mi_se) fails */
    int bmi_failures;    /* 1: a cell with more failed runs by bmi's rule (bmi_failures)
                            than in the baseline fails (0: not compared, since files
                            written before that field read it as 0) */
} mib_check_options;

/* z = 4, abs_tol = 0, time_factor = 0 (off), strict = 0, unpaired = 0,
 * max_abs_bias = max_rmse = NaN (off), bmi_failures = 0 (off). */
void mib_check_default_options(mib_check_options *o);

/* A paired comparison never uses an SE below this fraction of the
 * two-sample SE: a rerun on the same data has paired SE 0 (or the size of
 * floating-point noise), and a shift of 1/100 of the sampling error is
 * below anything a sample could show. */
#define MIB_CHECK_PAIRED_FLOOR 0.01

/* Verdict bits of one cell (bit i is reason i, see mib_check_reason). */
#define MIB_CHECK_SHIFT    0x01u /* |mean diff| > max(abs_tol, z * se) */
#define MIB_CHECK_FAILURES 0x02u /* more failed trials than in the baseline */
#define MIB_CHECK_SLOWER   0x04u /* median seconds > time_factor * baseline's */
#define MIB_CHECK_MISSING  0x08u /* in the baseline only */
#define MIB_CHECK_NEW      0x10u /* in the current file only */
#define MIB_CHECK_BIAS     0x20u /* |bias| > max_abs_bias + z true_mi_se, or no estimate */
#define MIB_CHECK_RMSE     0x40u /* rmse > max_rmse + z true_mi_se, or no estimate */
#define MIB_CHECK_BMI      0x80u /* bmi_failures on: more bmi failures than the baseline */
#define MIB_CHECK_NREASONS 8

typedef struct mib_check_row {
    const mib_summary_row *base; /* NULL for MIB_CHECK_NEW and without a baseline */
    const mib_summary_row *cur;  /* NULL for MIB_CHECK_MISSING */
    int paired;        /* 1: compared trial by trial (same replicates, same seeds) */
    size_t npairs;     /* paired: trials that succeeded in both files */
    double diff;       /* paired: mean of cur - base per trial; else cur mean - base mean
                          (NaN if either is missing) */
    double combined_se;/* two-sample SE sqrt(se_b^2 + se_c^2), a missing SE counted as 0 */
    double paired_se;  /* SE of the mean per-trial difference (NaN unpaired, 0 for one pair) */
    double se;         /* the SE of the test: combined_se, or paired
                          max(paired_se, MIB_CHECK_PAIRED_FLOOR * combined_se) */
    double in_se;      /* diff / se (+-inf when se is 0, 0 when diff is 0) */
    double tolerance;  /* max(abs_tol, z * se) */
    unsigned flags;    /* MIB_CHECK_* */
    int regression;    /* flags that fail the check under the options */
} mib_check_row;

typedef struct mib_check_report {
    mib_check_row *rows; /* baseline order, then cells new in current */
    size_t nrows;
    size_t nregressions;   /* rows that fail the check */
    size_t nboth, npaired; /* cells in both files; of them, compared trial by trial */
    size_t nmissing, nnew; /* cells in one file only */
    size_t ngated;         /* with a gate: current cells held against their true MI */
    size_t nno_truth;      /* with a gate: current cells without a true MI (not gated) */
    size_t nreason[MIB_CHECK_NREASONS]; /* failing rows with reason i (a row may have several) */
} mib_check_report;

/* Compare cur against base (base NULL: only the gates, which then must be
 * on). Cells of both files are paired when their /trials rows list the
 * same replicates with the same seeds and opt->unpaired is 0; the gates
 * apply to every cell of cur. The rows point into base and cur, which
 * must outlive the report. MIB_EINVAL for bad options (z < 0, abs_tol < 0,
 * time_factor < 0 or in (0, 1), a gate < 0, no baseline and no gate),
 * MIB_EFORMAT when a file repeats a cell, MIB_ENOMEM. On failure *out is
 * zeroed. Cost O((B + C + T) log(C + T)) for B and C cells, T trials. */
int mib_check_compare(const mib_results *base, const mib_results *cur,
                      const mib_check_options *opt, mib_check_report *out, mib_err *err);

/* Free a report's rows; accepts NULL and zeroed reports. */
void mib_check_report_free(mib_check_report *rep);

/* The word of reason i (0 <= i < MIB_CHECK_NREASONS, bit 1 << i): "shift",
 * "failures", "slower", "missing", "new", "bias", "rmse", "bmi-failures";
 * NULL outside. */
const char *mib_check_reason(size_t i);

/* Short words for a row's verdict ("ok", "shift", "shift+failures", ...). */
void mib_check_verdict(const mib_check_row *row, char *buf, size_t len);

#endif
