/* registry.c - the estimator registry (the only list of estimator types)
 * and mib_estimate(), the single checked entry point: it validates the
 * arguments (a spec of an estimator registry, non-NULL arrays, a sane
 * workspace) and the data once (sizes, finite values, integers for
 * discrete estimators; a conditioning block z only for conditional
 * estimators) so each estimator can assume clean input.
 * Cost of the checks: O(types + n (dx + dy + dz)). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/estimator.h"
#include "core/typed_registry.h"

/* Classical estimators, one file each. */
extern const mib_estimator_type mib_estimator_plugin, mib_estimator_histogram,
    mib_estimator_ksg1, mib_estimator_ksg2, mib_estimator_gaussian, mib_estimator_copula,
    mib_estimator_kde;
/* k-NN estimators beyond KSG (knn/): entropies, mixtures, class labels. */
extern const mib_estimator_type mib_estimator_kl3h, mib_estimator_mixed_ksg, mib_estimator_ross;
/* Neural variational bounds (neural/neural.c). */
extern const mib_estimator_type mib_estimator_mine, mib_estimator_dv, mib_estimator_nwj,
    mib_estimator_infonce, mib_estimator_js, mib_estimator_smile;

/* One line per estimator. */
static const mib_type_info *const types[] = {
    &mib_estimator_plugin.info,
    &mib_estimator_histogram.info,
    &mib_estimator_ksg1.info,
    &mib_estimator_ksg2.info,
    &mib_estimator_gaussian.info,
    &mib_estimator_copula.info,
    &mib_estimator_kde.info,
    &mib_estimator_kl3h.info,
    &mib_estimator_mixed_ksg.info,
    &mib_estimator_ross.info,
    &mib_estimator_mine.info,
    &mib_estimator_dv.info,
    &mib_estimator_nwj.info,
    &mib_estimator_infonce.info,
    &mib_estimator_js.info,
    &mib_estimator_smile.info,
    NULL,
};

MIB_TYPED_REGISTRY(estimator, mib_estimator_type, MIB_REGISTRY_ESTIMATOR, types)

const mib_estimator_type *mib_estimator_type_of(const mib_spec *spec, mib_err *err)
{
    return mib_registry_check(MIB_REGISTRY_ESTIMATOR, spec, err) ? NULL
                                                                 : type_of_info(spec->info);
}

size_t mib_estimator_batch_size(const mib_spec *spec)
{
    const mib_estimator_type *t = mib_estimator_type_of(spec, NULL);
    return t && t->batch_size ? t->batch_size(spec) : 0;
}

int mib_estimator_online(const mib_spec *spec)
{
    const mib_estimator_type *t = mib_estimator_type_of(spec, NULL);
    return t && (t->flags & MIB_EST_ONLINE) && t->online ? t->online(spec) : 0;
}

double mib_estimator_cost(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    const mib_estimator_type *t = mib_estimator_type_of(spec, NULL);
    if (!t)
        return 0;
    return t->cost ? t->cost(spec, n, dx, dy) : 1e-8 * (double)n * (double)(dx + dy);
}

void mib_workspace_init(mib_workspace *ws)
{
    if (!ws)
        return;
    memset(ws, 0, sizeof *ws);
    ws->threads = 1;
}

/* Finite values everywhere; integers where the estimator needs them. */
static int check_block(const double *a, size_t n, size_t d, const char *name,
                       int need_int, mib_err *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double v = a[i * d + j];
            if (!isfinite(v))
                return mib_fail(err, MIB_EDATA, "%s has a non-finite value (%g) at row %zu, %s%zu",
                                name, v, i, name, j);
            if (need_int && v != floor(v))
                return mib_fail(err, MIB_EDATA,
                                "%s has a non-integer value (%.17g) at row %zu, %s%zu; "
                                "this estimator needs integer (discrete) data",
                                name, v, i, name, j);
        }
    return MIB_OK;
}

