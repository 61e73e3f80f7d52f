/* multivariate.c - bmi's split laws (Czyz et al. 2023, "Beyond Normal"):
 * `multinormal`, (X, Y) ~ N(0, S), and `multistudent`, (X, Y) = Z / sqrt(u/nu)
 * with Z ~ N(0, S), u ~ chi2(nu); dim_x != dim_y allowed, S identity, dense
 * or bmi's sparse latent-variable structure (split.h), then one of bmi's maps
 * (bmi_transform.h) on X and on Y. multinormal's `inliers` f mixes in
 * independent rows (bmi's task_multinormal_sparse_w_inliers):
 * (1 - f) N(0, S) + f N(0, Sxx) N(0, Syy), whose marginals are S's, so
 * pmi = ln((1 - f) e^g + f) with g the normal pmi. Truths, in nats:
 *   normal:  I_G = 1/2 (ln det Sxx + ln det Syy - ln det S) (Cholesky);
 *   t:       I_G + ln G(a) + ln G(a+hx+hy) - ln G(a+hx) - ln G(a+hy)
 *            + (a+hx)[psi(a+hx) - psi(a)] + (a+hy)[psi(a+hy) - psi(a)]
 *            - (a+hx+hy)[psi(a+hx+hy) - psi(a)],  a = nu/2, h = dim/2
 *            (Arellano-Valle et al. 2013), positive even for S = I;
 *   inliers: no closed form; the Monte-Carlo mean of pmi (mc_truth.h) in
 *            canonical coordinates: g depends on (x, y) only through the
 *            k canonical pairs of S (correlations rho_i), so k pairs of
 *            normals per row stand in for the dim_x + dim_y coordinates;
 * any transform leaves them unchanged. pmi() inverts the maps and uses the
 * log density ratio through triangular solves. Cost: O(d^3) at init,
 * O(d^2) per row (d = dim_x + dim_y; sampling as BLAS-3 blocks), plus root
 * searches for wiggly (inverse) and bimodal (forward).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include "mibench/generator.h"
#include "generators/bmi_transform.h"
#include "generators/mc_truth.h"
#include "generators/split.h"

/* As student.c: below 0.1 chi2 draws underflow, above 100 the closed form
 * cancels digits and the law is Gaussian to 1e-4 nats. */
#define MIN_NU 0.1
#define MAX_NU 100
#define STACK_D 128
#define BLOCK 256 /* rows per triangular matrix product */
#define MC_ROWS 2000000 /* rows of the inliers' Monte-Carlo truth: SE 5e-4 to 8e-4 nats */

/* the row after SPLIT_ROWS is nu in multistudent, inliers in multinormal */
enum { P_DIM_X, P_DIM_Y, P_STRUCTURE, P_OFF_DIAG, P_N_INTERACTING, P_STRENGTH, P_TRANSFORM,
       P_SPEED, P_NU, P_INLIERS = P_NU };

#define SPLIT_ROWS(dim_default, structure_default)                                          \
    [P_DIM_X] = {.name = "dim_x", .kind = MIB_PARAM_INT, .def = dim_default, .min = 1,      \
                 .max = MIB_SPLIT_MAX_DIM, .help = "dimension of X"},                       \
    [P_DIM_Y] = {.name = "dim_y", .kind = MIB_PARAM_INT, .def = dim_default, .min = 1,      \
                 .max = MIB_SPLIT_MAX_DIM, .help = "dimension of Y"},                       \
    [P_STRUCTURE] = {.name = "structure", .kind = MIB_PARAM_CHOICE,                         \
                     .def = structure_default, .choices = mib_split_structure_names,        \
                     .help = "S: identity, dense (all pairs off_diag) or sparse (bmi's "    \
                             "2-pair LVM)"},                                                \
    [P_OFF_DIAG] = {.name = "off_diag", .kind = MIB_PARAM_REAL, .def = "0.5", .min = -1,    \
                    .max = 1, .flags = MIB_OPEN_MIN | MIB_OPEN_MAX,                         \
                    .help = "dense: the correlation of every pair of coordinates"},         \
    [P_N_INTERACTING] = {.name = "n_interacting", .kind = MIB_PARAM_INT, .def = "2",        \
                         .min = 0, .max = MIB_SPLIT_MAX_DIM,                                \
                         .help = "sparse: pairs (X_i, Y_i) that interact, i < n"},          \
    [P_STRENGTH] = {.name = "strength", .kind = MIB_PARAM_REAL, .def = "2", .min = 0,       \
                    .max = 1000,                                                            \
                    .help = "sparse: latent weight s, Corr(X_i, Y_i) = s^2 / (1 + s^2)"},   \
    [P_TRANSFORM] = {.name = "transform", .kind = MIB_PARAM_CHOICE, .def = "none",          \
                     .choices = mib_bmi_tf_names,                                           \
                     .help = "bmi's map of X and Y (spiral: dim_x >= 2, dim_y >= 3; "       \
                             "swissroll: dim_x = 1, X becomes 2-D; multistudent: no "       \
                             "CDF-based maps)"},                                            \
    [P_SPEED] = {.name = "speed", .kind = MIB_PARAM_REAL, .def = NULL, .min = 0,            \
                 .max = 1000, .help = "spiral speed (bmi's 1/3 when not given)"}

