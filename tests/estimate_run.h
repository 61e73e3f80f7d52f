/* estimate_run.h - helpers the estimator suites share: draw() makes
 * correlated Gaussian test data; run() is the one way they call an
 * estimator: parse spec_text (a parse failure fails the test), run
 * mib_estimate on row-major x (n*dx) and y (n*dy) with `threads`, return
 * its status. */
#ifndef MIB_TESTS_ESTIMATE_RUN_H
#define MIB_TESTS_ESTIMATE_RUN_H

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include "mibench/mibench.h"

/* n rows: x_j, y_j correlated rho for j < min(dx, dy), the rest independent
 * N(0, 1); or, with levels > 0, integers floor(levels * Phi-ish) for ties. */
static inline void draw(uint64_t seed, size_t n, size_t dx, size_t dy, double rho, int levels,
                 double *x, double *y)
{
    gsl_rng *r = mib_rng_alloc(seed);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dx; j++)
            x[i * dx + j] = gsl_ran_gaussian(r, 1);
        for (size_t j = 0; j < dy; j++) {
            double e = gsl_ran_gaussian(r, 1);
            y[i * dy + j] = j < dx ? rho * x[i * dx + j] + sqrt(1 - rho * rho) * e : e;
        }
    }
    if (levels > 0)
        for (size_t i = 0; i < n * dx; i++)
            x[i] = floor(x[i] * levels / 3);
    if (levels > 0)
        for (size_t i = 0; i < n * dy; i++)
            y[i] = floor(y[i] * levels / 3);
    gsl_rng_free(r);
}

static inline int run(const char *spec_text, size_t n, size_t dx, size_t dy, const double *x,
                      const double *y, int threads, mib_result *res, mib_err *err)
{
    mib_spec spec;
    int st = mib_estimator_spec_parse(spec_text, &spec, err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err->msg);
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = threads;
    mib_data d = {.n = n, .dx = dx, .dy = dy, .x = x, .y = y};
    return mib_estimate(&d, &spec, &ws, res, err);
}

#endif
