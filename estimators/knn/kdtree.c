/* kdtree.c - static KD-tree for max-norm k-nearest-neighbour search and
 * range counting (Friedman, Bentley, Finkel 1977), for the KSG estimators.
 * Build: exact median split on the widest axis (quickselect moving whole
 * rows), a bounding box per node: O(n d log n) time, O(n d) memory; large
 * subtrees are OpenMP tasks, numbered as a sequential build would number
 * them, so the tree is the same for any thread count.
 * Queries run in groups of one leaf's points (kdtree.h): k-NN starts from
 * the group's own leaf and climbs, searching each sibling subtree nearer
 * child first, skipping a node when its box cannot hold a better point for
 * any query of the group; counting adds whole boxes that lie inside the
 * radius and skips those outside. Ties in distance go to the smaller
 * original row, and a per-node minimum row lets runs of duplicate points be
 * skipped, so heavy ties stay fast. Float scans, double decisions: see the
 * error bound at float_scale. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "estimators/clones.h"
#include "estimators/knn/kdtree.h"

#define MAX_DEPTH 128 /* stack bound: depth is about log2(n / leaf_size) */


enum { G = MIB_KDTREE_LEAF_CAP }; /* queries per group = slots per leaf block */

/* max of two non-NaN values; one maxsd/maxps (fmax must honour NaN) */
static inline double max2(double a, double b) { return a > b ? a : b; }
static inline float max2f(float a, float b) { return a > b ? a : b; }

/* A float >= v (<= v): nudged by 2^-22 relative, more than the 2^-24 of
 * round-to-nearest, plus an absolute step for the subnormal range. */
static inline float up_f(double v) { return (float)(v + fabs(v) * 0x1p-22 + 1e-44); }
static inline float down_f(double v) { return (float)(v - fabs(v) * 0x1p-22 - 1e-44); }

static inline uint32_t lane_mask(size_t m) { return m >= 32 ? 0xffffffffu : ((uint32_t)1 << m) - 1; }

static inline const double *box_lo(const mib_kdtree *t, size_t node) { return t->box + 2 * t->d * node; }
static inline const double *box_hi(const mib_kdtree *t, size_t node) { return t->box + 2 * t->d * node + t->d; }
static inline const float *fbox_lo(const mib_kdtree *t, size_t node) { return t->fbox + 2 * t->d * node; }
static inline const float *fbox_hi(const mib_kdtree *t, size_t node) { return t->fbox + 2 * t->d * node + t->d; }

/* The max-norm distance in double, exactly as a brute force computes it. */
static inline double exact_dist(const double *a, const double *b, size_t d)
{
    double m = 0;
    for (size_t j = 0; j < d; j++)
        m = max2(m, fabs(a[j] - b[j]));
    return m;
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

/* Nodes / leaves of the subtree over s points (the split is by size alone:
 * s / 2 to the left), so a subtree's slots are known before it is built. */
static size_t nodes_of(size_t s, size_t leaf_size)
{
    return s <= leaf_size ? 1 : 1 + nodes_of(s / 2, leaf_size) + nodes_of(s - s / 2, leaf_size);
}

static size_t leaves_of(size_t s, size_t leaf_size)
{
    return s <= leaf_size ? 1 : leaves_of(s / 2, leaf_size) + leaves_of(s - s / 2, leaf_size);
}

/* Subtrees above this many points are built as OpenMP tasks. */
#define TASK_POINTS 32768

/* Node `node` over positions [lo, hi): its children go to next and next + 1,
 * the left subtree's descendants from next + 2 on and the right's after
 * them; its leaves take block numbers from leaf on. This is the numbering a
 * sequential depth-first build gives, so the tree is the same for any
 * thread count. */
static void build_node(mib_kdtree *t, size_t node, size_t lo, size_t hi, size_t parent,
                       size_t leaf_size, size_t next, size_t leaf)
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
        nd->block = (uint32_t)leaf;
        t->leaves[leaf] = (uint32_t)node;
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
    nd->left = (uint32_t)next;
    size_t left_below = nodes_of(m - lo, leaf_size) - 1;
#pragma omp task if (m - lo > TASK_POINTS)
    build_node(t, next, lo, m, node, leaf_size, next + 2, leaf);
    build_node(t, next + 1, m, hi, node, leaf_size, next + 2 + left_below,
               leaf + leaves_of(m - lo, leaf_size));
}

