/* ksg.c - KSG estimators 1 and 2 (Kraskov, Stoegbauer, Grassberger 2004,
 * Phys. Rev. E 69, 066138), max-norm in the joint space, any dx and dy.
 *   KSG-1: psi(k) + psi(N) - <psi(nx+1) + psi(ny+1)>, nx = #{j != i :
 *          ||x_j - x_i|| < eps_i}, eps_i the joint k-th neighbour distance.
 *   KSG-2: psi(k) - 1/k + psi(N) - <psi(nx) + psi(ny)>, nx = #{j != i :
 *          ||x_j - x_i|| <= eps_x,i}, eps_x,i the x-extent of the k neighbours.
 * With a conditioning block Z, I(X;Y|Z) from neighbours in the joint (x, y,
 * z) space (Frenzel & Pompe 2007, Phys. Rev. Lett. 99, 204101; Vejmelka &
 * Palus 2008):
 *   KSG-1: psi(k) - <psi(nxz+1) + psi(nyz+1) - psi(nz+1)>, the same strict
 *          counts of other points within eps_i in the xz, yz and z spaces.
 *   KSG-2: psi(k) - 2/k + <psi(nz) - psi(nxz) + 1/nxz - psi(nyz) + 1/nyz>
 *          (JIDT's ConditionalMutualInfoCalculatorMultiVariateKraskov2):
 *          other points with ||z_j - z_i|| <= eps_z,i and, for nxz,
 *          ||x_j - x_i|| <= eps_x,i (a box of the two extents; nyz alike).
 * The joint block is laid out [x z y], so the xz, z and zy spaces are each
 * one run of its columns.
 * Joint k-NN on a max-norm KD-tree (kdtree.c), a leaf's points at a time;
 * marginal counts on a KD-tree, or for a 1-D marginal a sorted array swept
 * in rank order after the joint pass, each rank's window edges found from
 * its neighbour's (O(1) amortised, sequential memory): O(N log N) time for
 * spread data, O(N (dx + dy)) memory, never N x N. OpenMP over joint leaves,
 * rank chunks and the marginals' builds; each count lands in its own slot
 * and the psi terms are summed from a histogram of the counts, so the result
 * is the same bits for any thread count or row order. Nats. Ties: see
 * README, "KSG conventions" (never psi(0)). */
#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/knn/kdtree.h"
#include "estimators/knn/ksg.h"
#include "estimators/knn/strips.h"
#include "mibench/rng.h"

#define LEAF_SIZE 32
#define JITTER_SEED 0x4b5347u /* "KSG": jitter is the same on every call */

enum { P_K, P_STANDARDIZE, P_JITTER };

static const mib_param_spec ksg_params[] = {
    {.name = "k", .kind = MIB_PARAM_INT, .def = "3", .min = 1, .max = 10000,
     .help = "neighbours in the joint space (KSG recommend 2-4)"},
    {.name = "standardize", .kind = MIB_PARAM_INT, .def = "1", .min = 0, .max = 1,
     .help = "1: centre each column and scale it to unit variance first"},
    {.name = "jitter", .kind = MIB_PARAM_REAL, .def = "1e-10", .min = 0, .max = 1,
     .help = "add uniform noise of this half-width times each column's standard "
             "deviation (fixed seed) to break ties; 0: none"},
    {.name = NULL},
};

/* Counting structure for one marginal, the joint columns [off, off + d):
 * a KD-tree, or for d == 1 the values in ascending order, each point's
 * position among them (points numbered in joint-tree order, so the main
 * loop reads ranks in order) and each rank's radius, filled by the joint
 * pass and swept afterwards. split > 0: a box count, the columns from
 * split on against a second radius (KSG-2 with Z). */
typedef struct marginal {
    size_t n, d, off, split;
    mib_kdtree *tree;
    double *sorted;
    uint32_t *rank;
    double *rad; /* d == 1: the radius of the point at each rank */
} marginal;

