/* gaussian.c - parametric Gaussian MI and Gaussian-copula MI.
 * gaussian: the sample correlation R of [x y] plugged into the Gaussian
 *   formula I = 1/2 [ln det Rxx + ln det Ryy - ln det R], log-determinants
 *   from Cholesky factors (no inverse); a singular R is an error, never an
 *   infinite estimate. With a conditioning block z, R is that of [x z y]
 *   and I(X;Y|Z) = 1/2 [ln det Rxz + ln det Rzy - ln det Rz - ln det R]
 *   (for 1-D blocks: -1/2 ln(1 - r^2), r the partial correlation).
 *   O(N d^2 + d^3), d = dx + dy + dz.
 * copula: each column replaced by normal scores Phi^-1(rank / (N + 1))
 *   (average ranks for ties), then the same routine: the MI of the
 *   Gaussian copula, invariant under monotone maps of each column
 *   (Calsaverini & Vicente 2009). O(N log N) per column more. Nats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "estimators/columns.h"
#include "estimators/cost.h"
#include "estimators/gaussian.h"

/* A pivot this small (the share of a column's variance left after the
 * columns before it) means the columns are linearly dependent up to
 * rounding; the MI would be an artefact of it (at most ~14 nats/column). */
#define MIN_PIVOT2 1e-12

static const mib_param_spec no_params[] = {{.name = NULL}};

/* ln det of the m x m diagonal block at offset off of the d x d
 * symmetric positive-definite matrix r (its lower triangle is read), by an
 * in-place Cholesky factorisation of a copy (written out rather than
 * gsl_linalg_cholesky_decomp1 because GSL's default error handler aborts
 * the process on a non-positive-definite matrix, and a library must not
 * change that global handler). MIB_EDATA when a pivot shows that the
 * block's columns are dependent (gaussian.h). */
int mib_logdet_block(const double *r, size_t d, size_t off, size_t m, double *out, mib_err *err)
{
    double *l = malloc(m * m * sizeof *l), sum = 0;
    if (!l)
        return mib_fail(err, MIB_ENOMEM, "out of memory for a %zu x %zu matrix", m, m);
    for (size_t i = 0; i < m; i++)
        memcpy(l + i * m, r + (off + i) * d + off, m * sizeof *l);
    int st = MIB_OK;
    for (size_t j = 0; j < m && st == MIB_OK; j++) {
        double p2 = l[j * m + j];
        for (size_t k = 0; k < j; k++)
            p2 -= l[j * m + k] * l[j * m + k];
        if (!(p2 > MIN_PIVOT2)) {
            st = mib_fail(err, MIB_EDATA,
                          "the sample covariance is singular: column %zu is (up to rounding) "
                          "a linear combination of the columns before it", off + j);
            break;
        }
        double p = sqrt(p2);
        l[j * m + j] = p;
        sum += log(p2);
        for (size_t i = j + 1; i < m; i++) {
            double v = l[i * m + j];
            for (size_t k = 0; k < j; k++)
                v -= l[i * m + k] * l[j * m + k];
            l[i * m + j] = v / p;
        }
    }
    free(l);
    *out = sum;
    return st;
}

/* The blocks x, z, y (row-major each; z may be empty), read as the
 * columns of [x z y]. */
typedef struct blocks {
    size_t n, d[3];        /* rows; widths of x, z, y */
    const double *a[3];    /* x, z, y */
} blocks;

/* Row i, column j of [x z y]. */
static double block_value(const blocks *b, size_t i, size_t j)
{
    for (int k = 0;; j -= b->d[k++])
        if (j < b->d[k])
            return b->a[k][i * b->d[k] + j];
}

/* 1/2 [ln det Rxz + ln det Rzy - ln det Rz - ln det R], R the correlation
 * of the columns [x z y] of bl (without z: the MI formula); columns must
 * not be constant. */
