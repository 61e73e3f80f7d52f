/* ksg.c - KSG estimators 1 and 2 (Kraskov, Stoegbauer, Grassberger 2004,
 * Phys. Rev. E 69, 066138), max-norm in the joint space, any dx and dy.
 *   KSG-1: psi(k) + psi(N) - <psi(nx+1) + psi(ny+1)>, nx = #{j != i :
 *          ||x_j - x_i|| < eps_i}, eps_i the joint k-th neighbour distance.
 *   KSG-2: psi(k) - 1/k + psi(N) - <psi(nx) + psi(ny)>, nx = #{j != i :
 *          ||x_j - x_i|| <= eps_x,i}, eps_x,i the x-extent of the k neighbours.
 * Joint k-NN on a max-norm KD-tree (kdtree.c), a leaf's points at a time;
 * marginal counts on a KD-tree, or for a 1-D marginal a sorted array
 * searched outward from the point's own rank: O(N log N) time for spread
 * data, O(N (dx + dy)) memory, never N x N. OpenMP over joint leaves; each
 * point's counts land in its own slot and the psi terms are summed from a
 * histogram of the counts, so the result is the same bits for any thread
 * count or row order. Nats. Ties: see README, "KSG conventions" (never psi(0)). */
#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include "estimators/columns.h"
#include "estimators/knn/kdtree.h"
#include "estimators/knn/ksg.h"
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

/* Counting structure for one marginal: a KD-tree, or for d == 1 the
 * values in ascending order and each point's position among them (points
 * numbered in joint-tree order, so the main loop reads ranks in order). */
typedef struct marginal {
    size_t n, d;
    mib_kdtree *tree;
    double *sorted;
    uint32_t *rank;
} marginal;

static void marginal_free(marginal *m)
{
    mib_kdtree_free(m->tree);
    free(m->sorted);
    free(m->rank);
}

/* Columns [off, off + d) of the joint tree's points (in its order; a tree
 * over them shares the joint tree's float scale, so that the joint leaf
 * blocks can serve as its queries). */
