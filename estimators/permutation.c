/* permutation.c - permutation tests of I(X;Y) = 0 and of I(X;Y|Z) = 0
 * (significance.h): the estimate on the data, then on K copies whose Y rows
 * are shuffled, p = (1 + #{null >= observed}) / (K + 1) (the +1 counts the
 * observed data as one of the permutations, so p is valid at any K).
 * Shuffles: a uniform permutation of all rows without Z; within the strata
 * of an integer-valued Z (each stratum keeps its own Y values, so every
 * Z-Y count is unchanged); for other Z the local permutation of Runge 2018
 * ("Conditional independence testing based on a nearest-neighbor estimator
 * of conditional mutual information", AISTATS, Algorithm 1), below.
 * Cost: K + 1 estimates, O(n) per shuffle (local: O(n k) plus one
 * O(n log n) KD-tree search for the Z neighbours); memory O(n (dy + k))
 * per thread and K doubles. Permutation k uses the stream of seed
 * mib_rng_seed_combine(seed, k) and writes its own slot; the sums run in
 * k order, so the bits do not depend on the thread count. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "mibench/rng.h"
#include "mibench/significance.h"
#include "estimators/knn/kdtree.h"
#include "estimators/permutation.h"

enum { G = MIB_KDTREE_LEAF_CAP, LEAF_SIZE = 32 };

const char *mib_perm_scheme_name(int scheme)
{
    switch (scheme) {
    case MIB_PERM_PLAIN: return "plain";
    case MIB_PERM_STRATA: return "strata";
    case MIB_PERM_LOCAL: return "local";
    default: return "?";
    }
}

/* ---- the plan ---- */

typedef struct zkey {
    const double *z; /* the row's z values */
    size_t dz, row;
} zkey;

/* Lexicographic on z, then by row: strata are runs, in row order inside. */
static int cmp_zkey(const void *pa, const void *pb)
{
    const zkey *a = pa, *b = pb;
    for (size_t j = 0; j < a->dz; j++)
        if (a->z[j] != b->z[j])
            return a->z[j] < b->z[j] ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static int same_z(const double *a, const double *b, size_t dz)
{
    for (size_t j = 0; j < dz; j++)
        if (a[j] != b[j])
            return 0;
    return 1;
}

static int all_integers(const double *a, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (a[i] != floor(a[i]))
            return 0;
    return 1;
}

/* rows and start for one stratum (plain) or the strata of integer z. */
static int plan_strata(const mib_data *d, mib_perm_plan *p, mib_err *err)
{
    const size_t n = d->n;
    p->rows = malloc(n * sizeof *p->rows);
    p->start = malloc((n + 1) * sizeof *p->start);
    zkey *keys = d->dz ? malloc(n * sizeof *keys) : NULL;
    if (!p->rows || !p->start || (d->dz && !keys)) {
        free(keys);
        return mib_fail(err, MIB_ENOMEM, "permutation test: out of memory for %zu rows", n);
    }
    p->nstrata = 1;
    p->start[0] = 0;
    if (!d->dz) {
        for (size_t i = 0; i < n; i++)
            p->rows[i] = i;
    } else {
        for (size_t i = 0; i < n; i++)
            keys[i] = (zkey){.z = d->z + i * d->dz, .dz = d->dz, .row = i};
        qsort(keys, n, sizeof *keys, cmp_zkey);
        for (size_t i = 0; i < n; i++) {
            p->rows[i] = keys[i].row;
            if (i > 0 && !same_z(keys[i].z, keys[i - 1].z, d->dz))
                p->start[p->nstrata++] = i;
        }
    }
    p->start[p->nstrata] = n;
    free(keys);
    return MIB_OK;
}

/* nbr: row i, then its k - 1 nearest other rows in the max-norm over the
 * z columns divided by their standard deviations (Runge's k_perm includes
 * the row itself). */
static int plan_local(const mib_data *d, size_t k_perm, int threads, mib_perm_plan *p,
                      mib_err *err)
{
    const size_t n = d->n, dz = d->dz;
    p->k = k_perm < n ? k_perm : n;
    const size_t k = p->k, others = k - 1;
    double *zs = malloc(n * dz * sizeof *zs);
    p->nbr = malloc(n * k * sizeof *p->nbr);
    if (!zs || !p->nbr) {
        free(zs);
        return mib_fail(err, MIB_ENOMEM, "permutation test: out of memory for %zu rows", n);
    }
    for (size_t j = 0; j < dz; j++) {
        double mean = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            mean += d->z[i * dz + j];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (d->z[i * dz + j] - mean) * (d->z[i * dz + j] - mean);
        double sd = sqrt(ss / (double)(n - 1));
        for (size_t i = 0; i < n; i++)
            zs[i * dz + j] = (d->z[i * dz + j] - mean) / (sd > 0 ? sd : 1);
    }
    for (size_t i = 0; i < n; i++)
        p->nbr[i * k] = i;
    if (others == 0) { /* k_perm = 1: every row keeps its own Y */
        free(zs);
        return MIB_OK;
    }
    mib_kdtree *t = NULL;
    int st = mib_kdtree_build(zs, n, dz, LEAF_SIZE, 0, threads, &t, err);
    free(zs);
    if (st)
        return st;
    int failed = 0;
#pragma omp parallel num_threads(threads) reduction(|| : failed)
    {
        size_t *pos = malloc(G * others * sizeof *pos), *row = malloc(G * others * sizeof *row);
        double *dist = malloc(G * others * sizeof *dist);
        failed = !pos || !row || !dist;
#pragma omp for schedule(dynamic, 4)
        for (size_t li = 0; li < t->nleaves; li++) {
            if (failed)
                continue;
            const size_t leaf = t->leaves[li], lo = t->nodes[leaf].lo;
            const size_t m = t->nodes[leaf].hi - lo;
            mib_kdtree_knn_group(t, leaf, others, pos, row, dist);
            for (size_t a = 0; a < m; a++)
                memcpy(p->nbr + t->perm[lo + a] * k + 1, row + a * others,
                       others * sizeof *row);
        }
        free(pos);
        free(row);
        free(dist);
    }
    mib_kdtree_free(t);
    return failed ? mib_fail(err, MIB_ENOMEM, "permutation test: out of memory") : MIB_OK;
}

int mib_perm_plan_init(const mib_data *d, size_t k_perm, int threads, mib_perm_plan *p,
                       mib_err *err)
{
    memset(p, 0, sizeof *p);
    p->n = d->n;
    p->scheme = d->dz == 0                            ? MIB_PERM_PLAIN
                : all_integers(d->z, d->n * d->dz) ? MIB_PERM_STRATA
                                                     : MIB_PERM_LOCAL;
    int st = p->scheme == MIB_PERM_LOCAL ? plan_local(d, k_perm ? k_perm : 1, threads, p, err)
                                         : plan_strata(d, p, err);
    if (st)
        mib_perm_plan_free(p);
    return st;
}

void mib_perm_plan_free(mib_perm_plan *p)
{
    if (!p)
        return;
    free(p->rows);
    free(p->start);
    free(p->nbr);
    memset(p, 0, sizeof *p);
}

size_t mib_perm_scratch_len(const mib_perm_plan *p)
{
    return p->scheme == MIB_PERM_LOCAL ? 2 * p->n + p->k : p->n;
}

/* Runge 2018, Algorithm 1: visit the rows in a random order; row i shuffles
 * its k neighbours N_i (itself included) and takes the first one no row has
 * taken yet; when all k are taken it takes the last one of its shuffled
 * list, so that Y row repeats (the scheme is "best effort": a permutation
 * wherever the neighbourhoods allow one). tigramite's CMIknn does the same. */
static void draw_local(const mib_perm_plan *p, gsl_rng *r, size_t *scratch, size_t *perm)
{
    const size_t n = p->n, k = p->k;
    size_t *order = scratch, *used = scratch + n, *nb = scratch + 2 * n;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        used[i] = 0;
    }
    gsl_ran_shuffle(r, order, n, sizeof *order);
    for (size_t t = 0; t < n; t++) {
        size_t i = order[t], m = 0;
        memcpy(nb, p->nbr + i * k, k * sizeof *nb);
        gsl_ran_shuffle(r, nb, k, sizeof *nb);
        while (used[nb[m]] && m + 1 < k)
            m++;
        perm[i] = nb[m];
        used[nb[m]] = 1;
    }
}

