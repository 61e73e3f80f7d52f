/* test_estimators.c - plug-in, histogram, Gaussian, copula and KDE against
 * hand-computed tables, closed forms (tolerances from the estimators'
 * standard errors), independent reference computations written here, and
 * invariances; plus the input errors every estimator must report. Fixed
 * seeds throughout. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "estimate_run.h"

static double est(const char *spec_text, size_t n, size_t dx, size_t dy, const double *x,
                  const double *y)
{
    mib_result res;
    mib_err err = {""};
    int st = run(spec_text, n, dx, dy, x, y, 1, &res, &err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err.msg);
    return res.mi;
}

/* ---- plug-in: tables computed by hand ---- */

Test(plugin, two_by_two_table_by_hand)
{
    /* counts (0,0):2 (0,1):1 (1,0):1 (1,1):2, N = 6, px = py = 1/2:
     * I = 2 (1/3) ln((1/3)/(1/4)) + 2 (1/6) ln((1/6)/(1/4)) */
    const double x[] = {0, 0, 0, 1, 1, 1}, y[] = {0, 0, 1, 0, 1, 1};
    double want = (2.0 / 3) * log(4.0 / 3) + (1.0 / 3) * log(2.0 / 3);
    cr_assert_float_eq(est("plugin", 6, 1, 1, x, y), want, 1e-15);
    /* Miller-Madow: - (Kxy - Kx - Ky + 1) / (2N) = -(4 - 2 - 2 + 1) / 12 */
    cr_assert_float_eq(est("plugin:correction=mm", 6, 1, 1, x, y), want - 1.0 / 12, 1e-15);
}

Test(plugin, tuples_and_deterministic_tables_by_hand)
{
    /* y = x0 xor x1 with four equally likely x tuples: I = H(Y) = ln 2 */
    const double x[] = {0, 0, 0, 1, 1, 0, 1, 1}, y[] = {0, 1, 1, 0};
    cr_assert_float_eq(est("plugin", 4, 2, 1, x, y), log(2), 1e-15);
    /* Kxy = 4, Kx = 4, Ky = 2: MM subtracts (4 - 4 - 2 + 1) / 8 = -1/8 */
    cr_assert_float_eq(est("plugin:correction=mm", 4, 2, 1, x, y), log(2) + 0.125, 1e-15);
    /* y = x with p = (1/2, 1/4, 1/4): I = H = 1.5 ln 2; -0 and 0 are one symbol,
     * and large integers are symbols like any other */
    const double a[] = {-0.0, 0, 7, 1e15}, b[] = {5, 5, -3, 2};
    cr_assert_float_eq(est("plugin", 4, 1, 1, a, b), 1.5 * log(2), 1e-15);
    /* independent uniform table: exactly 0 */
    const double u[] = {0, 0, 1, 1}, v[] = {0, 1, 0, 1};
    cr_assert_float_eq(est("plugin", 4, 1, 1, u, v), 0, 1e-15);
}

/* Binary symmetric channel: I = ln 2 - Hb(e); the plug-in's standard error
 * is sd(pmi) / sqrt(N), sd(pmi)^2 = e (1 - e) ln((1 - e) / e)^2. */
Test(plugin, binary_symmetric_channel_within_standard_error)
{
    const size_t n = 100000;
    const double e = 0.1;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    gsl_rng *r = mib_rng_alloc(11);
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_rng_uniform(r) < 0.5;
        y[i] = gsl_rng_uniform(r) < e ? 1 - x[i] : x[i];
    }
    double truth = log(2) + e * log(e) + (1 - e) * log(1 - e);
    double se = sqrt(e * (1 - e)) * log((1 - e) / e) / sqrt((double)n);
    double got = est("plugin:correction=mm", n, 1, 1, x, y);
    cr_assert(fabs(got - truth) < 4 * se, "BSC: %g vs %g (se %g)", got, truth, se);
    gsl_rng_free(r);
    free(x);
    free(y);
}

