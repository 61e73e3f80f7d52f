/* test_generators.c - every generator's ground truth against an independent
 * route: the Monte-Carlo mean of its pointwise MI ln p(x,y) - ln p(x) - ln p(y)
 * over 1e5 of its own samples, within 4 standard errors (and, for the discrete
 * channels, the exact sum over the joint table). Plus the Gaussian sampler's
 * covariance, the transforms' inverses and monotonicity, and reproducibility;
 * the chain's closed forms, the data-processing inequality and its views of
 * one draw. The case table must name every registered generator type. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_psi.h>
#include "mibench/mibench.h"
#include "generators/bmi_transform.h"
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

/* Rows per case: MC_N, except the maps inverted or applied by a root search
 * per value (bmi's wiggly and bimodal), which use fewer (the SE grows to
 * match; the catalogue and marginal tests below check them again). */
static size_t mc_rows(const char *spec)
{
    if (strstr(spec, "transform=bimodal"))
        return 20000;
    return strstr(spec, "multi") && strstr(spec, "transform=wiggly") ? 40000 : MC_N;
}

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
    /* mutinfo's CorrelatedNormal: a random split, random rotations */
    {"gaussian:dim=3,mi=2,split=random,rotate=1,draw=7"},
    {"gaussian:dim=2,mi=4,split=random,rotate=1,transform=cubic"},
    {"gaussian:dim=5,rho=0.6,rotate=1,draw=2"},
    {"gaussian:dim=80,mi=6,split=random,draw=3"}, /* pmi scratch on the heap */
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
    {"uniform-noise:halfwidth=0.1"},  /* bmi's U(-e, e) convention */
    {"uniform-noise:halfwidth=0.75"},
    {"multinormal"},
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75"},
    {"multinormal:dim_x=2,dim_y=5,off_diag=-0.1"},
    {"multinormal:dim_x=3,dim_y=3,structure=sparse"},
    {"multinormal:dim_x=4,dim_y=6,structure=sparse,n_interacting=3,strength=1"},
    {"multinormal:dim_x=2,dim_y=3,structure=identity"},
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=cdf"},
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=cdf"},
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=halfcube"},
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=wiggly"},
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=spiral"},
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,transform=spiral"},
    {"multinormal:dim_x=5,dim_y=5,structure=sparse,transform=cdf-spiral"},
    {"multinormal:dim_x=2,dim_y=3,transform=spiral,speed=2"},
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=bimodal"},
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=swissroll"},
    {"multinormal:dim_x=2,dim_y=2,off_diag=0.3,transform=asinh"},
    {"multistudent"},
    {"multistudent:dim_x=2,dim_y=5,nu=3"},
    {"multistudent:dim_x=2,dim_y=2,nu=1,transform=asinh"},
    {"multistudent:dim_x=5,dim_y=5,nu=2,transform=asinh"},
    {"multistudent:dim_x=2,dim_y=3,nu=2,structure=dense"},
    {"multistudent:dim_x=3,dim_y=4,nu=5,structure=sparse,transform=spiral"},
    {"multistudent:dim_x=2,dim_y=2,nu=3,transform=wiggly"},
    {"multistudent:dim_x=3,dim_y=3,nu=2,transform=halfcube"},
    {"multistudent:dim_x=1,dim_y=3,nu=0.5"},
    {"cgaussian"}, /* truth I(X;Y|Z); the mean of pmi_z */
    {"cgaussian:rho_xy=-0.2,rho_xz=0.8,rho_yz=-0.5"},
    {"cgaussian:rho_xy=-0.9,rho_xz=-0.5,rho_yz=0.6"},
    {"cgaussian:rho_xy=0.3,rho_xz=0.6,rho_yz=0.5"}, /* partial correlation 0 */
    {"chain"},
    {"chain:rho_xy=0.9,rho_yz=0.99,view=xz"},
    {"chain:dim=3,rho_xy=-0.6,rho_yz=0.8,view=yz"},
    {"chain:dim=2,rho_xy=0.5,rho_yz=-0.95,view=xz"},
    {"chain:rho_xy=0.9,rho_yz=0.99,view=xz_y"}, /* truth 0; its law: test_cmi.c */
    {"mixed-uniform:m=2"},
    {"mixed-uniform:m=7"},
    {"mixed-uniform:m=1"}, /* truth 0 */
    {"mixed-bernoulli"},
    {"mixed-bernoulli:p=0.1"},
    /* Monte-Carlo truths (init's own fixed sample): within 4 combined SE */
    {"mixture"},
    {"mixture:task=ai"},
    {"mixture:task=galaxy"},
    {"mixture:task=waves"},
    {"mixture:task=concentric,dim_x=3,components=10"},
    {"mixture:task=concentric,dim_x=25,components=5"},
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,inliers=0.5"},
    {"multinormal:dim_x=2,dim_y=3,off_diag=0.4,transform=cdf,inliers=0.25"},
    {"zero-inflated"},
    {"zero-inflated:p0=0,p1=1,eps=2"},
    {"zero-inflated:p0=0.9,p1=0.05,eps=0.01"},
};

/* Draw n rows of spec (seeded from its text) with mib_generator_sample_z,
 * which serves every generator; *g, *x, *y and *z (NULL when dz = 0) are
 * the caller's. */
static void draw_z(const char *text, uint64_t seed, size_t n, mib_generator **g, double **x,
                   double **y, double **z)
{
    mib_spec spec;
    mib_err err = {""};
    cr_assert_eq(mib_generator_spec_parse(text, &spec, &err), MIB_OK, "%s: %s", text, err.msg);
    cr_assert_eq(mib_generator_alloc(&spec, g, &err), MIB_OK, "%s: %s", text, err.msg);
    *x = malloc(n * (*g)->dx * sizeof **x);
    *y = malloc(n * (*g)->dy * sizeof **y);
    *z = (*g)->dz ? malloc(n * (*g)->dz * sizeof **z) : NULL;
    cr_assert(*x && *y && (*z || !(*g)->dz));
    gsl_rng *r = mib_rng_alloc(seed);
    cr_assert_not_null(r);
    cr_assert_eq(mib_generator_sample_z(*g, r, n, *x, *y, *z), MIB_OK, "%s: sample failed",
                 text);
    gsl_rng_free(r);
}

