/* test_mixture.c - bmi's mixtures (generators/mixture.c) and multinormal's
 * inliers, whose truths are Monte-Carlo means computed in init, each checked
 * against a route that shares none of its code:
 *   - quadrature: the MI of a 2-D equal-weight normal mixture by nested GSL
 *     QAGP (x, ai; galaxy and waves reduced to the 2-D mixture that carries
 *     all their dependence), and for concentric the 1-D radial integral of
 *     I(X; component), within 4 of the truth's own SE;
 *   - a second Monte Carlo through the public sample + pmi API with another
 *     seed (in dim_x + dim_y coordinates for the inliers, whose init works in
 *     canonical coordinates), within 4 combined SE;
 *   - pmi at sample points against densities written out here (GSL's normal
 *     pdfs, the maps inverted by hand), to 1e-9 nats;
 *   - the samples' marginal CDFs against the mixtures' (4.5 binomial SE).
 * bmi's code states no truth for these tasks (it too takes a Monte-Carlo
 * mean, of 100,000 rows); the inliers meet its closed forms at f = 0, 1. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "mibench/mibench.h"

static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

TestSuite(mixture, .init = gsl_quiet);

/* ---- a generator, its truth and its rows ---- */

static mib_generator *make(const char *text)
{
    mib_spec spec;
    mib_generator *g = NULL;
    mib_err err = {""};
    cr_assert_eq(mib_generator_spec_parse(text, &spec, &err), MIB_OK, "%s: %s", text, err.msg);
    cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s: %s", text, err.msg);
    return g;
}

