/* test_generators.c - every generator's ground truth against an independent
 * route: the Monte-Carlo mean of its pointwise MI ln p(x,y) - ln p(x) - ln p(y)
 * over 1e5 of its own samples, within 4 standard errors (and, for the discrete
 * channels, the exact sum over the joint table). Plus the Gaussian sampler's
 * covariance, the transforms' inverses and monotonicity, and reproducibility.
 * The case table must name every registered generator type. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "mibench/mibench.h"
#include "generators/square.h"
#include "generators/transform.h"

#define MC_N 100000

/* As main() does: GSL reports failures by return code, never aborts. */
static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

TestSuite(generators, .init = gsl_quiet);

struct mc_case {
    char spec[96];
};

/* Several settings per generator; every registered type must appear. */
static struct mc_case mc_cases[] = {
    {"gaussian"},
    {"gaussian:rho=0.9"},
    {"gaussian:rho=-0.3"},
    {"gaussian:rho=0"},
    {"gaussian:dim=5,rho=0.75"},
    {"gaussian:dim=5,mi=2"},
    {"gaussian:dim=1,mi=0.5"},
    {"gaussian:dim=5,mi=0"},
    {"gaussian:dim=2,mi=4"},
    {"gaussian:rho=0.8,transform=cubic"},
    {"gaussian:dim=5,mi=1,transform=cubic"},
    {"gaussian:rho=0.8,transform=asinh"},
    {"gaussian:dim=5,mi=1,transform=asinh"},
    {"gaussian:rho=0.8,transform=halfcube"},
    {"gaussian:dim=5,mi=1,transform=halfcube"},
    {"gaussian:rho=0.8,transform=wiggly"},
    {"gaussian:dim=5,mi=1,transform=wiggly"},
    {"gaussian:rho=0.8,transform=cdf"},
    {"gaussian:dim=5,mi=1,transform=cdf"},
    {"gaussian:dim=2,rho=0.7,transform=spiral"},
    {"gaussian:dim=5,mi=1,transform=spiral"},
    {"gaussian:dim=3,mi=1,transform=spiral"},
    {"gaussian:dim=100,mi=3,transform=halfcube"}, /* pmi scratch on the heap */
    {"student:dim=1,nu=1"},
    {"student:dim=1,nu=0.5"},
    {"student:dim=1,nu=3,rho=0.6"},
    {"student:dim=3,nu=1,rho=0.5"},
    {"student:dim=3,nu=5"},
    {"student:dim=2,nu=30,rho=-0.8"},
    {"uniform-noise:eps=0.3"},
    {"uniform-noise:eps=1"},
    {"uniform-noise:eps=2"},
    {"square:dist=normal,sigma=0.1"},
    {"square:dist=normal,sigma=1"},
    {"square:dist=uniform,sigma=0.1"},
    {"square:dist=uniform,sigma=0.5"},
    {"square:dist=normal,sigma=0.001"},
    {"square:dist=uniform,sigma=0.001"},
    {"square:dist=uniform,sigma=3"},
    {"square:dist=normal,sigma=100"},
    {"bsc:eps=0.1"},
    {"bsc:eps=0.5"},
    {"bsc:eps=0"},
    {"ksc:symbols=4,eps=0.1"},
    {"ksc:symbols=10,eps=0.7"},
    {"ksc:symbols=3,eps=1"},
    {"staircase:dim=3,levels=2,from=0.5,by=1"},
    {"staircase:dim=2,levels=1,from=1,transform=cubic"},
    {"staircase:dim=4,levels=3,from=3,by=-1,transform=spiral"},
};

/* Draw n rows of spec (seeded from its text); *g, *x, *y are the caller's. */
static void draw(const char *text, uint64_t seed, size_t n, mib_generator **g, double **x,
                 double **y)
{
    mib_spec spec;
    mib_err err = {""};
    cr_assert_eq(mib_generator_spec_parse(text, &spec, &err), MIB_OK, "%s: %s", text, err.msg);
    cr_assert_eq(mib_generator_alloc(&spec, g, &err), MIB_OK, "%s: %s", text, err.msg);
    *x = malloc(n * (*g)->dx * sizeof **x);
    *y = malloc(n * (*g)->dy * sizeof **y);
    cr_assert(*x && *y);
    gsl_rng *r = mib_rng_alloc(seed);
    cr_assert_not_null(r);
    cr_assert_eq(mib_generator_sample(*g, r, n, *x, *y), MIB_OK, "%s: sample failed", text);
    gsl_rng_free(r);
}

