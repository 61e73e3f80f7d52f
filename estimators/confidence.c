/* confidence.c - a confidence interval for one estimate (significance.h),
 * after Holmes & Nemenman 2019 ("Estimation of mutual information for
 * real-valued data with error bars and controlled bias", Phys. Rev. E 100,
 * 022404) and their published code (findMI_KSG_stddev.m): for each m = 2 ..
 * M (M = MIB_CI_SUBSETS = 10) the N rows, in a random order drawn afresh for
 * that m, are cut into m disjoint subsets of N/m rows (sizes differ by at
 * most one) and the estimator runs on each. If its variance on n rows is
 * sd^2 N / n, the sample variance s_m^2 (divisor m - 1) of the m estimates
 * on N/m rows estimates m sd^2 with m - 1 degrees of freedom, and pooled
 *     sd^2 = sum_m (m - 1) s_m^2 / m / sum_m (m - 1)      (45 degrees at M = 10);
 * the interval is estimate +- z sd, z = Phi^-1((1 + level) / 2) (GSL). It is
 * centred on the raw estimate, so it is for the estimator's mean at N; the
 * bias check `trend` is the least-squares slope of the mean estimate on N/m
 * rows against m = 1 .. M (m = 1: the estimate on all rows; each mean has
 * variance about sd^2, hence equal weights): a bias c / n gives means
 * I + c m / N, so the slope is the bias at N. Cost: 1 + 54 estimates on 10 N
 * rows in all; memory 9 N row indices, and half the rows per thread. Task t
 * (split m, subset j) writes its own slot and the sums run in (m, j) order,
 * so the bits do not depend on the thread count. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "mibench/rng.h"
#include "mibench/significance.h"

enum {
    M = MIB_CI_SUBSETS,
    TASKS = M * (M + 1) / 2 - 1 /* 2 + 3 + ... + M */
};

/* Task number of subset j of the m-way split: splits 2, 3, ... in turn. */
static size_t task_of(size_t m, size_t j)
{
    return m * (m - 1) / 2 - 1 + j;
}

/* What the subset estimates share, read-only. */
typedef struct ci_job {
    const mib_data *d;
    const mib_spec *spec;
    const size_t *order; /* (M - 1) x N: the row order of split m at (m - 2) N */
    const mib_workspace *ws; /* the caller's: its seed and stop request */
} ci_job;

/* Subset j of the m-way split, gathered into x, y, z (room for N/2 rows,
 * rounded up), estimated with one thread into *mi. */
static int subset_estimate(const ci_job *job, size_t m, size_t j, double *x, double *y,
                           double *z, double *mi, mib_err *err)
{
    const mib_data *d = job->d;
    const size_t lo = j * d->n / m, hi = (j + 1) * d->n / m;
    const size_t *rows = job->order + (m - 2) * d->n;
    for (size_t i = lo; i < hi; i++) {
        const size_t r = rows[i], k = i - lo;
        memcpy(x + k * d->dx, d->x + r * d->dx, d->dx * sizeof *x);
        memcpy(y + k * d->dy, d->y + r * d->dy, d->dy * sizeof *y);
        if (d->dz)
            memcpy(z + k * d->dz, d->z + r * d->dz, d->dz * sizeof *z);
    }
    const mib_data sub = {.n = hi - lo, .dx = d->dx, .dy = d->dy, .x = x, .y = y,
                          .dz = d->dz, .z = d->dz ? z : NULL};
    const mib_workspace ws = {.threads = 1, .seed = job->ws->seed, .stop = job->ws->stop};
    mib_result res;
    int st = job->ws->stop && *job->ws->stop
                 ? mib_fail(err, MIB_EINTR, "stopped")
                 : mib_estimate(&sub, job->spec, &ws, &res, err);
    if (st) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return mib_fail(err, st, "confidence interval: subset %zu of %zu (%zu rows; N = %zu "
                        "split %zu ways): %s", j + 1, m, hi - lo, d->n, m, msg);
    }
    *mi = res.mi;
    return MIB_OK;
}

/* est[t] for every task, in parallel; every task runs, and the status and
 * message are those of the lowest task that failed (whatever the threads). */
