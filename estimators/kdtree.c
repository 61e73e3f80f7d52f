/* kdtree.c - static KD-tree for max-norm k-nearest-neighbour search and
 * range counting (Friedman, Bentley, Finkel 1977), for the KSG estimators.
 * Build: median split on the widest axis (quickselect on whole rows, so
 * each pass streams memory), bounding box per node: O(n d log n) time,
 * O(n d) memory. k-NN: bottom-up from the query's own leaf, visiting a
 * sibling subtree only when its box could hold a better point; ties in
 * distance go to the smaller original row, and a per-node minimum row lets
 * whole blocks of duplicate points be skipped, so heavy ties stay fast.
 * Counting: boxes wholly inside the radius are counted without descent. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kdtree.h"

#define MAX_DEPTH 128 /* stack bound: depth is about log2(n / leaf_size) */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* Wider vectors for the leaf scans where the CPU has them (run-time
 * dispatch; results are identical: max and compare are exact). */
#define MIB_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MIB_VECTOR_CLONES
#endif



/* max of two non-NaN doubles; compiles to one maxsd (fmax must honour NaN) */
static inline double max2(double a, double b) { return a > b ? a : b; }

static const double *box_lo(const mib_kdtree *t, size_t node) { return t->box + 2 * t->d * node; }
static const double *box_hi(const mib_kdtree *t, size_t node) { return t->box + 2 * t->d * node + t->d; }

/* m[a] = max_j |q[j] - x[j]| for the MIB_KDTREE_LEAF_CAP slots of a leaf's
 * block (padding slots hold +inf). The trip counts are constants, so the
 * loops vectorise fully and the accumulators stay in registers. */
static inline __attribute__((always_inline)) void
leaf_dists(const mib_kdtree *t, const double *q, size_t node, double *m)
{
    enum { CAP = MIB_KDTREE_LEAF_CAP };
    const double *blk = t->blocks + (size_t)t->nodes[node].block * t->d * CAP;
    double acc[CAP] = {0};
    for (size_t j = 0; j < t->d; j++) {
        const double *c = blk + j * CAP, qj = q[j];
        for (int a = 0; a < CAP; a++)
            acc[a] = max2(acc[a], fabs(qj - c[a]));
    }
    for (int a = 0; a < CAP; a++)
        m[a] = acc[a];
}

static void swap_rows(mib_kdtree *t, size_t a, size_t b)
{
    double *ra = t->pts + a * t->d, *rb = t->pts + b * t->d;
    for (size_t j = 0; j < t->d; j++) {
        double v = ra[j];
        ra[j] = rb[j];
        rb[j] = v;
    }
    size_t p = t->perm[a];
    t->perm[a] = t->perm[b];
    t->perm[b] = p;
}

/* Reorder positions [lo, hi) so that position m holds the value that
 * sorting on axis j would put there, smaller-or-equal values before it and
 * greater-or-equal after (Hoare quickselect, median-of-3 pivot; ranges of
 * more than 16 hold three distinct sample positions, so each partition
 * leaves both sides non-empty and the loop always shrinks the range). */
static void select_rows(mib_kdtree *t, size_t lo, size_t hi, size_t m, size_t j)
{
    const size_t d = t->d;
    while (hi - lo > 16) {
        double a = t->pts[lo * d + j], b = t->pts[(lo + (hi - lo) / 2) * d + j],
               c = t->pts[(hi - 1) * d + j];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, k = hi - 1;
        for (;;) {
            while (t->pts[i * d + j] < pivot)
                i++;
            while (t->pts[k * d + j] > pivot)
                k--;
            if (i >= k)
                break;
            swap_rows(t, i, k);
            i++;
            k--;
        }
        /* now [lo, k] <= pivot <= [k+1, hi) */
        if (m <= k)
            hi = k + 1;
        else
            lo = k + 1;
    }
    for (size_t i = lo + 1; i < hi; i++) /* short range: insertion sort */
        for (size_t k = i; k > lo && t->pts[(k - 1) * d + j] > t->pts[k * d + j]; k--)
            swap_rows(t, k - 1, k);
}

