/* cgaussian.c - jointly Gaussian X, Y, Z (1-D each, unit variances) with
 * correlations rho_xy, rho_xz, rho_yz, for conditional MI: the truth is
 * I(X;Y|Z) = -1/2 ln(1 - r^2), r = (rho_xy - rho_xz rho_yz) /
 * sqrt((1 - rho_xz^2)(1 - rho_yz^2)) the partial correlation (for |r| >=
 * 1/2 as -1/2 [ln det R - ln(1 - rho_xz^2) - ln(1 - rho_yz^2)], R the 3x3
 * correlation, which must be positive definite). Rows are drawn through the
 * Cholesky factor of R: Z = e0, X = a e0 + sqrt(1 - a^2) e1, Y = b e0 +
 * c e1 + s e2. pmi_z is the bivariate normal pointwise MI of the residuals
 * of X and Y given Z, an independent route to the truth. O(1) per row. Nats.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"

enum { P_RHO_XY, P_RHO_XZ, P_RHO_YZ };

#define RHO(NAME, DEF, HELP)                                                                 \
    {.name = NAME, .kind = MIB_PARAM_REAL, .def = DEF, .min = -1, .max = 1,                 \
     .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = HELP}

static const mib_param_spec params[] = {
    [P_RHO_XY] = RHO("rho_xy", "0.7", "correlation of X and Y"),
    [P_RHO_XZ] = RHO("rho_xz", "0.5", "correlation of X and Z"),
    [P_RHO_YZ] = RHO("rho_yz", "0.5", "correlation of Y and Z"),
    {.name = NULL},
};

typedef struct state {
    double a, ax;      /* X = a Z + ax e1: a = rho_xz, ax = sqrt(1 - a^2) */
    double b, c, s;    /* Y = b Z + c e1 + s e2 */
    double r;          /* the partial correlation of X and Y given Z */
    double sx, sy;     /* sd of X | Z and of Y | Z */
    double mi;         /* the truth, I(X;Y|Z) */
} state;

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    const double rxy = spec->v[P_RHO_XY].num, rxz = spec->v[P_RHO_XZ].num,
                 ryz = spec->v[P_RHO_YZ].num;
    const double det = 1 - rxy * rxy - rxz * rxz - ryz * ryz + 2 * rxy * rxz * ryz;
    if (!(det > 0))
        return mib_fail(err, MIB_EINVAL,
                        "generator 'cgaussian': rho_xy=%g, rho_xz=%g, rho_yz=%g are not the "
                        "correlations of any Gaussian (the 3x3 correlation matrix has "
                        "determinant %g, it must be > 0); move rho_xy closer to "
                        "rho_xz*rho_yz=%g", rxy, rxz, ryz, det, rxz * ryz);
    g->a = rxz;
    g->ax = sqrt((1 - rxz) * (1 + rxz));
    g->b = ryz;
    g->c = (rxy - rxz * ryz) / g->ax;
    g->s = sqrt(det) / g->ax; /* det R = (ax s)^2: the Cholesky diagonal */
    g->sx = g->ax;
    g->sy = sqrt((1 - ryz) * (1 + ryz));
    g->r = (rxy - rxz * ryz) / (g->sx * g->sy);
    /* log1p keeps relative accuracy for small r (exactly 0 for r = 0), the
     * determinants near |r| = 1, where 1 - r^2 would cancel */
    g->mi = fabs(g->r) < 0.5 ? -0.5 * log1p(-g->r * g->r)
                             : -0.5 * (log(det) - log1p(-rxz * rxz) - log1p(-ryz * ryz));
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .dz = 1, .discrete = 0};
    return MIB_OK;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

/* Draws e0, e1, e2 per row, in that order. */
static int sample_z(const void *vs, gsl_rng *r, size_t n, double *x, double *y, double *z)
{
    const state *g = vs;
    for (size_t i = 0; i < n; i++) {
        double e0 = gsl_ran_ugaussian(r), e1 = gsl_ran_ugaussian(r), e2 = gsl_ran_ugaussian(r);
        z[i] = e0;
        x[i] = g->a * e0 + g->ax * e1;
        y[i] = g->b * e0 + g->c * e1 + g->s * e2;
    }
    return MIB_OK;
}

/* ln p(x,y|z) - ln p(x|z) - ln p(y|z): (X, Y) | z is bivariate normal with
 * means (a z, b z), sds (sx, sy) and correlation r. */
static int pmi_z(const void *vs, const double *x, const double *y, const double *z,
                 double *out)
{
    const state *g = vs;
    const double u = (*x - g->a * *z) / g->sx, v = (*y - g->b * *z) / g->sy;
    const double q = (1 - g->r) * (1 + g->r);
    *out = -0.5 * log(q) - (u * u - 2 * g->r * u * v + v * v) / (2 * q) + 0.5 * (u * u + v * v);
    return MIB_OK;
}

const mib_generator_type mib_generator_cgaussian = {
    .info = {"cgaussian", "jointly Gaussian X, Y, Z (1-D); truth I(X;Y|Z) from the partial "
             "correlation", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample_z = sample_z,
    .pmi_z = pmi_z,
};
