/* kdtree.h - a static KD-tree under the max-norm (Chebyshev distance), the
 * neighbour search behind the KSG estimators.
 *
 * Built once over n points of dimension d (copied, reordered into tree
 * order so that each leaf is a contiguous run of positions); read-only
 * afterwards, so one tree serves any number of threads. Points are
 * addressed by their position in tree order; perm[pos] is the caller's
 * original row.
 *
 * Queries come in groups: the points of one leaf of some tree (at most
 * MIB_KDTREE_LEAF_CAP of them) share one traversal, so a node is tested
 * for all of them at once (vectorised) and each leaf's points are loaded
 * once per group rather than once per query. The scans run on float
 * copies of the coordinates (scaled by a power of two) with a proven error
 * bound (delta); any point the float test cannot decide is tested again
 * in double, so every count and every neighbour is exactly what a double
 * brute force finds.
 * Internal to libmibench (hidden; tests link the static library).
 */
#ifndef MIB_KDTREE_H
#define MIB_KDTREE_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/status.h"

/* Points per leaf at most, and queries per group. */
#define MIB_KDTREE_LEAF_CAP 32

typedef struct mib_kdnode {
    uint32_t lo, hi;   /* positions [lo, hi) of the node's points */
    uint32_t left;     /* first child (second is left + 1); 0 for a leaf */
    uint32_t parent;   /* parent node; the root (node 0) is its own parent */
    uint32_t minrow;   /* smallest original row in the subtree (tie pruning) */
    uint32_t block;    /* leaf: index of its block */
} mib_kdnode;

typedef struct mib_kdtree {
    size_t n, d, nnodes, nleaves;
    double *pts;       /* n x d, row-major, tree order: the exact coordinates */
    size_t *perm;      /* perm[pos] = original row of the point at pos */
    mib_kdnode *nodes;
    uint32_t *leaves;  /* the leaf nodes in position (= block) order */
    double *box;       /* per node: d lower bounds then d upper bounds */
    float *fbox;       /* the same times scale, in float (nearest rounding) */
    float *blocks;     /* per leaf: d columns of LEAF_CAP float slots of the
                          coordinates times scale, +inf past the leaf's
                          points: fixed-length vector loops */
    double scale;      /* a power of two: the largest |coordinate| * scale
                          is in [1, 2) (exact, and far from float limits) */
    double delta;      /* |float distance - scale * double distance| <=
                          delta for any two points of the tree */
} mib_kdtree;

/* Build over the row-major n x d block a (not kept), with up to `threads`
 * OpenMP threads (the same tree for any count). Leaves hold at most
 * leaf_size points, 2 <= leaf_size <= MIB_KDTREE_LEAF_CAP. scale 0 picks
 * the float scale from the data; a tree that will answer queries taken
 * from another tree's blocks must be given that tree's scale. MIB_ENOMEM,
 * or MIB_ERESOURCE for n >= 2^32, with a message in err. O(n d log n). */
int mib_kdtree_build(const double *a, size_t n, size_t d, size_t leaf_size, double scale,
                     int threads, mib_kdtree **out, mib_err *err);

/* Frees the tree; NULL is ignored. */
void mib_kdtree_free(mib_kdtree *t);

/* Scaled float coordinates of the points of leaf node `leaf`: d columns
 * of MIB_KDTREE_LEAF_CAP slots (+inf past the leaf's points). */
static inline const float *mib_kdtree_leaf_block(const mib_kdtree *t, size_t leaf)
{
    return t->blocks + (size_t)t->nodes[leaf].block * t->d * MIB_KDTREE_LEAF_CAP;
}

/* The k nearest other points of every point of leaf node `leaf` (the query
 * in slot a is the point at position nodes[leaf].lo + a), in the max-norm:
 * positions pos[a k .. a k + k), original rows row[..] and distances
 * dist[..], sorted by (distance, original row), so equal distances go to
 * the smaller original row. Requires 1 <= k < n. Thread-safe (the arrays
 * are the caller's). */
void mib_kdtree_knn_group(const mib_kdtree *t, size_t leaf, size_t k, size_t *pos, size_t *row,
                          double *dist);

/* A group of m <= MIB_KDTREE_LEAF_CAP queries: coordinate j of query a is
 * qd[a * qstride + j] exactly and qf[j * MIB_KDTREE_LEAF_CAP + a] =
 * (float)(qd * t->scale), with |qd| * t->scale < 2 as delta assumes: a
 * joint tree's block serves a tree over its x columns built with the joint
 * tree's scale.
 * count[a] = the number of points whose max-norm distance fabs(q - x) to
 * query a is < r[a] (strict) or <= r[a], exactly. Thread-safe. */
void mib_kdtree_count_group(const mib_kdtree *t, const float *qf, const double *qd,
                            size_t qstride, size_t m, const double *r, int strict,
                            size_t *count);

/* The same count in a box of two half-widths: a point passes when its
 * max-norm distance to query a over columns [0, split) is < r[a] (strict)
 * or <= r[a], and over columns [split, d) is < / <= r2[a] (KSG-2's
 * conditional counts, Frenzel-Pompe in JIDT's form). 1 <= split < d. */
void mib_kdtree_count_group_box(const mib_kdtree *t, const float *qf, const double *qd,
                                size_t qstride, size_t m, const double *r, size_t split,
                                const double *r2, int strict, size_t *count);

#endif