static const mib_param_spec normal_params[] = {
    SPLIT_ROWS("2", "dense"),
    [P_INLIERS] = {.name = "inliers", .kind = MIB_PARAM_REAL, .def = NULL, .min = 0, .max = 1,
                   .help = "fraction f of rows whose X and Y are drawn independently (bmi's "
                           "inliers; not given: 0): Monte-Carlo truth"},
    {.name = NULL},
};

static const mib_param_spec student_params[] = {
    SPLIT_ROWS("1", "identity"),
    [P_NU] = {.name = "nu", .kind = MIB_PARAM_REAL, .def = "1", .min = MIN_NU, .max = MAX_NU,
              .help = "degrees of freedom"},
    {.name = NULL},
};

typedef struct state {
    mib_split_law law;
    int student;
    double nu;
    int transform;
    double speed;
    size_t ox, oy;    /* dimensions of the emitted X and Y */
    double inliers;   /* multinormal's f; 0: none */
    double mi, mi_se; /* the truth and its standard error (0: exact) */
    double pmi_const; /* the parts of pmi that do not depend on (x, y) */
} state;

/* The canonical correlations of S (CCA: the correlations of the pairs of
 * canonical variables) into rho; their count. Sparse: n_interacting pairs
 * of s^2 / (1 + s^2); dense: Sxy = c 1 1' has rank one, rho^2 = c^2 (1'
 * Sxx^-1 1)(1' Syy^-1 1) = c^2 dx dy / ((1 + (dx - 1) c)(1 + (dy - 1) c));
 * identity: none. */
static size_t canonical(const mib_split_params *p, double *rho)
{
    double c = p->off_diag, dx = (double)p->dx, dy = (double)p->dy, s2 = p->strength * p->strength;
    if (p->structure == MIB_SPLIT_DENSE) {
        rho[0] = c * sqrt(dx * dy / ((1 + (dx - 1) * c) * (1 + (dy - 1) * c)));
        return 1;
    }
    size_t k = p->structure == MIB_SPLIT_SPARSE ? p->n_interacting : 0;
    for (size_t i = 0; i < k; i++)
        rho[i] = s2 / (1 + s2);
    return k;
}

/* ln((1 - f) e^g + f): the pmi with a fraction f of inliers, g the normal's. */
static double with_inliers(double g, double f)
{
    double a = log1p(-f) + g, b = log(f), m = fmax(a, b);
    return m + log(exp(a - m) + exp(b - m));
}

typedef struct canonical_law {
    const double *rho;
    size_t k;
    double f;
} canonical_law;

/* One row of the inliers' law in canonical coordinates: pairs (u, v) of
 * correlation rho_i, or independent ones with probability f; its pmi. */
static int draw_canonical(const void *vc, gsl_rng *r, double *out)
{
    const canonical_law *l = vc;
    int inlier = gsl_rng_uniform(r) < l->f;
    double g = 0;
    for (size_t i = 0; i < l->k; i++) {
        double rho = l->rho[i], c = 1 - rho * rho, u = gsl_ran_gaussian_ziggurat(r, 1.0),
               e = gsl_ran_gaussian_ziggurat(r, 1.0), v = inlier ? e : rho * u + sqrt(c) * e;
        g += -0.5 * log(c) - (rho * rho * (u * u + v * v) - 2 * rho * u * v) / (2 * c);
    }
    *out = with_inliers(g, l->f);
    return MIB_OK;
}

