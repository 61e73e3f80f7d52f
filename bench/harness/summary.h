/* summary.h - per-cell summary statistics of a results file (the harness
 * computes them; the store only writes the rows). */
#ifndef MIB_HARNESS_SUMMARY_H
#define MIB_HARNESS_SUMMARY_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "mibench/results.h"

/* The cell's key (cell, generator, estimator, n, batch_size, true_mi and
 * true_mi_se, and the two type names) into
 * a trial or summary row, which share those fields with mib_cell_row. */
#define MIB_ROW_KEY_FROM_CELL(row, c)                                              \
    do {                                                                          \
        (row)->cell = (c)->cell;                                                  \
        memcpy((row)->generator, (c)->generator, sizeof (row)->generator);        \
        memcpy((row)->estimator, (c)->estimator, sizeof (row)->estimator);        \
        (row)->n = (c)->n;                                                        \
        (row)->batch_size = (c)->batch_size;                                      \
        (row)->true_mi = (c)->true_mi;                                            \
        (row)->true_mi_se = (c)->true_mi_se;                                      \
        memcpy((row)->generator_name, (c)->generator_name, sizeof (row)->generator_name); \
        memcpy((row)->estimator_name, (c)->estimator_name, sizeof (row)->estimator_name); \
    } while (0)

/* What a cell's summary needs of one finished trial: 32 bytes instead of a
 * whole mib_trial_row, so a sweep keeps one per replicate slot of a
 * million cells in a few hundred MB. */
typedef struct mib_trial_stat {
    int32_t replicate; /* -1: an empty slot */
    int32_t status;
    uint64_t seed;
    double estimate, seconds;
} mib_trial_stat;

/* The stat of a trial row. */
mib_trial_stat mib_trial_stat_of(const mib_trial_row *t);

/* Summary of one cell from its trials' stats (any order: they are taken
 * sorted by replicate, so the result is the same whatever the finishing
 * order; empty slots are skipped).
 * Statistics over the successful trials: mean, bias = mean - true_mi,
 * unbiased variance, std_error = sqrt(variance / count), mse = mean of
 * (estimate - true_mi)^2, rmse = sqrt(mse), mean and median seconds; NaN
 * where undefined (no success; variance of one). failures counts the
 * others; bmi_failures those of the successful ones whose estimate is
 * negative or below 0.1 of the cell's largest (bmi's rule; 0 when the true
 * MI is 0). MIB_ENOMEM or MIB_OK. */
int mib_summary_compute(const mib_cell_row *cell, const mib_trial_stat *trials,
                        size_t ntrials, mib_summary_row *out);

#endif