/* Independent uniform 4 x 4 table, N = 100, 400 seeds: the plug-in is
 * biased up by about (16 - 4 - 4 + 1) / 200 = 0.045 nats; Miller-Madow
 * removes it (mean within 4 standard errors of the truth, 0). A wrong sign
 * doubles the bias instead. */
Test(plugin, miller_madow_removes_the_bias_of_independence)
{
    const size_t n = 100, seeds = 400;
    double x[100], y[100], sum[2] = {0, 0}, sq[2] = {0, 0};
    gsl_rng *r = mib_rng_alloc(5);
    for (size_t s = 0; s < seeds; s++) {
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)gsl_rng_uniform_int(r, 4);
            y[i] = (double)gsl_rng_uniform_int(r, 4);
        }
        double v[2] = {est("plugin", n, 1, 1, x, y), est("plugin:correction=mm", n, 1, 1, x, y)};
        for (int k = 0; k < 2; k++) {
            sum[k] += v[k];
            sq[k] += v[k] * v[k];
        }
    }
    double mean = sum[1] / seeds, sd = sqrt((sq[1] - sum[1] * mean) / (seeds - 1));
    cr_assert(fabs(mean) < 4 * sd / sqrt((double)seeds), "mm mean %g, se %g", mean,
              sd / sqrt((double)seeds));
    cr_assert_float_eq(sum[0] / seeds, 0.045, 0.01, "plain plug-in bias %g", sum[0] / seeds);
    gsl_rng_free(r);
}

Test(plugin, refuses_non_integer_data)
{
    const double x[] = {0, 1, 2.5}, y[] = {0, 1, 1};
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run("plugin", 3, 1, 1, x, y, 1, &res, &err), MIB_EDATA);
    cr_assert(strstr(err.msg, "non-integer value (2.5)"), "%s", err.msg);
}

/* ---- histogram ---- */

Test(histogram, one_value_per_bin_equals_plugin)
{
    /* x in {0..3} with 4 equal-width bins and y in {0..2} with 3: one value
     * per bin, so the histogram is the plug-in on the raw values */
    const size_t n = 40;
    double x[40], y[40];
    gsl_rng *r = mib_rng_alloc(3);
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)gsl_rng_uniform_int(r, 4);
        y[i] = fmod(x[i] + (double)gsl_rng_uniform_int(r, 2), 3);
    }
    x[0] = 0, x[1] = 3, y[0] = 0, y[1] = 2; /* both ends present */
    double p = est("plugin", n, 1, 1, x, y);
    cr_assert_eq(est("histogram:bins=4", n, 1, 1, x, y), p);
    cr_assert_gt(p, 0.1);
    /* 2 bins: x values {0, 1} and {2, 3} merge (width 1.5), y {0} and {1, 2} */
    double x2[40], y2[40];
    for (size_t i = 0; i < n; i++) {
        x2[i] = x[i] >= 1.5;
        y2[i] = y[i] >= 1;
    }
    cr_assert_eq(est("histogram:bins=2", n, 1, 1, x, y), est("plugin", n, 1, 1, x2, y2));
    gsl_rng_free(r);
}

Test(histogram, quantile_bins_by_hand)
{
    /* 8 distinct x and y values, 2 equal-frequency bins: the lower 4 of each
     * go to bin 0. Codes by hand: x bins 0,0,0,0,1,1,1,1; y bins as below. */
    const double x[] = {0.3, -2, 5, 1.1, 9, 7, 8.5, 6}, y[] = {1, 2, 3, 50, 40, 4, 60, 70};
    const double bx[] = {0, 0, 0, 0, 1, 1, 1, 1}, by[] = {0, 0, 0, 1, 1, 0, 1, 1};
    double want = est("plugin", 8, 1, 1, bx, by);
    cr_assert_eq(est("histogram:bins=2,binning=quantile", 8, 1, 1, x, y), want);
    /* tied values share a bin: ranks 2.5, 2.5 fall in bin 0 together */
    const double tx[] = {1, 2, 2, 3}, ty[] = {0, 1, 1, 0};
    const double tb[] = {0, 0, 0, 1};
    cr_assert_eq(est("histogram:bins=2,binning=quantile", 4, 1, 1, tx, ty),
                 est("plugin", 4, 1, 1, tb, ty));
}

