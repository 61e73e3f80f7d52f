/* mc_truth.c - Monte-Carlo truths (see mc_truth.h): n pmi values from one
 * xoshiro256++ stream seeded with MIB_MC_TRUTH_SEED, folded into Welford's
 * running mean and variance in draw order, so the result is bit-identical
 * run to run. As bmi's monte_carlo_mi_estimate: the mean and sd / sqrt(n).
 * Cost: n draws and n pmi evaluations.
 */
#include <math.h>
#include "mibench/rng.h"
#include "generators/mc_truth.h"

int mib_mc_truth(mib_mc_draw draw, const void *ctx, size_t n, const char *gen, double *mean,
                 double *se, mib_err *err)
{
    gsl_rng *r = mib_rng_alloc(MIB_MC_TRUTH_SEED);
    double mu = 0, m2 = 0;
    int st = r ? MIB_OK : mib_fail(err, MIB_ENOMEM, "generator '%s': out of memory", gen);
    for (size_t i = 0; i < n && !st; i++) {
        double p = 0, delta;
        if ((st = draw(ctx, r, &p))) {
            st = mib_fail(err, st, "generator '%s': Monte-Carlo draw %zu of its truth failed: %s",
                          gen, i, mib_strerror(st));
        } else if (!isfinite(p)) {
            st = mib_fail(err, MIB_ENUMERIC, "generator '%s': pointwise MI not finite at "
                          "Monte-Carlo draw %zu of its truth", gen, i);
        } else {
            delta = p - mu;
            mu += delta / (double)(i + 1);
            m2 += delta * (p - mu);
        }
    }
    *mean = mu;
    *se = sqrt(m2 / (double)(n - 1) / (double)n);
    gsl_rng_free(r);
    return st;
}
