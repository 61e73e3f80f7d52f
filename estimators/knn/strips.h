/* strips.h - the k nearest neighbours of every point of a planar set under
 * the max-norm, without a tree: the points cut into strips of consecutive
 * x rank, each strip sorted by y, and every strip's queries swept in y
 * order against the strips around it. What KSG asks of 1-D x and 1-D y
 * (ksg.c chooses it by dimension). Internal to libmibench.
 */
#ifndef MIB_STRIPS_H
#define MIB_STRIPS_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/status.h"

/* The two sorted columns of a planar set: order[c] the rows sorted by
 * column c, sorted[c] the values in that order (mib_columns_sort). */
typedef struct mib_strips_in {
    size_t n;
    const size_t *order[2];
    const double *sorted[2];
} mib_strips_in;

/* What mib_strips_knn fills, by rank: r[c][p] for the point of rank p in
 * column c (n each). */
typedef struct mib_strips_out {
    double *r[2];  /* KSG-1: the distance to the k-th nearest other point, in
                      both; with extents, the largest |dx| (r[0]) and |dy|
                      (r[1]) over those k neighbours, chosen by (distance,
                      original row) exactly as mib_kdtree_knn_group does */
    unsigned ties; /* set: some point has another at distance 0 */
    int gave_up;   /* set: the points are laid out so that the strips would
                      take far longer than a KD-tree (r is then unfilled) */
} mib_strips_out;

/* The k nearest neighbours (1 <= k < n) of every point under the max-norm,
 * the same doubles a brute force computes (max(|x_i - x_j|, |y_i - y_j|)).
 * Without extents, neighbours tied at the k-th distance are not told apart
 * (only the distance counts), so coincident points cost nothing; with
 * extents every point at the k-th distance is examined, so a set with many
 * coincident points is slow: use the KD-tree then (mib_strips_has_duplicates).
 * When the work passes (8 k + 40) n point visits (points far more spread
 * along one axis than along the other at the scale of their neighbours),
 * it stops with gave_up. Up to `threads` OpenMP threads, each answer in its own slot: the
 * same bits for any thread count. O(n sqrt(k)) for spread data, 28 n bytes.
 * MIB_ENOMEM with err. */
int mib_strips_knn(const mib_strips_in *in, size_t k, int extents, int threads,
                   mib_strips_out *out, mib_err *err);

/* 1 when two rows of the row-major n x 2 block xy are the same point, from
 * its y order: O(n), O(m log m) for a run of m equal y values. */
int mib_strips_has_duplicates(const double *xy, size_t n, const size_t *yorder);

#endif
