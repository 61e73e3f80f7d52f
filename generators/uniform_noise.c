/* uniform_noise.c - additive uniform noise: X ~ U(0,1), Y = X + N,
 * N ~ U(0, eps). Y has a trapezoidal density p(y) = L(y) / eps with
 * L(y) = min(y, 1) - max(y - eps, 0), so h(Y) = eps/2 (eps <= 1) or
 * ln eps + 1/(2 eps) (eps > 1), and I = h(Y) - ln eps:
 * eps/2 - ln eps for eps <= 1, 1/(2 eps) for eps > 1 (nats).
 * pmi = ln p(y|x) - ln p(y) = -ln L(y) on the support. O(1) per row.
 */
#include <math.h>
#include "mibench/generator.h"

enum { P_EPS };

static const mib_param_spec params[] = {
    [P_EPS] = {.name = "eps", .kind = MIB_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e6,
               .flags = MIB_OPEN_MIN, .help = "width of the uniform noise"},
    {.name = NULL},
};

typedef struct state {
    double eps;
} state;

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    ((state *)vs)->eps = spec->v[P_EPS].num;
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
    double eps = ((const state *)vs)->eps;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_rng_uniform(r);
        y[i] = x[i] + eps * gsl_rng_uniform(r);
    }
    return MIB_OK;
}

/* MIB_EDATA outside the support (x not in [0,1] or y - x not in [0, eps]). */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    double eps = ((const state *)vs)->eps;
    double noise = *y - *x, overlap = fmin(*y, 1) - fmax(*y - eps, 0);
    if (!(*x >= 0 && *x <= 1 && noise >= 0 && noise <= eps && overlap > 0))
        return MIB_EDATA;
    *out = -log(overlap);
    return MIB_OK;
}

const mib_generator_type mib_generator_uniform_noise = {
    .info = {"uniform-noise", "X ~ U(0,1), Y = X + U(0, eps)", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
