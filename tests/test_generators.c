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
#include <gsl/gsl_randist.h>
#include "mibench/mibench.h"
#include "transform.h"

#define MC_N 100000

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
    cr_assert_not_null(mib_generator_types[0], "the registry is empty");
    for (size_t t = 0; mib_generator_types[t]; t++) {
        const char *name = mib_generator_types[t]->info.name;
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
    draw(c->spec, mib_seed_string(c->spec), MC_N, &g, &x, &y);
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
    for (size_t t = 0; mib_generator_types[t]; t++) {
        const char *name = mib_generator_types[t]->info.name;
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
