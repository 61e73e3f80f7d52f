/* test_neural.c - the neural estimators (estimators/neural/) and the
 * staircase generator: gradients of every layer, critic and bound against
 * finite differences of independent double-precision references; bound
 * values against closed forms and against the analytic optimal critic
 * (pmi of the generator) on Gaussian samples; Adam against its formula;
 * training to known MI in online and dataset mode; divergence, interrupts,
 * curves and bad parameters. Fixed seeds throughout; the tolerances are
 * stated where they are not standard errors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "bench/cli/blas_kernels.h"
#include "mibench/mibench.h"
#include "estimators/neural/bounds.h"
#include "estimators/neural/critic.h"
#include "estimators/neural/mlp.h"

/* OpenBLAS picks kernels at load time: re-exec with fast ones (glibc passes
 * argc, argv to constructors), and one BLAS thread as in a sweep. */
__attribute__((constructor)) static void blas_setup(int argc, char **argv)
{
    (void)argc;
    mib_blas_select_kernels(argv);
    mib_blas_set_threads(1);
}

/* ---------- double-precision references ---------- */

/* One row through dense layers dims[0] -> ... -> dims[nl] whose parameters
 * start at p[*at] (W in x out row-major, then b); ReLU between layers. */
static void ref_tower(const double *p, size_t *at, size_t nl, const size_t *dims,
                      const double *in, double *out)
{
    double a[64], z[64];
    memcpy(a, in, dims[0] * sizeof(double));
    for (size_t l = 0; l < nl; l++) {
        const double *W = p + *at, *b = W + dims[l] * dims[l + 1];
        for (size_t k = 0; k < dims[l + 1]; k++) {
            z[k] = b[k];
            for (size_t i = 0; i < dims[l]; i++)
                z[k] += a[i] * W[i * dims[l + 1] + k];
        }
        *at += dims[l] * dims[l + 1] + dims[l + 1];
        for (size_t k = 0; k < dims[l + 1]; k++)
            a[k] = l + 1 < nl && z[k] < 0 ? 0 : z[k];
    }
    memcpy(out, a, dims[nl] * sizeof(double));
}

/* T(x, y) of a critic from its parameters (layout documented in critic.h). */
static double ref_critic(const mib_critic_cfg *c, const double *p, const double *x,
                         const double *y)
{
    size_t dims[20], at = 0, L = c->layers;
    double g[64], h[64], in[64], t = 0;
    dims[0] = 0;
    for (size_t l = 1; l <= L; l++)
        dims[l] = c->hidden;
    switch (c->kind) {
    case MIB_CRITIC_SEPARABLE:
        dims[0] = c->dx;
        dims[L + 1] = c->embed;
        ref_tower(p, &at, L + 1, dims, x, g);
        dims[0] = c->dy;
        ref_tower(p, &at, L + 1, dims, y, h);
        for (size_t k = 0; k < c->embed; k++)
            t += g[k] * h[k];
        return t;
    case MIB_CRITIC_CONCAT:
        memcpy(in, x, c->dx * sizeof(double));
        memcpy(in + c->dx, y, c->dy * sizeof(double));
        dims[0] = c->dx + c->dy;
        dims[L + 1] = 1;
        /* the whole pair MLP is one tower on [x, y] */
        ref_tower(p, &at, L + 1, dims, in, g);
        return g[0];
    default:
        for (size_t a = 0; a < c->dx; a++)
            for (size_t b = 0; b < c->dy; b++)
                t += x[a] * p[a * c->dy + b] * y[b];
        return t + p[c->dx * c->dy];
    }
}

/* sum_ij C_ij T(x_i, y_j) with the reference critic. */
static double ref_loss(const mib_critic_cfg *c, const double *p, size_t B, const double *x,
                       const double *y, const double *C)
{
    double s = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            s += C[i * B + j] * ref_critic(c, p, x + i * c->dx, y + j * c->dy);
    return s;
}

static void fill_normal(gsl_rng *r, double *a, size_t n, double sd)
{
    for (size_t i = 0; i < n; i++)
        a[i] = gsl_ran_gaussian(r, sd);
}

/* Forward against the reference, then every parameter's gradient against a
 * central difference of the reference loss (h = 1e-6 in double). Float
 * backward: agreement to 1e-4 absolute + 1e-3 relative. */
static void check_critic(mib_critic_cfg cfg, size_t B)
{
    gsl_rng *r = mib_rng_alloc(42);
    mib_critic *c = mib_critic_alloc(&cfg, r);
    cr_assert_not_null(c);
    mib_params *prm = mib_critic_params(c);
    size_t n = prm->n;
    double *p = malloc(n * sizeof *p), *x = malloc(B * cfg.dx * sizeof *x);
    double *y = malloc(B * cfg.dy * sizeof *y), *C = malloc(B * B * sizeof *C);
    float *xf = malloc(B * cfg.dx * sizeof *xf), *yf = malloc(B * cfg.dy * sizeof *yf);
    float *T = malloc(B * B * sizeof *T), *Cf = malloc(B * B * sizeof *Cf);
    fill_normal(r, x, B * cfg.dx, 1.0);
    fill_normal(r, y, B * cfg.dy, 1.0);
    fill_normal(r, C, B * B, 1.0);
    for (size_t i = 0; i < B * cfg.dx; i++)
        x[i] = xf[i] = (float)x[i];
    for (size_t i = 0; i < B * cfg.dy; i++)
        y[i] = yf[i] = (float)y[i];
    for (size_t i = 0; i < B * B; i++)
        C[i] = Cf[i] = (float)C[i];
    for (size_t k = 0; k < n; k++)
        p[k] = prm->p[k];

    mib_critic_scores(c, B, xf, yf, T);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++) {
            double want = ref_critic(&cfg, p, x + i * cfg.dx, y + j * cfg.dy);
            cr_assert(fabs(T[i * B + j] - want) <= 1e-5 * (1 + fabs(want)),
                      "kind %d: T[%zu,%zu] = %g, reference %g", cfg.kind, i, j, T[i * B + j],
                      want);
        }
    memset(prm->g, 0, n * sizeof(float));
    mib_critic_backward(c, B, xf, yf, Cf);
    for (size_t k = 0; k < n; k++) {
        double h = 1e-6, keep = p[k];
        p[k] = keep + h;
        double up = ref_loss(&cfg, p, B, x, y, C);
        p[k] = keep - h;
        double down = ref_loss(&cfg, p, B, x, y, C);
        p[k] = keep;
        double fd = (up - down) / (2 * h);
        cr_assert(fabs(prm->g[k] - fd) <= 1e-4 + 1e-3 * fabs(fd),
                  "kind %d (store %d, chunk %zu): parameter %zu of %zu: backward %.8g, "
                  "finite difference %.8g", cfg.kind, cfg.store, cfg.chunk_pairs, k, n,
                  prm->g[k], fd);
    }
    mib_critic_free(c);
    gsl_rng_free(r);
    free(p), free(x), free(y), free(C), free(xf), free(yf), free(T), free(Cf);
}

