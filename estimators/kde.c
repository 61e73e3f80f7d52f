/* kde.c - kernel-density plug-in MI (Moon, Rajagopalan, Lall 1995), leave-
 * one-out: I = mean_i [ln f(x_i,y_i) - ln f(x_i) - ln f(y_i)], with f the
 * Gaussian product-kernel density of the other n - 1 rows. One joint
 * estimate on standardised columns with one bandwidth h (Scott n^(-1/(d+4))
 * or Silverman (4/(d+2))^(1/(d+4)) n^(-1/(d+4)), d = dx + dy, or a number)
 * whose marginals are exactly the marginal estimates, so the kernel
 * constants cancel. O(n^2 (dx + dy)) time, O(n (dx + dy)) memory; refused
 * above MIB_KDE_MAX_N rows. OpenMP over rows, terms summed in row order.
 * The pair loop runs in blocks of BLOCK rows j: squared distances lane by
 * lane (each in column order, as a scalar loop), the kernels through
 * glibc's vector exp (libmvec, within 4 ulp of exp; AVX-512, AVX2 or SSE2
 * clones picked at run time), then the sums in j order, so the result
 * depends on neither thread count nor vector width. Points whose kernel
 * sums underflow are redone in log-sum-exp form (scalar exp). Nats. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "estimators/clones.h"
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/kde.h"

/* exp has vector variants in libmvec: loops under `omp simd` call them */
#pragma omp declare simd notinbranch
extern double exp(double);


enum { BLOCK = 256 }; /* rows j per block: 4 KB of lane buffers, in L1 */

enum { P_BANDWIDTH };
enum { BW_SCOTT, BW_SILVERMAN };
static const char *const bw_rules[] = {"scott", "silverman", NULL};

static const mib_param_spec kde_params[] = {
    {.name = "bandwidth", .kind = MIB_PARAM_REAL_OR_CHOICE, .def = "scott", .min = 0,
     .max = 100, .flags = MIB_OPEN_MIN, .choices = bw_rules,
     .help = "kernel width in units of each column's standard deviation, or a rule: "
             "scott, silverman (for d = dx + dy dimensions)"},
    {.name = NULL},
};

/* Centred, unit-variance copy of a (n x d, row-major), stored by column:
 * out[j * n + i], so the pair loop reads each column contiguously. */
static void standardize(const double *a, size_t n, size_t d, double *out)
{
    for (size_t j = 0; j < d; j++) {
        double mean, sd;
        mib_columns_moments(a, n, d, j, &mean, &sd);
        for (size_t i = 0; i < n; i++)
            out[j * n + i] = (a[i * d + j] - mean) / sd;
    }
}

/* |z_i - z_j|^2 over the d columns of z (stored by column), in column order */
static double sqdist(const double *z, size_t n, size_t d, size_t i, size_t j)
{
    double s = 0;
    for (size_t t = 0; t < d; t++)
        s += (z[t * n + i] - z[t * n + j]) * (z[t * n + i] - z[t * n + j]);
    return s;
}

/* k[b] = exp(-c |z_i - z_(j0+b)|^2) for b < m, the distance summed over
 * the d columns in order for every lane, as sqdist sums it. */
static inline __attribute__((always_inline)) void
kernels(const double *z, size_t n, size_t d, size_t i, size_t j0, size_t m, double c, double *k)
{
#pragma omp simd
    for (size_t b = 0; b < m; b++)
        k[b] = 0;
    for (size_t t = 0; t < d; t++) {
        const double qt = z[t * n + i], *zt = z + t * n + j0;
#pragma omp simd
        for (size_t b = 0; b < m; b++)
            k[b] += (qt - zt[b]) * (qt - zt[b]);
    }
#pragma omp simd
    for (size_t b = 0; b < m; b++)
        k[b] = exp(-c * k[b]);
}