Test(generators, every_type_has_mc_cases)
{
    size_t ncases = sizeof mc_cases / sizeof mc_cases[0];
    cr_assert_not_null(mib_generator_at(0), "the registry is empty");
    for (size_t t = 0; mib_generator_at(t); t++) {
        const char *name = mib_generator_at(t)->info.name;
        size_t len = strlen(name), hits = 0;
        for (size_t i = 0; i < ncases; i++)
            hits += strncmp(mc_cases[i].spec, name, len) == 0 &&
                    (mc_cases[i].spec[len] == ':' || mc_cases[i].spec[len] == '\0');
        cr_expect_geq(hits, 2, "generator '%s' has %zu Monte-Carlo cases, want >= 2", name, hits);
    }
}

ParameterizedTestParameters(generators, truth_matches_monte_carlo)
{
    return cr_make_param_array(struct mc_case, mc_cases, sizeof mc_cases / sizeof mc_cases[0]);
}

ParameterizedTest(struct mc_case *c, generators, truth_matches_monte_carlo, .timeout = 120)
{
    mib_generator *g;
    double *x, *y, truth;
    mib_err err = {""};
    draw(c->spec, mib_rng_seed_string(c->spec), MC_N, &g, &x, &y);
    cr_assert_eq(mib_generator_truth(g, &truth, &err), MIB_OK, "%s: %s", c->spec, err.msg);
    /* Welford's running mean and variance of the pointwise MI. */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < MC_N; i++) {
        double p;
        cr_assert_eq(mib_generator_pmi(g, x + i * g->dx, y + i * g->dy, &p), MIB_OK,
                     "%s: pmi failed at row %zu", c->spec, i);
        cr_assert(isfinite(p), "%s: pmi not finite at row %zu", c->spec, i);
        double delta = p - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (p - mean);
    }
    double se = sqrt(m2 / (MC_N - 1) / MC_N);
    cr_log_info("%-44s truth %.6f  MC %.6f  SE %.6f", c->spec, truth, mean, se);
    cr_expect_leq(fabs(mean - truth), 4 * se + 1e-12 * (1 + fabs(truth)),
                  "%s: truth %.8g but Monte-Carlo mean %.8g (SE %.3g)", c->spec, truth, mean, se);
    free(x);
    free(y);
    mib_generator_free(g);
}