typedef struct cell_ctx {
    double a, b, c, d, rho;
} cell_ctx;

/* integrand of P(a < X < b, c < Y < d) over x */
static double cell_density(double x, void *p)
{
    const cell_ctx *q = p;
    double s = sqrt(1 - q->rho * q->rho), m = q->rho * x;
    return gsl_ran_ugaussian_pdf(x) *
           (gsl_cdf_ugaussian_P((q->d - m) / s) - gsl_cdf_ugaussian_P((q->c - m) / s));
}

/* The histogram estimates the MI of the binned law. Compute that MI and the
 * standard deviation of its pointwise MI exactly (quadrature over the very
 * bins the estimator uses), then require |estimate - binned MI| < 4 SE. */
Test(histogram, binned_gaussian_within_standard_error, .timeout = 60)
{
    const size_t n = 100000;
    const double rho = 0.6;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    draw(21, n, 1, 1, rho, 0, x, y);
    double got = est("histogram:correction=mm", n, 1, 1, x, y); /* Sturges: 18 bins */
    const size_t bins = (size_t)ceil(log2((double)n)) + 1;
    double xlo = x[0], xhi = x[0], ylo = y[0], yhi = y[0];
    for (size_t i = 1; i < n; i++) {
        xlo = fmin(xlo, x[i]), xhi = fmax(xhi, x[i]);
        ylo = fmin(ylo, y[i]), yhi = fmax(yhi, y[i]);
    }
    double *p = calloc(bins * bins, sizeof *p), px[64] = {0}, py[64] = {0};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    for (size_t i = 0; i < bins; i++)
        for (size_t j = 0; j < bins; j++) {
            /* outer bins reach to infinity (the law's mass beyond the sample's
             * extremes is O(1/N)) */
            cell_ctx q = {i ? xlo + (xhi - xlo) * (double)i / (double)bins : -9,
                          i + 1 < bins ? xlo + (xhi - xlo) * (double)(i + 1) / (double)bins : 9,
                          j ? ylo + (yhi - ylo) * (double)j / (double)bins : -INFINITY,
                          j + 1 < bins ? ylo + (yhi - ylo) * (double)(j + 1) / (double)bins
                                       : INFINITY,
                          rho};
            gsl_function f = {cell_density, &q};
            double v, abserr;
            gsl_integration_qag(&f, q.a, q.b, 1e-14, 1e-10, 200, GSL_INTEG_GAUSS41, w, &v,
                                &abserr);
            p[i * bins + j] = v;
            px[i] += v;
            py[j] += v;
        }
    double mi = 0, m2 = 0;
    for (size_t i = 0; i < bins; i++)
        for (size_t j = 0; j < bins; j++) {
            double v = p[i * bins + j];
            if (v > 0) {
                double pmi = log(v / (px[i] * py[j]));
                mi += v * pmi;
                m2 += v * pmi * pmi;
            }
        }
    double se = sqrt((m2 - mi * mi) / (double)n);
    cr_assert(fabs(got - mi) < 4 * se, "histogram %g vs binned MI %g (se %g)", got, mi, se);
    /* and binning loses information: below the continuous MI */
    cr_assert_lt(mi, -0.5 * log(1 - rho * rho));
    gsl_integration_workspace_free(w);
    free(p);
    free(x);
    free(y);
}

/* ---- Gaussian and copula ---- */

struct gauss_case {
    size_t n, d;
    double rho;
};

static struct gauss_case gauss_cases[] = {
    {500, 1, 0},    {500, 1, 0.3},   {5000, 1, 0.6},  {50000, 1, 0.9},
    {2000, 3, 0.5}, {20000, 5, 0.8}, {1000, 2, 0.95}, {50000, 1, 0.1},
};

ParameterizedTestParameters(gaussian, closed_form_within_standard_error)
{
    return cr_make_param_array(struct gauss_case, gauss_cases,
                               sizeof gauss_cases / sizeof gauss_cases[0]);
}

