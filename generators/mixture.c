/* mixture.c - bmi's "fine" mixtures (Czyz et al. 2023, "The Mixtures and the
 * Neural Critics: On the Pointwise Mutual Information Profiles of Fine
 * Distributions"; bmi.benchmark.tasks.mixtures, the tasks bmi v2 runs), each
 * an equal-weight mixture of K normals in dx + dy dimensions:
 *   x           two binormals, correlations -0.9 and +0.9              1 x 1
 *   ai          six 2-D normals that draw the letters "AI"             1 x 1
 *   galaxy      N(+-1.5 (1,1,1), I), X spiralled: x -> R(0.5 |x|^2) x   2 x 1
 *   waves       K normals at (1.5k, 0, 1.5 (k mod 4)), diag(0.1, 1, 0.1);
 *               X sheared, x0 + 5 sin(3 x1), then (0.1 x0 - 0.8, 0.5 x1) 2 x 1
 *   concentric  N(0, i^2 I) in X beside Y ~ N(i, 1e-4), i = 1..K   dim_x x 1
 * Sampling is exact: a uniform component, then mean + L e (L the Cholesky
 * factor, GSL). pmi = ln p(x,y) - ln p(x) - ln p(y) of the mixture densities
 * (the marginals are the mixtures of the components' marginals), by
 * log-sum-exp over components, at the inverse of the X map: the map acts on
 * X alone and is invertible, so its Jacobian cancels. The MI has no closed
 * form: the truth is the Monte-Carlo mean of pmi over MC_ROWS rows drawn in
 * init from a fixed seed (mc_truth.h); init reports its standard error as
 * shape->truth_se. Cost: O(K d^2) per row (d = dx + dy; O(K d) when the
 * covariances are diagonal), so init takes 0.1 to 0.4 s.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include "mibench/generator.h"
#include "generators/bmi_transform.h"
#include "generators/mc_truth.h"

#define MAX_DIM_X 100
#define MAX_D (MAX_DIM_X + 1)
#define MAX_K 64
#define MC_ROWS 500000  /* rows of the Monte-Carlo truth: SE 5e-4 to 1.3e-3 nats */
#define X_CORR 0.9      /* task_x: gaussian_correlation */
#define AI_CORR 0.95    /* task_ai: corr of the A's two legs */
#define GALAXY_SPEED 0.5
#define GALAXY_DISTANCE 3.0
#define WAVES_AMPLITUDE 5.0
#define WAVES_FREQUENCY 3.0
#define CONCENTRIC_VAR_Y 1e-4

enum { P_TASK, P_DIM_X, P_COMPONENTS };
enum { T_X, T_AI, T_GALAXY, T_WAVES, T_CONCENTRIC };

static const char *const task_names[] = {"x", "ai", "galaxy", "waves", "concentric", NULL};

static const mib_param_spec params[] = {
    [P_TASK] = {.name = "task", .kind = MIB_PARAM_CHOICE, .def = "x", .choices = task_names,
                .help = "bmi's mixture: x, ai (1 x 1), galaxy, waves (2 x 1), concentric "
                        "(dim_x x 1)"},
    [P_DIM_X] = {.name = "dim_x", .kind = MIB_PARAM_INT, .def = NULL, .min = 1,
                 .max = MAX_DIM_X, .help = "concentric: dimension of X (3 when not given)"},
    [P_COMPONENTS] = {.name = "components", .kind = MIB_PARAM_INT, .def = NULL, .min = 1,
                      .max = MAX_K,
                      .help = "waves (12) and concentric (3 when not given): components"},
    {.name = NULL},
};

/* task_ai's components: mean (x, y), variances of x and y, correlation. */
static const double ai[6][5] = {
    {1.0, 0.0, 0.01, 0.2, 0},            /* I: the stem */
    {1.0, 1.0, 0.05, 0.001, 0},          /* I: the top bar */
    {1.0, -1.0, 0.05, 0.001, 0},         /* I: the bottom bar */
    {-0.8, -0.2, 0.03, 0.001, 0},        /* A: the cross bar */
    {-1.2, 0.0, 0.04, 0.2, AI_CORR},     /* A: the left leg */
    {-0.4, 0.0, 0.04, 0.2, -AI_CORR},    /* A: the right leg */
};

typedef struct state {
    int task;
    int diagonal;     /* every covariance is diagonal (all but x, ai): O(d) rows */
    size_t k, dx, dy, d;
    double *mean;     /* k x d */
    double *chol;     /* k x d x d, row-major: each component's lower Cholesky
                         factor; its leading dx block factors the X marginal's */
    double *chol_y;   /* k x dy x dy: the factor of each Y marginal */
    double *half_logdet; /* k x 3: 1/2 ln det of S, Sxx and Syy */
    double mi, se;    /* the Monte-Carlo truth and its standard error */
} state;