Test(layers, dense_mlp_gradients_and_input_gradient)
{
    /* An MLP 3 -> 5 -> 4 -> 2 through mib_mlp_*, against ref_tower. */
    size_t dims[] = {3, 5, 4, 2}, rows = 7, at = 0;
    gsl_rng *r = mib_rng_alloc(3);
    mib_params prm = {.n = mib_mlp_count(3, dims)};
    prm.p = calloc(prm.n, sizeof(float));
    prm.g = calloc(prm.n, sizeof(float));
    mib_mlp m;
    mib_mlp_bind(&m, 3, dims, &prm, &at);
    cr_assert_eq(at, prm.n);
    mib_mlp_init(&m, r);
    float in[21], a0[35], a1[28], a2[14], dout[14], scratch[2 * 7 * 5], din[21];
    float *act[] = {a0, a1, a2};
    double p[64], x[21], C[14];
    for (size_t i = 0; i < 21; i++)
        x[i] = in[i] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < 14; i++)
        C[i] = dout[i] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t k = 0; k < prm.n; k++)
        p[k] = prm.p[k];
    mib_mlp_forward(&m, rows, in, act);
    mib_mlp_backward(&m, rows, in, act, dout, scratch, din);
    /* loss = sum C . out(row) */
    double out[2];
    for (size_t k = 0; k < prm.n + 21; k++) {
        double fd = 0, h = 1e-6, got;
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double xp[21], s = 0;
            memcpy(xp, x, sizeof xp);
            if (k < prm.n)
                p[k] += sgn * h;
            else if (k < prm.n + 21)
                xp[k - prm.n] += sgn * h;
            for (size_t i = 0; i < rows; i++) {
                size_t off = 0;
                ref_tower(p, &off, 3, dims, xp + 3 * i, out);
                s += C[2 * i] * out[0] + C[2 * i + 1] * out[1];
            }
            if (k < prm.n)
                p[k] -= sgn * h;
            fd += sgn * s / (2 * h);
        }
        got = k < prm.n ? prm.g[k] : din[k - prm.n];
        cr_assert(fabs(got - fd) <= 1e-4 + 1e-3 * fabs(fd),
                  "%s %zu: backward %.8g, finite difference %.8g",
                  k < prm.n ? "parameter" : "input", k < prm.n ? k : k - prm.n, got, fd);
    }
    for (size_t i = 0; i < rows; i++) { /* forward against the reference */
        size_t off = 0;
        ref_tower(p, &off, 3, dims, x + 3 * i, out);
        cr_assert_float_eq(a2[2 * i], out[0], 1e-5);
        cr_assert_float_eq(a2[2 * i + 1], out[1], 1e-5);
    }
    free(prm.p);
    free(prm.g);
    gsl_rng_free(r);
}

Test(layers, separable_critic_gradients)
{
    check_critic((mib_critic_cfg){.kind = MIB_CRITIC_SEPARABLE, .dx = 3, .dy = 2, .hidden = 6,
                                  .layers = 2, .embed = 4, .bmax = 5}, 5);
    check_critic((mib_critic_cfg){.kind = MIB_CRITIC_SEPARABLE, .dx = 1, .dy = 4, .hidden = 7,
                                  .layers = 1, .embed = 3, .bmax = 6}, 4);
}

Test(layers, concat_critic_gradients_all_block_modes)
{
    /* default blocks; kept activations with one x row per block; recomputed
     * blocks of 2 rows (last block short); B below bmax; one hidden layer */
    mib_critic_cfg c = {.kind = MIB_CRITIC_CONCAT, .dx = 3, .dy = 2, .hidden = 6, .layers = 2,
                        .bmax = 5};
    check_critic(c, 5);
    c.store = 1, c.chunk_pairs = 5;
    check_critic(c, 5);
    c.store = -1, c.chunk_pairs = 10;
    check_critic(c, 5);
    c.store = 1, c.chunk_pairs = 7, c.bmax = 7;
    check_critic(c, 4);
    c.store = -1;
    check_critic(c, 3);
    c = (mib_critic_cfg){.kind = MIB_CRITIC_CONCAT, .dx = 2, .dy = 2, .hidden = 5, .layers = 1,
                         .bmax = 4};
    check_critic(c, 4);
    c.layers = 3;
    check_critic(c, 4);
}

Test(layers, bilinear_critic_gradients)
{
    check_critic((mib_critic_cfg){.kind = MIB_CRITIC_BILINEAR, .dx = 3, .dy = 4, .bmax = 5}, 5);
}

