/* columns.c - column helpers shared by the continuous estimators: the
 * constant-column check, two-pass moments, a stable LSD radix sort of a
 * column (KSG's 1-D marginals), and average ranks for ties (copula normal
 * scores, quantile histogram bins). O(n) per column. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "estimators/columns.h"

int mib_columns_check_constant(const mib_data *data, mib_err *err)
{
    const double *blocks[3] = {data->x, data->y, data->z};
    const size_t dims[3] = {data->dx, data->dy, data->dz};
    for (int b = 0; b < 3; b++)
        for (size_t j = 0; j < dims[b]; j++) {
            const double *a = blocks[b];
            size_t d = dims[b], i = 1;
            while (i < data->n && a[i * d + j] == a[j])
                i++;
            if (i == data->n)
                return mib_fail(err, MIB_EDATA,
                                "column %c%zu is constant (every value is %.17g); it carries "
                                "no information and has no scale, so drop it",
                                "xyz"[b], j, a[j]);
        }
    return MIB_OK;
}

int mib_columns_exponent(const double *a, size_t n, size_t d, size_t j)
{
    double m = 0;
    int e = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i * d + j]));
    frexp(m, &e);
    return e;
}

/* Sums run on the column scaled by 2^-e (max |a| in [0.5, 1)), which is
 * exact, so ordinary data give the same bits as unscaled sums while values
 * near 1e+-300 neither overflow nor underflow when squared. */
void mib_columns_moments(const double *a, size_t n, size_t d, size_t j, double *mean,
                        double *sd)
{
    int e = mib_columns_exponent(a, n, d, j);
    double s = 0, ss = 0;
    /* x * 2^-e is ldexp(x, -e) exactly (both round the same exact value)
     * whenever 2^-e is a double; only |e| near the exponent range's ends
     * needs the call */
    const int fast = e > -1020 && e < 1020;
    const double f = fast ? ldexp(1, -e) : 0;
    for (size_t i = 0; i < n; i++)
        s += fast ? a[i * d + j] * f : ldexp(a[i * d + j], -e);
    double m = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double r = (fast ? a[i * d + j] * f : ldexp(a[i * d + j], -e)) - m;
        ss += r * r;
    }
    *mean = ldexp(m, e);
    *sd = ldexp(sqrt(ss / (double)n), e);
}

/* Order-preserving map of a double to an unsigned key: flip all bits of
 * negatives, the sign bit of positives. */
static uint64_t order_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}

/* Its inverse. */
static double key_value(uint64_t u)
{
    u = (u >> 63) ? u & 0x7fffffffffffffffull : ~u;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

int mib_columns_sort(const double *a, size_t n, size_t d, size_t j, size_t *order,
                     double *sorted, mib_err *err)
{
    int st = MIB_OK;
    uint64_t *key = malloc(n * sizeof *key), *key2 = malloc(n * sizeof *key2);
    size_t *scratch = malloc(n * sizeof *scratch), *idx = order, *idx2 = scratch;
    size_t (*count)[256] = calloc(8, sizeof *count);
    if (!key || !key2 || !scratch || !count) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory sorting %zu values", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = order_key(a[i * d + j]);
        idx[i] = i;
        for (int p = 0; p < 8; p++)
            count[p][(key[i] >> (8 * p)) & 0xff]++;
    }
    for (int p = 0; p < 8; p++) {
        int shift = 8 * p;
        if (count[p][(key[0] >> shift) & 0xff] == n)
            continue; /* every key has the same digit: the pass is a no-op */
        size_t pos = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[p][b];
            count[p][b] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = count[p][(key[i] >> shift) & 0xff]++;
            key2[to] = key[i];
            idx2[to] = idx[i];
        }
        uint64_t *tk = key;
        key = key2;
        key2 = tk;
        size_t *ti = idx;
        idx = idx2;
        idx2 = ti;
    }
    if (idx != order) /* an odd number of passes: the result is in the scratch */
        memcpy(order, idx, n * sizeof *order);
    if (sorted)
        for (size_t i = 0; i < n; i++)
            sorted[i] = key_value(key[i]);
done:
    free(key);
    free(key2);
    free(scratch);
    free(count);
    return st;
}

int mib_columns_order(const double *a, size_t n, size_t d, size_t j, size_t *order,
                      mib_err *err)
{
    return mib_columns_sort(a, n, d, j, order, NULL, err);
}

int mib_columns_ranks(const double *a, size_t n, size_t d, size_t j, double *ranks,
                     mib_err *err)
{
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return mib_fail(err, MIB_ENOMEM, "out of memory ranking %zu values", n);
    int st = mib_columns_order(a, n, d, j, order, err);
    for (size_t lo = 0; st == MIB_OK && lo < n;) {
        size_t hi = lo + 1;
        double v = a[order[lo] * d + j];
        while (hi < n && a[order[hi] * d + j] == v)
            hi++;
        double r = 0.5 * (double)(lo + 1 + hi); /* mean of ranks lo+1 .. hi */
        for (size_t i = lo; i < hi; i++)
            ranks[order[i]] = r;
        lo = hi;
    }
    free(order);
    return st;
}