/* (a + b) [psi(a + b) - psi(a)], the digamma part of the t tail term. */
static double psi_term(double a, double b)
{
    return (a + b) * (gsl_sf_psi(a + b) - gsl_sf_psi(a));
}

static int init_common(state *g, const mib_spec *spec, int student, mib_generator_shape *shape,
                       mib_err *err)
{
    const char *name = spec->info->name;
    mib_split_params p = {
        .structure = spec->v[P_STRUCTURE].choice,
        .dx = (size_t)spec->v[P_DIM_X].num,
        .dy = (size_t)spec->v[P_DIM_Y].num,
        .off_diag = spec->v[P_OFF_DIAG].num,
        .n_interacting = (size_t)spec->v[P_N_INTERACTING].num,
        .strength = spec->v[P_STRENGTH].num,
    };
    g->student = student;
    g->transform = spec->v[P_TRANSFORM].choice;
    g->speed = spec->v[P_SPEED].set ? spec->v[P_SPEED].num : MIB_BMI_SPIRAL_SPEED;
    int st = mib_bmi_tf_check(g->transform, p.dx, p.dy, name, err);
    if (!st && spec->v[P_SPEED].set && g->transform != MIB_BMI_SPIRAL &&
        g->transform != MIB_BMI_CDF_SPIRAL)
        st = mib_fail(err, MIB_EINVAL, "generator '%s': speed applies only to "
                      "transform=spiral or cdf-spiral", name);
    /* Phi(v) rounds to 1 beyond v = 8.3: a t sample lands there often
     * (nu = 5: 4e-4 per coordinate) and the map stops being injective */
    int uses_cdf = g->transform == MIB_BMI_CDF || g->transform == MIB_BMI_CDF_SPIRAL ||
                   g->transform == MIB_BMI_BIMODAL || g->transform == MIB_BMI_SWISSROLL;
    if (!st && student && uses_cdf)
        st = mib_fail(err, MIB_EINVAL, "generator '%s': transform=%s applies the normal CDF, "
                      "which rounds to 1 on heavy tails (|v| > 8.3) and is not invertible there",
                      name, mib_bmi_tf_names[g->transform]);
    if (!st)
        st = mib_split_init(&g->law, &p, name, err);
    if (st)
        return st;
    g->ox = mib_bmi_tf_dim(g->transform, MIB_BMI_X, p.dx);
    g->oy = mib_bmi_tf_dim(g->transform, MIB_BMI_Y, p.dy);
    double gauss = mib_split_gauss_mi(&g->law);
    g->mi = g->pmi_const = gauss;
    g->inliers = !student && spec->v[P_INLIERS].set ? spec->v[P_INLIERS].num : 0;
    double *rho = g->inliers > 0 ? malloc((p.n_interacting + 1) * sizeof *rho) : NULL;
    canonical_law law = {.rho = rho, .k = rho ? canonical(&p, rho) : 0, .f = g->inliers};
    if (g->inliers > 0 && !rho)
        st = mib_fail(err, MIB_ENOMEM, "generator '%s': out of memory", name);
    else if (law.k > 0)
        st = mib_mc_truth(draw_canonical, &law, MC_ROWS, name, &g->mi, &g->mi_se, err);
    free(rho);
    if (st) {
        mib_split_free(&g->law);
        return st;
    }
    if (student) {
        double a = spec->v[P_NU].num / 2, hx = (double)p.dx / 2, hy = (double)p.dy / 2;
        g->nu = spec->v[P_NU].num;
        /* lnG(a) + lnG(a+hx+hy) - lnG(a+hx) - lnG(a+hy) as two Pochhammer ratios */
        double lgam = gsl_sf_lnpoch(a + hx, hy) - gsl_sf_lnpoch(a, hy);
        g->pmi_const = gauss + lgam;
        g->mi = gauss + lgam + psi_term(a, hx) + psi_term(a, hy) - psi_term(a, hx + hy);
    }
    *shape = (mib_generator_shape){.dx = g->ox, .dy = g->oy, .discrete = 0,
                                   .truth_se = g->mi_se};
    if (!isfinite(g->mi)) {
        mib_split_free(&g->law);
        return mib_fail(err, MIB_ENUMERIC, "generator '%s': truth not finite", name);
    }
    return MIB_OK;
}