/* Component c's mean and covariance (into chol, factored later). */
static void fill(state *g, size_t c)
{
    size_t d = g->d;
    double *m = g->mean + c * d, *S = g->chol + c * d * d;
    switch (g->task) {
    case T_X:
        S[0] = S[3] = 1;
        S[1] = S[2] = c ? X_CORR : -X_CORR; /* bmi's order: -1, then +1 */
        break;
    case T_AI:
        m[0] = ai[c][0];
        m[1] = ai[c][1];
        S[0] = ai[c][2];
        S[3] = ai[c][3];
        S[1] = S[2] = ai[c][4] * sqrt(ai[c][2] * ai[c][3]);
        break;
    case T_GALAXY:
        for (size_t j = 0; j < 3; j++) {
            m[j] = (c ? 1 : -1) * GALAXY_DISTANCE / 2;
            S[j * 4] = 1;
        }
        break;
    case T_WAVES:
        m[0] = 1.5 * (double)c;
        m[2] = 1.5 * (double)(c % 4);
        S[0] = S[8] = 0.1;
        S[4] = 1;
        break;
    default: { /* T_CONCENTRIC, i = c + 1 */
        double i = (double)(c + 1);
        for (size_t j = 0; j < g->dx; j++)
            S[j * (d + 1)] = i * i;
        m[g->dx] = i;
        S[d * d - 1] = CONCENTRIC_VAR_Y;
    }
    }
}

/* Solve L u = w in place (L lower triangular, n x n, row-major; diagonal:
 * only its diagonal is read). */
static void forward(const double *L, size_t n, int diagonal, double *w)
{
    for (size_t i = 0; i < n; i++) {
        double s = w[i];
        for (size_t j = 0; j < i && !diagonal; j++)
            s -= L[i * n + j] * w[j];
        w[i] = s / L[i * n + i];
    }
}

static double sumsq(const double *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * w[i];
    return s;
}

static double logsumexp(const double *v, size_t n)
{
    double m = -INFINITY, s = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, v[i]);
    for (size_t i = 0; i < n; i++)
        if (v[i] - m > -745) /* exp underflows to 0 below, through libm's slow path */
            s += exp(v[i] - m);
    return m + log(s);
}

/* The X map of the task (galaxy, waves; identity otherwise), in place. */
static int map_x(int task, double *x)
{
    if (task == T_GALAXY)
        return mib_bmi_tf_apply(MIB_BMI_SPIRAL, MIB_BMI_X, GALAXY_SPEED, x, 2);
    if (task == T_WAVES) {
        x[0] = 0.1 * (x[0] + WAVES_AMPLITUDE * sin(WAVES_FREQUENCY * x[1])) - 0.8;
        x[1] *= 0.5;
    }
    return MIB_OK;
}

/* Its inverse: w (dx values) -> x. */
static int unmap_x(int task, const double *w, size_t dx, double *x)
{
    if (task == T_GALAXY)
        return mib_bmi_tf_invert(MIB_BMI_SPIRAL, MIB_BMI_X, GALAXY_SPEED, w, 2, x);
    memcpy(x, w, dx * sizeof *x);
    if (task == T_WAVES) {
        x[1] = 2 * w[1];
        x[0] = 10 * (w[0] + 0.8) - WAVES_AMPLITUDE * sin(WAVES_FREQUENCY * x[1]);
    }
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *g = vs;
    size_t d = g->d;
    int st = MIB_OK;
    for (size_t i = 0; i < n && !st; i++) {
        size_t c = gsl_rng_uniform_int(r, (unsigned long)g->k);
        const double *L = g->chol + c * d * d, *m = g->mean + c * d;
        double e[MAX_D], z[MAX_D];
        for (size_t j = 0; j < d; j++)
            e[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
        for (size_t j = 0; j < d; j++) {
            z[j] = m[j] + L[j * d + j] * e[j];
            for (size_t l = 0; l < j && !g->diagonal; l++)
                z[j] += L[j * d + l] * e[l];
        }
        memcpy(x + i * g->dx, z, g->dx * sizeof *x);
        memcpy(y + i * g->dy, z + g->dx, g->dy * sizeof *y);
        st = map_x(g->task, x + i * g->dx);
    }
    return st;
}

static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *g = vs;
    size_t d = g->d, dx = g->dx, dy = g->dy;
    double z[MAX_D], w[MAX_D], joint[MAX_K], mx[MAX_K], my[MAX_K];
    int st = unmap_x(g->task, x, dx, z);
    if (st)
        return st;
    memcpy(z + dx, y, dy * sizeof *z);
    for (size_t c = 0; c < g->k; c++) {
        const double *m = g->mean + c * d, *h = g->half_logdet + 3 * c;
        for (size_t j = 0; j < d; j++)
            w[j] = z[j] - m[j];
        forward(g->chol + c * d * d, d, g->diagonal, w); /* its first dx solve the X block */
        joint[c] = -0.5 * sumsq(w, d) - h[0];
        mx[c] = -0.5 * sumsq(w, dx) - h[1];
        for (size_t j = 0; j < dy; j++)
            w[j] = y[j] - m[dx + j];
        forward(g->chol_y + c * dy * dy, dy, g->diagonal, w);
        my[c] = -0.5 * sumsq(w, dy) - h[2];
    }
    /* the weights 1/K and the (2 pi)^(-d/2) factors: -ln K + ln K + ln K */
    *out = logsumexp(joint, g->k) - logsumexp(mx, g->k) - logsumexp(my, g->k) +
           log((double)g->k);
    return MIB_OK;
}