static int run_subsets(const ci_job *job, int threads, double *est, mib_err *err)
{
    const mib_data *d = job->d;
    const size_t rows = (d->n + 1) / 2;
    int status[TASKS];
    mib_err msg[TASKS];
#pragma omp parallel num_threads(threads)
    {
        double *x = malloc(rows * d->dx * sizeof *x), *y = malloc(rows * d->dy * sizeof *y);
        double *z = d->dz ? malloc(rows * d->dz * sizeof *z) : NULL;
        const int ok = x && y && (z || !d->dz);
#pragma omp for schedule(dynamic)
        for (size_t t = 0; t < TASKS; t++) {
            size_t m = 2;
            while (task_of(m + 1, 0) <= t)
                m++;
            msg[t].msg[0] = '\0';
            status[t] = ok ? subset_estimate(job, m, t - task_of(m, 0), x, y, z, &est[t],
                                             &msg[t])
                           : mib_fail(&msg[t], MIB_ENOMEM, "confidence interval: out of "
                                      "memory for %zu rows", rows);
        }
        free(x);
        free(y);
        free(z);
    }
    int st = MIB_OK;
    for (size_t t = 0; t < TASKS && !st; t++)
        if ((st = status[t]) && err)
            *err = msg[t];
    return st;
}

/* sd and trend from the estimate on all rows and the subset estimates. */
static void combine(double full, const double *est, double *sd, double *trend)
{
    double var = 0, dof = 0, mean[M + 1], grand = 0;
    mean[1] = full;
    for (size_t m = 2; m <= M; m++) {
        const double *e = est + task_of(m, 0);
        double sum = 0, ss = 0;
        for (size_t j = 0; j < m; j++)
            sum += e[j];
        mean[m] = sum / (double)m;
        for (size_t j = 0; j < m; j++)
            ss += (e[j] - mean[m]) * (e[j] - mean[m]);
        var += ss / (double)m; /* (m - 1) s_m^2 / m */
        dof += (double)(m - 1);
    }
    *sd = sqrt(var / dof);
    for (size_t m = 1; m <= M; m++)
        grand += mean[m] / M;
    double sxy = 0, sxx = 0;
    for (size_t m = 1; m <= M; m++) {
        const double dm = (double)m - (M + 1) / 2.0;
        sxy += dm * (mean[m] - grand);
        sxx += dm * dm;
    }
    *trend = sxy / sxx;
}

int mib_confidence_interval(const mib_data *d, const mib_spec *spec, double level,
                            uint64_t seed, const mib_workspace *ws, mib_ci_result *out,
                            mib_err *err)
{
    if (!out)
        return mib_fail(err, MIB_EINVAL, "mib_confidence_interval: NULL result");
    *out = (mib_ci_result){.observed = {.mi = NAN}, .level = level, .lower = NAN,
                           .upper = NAN, .sd = NAN, .trend = NAN, .subsets = M,
                           .estimates = TASKS};
    if (!d || !spec || !ws)
        return mib_fail(err, MIB_EINVAL, "mib_confidence_interval: NULL %s",
                        !d ? "data" : !spec ? "spec" : "workspace");
    if (ws->sampler)
        return mib_fail(err, MIB_EINVAL, "confidence interval: the workspace has a sampler; "
                        "the interval splits the data it is given");
    if (!(level > 0 && level < 1))
        return mib_fail(err, MIB_EINVAL, "confidence interval: the level must be in (0, 1), "
                        "such as 0.95; got %g", level);
    mib_result observed;
    int st = mib_estimate(d, spec, ws, &observed, err); /* checks spec and data once */
    if (st)
        return st;
    if (d->n < 2 * M)
        return mib_fail(err, MIB_ESMALL, "confidence interval: need at least %d rows to split "
                        "into %d subsets of 2 or more, got %zu", 2 * M, M, d->n);
    if (d->n > SIZE_MAX / ((M - 1) * sizeof(size_t)))
        return mib_fail(err, MIB_ERESOURCE, "confidence interval: %zu rows do not fit in "
                        "memory", d->n);
    size_t *order = malloc((M - 1) * d->n * sizeof *order);
    double est[TASKS];
    st = order ? MIB_OK : mib_fail(err, MIB_ENOMEM, "confidence interval: out of memory for "
                                   "%zu rows", d->n);
    for (size_t m = 2; m <= M && !st; m++) {
        size_t *rows = order + (m - 2) * d->n;
        gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(seed, (uint64_t)m));
        if (!r) {
            st = mib_fail(err, MIB_ENOMEM, "confidence interval: out of memory");
            break;
        }
        for (size_t i = 0; i < d->n; i++)
            rows[i] = i;
        gsl_ran_shuffle(r, rows, d->n, sizeof *rows);
        gsl_rng_free(r);
    }
    if (!st) {
        const ci_job job = {.d = d, .spec = spec, .order = order, .ws = ws};
        st = run_subsets(&job, ws->threads, est, err);
    }
    if (!st) {
        double sd, trend, z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
        combine(observed.mi, est, &sd, &trend);
        *out = (mib_ci_result){.observed = observed, .level = level,
                               .lower = observed.mi - z * sd, .upper = observed.mi + z * sd,
                               .sd = sd, .trend = trend, .subsets = M, .smallest = d->n / M,
                               .estimates = TASKS};
    }
    free(order);
    return st;
}