/* The float copies hold x * scale, scale a power of two (so the product
 * is exact) that brings the largest magnitude M into [1, 2): no float
 * overflows and none but the relatively tiny underflow. Error bound, in
 * scaled units, with u = 2^-24: rounding x and q to float moves |q - x| by
 * at most u (|x| + |q|) <= 4u, the float subtraction by u |qf - xf| <= 4u
 * (1 + u), and the double distance differs from the real one by at most
 * 2^-53 * 4: in all under 8.5u (1e-40 covers float underflow). Boxes are
 * bounds of the same values, so the same holds for box distances
 * (rounding is monotone: a point's float lies in its box's float box). */
static void float_scale(mib_kdtree *t, const double *a, size_t count, double scale)
{
    double m = 0;
    for (size_t i = 0; i < count; i++)
        m = max2(m, fabs(a[i]));
    t->scale = scale > 0 ? scale : m > 0 ? ldexp(1, -ilogb(m)) : 1;
    assert(m * t->scale < 2 && "a given scale must bring every value below 2");
    t->delta = 8.5 * 0x1p-24 + 1e-40;
}

static inline float to_float(const mib_kdtree *t, double v) { return (float)(v * t->scale); }

int mib_kdtree_build(const double *a, size_t n, size_t d, size_t leaf_size, double scale,
                     int threads, mib_kdtree **out, mib_err *err)
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
    t->nodes = malloc(maxnodes * sizeof *t->nodes);
    t->leaves = malloc(maxnodes * sizeof *t->leaves);
    t->box = malloc(maxnodes * 2 * d * sizeof *t->box);
    t->fbox = malloc(maxnodes * 2 * d * sizeof *t->fbox);
    if (!t->pts || !t->perm || !t->nodes || !t->leaves || !t->box || !t->fbox)
        goto nomem;
    memcpy(t->pts, a, n * d * sizeof *t->pts);
    for (size_t i = 0; i < n; i++)
        t->perm[i] = i;
    float_scale(t, a, n * d, scale);
    t->nnodes = nodes_of(n, leaf_size);
    t->nleaves = leaves_of(n, leaf_size);
    assert(t->nnodes <= maxnodes);
#pragma omp parallel num_threads(threads) if (threads > 1 && n > TASK_POINTS)
#pragma omp single
    build_node(t, 0, 0, n, 0, leaf_size, 1, 0);
    for (size_t i = 0; i < t->nnodes * 2 * d; i++)
        t->fbox[i] = to_float(t, t->box[i]);
    /* leaf blocks: d columns of G float slots each, padded with +inf */
    t->blocks = aligned_alloc(64, t->nleaves * d * G * sizeof *t->blocks);
    if (!t->blocks)
        goto nomem;
    for (size_t li = 0; li < t->nleaves; li++) {
        const mib_kdnode *nd = &t->nodes[t->leaves[li]];
        float *blk = t->blocks + li * d * G;
        for (size_t j = 0; j < d; j++)
            for (size_t slot = 0; slot < G; slot++)
                blk[j * G + slot] = nd->lo + slot < nd->hi
                                        ? to_float(t, t->pts[(nd->lo + slot) * d + j]) : INFINITY;
    }
    *out = t;
    return MIB_OK;
nomem:
    mib_kdtree_free(t);
    return mib_fail(err, MIB_ENOMEM, "out of memory for a KD-tree of %zu points", n);
}

void mib_kdtree_free(mib_kdtree *t)
{
    if (!t)
        return;
    free(t->pts);
    free(t->blocks);
    free(t->perm);
    free(t->nodes);
    free(t->leaves);
    free(t->box);
    free(t->fbox);
    free(t);
}