/* Truth -d/2 ln(1 - rho^2). Standard error by the delta method: var(r) =
 * (1 - rho^2)^2 / n and dI/dr = r / (1 - r^2) per pair, so SE = rho
 * sqrt(d / n); the bias is about d^2 / (2n) (chi-square of the cross
 * correlations), allowed for on top of 4 SE. Copula: same SE (normal scores
 * are fully efficient for Gaussian data), 5 SE. */
ParameterizedTest(struct gauss_case *c, gaussian, closed_form_within_standard_error)
{
    double *x = malloc(c->n * c->d * sizeof *x), *y = malloc(c->n * c->d * sizeof *y);
    draw(100 + c->n + c->d, c->n, c->d, c->d, c->rho, 0, x, y);
    double truth = -0.5 * (double)c->d * log(1 - c->rho * c->rho);
    double se = c->rho * sqrt((double)c->d / (double)c->n);
    double bias = (double)(c->d * c->d) / (2.0 * (double)c->n);
    double g = est("gaussian", c->n, c->d, c->d, x, y);
    double cop = est("copula", c->n, c->d, c->d, x, y);
    cr_assert(fabs(g - truth) < 4 * se + 2 * bias, "gaussian %g vs %g (se %g)", g, truth, se);
    cr_assert(fabs(cop - truth) < 5 * se + 2 * bias, "copula %g vs %g (se %g)", cop, truth, se);
    free(x);
    free(y);
}

Test(gaussian, bivariate_formula_by_hand)
{
    /* 1/2 [0 + 0 - ln(1 - r^2)] with r the sample correlation */
    const double x[] = {1, 2, 3, 4, 5}, y[] = {2, 3.5, 3, 6, 4};
    double mx = 3, my = 3.7, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < 5; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    double r = sxy / sqrt(sxx * syy);
    cr_assert_float_eq(est("gaussian", 5, 1, 1, x, y), -0.5 * log(1 - r * r), 1e-14);
}

Test(gaussian, singular_and_small_samples_are_errors)
{
    double x[20], y[40];
    for (int i = 0; i < 20; i++) {
        x[i] = sin(i);
        y[2 * i] = cos(3 * i);
        y[2 * i + 1] = 2 * y[2 * i] - 1; /* collinear with y0 */
    }
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run("gaussian", 20, 1, 2, x, y, 1, &res, &err), MIB_EDATA);
    cr_assert(strstr(err.msg, "singular"), "%s", err.msg);
    cr_assert_eq(run("gaussian", 3, 1, 2, x, y, 1, &res, &err), MIB_ESMALL);
    cr_assert(strstr(err.msg, "n=3") && strstr(err.msg, "n > dx + dy"), "%s", err.msg);
    cr_assert(isnan(res.mi));
}

Test(copula, invariant_under_monotone_maps)
{
    const size_t n = 3000;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * sizeof *y);
    double *fx = malloc(n * 2 * sizeof *fx), *fy = malloc(n * sizeof *fy);
    draw(5, n, 2, 1, 0.7, 0, x, y);
    for (size_t i = 0; i < n; i++) {
        fx[2 * i] = exp(x[2 * i]);
        fx[2 * i + 1] = -asinh(5 * x[2 * i + 1]) + 2; /* decreasing */
        fy[i] = y[i] * y[i] * y[i];
    }
    double a = est("copula", n, 2, 1, x, y);
    cr_assert_eq(a, est("copula", n, 2, 1, fx, fy), "ranks are the same, so is the estimate");
    cr_assert_neq(est("gaussian", n, 2, 1, x, y), est("gaussian", n, 2, 1, fx, fy));
    free(x);
    free(y);
    free(fx);
    free(fy);
}