/* One row's pmi, for the Monte-Carlo truth. */
static int draw_pmi(const void *vs, gsl_rng *r, double *out)
{
    const state *g = vs;
    double x[MAX_D], y[MAX_D];
    int st = sample(g, r, 1, x, y);
    return st ? st : pmi(g, x, y, out);
}

static double half_logdet(const double *L, size_t ld, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += log(L[i * ld + i]);
    return s;
}

static void cleanup(void *vs)
{
    free(((state *)vs)->mean);
}

static int init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    state *g = vs;
    const char *name = spec->info->name;
    int task = spec->v[P_TASK].choice;
    static const size_t tasks_k[] = {[T_X] = 2, [T_AI] = 6, [T_GALAXY] = 2, [T_WAVES] = 12,
                                     [T_CONCENTRIC] = 3};
    static const size_t tasks_dx[] = {[T_X] = 1, [T_AI] = 1, [T_GALAXY] = 2, [T_WAVES] = 2,
                                      [T_CONCENTRIC] = 3};
    if (spec->v[P_DIM_X].set && task != T_CONCENTRIC)
        return mib_fail(err, MIB_EINVAL, "generator '%s': dim_x applies only to task=concentric",
                        name);
    if (spec->v[P_COMPONENTS].set && task != T_WAVES && task != T_CONCENTRIC)
        return mib_fail(err, MIB_EINVAL, "generator '%s': components applies only to task=waves "
                        "or concentric (task=%s has %zu)", name, task_names[task],
                        tasks_k[task]);
    *g = (state){.task = task, .diagonal = task != T_X && task != T_AI, .k = tasks_k[task],
                 .dx = tasks_dx[task], .dy = 1};
    if (spec->v[P_DIM_X].set)
        g->dx = (size_t)spec->v[P_DIM_X].num;
    if (spec->v[P_COMPONENTS].set)
        g->k = (size_t)spec->v[P_COMPONENTS].num;
    size_t k = g->k, d = g->d = g->dx + g->dy, dy = g->dy;
    int st = MIB_OK;
    if (!(g->mean = calloc(k * (d + d * d + dy * dy + 3), sizeof *g->mean))) {
        st = mib_fail(err, MIB_ENOMEM, "generator '%s': out of memory", name);
        goto fail;
    }
    g->chol = g->mean + k * d;
    g->chol_y = g->chol + k * d * d;
    g->half_logdet = g->chol_y + k * dy * dy;
    for (size_t c = 0; c < k && !st; c++) {
        double *L = g->chol + c * d * d, *Ly = g->chol_y + c * dy * dy;
        fill(g, c);
        for (size_t i = 0; i < dy; i++)
            memcpy(Ly + i * dy, L + (g->dx + i) * d + g->dx, dy * sizeof *Ly);
        gsl_matrix_view S = gsl_matrix_view_array(L, d, d), Sy = gsl_matrix_view_array(Ly, dy, dy);
        if (gsl_linalg_cholesky_decomp1(&S.matrix) || gsl_linalg_cholesky_decomp1(&Sy.matrix))
            st = mib_fail(err, MIB_ENUMERIC, "generator '%s': component %zu is not positive "
                          "definite", name, c);
        g->half_logdet[3 * c] = half_logdet(L, d, d);
        g->half_logdet[3 * c + 1] = half_logdet(L, d, g->dx);
        g->half_logdet[3 * c + 2] = half_logdet(Ly, dy, dy);
    }
    if (!st)
        st = mib_mc_truth(draw_pmi, g, MC_ROWS, name, &g->mi, &g->se, err);
    if (st)
        goto fail;
    *shape = (mib_generator_shape){.dx = g->dx, .dy = g->dy, .truth_se = g->se};
    return MIB_OK;
fail:
    cleanup(g);
    return st;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    *mi = ((const state *)vs)->mi;
    return MIB_OK;
}

const mib_generator_type mib_generator_mixture = {
    .info = {"mixture",
             "bmi's fine mixtures (X, AI, Galaxy, Waves, Concentric); Monte-Carlo truth with "
             "its SE",
             params},
    .state_size = sizeof(state),
    .init = init,
    .cleanup = cleanup,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