static void build_node(mib_kdtree *t, size_t node, size_t lo, size_t hi, size_t parent,
                       size_t leaf_size)
{
    const size_t d = t->d;
    double *blo = t->box + 2 * d * node, *bhi = blo + d;
    size_t minrow = t->perm[lo];
    for (size_t j = 0; j < d; j++)
        blo[j] = bhi[j] = t->pts[lo * d + j];
    for (size_t i = lo + 1; i < hi; i++) {
        const double *r = t->pts + i * d;
        for (size_t j = 0; j < d; j++) {
            if (r[j] < blo[j])
                blo[j] = r[j];
            if (r[j] > bhi[j])
                bhi[j] = r[j];
        }
        if (t->perm[i] < minrow)
            minrow = t->perm[i];
    }
    mib_kdnode *nd = &t->nodes[node];
    *nd = (mib_kdnode){.lo = (uint32_t)lo, .hi = (uint32_t)hi, .left = 0,
                       .parent = (uint32_t)parent, .minrow = (uint32_t)minrow};
    if (hi - lo <= leaf_size) {
        nd->block = (uint32_t)t->nleaves;
        t->leaves[t->nleaves++] = (uint32_t)node;
        for (size_t i = lo; i < hi; i++)
            t->leaf[i] = (uint32_t)node;
        return;
    }
    size_t axis = 0;
    double spread = -1;
    for (size_t j = 0; j < d; j++)
        if (bhi[j] - blo[j] > spread) {
            spread = bhi[j] - blo[j];
            axis = j;
        }
    size_t m = lo + (hi - lo) / 2;
    if (spread > 0) /* identical points: any split is as good, skip the work */
        select_rows(t, lo, hi, m, axis);
    size_t left = t->nnodes;
    t->nnodes += 2;
    nd->left = (uint32_t)left;
    build_node(t, left, lo, m, node, leaf_size);
    build_node(t, left + 1, m, hi, node, leaf_size);
}

int mib_kdtree_build(const double *a, size_t n, size_t d, size_t leaf_size,
                     mib_kdtree **out, mib_err *err)
{
    assert(n >= 1 && d >= 1 && leaf_size >= 2 && leaf_size <= MIB_KDTREE_LEAF_CAP);
    *out = NULL;
    if (n >= UINT32_MAX)
        return mib_fail(err, MIB_ERESOURCE, "KD-tree holds fewer than 2^32 points, got %zu", n);
    /* Leaves hold more than leaf_size / 2 points, so nodes < 4 n / leaf_size + 2. */
    size_t maxnodes = 4 * n / leaf_size + 3;
    mib_kdtree *t = calloc(1, sizeof *t);
    if (!t)
        return mib_fail(err, MIB_ENOMEM, "out of memory for a KD-tree of %zu points", n);
    t->n = n;
    t->d = d;
    t->pts = malloc(n * d * sizeof *t->pts);
    t->perm = malloc(n * sizeof *t->perm);
    t->leaf = malloc(n * sizeof *t->leaf);
    t->nodes = malloc(maxnodes * sizeof *t->nodes);
    t->leaves = malloc(maxnodes * sizeof *t->leaves);
    t->box = malloc(maxnodes * 2 * d * sizeof *t->box);
    if (!t->pts || !t->perm || !t->leaf || !t->nodes || !t->leaves || !t->box) {
        mib_kdtree_free(t);
        return mib_fail(err, MIB_ENOMEM, "out of memory for a KD-tree of %zu points", n);
    }
    memcpy(t->pts, a, n * d * sizeof *t->pts);
    for (size_t i = 0; i < n; i++)
        t->perm[i] = i;
    t->nnodes = 1;
    build_node(t, 0, 0, n, 0, leaf_size);
    assert(t->nnodes <= maxnodes);
    /* leaf blocks: d columns of LEAF_CAP slots each, padded with +inf */
    enum { CAP = MIB_KDTREE_LEAF_CAP };
    t->blocks = aligned_alloc(64, t->nleaves * d * CAP * sizeof *t->blocks);
    if (!t->blocks) {
        mib_kdtree_free(t);
        return mib_fail(err, MIB_ENOMEM, "out of memory for a KD-tree of %zu points", n);
    }
    for (size_t node = 0; node < t->nnodes; node++) {
        const mib_kdnode *nd = &t->nodes[node];
        if (nd->left)
            continue;
        double *blk = t->blocks + (size_t)nd->block * d * CAP;
        for (size_t j = 0; j < d; j++)
            for (size_t slot = 0; slot < CAP; slot++)
                blk[j * CAP + slot] =
                    nd->lo + slot < nd->hi ? t->pts[(nd->lo + slot) * d + j] : INFINITY;
    }
    *out = t;
    return MIB_OK;
}

void mib_kdtree_free(mib_kdtree *t)
{
    if (!t)
        return;
    free(t->pts);
    free(t->blocks);
    free(t->perm);
    free(t->leaf);
    free(t->nodes);
    free(t->leaves);
    free(t->box);
    free(t);
}

enum { G = MIB_KDTREE_LEAF_CAP }; /* queries per group = slots per leaf block */

static inline uint32_t lane_mask(size_t m) { return m >= 32 ? 0xffffffffu : ((uint32_t)1 << m) - 1; }