/* The plain sums of row i: S over j != i of the x, y and joint kernels. */
MIB_VECTOR_CLONES
static void row_sums(const double *zx, size_t dx, const double *zy, size_t dy, size_t n,
                     size_t i, double c, double *sums)
{
    double kx[BLOCK], ky[BLOCK], sx = 0, sy = 0, sxy = 0;
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t m = n - j0 < BLOCK ? n - j0 : BLOCK;
        kernels(zx, n, dx, i, j0, m, c, kx);
        kernels(zy, n, dy, i, j0, m, c, ky);
        if (i - j0 < m) /* row i itself: adding +0 leaves every sum as it was */
            kx[i - j0] = ky[i - j0] = 0;
        for (size_t b = 0; b < m; b++) {
            sx += kx[b];
            sy += ky[b];
            sxy += kx[b] * ky[b];
        }
    }
    sums[0] = sx, sums[1] = sy, sums[2] = sxy;
}

/* ln Sxy - ln Sx - ln Sy for row i, S = sums of exp(-c |z_i - z_j|^2) over
 * j != i; log-sum-exp form when a plain sum underflows. */
static double row_term(const double *zx, size_t dx, const double *zy, size_t dy, size_t n,
                       size_t i, double c)
{
    double s3[3];
    row_sums(zx, dx, zy, dy, n, i, c, s3);
    double sx = s3[0], sy = s3[1], sxy = s3[2];
    if (sx >= DBL_MIN && sy >= DBL_MIN && sxy >= DBL_MIN)
        return log(sxy) - log(sx) - log(sy);
    double mx = INFINITY, my = INFINITY, mxy = INFINITY; /* smallest exponents */
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        double ex = c * sqdist(zx, n, dx, i, j);
        double ey = c * sqdist(zy, n, dy, i, j);
        mx = fmin(mx, ex);
        my = fmin(my, ey);
        mxy = fmin(mxy, ex + ey);
    }
    sx = sy = sxy = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        double ex = c * sqdist(zx, n, dx, i, j);
        double ey = c * sqdist(zy, n, dy, i, j);
        sx += exp(mx - ex);
        sy += exp(my - ey);
        sxy += exp(mxy - ex - ey);
    }
    return (log(sxy) - mxy) - (log(sx) - mx) - (log(sy) - my);
}

static int kde_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                        mib_result *res, mib_err *err)
{
    const size_t n = data->n, dx = data->dx, dy = data->dy;
    const double d = (double)(dx + dy);
    if (n > MIB_KDE_MAX_N)
        return mib_fail(err, MIB_ERESOURCE,
                        "kde costs O(n^2): n=%zu is above its limit of %d rows; subsample, or "
                        "use ksg1", n, MIB_KDE_MAX_N);
    int st = mib_columns_check_constant(data, err);
    if (st)
        return st;
    double *zx = malloc(n * dx * sizeof *zx), *zy = malloc(n * dy * sizeof *zy),
           *term = malloc(n * sizeof *term);
    if (!zx || !zy || !term) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for kde on %zu rows", n);
        goto done;
    }
    standardize(data->x, n, dx, zx);
    standardize(data->y, n, dy, zy);
    double h;
    switch (mib_spec_choice(spec, P_BANDWIDTH)) {
    case BW_SCOTT:
        h = pow((double)n, -1 / (d + 4));
        break;
    case BW_SILVERMAN:
        h = pow(4 / (d + 2), 1 / (d + 4)) * pow((double)n, -1 / (d + 4));
        break;
    default:
        h = mib_spec_num(spec, P_BANDWIDTH);
    }
    const double c = 1 / (2 * h * h);
    const int threads = ws->threads > 0 ? ws->threads : 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
    for (size_t i = 0; i < n; i++)
        term[i] = row_term(zx, dx, zy, dy, n, i, c);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += term[i];
    res->mi = sum / (double)n + log((double)n - 1);
done:
    free(zx);
    free(zy);
    free(term);
    return st;
}

const mib_estimator_type mib_estimator_kde = {
    .info = {"kde", "Gaussian-kernel density plug-in, leave-one-out (O(n^2); n <= 50000)",
             kde_params},
    .estimate = kde_estimate,
    .cost = mib_cost_pairs,
};
