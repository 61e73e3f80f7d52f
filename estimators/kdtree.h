/* kdtree.h - a static KD-tree under the max-norm (Chebyshev distance), the
 * neighbour search behind the KSG estimators.
 *
 * Built once over n points of dimension d (copied, reordered into tree
 * order so that each leaf is a contiguous block); read-only afterwards, so
 * one tree serves any number of threads. Points are addressed by their
 * position in tree order; perm[pos] is the caller's original row.
 * Internal to libmibench (hidden; tests link the static library).
 */
#ifndef MIB_KDTREE_H
#define MIB_KDTREE_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/status.h"

/* Slots per leaf block; leaves hold at most this many points. */
#define MIB_KDTREE_LEAF_CAP 32

typedef struct mib_kdnode {
    uint32_t lo, hi;   /* positions [lo, hi) of the node's points */
    uint32_t left;     /* first child (second is left + 1); 0 for a leaf */
    uint32_t parent;   /* parent node; the root (node 0) is its own parent */
    uint32_t minrow;   /* smallest original row in the subtree (tie pruning) */
    uint32_t block;    /* leaf: index of its block in blocks */
} mib_kdnode;

typedef struct mib_kdtree {
    size_t n, d, nnodes;
    double *pts;       /* n x d, row-major, tree order */
    size_t nleaves;
    double *blocks;    /* per leaf: d columns of LEAF_CAP slots, +inf padded,
                          so leaf scans run fixed-length vector loops */
    size_t *perm;      /* perm[pos] = original row of the point at pos */
    uint32_t *leaf;    /* leaf[pos] = node index of the leaf holding pos */
    mib_kdnode *nodes;
    uint32_t *leaves;  /* the leaf nodes in position order (block order) */
    double *box;       /* per node: d lower bounds then d upper bounds */
} mib_kdtree;

/* Build over the row-major n x d block a (not kept). Leaves hold at most
 * leaf_size points, 2 <= leaf_size <= MIB_KDTREE_LEAF_CAP. MIB_ENOMEM, or
 * MIB_ERESOURCE for n >= 2^32, with a message in err. O(n d log n). */
int mib_kdtree_build(const double *a, size_t n, size_t d, size_t leaf_size,
                     mib_kdtree **out, mib_err *err);

/* Frees the tree; NULL is ignored. */
void mib_kdtree_free(mib_kdtree *t);

/* Queries are handled in groups: the points of one leaf (at most
 * MIB_KDTREE_LEAF_CAP), which share one traversal of a tree, so nodes are
 * tested for all of them at once (vectorised) and each leaf's points are
 * loaded once per group rather than once per query. */

/* Coordinates of the points of leaf node `leaf`: d columns of
 * MIB_KDTREE_LEAF_CAP values (+inf past the leaf's points). */
static inline const double *mib_kdtree_leaf_block(const mib_kdtree *t, size_t leaf)
{
    return t->blocks + (size_t)t->nodes[leaf].block * t->d * MIB_KDTREE_LEAF_CAP;
}

/* The k nearest other points of every point of leaf node `leaf` (the
 * query at slot a is the point at position nodes[leaf].lo + a), in the
 * max-norm: its positions pos[a k .. a k + k), original rows row[..] and
 * distances dist[..], sorted by (distance, original row), so equal
 * distances go to the smaller original row. Requires 1 <= k < n.
 * Thread-safe (the arrays are the caller's). */
void mib_kdtree_knn_group(const mib_kdtree *t, size_t leaf, size_t k, size_t *pos, size_t *row,
                          double *dist);

/* For m <= MIB_KDTREE_LEAF_CAP queries (query a's coordinate j at
 * q[j * MIB_KDTREE_LEAF_CAP + a]), count[a] = the number of points whose
 * max-norm distance to it is < r[a] (strict) or <= r[a]; distances are
 * fabs(q - x) and box bounds never cut a point this test would count, so
 * the counts are exact. Thread-safe. */
void mib_kdtree_count_group(const mib_kdtree *t, const double *q, size_t m, const double *r,
                            int strict, size_t *count);

#endif
