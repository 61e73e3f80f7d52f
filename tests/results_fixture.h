/* results_fixture.h - a small hand-made study as an in-memory mib_results
 * for the plot and check tests (no HDF5 involved): 3 generators (two
 * Gaussians of one family with closed-form truths, one square law),
 * 3 estimators (one batch-based, B = 64), n = 100, 1000, 10000. Summary
 * numbers follow simple laws (bias c / sqrt(n), SE 0.5 / sqrt(n), time
 * ~ n log n); with curves, each batched cell has a 400-step curve;
 * fixture_add_trials adds FIXTURE_REPLICATES trials per cell whose mean
 * and standard error are the summary's. */
#ifndef RESULTS_FIXTURE_H
#define RESULTS_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/results.h"

static const char *const fixture_gens[] = {"gaussian:dim=1,rho=0.5", "gaussian:dim=1,rho=0.9",
                                           "square:dist=normal,sigma=0.5"};
static const char *const fixture_ests[] = {"ksg1:k=3,jitter=1e-10", "ksg2:k=3,jitter=1e-10",
                                           "infonce:critic=separable,batch=64,steps=400,online=1"};
static const int64_t fixture_ns[] = {100, 1000, 10000};
#define FIXTURE_NCELLS 27 /* 3 generators x 3 estimators x 3 n */
#define FIXTURE_CURVE_STEPS 400
#define FIXTURE_REPLICATES 10

static inline double fixture_truth(size_t g)
{
    return g == 0 ? -0.5 * log(1 - 0.25) : g == 1 ? -0.5 * log(1 - 0.81) : 0.69;
}

/* Fill r (zeroed first); with_curves adds /curves for the batched cells.
 * Returns 0, or -1 when out of memory. Free with fixture_free. */
static inline int fixture_results(mib_results *r, int with_curves)
{
    memset(r, 0, sizeof *r);
    strcpy(r->study_name, "fixture");
    r->cells = calloc(FIXTURE_NCELLS, sizeof *r->cells);
    r->summary = calloc(FIXTURE_NCELLS, sizeof *r->summary);
    r->curves = calloc(with_curves ? 3 * 3 * FIXTURE_CURVE_STEPS * 2 : 1, sizeof *r->curves);
    if (!r->cells || !r->summary || !r->curves)
        return -1;
    size_t c = 0;
    for (size_t g = 0; g < 3; g++)
        for (size_t e = 0; e < 3; e++)
            for (size_t k = 0; k < 3; k++, c++) {
                double n = (double)fixture_ns[k], t = fixture_truth(g);
                mib_cell_row *cell = &r->cells[c];
                mib_summary_row *s = &r->summary[c];
                cell->cell = s->cell = (int64_t)c;
                strcpy(cell->generator, fixture_gens[g]);
                strcpy(cell->estimator, fixture_ests[e]);
                strcpy(s->generator, fixture_gens[g]);
                strcpy(s->estimator, fixture_ests[e]);
                cell->n = s->n = fixture_ns[k];
                cell->batch_size = s->batch_size = e == 2 ? 64 : 0;
                cell->true_mi = s->true_mi = t;
                s->count = 10;
                s->std_error = 0.5 / sqrt(n);
                s->variance = 10 * s->std_error * s->std_error;
                s->bias = -(double)(e + 1) * 0.3 * t / sqrt(n);
                s->mean = t + s->bias;
                s->mse = s->bias * s->bias + s->variance;
                s->rmse = sqrt(s->mse);
                s->mean_seconds = s->median_seconds = 1e-7 * (double)(e + 1) * n * log(n);
            }
    r->ncells = r->nsummary = c;
    if (with_curves)
        for (size_t i = 0; i < c; i++) {
            if (r->cells[i].batch_size == 0)
                continue;
            for (int rep = 1; rep >= 0; rep--) /* replicate 1 first: the lowest must be picked */
                for (int64_t step = 0; step < FIXTURE_CURVE_STEPS; step++) {
                    mib_curve_row *cv = &r->curves[r->ncurves++];
                    double t = step < FIXTURE_CURVE_STEPS / 2 ? 0.5 : 1.0;
                    cv->cell = r->cells[i].cell;
                    cv->replicate = rep;
                    cv->step = step;
                    cv->true_mi = t;
                    cv->estimate = t * (1 - exp(-(double)(step % 200) / 40.0)) + 0.2 * sin(step * 1.7);
                }
        }
    return 0;
}

/* The seed of trial (cell c, replicate k): a stand-in for the harness's
 * hash, different for every trial; salt gives another study's seeds. */
static inline uint64_t fixture_seed(size_t c, int k, uint64_t salt)
{
    return 0x9e3779b97f4a7c15ull * (1000 * (uint64_t)c + (uint64_t)k + 1) ^ salt;
}

/* Give every summary row of r FIXTURE_REPLICATES successful trials
 * (replicate k = 0..9, estimate mean + sd (k - 4.5) / s0 with s0 the
 * standard deviation of 0..9, so their mean and SE are the row's), seeds
 * from fixture_seed(cell, k, salt). Returns 0, or -1 when out of memory. */
static inline int fixture_add_trials(mib_results *r, uint64_t salt)
{
    const double s0 = sqrt(82.5 / 9.0); /* sample SD of 0, 1, ..., 9 */
    free(r->trials);
    r->ntrials = 0;
    r->trials = calloc(r->nsummary * FIXTURE_REPLICATES + 1, sizeof *r->trials);
    if (!r->trials)
        return -1;
    for (size_t c = 0; c < r->nsummary; c++) {
        const mib_summary_row *s = &r->summary[c];
        double sd = s->std_error * sqrt((double)FIXTURE_REPLICATES);
        for (int k = 0; k < FIXTURE_REPLICATES; k++) {
            mib_trial_row *t = &r->trials[r->ntrials++];
            t->cell = s->cell;
            strcpy(t->generator, s->generator);
            strcpy(t->estimator, s->estimator);
            t->n = s->n;
            t->batch_size = s->batch_size;
            t->replicate = k;
            t->seed = fixture_seed(c, k, salt);
            t->true_mi = s->true_mi;
            t->estimate = s->mean + sd * ((double)k - 4.5) / s0;
            t->seconds = t->cpu_seconds = s->median_seconds;
            strcpy(t->status_name, "ok");
        }
    }
    return 0;
}

static inline void fixture_free(mib_results *r)
{
    free(r->cells);
    free(r->trials);
    free(r->summary);
    free(r->curves);
    memset(r, 0, sizeof *r);
}

#endif