/* The same for generators without Z. */
static void draw(const char *text, uint64_t seed, size_t n, mib_generator **g, double **x,
                 double **y)
{
    double *z;
    draw_z(text, seed, n, g, x, y, &z);
    cr_assert_null(z, "%s has a Z block", text);
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
    double *x, *y, *z, truth, truth_se;
    mib_err err = {""};
    size_t n = mc_rows(c->spec);
    draw_z(c->spec, mib_rng_seed_string(c->spec), n, &g, &x, &y, &z);
    cr_assert_eq(mib_generator_truth(g, &truth, &err), MIB_OK, "%s: %s", c->spec, err.msg);
    cr_assert_eq(mib_generator_truth_se(g, &truth_se), MIB_OK);
    /* Welford's running mean and variance of the pointwise MI (with Z:
     * the pointwise conditional MI, whose mean is I(X;Y|Z)). */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double p;
        cr_assert_eq(mib_generator_pmi_z(g, x + i * g->dx, y + i * g->dy,
                                         z ? z + i * g->dz : NULL, &p),
                     MIB_OK, "%s: pmi failed at row %zu", c->spec, i);
        cr_assert(isfinite(p), "%s: pmi not finite at row %zu", c->spec, i);
        double delta = p - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (p - mean);
    }
    /* a Monte-Carlo truth (another sample, another seed) adds its own SE */
    double se = hypot(sqrt(m2 / (double)(n - 1) / (double)n), truth_se);
    cr_log_info("%-44s truth %.6f  MC %.6f  SE %.6f", c->spec, truth, mean, se);
    cr_expect_leq(fabs(mean - truth), 4 * se + 1e-12 * (1 + fabs(truth)),
                  "%s: truth %.8g but Monte-Carlo mean %.8g (SE %.3g, truth's %.3g)", c->spec,
                  truth, mean, se, truth_se);
    free(x);
    free(y);
    free(z);
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

/* mutinfo's CorrelatedNormal: split=random shares the MI unevenly among
 * the coordinates (the per-coordinate sample MI adds up to the truth), and
 * rotate=1 turns the same draw by an orthogonal map, drawn from `draw`: with
 * one rng seed the rotated rows are Q times the unrotated ones (norms and
 * inner products kept), and over 64 draws Q's first column points anywhere
 * on the circle and Q is as often a reflection as a rotation (Haar on O(2)). */
Test(generators, gaussian_random_split_and_rotation)
{
    const size_t n = 20000, d = 3;
    mib_generator *ga, *gb;
    double *xa, *ya, *xb, *yb, truth;
    mib_err err = {""};
    draw("gaussian:dim=3,mi=3,split=random,draw=9", 5, n, &ga, &xa, &ya);
    draw("gaussian:dim=3,mi=3,split=random,rotate=1,draw=9", 5, n, &gb, &xb, &yb);
    cr_assert_eq(mib_generator_truth(gb, &truth, &err), MIB_OK);
    cr_expect_eq(truth, 3);
    double mi = 0, lo = INFINITY, hi = 0, moved = 0;
    for (size_t j = 0; j < d; j++) {
        double sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            sxy += xa[i * d + j] * ya[i * d + j];
            sxx += xa[i * d + j] * xa[i * d + j];
            syy += ya[i * d + j] * ya[i * d + j];
        }
        double r = sxy / sqrt(sxx * syy), m = -0.5 * log1p(-r * r); /* mean 0 is known */
        mi += m;
        lo = fmin(lo, m);
        hi = fmax(hi, m);
    }
    /* the SE of -ln(1 - r^2)/2 is about r / sqrt(n) per coordinate, r < 1 */
    cr_expect_leq(fabs(mi - 3), 4 * sqrt((double)d / (double)n), "sum of shares %.4f", mi);
    cr_expect_geq(hi / lo, 1.5, "the split is not random: shares %.3f .. %.3f", lo, hi);
    for (size_t i = 0; i + 1 < n; i += 97) {
        const double *pairs[2][2] = {{xa + i * d, xb + i * d}, {ya + i * d, yb + i * d}};
        for (int s = 0; s < 2; s++) {
            const double *a = pairs[s][0], *b = pairs[s][1];
            double aa = 0, bb = 0, ab1 = 0, bb1 = 0;
            for (size_t j = 0; j < d; j++) {
                aa += a[j] * a[j];
                bb += b[j] * b[j];
                ab1 += a[j] * a[j + d]; /* with the next row */
                bb1 += b[j] * b[j + d];
                moved = fmax(moved, fabs(a[j] - b[j]));
            }
            cr_assert_float_eq(bb, aa, 1e-12 * aa, "row %zu: |Qu|^2 %.17g, |u|^2 %.17g", i, bb, aa);
            cr_assert_float_eq(bb1, ab1, 1e-12 * (aa + 1), "row %zu: inner product moved", i);
        }
    }
    cr_expect_gt(moved, 0.5, "rotate=1 left the rows where they were");
    free(xa), free(ya), free(xb), free(yb);
    mib_generator_free(ga);
    mib_generator_free(gb);

    int reflections = 0;
    double mc = 0, ms = 0;
    for (int t = 1; t <= 64; t++) {
        char a[96], b[96];
        snprintf(a, sizeof a, "gaussian:dim=2,rho=0.3");
        snprintf(b, sizeof b, "gaussian:dim=2,rho=0.3,rotate=1,draw=%d", t);
        draw(a, 11, 2, &ga, &xa, &ya);
        draw(b, 11, 2, &gb, &xb, &yb);
        /* Q = B U^-1 from the two x rows (rows of U and B are samples) */
        double u00 = xa[0], u01 = xa[1], u10 = xa[2], u11 = xa[3], det = u00 * u11 - u01 * u10;
        double q00 = (xb[0] * u11 - xb[2] * u01) / det, q01 = (-xb[0] * u10 + xb[2] * u00) / det;
        double q10 = (xb[1] * u11 - xb[3] * u01) / det, q11 = (-xb[1] * u10 + xb[3] * u00) / det;
        cr_assert_float_eq(q00 * q00 + q10 * q10, 1, 1e-9, "draw %d: column 1 not unit", t);
        cr_assert_float_eq(q00 * q01 + q10 * q11, 0, 1e-9, "draw %d: columns not orthogonal", t);
        reflections += q00 * q11 - q01 * q10 < 0;
        mc += q00 / 64;
        ms += q10 / 64;
        free(xa), free(ya), free(xb), free(yb);
        mib_generator_free(ga);
        mib_generator_free(gb);
    }
    /* binomial(64, 1/2): sd 4; the mean of cos and sin of a uniform angle: sd sqrt(1/128) */
    cr_expect(reflections >= 16 && reflections <= 48, "%d reflections of 64", reflections);
    cr_expect_leq(fabs(mc), 4 * sqrt(1.0 / 128), "mean cos %.3f", mc);
    cr_expect_leq(fabs(ms), 4 * sqrt(1.0 / 128), "mean sin %.3f", ms);
}

