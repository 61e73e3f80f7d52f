/* significance.h - how surprising one estimate is: a permutation test of
 * independence, I(X;Y) = 0, or of conditional independence, I(X;Y|Z) = 0;
 * and how uncertain it is: a confidence interval from disjoint subsets
 * (mib_confidence_interval, at the end).
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

/* The permutation test of spec on d: the observed estimate with the
 * workspace ws as given (its threads, seed, stop request and curve sink),
 * then K = permutations null estimates, one thread each, spread over
 * ws->threads threads, each with ws's seed and stop request (no curve): the
 * estimator's own randomness (KSG's jitter) is the same in every estimate
 * and only the shuffle differs. A stop request (*ws->stop set) ends the
 * test once the estimates in hand finish, with MIB_EINTR. The p-value
 * counts ties as exceeding (>=), so it is exact (valid) under the null
 * hypothesis for the plain and strata schemes, and never below 1 / (K + 1).
 * *out is filled on MIB_OK; on failure its values are NAN. MIB_EINVAL for
 * NULL arguments, K = 0 or a workspace with a sampler; every status of
 * mib_estimate (the observed estimate is checked first, so bad data fail
 * before any permutation runs; a failing null estimate fails the test with
 * the message of the lowest-numbered permutation that failed); MIB_EINTR;
 * MIB_ENOMEM. Never prints. */
MIB_API int mib_permutation_test(const mib_data *d, const mib_spec *spec, size_t permutations,
                                 uint64_t seed, const mib_workspace *ws,
                                 mib_permutation_result *out, mib_err *err);

/* "plain", "strata", "local", or "?" for another value. */
MIB_API const char *mib_perm_scheme_name(int scheme);

/* The largest split of mib_confidence_interval: the rows are cut into m
 * disjoint subsets for every m = 2 .. MIB_CI_SUBSETS, as Holmes & Nemenman
 * 2019 and their code do (their "standard choice", 1:10). */
#define MIB_CI_SUBSETS 10

typedef struct mib_ci_result {
    mib_result observed;  /* the estimate on all N rows (as mib_estimate gives it) */
    double level;         /* the level asked for, in (0, 1) */
    double lower, upper;  /* observed.mi -+ z sd, z = Phi^-1((1 + level) / 2), nats */
    double sd;            /* the estimate's standard deviation at N rows, from the subsets */
    double trend;         /* the bias check: least-squares slope of the mean estimate on
                           * N/m rows against m = 1 .. MIB_CI_SUBSETS; for a bias that
                           * falls like 1/rows it is the bias at N (nats) */
    size_t subsets;       /* MIB_CI_SUBSETS */
    size_t smallest;      /* rows in the smallest subsets, floor(N / MIB_CI_SUBSETS) */
    size_t estimates;     /* subset estimates run: 2 + 3 + ... + MIB_CI_SUBSETS = 54 */
} mib_ci_result;

/* A confidence interval for the estimate of spec on d, after Holmes &
 * Nemenman 2019 (Phys. Rev. E 100, 022404): for m = 2 .. MIB_CI_SUBSETS the
 * rows, in a random order drawn for each m from the stream
 * mib_rng_seed_combine(seed, m), are cut into m disjoint subsets of N/m rows
 * (rows of x, y and z stay together), the estimator runs on each, and the
 * estimates' spread, scaled as 1/rows, gives the standard deviation at N
 * (formula in estimators/confidence.c). The interval is centred on the
 * estimate on all rows, so it is for the estimator's mean at N: it covers
 * the true MI only when the bias is small against sd (`trend` is the check).
 * The estimate on all rows uses the workspace ws as given, the subset
 * estimates one thread each, spread over ws->threads, with ws's seed and
 * stop request, as in mib_permutation_test, so the result is the same bits
 * for any thread count; a stop request ends it with MIB_EINTR. *out is
 * filled on MIB_OK; on failure its values are NAN. MIB_EINVAL for NULL
 * arguments, a level outside (0, 1) or a workspace with a sampler; every status of
 * mib_estimate (the estimate on all rows runs first, so bad data fail
 * before any subset; a failing subset estimate fails the interval with the
 * message of the first one, m = 2 first, that failed: the estimator's own
 * refusal of too few rows, MIB_ESMALL for KSG and gaussian, when it cannot
 * take floor(N / MIB_CI_SUBSETS)); MIB_ESMALL when N < 2 MIB_CI_SUBSETS;
 * MIB_ENOMEM. Cost: 55 estimates on 10 N rows in all. Never prints. */
MIB_API int mib_confidence_interval(const mib_data *d, const mib_spec *spec, double level,
                                    uint64_t seed, const mib_workspace *ws,
                                    mib_ci_result *out, mib_err *err);

#ifdef __cplusplus
}
#endif
#endif
