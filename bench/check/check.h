/* check.h - regression check of one results file against a baseline:
 * cells matched by (generator, estimator, n, batch_size) in /summary. */
#ifndef MIB_CHECK_H
#define MIB_CHECK_H

#include <stddef.h>
#include "mibench/results.h"

typedef struct mib_check_options {
    double z;           /* SEs of the combined error a mean may move (4) */
    double abs_tol;     /* a move up to this many nats always passes (0) */
    double time_factor; /* > 0: median seconds may grow by this factor; 0 = not checked */
    int strict;         /* cells present in one file only are regressions */
} mib_check_options;

/* z = 4, abs_tol = 0, time_factor = 0 (off), strict = 0. */
void mib_check_default_options(mib_check_options *o);

/* Verdict bits of one cell. */
#define MIB_CHECK_SHIFT    0x01u /* |mean diff| > max(abs_tol, z * combined SE) */
#define MIB_CHECK_FAILURES 0x02u /* more failed trials than in the baseline */
#define MIB_CHECK_SLOWER   0x04u /* median seconds > time_factor * baseline's */
#define MIB_CHECK_MISSING  0x08u /* in the baseline only */
#define MIB_CHECK_NEW      0x10u /* in the current file only */

typedef struct mib_check_row {
    const mib_summary_row *base; /* NULL for MIB_CHECK_NEW */
    const mib_summary_row *cur;  /* NULL for MIB_CHECK_MISSING */
    double diff;       /* cur mean - base mean (NaN if either is missing) */
    double combined_se;/* sqrt(se_b^2 + se_c^2), a missing SE counted as 0 */
    double in_se;      /* diff / combined_se (+-inf when that is 0, 0 when diff is 0) */
    double tolerance;  /* max(abs_tol, z * combined_se) */
    unsigned flags;    /* MIB_CHECK_* */
    int regression;    /* flags that fail the check under the options */
} mib_check_row;

typedef struct mib_check_report {
    mib_check_row *rows; /* baseline order, then cells new in current */
    size_t nrows;
    size_t nregressions;
    size_t nmissing, nnew; /* cells in one file only */
} mib_check_report;

/* Compare cur against base. The rows point into base and cur, which must
 * outlive the report. MIB_EINVAL for bad options (z < 0, abs_tol < 0,
 * time_factor < 0 or in (0, 1)), MIB_EFORMAT when a file repeats a cell,
 * MIB_ENOMEM. On failure *out is zeroed. */
int mib_check_compare(const mib_results *base, const mib_results *cur,
                      const mib_check_options *opt, mib_check_report *out, mib_err *err);

/* Free a report's rows; accepts NULL and zeroed reports. */
void mib_check_report_free(mib_check_report *rep);

/* Short words for a row's verdict ("ok", "shift", "shift+failures", ...). */
void mib_check_verdict(const mib_check_row *row, char *buf, size_t len);

#endif