Test(layers, adam_matches_its_formula)
{
    /* Two parameters, four steps of given gradients, against the textbook
     * update p -= lr mhat / (sqrt(vhat) + eps) in double. */
    float p[2] = {1.0f, -2.0f}, g[2];
    double pd[2] = {1.0, -2.0}, m[2] = {0}, v[2] = {0};
    const double grads[4][2] = {{0.5, -1e-3}, {-0.25, 2.0}, {1.5, 0.0}, {1e-6, -3.0}};
    mib_params prm = {2, p, g};
    mib_adam a;
    cr_assert_eq(mib_adam_init(&a, 2, 0.01), 0);
    for (int t = 1; t <= 4; t++) {
        for (int i = 0; i < 2; i++) {
            g[i] = (float)grads[t - 1][i];
            m[i] = 0.9 * m[i] + 0.1 * grads[t - 1][i];
            v[i] = 0.999 * v[i] + 0.001 * grads[t - 1][i] * grads[t - 1][i];
            pd[i] -= 0.01 * (m[i] / (1 - pow(0.9, t))) / (sqrt(v[i] / (1 - pow(0.999, t))) + 1e-8);
        }
        mib_adam_step(&a, &prm);
        for (int i = 0; i < 2; i++)
            cr_assert(fabs(p[i] - pd[i]) < 1e-6, "step %d p[%d] = %.9g, want %.9g", t, i, p[i],
                      pd[i]);
    }
    mib_adam_free(&a);
}

/* ---------- bounds ---------- */

static const int all_bounds[] = {MIB_BOUND_NWJ, MIB_BOUND_DV, MIB_BOUND_MINE,
                                 MIB_BOUND_INFONCE, MIB_BOUND_JS, MIB_BOUND_SMILE};

static mib_bound make_bound(int kind)
{
    return (mib_bound){.kind = kind, .tau = kind == MIB_BOUND_SMILE ? 0.7 : INFINITY,
                       .alpha = 0.3};
}

Test(bounds, closed_forms_on_a_2x2_batch)
{
    const double a = 0.3, b = -1.2, c = 2.1, d = 0.8; /* T = [[a, b], [c, d]] */
    const float T[4] = {(float)a, (float)b, (float)c, (float)d};
    double pos = (a + d) / 2, qmean = (exp(b) + exp(c)) / 2, cb = fmax(b, -0.7);
    double cc = fmin(c, 0.7);
    double want[] = {
        [MIB_BOUND_NWJ] = pos - qmean / M_E,
        [MIB_BOUND_DV] = pos - log(qmean),
        [MIB_BOUND_MINE] = pos - log(qmean),
        [MIB_BOUND_INFONCE] = log(2) + ((a - log(exp(a) + exp(b))) + (d - log(exp(c) + exp(d)))) / 2,
        [MIB_BOUND_JS] = 1 + pos - qmean,
        [MIB_BOUND_SMILE] = pos - log((exp(cb) + exp(cc)) / 2),
    };
    for (size_t k = 0; k < 6; k++) {
        mib_bound bd = make_bound(all_bounds[k]);
        double v = mib_bound_value(&bd, 2, T);
        cr_assert(fabs(v - want[all_bounds[k]]) < 1e-6, "bound %d: %.9g, want %.9g",
                  all_bounds[k], v, want[all_bounds[k]]);
    }
}

Test(bounds, gradients_match_finite_differences)
{
    gsl_rng *r = mib_rng_alloc(11);
    const size_t B = 6;
    float T[36], dT[36], Tp[36];
    for (size_t k = 0; k < 6; k++) {
        mib_bound bd = make_bound(all_bounds[k]);
        for (int round = 0; round < 2; round++) { /* mine: the second uses the EMA */
            for (size_t i = 0; i < B * B; i++)
                T[i] = (float)gsl_ran_gaussian(r, 1.5);
            double v = mib_bound_train(&bd, B, T, dT);
            cr_assert(isfinite(v));
            for (size_t i = 0; i < B * B; i++) {
                double h = 1e-3, up, down;
                memcpy(Tp, T, sizeof T);
                Tp[i] = T[i] + (float)h;
                double hu = (double)Tp[i] - T[i];
                up = mib_bound_objective(&bd, B, Tp);
                Tp[i] = T[i] - (float)h;
                double hd = T[i] - (double)Tp[i];
                down = mib_bound_objective(&bd, B, Tp);
                double fd = -(up - down) / (hu + hd); /* dT is dLoss/dT = -dJ/dT */
                cr_assert(fabs(dT[i] - fd) <= 1e-6 + 1e-3 * fabs(fd),
                          "bound %d entry %zu: gradient %.8g, finite difference %.8g",
                          all_bounds[k], i, dT[i], fd);
            }
        }
    }
    gsl_rng_free(r);
}

Test(bounds, log_sum_exp_keeps_huge_scores_finite_and_shift_invariant)
{
    /* DV and InfoNCE do not change when every score moves by 1000 (e^1000
     * overflows a double); NWJ's e^T term overflows and is reported. */
    gsl_rng *r = mib_rng_alloc(5);
    float T[64], S[64], dT[64];
    for (size_t i = 0; i < 64; i++) {
        T[i] = (float)gsl_ran_gaussian(r, 1.0);
        S[i] = T[i] + 1000.0f;
    }
    mib_bound dv = make_bound(MIB_BOUND_DV), nce = make_bound(MIB_BOUND_INFONCE);
    mib_bound nwj = make_bound(MIB_BOUND_NWJ);
    cr_assert_float_eq(mib_bound_value(&dv, 8, S), mib_bound_value(&dv, 8, T), 1e-3);
    cr_assert_float_eq(mib_bound_value(&nce, 8, S), mib_bound_value(&nce, 8, T), 1e-4);
    cr_assert(isfinite(mib_bound_train(&dv, 8, S, dT)));
    cr_assert(isnan(mib_bound_train(&nwj, 8, S, dT)));
    T[9] = NAN; /* an off-diagonal NaN is never clipped or maxed away */
    for (size_t k = 0; k < 6; k++) {
        mib_bound bd = make_bound(all_bounds[k]);
        cr_assert(isnan(mib_bound_value(&bd, 8, T)), "bound %d hides a NaN", all_bounds[k]);
        cr_assert(isnan(mib_bound_train(&bd, 8, T, dT)), "bound %d trains on a NaN",
                  all_bounds[k]);
    }
    gsl_rng_free(r);
}

