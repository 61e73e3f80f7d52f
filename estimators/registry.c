/* registry.c - the estimator registry (the only list of estimator types)
 * and mib_estimate(), the single checked entry point: it validates the data
 * once (sizes, finite values, integers for discrete estimators) so each
 * estimator can assume clean input. Cost of the checks: O(n (dx + dy)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/estimator.h"
extern const mib_estimator_type mib_est_plugin, mib_est_histogram, mib_est_ksg1, mib_est_ksg2,
    mib_est_gaussian, mib_est_copula, mib_est_kde, /* classical, one file each */
    mib_est_mine, mib_est_dv, mib_est_nwj, mib_est_infonce, mib_est_js,
    mib_est_smile; /* neural/neural.c */

/* One line per estimator. */
const mib_estimator_type *const mib_estimator_types[] = {
    &mib_est_plugin,
    &mib_est_histogram,
    &mib_est_ksg1,
    &mib_est_ksg2,
    &mib_est_gaussian,
    &mib_est_copula,
    &mib_est_kde,
    &mib_est_mine,
    &mib_est_dv,
    &mib_est_nwj,
    &mib_est_infonce,
    &mib_est_js,
    &mib_est_smile,
    NULL,
};

const mib_estimator_type *mib_estimator_find(const char *name)
{
    for (size_t i = 0; mib_estimator_types[i]; i++)
        if (strcmp(mib_estimator_types[i]->info.name, name) == 0)
            return mib_estimator_types[i];
    return NULL;
}

static const mib_type_info *nth(size_t i)
{
    return mib_estimator_types[i] ? &mib_estimator_types[i]->info : NULL;
}

int mib_estimator_spec_expand(const char *text, mib_spec **out, size_t *count,
                              mib_err *err)
{
    return mib_spec_expand_text(text, "estimator", nth, out, count, err);
}

int mib_estimator_spec_parse(const char *text, mib_spec *out, mib_err *err)
{
    return mib_spec_parse_text(text, "estimator", nth, out, err);
}

void mib_workspace_init(mib_workspace *ws)
{
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

int mib_estimate(const mib_data *data, const mib_spec *spec, const mib_workspace *ws,
                 mib_result *res, mib_err *err)
{
    const mib_estimator_type *t = (const mib_estimator_type *)spec->info;
    int need_int = (t->flags & MIB_EST_DISCRETE) != 0;
    int st;
    memset(res, 0, sizeof *res);
    res->mi = NAN;
    if (ws->sampler == NULL) {
        if (data->dx == 0 || data->dy == 0)
            return mib_fail(err, MIB_EINVAL, "x and y need at least one column each (dx=%zu, dy=%zu)",
                            data->dx, data->dy);
        if (data->n < 2)
            return mib_fail(err, MIB_ESMALL, "need at least 2 samples, got %zu", data->n);
        if ((st = check_block(data->x, data->n, data->dx, "x", need_int, err)) ||
            (st = check_block(data->y, data->n, data->dy, "y", need_int, err)))
            return st;
    } else if (!(t->flags & MIB_EST_ONLINE)) {
        return mib_fail(err, MIB_EUNSUPPORTED, "estimator '%s' cannot train online",
                        t->info.name);
    }
    st = t->estimate(data, spec, ws, res, err);
    if (st == MIB_OK && !isfinite(res->mi))
        st = mib_fail(err, MIB_ENUMERIC, "estimator '%s' produced a non-finite estimate",
                      t->info.name);
    return st;
}