static void marginal_free(marginal *m)
{
    mib_kdtree_free(m->tree);
    free(m->sorted);
    free(m->rank);
    free(m->rad);
}

/* Columns [off, off + d) of the joint tree's points (in its order; a tree
 * over them shares the joint tree's float scale, so that the joint leaf
 * blocks can serve as its queries). */
static int marginal_build(marginal *m, const mib_kdtree *joint, size_t off, size_t d,
                          size_t split, int threads, mib_err *err)
{
    int st = MIB_OK;
    const size_t n = joint->n, dj = joint->d;
    const double *z = joint->pts;
    double *a = malloc(n * d * sizeof *a);
    size_t *order = NULL;
    memset(m, 0, sizeof *m);
    m->n = n;
    m->d = d;
    m->off = off;
    m->split = split;
    if (!a) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for %zu x %zu values", n, d);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        memcpy(a + i * d, z + i * dj + off, d * sizeof *a);
    if (d > 1) {
        st = mib_kdtree_build(a, n, d, LEAF_SIZE, joint->scale, threads, &m->tree, err);
        goto done;
    }
    order = malloc(n * sizeof *order);
    m->sorted = malloc(n * sizeof *m->sorted);
    m->rank = malloc(n * sizeof *m->rank);
    m->rad = malloc(n * sizeof *m->rad);
    if (!order || !m->sorted || !m->rank || !m->rad) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory sorting %zu values", n);
        goto done;
    }
    if ((st = mib_columns_order(a, n, 1, 0, order, err)))
        goto done;
    for (size_t p = 0; p < n; p++) {
        m->sorted[p] = a[order[p]];
        m->rank[order[p]] = (uint32_t)p;
    }
done:
    free(a);
    free(order);
    return st;
}

static inline int within(double q, double v, double r, int strict)
{
    double e = fabs(q - v);
    return strict ? e < r : e <= r;
}

/* Last i in [p, n) with within(s[p], s[i], r), searching outward from
 * the guess g in [p, n) (exponential, then halving); within(s[p], s[p]) must
 * hold. The test is monotone in i (as in sorted_count), so this is the
 * exact brute-force boundary wherever the search starts. */
