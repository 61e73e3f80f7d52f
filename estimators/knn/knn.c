/* knn.c - k-th neighbour distances, radius counts and the
 * Kozachenko-Leonenko entropy of one point set (Kozachenko & Leonenko 1987;
 * the max-norm form of Kraskov, Stoegbauer & Grassberger 2004, eq. 20) on
 * the max-norm KD-tree of kdtree.c, one leaf of queries at a time. The
 * Euclidean k-th distance comes from max-norm lists: a row outside the kk
 * max-norm nearest is at max-norm, hence Euclidean, distance >= the kk-th
 * max-norm distance, so once the k-th Euclidean distance among the kk is no
 * larger, it is the true one; otherwise kk doubles (at most to n - 1).
 * O(n log n) time for spread data (times about (sqrt d)^d more neighbours
 * for Euclid), O(n d) memory, never n x n. Nats. Every row's answer goes to
 * its own slot and sums run in row order: the same bits for any thread
 * count. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include "estimators/knn/kdtree.h"
#include "estimators/knn/knn.h"

#define LEAF_SIZE 32

enum { G = MIB_KDTREE_LEAF_CAP };

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Neighbour lists of one thread: G queries of up to cap neighbours each. */
typedef struct lists {
    size_t cap, *pos, *row;
    double *dist, *e;
} lists;

static int lists_grow(lists *l, size_t cap)
{
    if (cap <= l->cap)
        return 1;
    size_t *pos = realloc(l->pos, G * cap * sizeof *pos);
    if (pos)
        l->pos = pos;
    size_t *row = realloc(l->row, G * cap * sizeof *row);
    if (row)
        l->row = row;
    double *dist = realloc(l->dist, G * cap * sizeof *dist);
    if (dist)
        l->dist = dist;
    double *e = realloc(l->e, cap * sizeof *e);
    if (e)
        l->e = e;
    if (!pos || !row || !dist || !e)
        return 0;
    l->cap = cap;
    return 1;
}

static void lists_free(lists *l)
{
    free(l->pos);
    free(l->row);
    free(l->dist);
    free(l->e);
}

/* The k-th distances of the points of joint leaf li into eps by original
 * row; 0 when the lists could not grow. */
static int leaf_distances(const mib_kdtree *t, size_t li, size_t k, int euclid, lists *l,
                          double *eps)
{
    const size_t leaf = t->leaves[li], lo = t->nodes[leaf].lo, m = t->nodes[leaf].hi - lo;
    const size_t d = t->d;
    for (size_t kk = k;; kk = 2 * kk < t->n - 1 ? 2 * kk : t->n - 1) {
        if (!lists_grow(l, kk))
            return 0;
        mib_kdtree_knn_group(t, leaf, kk, l->pos, l->row, l->dist);
        int sure = 1;
        for (size_t a = 0; a < m && sure; a++) {
            if (!euclid) {
                eps[t->perm[lo + a]] = l->dist[a * kk + k - 1];
                continue;
            }
            const double *me = t->pts + (lo + a) * d;
            for (size_t i = 0; i < kk; i++) {
                /* scaled by the max-norm distance mx, so that squares of
                 * 1e-200 or 1e200 neither underflow nor overflow */
                const double *p = t->pts + l->pos[a * kk + i] * d, mx = l->dist[a * kk + i];
                double s = 0;
                for (size_t j = 0; mx > 0 && j < d; j++)
                    s += ((me[j] - p[j]) / mx) * ((me[j] - p[j]) / mx);
                l->e[i] = mx > 0 ? mx * sqrt(s) : 0;
            }
            qsort(l->e, kk, sizeof *l->e, cmp_double);
            /* rows beyond the list are at least dist[kk - 1] away */
            sure = kk == t->n - 1 || l->e[k - 1] <= l->dist[a * kk + kk - 1];
            eps[t->perm[lo + a]] = l->e[k - 1];
        }
        if (sure)
            return 1;
    }
}

int mib_knn_distances(const double *a, size_t n, size_t d, size_t k, int euclid, int threads,
                      double *eps, mib_err *err)
{
    mib_kdtree *t;
    int st = mib_kdtree_build(a, n, d, LEAF_SIZE, 0, threads, &t, err), failed = 0;
    if (st)
        return st;
#pragma omp parallel num_threads(threads) reduction(| : failed) if (threads > 1)
    {
        lists l = {0};
#pragma omp for schedule(dynamic, 16)
        for (size_t li = 0; li < t->nleaves; li++)
            if (!failed)
                failed |= !leaf_distances(t, li, k, euclid, &l, eps);
        lists_free(&l);
    }
    mib_kdtree_free(t);
    return failed ? mib_fail(err, MIB_ENOMEM, "out of memory for neighbour lists (k=%zu)", k)
                  : MIB_OK;
}

int mib_knn_counts(const double *a, size_t n, size_t d, const double *r, int strict,
                   int threads, size_t *count, mib_err *err)
{
    mib_kdtree *t;
    int st = mib_kdtree_build(a, n, d, LEAF_SIZE, 0, threads, &t, err);
    if (st)
        return st;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16) if (threads > 1)
    for (size_t li = 0; li < t->nleaves; li++) {
        const size_t leaf = t->leaves[li], lo = t->nodes[leaf].lo, m = t->nodes[leaf].hi - lo;
        double rr[G];
        size_t c[G];
        for (size_t q = 0; q < m; q++)
            rr[q] = r[t->perm[lo + q]];
        /* the queries are the leaf's own points: its float block serves */
        mib_kdtree_count_group(t, mib_kdtree_leaf_block(t, leaf), t->pts + lo * d, d, m, rr,
                               strict, c);
        for (size_t q = 0; q < m; q++)
            count[t->perm[lo + q]] = c[q];
    }
    mib_kdtree_free(t);
    return MIB_OK;
}

int mib_knn_kl_entropy(const double *a, size_t n, size_t d, size_t k, int euclid, int threads,
                       double *h, mib_err *err)
{
    double *eps = malloc(n * sizeof *eps), sum = 0;
    if (!eps)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu distances", n);
    int st = mib_knn_distances(a, n, d, k, euclid, threads, eps, err);
    for (size_t i = 0; !st && i < n; i++) {
        if (eps[i] == 0)
            st = mib_fail(err, MIB_EDATA, "row %zu has %zu or more exact duplicates (its "
                          "k-th neighbour distance is 0, k=%zu); the k-NN entropy needs "
                          "continuous data (raise k, or use the plug-in for discrete data)",
                          i, k, k);
        else
            sum += log(eps[i]);
    }
    free(eps);
    if (st)
        return st;
    const double dd = (double)d;
    double log_cd = euclid ? 0.5 * dd * log(M_PI) - gsl_sf_lngamma(0.5 * dd + 1) : dd * M_LN2;
    *h = gsl_sf_psi((double)n) - gsl_sf_psi((double)k) + log_cd + dd * sum / (double)n;
    return MIB_OK;
}