static int marginal_build(marginal *m, const mib_kdtree *joint, size_t off, size_t d,
                          mib_err *err)
{
    int st = MIB_OK;
    const size_t n = joint->n, dz = joint->d;
    const double *z = joint->pts;
    double *a = malloc(n * d * sizeof *a);
    size_t *order = NULL;
    memset(m, 0, sizeof *m);
    m->n = n;
    m->d = d;
    if (!a) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for %zu x %zu values", n, d);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        memcpy(a + i * d, z + i * dz + off, d * sizeof *a);
    if (d > 1) {
        st = mib_kdtree_build(a, n, d, LEAF_SIZE, joint->scale, &m->tree, err);
        goto done;
    }
    order = malloc(n * sizeof *order);
    m->sorted = malloc(n * sizeof *m->sorted);
    m->rank = malloc(n * sizeof *m->rank);
    if (!order || !m->sorted || !m->rank) {
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

/* First position in [base, base + len) where within() holds, given that it
 * holds at base + len - 1 and is monotone (false ... false true ... true);
 * with flip, the first where it fails, given that it fails at the end (or
 * the end is the array's end, which is never read). Branch-free halving. */
static inline size_t first_change(const double *s, size_t base, size_t len, double q, double r,
                                  int strict, int flip)
{
    while (len > 1) {
        size_t half = len / 2;
        base = (within(q, s[base + half - 1], r, strict) != flip) ? base : base + half;
        len -= half;
    }
    return base;
}

/* Points of a sorted array within r of s[p] (p itself included), found by
 * galloping outward from p, then halving. |s[p] - s[i]| is monotone in i
 * on each side of p (rounding is monotone), so the test is exactly the
 * brute-force one. O(log count). */
static inline __attribute__((always_inline)) size_t
sorted_count(const double *s, size_t n, size_t p, double r, int strict)
{
    double q = s[p];
    if (!within(q, q, r, strict))
        return 0;
    size_t good = p, step = 1; /* right side: s[good] is in */
    while (good + step < n && within(q, s[good + step], r, strict)) {
        good += step;
        step *= 2;
    }
    size_t bad = good + step < n ? good + step : n; /* s[bad] is out, or bad == n */
    size_t right = first_change(s, good + 1, bad - good, q, r, strict, 1) - 1;
    good = p; /* left side, mirrored */
    step = 1;
    while (step <= good && within(q, s[good - step], r, strict)) {
        good -= step;
        step *= 2;
    }
    size_t lo = step <= good ? good - step + 1 : 0; /* s[lo - 1] is out, or lo == 0 */
    size_t left = first_change(s, lo, good - lo + 1, q, r, strict, 0);
    return right - left + 1;
}

/* For the m points of a joint leaf starting at position lo, whose marginal
 * coordinates are the float columns qf (MIB_KDTREE_LEAF_CAP apart) and the
 * double rows qd (qstride apart): count[a] = points of the marginal within
 * r[a] of point lo + a, itself included when 0 passes the test. */
static void marginal_count(const marginal *mg, size_t lo, size_t m, const float *qf,
                           const double *qd, size_t qstride, const double *r, int strict,
                           size_t *count)
{
    if (mg->tree) {
        mib_kdtree_count_group(mg->tree, qf, qd, qstride, m, r, strict, count);
        return;
    }
    for (size_t a = 0; a < m; a++)
        count[a] = strict ? sorted_count(mg->sorted, mg->n, mg->rank[lo + a], r[a], 1)
                          : sorted_count(mg->sorted, mg->n, mg->rank[lo + a], r[a], 0);
}

static double psi_count(size_t v)
{
    return v <= (size_t)1 << 30 ? gsl_sf_psi_int((int)v) : gsl_sf_psi((double)v);
}

/* The joint block z = [x y] (n x (dx + dy)), centred and scaled per column
 * when standardize, plus uniform jitter of half-width jitter * (column
 * scale) from a fixed stream when jitter > 0. */
static int joint_block(const mib_data *data, int standardize, double jitter, double **out,
                       mib_err *err)
{
    const size_t n = data->n, dx = data->dx, dz = data->dx + data->dy;
    double *z = malloc(n * dz * sizeof *z);
    gsl_rng *r = jitter > 0 ? mib_rng_alloc(JITTER_SEED) : NULL;
    *out = NULL;
    if (!z || (jitter > 0 && !r)) {
        free(z);
        gsl_rng_free(r);
        return mib_fail(err, MIB_ENOMEM, "out of memory copying %zu x %zu values", n, dz);
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(z + i * dz, data->x + i * dx, dx * sizeof *z);
        memcpy(z + i * dz + dx, data->y + i * data->dy, data->dy * sizeof *z);
    }
    double *scale = calloc(dz, sizeof *scale);
    if (!scale) {
        free(z);
        gsl_rng_free(r);
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    }
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
    if (r)
        for (size_t i = 0; i < n * dz; i++)
            z[i] += scale[i % dz] * (2 * gsl_rng_uniform(r) - 1);
    free(scale);
    gsl_rng_free(r);
    *out = z;
    return MIB_OK;
}

static int ksg_run(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                   mib_result *res, mib_err *err, int variant)
{
    const size_t n = data->n, dx = data->dx, dy = data->dy, dz = dx + dy;
    const size_t k = (size_t)mib_spec_num(spec, P_K);
    const int standardize = (int)mib_spec_num(spec, P_STANDARDIZE);
    const double jitter = mib_spec_num(spec, P_JITTER);
    const int threads = ws->threads > 0 ? ws->threads : 1;
    int st;
    double *z = NULL;
    mib_kdtree *joint = NULL;
    marginal mx = {0}, my = {0};
    uint32_t *cnt = NULL;
    size_t *hist = NULL;
    unsigned ties = 0;

    if (n <= k)
        return mib_fail(err, MIB_ESMALL,
                        "n=%zu samples is too few for k=%zu neighbours; KSG needs n > k", n, k);
    if (n >= UINT32_MAX)
        return mib_fail(err, MIB_ERESOURCE, "KSG takes fewer than 2^32 samples, got %zu", n);
    if ((st = mib_columns_check_constant(data, err)) ||
        (st = joint_block(data, standardize, jitter, &z, err)) ||
        (st = mib_kdtree_build(z, n, dz, LEAF_SIZE, 0, &joint, err)))
        goto done;
    free(z); /* the tree holds its own copy, in tree order */
    z = NULL;
    if ((st = marginal_build(&mx, joint, 0, dx, err)) ||
        (st = marginal_build(&my, joint, dx, dy, err)))
        goto done;
    enum { G = MIB_KDTREE_LEAF_CAP };
    cnt = malloc(2 * n * sizeof *cnt);
    hist = calloc(n, sizeof *hist);
    if (!cnt || !hist) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for KSG on %zu samples", n);
        goto done;
    }

    /* One joint leaf at a time: its points' k-NN together, then their
     * marginal counts together (kdtree.h explains the grouping). Each
     * thread has its own neighbour lists. */
    int failed = 0;
#pragma omp parallel num_threads(threads) reduction(| : ties, failed)
    {
        size_t *tpos = malloc(G * k * sizeof *tpos), *trow = malloc(G * k * sizeof *trow);
        double *tdist = malloc(G * k * sizeof *tdist), rx[G], ry[G];
        size_t nx[G], ny[G];
        const int ok = tpos && trow && tdist;
        failed |= !ok;
#pragma omp for schedule(dynamic, 16)
        for (size_t li = 0; li < joint->nleaves; li++) {
            if (!ok)
                continue;
            const size_t leaf = joint->leaves[li], lo = joint->nodes[leaf].lo,
                         m = joint->nodes[leaf].hi - lo;
            const float *q = mib_kdtree_leaf_block(joint, leaf);
            const double *qd = joint->pts + lo * dz;
            mib_kdtree_knn_group(joint, leaf, k, tpos, trow, tdist);
            for (size_t a = 0; a < m; a++) {
                ties |= tdist[a * k] == 0;
                if (variant == 1) {
                    rx[a] = ry[a] = tdist[a * k + k - 1];
                    continue;
                }
                double ex = 0, ey = 0; /* KSG-2: per-axis extents of the k neighbours */
                const double *me = joint->pts + (lo + a) * dz;
                for (size_t i = 0; i < k; i++) {
                    const double *r = joint->pts + tpos[a * k + i] * dz;
                    for (size_t j = 0; j < dx; j++)
                        ex = fmax(ex, fabs(me[j] - r[j]));
                    for (size_t j = dx; j < dz; j++)
                        ey = fmax(ey, fabs(me[j] - r[j]));
                }
                rx[a] = ex;
                ry[a] = ey;
            }
            marginal_count(&mx, lo, m, q, qd, dz, rx, variant == 1, nx);
            marginal_count(&my, lo, m, q + dx * G, qd + dx, dz, ry, variant == 1, ny);
            for (size_t a = 0; a < m; a++) {
                /* remove the point itself, counted when |0| passes the test */
                size_t self = variant == 2 || rx[a] > 0;
                cnt[2 * (lo + a)] = (uint32_t)(nx[a] - self); /* by position: the sum */
                cnt[2 * (lo + a) + 1] = (uint32_t)(ny[a] - self); /* ignores order */
            }
        }
        free(tpos);
        free(trow);
        free(tdist);
    }
    if (failed) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for KSG's neighbour lists (k=%zu)", k);
        goto done;
    }

    /* Sum psi over a histogram of the counts: exact and order-free. */
    const size_t off = variant == 1 ? 1 : 0;
    for (size_t i = 0; i < 2 * n; i++)
        hist[cnt[i]]++;
    double sum = 0;
    for (size_t v = 0; v < n; v++)
        if (hist[v])
            sum += (double)hist[v] * psi_count(v + off);
    assert(off == 1 || hist[0] == 0); /* KSG-2 counts include the k neighbours */
    res->mi = psi_count(k) + psi_count(n) - sum / (double)n - (variant == 2 ? 1.0 / (double)k : 0);
    res->flags |= (jitter > 0 ? MIB_RES_JITTER : 0) | (ties ? MIB_RES_TIES : 0);
done:
    free(z);
    free(cnt);
    free(hist);
    mib_kdtree_free(joint);
    marginal_free(&mx);
    marginal_free(&my);
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
 * their histogram, the per-thread neighbour lists (for one thread). */
static double ksg_memory(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    double dn = (double)n, dz = (double)(dx + dy);
    double k = mib_spec_num(spec, P_K);
    double mx = dx > 1 ? tree_bytes(dn, (double)dx) : dn * 44;
    double my = dy > 1 ? tree_bytes(dn, (double)dy) : dn * 44;
    return dn * dz * 8 + tree_bytes(dn, dz) + mx + my + dn * 16 +
           MIB_KDTREE_LEAF_CAP * k * 24;
}

const mib_estimator_type mib_estimator_ksg1 = {
    .info = {"ksg1", "Kraskov-Stoegbauer-Grassberger algorithm 1 (max-norm k-NN, strict counts)",
             ksg_params},
    .estimate = ksg1_estimate,
    .memory = ksg_memory,
};

const mib_estimator_type mib_estimator_ksg2 = {
    .info = {"ksg2", "Kraskov-Stoegbauer-Grassberger algorithm 2 (per-axis extents, <= counts)",
             ksg_params},
    .estimate = ksg2_estimate,
    .memory = ksg_memory,
};
