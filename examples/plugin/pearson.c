/* pearson.c - an example C plugin (mibench/plugin.h), the template to
 * copy: README's worked "pearson" estimator, the Gaussian MI of the sample
 * correlation of 1-D x and y, -1/2 ln(1 - r^2) (a baseline, exact only for
 * Gaussians; cost O(N)), and a "bivariate" generator, a standard bivariate
 * normal with correlation rho (true MI -1/2 ln(1 - rho^2); cost O(1) per
 * row). Build it against the headers alone and load it with --plugin:
 *     cc -shared -fPIC $(pkg-config --cflags mibench) -o pearson.so pearson.c
 *     mibench list --plugin ./pearson.so */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "mibench/plugin.h"

/* ---- the estimator (README, "Layout, and adding an estimator") ---- */

enum { P_SHRINK };
static const mib_param_spec pearson_params[] = {
    [P_SHRINK] = {.name = "shrink", .kind = MIB_PARAM_REAL, .def = "0", .min = 0, .max = 1,
                  .help = "shrink r towards 0 by this fraction"},
    {.name = NULL},
};

static int pearson_estimate(const mib_data *d, const mib_spec *s, const mib_workspace *ws,
                            mib_result *res, mib_err *err)
{
    (void)ws; /* one thread and no randomness: nothing in the workspace is needed */
    if (d->dx != 1 || d->dy != 1) /* the data are finite and n >= 2 already */
        return mib_fail(err, MIB_EUNSUPPORTED, "pearson needs 1-D x and y (dx=%zu, dy=%zu)",
                        d->dx, d->dy);
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < d->n; i++) {
        mx += d->x[i];
        my += d->y[i];
    }
    mx /= (double)d->n;
    my /= (double)d->n;
    for (size_t i = 0; i < d->n; i++) {
        double a = d->x[i] - mx, b = d->y[i] - my;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    if (sxx == 0 || syy == 0)
        return mib_fail(err, MIB_EDATA, "pearson: a constant column");
    double r = (1 - s->v[P_SHRINK].num) * sxy / sqrt(sxx * syy);
    res->mi = -0.5 * log1p(-r * r); /* nats, raw */
    return MIB_OK;
}

static const mib_estimator_type pearson = {
    .info = {"pearson", "Gaussian MI of the sample correlation (1-D)", pearson_params},
    .estimate = pearson_estimate,
};

/* ---- the generator: init checks and precomputes, the rest only reads ---- */

enum { P_RHO };
static const mib_param_spec bivariate_params[] = {
    [P_RHO] = {.name = "rho", .kind = MIB_PARAM_REAL, .def = "0.5", .min = -1, .max = 1,
               .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = "correlation of x and y"},
    {.name = NULL},
};

typedef struct bivariate_state {
    double rho, s; /* s = sqrt(1 - rho^2), the noise scale of y given x */
} bivariate_state;

static int bivariate_init(void *state, const mib_spec *spec, mib_generator_shape *shape,
                          mib_err *err)
{
    (void)err; /* nothing to refuse: the parser has enforced -1 < rho < 1 */
    bivariate_state *b = state;
    b->rho = spec->v[P_RHO].num;
    b->s = sqrt(1 - b->rho * b->rho);
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete = 0};
    return MIB_OK;
}

static int bivariate_truth(const void *state, double *mi, mib_err *err)
{
    (void)err;
    const bivariate_state *b = state;
    *mi = -0.5 * log1p(-b->rho * b->rho);
    return MIB_OK;
}

/* y = rho x + sqrt(1 - rho^2) e, with x and e independent N(0, 1). */
static int bivariate_sample(const void *state, gsl_rng *r, size_t n, double *x, double *y)
{
    const bivariate_state *b = state;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_gaussian(r, 1);
        y[i] = b->rho * x[i] + b->s * gsl_ran_gaussian(r, 1);
    }
    return MIB_OK;
}

/* ln p(x,y) - ln p(x) - ln p(y) of the standard bivariate normal. */
static int bivariate_pmi(const void *state, const double *x, const double *y, double *out)
{
    const bivariate_state *b = state;
    double r = b->rho, q = r * r * (x[0] * x[0] + y[0] * y[0]) - 2 * r * x[0] * y[0];
    *out = -0.5 * log1p(-r * r) - q / (2 * b->s * b->s);
    return MIB_OK;
}

static const mib_generator_type bivariate = {
    .info = {"bivariate", "standard bivariate normal with correlation rho (1-D x and y)",
             bivariate_params},
    .state_size = sizeof(bivariate_state),
    .init = bivariate_init,
    .truth = bivariate_truth,
    .sample = bivariate_sample,
    .pmi = bivariate_pmi,
};

/* ---- what the plugin exports: NULL-terminated lists, and its ABI version ---- */

static const mib_estimator_type *const estimators[] = {&pearson, NULL};
static const mib_generator_type *const generators[] = {&bivariate, NULL};
MIB_PLUGIN_DEFINE(estimators, generators);