Test(copula, ties_share_average_ranks)
{
    /* x has ties; average ranks 1.5, 1.5, 3, 4.5, 4.5 by hand, then normal
     * scores and the Gaussian formula on them */
    const double x[] = {7, 7, 8, 9, 9}, y[] = {1, 3, 2, 5, 4};
    double rx[] = {1.5, 1.5, 3, 4.5, 4.5}, ry[] = {1, 3, 2, 5, 4}, sx[5], sy[5];
    for (int i = 0; i < 5; i++) {
        sx[i] = gsl_cdf_ugaussian_Pinv(rx[i] / 6);
        sy[i] = gsl_cdf_ugaussian_Pinv(ry[i] / 6);
    }
    cr_assert_float_eq(est("copula", 5, 1, 1, x, y), est("gaussian", 5, 1, 1, sx, sy), 1e-15);
}

/* ---- KDE ---- */

/* Independent reference: the leave-one-out KDE written straight from the
 * definition with the kernel constants kept, on columns standardised here. */
static double brute_kde(const double *x, const double *y, size_t n, size_t dx, size_t dy,
                        double h)
{
    size_t d = dx + dy;
    double *z = malloc(n * d * sizeof *z), sum = 0;
    for (size_t j = 0; j < d; j++) {
        double m = 0, s = 0;
        for (size_t i = 0; i < n; i++)
            m += j < dx ? x[i * dx + j] : y[i * dy + j - dx];
        m /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double v = (j < dx ? x[i * dx + j] : y[i * dy + j - dx]) - m;
            s += v * v;
        }
        s = sqrt(s / (double)n);
        for (size_t i = 0; i < n; i++)
            z[i * d + j] = ((j < dx ? x[i * dx + j] : y[i * dy + j - dx]) - m) / s;
    }
    double norm1 = 1 / (sqrt(2 * M_PI) * h);
    for (size_t i = 0; i < n; i++) {
        double fxy = 0, fx = 0, fy = 0;
        for (size_t k = 0; k < n; k++) {
            if (k == i)
                continue;
            double kx = 1, ky = 1;
            for (size_t j = 0; j < d; j++) {
                double u = (z[i * d + j] - z[k * d + j]) / h;
                double kv = norm1 * exp(-0.5 * u * u);
                if (j < dx)
                    kx *= kv;
                else
                    ky *= kv;
            }
            fxy += kx * ky;
            fx += kx;
            fy += ky;
        }
        sum += log(fxy / (double)(n - 1)) - log(fx / (double)(n - 1)) -
               log(fy / (double)(n - 1));
    }
    free(z);
    return sum / (double)n;
}

Test(kde, equals_reference_and_thread_count_free)
{
    const size_t n = 300;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * sizeof *y);
    draw(9, n, 2, 1, 0.6, 0, x, y);
    double scott = pow((double)n, -1.0 / 7), silver = pow(4.0 / 5, 1.0 / 7) * scott;
    cr_assert_float_eq(est("kde", n, 2, 1, x, y), brute_kde(x, y, n, 2, 1, scott), 1e-12);
    cr_assert_float_eq(est("kde:bandwidth=silverman", n, 2, 1, x, y),
                       brute_kde(x, y, n, 2, 1, silver), 1e-12);
    cr_assert_float_eq(est("kde:bandwidth=0.3", n, 2, 1, x, y), brute_kde(x, y, n, 2, 1, 0.3),
                       1e-12);
    /* a tiny bandwidth makes kernel sums underflow: log-sum-exp keeps the
     * estimate finite where the plain sums would give log(0) */
    double tiny = est("kde:bandwidth=0.001", n, 2, 1, x, y);
    cr_assert(isfinite(tiny));
    mib_result r1, r2;
    mib_err err = {""};
    cr_assert_eq(run("kde", n, 2, 1, x, y, 1, &r1, &err), MIB_OK);
    cr_assert_eq(run("kde", n, 2, 1, x, y, 2, &r2, &err), MIB_OK);
    cr_assert_eq(r1.mi, r2.mi);
    free(x);
    free(y);
}

/* E_p[ln N(z; 0, A)] for z ~ N(0, S): -1/2 (d ln 2 pi + ln det A + tr(A^-1 S)) */
static double gauss_cross(double a11, double a12, double a22, double s11, double s12, double s22,
                          int d)
{
    if (d == 1)
        return -0.5 * (log(2 * M_PI) + log(a11) + s11 / a11);
    double det = a11 * a22 - a12 * a12;
    double tr = (a22 * s11 - 2 * a12 * s12 + a11 * s22) / det;
    return -0.5 * (2 * log(2 * M_PI) + log(det) + tr);
}