void mib_perm_draw(const mib_perm_plan *p, gsl_rng *r, size_t *scratch, size_t *perm)
{
    if (p->scheme == MIB_PERM_LOCAL) {
        draw_local(p, r, scratch, perm);
        return;
    }
    memcpy(scratch, p->rows, p->n * sizeof *scratch);
    for (size_t s = 0; s < p->nstrata; s++)
        gsl_ran_shuffle(r, scratch + p->start[s], p->start[s + 1] - p->start[s],
                        sizeof *scratch);
    for (size_t i = 0; i < p->n; i++)
        perm[p->rows[i]] = scratch[i];
}

/* ---- the test ---- */

/* What the null estimates share, read-only. */
typedef struct null_job {
    const mib_data *d;
    const mib_spec *spec;
    const mib_perm_plan *plan;
    uint64_t seed;          /* the shuffles' */
    const mib_workspace *ws; /* the caller's: its seed and stop request */
} null_job;

/* One thread's buffers: the shuffled y, the permutation, the scratch. */
typedef struct null_buffers {
    double *y;
    size_t *perm, *scratch;
} null_buffers;

/* Null estimate number k into *mi. */
static int null_estimate(const null_job *job, size_t k, const null_buffers *b, double *mi,
                         mib_err *err)
{
    const mib_data *d = job->d;
    gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(job->seed, (uint64_t)k));
    if (!r)
        return mib_fail(err, MIB_ENOMEM, "permutation test: out of memory");
    mib_perm_draw(job->plan, r, b->scratch, b->perm);
    gsl_rng_free(r);
    for (size_t i = 0; i < d->n; i++)
        memcpy(b->y + i * d->dy, d->y + b->perm[i] * d->dy, d->dy * sizeof *b->y);
    mib_data shuffled = *d;
    shuffled.y = b->y;
    const mib_workspace ws = {.threads = 1, .seed = job->ws->seed, .stop = job->ws->stop};
    mib_result res;
    int st = mib_estimate(&shuffled, job->spec, &ws, &res, err);
    *mi = res.mi;
    return st;
}