/* lb[a] = lower bound of the max-norm distance from query a to the node's
 * box, for all G queries (columns of G in q) at once. Rounding is
 * monotone, so lo[j] - q <= x - q for any x >= lo[j]: the bound never
 * exceeds a distance the point test computes. */
static inline __attribute__((always_inline)) void
box_lower(const mib_kdtree *t, size_t node, const double *q, double *lb)
{
    const double *lo = box_lo(t, node), *hi = box_hi(t, node);
    for (int a = 0; a < G; a++)
        lb[a] = 0;
    for (size_t j = 0; j < t->d; j++) {
        const double l = lo[j], h = hi[j], *qj = q + j * G;
        for (int a = 0; a < G; a++)
            lb[a] = max2(lb[a], max2(l - qj[a], qj[a] - h));
    }
}

/* The k-NN lists of one group of queries: the points of one leaf. */
typedef struct group_knn {
    const mib_kdtree *t;
    size_t k, leaf, lo;
    const double *q;      /* query coordinates: d columns of G (the leaf's block) */
    size_t *pos, *row;    /* query a's list at [a k, a k + k), sorted by (dist, row) */
    double *dist;
    size_t count[G];
    double worst[G];      /* k-th distance; +inf while the list is short */
    size_t wrow[G];       /* k-th original row; SIZE_MAX while short */
} group_knn;

/* Queries of bits for which the node could hold a better neighbour. */
static inline __attribute__((always_inline)) uint32_t
knn_active(const group_knn *g, size_t node, uint32_t bits)
{
    double lb[G];
    box_lower(g->t, node, g->q, lb);
    const size_t minrow = g->t->nodes[node].minrow;
    uint32_t act = 0;
    for (int a = 0; a < G; a++) /* no short-circuit: the loop vectorises */
        act |= (uint32_t)((lb[a] < g->worst[a]) |
                          ((lb[a] == g->worst[a]) & (minrow < g->wrow[a]))) << a;
    return act & bits;
}

/* Offer the point at position p (distance e, original row) to query a. */
static inline void knn_offer(group_knn *g, size_t a, double e, size_t p, size_t row)
{
    const size_t k = g->k;
    if (e > g->worst[a] || (e == g->worst[a] && row > g->wrow[a]))
        return;
    double *dist = g->dist + a * k;
    size_t *pos = g->pos + a * k, *rows = g->row + a * k;
    size_t i = g->count[a] < k ? g->count[a]++ : k - 1; /* full: drop the k-th */
    while (i > 0 && (dist[i - 1] > e || (dist[i - 1] == e && rows[i - 1] > row))) {
        dist[i] = dist[i - 1];
        pos[i] = pos[i - 1];
        rows[i] = rows[i - 1];
        i--;
    }
    dist[i] = e;
    pos[i] = p;
    rows[i] = row;
    if (g->count[a] == k) {
        g->worst[a] = dist[k - 1];
        g->wrow[a] = rows[k - 1];
    }
}

/* Offer the points of leaf `node` to the queries in bits. */
static inline __attribute__((always_inline)) void
knn_scan(group_knn *g, size_t node, uint32_t bits)
{
    const mib_kdtree *t = g->t;
    const mib_kdnode *nd = &t->nodes[node];
    const double *blk = t->blocks + (size_t)nd->block * t->d * G;
    const uint32_t valid = lane_mask(nd->hi - nd->lo);
    while (bits) {
        size_t a = (size_t)__builtin_ctz(bits);
        bits &= bits - 1;
        double m[G] = {0};
        for (size_t j = 0; j < t->d; j++) {
            const double qa = g->q[j * G + a], *c = blk + j * G;
            for (int p = 0; p < G; p++)
                m[p] = max2(m[p], fabs(qa - c[p]));
        }
        uint32_t cand = 0;
        for (int p = 0; p < G; p++)
            cand |= (uint32_t)(m[p] <= g->worst[a]) << p;
        cand &= valid;
        if (node == g->leaf)
            cand &= ~((uint32_t)1 << a); /* not itself */
        while (cand) {
            size_t p = (size_t)__builtin_ctz(cand);
            cand &= cand - 1;
            knn_offer(g, a, m[p], nd->lo + p, t->perm[nd->lo + p]);
        }
    }
}