static inline size_t right_edge(const double *s, size_t n, size_t p, size_t g, double r,
                                int strict)
{
    const double q = s[p];
    size_t lo, hi, step = 1; /* s[lo] in, s[hi] out (or hi == n) */
    if (within(q, s[g], r, strict)) {
        lo = g;
        while (lo + step < n && within(q, s[lo + step], r, strict)) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < n ? lo + step : n;
    } else {
        hi = g;
        while (step < hi - p && !within(q, s[hi - step], r, strict)) {
            hi -= step;
            step *= 2;
        }
        lo = step < hi - p ? hi - step : p;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (within(q, s[mid], r, strict))
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* First i in [0, p] with within(s[p], s[i], r), from the guess g in [0, p];
 * mirror of right_edge. */
static inline size_t left_edge(const double *s, size_t p, size_t g, double r, int strict)
{
    const double q = s[p];
    size_t lo, hi, step = 1; /* s[lo] out (or lo == SIZE_MAX: before 0), s[hi] in */
    if (within(q, s[g], r, strict)) {
        hi = g;
        while (step <= hi && within(q, s[hi - step], r, strict)) {
            hi -= step;
            step *= 2;
        }
        lo = step <= hi ? hi - step : SIZE_MAX;
    } else {
        lo = g;
        while (lo + step < p && !within(q, s[lo + step], r, strict)) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < p ? lo + step : p;
    }
    while (hi - lo > 1) { /* lo may be SIZE_MAX: the unsigned wrap is exact */
        size_t mid = lo + (hi - lo) / 2;
        if (within(q, s[mid], r, strict))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The counts of the 1-D marginal for ranks [p0, p1) in rank order, each
 * search starting from a guess made from the previous rank's edges: the
 * density is the same there, so its window's extents scaled by the ratio
 * of the radii are off by about the square root of the window (O(log)
 * steps from the guess, sequential memory). count[p - p0] = points within
 * rad[p] of sorted[p], itself included when 0 passes the test. */
static inline __attribute__((always_inline)) void
sweep_impl(const marginal *mg, size_t p0, size_t p1, int strict, uint32_t *count)
{
    const double *s = mg->sorted;
    const size_t n = mg->n;
    double right = 0, left = 0, prev = 0; /* the last window's extents in ranks, its radius */
    for (size_t p = p0; p < p1; p++) {
        const double r = mg->rad[p];
        if (!within(s[p], s[p], r, strict)) {
            count[p - p0] = 0;
            continue;
        }
        const double f = prev > 0 ? r / prev : 1;
        const double gr = right * f, gl = left * f;
        const size_t R = right_edge(s, n, p, gr < (double)(n - 1 - p) ? p + (size_t)gr : n - 1,
                                    r, strict);
        const size_t L = left_edge(s, p, gl < (double)p ? p - (size_t)gl : 0, r, strict);
        count[p - p0] = (uint32_t)(R - L + 1);
        right = (double)(R - p);
        left = (double)(p - L);
        prev = r;
    }
}

static void marginal_sweep(const marginal *mg, size_t p0, size_t p1, int strict,
                           uint32_t *count)
{
    if (strict)
        sweep_impl(mg, p0, p1, 1, count);
    else
        sweep_impl(mg, p0, p1, 0, count);
}

/* For the m points of a joint leaf starting at position lo, whose marginal
 * coordinates are the float columns qf (MIB_KDTREE_LEAF_CAP apart) and the
 * double rows qd (qstride apart): with a tree, count[a] = points of the
 * marginal within r[a] of point lo + a (with a split, and within r2[a] on
 * the columns from the split on), itself included when 0 passes the test;
 * a 1-D marginal only files the radii by rank for marginal_sweep (returns
 * 0 then). */
static int marginal_count(const marginal *mg, size_t lo, size_t m, const float *qf,
                          const double *qd, size_t qstride, const double *r, const double *r2,
                          int strict, size_t *count)
{
    if (mg->tree && mg->split)
        mib_kdtree_count_group_box(mg->tree, qf, qd, qstride, m, r, mg->split, r2, strict,
                                   count);
    else if (mg->tree)
        mib_kdtree_count_group(mg->tree, qf, qd, qstride, m, r, strict, count);
    if (mg->tree)
        return 1;
    for (size_t a = 0; a < m; a++)
        mg->rad[mg->rank[lo + a]] = r[a];
    return 0;
}

static double psi_count(size_t v)
{
    return v <= (size_t)1 << 30 ? gsl_sf_psi_int((int)v) : gsl_sf_psi((double)v);
}

/* Per column j of z (n x dz): centre it and scale it to unit variance when
 * standardize; scale[j] gets jitter times the column's sd after that. */
static void column_scales(double *z, size_t n, size_t dz, int standardize, double jitter,
                          double *scale)
{
    for (size_t j = 0; j < dz; j++) {
        double mean, sd;
        mib_columns_moments(z, n, dz, j, &mean, &sd);
        if (standardize) {
            for (size_t i = 0; i < n; i++)
                z[i * dz + j] = (z[i * dz + j] - mean) / sd;
            sd = 1;
        }
        scale[j] = jitter * sd;
    }
}

/* Uniform noise of half-width scale[j] on column j, drawn in row-major
 * order: the order of the draws is part of the result. */
static void add_jitter(double *z, size_t n, size_t dz, const double *scale, gsl_rng *r)
{
    for (size_t i = 0; i < n * dz; i++)
        z[i] += scale[i % dz] * (2 * gsl_rng_uniform(r) - 1);
}

/* column_scales and add_jitter with the draws (one sequential stream) on
 * one thread while another scales the columns, when threads > 1 and the
 * n x dz buffer of draws can be had; the same bits either way. */
static void scale_and_jitter(double *z, size_t n, size_t dz, int standardize, double jitter,
                             double *scale, gsl_rng *r, int threads)
{
    double *u = r && threads > 1 && n >= 65536 ? malloc(n * dz * sizeof *u) : NULL;
    if (!u) {
        column_scales(z, n, dz, standardize, jitter, scale);
        if (r)
            add_jitter(z, n, dz, scale, r);
        return;
    }
#pragma omp parallel sections num_threads(2)
    {
#pragma omp section
        for (size_t i = 0; i < n * dz; i++)
            u[i] = 2 * gsl_rng_uniform(r) - 1;
#pragma omp section
        column_scales(z, n, dz, standardize, jitter, scale);
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n * dz; i++)
        z[i] += scale[i % dz] * u[i];
    free(u);
}

/* The joint block z = [x c y] (n x (dx + dc + dy), c the conditioning
 * block data->z, dc = data->dz, usually 0), centred and scaled per column
 * when standardize, plus uniform jitter of half-width jitter * (column
 * scale) from a fixed stream when jitter > 0 (up to `threads` threads;
 * the same bits for any). *out is NULL on failure. */
static int joint_block(const mib_data *data, int standardize, double jitter, int threads,
                       double **out, mib_err *err)
{
    const size_t n = data->n, dx = data->dx, dc = data->dz, dz = dx + dc + data->dy;
    double *z = malloc(n * dz * sizeof *z), *scale = NULL;
    gsl_rng *r = jitter > 0 ? mib_rng_alloc(JITTER_SEED) : NULL;
    int st = MIB_OK;
    *out = NULL;
    if (!z || (jitter > 0 && !r)) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory copying %zu x %zu values", n, dz);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(z + i * dz, data->x + i * dx, dx * sizeof *z);
        if (dc)
            memcpy(z + i * dz + dx, data->z + i * dc, dc * sizeof *z);
        memcpy(z + i * dz + dx + dc, data->y + i * data->dy, data->dy * sizeof *z);
    }
    if (!(scale = calloc(dz, sizeof *scale))) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory");
        goto done;
    }
    scale_and_jitter(z, n, dz, standardize, jitter, scale, r, threads);
    *out = z;
    z = NULL;
done:
    free(z);
    free(scale);
    gsl_rng_free(r);
    return st;
}

/* The marginals: X's side and Y's side (x, y; with Z: xz, zy), then z. */
enum { MX, MY, MZ };

/* Everything one KSG run holds; ksg_free frees it, built or half built. */
typedef struct ksg {
    size_t n, dx, dy, dz, k;
    int variant;       /* 1 or 2 */
    mib_kdtree *joint; /* over [x z y], after standardisation and jitter */
    size_t nm;         /* marginals: 2, or 3 with Z */
    marginal mg[3];
    uint32_t *cnt;     /* by joint-tree position: the nm counts of each point */
    size_t *hist;      /* n slots, for the psi sum */
} ksg;

static void ksg_free(ksg *g)
{
    free(g->cnt);
    free(g->hist);
    mib_kdtree_free(g->joint);
    for (size_t i = 0; i < 3; i++)
        marginal_free(&g->mg[i]);
}

/* The joint tree over the joint block (joint_block), the marginals from
 * its points, and the count buffers. On failure, what was built is g's,
 * for ksg_free. */
static int ksg_build(ksg *g, const mib_data *data, int standardize, double jitter,
                     int threads, mib_err *err)
{
    double *z;
    int st = joint_block(data, standardize, jitter, threads, &z, err);
    if (!st)
        st = mib_kdtree_build(z, g->n, g->dx + g->dz + g->dy, LEAF_SIZE, 0, threads, &g->joint,
                              err);
    free(z); /* the tree holds its own copy, in tree order */
    if (st)
        return st;
    /* the marginals side by side (the threads shared among them); each
     * fails into its own err copy, the first failure is reported. KSG-2
     * with Z counts in boxes: xz splits after x, zy after z. */
    const size_t dx = g->dx, dz = g->dz, box = g->variant == 2 && dz;
    const size_t off[3] = {0, dx, dx}, dim[3] = {dx + dz, dz + g->dy, dz};
    const size_t split[3] = {box ? dx : 0, box ? dz : 0, 0};
    mib_err e[3] = {{""}, {""}, {""}};
    int sm[3] = {MIB_OK, MIB_OK, MIB_OK};
    const int nm = (int)g->nm, part = threads > nm ? (threads + nm - 1) / nm : 1;
#pragma omp parallel for num_threads(nm) schedule(static, 1) if (threads > 1)
    for (int i = 0; i < nm; i++)
        sm[i] = marginal_build(&g->mg[i], g->joint, off[i], dim[i], split[i], part, &e[i]);
    for (int i = 0; i < nm; i++)
        if (sm[i]) {
            if (err)
                *err = e[i];
            return sm[i];
        }
    g->cnt = malloc(g->nm * g->n * sizeof *g->cnt);
    g->hist = calloc(g->n, sizeof *g->hist);
    if (!g->cnt || !g->hist)
        return mib_fail(err, MIB_ENOMEM, "out of memory for KSG on %zu samples", g->n);
    return MIB_OK;
}

/* The radii of the m points of a joint leaf starting at position lo, from
 * their k neighbours (positions tpos, distances tdist), into r[X|Y|Z][a]:
 * KSG-1 the joint k-th distance for all, KSG-2 the per-axis extents of the
 * k in x, y and z. Returns nonzero when a point's nearest neighbour is at
 * distance 0. */
static unsigned leaf_radii(const ksg *g, size_t lo, size_t m, const size_t *tpos,
                           const double *tdist, double (*r)[MIB_KDTREE_LEAF_CAP])
{
    const size_t k = g->k, dj = g->joint->d;
    const size_t first[3] = {0, g->dx + g->dz, g->dx}, last[3] = {g->dx, dj, g->dx + g->dz};
    unsigned ties = 0;
    for (size_t a = 0; a < m; a++) {
        ties |= tdist[a * k] == 0;
        if (g->variant == 1) {
            r[MX][a] = r[MY][a] = r[MZ][a] = tdist[a * k + k - 1];
            continue;
        }
        const double *me = g->joint->pts + (lo + a) * dj;
        for (int b = 0; b < 3; b++) { /* KSG-2: per-axis extents of the k neighbours */
            double e = 0;
            for (size_t i = 0; i < k; i++) {
                const double *p = g->joint->pts + tpos[a * k + i] * dj;
                for (size_t j = first[b]; j < last[b]; j++)
                    e = fmax(e, fabs(me[j] - p[j]));
            }
            r[b][a] = e;
        }
    }
    return ties;
}

/* The radius of marginal i (its first columns) and, for a box, of the
 * columns from its split on: xz is x then z, zy is z then y. */
static const double *first_radius(const ksg *g, double (*r)[MIB_KDTREE_LEAF_CAP], int i)
{
    return i == MY && g->mg[MY].split ? r[MZ] : r[i];
}

static const double *second_radius(const ksg *g, double (*r)[MIB_KDTREE_LEAF_CAP], int i)
{
    return !g->mg[i].split ? NULL : i == MX ? r[MZ] : r[MY];
}

/* One joint leaf: its points' k-NN together, then their marginal counts
 * together (kdtree.h explains the grouping), into g->cnt by position, so
 * the sum ignores which thread did which leaf. tpos, trow and tdist are
 * the calling thread's neighbour lists (MIB_KDTREE_LEAF_CAP x k). Returns
 * leaf_radii's tie flag. */
static unsigned count_leaf(const ksg *g, size_t li, size_t *tpos, size_t *trow, double *tdist)
{
    enum { G = MIB_KDTREE_LEAF_CAP };
    const mib_kdtree *joint = g->joint;
    const size_t dj = joint->d, nm = g->nm;
    const size_t leaf = joint->leaves[li], lo = joint->nodes[leaf].lo,
                 m = joint->nodes[leaf].hi - lo;
    const float *q = mib_kdtree_leaf_block(joint, leaf);
    const double *qd = joint->pts + lo * dj;
    double r[3][G];
    size_t c[G];
    mib_kdtree_knn_group(joint, leaf, g->k, tpos, trow, tdist);
    unsigned ties = leaf_radii(g, lo, m, tpos, tdist, r);
    for (size_t i = 0; i < nm; i++) {
        const marginal *mg = &g->mg[i];
        const double *r1 = first_radius(g, r, (int)i);
        if (!marginal_count(mg, lo, m, q + mg->off * G, qd + mg->off, dj, r1,
                            second_radius(g, r, (int)i), g->variant == 1, c))
            continue;
        /* remove the point itself, counted when |0| passes the test */
        for (size_t a = 0; a < m; a++)
            g->cnt[nm * (lo + a) + i] = (uint32_t)(c[a] - (g->variant == 2 || r1[a] > 0));
    }
    return ties;
}

/* A 1-D marginal's counts, swept in rank order after the joint pass; they
 * go to cnt[nm p + which] by rank p, not by point: the sum only reads the
 * histograms of each marginal's counts, and every slot of that marginal is
 * filled once. */
static void sweep_marginal(const ksg *g, const marginal *mg, size_t which, int threads)
{
    enum { CHUNK = 4096 };
    const size_t n = g->n, nchunks = (n + CHUNK - 1) / CHUNK;
    const int strict = g->variant == 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (threads > 1)
    for (size_t c = 0; c < nchunks; c++) {
        uint32_t cnt[CHUNK];
        size_t p0 = c * CHUNK, p1 = p0 + CHUNK < n ? p0 + CHUNK : n;
        marginal_sweep(mg, p0, p1, strict, cnt);
        for (size_t p = p0; p < p1; p++) {
            /* KSG-1 counts itself only when its radius is > 0 (strict test) */
            uint32_t self = g->variant == 2 || mg->rad[p] > 0;
            g->cnt[g->nm * p + which] = cnt[p - p0] - self;
        }
    }
}

/* Every point's marginal counts, the joint leaves shared among threads;
 * *ties gets whether any point has a duplicate. */
static int count_all(const ksg *g, int threads, unsigned *ties, mib_err *err)
{
    const size_t G = MIB_KDTREE_LEAF_CAP, k = g->k;
    unsigned t = 0;
    int failed = 0;
#pragma omp parallel num_threads(threads) reduction(| : t, failed)
    {
        size_t *tpos = malloc(G * k * sizeof *tpos), *trow = malloc(G * k * sizeof *trow);
        double *tdist = malloc(G * k * sizeof *tdist);
        const int ok = tpos && trow && tdist;
        failed |= !ok;
#pragma omp for schedule(dynamic, 16)
        for (size_t li = 0; li < g->joint->nleaves; li++)
            if (ok)
                t |= count_leaf(g, li, tpos, trow, tdist);
        free(tpos);
        free(trow);
        free(tdist);
    }
    if (failed)
        return mib_fail(err, MIB_ENOMEM, "out of memory for KSG's neighbour lists (k=%zu)", k);
    for (size_t i = 0; i < g->nm; i++)
        if (!g->mg[i].tree)
            sweep_marginal(g, &g->mg[i], i, threads);
    *ties = t;
    return MIB_OK;
}

/* 1-D x and 1-D y without Z: the joint neighbours from sorted strips
 * (strips.c) rather than the KD-tree, the same doubles, and the two
 * marginals straight from the sorts and the strips' radii (no tree, no
 * gather). *planar = 0, nothing done, where the strips would be slow: KSG-2
 * on data with coincident points (strips.h), or points the strips give up
 * on; the KD-tree then. */
static int ksg_plane(ksg *g, const mib_data *data, int standardize, double jitter, int threads,
                     unsigned *ties, int *planar, mib_err *err)
{
    const size_t n = g->n;
    double *z = NULL;
    size_t *order[2] = {malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t))};
    mib_err e[2] = {{""}, {""}};
    int so[2] = {MIB_OK, MIB_OK};
    int st = joint_block(data, standardize, jitter, threads, &z, err);
    *planar = 0;
    if (st)
        goto done;
    for (int c = 0; c < 2; c++) {
        g->mg[c] = (marginal){.n = n, .d = 1, .off = (size_t)c};
        g->mg[c].sorted = malloc(n * sizeof(double));
        g->mg[c].rad = malloc(n * sizeof(double));
        if (!order[c] || !g->mg[c].sorted || !g->mg[c].rad) {
            st = mib_fail(err, MIB_ENOMEM, "out of memory for KSG on %zu samples", n);
            goto done;
        }
    }
#pragma omp parallel for num_threads(2) schedule(static, 1) if (threads > 1)
    for (int c = 0; c < 2; c++)
        so[c] = mib_columns_sort(z, n, 2, (size_t)c, order[c], g->mg[c].sorted, &e[c]);
    for (int c = 0; c < 2; c++)
        if (so[c]) {
            st = so[c];
            if (err)
                *err = e[c];
            goto done;
        }
    const int v2 = g->variant == 2;
    if (v2 && mib_strips_has_duplicates(z, n, order[1]))
        goto done;
    free(z);
    z = NULL;
    const mib_strips_in in = {.n = n, .order = {order[0], order[1]},
                              .sorted = {g->mg[0].sorted, g->mg[1].sorted}};
    mib_strips_out out = {.r = {g->mg[0].rad, g->mg[1].rad}};
    if ((st = mib_strips_knn(&in, g->k, v2, threads, &out, err)) || out.gave_up)
        goto done;
    *planar = 1;
    *ties = out.ties;
    g->cnt = malloc(g->nm * n * sizeof *g->cnt);
    g->hist = calloc(n, sizeof *g->hist);
    if (!g->cnt || !g->hist) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for KSG on %zu samples", n);
        goto done;
    }
    for (size_t c = 0; c < 2; c++)
        sweep_marginal(g, &g->mg[c], c, threads);
