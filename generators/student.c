/* student.c - multivariate Student t: (X, Y) = Z / sqrt(u / nu) with
 * Z ~ N(0, S), u ~ chi2(nu); S has unit diagonal and correlation rho between
 * X_i and Y_i only. MI in nats (Arellano-Valle et al. 2013; the "Beyond
 * Normal" bmi benchmark): the Gaussian term for S plus a tail term that is
 * positive even when rho = 0 (dim = 1, nu = 1, rho = 0: 0.22417). pmi() is
 * the log ratio of the 2d-dimensional t density (dispersion S) to the two
 * d-dimensional marginal t densities (identity dispersion). O(d) per row.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include "mibench/generator.h"
#include "generators/gaussian.h"

/* Below MIN_NU, chi2(nu) draws underflow often enough that samples overflow
 * to inf (P(u < 1e-300) is about 1e-15 per row at 0.1, 3e-8 at 0.05). Above
 * MAX_NU the closed form cancels: its relative error, 1e-15 at nu = 1, grows
 * to 3e-10 at 100 and 2e-6 at 1000 (against 60-digit mpmath), while the
 * excess over the Gaussian MI is already below 1e-4 nats there. */
#define MIN_NU 0.1
#define MAX_NU 100

enum { P_DIM, P_NU, P_RHO };

static const mib_param_spec params[] = {
    [P_DIM] = {.name = "dim", .kind = MIB_PARAM_INT, .def = "1", .min = 1, .max = 1000,
               .help = "dimension of X and of Y"},
    [P_NU] = {.name = "nu", .kind = MIB_PARAM_REAL, .def = "1", .min = MIN_NU, .max = MAX_NU,
              .help = "degrees of freedom (above 100 the law is Gaussian to 1e-4 nats)"},
    [P_RHO] = {.name = "rho", .kind = MIB_PARAM_REAL, .def = "0", .min = -1, .max = 1,
               .flags = MIB_OPEN_MIN | MIB_OPEN_MAX,
               .help = "dispersion correlation of X_i and Y_i"},
    {.name = NULL},
};

typedef struct state {
    size_t d;
    double nu, rho, s2, s; /* s2 = 1 - rho^2, s = sqrt(s2) */
    double mi;
    double pmi_const; /* the parts of pmi that do not depend on (x, y) */
} state;

/* (a + b) [psi(a + b) - psi(a)], the digamma part of the tail term. */
static double psi_term(double a, double b)
{
    return (a + b) * (gsl_sf_psi(a + b) - gsl_sf_psi(a));
}

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    g->d = (size_t)spec->v[P_DIM].num;
    g->nu = spec->v[P_NU].num;
    g->rho = spec->v[P_RHO].num;
    g->s2 = (1 - g->rho) * (1 + g->rho);
    g->s = sqrt(g->s2);
    double a = g->nu / 2, h = (double)g->d / 2; /* dx = dy = d: each adds h */
    double gauss = -h * (fabs(g->rho) < 0.5 ? log1p(-g->rho * g->rho) : log(g->s2));
    /* lnG(a) + lnG(a + 2h) - 2 lnG(a + h), as two Pochhammer ratios so that
     * large nu does not cancel digits. */
    double lgam = gsl_sf_lnpoch(a + h, h) - gsl_sf_lnpoch(a, h);
    g->mi = gauss + lgam + 2 * psi_term(a, h) - psi_term(a, 2 * h);
    g->pmi_const = lgam + gauss;
    *shape = (mib_generator_shape){.dx = g->d, .dy = g->d, .discrete = 0};
    if (!isfinite(g->mi))
        return mib_fail(err, MIB_ENUMERIC, "generator 'student': truth not finite for nu=%g",
                        g->nu);
    return MIB_OK;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    size_t d = g->d;
    for (size_t i = 0; i < n; i++) {
        double *xi = x + i * d, *yi = y + i * d;
        mib_gaussian_row(r, g->rho, g->s, d, xi, yi);
        double scale = sqrt(g->nu / gsl_ran_chisq(r, g->nu));
        for (size_t j = 0; j < d; j++) {
            xi[j] *= scale;
            yi[j] *= scale;
        }
    }
    return MIB_OK;
}

/* ln f_joint - ln f_x - ln f_y for t densities
 * ln f(w) = lnG((nu+p)/2) - lnG(nu/2) - p/2 ln(nu pi) - 1/2 ln det - (nu+p)/2 ln(1 + q/nu);
 * the normalising constants collapse into pmi_const. */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    double qx = 0, qy = 0, qj = 0;
    for (size_t j = 0; j < g->d; j++) {
        double e = y[j] - g->rho * x[j];
        qx += x[j] * x[j];
        qy += y[j] * y[j];
        qj += x[j] * x[j] + e * e / g->s2; /* (x, y)' S^-1 (x, y) for this pair */
    }
    double d = (double)g->d, nu = g->nu;
    *out = g->pmi_const - 0.5 * (nu + 2 * d) * log1p(qj / nu) +
           0.5 * (nu + d) * (log1p(qx / nu) + log1p(qy / nu));
    return MIB_OK;
}

const mib_generator_type mib_generator_student = {
    .info = {"student", "multivariate Student t (heavy tails; MI > 0 even at rho = 0)", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
