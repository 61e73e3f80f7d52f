/* bench_ci_coverage.c - how often mib_confidence_interval's intervals
 * (Holmes & Nemenman 2019 subsets, estimators/confidence.c) cover the true
 * MI and the estimator's mean at N, on the registry's Gaussian tasks
 * (gaussian:rho = 0, 0.5, 0.9 in 1-D, rho = 0.5 in 5-D) at N = 100, 1000,
 * 10000, for ksg1, ksg2, gaussian and kde (kde up to N = 1000, 1-D). Each
 * cell runs R replicates (default 200) on fresh data, the replicate's
 * stream fixed by (generator, N, replicate) so every estimator sees the
 * same data sets, and the interval of replicate r seeded with r. The
 * estimator's mean at N is the replicates' mean. Prints per cell: truth,
 * bias, the replicates' sd of the estimate, the mean interval sd over it,
 * the mean bias trend, coverage of the truth and of the mean at levels 0.9
 * and 0.95, each with its binomial standard error sqrt(c (1 - c) / R), the
 * mean width at 0.95 and the seconds per interval (one thread). The 0.9
 * interval is the 0.95 one's estimate -+ z_0.9 sd (the same sd; the library
 * computes it so). Replicates run in parallel over --threads. Built by
 * meson, never run by the tests; the default run takes about two minutes
 * on two idle cores, --quick (30 replicates, rho = 0.5, ksg1 and gaussian,
 * N = 100 and 1000) a few seconds.
 *   usage: bench_ci_coverage [--quick] [--reps R] [--threads T] */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include "mibench/mibench.h"

static const char *const gens[] = {"gaussian:rho=0", "gaussian:rho=0.5", "gaussian:rho=0.9",
                                   "gaussian:dim=5,rho=0.5"};
static const size_t ns[] = {100, 1000, 10000};
static const char *const ests[] = {"ksg1", "ksg2", "gaussian", "kde"};

/* The cells the default run leaves out, for time: kde beyond N = 1000 or
 * in 5-D, and the 5-D task at N = 10000. */
static int skipped(const char *gen, size_t n, const char *est)
{
    int five = strstr(gen, "dim=5") != NULL, kde = strcmp(est, "kde") == 0;
    return (kde && (n > 1000 || five)) || (five && n > 1000);
}

/* One replicate's outcome. */
typedef struct rep {
    int st;
    double mi, sd, trend, seconds;
} rep;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Replicate r of the cell: its data from the stream of (gen, n, r), then
 * the interval with seed r on one thread. */
static void run_rep(const mib_generator *g, const char *gen, const mib_spec *est, size_t n,
                    size_t r, double *x, double *y, rep *out, mib_err *err)
{
    uint64_t stream = mib_rng_seed_combine(
        mib_rng_seed_combine(mib_rng_seed_string(gen), (uint64_t)n), (uint64_t)r);
    gsl_rng *rng = mib_rng_alloc(stream);
    mib_ci_result c = {.observed = {.mi = NAN}, .sd = NAN, .trend = NAN};
    out->st = rng ? mib_generator_sample(g, rng, n, x, y) : MIB_ENOMEM;
    gsl_rng_free(rng);
    const mib_data d = {.n = n, .dx = g->dx, .dy = g->dy, .x = x, .y = y};
    mib_workspace ws;
    mib_workspace_init(&ws);
    double t0 = now();
    if (!out->st)
        out->st = mib_confidence_interval(&d, est, 0.95, (uint64_t)r, &ws, &c, err);
    *out = (rep){.st = out->st, .mi = c.observed.mi, .sd = c.sd, .trend = c.trend,
                 .seconds = now() - t0};
}

/* "0.885(0.023)": a coverage and its binomial standard error. */
static void coverage(double c, size_t reps, char *buf, size_t len)
{
    snprintf(buf, len, "%.3f(%.3f)", c, sqrt(c * (1 - c) / (double)reps));
}