Test(bounds, pooled_batches_equal_one_pass_over_their_statistics)
{
    /* Two batches pooled: DV takes the log of the mean over all negatives. */
    const float T1[4] = {1, 2, -1, 0.5f}, T2[4] = {0, -3, 1.5f, 2};
    mib_bound dv = make_bound(MIB_BOUND_DV), nce = make_bound(MIB_BOUND_INFONCE);
    mib_bound_acc acc;
    mib_bound_acc_reset(&acc);
    mib_bound_acc_add(&dv, &acc, 2, T1);
    mib_bound_acc_add(&dv, &acc, 2, T2);
    double want = (1 + 0.5 + 0 + 2) / 4.0 - log((exp(2) + exp(-1) + exp(-3) + exp(1.5)) / 4);
    cr_assert_float_eq(mib_bound_acc_value(&dv, &acc), want, 1e-6);
    mib_bound_acc_reset(&acc);
    mib_bound_acc_add(&nce, &acc, 2, T1);
    mib_bound_acc_add(&nce, &acc, 2, T2);
    cr_assert_float_eq(mib_bound_acc_value(&nce, &acc),
                       (mib_bound_value(&nce, 2, T1) + mib_bound_value(&nce, 2, T2)) / 2, 1e-6);
}

/* ---------- the optimal critic on Gaussian samples ---------- */

/* Per-batch read-outs of a bound with T = pmi(x_i, y_j) + shift on nb
 * batches of B from gen; returns their mean and standard error. */
