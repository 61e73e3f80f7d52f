/* gaussian.c - correlated Gaussians, optionally seen through an injective map.
 * X ~ N(0, I_d), Y = rho X + sqrt(1 - rho^2) E per coordinate, then X and Y
 * each pass through a transform (transform.h). I = -(d/2) ln(1 - rho^2)
 * nats whatever the transform (MI is invariant under injective maps); given
 * a target mi, rho = sqrt(1 - exp(-2 mi / d)). pmi() inverts the transform
 * and uses the Gaussian pointwise MI, -ln(s2)/2 - (y - rho x)^2/(2 s2) + y^2/2
 * per coordinate (s2 = 1 - rho^2), whose mean is the truth. O(d) per row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"
#include "generators/gaussian.h"
#include "generators/transform.h"

#define MAX_DIM 1000

enum { P_DIM, P_RHO, P_MI, P_TRANSFORM };

static const mib_param_spec params[] = {
    [P_DIM] = {.name = "dim", .kind = MIB_PARAM_INT, .def = "1", .min = 1, .max = MAX_DIM,
               .help = "dimension of X and of Y"},
    [P_RHO] = {.name = "rho", .kind = MIB_PARAM_REAL, .def = "0.5", .min = -1, .max = 1,
               .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = "per-coordinate correlation",
               .excludes = "mi"},
    [P_MI] = {.name = "mi", .kind = MIB_PARAM_REAL, .def = NULL, .min = 0, .max = INFINITY,
              .help = "target MI in nats (sets rho)", .excludes = "rho"},
    [P_TRANSFORM] = {.name = "transform", .kind = MIB_PARAM_CHOICE, .def = "none",
                     .choices = mib_transform_names,
                     .help = "injective map applied to X and to Y (spiral needs dim >= 2)"},
    {.name = NULL},
};

typedef struct state {
    size_t d;
    double rho, s2, s; /* correlation, 1 - rho^2, sqrt(1 - rho^2) */
    double mi;         /* the truth */
    int transform;
} state;

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    g->d = (size_t)spec->v[P_DIM].num;
    g->transform = spec->v[P_TRANSFORM].choice;
    double d = (double)g->d;
    if (g->transform == MIB_TF_SPIRAL && g->d < 2)
        return mib_fail(err, MIB_EINVAL,
                        "generator 'gaussian': transform=spiral rotates vectors and needs "
                        "dim >= 2, got dim=1");
    if (spec->v[P_MI].set) {
        g->mi = spec->v[P_MI].num;
        if (g->mi / d > MIB_GAUSSIAN_MAX_MI_PER_DIM)
            return mib_fail(err, MIB_EINVAL,
                            "generator 'gaussian': mi=%g is too large for dim=%zu "
                            "(at most %g nats per coordinate: beyond, the noise drowns in double "
                            "rounding)", g->mi, g->d, MIB_GAUSSIAN_MAX_MI_PER_DIM);
        g->s2 = exp(-2 * g->mi / d);
        g->rho = sqrt(-expm1(-2 * g->mi / d));
    } else {
        g->rho = spec->v[P_RHO].num;
        g->s2 = (1 - g->rho) * (1 + g->rho);
        /* log1p keeps relative accuracy for small rho, the product near |rho| = 1 */
        g->mi = -0.5 * d * (fabs(g->rho) < 0.5 ? log1p(-g->rho * g->rho) : log(g->s2));
    }
    g->s = sqrt(g->s2);
    *shape = (mib_generator_shape){.dx = g->d, .dy = g->d, .discrete = 0};
    return MIB_OK;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

void mib_gaussian_row(gsl_rng *r, double rho, double s, size_t d, double *x, double *y)
{
    for (size_t j = 0; j < d; j++) {
        x[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
        y[j] = rho * x[j] + s * gsl_ran_gaussian_ziggurat(r, 1.0);
    }
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    size_t d = g->d;
    for (size_t i = 0; i < n; i++) {
        double *xi = x + i * d, *yi = y + i * d;
        mib_gaussian_row(r, g->rho, g->s, d, xi, yi);
        mib_transform_apply(g->transform, xi, d);
        mib_transform_apply(g->transform, yi, d);
    }
    return MIB_OK;
}

static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    size_t d = g->d;
    double stack[2 * 64], *u = stack;
    int st = MIB_OK;
    if (d > 64 && !(u = malloc(2 * d * sizeof *u)))
        return MIB_ENOMEM;
    double *v = u + d;
    memcpy(u, x, d * sizeof *u);
    memcpy(v, y, d * sizeof *v);
    if (mib_transform_invert(g->transform, u, d) || mib_transform_invert(g->transform, v, d)) {
        st = MIB_EDATA;
        goto done;
    }
    double q = 0;
    for (size_t j = 0; j < d; j++) {
        double e = v[j] - g->rho * u[j];
        q += v[j] * v[j] - e * e / g->s2;
    }
    *out = 0.5 * (q - (double)d * log(g->s2));
done:
    if (u != stack)
        free(u);
    return st;
}

const mib_generator_type mib_generator_gaussian = {
    .info = {"gaussian", "correlated Gaussians, optionally through an injective map", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