done:
    if (!*planar) /* the tree builds its own marginals */
        for (int c = 0; c < 2; c++) {
            marginal_free(&g->mg[c]);
            g->mg[c] = (marginal){0};
        }
    free(z);
    free(order[0]);
    free(order[1]);
    return st;
}

/* sum over points of f(count of marginals [i0, i1)), f(c) = psi(c + off) -
 * inv / c, from a histogram of the counts: exact and order-free, so the
 * same bits for any thread count. */
static double psi_sum(ksg *g, size_t i0, size_t i1, size_t off, int inv)
{
    const size_t n = g->n, nm = g->nm;
    memset(g->hist, 0, n * sizeof *g->hist);
    for (size_t p = 0; p < n; p++)
        for (size_t i = i0; i < i1; i++)
            g->hist[g->cnt[nm * p + i]]++;
    assert(off == 1 || g->hist[0] == 0); /* KSG-2 counts include the k neighbours */
    double sum = 0;
    for (size_t v = 0; v < n; v++)
        if (g->hist[v])
            sum += (double)g->hist[v] * (psi_count(v + off) - (inv ? 1.0 / (double)v : 0));
    return sum;
}

/* The estimate from the counts: psi(k) - <f(nx) + f(ny)> + psi(N), or with
 * Z + <psi(nz + off)>, and KSG-2's -1/k (with Z -2/k and f's +1/n). */