static int gaussian_mi(const blocks *bl, double *mi, mib_err *err)
{
    const size_t n = bl->n, dx = bl->d[0], dz = bl->d[1], dy = bl->d[2], d = dx + dz + dy;
    if (n <= d)
        return mib_fail(err, MIB_ESMALL,
                        "n=%zu rows cannot give a full-rank covariance of %zu columns; need n > "
                        "dx + dy%s", n, d, dz ? " + dz" : "");
    double *mean = calloc(d, sizeof *mean), *c = calloc(d * d, sizeof *c),
           *z = malloc(d * sizeof *z);
    int *e = malloc(d * sizeof *e);
    double lxyz = 0, lxz = 0, lzy = 0, lz = 0;
    int st = MIB_OK;
    if (!mean || !c || !z || !e) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for a %zu x %zu covariance", d, d);
        goto done;
    }
    /* Each column is scaled by 2^-e[j] (exact; the correlation does not
     * change) so values near 1e+-300 neither overflow nor underflow. */
    for (size_t j = 0, k = 0; k < 3; k++)
        for (size_t jj = 0; jj < bl->d[k]; jj++, j++)
            e[j] = mib_columns_exponent(bl->a[k], n, bl->d[k], jj);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mean[j] += ldexp(block_value(bl, i, j), -e[j]);
    for (size_t j = 0; j < d; j++)
        mean[j] /= (double)n;
    for (size_t i = 0; i < n; i++) { /* upper triangle of the centred cross-products */
        for (size_t j = 0; j < d; j++)
            z[j] = ldexp(block_value(bl, i, j), -e[j]) - mean[j];
        for (size_t a = 0; a < d; a++)
            for (size_t b = a; b < d; b++)
                c[a * d + b] += z[a] * z[b];
    }
    for (size_t a = 0; a < d; a++) /* correlation: MI does not depend on scale */
        for (size_t b = a + 1; b < d; b++)
            c[b * d + a] = c[a * d + b] = c[a * d + b] / sqrt(c[a * d + a] * c[b * d + b]);
    for (size_t a = 0; a < d; a++)
        c[a * d + a] = 1;
    if ((st = mib_logdet_block(c, d, 0, d, &lxyz, err)) ||
        (st = mib_logdet_block(c, d, 0, dx + dz, &lxz, err)) ||
        (st = mib_logdet_block(c, d, dx, dz + dy, &lzy, err)) ||
        (dz && (st = mib_logdet_block(c, d, dx, dz, &lz, err))))
        goto done;
    *mi = 0.5 * (lxz + lzy - lz - lxyz);
done:
    free(mean);
    free(c);
    free(z);
    free(e);
    return st;
}

static int gaussian_estimate(const mib_data *data, const mib_spec *spec,
                             const mib_workspace *ws, mib_result *res, mib_err *err)
{
    const blocks b = {data->n, {data->dx, data->dz, data->dy}, {data->x, data->z, data->y}};
    int st = mib_columns_check_constant(data, err);
    return st ? st : gaussian_mi(&b, &res->mi, err);
}

/* Normal scores of every column of a (n x d) into s. */
static int normal_scores(const double *a, size_t n, size_t d, double *s, double *ranks,
                         mib_err *err)
{
    for (size_t j = 0; j < d; j++) {
        int st = mib_columns_ranks(a, n, d, j, ranks, err);
        if (st)
            return st;
        for (size_t i = 0; i < n; i++)
            s[i * d + j] = gsl_cdf_ugaussian_Pinv(ranks[i] / ((double)n + 1));
    }
    return MIB_OK;
}

static int copula_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                           mib_result *res, mib_err *err)
{
    const size_t n = data->n, d = data->dx + data->dz + data->dy;
    double *s = malloc(n * d * sizeof *s), *ranks = malloc(n * sizeof *ranks);
    double *out[3] = {s, s + n * data->dx, s + n * (d - data->dy)}; /* scores of x, z, y */
    const double *in[3] = {data->x, data->z, data->y};
    const blocks b = {n, {data->dx, data->dz, data->dy}, {out[0], out[1], out[2]}};
    int st;
    if (!s || !ranks) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for normal scores of %zu rows", n);
        goto done;
    }
    st = mib_columns_check_constant(data, err);
    for (int k = 0; k < 3 && !st; k++)
        st = normal_scores(in[k], n, b.d[k], out[k], ranks, err);
    if (!st)
        st = gaussian_mi(&b, &res->mi, err);
done:
    free(s);
    free(ranks);
    return st;
}

const mib_estimator_type mib_estimator_gaussian = {
    .info = {"gaussian", "Gaussian MI of the sample covariance (exact for jointly Gaussian data)",
             no_params},
    .flags = MIB_EST_CONDITIONAL,
    .estimate = gaussian_estimate,
    .cost = mib_cost_covariance,
};

const mib_estimator_type mib_estimator_copula = {
    .info = {"copula", "Gaussian-copula MI: normal scores of the ranks, then the Gaussian formula",
             no_params},
    .flags = MIB_EST_CONDITIONAL,
    .estimate = copula_estimate,
    .cost = mib_cost_ranks,
};