/* Every replicate of one cell, then its row; 1 when it failed. */
static int run_cell(const char *gen, size_t n, const char *est_text, size_t reps, int threads)
{
    mib_spec gs, es;
    mib_generator *g = NULL;
    mib_err err = {""};
    double truth;
    int st = mib_generator_spec_parse(gen, &gs, &err);
    if (!st)
        st = mib_generator_alloc(&gs, &g, &err);
    if (!st)
        st = mib_generator_truth(g, &truth, &err);
    if (!st)
        st = mib_estimator_spec_parse(est_text, &es, &err);
    rep *r = st ? NULL : calloc(reps, sizeof *r);
    if (!st && !r)
        st = mib_fail(&err, MIB_ENOMEM, "out of memory");
    size_t failed = reps;
    if (!st) {
        failed = 0;
#pragma omp parallel num_threads(threads) reduction(+ : failed)
        {
            double *x = malloc(n * g->dx * sizeof *x), *y = malloc(n * g->dy * sizeof *y);
            mib_err mine = {""};
#pragma omp for schedule(dynamic)
            for (size_t k = 0; k < reps; k++) {
                if (x && y)
                    run_rep(g, gen, &es, n, k, x, y, &r[k], &mine);
                else
                    r[k].st = MIB_ENOMEM;
                failed += r[k].st != MIB_OK;
            }
#pragma omp critical(bench_ci_err)
            if (mine.msg[0])
                err = mine;
            free(x);
            free(y);
        }
    }
    if (failed) {
        printf("%-24s %6zu %-9s refused: %s\n", gen, n, est_text, err.msg);
    } else {
        double mean = 0, ss = 0, sd = 0, trend = 0, secs = 0, width = 0;
        double in[2][2] = {{0}}; /* [level][truth, mean] */
        const double z[2] = {gsl_cdf_ugaussian_Pinv(0.95), gsl_cdf_ugaussian_Pinv(0.975)};
        for (size_t k = 0; k < reps; k++)
            mean += r[k].mi / (double)reps;
        for (size_t k = 0; k < reps; k++) {
            ss += (r[k].mi - mean) * (r[k].mi - mean);
            sd += r[k].sd / (double)reps;
            trend += r[k].trend / (double)reps;
            secs += r[k].seconds / (double)reps;
            width += 2 * z[1] * r[k].sd / (double)reps;
            for (int l = 0; l < 2; l++) {
                in[l][0] += fabs(r[k].mi - truth) <= z[l] * r[k].sd;
                in[l][1] += fabs(r[k].mi - mean) <= z[l] * r[k].sd;
            }
        }
        double emp = sqrt(ss / (double)(reps - 1));
        char cov[4][32];
        for (int i = 0; i < 4; i++)
            coverage(in[i / 2][i % 2] / (double)reps, reps, cov[i], sizeof cov[i]);
        printf("%-24s %6zu %-9s %7.4f %8.4f %7.4f %6.3f %8.4f %12s %12s %12s %12s %7.4f %8.4f\n",
               gen, n, est_text, truth, mean - truth, emp, sd / emp, trend, cov[0], cov[1],
               cov[2], cov[3], width, secs);
    }
    fflush(stdout);
    free(r);
    mib_generator_free(g);
    return failed != 0;
}

int main(int argc, char **argv)
{
    size_t reps = 200;
    int quick = 0, threads = omp_get_max_threads();
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 2)
            reps = (size_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1)
            threads = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_ci_coverage [--quick] [--reps R >= 2] "
                            "[--threads T >= 1]\n");
            return 2;
        }
    }
    if (quick && reps == 200)
        reps = 30;
    printf("# mib_confidence_interval coverage, %zu replicates per cell, %d threads; "
           "coverage(binomial se)\n", reps, threads);
    printf("%-24s %6s %-9s %7s %8s %7s %6s %8s %12s %12s %12s %12s %7s %8s\n", "generator", "N",
           "estimator", "truth", "bias", "sd_emp", "sd/emp", "trend", "cov90_truth",
           "cov90_mean", "cov95_truth", "cov95_mean", "width95", "s/interval");
    double t0 = now();
    int failed = 0;
    for (size_t gi = 0; gi < sizeof gens / sizeof gens[0]; gi++)
        for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
            for (size_t ei = 0; ei < sizeof ests / sizeof ests[0]; ei++) {
                const char *gen = gens[gi], *est = ests[ei];
                if (skipped(gen, ns[ni], est) ||
                    (quick && (gi != 1 || ns[ni] > 1000 || ei == 1 || ei == 3)))
                    continue;
                failed += run_cell(gen, ns[ni], est, reps, threads);
            }
    printf("# %.1f s in all; %d cell(s) refused\n", now() - t0, failed);
    return 0;
}