/* Each spec parses, but mib_generator_alloc refuses it with MIB_EINVAL and
 * a message containing its second string. */
static void expect_refused(const char *bad[][2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
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

Test(generators, gaussian_refuses_bad_settings)
{
    const char *bad[][2] = {
        {"gaussian:transform=spiral", "dim >= 2"},
        {"gaussian:dim=1,mi=1000", "mi=1000"},
        {"gaussian:dim=2,mi=31", "at most 15 nats per coordinate"},
    };
    expect_refused(bad, sizeof bad / sizeof bad[0]);
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
        double *x[3], *y[3], *z[3];
        uint64_t seeds[3] = {42, 42, 43};
        for (int k = 0; k < 3; k++)
            draw_z(name, seeds[k], n, &g[k], &x[k], &y[k], &z[k]);
        size_t bx = n * g[0]->dx * sizeof(double), by = n * g[0]->dy * sizeof(double),
               bz = n * g[0]->dz * sizeof(double);
        cr_expect(memcmp(x[0], x[1], bx) == 0 && memcmp(y[0], y[1], by) == 0 &&
                      (!bz || memcmp(z[0], z[1], bz) == 0),
                  "%s: same seed, different samples", name);
        cr_expect(memcmp(x[0], x[2], bx) != 0 && memcmp(y[0], y[2], by) != 0 &&
                      (!bz || memcmp(z[0], z[2], bz) != 0),
                  "%s: different seeds, same samples", name);
        for (int k = 0; k < 3; k++) {
            free(x[k]);
            free(y[k]);
            free(z[k]);
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

/* ---- bmi's catalogue (Czyz et al. 2023): multinormal, multistudent, the
 * bmi maps and uniform-noise's halfwidth ------------------------------------ */

/* ln det of the k x k equicorrelation matrix (1 - c) I + c 11'. */
static double ln_det_equi(double k, double c)
{
    return (k - 1) * log1p(-c) + log1p((k - 1) * c);
}

/* Dense S: I = 1/2 [ln det(dx) + ln det(dy) - ln det(dx + dy)] in closed form. */
static double dense_mi(double dx, double dy, double c)
{
    return 0.5 * (ln_det_equi(dx, c) + ln_det_equi(dy, c) - ln_det_equi(dx + dy, c));
}

/* Sparse S: n independent pairs of correlation r = s^2 / (1 + s^2). */
static double sparse_mi(double n, double s)
{
    double r = s * s / (1 + s * s);
    return -0.5 * n * log1p(-r * r);
}

/* Entropy of the standard k-dimensional t (dispersion I), the second route to
 * the t truth: I = h(X) + h(Y) - h(X, Y) plus the Gaussian term. */
static double t_entropy(double k, double nu)
{
    double a = nu / 2, b = (nu + k) / 2;
    return -lgamma(b) + lgamma(a) + k / 2 * log(nu * M_PI) +
           b * (gsl_sf_psi(b) - gsl_sf_psi(a));
}

static double t_identity_mi(double dx, double dy, double nu)
{
    return t_entropy(dx, nu) + t_entropy(dy, nu) - t_entropy(dx + dy, nu);
}

/* Closed forms (written out here, independent of the Cholesky route) and
 * 50-digit mpmath values (mpmath.det of the matrices, and for t the entropy
 * route h(X) + h(Y) - h(X,Y) with loggamma/digamma). */
Test(generators, multivariate_truths_closed_forms)
{
    static const struct {
        const char *spec;
        double want;
    } mp[] = {
        {"multinormal:dim_x=50,dim_y=50", 1.6242653743036960462},
        {"multinormal:dim_x=25,dim_y=25", 1.2921837216593191596},
        {"multinormal:dim_x=2,dim_y=5", 0.40546510810816438198},
        {"multinormal:dim_x=3,dim_y=2,off_diag=-0.2", 0.34657359027997265471},
        {"multinormal:dim_x=4,dim_y=6,structure=sparse,n_interacting=3,strength=1",
         0.43152310867767139116},
        {"multinormal:dim_x=25,dim_y=25,structure=sparse", 1.0216512475319813664},
        {"multistudent:dim_x=2,dim_y=5,nu=3", 0.17786822522516895136},
        {"multistudent:dim_x=1,dim_y=3,nu=0.5", 0.68132937648748066564},
        {"multistudent:dim_x=4,dim_y=1,nu=10", 0.014586076362109168003},
        {"multistudent:dim_x=2,dim_y=3,nu=2,structure=dense", 0.58249201660735167206},
        {"multistudent:dim_x=3,dim_y=4,nu=5,structure=sparse", 1.1281220508576204423},
        {"multistudent:dim_x=5,dim_y=5,nu=3", 0.29854362265276118308},
    };
    for (size_t i = 0; i < sizeof mp / sizeof mp[0]; i++) {
        double got = truth_of(mp[i].spec);
        cr_expect(fabs(got - mp[i].want) <= 1e-12 * mp[i].want, "%s: %.17g, mpmath %.17g",
                  mp[i].spec, got, mp[i].want);
    }
    const double dims[][2] = {{1, 1}, {2, 2}, {3, 3}, {2, 5}, {5, 5}, {7, 3}, {50, 50}};
    const double cs[] = {0.5, 0.75, 0.1, -0.005}; /* PD needs c > -1/(dx + dy - 1) */
    char spec[160];
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
            snprintf(spec, sizeof spec, "multinormal:dim_x=%g,dim_y=%g,off_diag=%g", dims[i][0],
                     dims[i][1], cs[k]);
            double want = dense_mi(dims[i][0], dims[i][1], cs[k]);
            cr_expect_float_eq(truth_of(spec), want, 1e-12 * want + 1e-15, "%s", spec);
        }
        for (double n = 0; n <= fmin(dims[i][0], dims[i][1]) && n <= 3; n++) {
            snprintf(spec, sizeof spec,
                     "multinormal:dim_x=%g,dim_y=%g,structure=sparse,n_interacting=%g,strength=0.7",
                     dims[i][0], dims[i][1], n);
            double want = sparse_mi(n, 0.7);
            cr_expect_float_eq(truth_of(spec), want, 1e-12 * want + 1e-15, "%s", spec);
        }
        for (double nu = 0.5; nu <= 8; nu *= 2) {
            snprintf(spec, sizeof spec, "multistudent:dim_x=%g,dim_y=%g,nu=%g", dims[i][0],
                     dims[i][1], nu);
            double want = t_identity_mi(dims[i][0], dims[i][1], nu);
            cr_expect_float_eq(truth_of(spec), want, 1e-10 * want, "%s: %.17g vs entropies %.17g",
                               spec, truth_of(spec), want);
        }
    }
    cr_expect_eq(truth_of("multinormal:dim_x=4,dim_y=2,structure=identity"), 0);
}

/* Truths bmi states: binormal rho = 0.75 -> 0.41334 (every map of it keeps
 * it), Student t 1 x 1, dof 1 -> 0.22417, its AdditiveUniformSampler formula
 * eps - ln(2 eps) (eps <= 1/2) or 1/(4 eps), and the 2-pair value
 * -ln(1 - 0.8^2) = -ln 0.36 at strength 2. */
Test(generators, bmi_published_truths)
{
    const char *binormal[] = {
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75",
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=cdf",
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=wiggly",
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=halfcube",
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=bimodal",
        "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=swissroll",
    };
    for (size_t i = 0; i < sizeof binormal / sizeof binormal[0]; i++)
        cr_expect_float_eq(truth_of(binormal[i]), 0.41333928659223396, 1e-15, "%s", binormal[i]);
    cr_expect_float_eq(truth_of("multistudent"), 0.22417, 5e-6);
    cr_expect_float_eq(truth_of("multistudent"), truth_of("student:dim=1,nu=1"), 1e-15);
    cr_expect_float_eq(truth_of("multistudent:dim_x=3,dim_y=3,nu=2"),
                       truth_of("student:dim=3,nu=2"), 1e-14);
    cr_expect_float_eq(truth_of("multinormal:dim_x=5,dim_y=5,structure=sparse"), -log(0.36),
                       1e-14);
    const double eps[] = {0.1, 0.75, 0.5, 0.25, 3};
    for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
        char spec[64];
        snprintf(spec, sizeof spec, "uniform-noise:halfwidth=%g", eps[i]);
        double want = eps[i] > 0.5 ? 0.25 / eps[i] : eps[i] - log(2 * eps[i]);
        cr_expect_float_eq(truth_of(spec), want, 1e-15, "%s: %.17g, bmi %.17g", spec,
                           truth_of(spec), want);
    }
    cr_expect_float_eq(truth_of("uniform-noise:halfwidth=0.1"), 1.7094379124341003, 1e-15);
}

/* uniform-noise keeps its canonical form (halfwidth is optional), refuses
 * both conventions at once, and halfwidth samples Y - X in [-e, e]. */
Test(generators, uniform_noise_bmi_convention)
{
    mib_spec spec;
    mib_err err = {""};
    char text[128];
    cr_assert_eq(mib_generator_spec_parse("uniform-noise", &spec, &err), MIB_OK);
    cr_assert_eq(mib_spec_format(&spec, text, sizeof text), MIB_OK);
    cr_expect_str_eq(text, "uniform-noise:eps=0.5");
    cr_assert_eq(mib_generator_spec_parse("uniform-noise:halfwidth=0.75", &spec, &err), MIB_OK);
    cr_assert_eq(mib_spec_format(&spec, text, sizeof text), MIB_OK);
    cr_expect_str_eq(text, "uniform-noise:halfwidth=0.75");
    cr_expect_eq(mib_generator_spec_parse("uniform-noise:eps=1,halfwidth=0.5", &spec, &err),
                 MIB_ESPEC);
    mib_generator *g;
    double *x, *y, lo = INFINITY, hi = -INFINITY;
    draw("uniform-noise:halfwidth=0.25", 9, 20000, &g, &x, &y);
    for (size_t i = 0; i < 20000; i++) {
        lo = fmin(lo, y[i] - x[i]);
        hi = fmax(hi, y[i] - x[i]);
    }
    cr_expect(lo >= -0.25 && lo < -0.249 && hi <= 0.25 && hi > 0.249, "noise in [%g, %g]", lo,
              hi);
    free(x);
    free(y);
    mib_generator_free(g);
}

/* Sample covariance of (X, Y) against S for a sparse and a dense (dx != dy)
 * multinormal, every entry within 4 SE (Var of a product of unit normals
 * with correlation c is 1 + c^2). */
Test(generators, multinormal_covariance)
{
    const struct { const char *spec; size_t dx, dy; } cases[] = {
        {"multinormal:dim_x=3,dim_y=4,structure=sparse", 3, 4},
        {"multinormal:dim_x=2,dim_y=5,off_diag=0.3", 2, 5},
    };
    const size_t n = MC_N;
    for (size_t c = 0; c < 2; c++) {
        mib_generator *g;
        double *x, *y;
        draw(cases[c].spec, 21 + c, n, &g, &x, &y);
        size_t dx = cases[c].dx, dy = cases[c].dy, d = dx + dy;
        cr_assert_eq(g->dx, dx);
        cr_assert_eq(g->dy, dy);
        double cross[7][7] = {{0}};
        for (size_t i = 0; i < n; i++) {
            double z[7];
            memcpy(z, x + i * dx, dx * sizeof *z);
            memcpy(z + dx, y + i * dy, dy * sizeof *z);
            for (size_t a = 0; a < d; a++)
                for (size_t b = 0; b < d; b++)
                    cross[a][b] += z[a] * z[b];
        }
        for (size_t a = 0; a < d; a++) {
            for (size_t b = a; b < d; b++) {
                double want = a == b ? 1 : 0;
                if (c == 0 && a < 2 && b == a + dx)
                    want = 0.8; /* strength 2: 4 / (1 + 4) */
                if (c == 1 && a != b)
                    want = 0.3;
                double cov = cross[a][b] / n, se = sqrt((1 + want * want) / n);
                cr_expect_leq(fabs(cov - want), 4 * se, "%s: cov[%zu][%zu] = %.5f, want %.2f",
                              cases[c].spec, a, b, cov, want);
            }
        }
        free(x);
        free(y);
        mib_generator_free(g);
    }
}

/* Every bmi map: invert(apply(v)) == v on random vectors for X and Y; the
 * elementwise maps strictly increase on a grid; the spiral keeps the norm and
 * is exp(speed ||v||^2 A) (A[0][1] = -1, A[1][0] = 1 on X); the Swiss roll
 * lands on the curve of radius t / 21 at angle t. */
Test(generators, bmi_transforms_invert_and_are_injective)
{
    gsl_rng *r = mib_rng_alloc(12);
    for (int t = 0; t < MIB_BMI_COUNT; t++) {
        for (int side = MIB_BMI_X; side <= MIB_BMI_Y; side++) {
            size_t d = t == MIB_BMI_SWISSROLL && side == MIB_BMI_X ? 1 : 4;
            int cdf = t == MIB_BMI_CDF || t == MIB_BMI_CDF_SPIRAL || t == MIB_BMI_SWISSROLL;
            double scale = cdf ? 1.5 : 2; /* Phi rounds to 1 at 8.3 */
            for (int rep = 0; rep < 2000; rep++) {
                double v[4], w[4], back[4], n0 = 0, n1 = 0, vmax = 0;
                for (size_t j = 0; j < d; j++) {
                    v[j] = w[j] = scale * gsl_ran_gaussian(r, 1.0);
                    n0 += v[j] * v[j];
                    vmax = fmax(vmax, fabs(v[j]));
                }
                /* cdf values near 1 keep only absolute precision ~1e-16, which
                 * the normal quantile magnifies by 1/phi(v) (as tolerance()) */
                double extra = cdf ? 1e-14 / gsl_ran_ugaussian_pdf(vmax) : 0;
                cr_assert_eq(mib_bmi_tf_apply(t, side, 0.4, w, d), MIB_OK);
                size_t dout = mib_bmi_tf_dim(t, side, d);
                for (size_t j = 0; j < dout; j++)
                    n1 += w[j] * w[j];
                if (t == MIB_BMI_SPIRAL)
                    cr_assert_float_eq(n1, n0, 1e-12 * n0, "spiral changed the norm");
                if (t == MIB_BMI_SWISSROLL && side == MIB_BMI_X) {
                    double tt = 21 * sqrt(n1), u = gsl_cdf_ugaussian_P(v[0]);
                    cr_assert_float_eq(tt, 1.5 * M_PI * (1 + 2 * u), 1e-12 * tt);
                    cr_assert_float_eq(w[0], tt * cos(tt) / 21, 1e-12);
                }
                cr_assert_eq(mib_bmi_tf_invert(t, side, 0.4, w, d, back), MIB_OK,
                             "%s side %d: inverse refused", mib_bmi_tf_names[t], side);
                for (size_t j = 0; j < d; j++)
                    cr_assert_float_eq(back[j], v[j], 1e-9 * (1 + fabs(v[j])) + extra,
                                       "%s side %d: %.17g -> %.17g", mib_bmi_tf_names[t], side,
                                       v[j], back[j]);
            }
            if (t == MIB_BMI_SPIRAL || t == MIB_BMI_CDF_SPIRAL || t == MIB_BMI_SWISSROLL)
                continue;
            double prev = -INFINITY;
            for (double u = -7; u <= 7; u += 1e-3) {
                double w = u;
                cr_assert_eq(mib_bmi_tf_apply(t, side, 0, &w, 1), MIB_OK);
                cr_assert_gt(w, prev, "%s side %d not increasing at %g", mib_bmi_tf_names[t],
                             side, u);
                prev = w;
            }
        }
    }
    double v[3] = {1, 0, 0};
    mib_bmi_tf_apply(MIB_BMI_SPIRAL, MIB_BMI_X, 0.3, v, 3);
    cr_expect_float_eq(v[0], cos(0.3), 1e-15);
    cr_expect_float_eq(v[1], sin(0.3), 1e-15);
    double u[3] = {0, 2, 0}; /* Y turns the plane (1, 2): angle 0.3 * 4 */
    mib_bmi_tf_apply(MIB_BMI_SPIRAL, MIB_BMI_Y, 0.3, u, 3);
    cr_expect_float_eq(u[1], 2 * cos(1.2), 1e-15);
    cr_expect_float_eq(u[2], 2 * sin(1.2), 1e-15);
    double off[2] = {0.5, 0.5}, out;
    cr_expect_eq(mib_bmi_tf_invert(MIB_BMI_SWISSROLL, MIB_BMI_X, 0, off, 1, &out), MIB_EDATA,
                 "a point off the Swiss roll was inverted");
    gsl_rng_free(r);
}

/* bimodal: X's marginal is the mixture 0.3 N(0,1) + 0.7 N(5,1) and Y's
 * 0.5 N(-1,1) + 0.5 N(3,1): empirical CDFs at several points within 4
 * binomial SE (this checks the forward root search against the mixture
 * CDF written out here). */
Test(generators, bimodal_marginals_are_mixtures)
{
    const size_t n = 20000;
    mib_generator *g;
    double *x, *y;
    draw("multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=bimodal", 5, n, &g, &x, &y);
    const double pts[] = {-1.5, 0, 1, 2.5, 4, 5, 6.5};
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        double v = pts[k], fx = 0.3 * gsl_cdf_ugaussian_P(v) + 0.7 * gsl_cdf_ugaussian_P(v - 5),
               fy = 0.5 * gsl_cdf_ugaussian_P(v + 1) + 0.5 * gsl_cdf_ugaussian_P(v - 3);
        size_t bx = 0, by = 0;
        for (size_t i = 0; i < n; i++) {
            bx += x[i] <= v;
            by += y[i] <= v;
        }
        double ex = (double)bx / n, ey = (double)by / n;
        cr_expect_leq(fabs(ex - fx), 4 * sqrt(fx * (1 - fx) / n) + 1e-12,
                      "X: F(%g) = %.4f, want %.4f", v, ex, fx);
        cr_expect_leq(fabs(ey - fy), 4 * sqrt(fy * (1 - fy) / n) + 1e-12,
                      "Y: F(%g) = %.4f, want %.4f", v, ey, fy);
    }
    free(x);
    free(y);
    mib_generator_free(g);
}