/* The KDE converges to the MI of the smoothed law p * K_h evaluated under
 * p: for a standard binormal, E ln N(S + h^2 I) - 2 E ln N(1 + h^2). The
 * standard error is sd(pmi) / sqrt(n) with sd(pmi) = rho for a binormal. A
 * wrong kernel constant or bandwidth moves the estimate by far more than
 * 4 SE; the O(1 / (n h^2)) variance bias (about -0.01, measured) is inside. */
Test(kde, smoothed_gaussian_within_standard_error, .timeout = 60)
{
    const size_t n = 4000;
    const double rho = 0.8;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    draw(17, n, 1, 1, rho, 0, x, y);
    double h2 = pow((double)n, -2.0 / 6), a = 1 + h2;
    double target = gauss_cross(a, rho, a, 1, rho, 1, 2) - 2 * gauss_cross(a, 0, 0, 1, 0, 0, 1);
    double se = rho / sqrt((double)n);
    double got = est("kde", n, 1, 1, x, y);
    cr_assert(fabs(got - target) < 4 * se, "kde %g vs smoothed MI %g (se %g)", got, target, se);
    cr_assert_lt(target, -0.5 * log(1 - rho * rho) - 0.01, "smoothing biases downwards");
    free(x);
    free(y);
}

Test(kde, refuses_n_above_its_limit)
{
    const size_t n = 50001;
    double *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = (double)i, y[i] = (double)(i % 7);
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run("kde", n, 1, 1, x, y, 1, &res, &err), MIB_ERESOURCE);
    cr_assert(strstr(err.msg, "n=50001") && strstr(err.msg, "50000"), "%s", err.msg);
    free(x);
    free(y);
}

/* ---- every estimator ---- */

static const char *const all_specs[] = {"plugin", "histogram", "ksg1", "ksg2", "gaussian",
                                        "copula", "kde"};

Test(all, constant_columns_are_named)
{
    double x[60], y[30];
    for (int i = 0; i < 30; i++) {
        x[2 * i] = i % 5;
        x[2 * i + 1] = 4; /* x1 is constant */
        y[i] = (i * 7) % 3;
    }
    for (size_t s = 0; s < sizeof all_specs / sizeof all_specs[0]; s++) {
        mib_result res;
        mib_err err = {""};
        int st = run(all_specs[s], 30, 2, 1, x, y, 1, &res, &err);
        if (strcmp(all_specs[s], "plugin") == 0) { /* a constant symbol is fine: MI of it is 0 */
            cr_assert_eq(st, MIB_OK, "%s", err.msg);
            continue;
        }
        cr_assert_eq(st, MIB_EDATA, "%s accepted a constant column", all_specs[s]);
        cr_assert(strstr(err.msg, "column x1 is constant (every value is 4)"), "%s: %s",
                  all_specs[s], err.msg);
    }
}