static double ksg_sum(ksg *g)
{
    const size_t n = g->n, k = g->k, off = g->variant == 1 ? 1 : 0;
    const int v2 = g->variant == 2, cond = g->dz > 0;
    double zterm = cond ? psi_sum(g, MZ, MZ + 1, off, 0) / (double)n : psi_count(n);
    double xy = psi_sum(g, MX, MY + 1, off, v2 && cond) / (double)n;
    return psi_count(k) - (v2 ? (cond ? 2.0 : 1.0) / (double)k : 0) + zterm - xy;
}

static int ksg_run(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                   mib_result *res, mib_err *err, int variant)
{
    ksg g = {.n = data->n, .dx = data->dx, .dy = data->dy, .dz = data->dz,
             .k = (size_t)mib_spec_num(spec, P_K), .variant = variant,
             .nm = data->dz ? 3 : 2};
    const int standardize = (int)mib_spec_num(spec, P_STANDARDIZE);
    const double jitter = mib_spec_num(spec, P_JITTER);
    const int threads = ws->threads > 0 ? ws->threads : 1;
    unsigned ties = 0;
    int st;

    if (g.n <= g.k)
        return mib_fail(err, MIB_ESMALL,
                        "n=%zu samples is too few for k=%zu neighbours; KSG needs n > k", g.n, g.k);
    if (g.n >= UINT32_MAX)
        return mib_fail(err, MIB_ERESOURCE, "KSG takes fewer than 2^32 samples, got %zu", g.n);
    int planar = 0;
    if ((st = mib_columns_check_constant(data, err)) ||
        (g.dx == 1 && g.dy == 1 && g.dz == 0 &&
         (st = ksg_plane(&g, data, standardize, jitter, threads, &ties, &planar, err))) ||
        (!planar && ((st = ksg_build(&g, data, standardize, jitter, threads, err)) ||
                     (st = count_all(&g, threads, &ties, err)))))
        goto done;
    res->mi = ksg_sum(&g);
    res->flags |= (jitter > 0 ? MIB_RES_JITTER : 0) | (ties ? MIB_RES_TIES : 0);
done:
    ksg_free(&g);
    return st;
}