Test(generators, multivariate_refuses_bad_settings)
{
    const char *bad[][2] = {
        {"multinormal:dim_x=3,dim_y=2,transform=spiral", "dim_y >= 3"},
        {"multinormal:dim_x=1,dim_y=3,transform=cdf-spiral", "dim_x >= 2"},
        {"multinormal:dim_x=2,dim_y=1,transform=swissroll", "dim_x = 1"},
        {"multinormal:dim_x=2,dim_y=2,structure=sparse,n_interacting=3", "n_interacting=3"},
        {"multinormal:dim_x=3,dim_y=3,off_diag=-0.3", "not positive definite"},
        {"multinormal:transform=cdf,speed=1", "speed applies only"},
        {"multistudent:dim_x=2,dim_y=3,transform=cdf", "normal CDF"},
        {"multistudent:transform=bimodal", "normal CDF"},
    };
    expect_refused(bad, sizeof bad / sizeof bad[0]);
}

/* bmi v1 (Czyz et al. 2023, bmi/benchmark/task_list.py): its 40 tasks in
 * order, as the study bench/studies/beyond-normal.ini lists them, with bmi's
 * dimensions and 50-digit mpmath truths (mpmath.det of the correlation
 * matrices; Student t by h(X) + h(Y) - h(X, Y)). Each allocates, has the
 * stated shape and truth, and its pmi is finite on 2000 of its own rows with
 * a mean within 5 SE of the truth. */
