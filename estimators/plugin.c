/* plugin.c - discrete plug-in MI with optional Miller-Madow correction
 * (Miller 1955): I = sum_xy p ln(p / (px py)) over occupied cells, and
 * - (Kxy - Kx - Ky + 1) / (2N) with mm (K = occupied cells): each plug-in
 * entropy is low by (K - 1) / (2N), so H(X) + H(Y) - H(X,Y) is high by
 * that. With a conditioning block z, I(X;Y|Z) = sum_xyz p ln(pz p / (pxz
 * pyz)), and mm subtracts (Kxyz - Kxz - Kyz + Kz) / (2N), which is the MI
 * term when z is absent (Kz = 1). A row of dx integers is one symbol: rows are numbered by
 * open-addressing hashing in order of first appearance, then the tuples of
 * ids (x, z), (y, z), (x, y, z) are hashed the same way.
 * O(N (dx + dy + dz)) expected time, O(N) memory. Nats. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "estimators/cost.h"
#include "estimators/plugin.h"

enum { P_CORRECTION };
static const char *const corrections[] = {"none", "mm", NULL};

static const mib_param_spec plugin_params[] = {
    {.name = "correction", .kind = MIB_PARAM_CHOICE, .def = "none", .choices = corrections,
     .help = "none: plain plug-in; mm: subtract the Miller-Madow bias (Kxy - Kx - Ky + 1) / 2N"},
    {.name = NULL},
};

static uint64_t hash_row(const double *r, size_t d)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t j = 0; j < d; j++) {
        double v = r[j] + 0.0; /* -0 and +0 are one symbol */
        uint64_t u;
        memcpy(&u, &v, sizeof u);
        h ^= u + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return h;
}

static int same_row(const double *a, const double *b, size_t d)
{
    for (size_t j = 0; j < d; j++)
        if (a[j] != b[j])
            return 0;
    return 1;
}

/* id[i] = number of the distinct row a[i] in order of first appearance;
 * *k = number of distinct rows. */
static int symbolize(const double *a, size_t n, size_t d, uint32_t *id, size_t *k,
                     mib_err *err)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot); /* row index + 1, 0 = empty */
    if (!slot)
        return mib_fail(err, MIB_ENOMEM, "out of memory counting symbols of %zu rows", n);
    memset(slot, 0, cap * sizeof *slot);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        const double *r = a + i * d;
        size_t h = (size_t)hash_row(r, d) & (cap - 1);
        while (slot[h] && !same_row(a + (size_t)(slot[h] - 1) * d, r, d))
            h = (h + 1) & (cap - 1);
        if (!slot[h]) {
            slot[h] = (uint32_t)(i + 1);
            id[i] = (uint32_t)distinct++;
        } else {
            id[i] = id[slot[h] - 1];
        }
    }
    free(slot);
    *k = distinct;
    return MIB_OK;
}

/* out[i] = the number of the distinct tuple (ids[0][i], ..., ids[m-1][i])
 * in order of first appearance, through buf (n x m); *k = their count. */
static int symbolize_ids(const uint32_t *const *ids, size_t m, size_t n, double *buf,
                         uint32_t *out, size_t *k, mib_err *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            buf[i * m + j] = ids[j][i];
    return symbolize(buf, n, m, out, k, err);
}

