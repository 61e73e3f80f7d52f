/* mixed.c - discrete-continuous laws with exact truths (one discrete side,
 * X, holding integers; Y continuous), for the mixed estimators (ross,
 * mixed-ksg) and for ksg1's behaviour on such data:
 *   mixed-uniform: X uniform on {0..m-1}, Y | X ~ U(X, X + 2) (Gao, Kannan,
 *     Oh & Viswanath 2017, the law of their Fig. 1): p(y) = 1/(2m) on [0, 1)
 *     and [m, m + 1), 1/m between, so I = ln m - ((m - 1)/m) ln 2.
 *   mixed-bernoulli: X ~ Bernoulli(p), Y | X = 0 ~ U(-1, 1), Y | X = 1 ~
 *     U(0, 2) (scikit-learn's test law for mutual_info_classif): p(y) =
 *     (1-p)/2, 1/2, p/2 on [-1, 0), [0, 1), [1, 2), so I = H(Y) - ln 2 =
 *     -(1-p)/2 ln((1-p)/2) - 1/2 ln(1/2) - p/2 ln(p/2) - ln 2 (ln(2)/2 at
 *     p = 1/2).
 * pmi = ln p(y|x) - ln p(y), p(y|x) = 1/2 on the support. O(1) per row. */
#include <math.h>
#include <gsl/gsl_rng.h>
#include "mibench/generator.h"

enum { P_M };  /* mixed-uniform */
enum { P_P };  /* mixed-bernoulli */

static const mib_param_spec uniform_params[] = {
    [P_M] = {.name = "m", .kind = MIB_PARAM_INT, .def = "4", .min = 1, .max = 1000000,
             .help = "X takes the values 0 .. m-1"},
    {.name = NULL},
};

static const mib_param_spec bernoulli_params[] = {
    [P_P] = {.name = "p", .kind = MIB_PARAM_REAL, .def = "0.5", .min = 0, .max = 1,
             .help = "P(X = 1)"},
    {.name = NULL},
};

typedef struct state {
    int bernoulli; /* 0: mixed-uniform on m values; 1: mixed-bernoulli */
    double m, p;
} state;

static int mixed_shape(mib_generator_shape *shape)
{
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete_side = MIB_SIDE_X};
    return MIB_OK;
}

static int uniform_init(void *vs, const mib_spec *spec, mib_generator_shape *shape,
                        mib_err *err)
{
    state *s = vs;
    s->m = spec->v[P_M].num;
    return mixed_shape(shape);
}

static int bernoulli_init(void *vs, const mib_spec *spec, mib_generator_shape *shape,
                          mib_err *err)
{
    state *s = vs;
    s->bernoulli = 1;
    s->p = spec->v[P_P].num;
    return mixed_shape(shape);
}

static double xlogx(double v)
{
    return v > 0 ? v * log(v) : 0;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    const state *s = vs;
    if (s->bernoulli)
        *mi = -xlogx((1 - s->p) / 2) - xlogx(0.5) - xlogx(s->p / 2) - log(2.0);
    else
        *mi = log(s->m) - (s->m - 1) / s->m * log(2.0);
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *s = vs;
    for (size_t i = 0; i < n; i++) {
        if (s->bernoulli) {
            x[i] = gsl_rng_uniform(r) < s->p;
            y[i] = x[i] - 1 + 2 * gsl_rng_uniform(r);
        } else {
            x[i] = (double)gsl_rng_uniform_int(r, (unsigned long)s->m);
            y[i] = x[i] + 2 * gsl_rng_uniform(r);
        }
    }
    return MIB_OK;
}

/* p(y) of the law at y (0 outside the support). */
static double density_y(const state *s, double y)
{
    if (s->bernoulli)
        return y < -1 || y >= 2 ? 0 : y < 0 ? (1 - s->p) / 2 : y < 1 ? 0.5 : s->p / 2;
    if (y < 0 || y >= s->m + 1)
        return 0;
    return (y < 1 || y >= s->m ? 0.5 : 1.0) / s->m;
}

static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *s = vs;
    double lo = s->bernoulli ? x[0] - 1 : x[0], py = density_y(s, y[0]);
    int symbol = s->bernoulli ? (x[0] == 0 || x[0] == 1) : (x[0] >= 0 && x[0] < s->m);
    if (!symbol || x[0] != floor(x[0]) || y[0] < lo || y[0] >= lo + 2 || !(py > 0))
        return MIB_EDATA; /* a pair the law never draws */
    *out = log(0.5) - log(py);
    return MIB_OK;
}

const mib_generator_type mib_generator_mixed_uniform = {
    .info = {"mixed-uniform", "X uniform on {0..m-1} (integers), Y | X ~ U(X, X+2) (Gao et al. "
                              "2017)", uniform_params},
    .state_size = sizeof(state),
    .init = uniform_init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};

const mib_generator_type mib_generator_mixed_bernoulli = {
    .info = {"mixed-bernoulli", "X ~ Bernoulli(p) (integers), Y | X ~ U(X-1, X+1) "
                                "(scikit-learn's mutual_info_classif test law)", bernoulli_params},
    .state_size = sizeof(state),
    .init = bernoulli_init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