Test(generators, bmi_v1_catalogue, .timeout = 60)
{
    static const struct {
        const char *spec;
        size_t dx, dy;
        double truth;
    } tasks[] = {
    /* Bivariate normal 1 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75", 1, 1, 0.41333928659223396628},
    /* Uniform margins 1 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=cdf", 1, 1, 0.41333928659223396628},
    /* Uniform 1 x 1 (additive noise=0.1) */
    {"uniform-noise:halfwidth=0.1", 1, 1, 1.7094379124341003746},
    /* Uniform 1 x 1 (additive noise=0.75) */
    {"uniform-noise:halfwidth=0.75", 1, 1, 0.33333333333333333333},
    /* Bimodal 1 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=bimodal", 1, 1, 0.41333928659223396628},
    /* Wiggly @ Bivariate normal 1 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=wiggly", 1, 1, 0.41333928659223396628},
    /* Half-cube @ Bivariate normal 1 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=halfcube", 1, 1, 0.41333928659223396628},
    /* Student-t 1 x 1 (dof=1) */
    {"multistudent:dim_x=1,dim_y=1,nu=1", 1, 1, 0.2241714275292361024},
    /* Asinh @ Student-t 1 x 1 (dof=1) */
    {"multistudent:dim_x=1,dim_y=1,nu=1,transform=asinh", 1, 1, 0.2241714275292361024},
    /* Swiss roll 2 x 1 */
    {"multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=swissroll", 2, 1, 0.41333928659223396628},
    /* Multinormal 2 x 2 (dense) */
    {"multinormal:dim_x=2,dim_y=2", 2, 2, 0.29389333245105950409},
    /* Multinormal 3 x 3 (dense) */
    {"multinormal:dim_x=3,dim_y=3", 3, 3, 0.41333928659223396628},
    /* Multinormal 5 x 5 (dense) */
    {"multinormal:dim_x=5,dim_y=5", 5, 5, 0.59281183282886972878},
    /* Multinormal 25 x 25 (dense) */
    {"multinormal:dim_x=25,dim_y=25", 25, 25, 1.2921837216593191596},
    /* Multinormal 50 x 50 (dense) */
    {"multinormal:dim_x=50,dim_y=50", 50, 50, 1.6242653743036960462},
    /* Multinormal 2 x 2 (2-pair) */
    {"multinormal:dim_x=2,dim_y=2,structure=sparse", 2, 2, 1.0216512475319813664},
    /* Multinormal 3 x 3 (2-pair) */
    {"multinormal:dim_x=3,dim_y=3,structure=sparse", 3, 3, 1.0216512475319813664},
    /* Multinormal 5 x 5 (2-pair) */
    {"multinormal:dim_x=5,dim_y=5,structure=sparse", 5, 5, 1.0216512475319813664},
    /* Multinormal 25 x 25 (2-pair) */
    {"multinormal:dim_x=25,dim_y=25,structure=sparse", 25, 25, 1.0216512475319813664},
    /* Student-t 2 x 2 (dof=1) */
    {"multistudent:dim_x=2,dim_y=2,nu=1", 2, 2, 0.43194562200144302473},
    /* Student-t 2 x 2 (dof=2) */
    {"multistudent:dim_x=2,dim_y=2,nu=2", 2, 2, 0.19314718055994530942},
    /* Student-t 3 x 3 (dof=2) */
    {"multistudent:dim_x=3,dim_y=3,nu=2", 3, 3, 0.29092192268276358738},
    /* Student-t 3 x 3 (dof=3) */
    {"multistudent:dim_x=3,dim_y=3,nu=3", 3, 3, 0.17871185309236437805},
    /* Student-t 5 x 5 (dof=2) */
    {"multistudent:dim_x=5,dim_y=5,nu=2", 5, 5, 0.44815067691532987944},
    /* Student-t 5 x 5 (dof=3) */
    {"multistudent:dim_x=5,dim_y=5,nu=3", 5, 5, 0.29854362265276118308},
    /* Normal CDF @ Multinormal 3 x 3 (2-pair) */
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=cdf", 3, 3, 1.0216512475319813664},
    /* Normal CDF @ Multinormal 5 x 5 (2-pair) */
    {"multinormal:dim_x=5,dim_y=5,structure=sparse,transform=cdf", 5, 5, 1.0216512475319813664},
    /* Normal CDF @ Multinormal 25 x 25 (2-pair) */
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,transform=cdf", 25, 25, 1.0216512475319813664},
    /* Half-cube @ Multinormal 3 x 3 (2-pair) */
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=halfcube",
     3, 3, 1.0216512475319813664},
    /* Half-cube @ Multinormal 5 x 5 (2-pair) */
    {"multinormal:dim_x=5,dim_y=5,structure=sparse,transform=halfcube",
     5, 5, 1.0216512475319813664},
    /* Half-cube @ Multinormal 25 x 25 (2-pair) */
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,transform=halfcube",
     25, 25, 1.0216512475319813664},
    /* Spiral @ Multinormal 3 x 3 (2-pair) */
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=spiral", 3, 3, 1.0216512475319813664},
    /* Spiral @ Multinormal 5 x 5 (2-pair) */
    {"multinormal:dim_x=5,dim_y=5,structure=sparse,transform=spiral", 5, 5, 1.0216512475319813664},
    /* Spiral @ Multinormal 25 x 25 (2-pair) */
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,transform=spiral",
     25, 25, 1.0216512475319813664},
    /* Spiral @ Normal CDF @ Multinormal 3 x 3 (2-pair) */
    {"multinormal:dim_x=3,dim_y=3,structure=sparse,transform=cdf-spiral",
     3, 3, 1.0216512475319813664},
    /* Spiral @ Normal CDF @ Multinormal 5 x 5 (2-pair) */
    {"multinormal:dim_x=5,dim_y=5,structure=sparse,transform=cdf-spiral",
     5, 5, 1.0216512475319813664},
    /* Spiral @ Normal CDF @ Multinormal 25 x 25 (2-pair) */
    {"multinormal:dim_x=25,dim_y=25,structure=sparse,transform=cdf-spiral",
     25, 25, 1.0216512475319813664},
    /* Asinh @ Student-t 2 x 2 (dof=1) */
    {"multistudent:dim_x=2,dim_y=2,nu=1,transform=asinh", 2, 2, 0.43194562200144302473},
    /* Asinh @ Student-t 3 x 3 (dof=2) */
    {"multistudent:dim_x=3,dim_y=3,nu=2,transform=asinh", 3, 3, 0.29092192268276358738},
    /* Asinh @ Student-t 5 x 5 (dof=2) */
    {"multistudent:dim_x=5,dim_y=5,nu=2,transform=asinh", 5, 5, 0.44815067691532987944},
    };
    cr_assert_eq(sizeof tasks / sizeof tasks[0], 40, "bmi v1 has 40 tasks");
    const size_t n = 2000;
    for (size_t t = 0; t < 40; t++) {
        mib_generator *g;
        double *x, *y, got, mean = 0, m2 = 0;
        mib_err err = {""};
        draw(tasks[t].spec, 100 + t, n, &g, &x, &y);
        cr_expect_eq(g->dx, tasks[t].dx, "%s: dim_x %zu", tasks[t].spec, g->dx);
        cr_expect_eq(g->dy, tasks[t].dy, "%s: dim_y %zu", tasks[t].spec, g->dy);
        cr_assert_eq(mib_generator_truth(g, &got, &err), MIB_OK);
        cr_expect(fabs(got - tasks[t].truth) <= 1e-12 * tasks[t].truth, "%s: %.17g, mpmath %.17g",
                  tasks[t].spec, got, tasks[t].truth);
        for (size_t i = 0; i < n; i++) {
            double p;
            cr_assert_eq(mib_generator_pmi(g, x + i * g->dx, y + i * g->dy, &p), MIB_OK,
                         "%s: pmi failed at row %zu", tasks[t].spec, i);
            double delta = p - mean;
            mean += delta / (double)(i + 1);
            m2 += delta * (p - mean);
        }
        double se = sqrt(m2 / (n - 1) / n);
        cr_expect_leq(fabs(mean - got), 5 * se, "%s: truth %.6f, pmi mean %.6f (SE %.4f)",
                      tasks[t].spec, got, mean, se);
        free(x);
        free(y);
        mib_generator_free(g);
    }
}

