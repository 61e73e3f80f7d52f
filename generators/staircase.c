/* staircase.c - the MI staircase of Poole et al. 2019 and Song & Ermon 2020:
 * X, Y in R^dim, y = rho x + sqrt(1 - rho^2) e per coordinate, with rho set
 * so that I = -(dim/2) ln(1 - rho^2) steps through levels from, from + by,
 * ... every `every` training steps (sample_step). The transform (transform.h)
 * maps Y only, as Song & Ermon's cubic task y -> y^3 does (the gaussian
 * generator maps X and Y); MI is unchanged. sample(), truth() and pmi()
 * describe the last level. Cost O(n dim) per draw. Nats.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"
#include "generators/gaussian.h"
#include "generators/transform.h"

#define MAX_LEVELS 1000

enum { P_DIM, P_TRANSFORM, P_LEVELS, P_FROM, P_BY, P_EVERY };

static const mib_param_spec params[] = {
    {.name = "dim", .kind = MIB_PARAM_INT, .def = "20", .min = 1, .max = 100000,
     .help = "dimension of X and of Y"},
    {.name = "transform", .kind = MIB_PARAM_CHOICE, .def = "none",
     .choices = mib_transform_names,
     .help = "injective map of Y only (cubic: y -> y^3, Song & Ermon 2020)"},
    {.name = "levels", .kind = MIB_PARAM_INT, .def = "5", .min = 1, .max = MAX_LEVELS,
     .help = "number of MI levels"},
    {.name = "from", .kind = MIB_PARAM_REAL, .def = "2", .min = 0, .max = 1e6,
     .help = "MI of the first level (nats)"},
    {.name = "by", .kind = MIB_PARAM_REAL, .def = "2", .min = -1e6, .max = 1e6,
     .help = "MI added at each level (nats)"},
    {.name = "every", .kind = MIB_PARAM_INT, .def = "4000", .min = 1, .max = 1e12,
     .help = "training steps per level"},
    {.name = NULL},
};

typedef struct staircase {
    size_t dim, levels, every;
    int transform;
    double mi[MAX_LEVELS], rho[MAX_LEVELS], sig[MAX_LEVELS]; /* sig = sqrt(1 - rho^2) */
} staircase;

static int init(void *state, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    staircase *s = state;
    s->dim = (size_t)spec->v[P_DIM].num;
    s->transform = spec->v[P_TRANSFORM].choice;
    if (s->transform == MIB_TF_SPIRAL && s->dim < 2)
        return mib_fail(err, MIB_EINVAL, "staircase: transform=spiral rotates vectors and "
                        "needs dim >= 2, got dim=1");
    s->levels = (size_t)spec->v[P_LEVELS].num;
    s->every = (size_t)spec->v[P_EVERY].num;
    for (size_t k = 0; k < s->levels; k++) {
        double mi = spec->v[P_FROM].num + (double)k * spec->v[P_BY].num, a = mi / (double)s->dim;
        if (mi < 0)
            return mib_fail(err, MIB_EINVAL, "staircase: level %zu has MI %g < 0; "
                            "choose from and by so every level is >= 0", k + 1, mi);
        s->mi[k] = mi;
        s->rho[k] = sqrt(-expm1(-2.0 * a)); /* 1 - rho^2 = e^(-2 I / dim) */
        s->sig[k] = exp(-a);
        if (a > MIB_GAUSSIAN_MAX_MI_PER_DIM)
            return mib_fail(err, MIB_EINVAL, "staircase: MI %g is too large for dim=%zu "
                            "(at most %g nats per coordinate: beyond, the noise drowns in "
                            "double rounding)", mi, s->dim, MIB_GAUSSIAN_MAX_MI_PER_DIM);
    }
    *shape = (mib_generator_shape){.dx = s->dim, .dy = s->dim};
    return MIB_OK;
}

static size_t level_at(const staircase *s, size_t step)
{
    size_t k = step / s->every;
    return k < s->levels ? k : s->levels - 1;
}

static void draw(const staircase *s, size_t k, gsl_rng *r, size_t n, double *x, double *y)
{
    size_t d = s->dim;
    for (size_t i = 0; i < n; i++) {
        mib_gaussian_row(r, s->rho[k], s->sig[k], d, x + i * d, y + i * d);
        mib_transform_apply(s->transform, y + i * d, d);
    }
}

static int truth(const void *state, double *mi, mib_err *err)
{
    const staircase *s = state;
    *mi = s->mi[s->levels - 1];
    return MIB_OK;
}

static int sample(const void *state, gsl_rng *r, size_t n, double *x, double *y)
{
    const staircase *s = state;
    draw(s, s->levels - 1, r, n, x, y);
    return MIB_OK;
}

static int sample_step(const void *state, gsl_rng *r, size_t step, size_t n, double *x,
                       double *y, double *mi)
{
    const staircase *s = state;
    size_t k = level_at(s, step);
    draw(s, k, r, n, x, y);
    *mi = s->mi[k];
    return MIB_OK;
}

/* ln p(y|x) - ln p(y) at the last level, on the untransformed y (the map's
 * Jacobian cancels). */
static int pmi(const void *state, const double *x, const double *y, double *out)
{
    const staircase *s = state;
    size_t k = s->levels - 1, d = s->dim;
    double rho = s->rho[k], v = s->sig[k] * s->sig[k], sum = 0, stack[64], *b = stack;
    if (d > 64 && !(b = malloc(d * sizeof *b)))
        return MIB_ENOMEM;
    memcpy(b, y, d * sizeof *b);
    int st = mib_transform_invert(s->transform, b, d) ? MIB_EDATA : MIB_OK;
    for (size_t c = 0; c < d; c++) {
        double e = b[c] - rho * x[c];
        sum += -log(s->sig[k]) - e * e / (2 * v) + b[c] * b[c] / 2;
    }
    *out = sum;
    if (b != stack)
        free(b);
    return st;
}

const mib_generator_type mib_generator_staircase = {
    .info = {"staircase",
             "Gaussian whose MI steps up during online training (Poole et al. 2019); "
             "truth = last level",
             params},
    .state_size = sizeof(staircase),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
    .sample_step = sample_step,
};