/* lb[a] = max-norm distance from float query a to the node's float box
 * (0 inside), for all G queries at once: a point x of the node is at
 * double distance >= lb[a] - delta from query a. */
static inline __attribute__((always_inline)) void
box_lower(const mib_kdtree *t, size_t node, const float *q, float *lb)
{
    const float *lo = fbox_lo(t, node), *hi = fbox_hi(t, node);
    for (int a = 0; a < G; a++)
        lb[a] = 0;
    for (size_t j = 0; j < t->d; j++) {
        const float l = lo[j], h = hi[j], *qj = q + j * G;
        for (int a = 0; a < G; a++)
            lb[a] = max2f(lb[a], max2f(l - qj[a], qj[a] - h));
    }
}

/* The k-NN lists of one group of queries: the points of one leaf. */
typedef struct group_knn {
    const mib_kdtree *t;
    size_t k, leaf, lo;
    const float *q;       /* scaled float queries: d columns of G (the leaf's block) */
    size_t *pos, *row;    /* query a's list at [a k, a k + k), sorted by (dist, row) */
    double *dist;
    size_t count[G];
    double worst[G];      /* k-th distance; +inf while the list is short */
    size_t wrow[G];       /* k-th original row; SIZE_MAX while short */
    float thr[G];         /* scaled worst + delta, rounded up: float tests pass below */
} group_knn;

/* Queries of bits for which the node could hold a better neighbour. */
static inline __attribute__((always_inline)) uint32_t
knn_active(const group_knn *g, size_t node, uint32_t bits)
{
    float lb[G];
    box_lower(g->t, node, g->q, lb);
    uint32_t act = 0;
    for (int a = 0; a < G; a++) /* no branches: the loop vectorises */
        act |= (uint32_t)(lb[a] <= g->thr[a]) << a;
    return act & bits;
}

/* Offer the point at position p (exact distance e, original row) to query a. */
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
        g->thr[a] = up_f(dist[k - 1] * g->t->scale + g->t->delta);
    }
}

/* Offer the points of leaf `node` to the queries in bits: float distances
 * for the whole block, the exact distance for those that pass. */
static inline __attribute__((always_inline)) void
knn_scan(group_knn *g, size_t node, uint32_t bits)
{
    const mib_kdtree *t = g->t;
    const mib_kdnode *nd = &t->nodes[node];
    const float *blk = mib_kdtree_leaf_block(t, node);
    const uint32_t valid = lane_mask(nd->hi - nd->lo);
    while (bits) {
        size_t a = (size_t)__builtin_ctz(bits);
        bits &= bits - 1;
        float m[G];
        for (int p = 0; p < G; p++)
            m[p] = 0;
        for (size_t j = 0; j < t->d; j++) {
            const float qa = g->q[j * G + a], *c = blk + j * G;
            for (int p = 0; p < G; p++)
                m[p] = max2f(m[p], fabsf(qa - c[p]));
        }
        uint32_t cand = 0;
        for (int p = 0; p < G; p++)
            cand |= (uint32_t)(m[p] <= g->thr[a]) << p;
        cand &= valid;
        if (node == g->leaf)
            cand &= ~((uint32_t)1 << a); /* not itself */
        const double *qd = t->pts + (g->lo + a) * t->d;
        while (cand) {
            size_t s = (size_t)__builtin_ctz(cand), p = nd->lo + s;
            cand &= cand - 1;
            if (m[s] <= g->thr[a]) /* the threshold shrinks as the list fills */
                knn_offer(g, a, exact_dist(qd, t->pts + p * t->d, t->d), p, t->perm[p]);
        }
    }
}