/* ---- cgaussian: I(X;Y|Z) from the partial correlation ---- */

/* The closed form written out: -1/2 ln(1 - r^2), r the partial correlation;
 * the sample correlations within 4 SE of the parameters; mib_generator_sample
 * refuses a generator with Z; an impossible correlation matrix is refused. */
Test(generators, cgaussian_truth_and_law)
{
    const double rxy = -0.2, rxz = 0.8, ryz = -0.5;
    double r = (rxy - rxz * ryz) / sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
    double want = -0.5 * log(1 - r * r);
    cr_expect_float_eq(truth_of("cgaussian:rho_xy=-0.2,rho_xz=0.8,rho_yz=-0.5"), want, 1e-14,
                       "truth %.17g, closed form %.17g",
                       truth_of("cgaussian:rho_xy=-0.2,rho_xz=0.8,rho_yz=-0.5"), want);
    cr_expect_float_eq(truth_of("cgaussian"), -0.5 * log(1 - 0.36), 1e-14); /* r = 0.6 */
    cr_expect_eq(truth_of("cgaussian:rho_xy=0.3,rho_xz=0.6,rho_yz=0.5"), 0);

    const size_t n = 20000;
    mib_generator *g;
    double *x, *y, *z;
    draw_z("cgaussian:rho_xy=-0.2,rho_xz=0.8,rho_yz=-0.5", 9, n, &g, &x, &y, &z);
    cr_assert_eq(g->dx, 1);
    cr_assert_eq(g->dy, 1);
    cr_assert_eq(g->dz, 1);
    const double *col[3] = {x, y, z}, want_r[3][3] = {{1, rxy, rxz}, {rxy, 1, ryz},
                                                      {rxz, ryz, 1}};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += col[a][i] * col[b][i];
            double c = s / (double)n, rho = want_r[a][b];
            double se = sqrt((1 + rho * rho) / (double)n); /* var of a product of N(0,1)s */
            cr_expect_leq(fabs(c - rho), 4 * se, "E[v%d v%d] = %g, want %g (se %g)", a, b, c,
                          rho, se);
        }
    gsl_rng *rng = mib_rng_alloc(1);
    double p;
    cr_expect_eq(mib_generator_sample(g, rng, 10, x, y), MIB_EUNSUPPORTED);
    cr_expect_eq(mib_generator_sample_z(g, rng, 10, x, y, NULL), MIB_EINVAL);
    cr_expect_eq(mib_generator_pmi(g, x, y, &p), MIB_EUNSUPPORTED);
    gsl_rng_free(rng);
    free(x);
    free(y);
    free(z);
    mib_generator_free(g);

    mib_spec spec;
    mib_err err = {""};
    cr_assert_eq(mib_generator_spec_parse("cgaussian:rho_xy=-0.9,rho_xz=0.9,rho_yz=0.9", &spec,
                                          &err), MIB_OK, "%s", err.msg);
    cr_expect_eq(mib_generator_alloc(&spec, &g, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "not the correlations of any Gaussian"), "%s", err.msg);
}

