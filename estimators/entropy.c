/* entropy.c - the public entropy functions of entropy.h: input checks once
 * here, then the Kozachenko-Leonenko k-NN entropy (Kozachenko & Leonenko
 * 1987, knn/knn.c: O(n log n)), the discrete plug-in with optional
 * Miller-Madow correction (Miller 1955, plugin.c: O(n d)) and the Gaussian
 * entropy 1/2 ln((2 pi e)^d det S) of the sample covariance (divisor n - 1),
 * whose log-determinant is sum 2 ln sd_j + ln det R from the correlation R
 * of columns scaled exactly (any finite scale): O(n d^2 + d^3). Nats. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "estimators/columns.h"
#include "estimators/gaussian.h"
#include "estimators/knn/knn.h"
#include "estimators/plugin.h"
#include "mibench/entropy.h"

/* The checks every entropy makes: arguments, then finite (and integer)
 * values; *h is NAN from here on until a result replaces it. */
static int check_input(const char *fn, const double *x, size_t n, size_t d, size_t min_n,
                       int need_int, double *h, mib_err *err)
{
    if (!h)
        return mib_fail(err, MIB_EINVAL, "%s: NULL output", fn);
    *h = NAN;
    if (d == 0)
        return mib_fail(err, MIB_EINVAL, "%s: the data need at least one column (d=0)", fn);
    if (n < min_n)
        return mib_fail(err, MIB_ESMALL, "%s: need at least %zu samples, got %zu", fn, min_n, n);
    if (!x)
        return mib_fail(err, MIB_EINVAL, "%s: NULL data with n=%zu", fn, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double v = x[i * d + j];
            if (!isfinite(v))
                return mib_fail(err, MIB_EDATA, "%s: non-finite value (%g) at row %zu, column "
                                "%zu", fn, v, i, j);
            if (need_int && v != floor(v))
                return mib_fail(err, MIB_EDATA, "%s: non-integer value (%.17g) at row %zu, "
                                "column %zu; the plug-in needs integer (discrete) data", fn, v,
                                i, j);
        }
    return MIB_OK;
}

int mib_entropy_kl(const double *x, size_t n, size_t d, size_t k, int norm, int threads,
                   double *h, mib_err *err)
{
    if (h)
        *h = NAN;
    if (k == 0)
        return mib_fail(err, MIB_EINVAL, "mib_entropy_kl: k must be at least 1");
    if (norm != MIB_NORM_MAX && norm != MIB_NORM_EUCLID)
        return mib_fail(err, MIB_EINVAL, "mib_entropy_kl: unknown norm %d (MIB_NORM_MAX or "
                        "MIB_NORM_EUCLID)", norm);
    int st = check_input("mib_entropy_kl", x, n, d, 2, 0, h, err);
    if (st)
        return st;
    if (n <= k)
        return mib_fail(err, MIB_ESMALL, "n=%zu samples is too few for k=%zu neighbours; the "
                        "k-NN entropy needs n > k", n, k);
    if (n >= UINT32_MAX)
        return mib_fail(err, MIB_ERESOURCE, "the k-NN entropy takes fewer than 2^32 samples, "
                        "got %zu", n);
    double v;
    st = mib_knn_kl_entropy(x, n, d, k, norm == MIB_NORM_EUCLID, threads > 0 ? threads : 1, &v,
                            err);
    if (!st)
        *h = v;
    return st;
}

int mib_entropy_plugin(const double *x, size_t n, size_t d, int miller_madow, double *h,
                       mib_err *err)
{
    int st = check_input("mib_entropy_plugin", x, n, d, 1, 1, h, err);
    double v;
    if (!st && !(st = mib_plugin_entropy(n, d, x, miller_madow != 0, &v, err)))
        *h = v;
    return st;
}

int mib_entropy_gaussian(const double *x, size_t n, size_t d, double *h, mib_err *err)
{
    int st = check_input("mib_entropy_gaussian", x, n, d, 2, 0, h, err);
    if (st)
        return st;
    if (n <= d)
        return mib_fail(err, MIB_ESMALL, "mib_entropy_gaussian: n=%zu rows cannot give a "
                        "full-rank covariance of %zu columns; need n > d", n, d);
    double *mean = malloc(d * sizeof *mean), *sd = malloc(d * sizeof *sd),
           *r = calloc(d * d, sizeof *r), *z = malloc(d * sizeof *z), lsd = 0, ldr = 0;
    if (!mean || !sd || !r || !z) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for a %zu x %zu covariance", d, d);
        goto done;
    }
    for (size_t j = 0; j < d && !st; j++) {
        mib_columns_moments(x, n, d, j, &mean[j], &sd[j]);
        if (!(sd[j] > 0))
            st = mib_fail(err, MIB_EDATA, "mib_entropy_gaussian: column %zu is constant (every "
                          "value is %.17g); its entropy is -infinity", j, x[j]);
        else
            lsd += 2 * log(sd[j]);
    }
    for (size_t i = 0; i < n && !st; i++) { /* correlation of the standardised columns */
        for (size_t j = 0; j < d; j++)
            z[j] = (x[i * d + j] - mean[j]) / sd[j];
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b <= a; b++)
                r[a * d + b] += z[a] * z[b];
    }
    for (size_t a = 0; a < d && !st; a++)
        for (size_t b = 0; b <= a; b++)
            r[a * d + b] /= (double)n;
    if (!st && !(st = mib_logdet_block(r, d, 0, d, &ldr, err))) {
        /* sd has divisor n; S divides by n - 1 */
        double dd = (double)d, logdet = lsd + ldr + dd * log((double)n / (double)(n - 1));
        *h = 0.5 * (dd * log(2 * M_PI * M_E) + logdet);
    }
done:
    free(mean);
    free(sd);
    free(r);
    free(z);
    return st;
}