static void optimal_critic(const char *gen_spec, int kind, double shift, size_t B, size_t nb,
                           double *mean, double *se, double *truth, double *maxv)
{
    mib_spec gs;
    mib_err err;
    mib_generator *g;
    cr_assert_eq(mib_generator_spec_parse(gen_spec, &gs, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_alloc(&gs, &g, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_truth(g, truth, &err), MIB_OK);
    gsl_rng *r = mib_rng_alloc(2024 + (uint64_t)kind);
    double *x = malloc(B * g->dx * sizeof *x), *y = malloc(B * g->dy * sizeof *y);
    float *T = malloc(B * B * sizeof *T);
    mib_bound bd = make_bound(kind);
    double s = 0, s2 = 0;
    *maxv = -INFINITY;
    for (size_t k = 0; k < nb; k++) {
        mib_generator_sample(g, r, B, x, y);
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < B; j++) {
                double v;
                cr_assert_eq(mib_generator_pmi(g, x + i * g->dx, y + j * g->dy, &v), MIB_OK);
                T[i * B + j] = (float)(v + shift);
            }
        double v = mib_bound_value(&bd, B, T);
        s += v;
        s2 += v * v;
        if (v > *maxv)
            *maxv = v;
    }
    *mean = s / (double)nb;
    *se = sqrt((s2 / (double)nb - *mean * *mean) / (double)(nb - 1));
    mib_generator_free(g);
    gsl_rng_free(r);
    free(x), free(y), free(T);
}

Test(optimal, nwj_at_one_plus_pmi_and_dv_at_pmi_give_the_truth)
{
    static const char *const gens[] = {"gaussian:dim=1,mi=0.5",
                                       "gaussian:dim=20,mi=2",
                                       "gaussian:dim=5,mi=1,transform=cubic"};
    for (size_t k = 0; k < 3; k++) {
        double m, se, truth, mx;
        optimal_critic(gens[k], MIB_BOUND_NWJ, 1.0, 64, 150, &m, &se, &truth, &mx);
        cr_assert(fabs(m - truth) < 4 * se, "%s: NWJ(1 + pmi) = %.4f +- %.4f, truth %.4f",
                  gens[k], m, se, truth);
        optimal_critic(gens[k], MIB_BOUND_DV, 0.0, 64, 150, &m, &se, &truth, &mx);
        /* DV's batch read-out has a small downward Jensen bias, O(1/B^2) */
        cr_assert(fabs(m - truth) < 4 * se + 0.01, "%s: DV(pmi) = %.4f +- %.4f, truth %.4f",
                  gens[k], m, se, truth);
    }
}

Test(optimal, infonce_stays_under_ln_b_and_nears_the_truth_for_small_mi)
{
    double m16, m256, se, truth, mx;
    optimal_critic("gaussian:dim=1,mi=0.5", MIB_BOUND_INFONCE, 0, 16, 400, &m16,
                   &se, &truth, &mx);
    cr_assert(mx <= log(16.0));
    optimal_critic("gaussian:dim=1,mi=0.5", MIB_BOUND_INFONCE, 0, 256, 40, &m256,
                   &se, &truth, &mx);
    cr_assert(mx <= log(256.0));
    /* the gap to the truth shrinks with B, and at B = 256 (ln B = 5.5 >> 0.5)
     * it is within 4 SE + 0.02 nats */
    cr_assert(truth - m256 < truth - m16, "gap at B=256 %.4f, at B=16 %.4f", truth - m256,
              truth - m16);
    cr_assert(fabs(m256 - truth) < 4 * se + 0.02, "InfoNCE(pmi) B=256: %.4f +- %.4f", m256, se);
    /* MI 10 >> ln 64: pinned just under the ceiling */
    optimal_critic("gaussian:dim=20,mi=10", MIB_BOUND_INFONCE, 0, 64, 20, &m16, &se,
                   &truth, &mx);
    cr_assert(mx <= log(64.0) && m16 > log(64.0) - 0.3, "InfoNCE(pmi) at MI 10: %.4f", m16);
}

/* ---------- training ---------- */

typedef struct sampler_ctx {
    mib_generator *gen;
    gsl_rng *rng;
    double scale; /* multiplies every drawn value (divergence test) */
    size_t points;
    double last_truth;
    size_t tail_from; /* sum the estimates of steps >= tail_from */
    double tail_sum;
    int threads; /* the estimate's threads (0: 1) */
} sampler_ctx;

static int draw(void *ctx, size_t step, size_t n, double *x, double *y, double *truth)
{
    sampler_ctx *s = ctx;
    int st = mib_generator_sample_step(s->gen, s->rng, step, n, x, y, truth);
    for (size_t i = 0; i < n * s->gen->dx; i++)
        x[i] *= s->scale;
    for (size_t i = 0; i < n * s->gen->dy; i++)
        y[i] *= s->scale;
    return st;
}

static int count_points(void *ctx, size_t step, double estimate, double truth)
{
    sampler_ctx *s = ctx;
    cr_assert_eq(step, s->points, "curve point for step %zu, expected %zu", step, s->points);
    cr_assert(isfinite(estimate));
    s->points++;
    s->last_truth = truth;
    if (step >= s->tail_from)
        s->tail_sum += estimate;
    return 0;
}

/* Run est_spec on gen_spec: online (n = held-out rows) or on n sampled rows. */
static int run(const char *gen_spec, const char *est_spec, size_t n, uint64_t seed,
               double scale, mib_result *res, double *truth, sampler_ctx *out, mib_err *err)
{
    mib_spec gs, es;
    mib_generator *g;
    cr_assert_eq(mib_generator_spec_parse(gen_spec, &gs, err), MIB_OK, "%s", err->msg);
    cr_assert_eq(mib_generator_alloc(&gs, &g, err), MIB_OK, "%s", err->msg);
    cr_assert_eq(mib_estimator_spec_parse(est_spec, &es, err), MIB_OK, "%s", err->msg);
    cr_assert_eq(mib_generator_truth(g, truth, err), MIB_OK);
    sampler_ctx sc = {g, mib_rng_alloc(seed + 99), scale, 0, NAN, out ? out->tail_from : 0, 0,
                      out ? out->threads : 0};
    mib_sampler smp = {g->dx, g->dy, &sc, draw};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.seed = seed;
    if (sc.threads > 0)
        ws.threads = sc.threads;
    ws.curve = (mib_curve_sink){&sc, count_points};
    mib_data data = {.n = n, .dx = g->dx, .dy = g->dy};
    double *x = NULL, *y = NULL;
    if (strstr(est_spec, "online=1")) {
        ws.sampler = &smp;
    } else {
        x = malloc(n * g->dx * sizeof *x);
        y = malloc(n * g->dy * sizeof *y);
        mib_generator_sample(g, sc.rng, n, x, y);
        for (size_t i = 0; i < n * g->dx; i++)
            x[i] *= scale;
        for (size_t i = 0; i < n * g->dy; i++)
            y[i] *= scale;
        data.x = x;
        data.y = y;
    }
    int st = mib_estimate(&data, &es, &ws, res, err);
    if (out)
        *out = sc;
    gsl_rng_free(sc.rng);
    mib_generator_free(g);
    free(x);
    free(y);
    return st;
}

static const char *const bound_names[] = {"nwj", "dv", "mine", "infonce", "js", "smile"};

Test(train, every_bound_learns_mi_half_in_one_dimension, .timeout = 120)
{
    /* online, 2000 steps of B = 64, a 64-unit one-layer critic; held-out
     * read-out on 12800 fresh rows: within 0.06 nats of 0.5 (its SE is about
     * 0.01; the rest is the bounds' training gap, 0.00-0.02 here) */
    for (size_t k = 0; k < 6; k++) {
        char spec[160];
        mib_result res;
        mib_err err;
        double truth;
        snprintf(spec, sizeof spec, "%s:online=1,hidden=64,layers=1,steps=2000",
                 bound_names[k]);
        cr_assert_eq(run("gaussian:dim=1,mi=0.5", spec, 12800, 1, 1, &res, &truth,
                         NULL, &err), MIB_OK, "%s: %s", spec, err.msg);
        cr_assert(fabs(res.mi - truth) < 0.06, "%s: %.4f, truth %.2f", spec, res.mi, truth);
        cr_assert_eq(res.steps, 2000);
    }
}

Test(train, every_bound_learns_mi_2_in_dimension_20, .timeout = 240)
{
    /* The PyTorch reference setting: separable 256 x 2, embed 32, B = 128,
     * lr 1e-3, 4000 online steps; PyTorch reads 1.74-1.77 on fresh data.
     * Lower bounds: between 1.55 and 2 + 0.05 (held-out SE about 0.02). */
    for (size_t k = 0; k < 6; k++) {
        char spec[160];
        mib_result res;
        mib_err err;
        double truth;
        snprintf(spec, sizeof spec, "%s:online=1,batch=128,lr=0.001,steps=4000", bound_names[k]);
        cr_assert_eq(run("gaussian:dim=20,mi=2", spec, 12800, 3, 1, &res, &truth,
                         NULL, &err), MIB_OK, "%s: %s", spec, err.msg);
        cr_assert(res.mi > 1.55 && res.mi < truth + 0.05, "%s: %.4f, truth %.2f", spec, res.mi,
                  truth);
    }
}

Test(train, infonce_at_mi_10_stays_under_ln_b_and_says_capped, .timeout = 120)
{
    mib_result res;
    mib_err err;
    double truth;
    cr_assert_eq(run("gaussian:dim=20,mi=10", "infonce:online=1,steps=3000", 6400, 4,
                     1, &res, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert(res.mi <= log(64.0) && res.mi > 3.5, "InfoNCE at MI 10, B 64: %.4f", res.mi);
    cr_assert(res.flags & MIB_RES_CAPPED, "flags %u (estimate %.4f)", res.flags, res.mi);
}

Test(train, online_curve_follows_the_staircase, .timeout = 60)
{
    /* three levels 1, 2, 3 of 100 steps: a point per step, truth of the
     * last; eval=40 reads the mean of the last 40 points */
    mib_result res;
    mib_err err;
    double truth;
    sampler_ctx sc = {.tail_from = 260};
    cr_assert_eq(run("staircase:dim=2,levels=3,from=1,by=1,every=100",
                     "nwj:online=1,hidden=16,layers=1,steps=300,eval=40", 640, 5, 1, &res,
                     &truth, &sc, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(sc.points, 300);
    cr_assert_float_eq(sc.last_truth, 3.0, 1e-12);
    cr_assert_float_eq(truth, 3.0, 1e-12);
    cr_assert_float_eq(res.mi, sc.tail_sum / 40, 1e-12);
}

Test(train, dataset_mode_reads_held_out_data_with_early_stopping, .timeout = 120)
{
    /* 10000 rows of the dim-20 MI-2 Gaussian: train 6000 / validation 2000 /
     * test 2000. Overfitting would read far below the truth on the test split
     * (PyTorch without early stopping: -2.1 nats); early stopping keeps it
     * between 1.3 and 2 + 0.1 (the test SE is about 0.04). */
    mib_result res;
    mib_err err;
    double truth;
    cr_assert_eq(run("gaussian:dim=20,mi=2", "infonce", 10000, 6, 1, &res, &truth,
                     NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert(res.mi > 1.3 && res.mi < truth + 0.1, "InfoNCE on 10000 rows: %.4f", res.mi);
    cr_assert(res.flags & MIB_RES_EARLYSTOP);
    cr_assert(res.steps < 5000);
    /* 1-D, MI 0.5, 2000 rows, small critic: within 0.15 nats */
    cr_assert_eq(run("gaussian:dim=1,mi=0.5", "nwj:hidden=64,layers=1", 2000, 7, 1,
                     &res, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert(fabs(res.mi - 0.5) < 0.15, "NWJ on 2000 rows: %.4f", res.mi);
}

Test(train, same_seed_same_estimate_and_scale_invariance)
{
    /* Dataset mode standardises columns: multiplying the data by 1000 leaves
     * the estimate unchanged up to float rounding. */
    mib_result a, b, c;
    mib_err err;
    double truth;
    const char *g = "gaussian:dim=2,mi=1", *e = "dv:hidden=32,layers=1,steps=300";
    cr_assert_eq(run(g, e, 1000, 8, 1, &a, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(run(g, e, 1000, 8, 1, &b, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(a.mi, b.mi);
    cr_assert_eq(run(g, e, 1000, 8, 1000, &c, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_float_eq(a.mi, c.mi, 1e-3);
    cr_assert_eq(run(g, e, 1000, 9, 1, &c, &truth, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_neq(a.mi, c.mi);
}

#define GRAD_CAP 8192 /* gradients critic_step can hand back */

/* Two scores() + backward() of a critic made with cfg.threads = threads:
 * the last scores in T, the summed gradients in g. */
static void critic_step(mib_critic_cfg cfg, int threads, size_t B, float *T, float *g)
{
    gsl_rng *r = mib_rng_alloc(21);
    cfg.threads = threads;
    mib_critic *c = mib_critic_alloc(&cfg, r);
    cr_assert_not_null(c);
    float *x = malloc(B * cfg.dx * sizeof *x), *y = malloc(B * cfg.dy * sizeof *y);
    float *dT = malloc(B * B * sizeof *dT);
    for (size_t i = 0; i < B * cfg.dx; i++)
        x[i] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < B * cfg.dy; i++)
        y[i] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < B * B; i++)
        dT[i] = (float)gsl_ran_gaussian(r, 1.0);
    mib_params *prm = mib_critic_params(c);
    cr_assert(prm->n <= GRAD_CAP, "%zu parameters", prm->n);
    for (int step = 0; step < 2; step++) /* the second step reuses the cleared lane sums */
        mib_critic_scores(c, B, x, y, T), mib_critic_backward(c, B, x, y, dT);
    memcpy(g, prm->g, prm->n * sizeof *g);
    mib_critic_free(c);
    gsl_rng_free(r);
    free(x), free(y), free(dT);
}

Test(train, threads_give_the_same_bits)
{
    /* Critics: scores and (two steps of) gradients with 2 and 3 threads equal
     * those of one thread bit for bit; concat with kept and recomputed
     * blocks, 7 blocks (4 lanes), 3 blocks and 1 block. Then Adam, then
     * whole estimates. */
    static const mib_critic_cfg cfgs[] = {
        {.kind = MIB_CRITIC_SEPARABLE, .dx = 3, .dy = 2, .hidden = 40, .layers = 2, .embed = 8,
         .bmax = 20},
        {.kind = MIB_CRITIC_CONCAT, .dx = 3, .dy = 2, .hidden = 40, .layers = 2, .bmax = 20,
         .chunk_pairs = 60, .store = 1},
        {.kind = MIB_CRITIC_CONCAT, .dx = 3, .dy = 2, .hidden = 40, .layers = 3, .bmax = 20,
         .chunk_pairs = 60, .store = -1},
        {.kind = MIB_CRITIC_CONCAT, .dx = 3, .dy = 2, .hidden = 40, .layers = 2, .bmax = 20,
         .chunk_pairs = 140},
        {.kind = MIB_CRITIC_CONCAT, .dx = 3, .dy = 2, .hidden = 40, .layers = 2, .bmax = 20},
        {.kind = MIB_CRITIC_BILINEAR, .dx = 3, .dy = 2, .bmax = 20},
    };
    const size_t B = 20;
    for (size_t k = 0; k < sizeof cfgs / sizeof cfgs[0]; k++) {
        float T1[400], Tn[400], *g1 = calloc(GRAD_CAP, sizeof *g1);
        float *gn = calloc(GRAD_CAP, sizeof *gn);
        critic_step(cfgs[k], 1, B, T1, g1);
        for (int t = 2; t <= 3; t++) {
            critic_step(cfgs[k], t, B, Tn, gn);
            cr_assert(memcmp(T1, Tn, sizeof T1) == 0, "case %zu, %d threads: scores differ", k, t);
            cr_assert(memcmp(g1, gn, GRAD_CAP * sizeof *g1) == 0,
                      "case %zu, %d threads: gradients differ", k, t);
        }
        free(g1), free(gn);
    }
    /* Adam split over threads (it is from 65536 parameters on) */
    enum { NP = 70000 };
    float *p[2], *g = malloc(NP * sizeof *g);
    for (int t = 0; t < 2; t++) {
        mib_adam a;
        p[t] = malloc(NP * sizeof *p[t]);
        cr_assert_eq(mib_adam_init(&a, NP, 1e-3), 0);
        a.threads = t + 1;
        mib_params prm = {NP, p[t], g};
        for (size_t i = 0; i < NP; i++)
            p[t][i] = (float)i / NP;
        for (int step = 1; step <= 3; step++) {
            for (size_t i = 0; i < NP; i++)
                g[i] = (float)sin((double)(i * step));
            mib_adam_step(&a, &prm);
        }
        mib_adam_free(&a);
    }
    cr_assert(memcmp(p[0], p[1], NP * sizeof *p[0]) == 0, "Adam differs with 2 threads");
    free(p[0]), free(p[1]), free(g);
    /* Whole estimates, online and on a data set: the same double. */
    static const char *const specs[] = {
        "infonce:online=1,hidden=32,steps=60",
        "nwj:online=1,critic=concat,hidden=32,batch=48,steps=30",
        "smile:online=1,critic=bilinear,steps=60",
        "dv:critic=concat,hidden=16,batch=32,steps=40,every=20"};
    for (size_t k = 0; k < 4; k++) {
        mib_result one, two;
        mib_err err;
        double truth;
        sampler_ctx sc = {.threads = 1};
        cr_assert_eq(run("gaussian:dim=3,mi=1", specs[k], 640, 13, 1, &one, &truth, &sc, &err),
                     MIB_OK, "%s: %s", specs[k], err.msg);
        sc = (sampler_ctx){.threads = 2};
        cr_assert_eq(run("gaussian:dim=3,mi=1", specs[k], 640, 13, 1, &two, &truth, &sc, &err),
                     MIB_OK, "%s: %s", specs[k], err.msg);
        cr_assert(one.mi == two.mi && isfinite(one.mi), "%s: %.17g with 1 thread, %.17g with 2",
                  specs[k], one.mi, two.mi);
    }
}

Test(train, divergence_ends_the_trial_with_a_status)
{
    /* lr 10 on inputs of order 1e6 (online, no standardisation): diverged,
     * never a NaN estimate, for every bound and critic */
    static const char *const critics[] = {"separable", "concat", "bilinear"};
    for (size_t k = 0; k < 6; k++)
        for (size_t c = 0; c < 3; c++) {
            char spec[200];
            mib_result res;
            mib_err err;
            double truth;
            snprintf(spec, sizeof spec,
                     "%s:online=1,critic=%s,hidden=16,layers=1,batch=16,lr=10,steps=300",
                     bound_names[k], critics[c]);
            int st = run("gaussian:dim=2,mi=1", spec, 64, 10, 1e6, &res, &truth,
                         NULL, &err);
            cr_assert_eq(st, MIB_EDIVERGED, "%s: status %s, estimate %g", spec,
                         mib_status_name(st), res.mi);
            cr_assert(strstr(err.msg, "diverged"), "%s", err.msg);
        }
    /* dataset mode, lr 10 */
    mib_result res;
    mib_err err;
    double truth;
    int st = run("gaussian:dim=2,mi=1", "nwj:lr=10,steps=2000", 2000, 11, 1e6, &res,
                 &truth, NULL, &err);
    cr_assert_eq(st, MIB_EDIVERGED, "status %s, estimate %g", mib_status_name(st), res.mi);
}

/* ---------- parameters, interrupts ---------- */

static int stop_at_50(void *ctx, size_t step, double estimate, double truth)
{
    (void)ctx, (void)estimate, (void)truth;
    return step == 50;
}

Test(params, bad_requests_fail_with_a_clear_message)
{
    mib_spec es;
    mib_err err;
    mib_result res;
    double x[200], y[200];
    mib_workspace ws;
    mib_workspace_init(&ws);
    cr_assert_eq(mib_estimator_spec_parse("infonce:batch=1", &es, &err), MIB_ESPEC);
    cr_assert(strstr(err.msg, "batch"), "%s", err.msg);
    cr_assert_eq(mib_estimator_spec_parse("smile:tau=0", &es, &err), MIB_ESPEC);
    cr_assert_eq(mib_estimator_spec_parse("smile:tau=inf", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimator_spec_parse("mine:alpha=0", &es, &err), MIB_ESPEC);
    cr_assert_eq(mib_estimator_spec_parse("nwj:critic=mlp", &es, &err), MIB_ESPEC);
    for (size_t i = 0; i < 200; i++)
        x[i] = sin((double)i), y[i] = cos(3.0 * i);
    mib_data d = {.n = 200, .dx = 1, .dy = 1, .x = x, .y = y};
    /* 200 rows: 40 in validation and test, less than a batch of 64 */
    cr_assert_eq(mib_estimator_spec_parse("nwj", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &es, &ws, &res, &err), MIB_ESMALL);
    cr_assert(strstr(err.msg, "batch=64") && strstr(err.msg, "n >= 320"), "%s", err.msg);
    cr_assert(isnan(res.mi));
    cr_assert_eq(mib_estimator_spec_parse("nwj:batch=16,steps=20", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &es, &ws, &res, &err), MIB_OK, "%s", err.msg);
    /* online without a sampler */
    cr_assert_eq(mib_estimator_spec_parse("js:online=1", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &es, &ws, &res, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "online=1"), "%s", err.msg);
}

Test(params, stop_flag_and_curve_sink_interrupt)
{
    volatile sig_atomic_t stop = 1;
    mib_spec es;
    mib_err err;
    mib_result res;
    double x[400], y[400];
    for (size_t i = 0; i < 400; i++)
        x[i] = sin((double)i), y[i] = x[i] + cos(7.0 * i);
    mib_data d = {.n = 400, .dx = 1, .dy = 1, .x = x, .y = y};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.stop = &stop;
    cr_assert_eq(mib_estimator_spec_parse("nwj:batch=16", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &es, &ws, &res, &err), MIB_EINTR);
    /* a curve sink returning non-zero stops an online trial */
    mib_spec gs;
    mib_generator *g;
    cr_assert_eq(mib_generator_spec_parse("gaussian:dim=1,mi=1", &gs, &err), MIB_OK);
    cr_assert_eq(mib_generator_alloc(&gs, &g, &err), MIB_OK);
    sampler_ctx sc = {g, mib_rng_alloc(1), 1, 0, NAN, 0, 0, 0};
    mib_sampler smp = {1, 1, &sc, draw};
    mib_workspace_init(&ws);
    ws.sampler = &smp;
    ws.curve = (mib_curve_sink){NULL, stop_at_50};
    cr_assert_eq(mib_estimator_spec_parse("nwj:online=1,hidden=8,layers=1", &es, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &es, &ws, &res, &err), MIB_EINTR);
    cr_assert(strstr(err.msg, "step 50"), "%s", err.msg);
    gsl_rng_free(sc.rng);
    mib_generator_free(g);
}

Test(params, memory_estimate_grows_with_the_pairs)
{
    mib_spec a, b;
    mib_err err;
    cr_assert_eq(mib_estimator_spec_parse("nwj:critic=concat,batch=64", &a, &err), MIB_OK);
    cr_assert_eq(mib_estimator_spec_parse("nwj:critic=concat,batch=256", &b, &err), MIB_OK);
    const mib_estimator_type *t = (const mib_estimator_type *)a.info;
    double ma = t->memory(&a, 10000, 20, 20), mb = t->memory(&b, 10000, 20, 20);
    /* kept pair activations: 2 layers x B^2 x 256 floats */
    cr_assert(ma > 2.0 * 64 * 64 * 256 * 4 && mb > 2.0 * 256 * 256 * 256 * 4, "%g %g", ma, mb);
    cr_assert(mb < 4 * MIB_CONCAT_STORE_BYTES, "%g", mb);
}

/* ---------- the staircase generator ---------- */

Test(staircase, levels_truths_and_correlations)
{
    mib_spec gs;
    mib_err err;
    mib_generator *g;
    cr_assert_eq(mib_generator_spec_parse("staircase:dim=4,levels=3,from=1,by=2,every=10", &gs,
                                          &err), MIB_OK);
    cr_assert_eq(mib_generator_alloc(&gs, &g, &err), MIB_OK);
    double mi, truth;
    cr_assert_eq(mib_generator_truth(g, &mi, &err), MIB_OK);
    cr_assert_float_eq(mi, 5.0, 1e-12);
    gsl_rng *r = mib_rng_alloc(77);
    const size_t n = 20000;
    double *x = malloc(n * 4 * sizeof *x), *y = malloc(n * 4 * sizeof *y);
    const size_t steps[] = {0, 9, 10, 19, 20, 1000};
    const double levels[] = {1, 1, 3, 3, 5, 5};
    for (size_t k = 0; k < 6; k++) {
        cr_assert_eq(mib_generator_sample_step(g, r, steps[k], n, x, y, &truth), MIB_OK);
        cr_assert_float_eq(truth, levels[k], 1e-12);
        /* pooled per-coordinate correlation against rho = sqrt(1 - e^(-2I/d)) */
        double sxy = 0, sxx = 0, syy = 0, rho = sqrt(1 - exp(-2 * levels[k] / 4));
        for (size_t i = 0; i < n * 4; i++)
            sxy += x[i] * y[i], sxx += x[i] * x[i], syy += y[i] * y[i];
        double c = sxy / sqrt(sxx * syy);
        /* SE of a correlation: (1 - rho^2) / sqrt(N), N = 4n */
        cr_assert(fabs(c - rho) < 4 * (1 - rho * rho) / sqrt(4.0 * n), "step %zu: %g vs %g",
                  steps[k], c, rho);
    }
    gsl_rng_free(r);
    free(x), free(y);
    mib_generator_free(g);
    cr_assert_eq(mib_generator_spec_parse("staircase:levels=3,from=2,by=-2", &gs, &err), MIB_OK);
    cr_assert_eq(mib_generator_alloc(&gs, &g, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "level 3"), "%s", err.msg);
}

Test(staircase, pmi_mean_is_the_truth_and_cubic_keeps_it)
{
    static const char *const specs[] = {"staircase:dim=3,levels=1,from=1.5",
                                        "staircase:dim=3,levels=1,from=1.5,transform=cubic"};
    double means[2];
    for (size_t k = 0; k < 2; k++) {
        mib_spec gs;
        mib_err err;
        mib_generator *g;
        cr_assert_eq(mib_generator_spec_parse(specs[k], &gs, &err), MIB_OK);
        cr_assert_eq(mib_generator_alloc(&gs, &g, &err), MIB_OK);
        gsl_rng *r = mib_rng_alloc(31); /* same draws for both: same pmi values */
        const size_t n = 100000;
        double x[3], y[3], s = 0, s2 = 0, v;
        for (size_t i = 0; i < n; i++) {
            mib_generator_sample(g, r, 1, x, y);
            cr_assert_eq(mib_generator_pmi(g, x, y, &v), MIB_OK);
            s += v, s2 += v * v;
        }
        double m = s / n, se = sqrt((s2 / n - m * m) / n);
        cr_assert(fabs(m - 1.5) < 4 * se, "%s: mean pmi %.4f +- %.4f", specs[k], m, se);
        means[k] = m;
        gsl_rng_free(r);
        mib_generator_free(g);
    }
    cr_assert_float_eq(means[0], means[1], 1e-9);
}