void mib_estimator_conditional_names(char *buf, size_t len)
{
    if (!buf || !len)
        return;
    size_t count = 0, used = 0, total = 0;
    for (const mib_estimator_type *t; (t = mib_estimator_at(total)); total++)
        count += (t->flags & MIB_EST_CONDITIONAL) != 0;
    buf[0] = '\0';
    for (size_t i = 0, seen = 0; i < total && used < len; i++) {
        const mib_estimator_type *t = mib_estimator_at(i);
        if (!(t->flags & MIB_EST_CONDITIONAL))
            continue;
        seen++;
        const char *sep = seen == 1 ? "" : seen == count ? " or " : ", ";
        int w = snprintf(buf + used, len - used, "%s%s", sep, t->info.name);
        used += w > 0 ? (size_t)w : 0;
    }
}

/* Everything mib_estimate checks before it runs the estimator. */
static int check_call(const mib_estimator_type *t, const mib_data *d, const mib_workspace *ws,
                      mib_err *err)
{
    int need_int = (t->flags & MIB_EST_DISCRETE) != 0, st;
    if (!d || !ws)
        return mib_fail(err, MIB_EINVAL, "mib_estimate: NULL %s", d ? "workspace" : "data");
    if (ws->threads < 1)
        return mib_fail(err, MIB_EINVAL, "workspace threads=%d; need at least 1", ws->threads);
    if (d->dz > 0 && !(t->flags & MIB_EST_CONDITIONAL)) {
        char names[256];
        mib_estimator_conditional_names(names, sizeof names);
        return mib_fail(err, MIB_EUNSUPPORTED, "%s does not estimate conditional MI; use %s",
                        t->info.name, names);
    }
    if (ws->sampler)
        return (t->flags & MIB_EST_ONLINE) && ws->sampler->draw
                   ? MIB_OK
                   : mib_fail(err, MIB_EUNSUPPORTED, "estimator '%s' cannot train online",
                              t->info.name);
    if (d->dx == 0 || d->dy == 0)
        return mib_fail(err, MIB_EINVAL, "x and y need at least one column each (dx=%zu, dy=%zu)",
                        d->dx, d->dy);
    if (d->n < 2)
        return mib_fail(err, MIB_ESMALL, "need at least 2 samples, got %zu", d->n);
    if (!d->x || !d->y || (d->dz && !d->z))
        return mib_fail(err, MIB_EINVAL, "mib_estimate: NULL %s with n=%zu",
                        !d->x ? "x" : !d->y ? "y" : "z", d->n);
    if ((st = check_block(d->x, d->n, d->dx, "x", need_int, err)) ||
        (st = check_block(d->y, d->n, d->dy, "y", need_int, err)) ||
        (st = check_block(d->z, d->n, d->dz, "z", need_int, err)))
        return st;
    return MIB_OK;
}

int mib_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                 mib_result *res, mib_err *err)
{
    const mib_estimator_type *t = mib_estimator_type_of(spec, err);
    if (!res)
        return mib_fail(err, MIB_EINVAL, "mib_estimate: NULL result");
    *res = (mib_result){.mi = NAN};
    int st = t ? check_call(t, data, ws, err) : MIB_EINVAL;
    if (st == MIB_OK)
        st = t->estimate(data, spec, ws, res, err);
    if (st == MIB_OK && !isfinite(res->mi))
        st = mib_fail(err, MIB_ENUMERIC, "estimator '%s' produced a non-finite estimate",
                      t->info.name);
    return st;
}

int mib_estimate_text(const char *spec, const double *x, const double *y, size_t n,
                      size_t dx, size_t dy, int threads, double *mi, mib_err *err)
{
    mib_spec s;
    mib_workspace ws;
    mib_result res;
    mib_data d = {.n = n, .dx = dx, .dy = dy, .x = x, .y = y};
    if (!mi)
        return mib_fail(err, MIB_EINVAL, "mib_estimate_text: NULL output");
    *mi = NAN;
    mib_workspace_init(&ws);
    ws.threads = threads > 0 ? threads : 1;
    int st = mib_estimator_spec_parse(spec, &s, err);
    if (!st && !(st = mib_estimate(&d, &s, &ws, &res, err)))
        *mi = res.mi;
    return st;
}
