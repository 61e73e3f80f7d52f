/* knn.h - k-NN distances and radius counts of a point set against itself,
 * on the max-norm KD-tree (kdtree.h): the building blocks of the
 * Kozachenko-Leonenko entropies, kl3h, mixed-ksg and ross. Each call builds
 * its own tree over the rows (O(n d log n)) and answers every row, a leaf of
 * queries at a time, with up to `threads` OpenMP threads; every answer goes
 * to the row's own slot, so results do not depend on the thread count.
 * Internal to libmibench. */
#ifndef MIB_KNN_H
#define MIB_KNN_H

#include <stddef.h>
#include "mibench/status.h"

/* eps[i] = distance from row i of a (n x d, row-major) to its k-th nearest
 * other row (1 <= k < n): the max-norm, or with euclid the Euclidean norm
 * (found from max-norm neighbour lists grown until they are sure to hold
 * the k Euclidean nearest: max <= euclid). MIB_ENOMEM or MIB_ERESOURCE
 * (n >= 2^32) with err filled. O(n log n) for spread data. */
int mib_knn_distances(const double *a, size_t n, size_t d, size_t k, int euclid, int threads,
                      double *eps, mib_err *err);

/* count[i] = number of rows j (i itself included when it passes) with
 * max-norm distance from row i < r[i] (strict) or <= r[i], exactly as a
 * double brute force counts. MIB_ENOMEM / MIB_ERESOURCE. */
int mib_knn_counts(const double *a, size_t n, size_t d, const double *r, int strict,
                   int threads, size_t *count, mib_err *err);

/* The Kozachenko-Leonenko differential entropy (nats) of the rows of a:
 * psi(n) - psi(k) + ln c_d + (d / n) sum ln eps_i, eps_i the k-th neighbour
 * distance (a radius, not a diameter) and c_d the volume of the unit ball of
 * the norm: 2^d for the max-norm, pi^(d/2) / Gamma(d/2 + 1) for Euclid.
 * Arguments as for mib_knn_distances, unchecked beyond that (the public
 * mib_entropy_kl checks them); MIB_EDATA when some eps_i is 0 (k or more
 * duplicates of a row): ln 0 has no finite answer. */
int mib_knn_kl_entropy(const double *a, size_t n, size_t d, size_t k, int euclid, int threads,
                       double *h, mib_err *err);

#endif