static void truth_of(const mib_generator *g, double *mi, double *se)
{
    mib_err err = {""};
    cr_assert_eq(mib_generator_truth(g, mi, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_truth_se(g, se), MIB_OK);
}

/* n rows of g from seed into *x, *y (the caller frees them). */
static void rows(const mib_generator *g, uint64_t seed, size_t n, double **x, double **y)
{
    *x = malloc(n * g->dx * sizeof **x);
    *y = malloc(n * g->dy * sizeof **y);
    gsl_rng *r = mib_rng_alloc(seed);
    cr_assert(*x && *y && r);
    cr_assert_eq(mib_generator_sample(g, r, n, *x, *y), MIB_OK);
    gsl_rng_free(r);
}

/* Mean and SE of pmi over n rows of g drawn from seed (Welford). */
static void mc_mean(const mib_generator *g, uint64_t seed, size_t n, double *mean, double *se)
{
    double *x, *y, mu = 0, m2 = 0;
    rows(g, seed, n, &x, &y);
    for (size_t i = 0; i < n; i++) {
        double p;
        cr_assert_eq(mib_generator_pmi(g, x + i * g->dx, y + i * g->dy, &p), MIB_OK);
        double delta = p - mu;
        mu += delta / (double)(i + 1);
        m2 += delta * (p - mu);
    }
    *mean = mu;
    *se = sqrt(m2 / (double)(n - 1) / (double)n);
    free(x);
    free(y);
}

/* ---- 2-D equal-weight normal mixtures, written out ---- */

#define MAXK 12

typedef struct mix2 {
    size_t k;
    double mx[MAXK], my[MAXK], sx[MAXK], sy[MAXK], rho[MAXK];
} mix2;

static double joint2(const mix2 *m, double x, double y)
{
    double s = 0;
    for (size_t c = 0; c < m->k; c++)
        s += gsl_ran_bivariate_gaussian_pdf(x - m->mx[c], y - m->my[c], m->sx[c], m->sy[c],
                                            m->rho[c]);
    return s / (double)m->k;
}

static double marginal2(const mix2 *m, int side, double v)
{
    double s = 0;
    for (size_t c = 0; c < m->k; c++)
        s += side ? gsl_ran_gaussian_pdf(v - m->my[c], m->sy[c])
                  : gsl_ran_gaussian_pdf(v - m->mx[c], m->sx[c]);
    return s / (double)m->k;
}

static double cdf2(const mix2 *m, int side, double v)
{
    double s = 0;
    for (size_t c = 0; c < m->k; c++)
        s += side ? gsl_cdf_gaussian_P(v - m->my[c], m->sy[c])
                  : gsl_cdf_gaussian_P(v - m->mx[c], m->sx[c]);
    return s / (double)m->k;
}

static double pmi2(const mix2 *m, double x, double y)
{
    return log(joint2(m, x, y)) - log(marginal2(m, 0, x)) - log(marginal2(m, 1, y));
}

/* bmi's components (bmi.benchmark.tasks.mixtures), and the 2-D mixtures of
 * galaxy and waves: galaxy's (x1, x2, y) ~ N(+-1.5 (1,1,1), I) depends on
 * its class only through u = (x1 + x2)/sqrt 2 ~ N(+-1.5 sqrt 2, 1) (the
 * orthogonal direction is N(0, 1) for both), and waves' x1 ~ N(0, 1) for
 * every component, so (u, y) and (x0, y) carry all of the MI, pointwise. */
static mix2 task_mix(const char *task)
{
    mix2 m = {0};
    if (!strcmp(task, "x")) {
        m.k = 2;
        for (size_t c = 0; c < 2; c++)
            m.sx[c] = m.sy[c] = 1, m.rho[c] = c ? 0.9 : -0.9;
    } else if (!strcmp(task, "ai")) {
        static const double ai[6][5] = {{1, 0, 0.01, 0.2, 0},         {1, 1, 0.05, 0.001, 0},
                                        {1, -1, 0.05, 0.001, 0},      {-0.8, -0.2, 0.03, 0.001, 0},
                                        {-1.2, 0, 0.04, 0.2, 0.95},   {-0.4, 0, 0.04, 0.2, -0.95}};
        m.k = 6;
        for (size_t c = 0; c < 6; c++) {
            m.mx[c] = ai[c][0];
            m.my[c] = ai[c][1];
            m.sx[c] = sqrt(ai[c][2]);
            m.sy[c] = sqrt(ai[c][3]);
            m.rho[c] = ai[c][4];
        }
    } else if (!strcmp(task, "galaxy")) {
        m.k = 2;
        for (size_t c = 0; c < 2; c++) {
            m.mx[c] = (c ? 1.5 : -1.5) * M_SQRT2;
            m.my[c] = c ? 1.5 : -1.5;
            m.sx[c] = m.sy[c] = 1;
        }
    } else { /* waves */
        m.k = 12;
        for (size_t c = 0; c < 12; c++) {
            m.mx[c] = 1.5 * (double)c;
            m.my[c] = 1.5 * (double)(c % 4);
            m.sx[c] = m.sy[c] = sqrt(0.1);
        }
    }
    return m;
}

/* A row of a 2-D task's X (after its map) back to the mixture's coordinate:
 * galaxy turns x by the angle 0.5 |x|^2 (bmi's Spiral, generator [[0,-1],
 * [1,0]], speed 0.5), which keeps |x|; waves maps (x0, x1) to
 * (0.1 (x0 + 5 sin 3 x1) - 0.8, 0.5 x1). */
static double reduced_x(const char *task, const double *x)
{
    if (!strcmp(task, "galaxy")) {
        double t = -0.5 * (x[0] * x[0] + x[1] * x[1]);
        double a = cos(t) * x[0] - sin(t) * x[1], b = sin(t) * x[0] + cos(t) * x[1];
        return (a + b) / M_SQRT2;
    }
    if (!strcmp(task, "waves")) {
        double x1 = 2 * x[1];
        return 10 * (x[0] + 0.8) - 5 * sin(3 * x1);
    }
    return x[0];
}

/* I = int int p ln(p / (px py)) by nested QAGP: the inner integral over y
 * breaks at each component's conditional mean of y given x, the outer one
 * at the means of x; both on the means +- 12 sd. */
typedef struct quad {
    const mix2 *m;
    double x;
    gsl_integration_workspace *inner;
    int failed;
} quad;

static void span(const mix2 *m, int side, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t c = 0; c < m->k; c++) {
        double mu = side ? m->my[c] : m->mx[c], s = side ? m->sy[c] : m->sx[c];
        *lo = fmin(*lo, mu - 12 * s);
        *hi = fmax(*hi, mu + 12 * s);
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* lo, the distinct points strictly inside (lo, hi), hi: ascending, into
 * pts (QAGP's break points); their count. */
static size_t breaks(double lo, double hi, const double *v, size_t n, double *pts)
{
    size_t k = 1;
    pts[0] = lo;
    for (size_t i = 0; i < n; i++)
        if (v[i] > lo && v[i] < hi)
            pts[k++] = v[i];
    pts[k++] = hi;
    qsort(pts, k, sizeof *pts, by_value);
    size_t u = 1;
    for (size_t i = 1; i < k; i++)
        if (pts[i] > pts[u - 1])
            pts[u++] = pts[i];
    return u;
}

static double inner_fn(double y, void *vq)
{
    const quad *q = vq;
    double p = joint2(q->m, q->x, y);
    return p > 0 ? p * (log(p) - log(marginal2(q->m, 0, q->x)) - log(marginal2(q->m, 1, y))) : 0;
}

static double outer_fn(double x, void *vq)
{
    quad *q = vq;
    const mix2 *m = q->m;
    double lo, hi, cond[MAXK], pts[MAXK + 2], v, abserr;
    q->x = x;
    span(m, 1, &lo, &hi);
    for (size_t c = 0; c < m->k; c++)
        cond[c] = m->my[c] + m->rho[c] * m->sy[c] / m->sx[c] * (x - m->mx[c]);
    size_t np = breaks(lo, hi, cond, m->k, pts);
    gsl_function f = {.function = inner_fn, .params = q};
    q->failed |= gsl_integration_qagp(&f, pts, np, 1e-12, 1e-10, 1000, q->inner, &v, &abserr) != 0;
    return v;
}

static double quadrature_mi(const mix2 *m)
{
    quad q = {.m = m, .inner = gsl_integration_workspace_alloc(1000)};
    gsl_integration_workspace *outer = gsl_integration_workspace_alloc(1000);
    double lo, hi, pts[MAXK + 2], mi, abserr;
    span(m, 0, &lo, &hi);
    size_t np = breaks(lo, hi, m->mx, m->k, pts);
    gsl_function f = {.function = outer_fn, .params = &q};
    cr_assert(q.inner && outer);
    int st = gsl_integration_qagp(&f, pts, np, 1e-9, 1e-8, 1000, outer, &mi, &abserr);
    cr_assert(st == 0 && !q.failed, "quadrature failed (%d, inner %d), error %g", st, q.failed,
              abserr);
    gsl_integration_workspace_free(q.inner);
    gsl_integration_workspace_free(outer);
    return mi;
}

/* ---- concentric: I(X;Y) = I(X; component) ----
 * Y given component i is N(i, 1e-4): the components sit 100 sd apart, so Y
 * names its component up to a probability below 1e-500, and I(X;Y) =
 * I(X;C) = (1/K) sum_i E_i[ln p(x | i) - ln p(x)], which depends on x only
 * through r = |x|: r / i follows the chi law with dim_x degrees. */
typedef struct radial {
    size_t k, i;
    double d;
} radial;

/* ln p(x | j) but for the terms all j share. */
static double log_shell(double d, double j, double r)
{
    return -d * log(j) - r * r / (2 * j * j);
}

static double radial_fn(double r, void *vr)
{
    const radial *a = vr;
    double i = (double)a->i, u = r / i, d = a->d, m = -INFINITY, s = 0, l[MAXK];
    if (r <= 0)
        return 0;
    double chi = exp((d - 1) * log(u) - u * u / 2 - (d / 2 - 1) * M_LN2 - gsl_sf_lngamma(d / 2)) /
                 i; /* the density of r = i u, u ~ chi(d) */
    for (size_t j = 0; j < a->k; j++)
        m = fmax(m, l[j] = log_shell(d, (double)(j + 1), r));
    for (size_t j = 0; j < a->k; j++)
        s += exp(l[j] - m);
    return chi * (log_shell(d, i, r) - m - log(s / (double)a->k));
}

static double concentric_mi(size_t dim, size_t k)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double mi = 0;
    cr_assert_not_null(w);
    for (size_t i = 1; i <= k; i++) {
        radial a = {.k = k, .i = i, .d = (double)dim};
        gsl_function f = {.function = radial_fn, .params = &a};
        double v, abserr;
        cr_assert_eq(gsl_integration_qagiu(&f, 0, 1e-13, 1e-11, 1000, w, &v, &abserr), 0);
        mi += v / (double)k;
    }
    gsl_integration_workspace_free(w);
    return mi;
}

/* pmi of concentric at (x, y), from its density written out. */
static double concentric_pmi(size_t dim, size_t k, const double *x, double y)
{
    double r2 = 0, joint[MAXK], mx[MAXK], my[MAXK], d = (double)dim, v = 1e-4;
    for (size_t j = 0; j < dim; j++)
        r2 += x[j] * x[j];
    for (size_t j = 0; j < k; j++) {
        double i = (double)(j + 1);
        mx[j] = log_shell(d, i, sqrt(r2));
        my[j] = -(y - i) * (y - i) / (2 * v) - 0.5 * log(v);
        joint[j] = mx[j] + my[j];
    }
    double out = log((double)k); /* the weights 1/K: -ln K + ln K + ln K */
    for (int pass = 0; pass < 3; pass++) {
        const double *l = pass == 0 ? joint : pass == 1 ? mx : my;
        double m = -INFINITY, s = 0;
        for (size_t j = 0; j < k; j++)
            m = fmax(m, l[j]);
        for (size_t j = 0; j < k; j++)
            s += exp(l[j] - m);
        out += (pass ? -1 : 1) * (m + log(s));
    }
    return out;
}

/* ---- the tests ---- */

static const char *const tasks2[] = {"x", "ai", "galaxy", "waves"};
static const size_t concentric[][2] = {{3, 5}, {5, 5}, {3, 10}, {5, 10}, {25, 5}, {2, 1}};

/* The Monte-Carlo truth of every bmi v2 mixture (and of one component: 0)
 * against quadrature, within 4 of its SE; the SE is that of 500,000 rows. */
Test(mixture, truths_match_quadrature, .timeout = 120)
{
    for (size_t t = 0; t < 4; t++) {
        char spec[64];
        snprintf(spec, sizeof spec, "mixture:task=%s", tasks2[t]);
        mib_generator *g = make(spec);
        double mi, se;
        truth_of(g, &mi, &se);
        mix2 m = task_mix(tasks2[t]);
        double want = quadrature_mi(&m);
        cr_log_info("%-32s MC %.6f +- %.6f  quadrature %.8f", spec, mi, se, want);
        cr_expect(se > 3e-4 && se < 2e-3, "%s: SE %g", spec, se);
        cr_expect_leq(fabs(mi - want), 4 * se, "%s: %.6f +- %.2g, quadrature %.8f", spec, mi, se,
                      want);
        mib_generator_free(g);
    }
    for (size_t t = 0; t < sizeof concentric / sizeof concentric[0]; t++) {
        char spec[96];
        snprintf(spec, sizeof spec, "mixture:task=concentric,dim_x=%zu,components=%zu",
                 concentric[t][0], concentric[t][1]);
        mib_generator *g = make(spec);
        double mi, se, want = concentric_mi(concentric[t][0], concentric[t][1]);
        truth_of(g, &mi, &se);
        cr_log_info("%-52s MC %.6f +- %.6f  radial %.8f", spec, mi, se, want);
        cr_expect_leq(fabs(mi - want), 4 * se + 1e-12, "%s: %.6f +- %.2g, radial quadrature %.8f",
                      spec, mi, se, want);
        mib_generator_free(g);
    }
}

/* pmi at 300 of each task's own rows against the densities above. */
Test(mixture, pmi_matches_the_densities)
{
    const size_t n = 300;
    for (size_t t = 0; t < 4; t++) {
        char spec[64];
        snprintf(spec, sizeof spec, "mixture:task=%s", tasks2[t]);
        mib_generator *g = make(spec);
        mix2 m = task_mix(tasks2[t]);
        double *x, *y;
        rows(g, 7 + t, n, &x, &y);
        for (size_t i = 0; i < n; i++) {
            double p, want = pmi2(&m, reduced_x(tasks2[t], x + i * g->dx), y[i]);
            cr_assert_eq(mib_generator_pmi(g, x + i * g->dx, y + i, &p), MIB_OK);
            cr_assert(fabs(p - want) <= 1e-9 * (1 + fabs(want)), "%s row %zu: pmi %.15g, "
                      "densities %.15g", spec, i, p, want);
        }
        free(x);
        free(y);
        mib_generator_free(g);
    }
    for (size_t t = 0; t < sizeof concentric / sizeof concentric[0]; t++) {
        char spec[96];
        size_t dim = concentric[t][0], k = concentric[t][1];
        snprintf(spec, sizeof spec, "mixture:task=concentric,dim_x=%zu,components=%zu", dim, k);
        mib_generator *g = make(spec);
        double *x, *y;
        rows(g, 11 + t, n, &x, &y);
        for (size_t i = 0; i < n; i++) {
            double p, want = concentric_pmi(dim, k, x + i * dim, y[i]);
            cr_assert_eq(mib_generator_pmi(g, x + i * dim, y + i, &p), MIB_OK);
            cr_assert(fabs(p - want) <= 1e-9 * (1 + fabs(want)), "%s row %zu: pmi %.15g, "
                      "densities %.15g", spec, i, p, want);
        }
        free(x);
        free(y);
        mib_generator_free(g);
    }
}

/* Empirical CDFs of 20,000 rows at the mixture's deciles 0.1 .. 0.9 within
 * 4.5 binomial SE: the 2-D tasks on both (reduced) coordinates, concentric
 * on Y (halfway between components: j / K) and on |x|^2 (chi^2 mixtures). */
Test(mixture, samples_follow_the_mixtures)
{
    const size_t n = 20000;
    for (size_t t = 0; t < 4; t++) {
        char spec[64];
        snprintf(spec, sizeof spec, "mixture:task=%s", tasks2[t]);
        mib_generator *g = make(spec);
        mix2 m = task_mix(tasks2[t]);
        double *x, *y, *u = malloc(n * sizeof *u);
        rows(g, 21 + t, n, &x, &y);
        for (size_t i = 0; i < n; i++)
            u[i] = reduced_x(tasks2[t], x + i * g->dx);
        for (int side = 0; side < 2; side++) {
            const double *v = side ? y : u;
            double lo, hi;
            span(&m, side, &lo, &hi);
            for (int q = 1; q <= 9; q++) {
                double a = lo, b = hi; /* the decile q/10, by bisection of the CDF */
                for (int it = 0; it < 100; it++) {
                    double mid = 0.5 * (a + b);
                    if (cdf2(&m, side, mid) < 0.1 * q)
                        a = mid;
                    else
                        b = mid;
                }
                size_t below = 0;
                for (size_t i = 0; i < n; i++)
                    below += v[i] <= a;
                double p = 0.1 * q, got = (double)below / (double)n;
                cr_expect_leq(fabs(got - p), 4.5 * sqrt(p * (1 - p) / (double)n),
                              "%s: %s decile %d at %.4f holds %.4f of the rows", spec,
                              side ? "Y" : "X", q, a, got);
            }
        }
        free(u);
        free(x);
        free(y);
        mib_generator_free(g);
    }
    mib_generator *g = make("mixture:task=concentric,dim_x=5,components=10");
    double *x, *y;
    rows(g, 31, n, &x, &y);
    for (int q = 1; q < 10; q++) {
        size_t below_y = 0, below_r = 0;
        double t = 5.0 * q * q / 4, want_r = 0; /* a radius^2 within the mixture's range */
        for (size_t i = 0; i < n; i++) {
            double r2 = 0;
            for (size_t j = 0; j < 5; j++)
                r2 += x[i * 5 + j] * x[i * 5 + j];
            below_y += y[i] <= q + 0.5;
            below_r += r2 <= t;
        }
        for (int c = 1; c <= 10; c++)
            want_r += gsl_cdf_chisq_P(t / (c * c), 5) / 10;
        double py = 0.1 * q, got_y = (double)below_y / (double)n;
        double got_r = (double)below_r / (double)n;
        cr_expect_leq(fabs(got_y - py), 4.5 * sqrt(py * (1 - py) / (double)n),
                      "concentric: P(Y <= %d.5) %.4f, want %.1f", q, got_y, py);
        cr_expect_leq(fabs(got_r - want_r), 4.5 * sqrt(want_r * (1 - want_r) / (double)n) + 1e-12,
                      "concentric: P(|X|^2 <= %g) %.4f, want %.4f", t, got_r, want_r);
    }
    free(x);
    free(y);
    mib_generator_free(g);
}

/* The truth is a pure function of the spec (a fixed seed), exact truths
 * report SE 0, and the settings that do not apply are refused. */
Test(mixture, truth_is_reproducible_and_settings_checked)
{
    double a, sa, b, sb;
    mib_generator *g = make("mixture:task=waves"), *h = make("mixture:task=waves");
    truth_of(g, &a, &sa);
    truth_of(h, &b, &sb);
    cr_expect(a == b && sa == sb, "two allocations: %.17g +- %g, %.17g +- %g", a, sa, b, sb);
    mib_generator_free(g);
    mib_generator_free(h);
    const char *exact[] = {"gaussian", "multinormal:dim_x=5,dim_y=5,structure=sparse", "square",
                           "multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=0"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        g = make(exact[i]);
        truth_of(g, &a, &sa);
        cr_expect_eq(sa, 0, "%s: SE %g", exact[i], sa);
        mib_generator_free(g);
    }
    cr_expect_eq(mib_generator_truth_se(NULL, &sa), MIB_EINVAL);
    const char *bad[][2] = {
        {"mixture:task=x,dim_x=2", "dim_x applies only to task=concentric"},
        {"mixture:task=ai,components=3", "components applies only to task=waves or concentric"},
        {"mixture:task=concentric,dim_x=0", "dim_x"},
        {"mixture:task=concentric,components=65", "components"},
        {"multistudent:inliers=0.2", "inliers"},
        {"multinormal:inliers=1.5", "inliers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mib_spec spec;
        mib_generator *bg = NULL;
        mib_err err = {""};
        int st = mib_generator_spec_parse(bad[i][0], &spec, &err);
        if (!st)
            st = mib_generator_alloc(&spec, &bg, &err);
        cr_expect_neq(st, MIB_OK, "%s was accepted", bad[i][0]);
        cr_expect(strstr(err.msg, bad[i][1]), "%s: message '%s' lacks '%s'", bad[i][0], err.msg,
                  bad[i][1]);
        mib_generator_free(bg);
    }
}

/* ---- multinormal with inliers ---- */

static const char *const inlier_specs[] = {
    "multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=0.2",
    "multinormal:dim_x=25,dim_y=25,structure=sparse,inliers=0.2",
    "multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=0.5",
    "multinormal:dim_x=25,dim_y=25,structure=sparse,inliers=0.5",
    "multinormal:dim_x=3,dim_y=4,inliers=0.3",                       /* dense: one pair */
    "multinormal:dim_x=3,dim_y=3,structure=sparse,transform=spiral,inliers=0.1",
};

/* The init truth (2e6 rows of canonical pairs) against 1e5 rows of the
 * full law through sample + pmi, within 4 combined SE. */
Test(mixture, inliers_truth_matches_the_full_law, .timeout = 120)
{
    for (size_t t = 0; t < sizeof inlier_specs / sizeof inlier_specs[0]; t++) {
        mib_generator *g = make(inlier_specs[t]);
        double mi, se, mc, mc_se;
        truth_of(g, &mi, &se);
        mc_mean(g, 1000 + t, 100000, &mc, &mc_se);
        cr_log_info("%-62s truth %.6f +- %.6f  MC %.6f +- %.6f", inlier_specs[t], mi, se, mc,
                    mc_se);
        cr_expect(se > 0 && se < 1e-3, "%s: SE %g", inlier_specs[t], se);
        cr_expect_leq(fabs(mi - mc), 4 * hypot(se, mc_se), "%s: truth %.6f +- %.2g, full law "
                      "%.6f +- %.2g", inlier_specs[t], mi, se, mc, mc_se);
        mib_generator_free(g);
    }
}

/* f = 0 is bmi's sparse normal (-ln 0.36, exact), f = 1 and S = I are
 * independence (0); pmi is ln((1 - f) e^g + f) of the normal's pmi g; the
 * inliers dilute Cov(X_0, Y_0) = 0.8 to (1 - f) 0.8 (within 4 SE). */
Test(mixture, inliers_law)
{
    double mi, se;
    mib_generator *g = make("multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=0");
    truth_of(g, &mi, &se);
    cr_expect_float_eq(mi, -log(0.36), 1e-14);
    mib_generator_free(g);
    const char *zero[] = {"multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=1",
                          "multinormal:dim_x=2,dim_y=3,structure=identity,inliers=0.4"};
    for (size_t i = 0; i < 2; i++) {
        g = make(zero[i]);
        truth_of(g, &mi, &se);
        cr_expect(mi == 0 && se == 0, "%s: %g +- %g", zero[i], mi, se);
        mib_generator_free(g);
    }
    const double f = 0.3;
    const size_t n = 100000;
    mib_generator *mixed = make("multinormal:dim_x=5,dim_y=5,structure=sparse,inliers=0.3"),
                  *normal = make("multinormal:dim_x=5,dim_y=5,structure=sparse");
    double *x, *y, sxy = 0, s2 = 0;
    rows(mixed, 5, n, &x, &y);
    for (size_t i = 0; i < n; i++) {
        double p, q, v = x[i * 5] * y[i * 5];
        sxy += v;
        s2 += v * v;
        if (i < 1000) {
            cr_assert_eq(mib_generator_pmi(mixed, x + i * 5, y + i * 5, &p), MIB_OK);
            cr_assert_eq(mib_generator_pmi(normal, x + i * 5, y + i * 5, &q), MIB_OK);
            cr_assert_float_eq(p, log((1 - f) * exp(q) + f), 1e-12 * (1 + fabs(p)));
        }
    }
    double cov = sxy / (double)n, sd = sqrt((s2 / (double)n - cov * cov) / (double)n);
    cr_expect_leq(fabs(cov - (1 - f) * 0.8), 4 * sd, "Cov(X0, Y0) %.4f +- %.4f, want %.4f", cov,
                  sd, (1 - f) * 0.8);
    free(x);
    free(y);
    mib_generator_free(mixed);
    mib_generator_free(normal);
}
