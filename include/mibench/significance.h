/* significance.h - how surprising one estimate is: a permutation test of
 * independence, I(X;Y) = 0, or of conditional independence, I(X;Y|Z) = 0.
 *
 * The estimator runs on the data (the observed value) and on K copies with
 * the rows of Y shuffled (the null). Without Z the shuffle is a uniform
 * permutation of all rows; with an integer-valued Z it permutes Y within
 * each Z stratum (rows with the same Z row); with any other Z it is the
 * local permutation of Runge 2018 (each row draws its Y from among its
 * MIB_PERM_NEIGHBOURS nearest rows in Z). Permutation k draws from its own
 * stream, seeded with mib_rng_seed_combine(seed, k), so the result is the
 * same for any thread count. Cost: K + 1 estimates.
 */
#ifndef MIBENCH_SIGNIFICANCE_H
#define MIBENCH_SIGNIFICANCE_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/estimator.h"
#include "mibench/export.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the rows of Y were shuffled (mib_permutation_result.scheme). */
enum mib_perm_scheme {
    MIB_PERM_PLAIN = 0,  /* no Z: a uniform permutation of all rows */
    MIB_PERM_STRATA = 1, /* Z all integers: a uniform permutation within each Z stratum */
    MIB_PERM_LOCAL = 2   /* other Z: Runge 2018's local permutation among Z neighbours */
};

/* Neighbours in Z (the row itself included) a row of the local scheme draws
 * its Y from: Runge 2018's k_perm, at its recommended 5. */
#define MIB_PERM_NEIGHBOURS 5

typedef struct mib_permutation_result {
    mib_result observed;  /* the estimate on the data as given (mi in nats, flags, steps) */
    double p_value;       /* (1 + exceed) / (permutations + 1), in (0, 1] */
    double null_mean;     /* mean of the K null estimates, nats */
    double null_sd;       /* their standard deviation (divisor K - 1; 0 when K = 1) */
    size_t permutations;  /* K */
    size_t exceed;        /* null estimates >= observed.mi */
    int scheme;           /* enum mib_perm_scheme */
} mib_permutation_result;

/* The permutation test of spec on d: the observed estimate with `threads`
 * threads (the number mib_estimate gives), then K = permutations null
 * estimates, one thread each, spread over `threads` threads (<= 0: 1); the
 * workspace seed is 0 throughout, so the estimator's own randomness (KSG's
 * jitter) is the same in every estimate and only the shuffle differs.
 * The p-value counts ties as exceeding (>=), so it is exact (valid) under
 * the null hypothesis for the plain and strata schemes, and never below
 * 1 / (K + 1). *out is filled on MIB_OK; on failure its values are NAN.
 * MIB_EINVAL for NULL arguments or K = 0; every status of mib_estimate
 * (the observed estimate is checked first, so bad data fail before any
 * permutation runs; a failing null estimate fails the test with the message
 * of the lowest-numbered permutation that failed); MIB_ENOMEM. Never prints. */
MIB_API int mib_permutation_test(const mib_data *d, const mib_spec *spec, size_t permutations,
                                 uint64_t seed, int threads, mib_permutation_result *out,
                                 mib_err *err);

/* "plain", "strata", "local", or "?" for another value. */
MIB_API const char *mib_perm_scheme_name(int scheme);

#ifdef __cplusplus
}
#endif
#endif
