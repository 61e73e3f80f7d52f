/* summary.h - per-cell summary statistics of a results file (the harness
 * computes them; the store only writes the rows). */
#ifndef MIB_HARNESS_SUMMARY_H
#define MIB_HARNESS_SUMMARY_H
#include <stddef.h>
#include "mibench/results.h"

/* Summary of one cell from its trials (any order: they are taken sorted by
 * replicate, so the result is the same whatever the finishing order).
 * Statistics over the successful trials: mean, bias = mean - true_mi,
 * unbiased variance, std_error = sqrt(variance / count), mse = mean of
 * (estimate - true_mi)^2, rmse = sqrt(mse), mean and median seconds; NaN
 * where undefined (no success; variance of one). Trials of other cells are
 * ignored. MIB_ENOMEM or MIB_OK. */
int mib_summary_compute(const mib_cell_row *cell, const mib_trial_row *trials,
                        size_t ntrials, mib_summary_row *out);

#endif