int mib_plugin_cmi(size_t n, size_t dx, const double *x, size_t dy, const double *y,
                   size_t dz, const double *z, int mm, double *mi, mib_err *err)
{
    int st = MIB_OK;
    uint32_t *ix = malloc(n * sizeof *ix), *iy = malloc(n * sizeof *iy),
             *iz = dz ? malloc(n * sizeof *iz) : NULL, *ixz = dz ? malloc(n * sizeof *ixz) : ix,
             *iyz = dz ? malloc(n * sizeof *iyz) : iy, *ixyz = malloc(n * sizeof *ixyz);
    double *tuples = malloc(3 * n * sizeof *tuples);
    size_t *cz = NULL, *cxz = NULL, *cyz = NULL, *cxyz = NULL, *first = NULL;
    size_t kx = 0, ky = 0, kz = 1, kxz = 0, kyz = 0, kxyz = 0;
    if (n >= UINT32_MAX) {
        st = mib_fail(err, MIB_ERESOURCE, "the plug-in takes fewer than 2^32 rows, got %zu", n);
        goto done;
    }
    if (!ix || !iy || !ixyz || !tuples || !ixz || !iyz || (dz && !iz)) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for the plug-in on %zu rows", n);
        goto done;
    }
    if ((st = symbolize(x, n, dx, ix, &kx, err)) || (st = symbolize(y, n, dy, iy, &ky, err)))
        goto done;
    /* without z: one z cell, so xz is x and yz is y */
    const uint32_t *xz_ids[2] = {ix, iz}, *yz_ids[2] = {iy, iz}, *xyz_ids[3] = {ix, iy, iz};
    kxz = kx;
    kyz = ky;
    if (dz && ((st = symbolize(z, n, dz, iz, &kz, err)) ||
               (st = symbolize_ids(xz_ids, 2, n, tuples, ixz, &kxz, err)) ||
               (st = symbolize_ids(yz_ids, 2, n, tuples, iyz, &kyz, err))))
        goto done;
    if ((st = symbolize_ids(xyz_ids, dz ? 3 : 2, n, tuples, ixyz, &kxyz, err)))
        goto done;
    cz = calloc(kz, sizeof *cz);
    cxz = calloc(kxz, sizeof *cxz);
    cyz = calloc(kyz, sizeof *cyz);
    cxyz = calloc(kxyz, sizeof *cxyz);
    first = malloc(kxyz * sizeof *first);
    if (!cz || !cxz || !cyz || !cxyz || !first) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for the plug-in on %zu rows", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        cz[iz ? iz[i] : 0]++;
        cxz[ixz[i]]++;
        cyz[iyz[i]]++;
        if (cxyz[ixyz[i]]++ == 0)
            first[ixyz[i]] = i;
    }
    /* sum over cells in order of first appearance: p ln(pz p / (pxz pyz))
     * with p = c/n, i.e. (c/n) ln(c cz / (cxz cyz)); without z, cz = n */
    double sum = 0, dn = (double)n;
    for (size_t c = 0; c < kxyz; c++) {
        size_t i = first[c];
        double nc = (double)cxyz[c];
        sum += nc * (log(nc) + log((double)cz[iz ? iz[i] : 0]) - log((double)cxz[ixz[i]]) -
                     log((double)cyz[iyz[i]]));
    }
    *mi = sum / dn;
    if (mm)
        *mi -= ((double)kxyz - (double)kxz - (double)kyz + (double)kz) / (2 * dn);
done:
    free(ix);
    free(iy);
    free(iz);
    if (dz) {
        free(ixz);
        free(iyz);
    }
    free(ixyz);
    free(tuples);
    free(cz);
    free(cxz);
    free(cyz);
    free(cxyz);
    free(first);
    return st;
}

int mib_plugin_mi(size_t n, size_t dx, const double *x, size_t dy, const double *y, int mm,
                  double *mi, mib_err *err)
{
    return mib_plugin_cmi(n, dx, x, dy, y, 0, NULL, mm, mi, err);
}

int mib_plugin_entropy(size_t n, size_t d, const double *x, int mm, double *h, mib_err *err)
{
    if (n >= UINT32_MAX)
        return mib_fail(err, MIB_ERESOURCE, "the plug-in takes fewer than 2^32 rows, got %zu", n);
    uint32_t *id = malloc(n * sizeof *id);
    size_t *c = NULL, k = 0;
    int st = id ? symbolize(x, n, d, id, &k, err)
                : mib_fail(err, MIB_ENOMEM, "out of memory for the plug-in on %zu rows", n);
    if (!st && !(c = calloc(k, sizeof *c)))
        st = mib_fail(err, MIB_ENOMEM, "out of memory for the plug-in on %zu rows", n);
    if (!st) {
        /* -sum (c/n) ln(c/n) = ln n - (1/n) sum c ln c, symbols in order of
         * first appearance */
        double sum = 0, dn = (double)n;
        for (size_t i = 0; i < n; i++)
            c[id[i]]++;
        for (size_t s = 0; s < k; s++)
            sum += (double)c[s] * log((double)c[s]);
        *h = log(dn) - sum / dn + (mm ? ((double)k - 1) / (2 * dn) : 0);
    }
    free(id);
    free(c);
    return st;
}

static int plugin_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                           mib_result *res, mib_err *err)
{
    return mib_plugin_cmi(data->n, data->dx, data->x, data->dy, data->y, data->dz, data->z,
                          mib_spec_choice(spec, P_CORRECTION) == 1, &res->mi, err);
}

const mib_estimator_type mib_estimator_plugin = {
    .info = {"plugin", "discrete plug-in MI of integer-valued data (a row is one symbol)",
             plugin_params},
    .flags = MIB_EST_DISCRETE | MIB_EST_CONDITIONAL,
    .estimate = plugin_estimate,
    .cost = mib_cost_linear,
};