MIB_VECTOR_CLONES
void mib_kdtree_knn_group(const mib_kdtree *t, size_t leaf, size_t k, size_t *pos, size_t *row,
                          double *dist)
{
    const mib_kdnode *lf = &t->nodes[leaf];
    assert(lf->left == 0 && k >= 1 && k < t->n);
    group_knn g = {.t = t, .k = k, .leaf = leaf, .lo = lf->lo,
                   .q = t->blocks + (size_t)lf->block * t->d * G,
                   .pos = pos, .row = row, .dist = dist};
    for (int a = 0; a < G; a++) {
        g.count[a] = 0;
        g.worst[a] = INFINITY;
        g.wrow[a] = SIZE_MAX;
    }
    const uint32_t queries = lane_mask(lf->hi - lf->lo);
    knn_scan(&g, leaf, queries); /* own leaf first: the nearest points, tight bounds */
    size_t stack[MAX_DEPTH], top = 0;
    stack[top++] = 0;
    while (top) {
        size_t node = stack[--top];
        if (node == leaf)
            continue;
        uint32_t bits = knn_active(&g, node, queries);
        if (!bits)
            continue;
        size_t left = t->nodes[node].left;
        if (!left) {
            knn_scan(&g, node, bits);
            continue;
        }
        /* nearer child (for the first active query) on top of the stack */
        const double *q0 = g.q + (size_t)__builtin_ctz(bits);
        double dl = 0, dr = 0;
        for (size_t j = 0; j < t->d; j++) {
            double qj = q0[j * G];
            dl = max2(dl, max2(box_lo(t, left)[j] - qj, qj - box_hi(t, left)[j]));
            dr = max2(dr, max2(box_lo(t, left + 1)[j] - qj, qj - box_hi(t, left + 1)[j]));
        }
        assert(top + 2 <= MAX_DEPTH);
        stack[top++] = dl <= dr ? left + 1 : left;
        stack[top++] = dl <= dr ? left : left + 1;
    }
    for (size_t a = 0; a < lf->hi - lf->lo; a++)
        assert(g.count[a] == k);
}

/* Counts for a group of queries, the comparison fixed at compile time. */
static inline __attribute__((always_inline)) void
count_impl(const mib_kdtree *t, const double *q, size_t m, const double *r, int strict,
           size_t *count)
{
    size_t stack[MAX_DEPTH], top = 0;
    uint32_t masks[MAX_DEPTH];
    for (size_t a = 0; a < m; a++)
        count[a] = 0;
    stack[top] = 0;
    masks[top++] = lane_mask(m);
    while (top) {
        top--;
        const size_t node = stack[top];
        const uint32_t bits = masks[top];
        const mib_kdnode *nd = &t->nodes[node];
        const double *lo = box_lo(t, node), *hi = box_hi(t, node);
        double near[G], far[G];
        for (int a = 0; a < G; a++)
            near[a] = far[a] = 0;
        for (size_t j = 0; j < t->d; j++) {
            const double l = lo[j], h = hi[j], *qj = q + j * G;
            for (int a = 0; a < G; a++) {
                double da = qj[a] - l, db = h - qj[a]; /* rounding is monotone, see box_lower */
                near[a] = max2(near[a], max2(-da, -db));
                far[a] = max2(far[a], max2(da, db));
            }
        }
        uint32_t out = 0, in = 0;
        for (int a = 0; a < G; a++) {
            out |= (uint32_t)(strict ? near[a] >= r[a] : near[a] > r[a]) << a;
            in |= (uint32_t)(strict ? far[a] < r[a] : far[a] <= r[a]) << a;
        }
        for (uint32_t b = bits & in & ~out; b; b &= b - 1)
            count[__builtin_ctz(b)] += nd->hi - nd->lo;
        const uint32_t partial = bits & ~in & ~out;
        if (!partial)
            continue;
        if (nd->left) {
            assert(top + 2 <= MAX_DEPTH);
            stack[top] = nd->left;
            masks[top++] = partial;
            stack[top] = nd->left + 1;
            masks[top++] = partial;
            continue;
        }
        const double *blk = t->blocks + (size_t)nd->block * t->d * G;
        for (uint32_t b = partial; b; b &= b - 1) {
            const size_t a = (size_t)__builtin_ctz(b);
            double dm[G] = {0};
            for (size_t j = 0; j < t->d; j++) {
                const double qa = q[j * G + a], *c = blk + j * G;
                for (int p = 0; p < G; p++)
                    dm[p] = max2(dm[p], fabs(qa - c[p]));
            }
            size_t c = 0; /* padding slots are +inf: never counted */
            for (int p = 0; p < G; p++)
                c += strict ? dm[p] < r[a] : dm[p] <= r[a];
            count[a] += c;
        }
    }
}

MIB_VECTOR_CLONES
void mib_kdtree_count_group(const mib_kdtree *t, const double *q, size_t m, const double *r,
                            int strict, size_t *count)
{
    assert(m >= 1 && m <= G);
    if (strict)
        count_impl(t, q, m, r, 1, count);
    else
        count_impl(t, q, m, r, 0, count);
}
