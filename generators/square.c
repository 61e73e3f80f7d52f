/* square.c - Y = X^2 + sigma E, X ~ N(0,1) or U(-1,1), E ~ N(0,1): zero
 * correlation, positive MI, no closed form. I = h(Y) - h(sigma E), computed
 * once in init as the single integral of phi ln phi - p ln p over y (so the
 * quadrature tolerance applies to I itself, not to two large entropies), with
 * p(y) = 2 int_0^xmax p_X(x) phi_sigma(y - x^2) dx (X is symmetric). Both
 * levels are GSL adaptive Gauss-Kronrod: the inner one splits x at the
 * window where |y - x^2| <= 12 sigma, the outer one at y = 0 (the smoothed
 * 1/sqrt singularity of X^2), 1 (uniform edge) and +-12 sigma, with
 * semi-infinite QAGI tails. pmi = ln phi_sigma(y - x^2) - ln p(y) costs one
 * inner quadrature (~100-300 exp) per row.
 */
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"
#include "generators/square.h"

#define WINDOW 12.0 /* phi(12) = 2e-32: beyond 12 sigma the kernel is nil */
#define LIMIT 200   /* subintervals per adaptive integral */
#define ABS_PER_TOL 1e-4 /* outer absolute tolerance per unit of relative tolerance */

enum { P_DIST, P_SIGMA };

static const char *const dists[] = {"normal", "uniform", NULL};

static const mib_param_spec params[] = {
    [P_DIST] = {.name = "dist", .kind = MIB_PARAM_CHOICE, .def = "normal", .choices = dists,
                .help = "law of X: N(0,1) or U(-1,1)"},
    [P_SIGMA] = {.name = "sigma", .kind = MIB_PARAM_REAL, .def = "0.5", .min = 1e-3, .max = 100,
                 .help = "noise standard deviation"},
    {.name = NULL},
};

typedef struct state {
    int dist;
    double sigma, mi;
} state;

/* One quadrature problem: the law, y for the inner integral, tolerances,
 * the inner workspace, and the first GSL failure seen inside an integrand. */
typedef struct problem {
    int dist;
    double sigma, y, tol;
    gsl_integration_workspace *ws;
    int gsl_status;
} problem;

static double log_phi(double z, double sigma)
{
    return -0.5 * (z / sigma) * (z / sigma) - log(sigma) - 0.5 * log(2 * M_PI);
}

static double inner_integrand(double x, void *vp)
{
    const problem *p = vp;
    double lpx = p->dist == MIB_SQUARE_NORMAL ? -0.5 * x * x - 0.5 * log(2 * M_PI) : -M_LN2;
    return exp(lpx + log_phi(p->y - x * x, p->sigma));
}

/* Integrate f over [a, b] (b may be INFINITY); records a failure in *status. */
static double integrate(gsl_function *f, double a, double b, double epsabs, double epsrel,
                        gsl_integration_workspace *ws, int *status)
{
    double r = 0, abserr;
    int st = isinf(b) ? gsl_integration_qagiu(f, a, epsabs, epsrel, LIMIT, ws, &r, &abserr)
                      : gsl_integration_qag(f, a, b, epsabs, epsrel, LIMIT, GSL_INTEG_GAUSS21,
                                            ws, &r, &abserr);
    if (st && !*status)
        *status = st;
    return r;
}

/* p(y): the window where x^2 is within WINDOW sigma of y first, then the
 * two sides to an absolute tolerance relative to it. */
static double density(problem *p, double y)
{
    gsl_function f = {inner_integrand, p};
    double s = WINDOW * p->sigma, xmax = p->dist == MIB_SQUARE_NORMAL ? INFINITY : 1;
    double a = fmin(sqrt(fmax(y - s, 0)), xmax), b = fmin(sqrt(fmax(y + s, 0)), xmax);
    p->y = y;
    double mid = b > a ? integrate(&f, a, b, 0, p->tol, p->ws, &p->gsl_status) : 0;
    double epsabs = mid * p->tol, sides = 0;
    if (a > 0)
        sides += integrate(&f, 0, a, epsabs, p->tol, p->ws, &p->gsl_status);
    if (b < xmax)
        sides += integrate(&f, b, xmax, epsabs, p->tol, p->ws, &p->gsl_status);
    return 2 * (mid + sides);
}