/* Known closed-form values (bmi / "Beyond Normal" for rho = 0.75). */
Test(generators, gaussian_known_truths)
{
    struct { const char *spec; double want; } cases[] = {
        {"gaussian:rho=0.75", 0.41333928659223396},
        {"gaussian", -0.5 * log(0.75)},
        {"gaussian:dim=20,mi=6", 6},
        {"gaussian:dim=3,rho=-0.9", -1.5 * log(1 - 0.81)},
        {"gaussian:dim=4,mi=0", 0},
        {"gaussian:rho=1e-9", 5e-19},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mib_spec spec;
        mib_generator *g;
        double mi;
        mib_err err = {""};
        cr_assert_eq(mib_generator_spec_parse(cases[i].spec, &spec, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_truth(g, &mi, &err), MIB_OK);
        cr_expect_float_eq(mi, cases[i].want, 1e-14 * fabs(cases[i].want) + 1e-300,
                           "%s: %.17g, want %.17g", cases[i].spec, mi, cases[i].want);
        mib_generator_free(g);
    }
}

Test(generators, gaussian_refuses_bad_settings)
{
    const char *bad[][2] = {
        {"gaussian:transform=spiral", "dim >= 2"},
        {"gaussian:dim=1,mi=1000", "mi=1000"},
        {"gaussian:dim=2,mi=31", "at most 15 nats per coordinate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mib_spec spec;
        mib_generator *g = NULL;
        mib_err err = {""};
        cr_assert_eq(mib_generator_spec_parse(bad[i][0], &spec, &err), MIB_OK, "%s", err.msg);
        cr_expect_eq(mib_generator_alloc(&spec, &g, &err), MIB_EINVAL, "%s accepted", bad[i][0]);
        cr_expect_null(g);
        cr_expect(strstr(err.msg, bad[i][1]) != NULL, "%s: message '%s' lacks '%s'", bad[i][0],
                  err.msg, bad[i][1]);
    }
}

/* Sample covariance of (X, Y) against the model [[I, rho I], [rho I, I]],
 * each entry within 4 of its standard errors (Var of a product of
 * standard normals with correlation c is 1 + c^2). */
Test(generators, gaussian_covariance)
{
    const size_t n = MC_N, d = 3;
    const double rho = sqrt(1 - exp(-2 * 1.5 / 3.0)); /* mi=1.5 over 3 coordinates */
    mib_generator *g;
    double *x, *y;
    draw("gaussian:dim=3,mi=1.5", 7, n, &g, &x, &y);
    double z[6], sum[6] = {0}, cross[6][6] = {{0}};
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            z[j] = x[i * d + j];
            z[d + j] = y[i * d + j];
        }
        for (size_t a = 0; a < 2 * d; a++) {
            sum[a] += z[a];
            for (size_t b = 0; b < 2 * d; b++)
                cross[a][b] += z[a] * z[b];
        }
    }
    for (size_t a = 0; a < 2 * d; a++) {
        cr_expect_leq(fabs(sum[a] / n), 4 / sqrt((double)n), "mean of column %zu: %g", a,
                      sum[a] / n);
        for (size_t b = a; b < 2 * d; b++) {
            double want = a == b ? 1 : (b == a + d ? rho : 0);
            double cov = cross[a][b] / n - sum[a] / n * sum[b] / n;
            double se = sqrt((1 + want * want) / n);
            cr_expect_leq(fabs(cov - want), 4 * se, "cov[%zu][%zu] = %.5f, want %.5f (SE %.4f)",
                          a, b, cov, want, se);
        }
    }
    free(x);
    free(y);
    mib_generator_free(g);
}

/* Round-trip tolerance: cdf values near 1 keep only absolute precision
 * 2^-53, which the inverse magnifies by 1/phi(v) (v = 7: 1e-5 relative). */
static double tolerance(int t, double v)
{
    double tol = 1e-12 * (1 + fabs(v));
    return t == MIB_TF_CDF ? tol + 2.3e-16 / gsl_ran_ugaussian_pdf(v) : tol;
}

/* Every transform: inverse(apply(v)) == v on random vectors; elementwise
 * maps strictly increasing on a fine grid; spiral keeps the norm and is not
 * the identity. */
Test(generators, transforms_invert_and_are_injective)
{
    gsl_rng *r = mib_rng_alloc(11);
    for (int t = 0; t < MIB_TF_COUNT; t++) {
        const char *name = mib_transform_names[t];
        /* cdf's steps near 1 fall below one ulp beyond v = 7.5 and it rounds to 1 at 8.3 */
        double scale = t == MIB_TF_CDF ? 1.5 : 3;
        for (size_t d = (t == MIB_TF_SPIRAL ? 2 : 1); d <= 5; d++) {
            for (int rep = 0; rep < 2000; rep++) {
                double v[5], w[5], n0 = 0, n1 = 0;
                for (size_t j = 0; j < d; j++) {
                    v[j] = w[j] = scale * gsl_ran_gaussian(r, 1.0);
                    n0 += v[j] * v[j];
                }
                mib_transform_apply(t, w, d);
                for (size_t j = 0; j < d; j++)
                    n1 += w[j] * w[j];
                if (t == MIB_TF_SPIRAL)
                    cr_assert_float_eq(n1, n0, 1e-12 * n0, "spiral changed the norm");
                cr_assert_eq(mib_transform_invert(t, w, d), 0, "%s: inverse refused", name);
                for (size_t j = 0; j < d; j++)
                    cr_assert_float_eq(w[j], v[j], tolerance(t, v[j]),
                                       "%s d=%zu: %.17g -> %.17g", name, d, v[j], w[j]);
            }
        }
        if (t == MIB_TF_SPIRAL) {
            double v[2] = {1, 0};
            mib_transform_apply(t, v, 2);
            cr_expect_float_eq(v[0], cos(MIB_SPIRAL_SPEED), 1e-15);
            cr_expect_float_eq(v[1], sin(MIB_SPIRAL_SPEED), 1e-15);
            continue;
        }
        double prev = -INFINITY;
        for (double u = -2 * scale - 3; u <= 2 * scale + 3; u += 1e-3) {
            double w = u;
            mib_transform_apply(t, &w, 1);
            cr_assert_gt(w, prev, "%s not strictly increasing at %g", name, u);
            prev = w;
        }
    }
    double out = 2;
    cr_expect_eq(mib_transform_invert(MIB_TF_CDF, &out, 1), -1, "cdf inverse accepted 2");
    gsl_rng_free(r);
}