MIB_VECTOR_CLONES
void mib_kdtree_knn_group(const mib_kdtree *t, size_t leaf, size_t k, size_t *pos, size_t *row,
                          double *dist)
{
    const mib_kdnode *lf = &t->nodes[leaf];
    assert(lf->left == 0 && k >= 1 && k < t->n);
    group_knn g = {.t = t, .k = k, .leaf = leaf, .lo = lf->lo, .q = mib_kdtree_leaf_block(t, leaf),
                   .pos = pos, .row = row, .dist = dist};
    for (int a = 0; a < G; a++) {
        g.count[a] = 0;
        g.worst[a] = INFINITY;
        g.wrow[a] = SIZE_MAX;
        g.thr[a] = INFINITY;
    }
    const uint32_t queries = lane_mask(lf->hi - lf->lo);
    knn_scan(&g, leaf, queries); /* own leaf first: the nearest points, tight bounds */
    /* then climb: at each ancestor search the sibling subtree, nearer child
     * first (for the first active query), so bounds tighten early */
    for (size_t from = leaf; from != 0; from = t->nodes[from].parent) {
        size_t first = t->nodes[t->nodes[from].parent].left;
        size_t stack[MAX_DEPTH], top = 0;
        stack[top++] = from == first ? first + 1 : first;
        while (top) {
            size_t node = stack[--top];
            uint32_t bits = knn_active(&g, node, queries);
            if (!bits)
                continue;
            size_t left = t->nodes[node].left;
            if (!left) {
                knn_scan(&g, node, bits);
                continue;
            }
            const float *q0 = g.q + __builtin_ctz(bits);
            float dl = 0, dr = 0;
            for (size_t j = 0; j < t->d; j++) {
                float qj = q0[j * G];
                dl = max2f(dl, max2f(fbox_lo(t, left)[j] - qj, qj - fbox_hi(t, left)[j]));
                dr = max2f(dr, max2f(fbox_lo(t, left + 1)[j] - qj, qj - fbox_hi(t, left + 1)[j]));
            }
            assert(top + 2 <= MAX_DEPTH);
            stack[top++] = dl <= dr ? left + 1 : left;
            stack[top++] = dl <= dr ? left : left + 1;
        }
    }
    for (size_t a = 0; a < lf->hi - lf->lo; a++)
        assert(g.count[a] == k);
}

/* Counts for a group of queries, the comparison fixed at compile time.
 * With two, columns [split, d) are tested against their own radius r2[a]
 * (a box of two half-widths: KSG-2's conditional counts), the columns
 * before split against r[a]; without, every column against r[a]. */
