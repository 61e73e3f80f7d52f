/* chain.c - a Gaussian Markov chain X -> Y -> Z, each a noisy linear map of
 * the one before, per coordinate (d independent copies): X ~ N(0, 1),
 * Y = rho_xy X + sqrt(1 - rho_xy^2) E1, Z = rho_yz Y + sqrt(1 - rho_yz^2) E2,
 * so corr(X, Z) = rho_xy rho_yz. The view parameter (MIB_PARAM_VIEW) picks
 * which part of one draw is returned: xy, yz, xz as (X, Y), or xz_y as
 * (X, Z) with Y as the conditioning block. Truths: I(A;B) = -(d/2) ln(1 -
 * r^2), r the pair's correlation; I(X;Z|Y) = 0 (the Markov property), so
 * I(X;Z) <= I(X;Y), I(Y;Z) (the data-processing inequality, Cover & Thomas
 * 2006, th. 2.8.1). pmi is the bivariate normal pointwise MI of the pair
 * returned as x, y, per coordinate; pmi_z is 0 at every row (X and Z are
 * independent given Y). O(d) per row.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"

#define MAX_DIM 1000

enum { P_DIM, P_RHO_XY, P_RHO_YZ, P_VIEW };
enum { VIEW_XY, VIEW_YZ, VIEW_XZ, VIEW_XZ_Y };

static const char *const view_names[] = {"xy", "yz", "xz", "xz_y", NULL};

#define RHO(NAME, HELP)                                                                      \
    {.name = NAME, .kind = MIB_PARAM_REAL, .def = "0.9", .min = -1, .max = 1,               \
     .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = HELP}

static const mib_param_spec params[] = {
    [P_DIM] = {.name = "dim", .kind = MIB_PARAM_INT, .def = "1", .min = 1, .max = MAX_DIM,
               .help = "dimension of X, Y and Z (independent coordinates)"},
    [P_RHO_XY] = RHO("rho_xy", "per-coordinate correlation of X and Y"),
    [P_RHO_YZ] = RHO("rho_yz", "per-coordinate correlation of Y and Z (corr(X,Z) = "
                               "rho_xy rho_yz)"),
    [P_VIEW] = {.name = "view", .kind = MIB_PARAM_CHOICE, .def = "xy", .choices = view_names,
                .flags = MIB_PARAM_VIEW,
                .help = "the pair returned as (X, Y); xz_y: (X, Z) given Y (a view: every "
                        "value sees the same draw)"},
    {.name = NULL},
};

typedef struct state {
    size_t d;
    double rxy, sxy, ryz, syz; /* link correlations and noise scales sqrt(1 - r^2) */
    int a, b, c;               /* of (x, y, z) = 0, 1, 2: the blocks returned as x, y, z */
    double r, s2;              /* corr of the returned x and y, and 1 - r^2 */
    double mi;                 /* the truth */
} state;

/* -(d/2) ln(1 - r^2): log1p keeps relative accuracy for small r, the
 * product near |r| = 1. */
static double gaussian_mi(double r, size_t d)
{
    return -0.5 * (double)d * (fabs(r) < 0.5 ? log1p(-r * r) : log((1 - r) * (1 + r)));
}

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    /* per view: the blocks returned as x, y and z (-1: none) */
    static const int blocks[][3] = {
        [VIEW_XY] = {0, 1, -1}, [VIEW_YZ] = {1, 2, -1}, [VIEW_XZ] = {0, 2, -1},
        [VIEW_XZ_Y] = {0, 2, 1}};
    state *g = vs;
    const int view = spec->v[P_VIEW].choice;
    g->d = (size_t)spec->v[P_DIM].num;
    g->rxy = spec->v[P_RHO_XY].num;
    g->ryz = spec->v[P_RHO_YZ].num;
    g->sxy = sqrt((1 - g->rxy) * (1 + g->rxy));
    g->syz = sqrt((1 - g->ryz) * (1 + g->ryz));
    g->a = blocks[view][0];
    g->b = blocks[view][1];
    g->c = blocks[view][2];
    g->r = view == VIEW_XY ? g->rxy : view == VIEW_YZ ? g->ryz : g->rxy * g->ryz;
    g->s2 = (1 - g->r) * (1 + g->r);
    g->mi = view == VIEW_XZ_Y ? 0 : gaussian_mi(g->r, g->d);
    *shape = (mib_generator_shape){.dx = g->d, .dy = g->d, .dz = g->c >= 0 ? g->d : 0};
    return MIB_OK;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

/* n rows of the chain, the view's blocks into x, y (and z when it has a
 * third). Every view draws x_j, e1_j, e2_j per coordinate in that order,
 * so one seed gives every view the same chain. */
static int sample_z(const void *vs, gsl_rng *r, size_t n, double *x, double *y, double *z)
{
    const state *g = vs;
    for (size_t i = 0; i < n * g->d; i++) {
        double v[3];
        v[0] = gsl_ran_gaussian_ziggurat(r, 1.0);
        v[1] = g->rxy * v[0] + g->sxy * gsl_ran_gaussian_ziggurat(r, 1.0);
        v[2] = g->ryz * v[1] + g->syz * gsl_ran_gaussian_ziggurat(r, 1.0);
        x[i] = v[g->a];
        y[i] = v[g->b];
        if (g->c >= 0)
            z[i] = v[g->c];
    }
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    return sample_z(vs, r, n, x, y, NULL);
}

/* Per coordinate, with unit variances: ln p(u, v) - ln p(u) - ln p(v) =
 * -ln(s2)/2 - (v - r u)^2 / (2 s2) + v^2 / 2, s2 = 1 - r^2. */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    double q = 0;
    for (size_t j = 0; j < g->d; j++) {
        double e = y[j] - g->r * x[j];
        q += y[j] * y[j] - e * e / g->s2;
    }
    *out = 0.5 * (q - (double)g->d * log(g->s2));
    return MIB_OK;
}

/* p(x, z | y) = p(x | y) p(z | y) for a Markov chain: 0 at every row. */
static int pmi_z(const void *vs, const double *x, const double *y, const double *z,
                 double *out)
{
    *out = 0;
    return MIB_OK;
}

const mib_generator_type mib_generator_chain = {
    .info = {"chain", "Gaussian Markov chain X -> Y -> Z seen as one pair (view); truths "
             "I(X;Y), I(Y;Z), I(X;Z), I(X;Z|Y) = 0", params},
    .state_size = sizeof(state),
    .init = init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
    .sample_z = sample_z,
    .pmi_z = pmi_z,
};
