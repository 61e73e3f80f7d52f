/* summary.c - one cell's summary statistics from its trials: mean, bias,
 * unbiased variance, standard error, MSE, RMSE, mean and median seconds,
 * over the successful trials taken in replicate order (so the sums round
 * the same way whatever order the trials finished in), and the trials bmi
 * counts as failed runs (Czyz et al. 2023, see bmi_failures below).
 * Cost: O(trials + k log k) for k successful trials of the cell. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bench/harness/summary.h"

mib_trial_stat mib_trial_stat_of(const mib_trial_row *t)
{
    return (mib_trial_stat){.replicate = t->replicate, .status = t->status, .seed = t->seed,
                            .estimate = t->estimate, .seconds = t->seconds};
}

static int by_replicate(const void *a, const void *b)
{
    int32_t x = (*(const mib_trial_stat *const *)a)->replicate;
    int32_t y = (*(const mib_trial_stat *const *)b)->replicate;
    return (x > y) - (x < y);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* bmi's failed runs among the k successful trials ok of a cell. bmi
 * (cbg-ethz/bmi, workflows/_common_figure_utils.py,
 * preprocess_benchmark_results, behind the Beyond Normal figures) groups
 * its runs by (estimator, task, N), one mibench cell, and marks a run
 * failed when `mi_estimate < 0 or mi_estimate < 0.1 * max(mi_estimate)`
 * over the group's seeds; it does so for its neural estimators and drops
 * those runs from its heatmap and "samples needed" means. Its v2 tables
 * (workflows/benchmark/_utils.py, add_col_converged) apply the same 0.1
 * rule to every estimator. Here: every estimator, the successful trials
 * only (errors are `failures`), nothing dropped from the statistics, and
 * no count where the true MI is 0: there half of a sound estimator's
 * estimates are negative (bmi has no such task). */
static int64_t bmi_failures(const mib_trial_stat *const *ok, size_t k, double true_mi)
{
    double best = -INFINITY;
    int64_t failed = 0;
    if (true_mi == 0)
        return 0;
    for (size_t i = 0; i < k; i++)
        best = fmax(best, ok[i]->estimate);
    for (size_t i = 0; i < k; i++)
        failed += ok[i]->estimate < 0 || ok[i]->estimate < 0.1 * best;
    return failed;
}

int mib_summary_compute(const mib_cell_row *cell, const mib_trial_stat *trials,
                        size_t ntrials, mib_summary_row *out)
{
    const mib_trial_stat **ok = malloc((ntrials ? ntrials : 1) * sizeof *ok);
    double *secs = malloc((ntrials ? ntrials : 1) * sizeof *secs);
    size_t k = 0;
    memset(out, 0, sizeof *out);
    MIB_ROW_KEY_FROM_CELL(out, cell);
    out->mean = out->bias = out->variance = out->std_error = out->mse = out->rmse = NAN;
    out->mean_seconds = out->median_seconds = NAN;
    if (!ok || !secs) {
        free(ok);
        free(secs);
        return MIB_ENOMEM;
    }
    for (size_t i = 0; i < ntrials; i++) {
        if (trials[i].replicate < 0)
            continue;
        if (trials[i].status == MIB_OK)
            ok[k++] = &trials[i];
        else
            out->failures++;
    }
    out->count = (int64_t)k;
    if (k > 0) {
        /* fixed order, so sums round the same way whatever the finishing order */
        qsort(ok, k, sizeof *ok, by_replicate);
        double sum = 0, sq = 0, err2 = 0, tsum = 0;
        for (size_t i = 0; i < k; i++) {
            sum += ok[i]->estimate;
            tsum += ok[i]->seconds;
            secs[i] = ok[i]->seconds;
        }
        out->mean = sum / (double)k;
        for (size_t i = 0; i < k; i++) {
            double d = ok[i]->estimate - out->mean, e = ok[i]->estimate - cell->true_mi;
            sq += d * d;
            err2 += e * e;
        }
        out->bias = out->mean - cell->true_mi;
        if (k > 1) {
            out->variance = sq / (double)(k - 1);
            out->std_error = sqrt(out->variance / (double)k);
        }
        out->mse = err2 / (double)k;
        out->rmse = sqrt(out->mse);
        out->mean_seconds = tsum / (double)k;
        qsort(secs, k, sizeof *secs, by_value);
        out->median_seconds = k % 2 ? secs[k / 2] : 0.5 * (secs[k / 2 - 1] + secs[k / 2]);
        out->bmi_failures = bmi_failures(ok, k, cell->true_mi);
    }
    free(ok);
    free(secs);
    return MIB_OK;
}