/* Same seed, same samples; another seed, other samples (every type, defaults). */
Test(generators, seeds_reproduce)
{
    const size_t n = 500;
    for (size_t t = 0; mib_generator_at(t); t++) {
        const char *name = mib_generator_at(t)->info.name;
        mib_generator *g[3];
        double *x[3], *y[3];
        uint64_t seeds[3] = {42, 42, 43};
        for (int k = 0; k < 3; k++)
            draw(name, seeds[k], n, &g[k], &x[k], &y[k]);
        size_t bx = n * g[0]->dx * sizeof(double), by = n * g[0]->dy * sizeof(double);
        cr_expect(memcmp(x[0], x[1], bx) == 0 && memcmp(y[0], y[1], by) == 0,
                  "%s: same seed, different samples", name);
        cr_expect(memcmp(x[0], x[2], bx) != 0 && memcmp(y[0], y[2], by) != 0,
                  "%s: different seeds, same samples", name);
        for (int k = 0; k < 3; k++) {
            free(x[k]);
            free(y[k]);
            mib_generator_free(g[k]);
        }
    }
}

static double truth_of(const char *text)
{
    mib_spec spec;
    mib_generator *g;
    double mi;
    mib_err err = {""};
    cr_assert_eq(mib_generator_spec_parse(text, &spec, &err), MIB_OK, "%s: %s", text, err.msg);
    cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s: %s", text, err.msg);
    cr_assert_eq(mib_generator_truth(g, &mi, &err), MIB_OK, "%s: %s", text, err.msg);
    mib_generator_free(g);
    return mi;
}

/* Czyz et al. 2023 (bmi), Student t with dx = dy = 1, nu = 1: 0.22417. For
 * dim = 1, nu = 1, rho = 0 the formula reduces by hand (psi(1) - psi(1/2) =
 * 2 ln 2, psi(3/2) - psi(1/2) = 2) to lnG(1/2) + lnG(3/2) + 4 ln 2 - 3
 * = ln(pi/2) + 4 ln 2 - 3. */
Test(generators, student_published_value)
{
    double mi = truth_of("student:dim=1,nu=1,rho=0");
    cr_expect_float_eq(mi, 0.22417, 5e-6, "student nu=1: %.8f, bmi has 0.22417", mi);
    double hand = log(M_PI / 2) + 4 * M_LN2 - 3;
    cr_expect_float_eq(mi, hand, 1e-14, "%.17g vs hand-derived %.17g", mi, hand);
    /* the tail term vanishes as nu grows: t tends to the Gaussian */
    double big = truth_of("student:dim=2,nu=100,rho=0.5"), gauss = truth_of("gaussian:dim=2,rho=0.5");
    cr_expect(big > gauss && big - gauss < 2e-4, "nu=100: %.10f, Gaussian %.10f", big, gauss);
    cr_expect_gt(truth_of("student:dim=3,nu=2"), 0, "block-diagonal t must have MI > 0");
}

/* Each coordinate of X and Y is univariate t(nu): the empirical CDF at the
 * t quantiles q matches q within 4 binomial standard errors. */
