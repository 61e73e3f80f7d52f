/* gaussian.c - correlated Gaussians, optionally seen through an injective map.
 * X ~ N(0, I_d), Y = rho X + sqrt(1 - rho^2) E per coordinate, then X and Y
 * each pass through a transform (transform.h). I = -(d/2) ln(1 - rho^2)
 * nats whatever the transform (MI is invariant under injective maps); given
 * a target mi, rho = sqrt(1 - exp(-2 mi / d)). pmi() inverts the transform
 * and uses the Gaussian pointwise MI, -ln(s2)/2 - (y - rho x)^2/(2 s2) + y^2/2
 * per coordinate (s2 = 1 - rho^2), whose mean is the truth. O(d) per row.
 * The mutinfo benchmark's CorrelatedNormal (Butakov et al.,
 * github.com/VanessB/mutinfo) as options, drawn once at init from the seed
 * `draw`: split=random shares the MI among the coordinates by a uniform draw
 * on the simplex (normalised Exp(1) weights), rotate=1 turns X and Y each by
 * a Haar-random orthogonal matrix (QR of a Gaussian matrix, R's diagonal
 * made positive: Mezzadri 2007). Neither changes the truth. O(d^3) at init,
 * O(d^2) per row when rotated.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"
#include "mibench/rng.h"
#include "generators/gaussian.h"
#include "generators/transform.h"

#define MAX_DIM 1000

enum { P_DIM, P_RHO, P_MI, P_TRANSFORM, P_SPLIT, P_ROTATE, P_DRAW };

static const char *const split_names[] = {"even", "random", NULL};
enum { SPLIT_EVEN, SPLIT_RANDOM };

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
    /* split, rotate and draw have no default text, so that specs without
     * them keep their canonical text, and with it their seeds */
    [P_SPLIT] = {.name = "split", .kind = MIB_PARAM_CHOICE, .def = NULL, .choices = split_names,
                 .help = "the MI per coordinate (not given: even): equal, or a uniform draw on "
                         "the simplex (mutinfo's randomize_interactions; drawn from `draw`)"},
    [P_ROTATE] = {.name = "rotate", .kind = MIB_PARAM_INT, .def = NULL, .min = 0, .max = 1,
                  .help = "1: X and Y each turned by a random orthogonal matrix, drawn from "
                          "`draw` (not given: 0; mutinfo's shuffle_interactions; dim >= 2)"},
    [P_DRAW] = {.name = "draw", .kind = MIB_PARAM_INT, .def = NULL, .min = 1, .max = 1e15,
                .help = "seed of the random split and rotations (not given: 1; one law per "
                        "value: sweep draw=1|2|... for mutinfo's new draw per seed)"},
    {.name = NULL},
};

typedef struct state {
    size_t d;
    double rho, s2, s; /* correlation, 1 - rho^2, sqrt(1 - rho^2) */
    double mi;         /* the truth */
    double logdet;     /* sum over coordinates of ln(1 - rho_j^2) */
    int transform;
    /* split=random: per-coordinate rho, 1 - rho^2, sqrt (NULL: rho for all) */
    double *rho_j, *s2_j, *s_j;
    double *qx, *qy; /* rotate=1: d x d orthogonal, row-major (NULL: none) */
} state;

static void cleanup(void *vs)
{
    state *g = vs;
    free(g->rho_j);
    free(g->qx);
    g->rho_j = g->qx = NULL;
}

/* A Haar-random d x d orthogonal matrix into q (row-major): Q of the QR
 * decomposition of a matrix of N(0,1) draws, its columns signed so that R
 * has a positive diagonal. */
static int haar_orthogonal(gsl_rng *r, size_t d, double *q)
{
    gsl_matrix *a = gsl_matrix_alloc(d, d), *qm = gsl_matrix_alloc(d, d),
               *rm = gsl_matrix_alloc(d, d);
    gsl_vector *tau = gsl_vector_alloc(d);
    int st = !a || !qm || !rm || !tau ? MIB_ENOMEM : MIB_OK;
    if (!st) {
        for (size_t i = 0; i < d * d; i++)
            a->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        if (gsl_linalg_QR_decomp(a, tau) || gsl_linalg_QR_unpack(a, tau, qm, rm))
            st = MIB_ENUMERIC;
    }
    for (size_t i = 0; !st && i < d; i++)
        for (size_t j = 0; j < d; j++)
            q[i * d + j] = gsl_matrix_get(rm, j, j) < 0 ? -gsl_matrix_get(qm, i, j)
                                                        : gsl_matrix_get(qm, i, j);
    gsl_matrix_free(a);
    gsl_matrix_free(qm);
    gsl_matrix_free(rm);
    gsl_vector_free(tau);
    return st;
}

/* split=random and rotate=1: the per-coordinate correlations carrying the
 * truth g->mi in shares w_j / sum w (w_j ~ Exp(1)) and the rotations, all
 * from the stream of `draw`. */
