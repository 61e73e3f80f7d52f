/* permutation.h - the shuffles behind mib_permutation_test (significance.h):
 * a plan made once from the data's Z block, then one permutation of the
 * rows per call. perm[i] is the row whose Y row i receives. Internal to
 * libmibench; the tests check the shuffles through it.
 */
#ifndef MIB_PERMUTATION_H
#define MIB_PERMUTATION_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "mibench/estimator.h"
#include "mibench/status.h"

typedef struct mib_perm_plan {
    size_t n;
    int scheme;      /* enum mib_perm_scheme */
    size_t *rows;    /* plain and strata: the rows grouped by stratum (n) */
    size_t *start;   /* stratum s is rows[start[s] .. start[s + 1]) */
    size_t nstrata;
    size_t k;        /* local: neighbours per row, the row itself first */
    size_t *nbr;     /* local: n x k, row i's k nearest rows in Z */
} mib_perm_plan;

/* The plan for d (validated by mib_estimate already): plain for dz = 0,
 * strata when every z is an integer, else local with k = min(k_perm, n)
 * neighbours found on a max-norm KD-tree over the z columns divided by
 * their standard deviations (ties in distance go to the smaller row).
 * k_perm >= 1. MIB_ENOMEM, MIB_ERESOURCE (n >= 2^32). O(n dz log n). */
int mib_perm_plan_init(const mib_data *d, size_t k_perm, int threads, mib_perm_plan *p,
                       mib_err *err);

/* Frees what the plan holds; NULL or a zeroed plan is fine. */
void mib_perm_plan_free(mib_perm_plan *p);

/* Size of the scratch mib_perm_draw needs, in size_t. */
size_t mib_perm_scratch_len(const mib_perm_plan *p);

/* One permutation from r into perm (n entries): plain and strata draw a
 * uniform permutation within each stratum (Fisher-Yates); local follows
 * Runge 2018, Algorithm 1 (see permutation.c), whose perm may repeat a row.
 * scratch holds mib_perm_scratch_len(p) entries. O(n) (local: O(n k)). */
void mib_perm_draw(const mib_perm_plan *p, gsl_rng *r, size_t *scratch, size_t *perm);

#endif