static int init_normal(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    return init_common(vs, spec, 0, shape, err);
}

static int init_student(void *vs, const mib_spec *spec, mib_generator_shape *shape,
                        mib_err *err)
{
    return init_common(vs, spec, 1, shape, err);
}

static void cleanup(void *vs)
{
    mib_split_free(&((state *)vs)->law);
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

/* Rows are drawn in blocks of BLOCK: the block's normals (split.h), then for
 * t one chi2(nu) draw per row, with inliers one uniform per row (and for an
 * inlier row a fresh normal row whose Y replaces the row's), then the maps
 * row by row. The block size is part of the draw order (it fixes every
 * stored sample). */
static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    size_t dx = g->law.dx, dy = g->law.dy, d = g->law.d;
    /* +1: swissroll's X is 1 -> 2 values; then an inlier's fresh row */
    double *z = malloc((BLOCK * d + 1 + d) * sizeof *z);
    if (!z)
        return MIB_ENOMEM;
    double *fresh = z + BLOCK * d + 1;
    int st = MIB_OK;
    for (size_t i0 = 0; i0 < n && !st; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        mib_split_draw(&g->law, r, m, z);
        for (size_t k = 0; k < m && !st; k++) {
            double *zk = z + k * d, *xi = x + (i0 + k) * g->ox, *yi = y + (i0 + k) * g->oy;
            if (g->student) {
                double scale = sqrt(g->nu / gsl_ran_chisq(r, g->nu));
                for (size_t j = 0; j < d; j++)
                    zk[j] *= scale;
            }
            if (g->inliers > 0 && gsl_rng_uniform(r) < g->inliers) {
                mib_split_draw(&g->law, r, 1, fresh); /* independent of this row's X */
                memcpy(zk + dx, fresh + dx, dy * sizeof *zk);
            }
            memcpy(yi, zk + dx, dy * sizeof *yi);
            zk[dx] = 0; /* y is saved; the slot may take swissroll's second value */
            st = mib_bmi_tf_apply(g->transform, MIB_BMI_X, g->speed, zk, dx);
            if (!st)
                st = mib_bmi_tf_apply(g->transform, MIB_BMI_Y, g->speed, yi, dy);
            memcpy(xi, zk, g->ox * sizeof *xi);
        }
    }
    free(z);
    return st;
}

static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    size_t dx = g->law.dx, dy = g->law.dy, d = g->law.d;
    double stack[3 * STACK_D], *u = stack;
    if (d > STACK_D && !(u = malloc(3 * d * sizeof *u)))
        return MIB_ENOMEM;
    double *v = u + dx, *w = u + d, q, qx, qy;
    int st = mib_bmi_tf_invert(g->transform, MIB_BMI_X, g->speed, x, dx, u);
    if (!st)
        st = mib_bmi_tf_invert(g->transform, MIB_BMI_Y, g->speed, y, dy, v);
    if (!st) {
        mib_split_quad(&g->law, u, v, w, &q, &qx, &qy);
        if (g->student) {
            double nu = g->nu;
            *out = g->pmi_const - 0.5 * (nu + (double)d) * log1p(q / nu) +
                   0.5 * (nu + (double)dx) * log1p(qx / nu) +
                   0.5 * (nu + (double)dy) * log1p(qy / nu);
        } else {
            *out = g->pmi_const - 0.5 * (q - qx - qy);
            if (g->inliers > 0)
                *out = with_inliers(*out, g->inliers);
        }
    }
    if (u != stack)
        free(u);
    return st;
}

const mib_generator_type mib_generator_multinormal = {
    .info = {"multinormal",
             "bmi's split multivariate normal: structured S, any dim_x, dim_y, bmi's maps",
             normal_params},
    .state_size = sizeof(state),
    .init = init_normal,
    .cleanup = cleanup,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};

const mib_generator_type mib_generator_multistudent = {
    .info = {"multistudent",
             "bmi's split Student t: structured dispersion, any dim_x, dim_y, bmi's maps",
             student_params},
    .state_size = sizeof(state),
    .init = init_student,
    .cleanup = cleanup,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
