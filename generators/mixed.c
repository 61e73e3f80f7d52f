/* mixed.c - discrete-continuous laws with exact truths, for the mixed
 * estimators (ross, mixed-ksg) and for ksg1's behaviour on such data:
 *   mixed-uniform: X uniform on {0..m-1}, Y | X ~ U(X, X + 2) (Gao, Kannan,
 *     Oh & Viswanath 2017, the law of their Fig. 1): p(y) = 1/(2m) on [0, 1)
 *     and [m, m + 1), 1/m between, so I = ln m - ((m - 1)/m) ln 2.
 *   mixed-bernoulli: X ~ Bernoulli(p), Y | X = 0 ~ U(-1, 1), Y | X = 1 ~
 *     U(0, 2) (scikit-learn's test law for mutual_info_classif): p(y) =
 *     (1-p)/2, 1/2, p/2 on [-1, 0), [0, 1), [1, 2), so I = H(Y) - ln 2 =
 *     -(1-p)/2 ln((1-p)/2) - 1/2 ln(1/2) - p/2 ln(p/2) - ln 2 (ln(2)/2 at
 *     p = 1/2).
 *   Both have one discrete side, X, holding integers; pmi = ln p(y|x) -
 *   ln p(y), p(y|x) = 1/2 on the support. O(1) per row.
 *   zero-inflated: X ~ U(0, 1); Y = 0 with probability pi(x) = p0 + (p1 -
 *     p0) x, else Y | X ~ U(X, X + eps): Y has an atom at 0 beside a
 *     density, so neither side holds integers only. B = [Y = 0] is a
 *     function of Y, so I = I(X;B) + P(B = 0) I(X;Y | B = 0) = Hb(pbar) -
 *     int_0^1 Hb(pi(x)) dx + (1 - pbar) (h(Y | B = 0) - ln eps), pbar =
 *     (p0 + p1)/2; the integral and h(Y | B = 0) (its density is the
 *     piecewise quadratic A(y) / (eps (1 - pbar)), A(y) = the integral of
 *     1 - pi over [max(0, y - eps), min(1, y)]) by GSL's QAGS and QAGP
 *     once, in init. pmi = ln(pi(x) / pbar) at y = 0, else ln((1 - pi(x)) /
 *     A(y)), O(1) per row.
 */
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_rng.h>
#include "mibench/generator.h"

#define LIMIT 100 /* subintervals per adaptive integral */

enum { P_M };  /* mixed-uniform */
enum { P_P };  /* mixed-bernoulli */
enum { P_P0, P_P1, P_EPS }; /* zero-inflated */

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

