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


typedef struct knn_state {
    const mib_kdtree *t;
    const double *q;
    size_t self, k, count;
    size_t *pos;
    double *dist;
    size_t *row;
} knn_state;

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
        nd->block = (uint32_t)t->nleaves++;
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
    t->box = malloc(maxnodes * 2 * d * sizeof *t->box);
    if (!t->pts || !t->perm || !t->leaf || !t->nodes || !t->box) {
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
    free(t->box);
    free(t);
}

/* Lower bound of the max-norm distance from q to any point of the node's
 * box. Rounding is monotone, so lo[j] - q[j] <= x[j] - q[j] for x[j] >= lo[j]:
 * the bound never exceeds a distance the point test computes. */
static inline double box_min_dist(const mib_kdtree *t, size_t node, const double *q)
{
    const double *lo = box_lo(t, node), *hi = box_hi(t, node);
    double m = 0;

    for (size_t j = 0; j < t->d; j++)
        m = max2(m, max2(lo[j] - q[j], q[j] - hi[j]));
    return m;
}

/* A candidate (dist, row) beats the current k-th when the list is short
 * or it is smaller in (distance, row) order. */
static int knn_full(const knn_state *s) { return s->count == s->k; }

static int knn_skip(const knn_state *s, double bound, size_t minrow)
{
    if (!knn_full(s))
        return 0;
    double w = s->dist[s->k - 1];
    return bound > w || (bound == w && minrow >= s->row[s->k - 1]);
}

static inline __attribute__((always_inline)) void knn_scan_leaf(knn_state *s, size_t node)
{
    const mib_kdtree *t = s->t;
    const mib_kdnode *nd = &t->nodes[node];
    const size_t len = nd->hi - nd->lo;
    double m[MIB_KDTREE_LEAF_CAP];
    leaf_dists(t, s->q, node, m);
    for (size_t a = 0; a < len; a++) {
        size_t p = nd->lo + a;
        if (p == s->self)
            continue;
        int full = knn_full(s);
        double w = full ? s->dist[s->k - 1] : INFINITY, e = m[a];
        if (e > w)
            continue;
        size_t row = t->perm[p];
        if (full && e == w && row > s->row[s->k - 1])
            continue;
        /* insert into the sorted list, dropping the k-th when full */
        size_t i = full ? s->k - 1 : s->count++;
        while (i > 0 && (s->dist[i - 1] > e || (s->dist[i - 1] == e && s->row[i - 1] > row))) {
            s->dist[i] = s->dist[i - 1];
            s->pos[i] = s->pos[i - 1];
            s->row[i] = s->row[i - 1];
            i--;
        }
        s->dist[i] = e;
        s->pos[i] = p;
        s->row[i] = row;
    }
}

/* Search the subtree at node, nearer child first. */
static inline __attribute__((always_inline)) void knn_descend(knn_state *s, size_t node, double bound)
{
    const mib_kdtree *t = s->t;
    size_t stack[MAX_DEPTH];
    double bounds[MAX_DEPTH];
    size_t top = 0;
    stack[top] = node;
    bounds[top++] = bound;
    while (top) {
        top--;
        size_t nd = stack[top];
        if (knn_skip(s, bounds[top], t->nodes[nd].minrow))
            continue;
        size_t left = t->nodes[nd].left;
        if (!left) {
            knn_scan_leaf(s, nd);
            continue;
        }
        double bl = box_min_dist(t, left, s->q), br = box_min_dist(t, left + 1, s->q);
        int right_first = br < bl || (br == bl && t->nodes[left + 1].minrow < t->nodes[left].minrow);
        size_t near = right_first ? left + 1 : left, far = right_first ? left : left + 1;
        assert(top + 2 <= MAX_DEPTH);
        stack[top] = far;
        bounds[top++] = right_first ? bl : br;
        stack[top] = near;
        bounds[top++] = right_first ? br : bl;
    }
}

MIB_VECTOR_CLONES
void mib_kdtree_knn(const mib_kdtree *t, size_t p, size_t k, size_t *pos, size_t *row,
                    double *dist)
{
    assert(k >= 1 && k < t->n && p < t->n);
    knn_state s = {.t = t, .q = t->pts + p * t->d, .self = p, .k = k, .count = 0,
                   .pos = pos, .dist = dist, .row = row};
    size_t node = t->leaf[p];
    knn_scan_leaf(&s, node);
    while (node != 0) {
        size_t parent = t->nodes[node].parent, left = t->nodes[parent].left;
        size_t sib = node == left ? left + 1 : left;
        double b = box_min_dist(t, sib, s.q);
        if (!knn_skip(&s, b, t->nodes[sib].minrow))
            knn_descend(&s, sib, b);
        node = parent;
    }
    assert(s.count == k);
}

/* The count with the comparison fixed at compile time (strict or not), so
 * the inner loops are branch-free. */
static inline __attribute__((always_inline)) size_t
count_impl(const mib_kdtree *t, const double *q, double r, int strict)
{
    const size_t d = t->d;
    size_t stack[MAX_DEPTH], top = 0, count = 0;
    stack[top++] = 0;
    while (top) {
        size_t node = stack[--top];
        const double *lo = box_lo(t, node), *hi = box_hi(t, node);
        double near = 0, far = 0;

        for (size_t j = 0; j < d; j++) {
            double a = q[j] - lo[j], b = hi[j] - q[j]; /* rounding is monotone, see above */
            near = max2(near, max2(-a, -b));
            far = max2(far, max2(a, b));
        }
        if (strict ? near >= r : near > r)
            continue;
        const mib_kdnode *nd = &t->nodes[node];
        if (strict ? far < r : far <= r) {
            count += nd->hi - nd->lo;
            continue;
        }
        if (nd->left) {
            assert(top + 2 <= MAX_DEPTH);
            stack[top++] = nd->left;
            stack[top++] = nd->left + 1;
            continue;
        }
        /* leaf: all distances (vectorised), then the test */
        const size_t len = nd->hi - nd->lo;
        double m[MIB_KDTREE_LEAF_CAP];
        leaf_dists(t, q, node, m);
        for (size_t p = 0; p < len; p++)
            count += strict ? m[p] < r : m[p] <= r;
    }
    return count;
}

MIB_VECTOR_CLONES
size_t mib_kdtree_count(const mib_kdtree *t, const double *q, double r, int strict)
{
    return strict ? count_impl(t, q, r, 1) : count_impl(t, q, r, 0);
}