static inline __attribute__((always_inline)) void
count_impl(const mib_kdtree *t, const float *q, const double *qd, size_t qstride, size_t m,
           const double *r, size_t split, const double *r2, int strict, int two, size_t *count)
{
    size_t stack[MAX_DEPTH], top = 0;
    uint32_t masks[MAX_DEPTH];
    const size_t d = t->d, s1 = two ? split : d;
    float rlo[G], rhi[G], rlo2[G], rhi2[G]; /* float tests are sure below rlo and above rhi */
    for (int a = 0; a < G; a++) {
        rlo[a] = (size_t)a < m ? down_f(r[a] * t->scale - t->delta) : 0;
        rhi[a] = (size_t)a < m ? up_f(r[a] * t->scale + t->delta) : 0;
        rlo2[a] = two && (size_t)a < m ? down_f(r2[a] * t->scale - t->delta) : 0;
        rhi2[a] = two && (size_t)a < m ? up_f(r2[a] * t->scale + t->delta) : 0;
    }
    for (size_t a = 0; a < m; a++)
        count[a] = 0;
    stack[top] = 0;
    masks[top++] = lane_mask(m);
    while (top) {
        top--;
        const size_t node = stack[top];
        const uint32_t bits = masks[top];
        const mib_kdnode *nd = &t->nodes[node];
        const float *lo = fbox_lo(t, node), *hi = fbox_hi(t, node);
        float near[G], far[G], near2[G], far2[G];
        for (int a = 0; a < G; a++)
            near[a] = far[a] = near2[a] = far2[a] = 0;
        for (size_t j = 0; j < s1; j++) {
            const float l = lo[j], h = hi[j], *qj = q + j * G;
            for (int a = 0; a < G; a++) {
                float da = qj[a] - l, db = h - qj[a];
                near[a] = max2f(near[a], max2f(-da, -db));
                far[a] = max2f(far[a], max2f(da, db));
            }
        }
        for (size_t j = s1; two && j < d; j++) {
            const float l = lo[j], h = hi[j], *qj = q + j * G;
            for (int a = 0; a < G; a++) {
                float da = qj[a] - l, db = h - qj[a];
                near2[a] = max2f(near2[a], max2f(-da, -db));
                far2[a] = max2f(far2[a], max2f(da, db));
            }
        }
        uint32_t out = 0, in = 0; /* every point of the box is out / in */
        for (int a = 0; a < G; a++) {
            out |= (uint32_t)(near[a] > rhi[a] || (two && near2[a] > rhi2[a])) << a;
            in |= (uint32_t)(far[a] < rlo[a] && (!two || far2[a] < rlo2[a])) << a;
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
        const float *blk = mib_kdtree_leaf_block(t, node);
        const uint32_t valid = lane_mask(nd->hi - nd->lo);
        for (uint32_t b = partial; b; b &= b - 1) {
            const size_t a = (size_t)__builtin_ctz(b);
            float dm[G], dm2[G];
            for (int p = 0; p < G; p++)
                dm[p] = dm2[p] = 0;
            for (size_t j = 0; j < s1; j++) {
                const float qa = q[j * G + a], *c = blk + j * G;
                for (int p = 0; p < G; p++)
                    dm[p] = max2f(dm[p], fabsf(qa - c[p]));
            }
            for (size_t j = s1; two && j < d; j++) {
                const float qa = q[j * G + a], *c = blk + j * G;
                for (int p = 0; p < G; p++)
                    dm2[p] = max2f(dm2[p], fabsf(qa - c[p]));
            }
            uint32_t sure = 0, unsure = 0;
            for (int p = 0; p < G; p++) {
                sure |= (uint32_t)(dm[p] < rlo[a] && (!two || dm2[p] < rlo2[a])) << p;
                unsure |= (uint32_t)(dm[p] <= rhi[a] && (!two || dm2[p] <= rhi2[a])) << p;
            }
            sure &= valid; /* padding slots are +inf: never sure */
            unsure &= valid & ~sure;
            size_t c = (size_t)__builtin_popcount(sure);
            for (; unsure; unsure &= unsure - 1) { /* within delta of r: decide in double */
                const double *qa = qd + a * qstride,
                             *p = t->pts + (nd->lo + __builtin_ctz(unsure)) * d;
                double e = exact_dist(qa, p, s1), e2 = two ? exact_dist(qa + s1, p + s1, d - s1) : 0;
                c += strict ? e < r[a] && (!two || e2 < r2[a])
                            : e <= r[a] && (!two || e2 <= r2[a]);
            }
            count[a] += c;
        }
    }
}

MIB_VECTOR_CLONES
void mib_kdtree_count_group(const mib_kdtree *t, const float *qf, const double *qd,
                            size_t qstride, size_t m, const double *r, int strict,
                            size_t *count)
{
    assert(m >= 1 && m <= G);
    if (strict)
        count_impl(t, qf, qd, qstride, m, r, 0, NULL, 1, 0, count);
    else
        count_impl(t, qf, qd, qstride, m, r, 0, NULL, 0, 0, count);
}

MIB_VECTOR_CLONES
void mib_kdtree_count_group_box(const mib_kdtree *t, const float *qf, const double *qd,
                                size_t qstride, size_t m, const double *r, size_t split,
                                const double *r2, int strict, size_t *count)
{
    assert(m >= 1 && m <= G && split >= 1 && split < t->d);
    if (strict)
        count_impl(t, qf, qd, qstride, m, r, split, r2, 1, 1, count);
    else
        count_impl(t, qf, qd, qstride, m, r, split, r2, 0, 1, count);
}
