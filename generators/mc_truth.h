/* mc_truth.h - the truth of a law whose pointwise MI has no closed-form
 * mean (bmi's mixtures): the Monte-Carlo mean of pmi over a fixed number of
 * draws from a fixed seed, computed once in init, and its standard error.
 * Internal to the generators. */
#ifndef MIB_GEN_MC_TRUTH_H
#define MIB_GEN_MC_TRUTH_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "mibench/status.h"

/* The seed of every Monte-Carlo truth: a spec always gets the same truth,
 * on every machine and at every thread count. */
#define MIB_MC_TRUTH_SEED 0x6d69622d74727574ull /* "mib-trut" */

/* The pmi of one fresh draw of the law ctx from r, into *out. */
typedef int (*mib_mc_draw)(const void *ctx, gsl_rng *r, double *out);

/* Mean of n >= 2 draws (Welford, in draw order) into *mean and its standard
 * error sd / sqrt(n) into *se. MIB_ENOMEM; draw's status, or MIB_ENUMERIC
 * for a pmi that is not finite, with a message naming gen. */
int mib_mc_truth(mib_mc_draw draw, const void *ctx, size_t n, const char *gen, double *mean,
                 double *se, mib_err *err);

#endif