static int draw_structure(state *g, int split, int rotate, uint64_t draw, mib_err *err)
{
    size_t d = g->d;
    gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(mib_rng_seed_string("gaussian structure"),
                                                    draw));
    int st = r ? MIB_OK : MIB_ENOMEM;
    if (!st && split == SPLIT_RANDOM) {
        double sum = 0, *w = g->rho_j = malloc(3 * d * sizeof *w);
        st = w ? MIB_OK : MIB_ENOMEM;
        for (size_t j = 0; !st && j < d; j++)
            sum += w[j] = gsl_ran_exponential(r, 1.0);
        g->s2_j = w + d;
        g->s_j = w + 2 * d;
        for (size_t j = 0; !st && j < d; j++) {
            double mj = g->mi * (w[j] / sum);
            if (mj > MIB_GAUSSIAN_MAX_MI_PER_DIM) {
                st = mib_fail(err, MIB_EINVAL,
                              "generator 'gaussian': split=random with draw=%llu gives "
                              "coordinate %zu %g nats, more than %g (lower mi or choose "
                              "another draw)", (unsigned long long)draw, j + 1, mj,
                              MIB_GAUSSIAN_MAX_MI_PER_DIM);
                break;
            }
            g->s2_j[j] = exp(-2 * mj);
            g->rho_j[j] = sqrt(-expm1(-2 * mj));
            g->s_j[j] = sqrt(g->s2_j[j]);
        }
        g->logdet = 0;
        for (size_t j = 0; !st && j < d; j++)
            g->logdet += log(g->s2_j[j]);
    }
    if (!st && rotate) {
        g->qx = malloc(2 * d * d * sizeof *g->qx);
        g->qy = g->qx ? g->qx + d * d : NULL;
        st = !g->qx ? MIB_ENOMEM : haar_orthogonal(r, d, g->qx) ? MIB_ENUMERIC
                                                               : haar_orthogonal(r, d, g->qy);
    }
    gsl_rng_free(r);
    return st == MIB_ENOMEM ? mib_fail(err, st, "generator 'gaussian': out of memory")
           : st == MIB_ENUMERIC ? mib_fail(err, st, "generator 'gaussian': the QR of a random "
                                                    "rotation failed")
                                : st;
}

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
    g->logdet = (double)g->d * log(g->s2);
    int split = spec->v[P_SPLIT].set ? spec->v[P_SPLIT].choice : SPLIT_EVEN;
    int rotate = spec->v[P_ROTATE].set && spec->v[P_ROTATE].num != 0;
    if (rotate && g->d < 2)
        return mib_fail(err, MIB_EINVAL, "generator 'gaussian': rotate=1 needs dim >= 2 (a 1-D "
                                         "rotation is the identity)");
    if (spec->v[P_DRAW].set && split == SPLIT_EVEN && !rotate)
        return mib_fail(err, MIB_EINVAL, "generator 'gaussian': draw=%g seeds split=random and "
                                         "rotate=1, and neither is set",
                        spec->v[P_DRAW].num);
    *shape = (mib_generator_shape){.dx = g->d, .dy = g->d, .discrete = 0};
    uint64_t draw = spec->v[P_DRAW].set ? (uint64_t)spec->v[P_DRAW].num : 1;
    int st = split == SPLIT_EVEN && !rotate ? MIB_OK : draw_structure(g, split, rotate, draw, err);
    if (st)
        cleanup(g); /* the registry frees the state only */
    return st;
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

/* out = q u (forward: the rotated row) or q^T u (back), q d x d row-major */
static void turn(const double *q, int back, const double *u, size_t d, double *out)
{
    gsl_matrix_const_view m = gsl_matrix_const_view_array(q, d, d);
    gsl_vector_const_view a = gsl_vector_const_view_array(u, d);
    gsl_vector_view b = gsl_vector_view_array(out, d);
    gsl_blas_dgemv(back ? CblasTrans : CblasNoTrans, 1.0, &m.matrix, &a.vector, 0.0, &b.vector);
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    size_t d = g->d;
    double *u = g->qx ? malloc(2 * d * sizeof *u) : NULL, *v = u ? u + d : NULL;
    if (g->qx && !u)
        return MIB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        double *xi = x + i * d, *yi = y + i * d;
        if (!g->rho_j)
            mib_gaussian_row(r, g->rho, g->s, d, xi, yi);
        for (size_t j = 0; g->rho_j && j < d; j++) /* one coordinate at a time */
            mib_gaussian_row(r, g->rho_j[j], g->s_j[j], 1, xi + j, yi + j);
        if (g->qx) {
            memcpy(u, xi, d * sizeof *u);
            memcpy(v, yi, d * sizeof *v);
            turn(g->qx, 0, u, d, xi);
            turn(g->qy, 0, v, d, yi);
        }
        mib_transform_apply(g->transform, xi, d);
        mib_transform_apply(g->transform, yi, d);
    }
    free(u);
    return MIB_OK;
}

static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    size_t d = g->d;
    double stack[4 * 64], *u = stack;
    int st = MIB_OK;
    if (d > 64 && !(u = malloc(4 * d * sizeof *u)))
        return MIB_ENOMEM;
    double *v = u + d;
    memcpy(u, x, d * sizeof *u);
    memcpy(v, y, d * sizeof *v);
    if (mib_transform_invert(g->transform, u, d) || mib_transform_invert(g->transform, v, d)) {
        st = MIB_EDATA;
        goto done;
    }
    if (g->qx) { /* back to the coordinates that carry the correlations */
        memcpy(u + 2 * d, u, 2 * d * sizeof *u);
        turn(g->qx, 1, u + 2 * d, d, u);
        turn(g->qy, 1, u + 3 * d, d, v);
    }
    double q = 0;
    for (size_t j = 0; j < d; j++) {
        double rho = g->rho_j ? g->rho_j[j] : g->rho, s2 = g->rho_j ? g->s2_j[j] : g->s2;
        double e = v[j] - rho * u[j];
        q += v[j] * v[j] - e * e / s2;
    }
    *out = 0.5 * (q - g->logdet);
done:
    if (u != stack)
        free(u);
    return st;
}

const mib_generator_type mib_generator_gaussian = {
    .info = {"gaussian", "correlated Gaussians, optionally through an injective map", params},
    .state_size = sizeof(state),
    .init = init,
    .cleanup = cleanup,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