/* ---- chain: one Markov chain X -> Y -> Z seen through its views ---- */

/* The closed forms written out, d times one coordinate's; the
 * data-processing inequality I(X;Z) <= min(I(X;Y), I(Y;Z)) on a grid of
 * link correlations; I(X;Z|Y) = 0. */
Test(generators, chain_truths_closed_forms)
{
    const double rxy = 0.9, ryz = 0.99, rxz = rxy * ryz;
    cr_expect_float_eq(truth_of("chain:rho_xy=0.9,rho_yz=0.99"), -0.5 * log(1 - rxy * rxy),
                       1e-14);
    cr_expect_float_eq(truth_of("chain:rho_xy=0.9,rho_yz=0.99,view=yz"),
                       -0.5 * log(1 - ryz * ryz), 1e-14);
    cr_expect_float_eq(truth_of("chain:rho_xy=0.9,rho_yz=0.99,view=xz"),
                       -0.5 * log(1 - rxz * rxz), 1e-14);
    cr_expect_float_eq(truth_of("chain:dim=4,rho_xy=0.9,rho_yz=0.99,view=xz"),
                       -2 * log(1 - rxz * rxz), 1e-13);
    cr_expect_eq(truth_of("chain:rho_xy=0.9,rho_yz=0.99,view=xz_y"), 0);
    for (double a = -0.95; a < 1; a += 0.15)
        for (double b = -0.95; b < 1; b += 0.15) {
            char spec[3][96];
            const char *views[3] = {"xy", "yz", "xz"};
            double t[3];
            for (int v = 0; v < 3; v++) {
                snprintf(spec[v], sizeof spec[v], "chain:rho_xy=%.2f,rho_yz=%.2f,view=%s", a, b,
                         views[v]);
                t[v] = truth_of(spec[v]);
            }
            cr_expect(t[2] <= t[0] && t[2] <= t[1], "%s: I(X;Z) = %g above I(X;Y) = %g or "
                      "I(Y;Z) = %g", spec[2], t[2], t[0], t[1]);
        }
}