Test(generators, student_marginals_are_t)
{
    const char *specs[] = {"student:dim=3,nu=1,rho=0.5", "student:dim=1,nu=4,rho=-0.7",
                           "student:dim=2,nu=0.5"};
    const double nus[] = {1, 4, 0.5}, qs[] = {0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98};
    const size_t n = MC_N;
    for (size_t c = 0; c < 3; c++) {
        mib_generator *g;
        double *x, *y;
        draw(specs[c], 3 + c, n, &g, &x, &y);
        size_t d = g->dx;
        for (size_t col = 0; col < 2 * d; col++) {
            const double *v = col < d ? x + col : y + (col - d);
            for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
                double t = gsl_cdf_tdist_Pinv(qs[k], nus[c]);
                size_t below = 0;
                for (size_t i = 0; i < n; i++)
                    below += v[i * d] <= t;
                double frac = (double)below / n, se = sqrt(qs[k] * (1 - qs[k]) / n);
                cr_expect_leq(fabs(frac - qs[k]), 4 * se,
                              "%s column %zu: P(v <= %g) = %.5f, want %.3f (SE %.4f)",
                              specs[c], col, t, frac, qs[k], se);
            }
        }
        free(x);
        free(y);
        mib_generator_free(g);
    }
}

/* uniform-noise: the closed form is continuous at eps = 1 (both pieces give
 * 1/2) and matches hand values. */
Test(generators, uniform_noise_known_values)
{
    cr_expect_float_eq(truth_of("uniform-noise:eps=1"), 0.5, 1e-15);
    cr_expect_float_eq(truth_of("uniform-noise:eps=0.3"), 0.15 - log(0.3), 1e-15);
    cr_expect_float_eq(truth_of("uniform-noise:eps=2"), 0.25, 1e-15);
    cr_expect_float_eq(truth_of("uniform-noise:eps=0.999999"), 0.4999995 - log(0.999999), 1e-12);
    cr_expect_float_eq(truth_of("uniform-noise:eps=1.000001"), 0.5 / 1.000001, 1e-12);
}

/* square: the truth must not move (beyond 1e-7 relative) when both
 * quadrature tolerances are tightened 100-fold; and at large sigma it
 * approaches the low-SNR limit Var(X^2) / (2 sigma^2) (2 for N(0,1),
 * 4/45 for U(-1,1)), with relative corrections of order Var / sigma^2. */
Test(generators, square_quadrature_is_stable, .timeout = 60)
{
    const double sigmas[] = {1e-3, 0.1, 0.5, 2, 100};
    for (int dist = 0; dist < 2; dist++) {
        for (size_t i = 0; i < sizeof sigmas / sizeof sigmas[0]; i++) {
            double a, b;
            mib_err err = {""};
            cr_assert_eq(mib_square_truth(dist, sigmas[i], MIB_SQUARE_TOL, &a, &err), MIB_OK,
                         "%s", err.msg);
            cr_assert_eq(mib_square_truth(dist, sigmas[i], MIB_SQUARE_TOL / 100, &b, &err),
                         MIB_OK, "%s", err.msg);
            cr_log_info("square dist=%d sigma=%g: %.15g vs tighter %.15g", dist, sigmas[i], a, b);
            cr_expect_gt(a, 0);
            cr_expect_leq(fabs(a - b), 1e-7 * fabs(b), "dist=%d sigma=%g: %.15g vs %.15g", dist,
                          sigmas[i], a, b);
        }
        double var = dist == MIB_SQUARE_NORMAL ? 2 : 4.0 / 45, mi;
        cr_assert_eq(mib_square_truth(dist, 100, MIB_SQUARE_TOL, &mi, NULL), MIB_OK);
        cr_expect_float_eq(mi, var / 2e4, 1e-3 * var / 2e4, "sigma=100: %.8g vs %.8g", mi,
                           var / 2e4);
    }
}

/* bsc / ksc: the exact sum of p(x,y) pmi(x,y) over the joint table (p built
 * here from the channel's definition) equals the truth, and so does the
 * closed form written out here. */