Test(all, thread_count_does_not_change_estimates)
{
    const size_t n = 3000;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * 2 * sizeof *y);
    draw(31, n, 2, 2, 0.5, 0, x, y);
    for (size_t i = 0; i < 2 * n; i++) { /* integer-valued copy for the plug-in */
        x[i] = round(2 * x[i]);
        y[i] = round(2 * y[i]);
    }
    for (size_t s = 0; s < sizeof all_specs / sizeof all_specs[0]; s++) {
        mib_result a, b;
        mib_err err = {""};
        cr_assert_eq(run(all_specs[s], n, 2, 2, x, y, 1, &a, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(run(all_specs[s], n, 2, 2, x, y, 2, &b, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(a.mi, b.mi, "%s: %.17g with 1 thread, %.17g with 2", all_specs[s], a.mi,
                     b.mi);
        cr_assert(isfinite(a.mi));
    }
    free(x);
    free(y);
}

/* ---- every continuous estimator in the registry (neural ones included) ---- */

/* The registry's name, made cheap for the neural bounds. */
static void cheap_spec(const mib_estimator_type *t, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", t->info.name,
             t->batch_size ? ":steps=200,hidden=16,embed=8,batch=32" : "");
}

/* Estimates are scale-free (every estimator standardises or is invariant),
 * so multiplying the data by 1e-250 or 1e250 must change nothing beyond
 * rounding: no overflow to inf, no underflow to 0, no crash. */
Test(registry, continuous_estimators_survive_extreme_scales, .timeout = 120)
{
    const size_t n = 400;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
    const double scales[] = {1e-250, 1e250};
    draw(77, n, 1, 1, 0.8, 0, x, y);
    for (size_t k = 0; mib_estimator_at(k); k++) {
        const mib_estimator_type *t = mib_estimator_at(k);
        char spec[128];
        if (t->flags & (MIB_EST_DISCRETE | MIB_EST_MIXED)) /* need integers */
            continue;
        cheap_spec(t, spec, sizeof spec);
        double ref = est(spec, n, 1, 1, x, y);
        for (size_t s = 0; s < 2; s++) {
            for (size_t i = 0; i < n; i++) {
                xs[i] = x[i] * scales[s];
                ys[i] = y[i] * scales[s];
            }
            double v = est(spec, n, 1, 1, xs, ys);
            cr_assert(fabs(v - ref) <= 1e-6 * (1 + fabs(ref)),
                      "%s: %.17g at scale %g, %.17g at scale 1", spec, v, scales[s], ref);
        }
    }
    free(x);
    free(y);
    free(xs);
    free(ys);
}

Test(registry, continuous_estimators_refuse_constant_columns, .timeout = 60)
{
    const size_t n = 400;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    draw(78, n, 1, 1, 0.5, 0, x, y);
    for (size_t i = 0; i < n; i++)
        y[i] = 2.5;
    for (size_t k = 0; mib_estimator_at(k); k++) {
        const mib_estimator_type *t = mib_estimator_at(k);
        char spec[128];
        mib_result res;
        mib_err err = {""};
        if (t->flags & (MIB_EST_DISCRETE | MIB_EST_MIXED)) /* need integers */
            continue;
        cheap_spec(t, spec, sizeof spec);
        cr_assert_eq(run(spec, n, 1, 1, x, y, 1, &res, &err), MIB_EDATA,
                     "%s accepted a constant column", spec);
        cr_assert(strstr(err.msg, "column y0 is constant"), "%s: %s", spec, err.msg);
    }
    free(x);
    free(y);
}

/* Every estimator has a cost: positive, growing with n, at least linear
 * (up to a constant term; a model below n would order the sweep wrongly);
 * KDE quadratic. */
Test(registry, cost_models_grow_with_n)
{
    for (size_t i = 0; mib_estimator_at(i); i++) {
        const mib_estimator_type *t = mib_estimator_at(i);
        mib_spec spec;
        mib_err err = {""};
        cr_assert_eq(mib_estimator_spec_parse(t->info.name, &spec, &err), MIB_OK, "%s", err.msg);
        double a = mib_estimator_cost(&spec, 1000, 1, 1), b = mib_estimator_cost(&spec, 2000, 1, 1);
        cr_assert(a > 0 && isfinite(a), "%s: cost %g", t->info.name, a);
        if (t->flags & MIB_EST_ONLINE)
            cr_assert_eq(a, b, "%s: training cost does not depend on n", t->info.name);
        else
            cr_assert_geq(b, 1.99 * a, "%s: %g then %g", t->info.name, a, b);
    }
    mib_spec kde;
    mib_err err = {""};
    cr_assert_eq(mib_estimator_spec_parse("kde", &kde, &err), MIB_OK);
    cr_assert_float_eq(mib_estimator_cost(&kde, 2000, 1, 1) / mib_estimator_cost(&kde, 1000, 1, 1),
                       4.0, 1e-12);
    cr_assert_eq(mib_estimator_cost(NULL, 1000, 1, 1), 0);
}