/* phi ln phi - p ln p at y: the integrand of I = h(Y) - h(sigma E). */
static double outer_integrand(double y, void *vp)
{
    problem *p = vp;
    double q = density(p, y), lphi = log_phi(y, p->sigma);
    return exp(lphi) * lphi - (q > 0 ? q * log(q) : 0);
}

int mib_square_truth(int dist, double sigma, double tol, double *mi, mib_err *err)
{
    problem p = {.dist = dist, .sigma = sigma, .tol = tol / 100};
    gsl_integration_workspace *outer = gsl_integration_workspace_alloc(LIMIT);
    p.ws = gsl_integration_workspace_alloc(LIMIT);
    int st = MIB_OK;
    if (!outer || !p.ws) {
        st = mib_fail(err, MIB_ENOMEM, "generator 'square': out of memory for quadrature");
        goto done;
    }
    /* breakpoints: -12 sigma, 0, (uniform: 1), and the end of the bulk */
    double s = WINDOW * sigma;
    double hi = dist == MIB_SQUARE_NORMAL ? fmax(s, 50) : 1 + s;
    double pts[5] = {-s, 0, 0, 0, 0};
    size_t npts = 1;
    double inner[3] = {0, dist == MIB_SQUARE_UNIFORM ? 1 : s, s};
    for (size_t i = 0; i < 3; i++)
        if (inner[i] > pts[npts - 1] && inner[i] < hi)
            pts[npts++] = inner[i];
    pts[npts++] = hi;
    gsl_function f = {outer_integrand, &p};
    double bulk, err_bulk, left, right;
    /* An absolute floor keeps tiny truths (4e-6 at sigma = 100) from asking
     * for accuracy below the integrand's rounding noise. */
    double floor_abs = ABS_PER_TOL * tol;
    int gst = gsl_integration_qagp(&f, pts, npts, floor_abs, tol, LIMIT, outer, &bulk, &err_bulk);
    if (!gst) {
        double epsabs = fmax(fabs(bulk) * tol, floor_abs), abserr;
        gst = gsl_integration_qagil(&f, -s, epsabs, tol, LIMIT, outer, &left, &abserr);
        if (!gst)
            gst = gsl_integration_qagiu(&f, hi, epsabs, tol, LIMIT, outer, &right, &abserr);
    }
    if (gst || p.gsl_status) {
        st = mib_fail(err, MIB_ENUMERIC,
                      "generator 'square': quadrature failed for sigma=%g (%s)", sigma,
                      gsl_strerror(gst ? gst : p.gsl_status));
        goto done;
    }
    *mi = left + bulk + right;
done:
    gsl_integration_workspace_free(p.ws);
    gsl_integration_workspace_free(outer);
    return st;
}

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    g->dist = spec->v[P_DIST].choice;
    g->sigma = spec->v[P_SIGMA].num;
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete = 0};
    return mib_square_truth(g->dist, g->sigma, MIB_SQUARE_TOL, &g->mi, err);
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    for (size_t i = 0; i < n; i++) {
        x[i] = g->dist == MIB_SQUARE_NORMAL ? gsl_ran_gaussian_ziggurat(r, 1.0)
                                            : 2 * gsl_rng_uniform(r) - 1;
        y[i] = x[i] * x[i] + g->sigma * gsl_ran_gaussian_ziggurat(r, 1.0);
    }
    return MIB_OK;
}

/* One inner quadrature for p(y) with a workspace of its own (thread-safe).
 * MIB_EDATA outside the support of X, MIB_ENUMERIC on quadrature failure. */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    if (g->dist == MIB_SQUARE_UNIFORM && !(*x >= -1 && *x <= 1))
        return MIB_EDATA;
    problem p = {.dist = g->dist, .sigma = g->sigma, .tol = MIB_SQUARE_TOL / 100};
    if (!(p.ws = gsl_integration_workspace_alloc(LIMIT)))
        return MIB_ENOMEM;
    double q = density(&p, *y);
    gsl_integration_workspace_free(p.ws);
    if (p.gsl_status || !(q > 0))
        return MIB_ENUMERIC;
    *out = log_phi(*y - *x * *x, g->sigma) - log(q);
    return MIB_OK;
}

const mib_generator_type mib_generator_square = {
    .info = {"square", "Y = X^2 + sigma E: zero correlation, positive MI (quadrature truth)",
             params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
