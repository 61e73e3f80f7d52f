/* uniform_noise.c - additive uniform noise: X ~ U(0,1), Y = X + N,
 * N ~ U(0, eps), or with `halfwidth` e given, bmi's convention N ~ U(-e, e)
 * (AdditiveUniformSampler; a shift of Y by -e, so the law below holds with
 * eps = 2e: I = e - ln(2e) for e <= 1/2, 1/(4e) above). Y has a
 * trapezoidal density p(y) = L(y) / eps with L(y) = min(y, 1) -
 * max(y - eps, 0), so h(Y) = eps/2 (eps <= 1) or ln eps + 1/(2 eps)
 * (eps > 1), and I = h(Y) - ln eps:
 * eps/2 - ln eps for eps <= 1, 1/(2 eps) for eps > 1 (nats).
 * pmi = ln p(y|x) - ln p(y) = -ln L(y) on the support. O(1) per row.
 */
#include <math.h>
#include "mibench/generator.h"

enum { P_EPS, P_HALFWIDTH };

static const mib_param_spec params[] = {
    [P_EPS] = {.name = "eps", .kind = MIB_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e6,
               .flags = MIB_OPEN_MIN, .help = "width of the uniform noise U(0, eps)",
               .excludes = "halfwidth"},
    [P_HALFWIDTH] = {.name = "halfwidth", .kind = MIB_PARAM_REAL, .def = NULL, .min = 0,
                     .max = 5e5, .flags = MIB_OPEN_MIN,
                     .help = "bmi's noise U(-e, e) of half-width e (bmi's epsilon)",
                     .excludes = "eps"},
    {.name = NULL},
};

typedef struct state {
    double eps;   /* width of the noise */
    double shift; /* 0, or the half-width: N = U(0, eps) - shift */
} state;

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    int bmi = spec->v[P_HALFWIDTH].set;
    g->shift = bmi ? spec->v[P_HALFWIDTH].num : 0;
    g->eps = bmi ? 2 * g->shift : spec->v[P_EPS].num;
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete = 0};
    return MIB_OK;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    double eps = ((const state *)vs)->eps;
    *mi = eps <= 1 ? eps / 2 - log(eps) : 1 / (2 * eps);
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    double eps = g->eps, shift = g->shift;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_rng_uniform(r);
        y[i] = x[i] + (eps * gsl_rng_uniform(r) - shift); /* shift 0: bits as before */
    }
    return MIB_OK;
}

/* MIB_EDATA outside the support (x not in [0,1] or y - x not in [0, eps]). */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    double eps = g->eps, ys = *y + g->shift; /* back to the U(0, eps) convention */
    double noise = ys - *x, overlap = fmin(ys, 1) - fmax(ys - eps, 0);
    if (!(*x >= 0 && *x <= 1 && noise >= 0 && noise <= eps && overlap > 0))
        return MIB_EDATA;
    *out = -log(overlap);
    return MIB_OK;
}

const mib_generator_type mib_generator_uniform_noise = {
    .info = {"uniform-noise", "X ~ U(0,1), Y = X + U(0, eps) (or bmi's U(-e, e))", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