/* null[k] for every k < K, in parallel; the status and message of the
 * lowest k that failed (every k below a failure still runs, so that one
 * does not depend on the thread count); MIB_EINTR when the workspace's
 * stop request left some k undone. */
static int run_nulls(const null_job *job, size_t K, int threads, double *null, mib_err *err)
{
    const size_t n = job->d->n, dy = job->d->dy, len = mib_perm_scratch_len(job->plan);
    volatile sig_atomic_t *stop = job->ws->stop;
    size_t first = K, done = 0; /* lowest failed permutation so far; estimates finished */
    int status = MIB_OK;
#pragma omp parallel num_threads(threads)
    {
        null_buffers b = {malloc(n * dy * sizeof *b.y), malloc(n * sizeof *b.perm),
                          malloc(len * sizeof *b.scratch)};
        mib_err mine = {""};
#pragma omp for schedule(dynamic)
        for (size_t k = 0; k < K; k++) {
            size_t lowest;
#pragma omp atomic read
            lowest = first;
            if (k > lowest || (stop && *stop))
                continue;
            int st = b.y && b.perm && b.scratch
                         ? null_estimate(job, k, &b, &null[k], &mine)
                         : mib_fail(&mine, MIB_ENOMEM, "permutation test: out of memory");
            if (!st) {
#pragma omp atomic update
                done++;
            } else {
#pragma omp critical(mib_permutation_fail)
                if (k < first) {
#pragma omp atomic write
                    first = k;
                    status = st;
                    if (err)
                        *err = mine;
                }
            }
        }
        free(b.y);
        free(b.perm);
        free(b.scratch);
    }
    if (status && err) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        mib_fail(err, status, "permutation %zu of %zu: %s", first + 1, K, msg);
    } else if (!status && done < K) {
        status = mib_fail(err, MIB_EINTR, "permutation test: stopped after %zu of %zu "
                          "permutations", done, K);
    }
    return status;
}

int mib_permutation_test(const mib_data *d, const mib_spec *spec, size_t permutations,
                         uint64_t seed, const mib_workspace *ws, mib_permutation_result *out,
                         mib_err *err)
{
    if (!out)
        return mib_fail(err, MIB_EINVAL, "mib_permutation_test: NULL result");
    *out = (mib_permutation_result){.observed = {.mi = NAN}, .p_value = NAN, .null_mean = NAN,
                                    .null_sd = NAN, .permutations = permutations};
    if (!d || !spec || !ws)
        return mib_fail(err, MIB_EINVAL, "mib_permutation_test: NULL %s",
                        !d ? "data" : !spec ? "spec" : "workspace");
    if (permutations < 1)
        return mib_fail(err, MIB_EINVAL, "permutation test: need at least 1 permutation, got 0");
    if (ws->sampler)
        return mib_fail(err, MIB_EINVAL, "permutation test: the workspace has a sampler; the "
                        "test permutes the data it is given");
    const int threads = ws->threads; /* mib_estimate refuses < 1 */
    mib_result observed;
    int st = mib_estimate(d, spec, ws, &observed, err); /* checks spec and data once */
    if (st)
        return st;
    if (d->n > SIZE_MAX / (d->dy + d->dz + 2 * MIB_PERM_NEIGHBOURS + 2) ||
        permutations > SIZE_MAX / sizeof(double))
        return mib_fail(err, MIB_ERESOURCE, "permutation test: %zu rows and %zu permutations "
                        "do not fit in memory", d->n, permutations);
    mib_perm_plan plan;
    double *null = malloc(permutations * sizeof *null);
    st = null ? mib_perm_plan_init(d, MIB_PERM_NEIGHBOURS, threads, &plan, err)
              : mib_fail(err, MIB_ENOMEM, "permutation test: out of memory for %zu "
                         "permutations", permutations);
    int scheme = st ? MIB_PERM_PLAIN : plan.scheme;
    if (!st) {
        const null_job job = {.d = d, .spec = spec, .plan = &plan, .seed = seed, .ws = ws};
        st = run_nulls(&job, permutations, threads, null, err);
        mib_perm_plan_free(&plan);
    }
    if (!st) {
        double sum = 0, ss = 0;
        size_t exceed = 0;
        for (size_t k = 0; k < permutations; k++) {
            sum += null[k];
            exceed += null[k] >= observed.mi;
        }
        double mean = sum / (double)permutations;
        for (size_t k = 0; k < permutations; k++)
            ss += (null[k] - mean) * (null[k] - mean);
        *out = (mib_permutation_result){
            .observed = observed,
            .p_value = (double)(1 + exceed) / ((double)permutations + 1),
            .null_mean = mean,
            .null_sd = permutations > 1 ? sqrt(ss / (double)(permutations - 1)) : 0,
            .permutations = permutations,
            .exceed = exceed,
            .scheme = scheme,
        };
    }
    free(null);
    return st;
}