static int ksg1_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                         mib_result *res, mib_err *err)
{
    return ksg_run(data, spec, ws, res, err, 1);
}

static int ksg2_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                         mib_result *res, mib_err *err)
{
    return ksg_run(data, spec, ws, res, err, 2);
}

/* Bytes of a KD-tree over n points of dimension d: points and order,
 * float leaf blocks (leaves at least half full), nodes with both boxes. */
static double tree_bytes(double n, double d)
{
    double nodes = 4 * n / LEAF_SIZE;
    return n * (8 * d + 8) + 2 * n / LEAF_SIZE * d * MIB_KDTREE_LEAF_CAP * 4 +
           nodes * (28 + 24 * d);
}

/* Peak working memory: the joint block and its tree, the marginal trees
 * (or sorted values, ranks and the radix sort's scratch), the counts and
 * their histogram, the per-thread neighbour lists (for one thread); in the
 * plane, the strips' peak. */
static double ksg_memory(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    double dn = (double)n, dz = (double)(dx + dy);
    if (dx == 1 && dy == 1) /* the strips (ksg_plane): at the two sorts, the joint block,
                               orders, sorted columns and radii, and two radix scratches */
        return dn * 112;
    double k = mib_spec_num(spec, P_K);
    double mx = dx > 1 ? tree_bytes(dn, (double)dx) : dn * 52;
    double my = dy > 1 ? tree_bytes(dn, (double)dy) : dn * 52;
    return dn * dz * 8 + tree_bytes(dn, dz) + mx + my + dn * 16 +
           MIB_KDTREE_LEAF_CAP * k * 24;
}

const mib_estimator_type mib_estimator_ksg1 = {
    .info = {"ksg1", "Kraskov-Stoegbauer-Grassberger algorithm 1 (max-norm k-NN, strict counts)",
             ksg_params},
    .flags = MIB_EST_CONDITIONAL,
    .estimate = ksg1_estimate,
    .memory = ksg_memory,
    .cost = mib_cost_knn,
};

const mib_estimator_type mib_estimator_ksg2 = {
    .info = {"ksg2", "Kraskov-Stoegbauer-Grassberger algorithm 2 (per-axis extents, <= counts)",
             ksg_params},
    .flags = MIB_EST_CONDITIONAL,
    .estimate = ksg2_estimate,
    .memory = ksg_memory,
    .cost = mib_cost_knn,
};