Test(generators, channels_exact_sum)
{
    const struct { const char *spec; unsigned k; double eps; } cases[] = {
        {"bsc:eps=0.1", 2, 0.1},  {"bsc:eps=0", 2, 0},     {"bsc:eps=1", 2, 1},
        {"bsc:eps=0.5", 2, 0.5},  {"ksc:symbols=2,eps=0.3", 2, 0.3},
        {"ksc:symbols=5,eps=0.2", 5, 0.2}, {"ksc:symbols=7,eps=1", 7, 1},
        {"ksc:symbols=3,eps=0", 3, 0},     {"ksc:symbols=4,eps=0.75", 4, 0.75},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mib_spec spec;
        mib_generator *g;
        mib_err err = {""};
        double mi, sum = 0, k = cases[c].k, e = cases[c].eps;
        cr_assert_eq(mib_generator_spec_parse(cases[c].spec, &spec, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(g->discrete, 1);
        cr_assert_eq(mib_generator_truth(g, &mi, &err), MIB_OK);
        for (unsigned a = 0; a < cases[c].k; a++) {
            for (unsigned b = 0; b < cases[c].k; b++) {
                double p = (a == b ? 1 - e : e / (k - 1)) / k, xa = a, yb = b, pm;
                int st = mib_generator_pmi(g, &xa, &yb, &pm);
                if (p == 0) {
                    cr_expect_eq(st, MIB_EDATA, "%s: pmi at a zero-probability pair", cases[c].spec);
                    continue;
                }
                cr_assert_eq(st, MIB_OK);
                sum += p * pm;
            }
        }
        double hb = (e > 0 ? -e * log(e) : 0) + (e < 1 ? -(1 - e) * log(1 - e) : 0);
        double closed = log(k) - hb - (e > 0 ? e * log(k - 1) : 0);
        cr_expect_float_eq(sum, mi, 1e-12, "%s: table sum %.17g, truth %.17g", cases[c].spec, sum,
                           mi);
        cr_expect_float_eq(closed, mi, 1e-12, "%s: closed form %.17g, truth %.17g",
                           cases[c].spec, closed, mi);
        double half = 0.5, big = k;
        cr_expect_eq(mib_generator_pmi(g, &half, &half, &mi), MIB_EDATA, "non-integer accepted");
        cr_expect_eq(mib_generator_pmi(g, &big, &big, &mi), MIB_EDATA, "symbol k accepted");
        mib_generator_free(g);
    }
}

/* Discrete samples are integers in 0..k-1, all of them used. */
Test(generators, channel_samples_are_symbols)
{
    mib_generator *g;
    double *x, *y;
    draw("ksc:symbols=6,eps=0.5", 5, 6000, &g, &x, &y);
    size_t seen[6] = {0};
    for (size_t i = 0; i < 6000; i++) {
        cr_assert(x[i] == floor(x[i]) && x[i] >= 0 && x[i] < 6, "x = %g", x[i]);
        cr_assert(y[i] == floor(y[i]) && y[i] >= 0 && y[i] < 6, "y = %g", y[i]);
        seen[(size_t)y[i]]++;
    }
    for (size_t s = 0; s < 6; s++)
        cr_expect_gt(seen[s], 800, "symbol %zu seen %zu times of 6000", s, seen[s]);
    free(x);
    free(y);
    mib_generator_free(g);
}

/* The student closed form against 60-digit values (mpmath: loggamma and
 * digamma in the DESIGN.md formula) over the whole allowed nu range
 * [0.1, 100]: relative error 1e-9 at most (the worst case is nu = 100,
 * dim = 1, where the terms cancel to 3e-10). */
Test(generators, student_truth_matches_high_precision_reference)
{
    static const struct {
        const char *spec;
        double want;
    } cases[] = {
        {"student:nu=0.1", 1.6200387310506848434},
        {"student:nu=0.1,dim=5,rho=0.5", 3.3738995680547071918},
        {"student:nu=2,dim=3", 0.29092192268276358738},
        {"student:nu=100", 0.000049664227142185810615},
        {"student:nu=100,dim=2,rho=0.5", 0.2878768566107057385},
        {"student:nu=100,dim=20", 0.014244150245758337996},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = truth_of(cases[i].spec);
        cr_expect(fabs(got - cases[i].want) <= 1e-9 * cases[i].want, "%s: %.17g, reference %.17g",
                  cases[i].spec, got, cases[i].want);
    }
}
