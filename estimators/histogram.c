/* histogram.c - histogram plug-in MI for continuous data: every column is
 * binned on its own (equal-width bins between its min and max, or
 * equal-frequency bins from average ranks so tied values share a bin), a
 * row of bin numbers is one symbol, and the discrete plug-in (plugin.c,
 * optional Miller-Madow) does the rest. Bin counts: an integer, or
 * Sturges ceil(log2 N) + 1 (default), sqrt ceil(sqrt N), or
 * Freedman-Diaconis (range / (2 IQR N^-1/3)). O(N (dx + dy)) plus a sort
 * per column for quantile bins or fd. Nats. */
#include <math.h>
#include <stdlib.h>
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/histogram.h"
#include "estimators/plugin.h"

enum { P_BINS, P_BINNING, P_CORRECTION };
enum { RULE_STURGES, RULE_FD, RULE_SQRT };
enum { BIN_WIDTH, BIN_QUANTILE };
static const char *const rules[] = {"sturges", "fd", "sqrt", NULL};
static const char *const binnings[] = {"width", "quantile", NULL};
static const char *const corrections[] = {"none", "mm", NULL};

#define MAX_BINS 1000000

static const mib_param_spec histogram_params[] = {
    {.name = "bins", .kind = MIB_PARAM_INT_OR_CHOICE, .def = "sturges", .min = 1,
     .max = MAX_BINS, .choices = rules,
     .help = "bins per column, or a rule: sturges (log2 N + 1), fd (Freedman-Diaconis), "
             "sqrt (sqrt N); rules give at most N bins"},
    {.name = "binning", .kind = MIB_PARAM_CHOICE, .def = "width", .choices = binnings,
     .help = "width: equal-width bins over [min, max]; quantile: equal-frequency bins"},
    {.name = "correction", .kind = MIB_PARAM_CHOICE, .def = "none", .choices = corrections,
     .help = "none: plain plug-in; mm: subtract the Miller-Madow bias (Kxy - Kx - Ky + 1) / 2N"},
    {.name = NULL},
};

/* Bins for column j of a (n x d) under the spec's rule; order is the
 * column's ascending order (needed by fd only). */
static size_t bin_count(const mib_spec *spec, const double *a, size_t n, size_t d, size_t j,
                        const size_t *order)
{
    double dn = (double)n, b;
    int rule = mib_spec_choice(spec, P_BINS);
    if (rule < 0)
        return (size_t)mib_spec_num(spec, P_BINS);
    if (rule == RULE_SQRT) {
        b = ceil(sqrt(dn));
    } else {
        b = ceil(log2(dn)) + 1;
        if (rule == RULE_FD) {
            /* quartiles by linear interpolation of the sorted column */
            double q[2], lo = a[order[0] * d + j], hi = a[order[n - 1] * d + j];
            for (int s = 0; s < 2; s++) {
                double pos = (s ? 0.75 : 0.25) * (dn - 1);
                size_t i = (size_t)pos;
                double f = pos - (double)i, v = a[order[i] * d + j];
                q[s] = i + 1 < n ? v + f * (a[order[i + 1] * d + j] - v) : v;
            }
            double width = 2 * (q[1] - q[0]) / cbrt(dn);
            if (width > 0) /* IQR 0 (heavy ties): keep Sturges */
                b = ceil((hi - lo) / width);
        }
    }
    if (b > dn)
        b = dn;
    return b < 1 ? 1 : (size_t)b;
}

/* Bin numbers of every column of a (n x d) into codes (n x d). */
static int bin_block(const mib_spec *spec, const double *a, size_t n, size_t d, double *codes,
                     size_t *order, double *ranks, mib_err *err)
{
    int quantile = mib_spec_choice(spec, P_BINNING) == BIN_QUANTILE;
    int need_order = mib_spec_choice(spec, P_BINS) == RULE_FD;
    for (size_t j = 0; j < d; j++) {
        int st;
        if (need_order && (st = mib_columns_order(a, n, d, j, order, err)))
            return st;
        size_t bins = bin_count(spec, a, n, d, j, order);
        double lo = a[j], hi = a[j];
        for (size_t i = 1; i < n; i++) {
            lo = fmin(lo, a[i * d + j]);
            hi = fmax(hi, a[i * d + j]);
        }
        if (quantile && (st = mib_columns_ranks(a, n, d, j, ranks, err)))
            return st;
        for (size_t i = 0; i < n; i++) {
            double b = quantile ? floor((ranks[i] - 1) * (double)bins / (double)n)
                                : floor((a[i * d + j] - lo) / (hi - lo) * (double)bins);
            codes[i * d + j] = b < (double)bins ? b : (double)(bins - 1); /* max -> last bin */
        }
    }
    return MIB_OK;
}

static int histogram_estimate(const mib_data *data, const mib_spec *spec,
                              const mib_workspace *ws, mib_result *res, mib_err *err)
{
    const size_t n = data->n;
    int st;
    double *cx = malloc(n * data->dx * sizeof *cx), *cy = malloc(n * data->dy * sizeof *cy);
    double *ranks = malloc(n * sizeof *ranks);
    size_t *order = malloc(n * sizeof *order);
    if (!cx || !cy || !ranks || !order) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory binning %zu rows", n);
        goto done;
    }
    if ((st = mib_columns_check_constant(data, err)) ||
        (st = bin_block(spec, data->x, n, data->dx, cx, order, ranks, err)) ||
        (st = bin_block(spec, data->y, n, data->dy, cy, order, ranks, err)))
        goto done;
    st = mib_plugin_mi(n, data->dx, cx, data->dy, cy, mib_spec_choice(spec, P_CORRECTION) == 1,
                       &res->mi, err);
done:
    free(cx);
    free(cy);
    free(ranks);
    free(order);
    return st;
}

const mib_estimator_type mib_estimator_histogram = {
    .info = {"histogram", "plug-in MI of continuous data binned per column",
             histogram_params},
    .estimate = histogram_estimate,
    .cost = mib_cost_linear,
};