static const mib_param_spec zero_params[] = {
    [P_P0] = {.name = "p0", .kind = MIB_PARAM_REAL, .def = "0.2", .min = 0, .max = 1,
              .help = "P(Y = 0 | X = 0)"},
    [P_P1] = {.name = "p1", .kind = MIB_PARAM_REAL, .def = "0.8", .min = 0, .max = 1,
              .help = "P(Y = 0 | X = 1); P(Y = 0 | X = x) is linear in x"},
    [P_EPS] = {.name = "eps", .kind = MIB_PARAM_REAL, .def = "0.5", .min = 1e-6, .max = 1e6,
               .help = "width of the continuous part: Y | X, Y != 0 ~ U(X, X + eps)"},
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

/* ---- zero-inflated ---- */

typedef struct zstate {
    double p0, p1, eps, mi;
} zstate;

static double hb(double p)
{
    return -xlogx(p) - xlogx(1 - p);
}

/* P(Y = 0 | X = x) */
static double zero_pi(const zstate *s, double x)
{
    return s->p0 + (s->p1 - s->p0) * x;
}

/* The integral of 1 - pi(t) over [max(0, y - eps), min(1, y)] (0 when
 * empty): eps times the continuous part's density at y. */
static double zero_mass(const zstate *s, double y)
{
    double lo = fmax(0, y - s->eps), hi = fmin(1, y);
    return hi > lo ? (hi - lo) * (1 - zero_pi(s, 0.5 * (lo + hi))) : 0;
}

static double hb_of_pi(double x, void *vs)
{
    return hb(zero_pi(vs, x));
}

/* -q ln q, q(y) = A(y) / (eps (1 - pbar)) the density of Y given Y != 0 */
static double neg_q_log_q(double y, void *vs)
{
    const zstate *s = vs;
    return -xlogx(zero_mass(s, y) / (s->eps * (1 - zero_pi(s, 0.5))));
}

static int zero_init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    zstate *s = vs;
    s->p0 = spec->v[P_P0].num;
    s->p1 = spec->v[P_P1].num;
    s->eps = spec->v[P_EPS].num;
    const double pbar = zero_pi(s, 0.5), e = s->eps;
    if (pbar == 1)
        return mib_fail(err, MIB_EINVAL, "generator 'zero-inflated': p0 = p1 = 1 makes Y "
                        "always 0; lower p0 or p1");
    /* q has kinks where the window [y - eps, y] meets 0 or 1 (one kink at
     * eps = 1; QAGP refuses an empty subinterval) */
    double pts[4] = {0, fmin(1, e), e == 1 ? 2 : fmax(1, e), 1 + e}, ib, hq, abserr;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(LIMIT);
    gsl_function fb = {hb_of_pi, s}, fq = {neg_q_log_q, s};
    int gst = !w ? GSL_ENOMEM
                 : gsl_integration_qags(&fb, 0, 1, 1e-14, 1e-11, LIMIT, w, &ib, &abserr);
    if (!gst)
        gst = gsl_integration_qagp(&fq, pts, e == 1 ? 3 : 4, 1e-14, 1e-11, LIMIT, w, &hq,
                                   &abserr);
    gsl_integration_workspace_free(w);
    if (gst)
        return mib_fail(err, MIB_ENUMERIC, "generator 'zero-inflated': quadrature of its "
                        "truth failed (%s)", gsl_strerror(gst));
    s->mi = hb(pbar) - ib + (1 - pbar) * (hq - log(e));
    *shape = (mib_generator_shape){.dx = 1, .dy = 1}; /* an atom, not integers */
    return MIB_OK;
}

static int zero_truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const zstate *)vs)->mi;
    return MIB_OK;
}

/* Per row: x, then the atom's coin, then (off the atom) the uniform. */
static int zero_sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const zstate *s = vs;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_rng_uniform(r);
        /* uniform_pos: the continuous part is never the atom's 0 */
        y[i] = gsl_rng_uniform(r) < zero_pi(s, x[i]) ? 0
                                                     : x[i] + s->eps * gsl_rng_uniform_pos(r);
    }
    return MIB_OK;
}

static int zero_pmi(const void *vs, const double *x, const double *y, double *out)
{
    const zstate *s = vs;
    const double pi = zero_pi(s, x[0]), pbar = zero_pi(s, 0.5);
    const double p = y[0] == 0 ? pi : 1 - pi, q = y[0] == 0 ? pbar : zero_mass(s, y[0]);
    int inside = y[0] == 0 || (y[0] >= x[0] && y[0] <= x[0] + s->eps);
    if (!(x[0] >= 0 && x[0] <= 1) || !inside || !(p > 0) || !(q > 0))
        return MIB_EDATA; /* a pair the law never draws */
    *out = log(p) - log(q);
    return MIB_OK;
}

const mib_generator_type mib_generator_zero_inflated = {
    .info = {"zero-inflated", "X ~ U(0,1); Y = 0 w.p. p0 + (p1-p0) X, else Y | X ~ "
                              "U(X, X+eps): an atom beside a density", zero_params},
    .state_size = sizeof(zstate),
    .init = zero_init,
    .truth = zero_truth,
    .sample = zero_sample,
    .pmi = zero_pmi,
};