/* One seed, every view: the same chain. The X of views xy, xz and xz_y
 * are the same numbers, so are the Y of xy and the X of yz and the Z (the
 * conditioning block) of xz_y, and the Z of xz and the Y of yz and xz_y;
 * the draw's text (the spec without the view) is the same for all four. */
Test(generators, chain_views_share_the_draw)
{
    enum { N = 500, D = 2 };
    const char *views[4] = {"chain:dim=2,rho_xy=0.7,view=xy", "chain:dim=2,rho_xy=0.7,view=yz",
                            "chain:dim=2,rho_xy=0.7,view=xz",
                            "chain:dim=2,rho_xy=0.7,view=xz_y"};
    mib_generator *g[4];
    double *x[4], *y[4], *z[4];
    char draw[4][MIB_SPEC_LEN], text[4][MIB_SPEC_LEN];
    for (int v = 0; v < 4; v++) {
        draw_z(views[v], 42, N, &g[v], &x[v], &y[v], &z[v]);
        cr_assert_eq(mib_spec_format_draw(&g[v]->spec, draw[v], sizeof draw[v]), MIB_OK);
        cr_assert_eq(mib_spec_format(&g[v]->spec, text[v], sizeof text[v]), MIB_OK);
        cr_expect_str_eq(draw[v], "chain:dim=2,rho_xy=0.7,rho_yz=0.9");
        cr_expect_neq(strcmp(draw[v], text[v]), 0, "%s keeps its view", text[v]);
        cr_expect_eq(g[v]->dz, v == 3 ? (size_t)D : 0);
    }
    const size_t bytes = N * D * sizeof(double);
    cr_expect_eq(memcmp(x[0], x[2], bytes), 0, "X of xy and of xz");
    cr_expect_eq(memcmp(x[0], x[3], bytes), 0, "X of xy and of xz_y");
    cr_expect_eq(memcmp(y[0], x[1], bytes), 0, "Y of xy and X (= Y) of yz");
    cr_expect_eq(memcmp(y[0], z[3], bytes), 0, "Y of xy and the conditioning block of xz_y");
    cr_expect_eq(memcmp(y[2], y[1], bytes), 0, "Z of xz and of yz");
    cr_expect_eq(memcmp(y[2], y[3], bytes), 0, "Z of xz and of xz_y");
    cr_expect_neq(memcmp(x[0], y[0], bytes), 0);
    for (int v = 0; v < 4; v++) {
        free(x[v]);
        free(y[v]);
        free(z[v]);
        mib_generator_free(g[v]);
    }
}

/* The two mixed laws by hand: mixed-uniform with m = 2 is mixed-bernoulli
 * with p = 1/2 moved by 1 (both ln(2)/2); m = 4: ln 4 - (3/4) ln 2; X holds
 * the integers; the registry carries the discrete side. */
Test(generators, mixed_laws_by_hand)
{
    const struct { const char *spec; double want; } cases[] = {
        {"mixed-uniform:m=2", 0.5 * log(2)},
        {"mixed-bernoulli:p=0.5", 0.5 * log(2)},
        {"mixed-uniform:m=4", log(4) - 0.75 * log(2)},
        {"mixed-bernoulli:p=0", 0},
        {"mixed-bernoulli:p=0.2", -0.4 * log(0.4) - 0.5 * log(0.5) - 0.1 * log(0.1) - log(2)},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mib_spec spec;
        mib_generator *g;
        mib_err err = {""};
        double mi, x[500], y[500];
        cr_assert_eq(mib_generator_spec_parse(cases[c].spec, &spec, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_truth(g, &mi, &err), MIB_OK);
        cr_assert_float_eq(mi, cases[c].want, 1e-15, "%s: %.17g", cases[c].spec, mi);
        cr_assert(g->discrete == 0 && g->discrete_side == MIB_SIDE_X);
        gsl_rng *r = mib_rng_alloc(3);
        cr_assert_eq(mib_generator_sample(g, r, 500, x, y), MIB_OK);
        for (size_t i = 0; i < 500; i++)
            cr_assert(x[i] == floor(x[i]) && y[i] >= x[i] - 1 - 1e-12, "%s row %zu", cases[c].spec, i);
        gsl_rng_free(r);
        mib_generator_free(g);
    }
}
