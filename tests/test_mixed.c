/* test_mixed.c - the estimators for discrete-continuous data: ross (Ross
 * 2014, scikit-learn's _compute_mi_cd) and mixed-ksg (Gao et al. 2017),
 * against O(N^2) brute forces written here from the formulas, the exact
 * truth of the mixed law X ~ U{0..m-1}, Y | X ~ U(X, X + 2) (I = ln m -
 * ((m - 1) / m) ln 2) with tolerances from the standard error over fixed
 * seeds, and the plug-in on purely discrete data. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "estimate_run.h"

static double maxdist(const double *a, size_t i, size_t j, size_t d)
{
    double m = 0;
    for (size_t t = 0; t < d; t++)
        m = fmax(m, fabs(a[i * d + t] - a[j * d + t]));
    return m;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double est(const char *spec, size_t n, size_t dx, size_t dy, const double *x,
                  const double *y)
{
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run(spec, n, dx, dy, x, y, 2, &res, &err), MIB_OK, "%s: %s", spec, err.msg);
    return res.mi;
}

/* scikit-learn's _compute_mi_cd on continuous rows c (n x dc, max-norm)
 * and labels lab, from its text: per-class k-th distance r, radius
 * nextafter(r, 0), counts m over the points of classes of at least 2. */
static double brute_ross(const double *c, const double *lab, size_t n, size_t dc, size_t k)
{
    size_t *nc = calloc(n, sizeof *nc), nf = 0;
    double *rad = malloc(n * sizeof *rad), *dist = malloc(n * sizeof *dist);
    double sk = 0, sn = 0, sm = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            nc[i] += lab[i] == lab[j];
    for (size_t i = 0; i < n; i++) {
        if (nc[i] < 2)
            continue;
        size_t kc = nc[i] - 1 < k ? nc[i] - 1 : k, cnt = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && lab[j] == lab[i])
                dist[cnt++] = maxdist(c, i, j, dc);
        qsort(dist, cnt, sizeof *dist, cmp_double);
        rad[i] = nextafter(dist[kc - 1], 0);
        sk += gsl_sf_psi((double)kc);
        sn += gsl_sf_psi((double)nc[i]);
        nf++;
    }
    for (size_t i = 0; i < n; i++) {
        if (nc[i] < 2)
            continue;
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            m += nc[j] > 1 && maxdist(c, i, j, dc) <= rad[i];
        sm += gsl_sf_psi((double)m);
    }
    free(nc);
    free(rad);
    free(dist);
    double dn = (double)nf;
    return gsl_sf_psi(dn) + sk / dn - sn / dn - sm / dn;
}

/* mixed-ksg from the formulas: paper (code = 0) or the authors' code. */
static double brute_mixed(const double *x, const double *y, size_t n, size_t dx, size_t dy,
                          size_t k, int code)
{
    double *dist = malloc(n * sizeof *dist), sum = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i)
                dist[c++] = fmax(maxdist(x, i, j, dx), maxdist(y, i, j, dy));
        qsort(dist, c, sizeof *dist, cmp_double);
        double rho = dist[k - 1], r = code ? nextafter(rho, 0) : rho;
        size_t nx = 0, ny = 0, nz = 0; /* all include i */
        for (size_t j = 0; j < n; j++) {
            double ex = maxdist(x, i, j, dx), ey = maxdist(y, i, j, dy);
            nx += ex <= r;
            ny += ey <= r;
            nz += fmax(ex, ey) == 0;
        }
        if (code)
            sum += gsl_sf_psi(rho > 0 ? (double)k : (double)nz) + log((double)n) -
                   gsl_sf_psi((double)nx) - gsl_sf_psi((double)ny);
        else
            sum += gsl_sf_psi(rho > 0 ? (double)k : (double)(nz - 1)) + log((double)n) -
                   log((double)nx) - log((double)ny);
    }
    free(dist);
    return sum / (double)n;
}

/* The mixed law: x integer labels in {0..m-1}, y = x + U(0, 2). */
static void draw_mixed(uint64_t seed, size_t n, int m, double *x, double *y)
{
    gsl_rng *r = mib_rng_alloc(seed);
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)gsl_rng_uniform_int(r, (unsigned long)m);
        y[i] = x[i] + 2 * gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
}

static double mixed_truth(int m)
{
    return log(m) - (m - 1.0) / m * log(2);
}

/* Mean and its standard error of spec over R seeds of the mixed law. */
static void over_seeds(const char *spec, int m, size_t n, int R, double *mean, double *se)
{
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *v = malloc(R * sizeof *v);
    double s = 0, var = 0;
    for (int i = 0; i < R; i++) {
        draw_mixed(700 + (uint64_t)i, n, m, x, y);
        v[i] = est(spec, n, 1, 1, x, y);
        s += v[i];
    }
    s /= R;
    for (int i = 0; i < R; i++)
        var += (v[i] - s) * (v[i] - s) / (R - 1);
    *mean = s;
    *se = sqrt(var / R);
    free(x);
    free(y);
    free(v);
}

/* ---- ross ---- */

/* Labels in {0..4} plus one singleton class (dropped), continuous values
 * rounded to a grid so that ties occur; 1-D and 2-D continuous side, the
 * labels on either side, k from 1 to 6 (class sizes near k too). */
Test(ross, equals_brute_force)
{
    const size_t n = 300;
    double *lab = malloc(n * sizeof *lab), *c = malloc(n * 2 * sizeof *c);
    gsl_rng *r = mib_rng_alloc(3);
    for (size_t i = 0; i < n; i++) {
        lab[i] = i == 17 ? 9 : i % 50 == 3 ? 7 : (double)gsl_rng_uniform_int(r, 5) - 2;
        c[2 * i] = round(20 * (lab[i] + gsl_ran_gaussian(r, 1.5))) / 20;
        c[2 * i + 1] = gsl_ran_gaussian(r, 1) + 0.3 * lab[i];
    }
    for (size_t k = 1; k <= 6; k++)
        for (size_t dc = 1; dc <= 2; dc++) {
            double *cc = malloc(n * dc * sizeof *cc);
            for (size_t i = 0; i < n; i++)
                memcpy(cc + i * dc, c + 2 * i, dc * sizeof *cc);
            char sy[64], sx[64];
            snprintf(sy, sizeof sy, "ross:k=%zu", k);
            snprintf(sx, sizeof sx, "ross:k=%zu,discrete=x", k);
            double want = brute_ross(cc, lab, n, dc, k);
            double gy = est(sy, n, dc, 1, cc, lab), gx = est(sx, n, 1, dc, lab, cc);
            cr_assert(fabs(gy - want) < 1e-12, "%s dc=%zu: %.17g vs brute force %.17g", sy, dc,
                      gy, want);
            cr_assert_eq(gx, gy, "discrete=x and discrete=y differ");
            free(cc);
        }
    gsl_rng_free(r);
    free(lab);
    free(c);
}

/* The law of the issue, N = 2000, 20 seeds: within 4 SE of the truth
 * (measured: bias 0.0006 at m = 4, SE of one estimate 0.010). */
Test(ross, mixed_law_truth_within_standard_error, .timeout = 60)
{
    for (int m = 2; m <= 4; m *= 2) {
        double mean, se, truth = mixed_truth(m);
        over_seeds("ross:discrete=x", m, 2000, 20, &mean, &se);
        cr_assert(fabs(mean - truth) < 4 * se, "ross m=%d: mean %.5f truth %.5f se %.5f", m,
                  mean, truth, se);
    }
}

/* scikit-learn's own test of mutual_info_classif's estimator
 * (test_compute_mi_cd): X ~ Bernoulli(p), Y | X ~ U(X - 1, X + 1),
 * N = 1000, p in {0.3, 0.5, 0.7}, k in {3, 5, 7}, within rtol 0.1 of the
 * truth; here on the mixed-bernoulli generator's samples and truth. */
Test(ross, scikit_learns_test_law_within_its_tolerance)
{
    const double ps[] = {0.3, 0.5, 0.7};
    for (size_t a = 0; a < 3; a++) {
        char gspec[64];
        snprintf(gspec, sizeof gspec, "mixed-bernoulli:p=%g", ps[a]);
        mib_spec spec;
        mib_generator *g;
        mib_err err = {""};
        double x[1000], y[1000], truth;
        cr_assert_eq(mib_generator_spec_parse(gspec, &spec, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_alloc(&spec, &g, &err), MIB_OK, "%s", err.msg);
        cr_assert_eq(mib_generator_truth(g, &truth, &err), MIB_OK);
        gsl_rng *r = mib_rng_alloc(1000 + a);
        cr_assert_eq(mib_generator_sample(g, r, 1000, x, y), MIB_OK);
        for (int k = 3; k <= 7; k += 2) {
            char espec[64];
            snprintf(espec, sizeof espec, "ross:discrete=x,k=%d", k);
            double got = est(espec, 1000, 1, 1, x, y);
            cr_assert(fabs(got - truth) <= 0.1 * truth, "p=%g k=%d: %g, truth %g", ps[a], k, got,
                      truth);
        }
        gsl_rng_free(r);
        mib_generator_free(g);
    }
}

Test(ross, constant_labels_give_zero_and_refusals)
{
    const size_t n = 50;
    double c[50], lab[50], frac[50], two[100];
    for (size_t i = 0; i < n; i++) {
        c[i] = sin((double)i * 1.7);
        lab[i] = 3;
        frac[i] = i == 11 ? 0.5 : (double)(i % 2);
        two[2 * i] = two[2 * i + 1] = (double)(i % 3);
    }
    /* one class: m_i = k (the point and its k - 1 nearer neighbours), so I = 0 */
    cr_assert_float_eq(est("ross", n, 1, 1, c, lab), 0, 1e-14);
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run("ross", n, 1, 1, c, frac, 1, &res, &err), MIB_EDATA);
    cr_assert(strstr(err.msg, "y has a non-integer value (0.5) at row 11"), "%s", err.msg);
    cr_assert_eq(run("ross:discrete=x", n, 2, 1, two, c, 1, &res, &err), MIB_EUNSUPPORTED);
    cr_assert(strstr(err.msg, "discrete side x must be one column") && strstr(err.msg, "dx=2"),
              "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        frac[i] = (double)i; /* every class a singleton */
    cr_assert_eq(run("ross", n, 1, 1, c, frac, 1, &res, &err), MIB_ESMALL);
    cr_assert(strstr(err.msg, "single sample"), "%s", err.msg);
    cr_assert_eq(run("ross", n, 1, 1, lab, lab, 1, &res, &err), MIB_EDATA);
    cr_assert(strstr(err.msg, "column x0 is constant"), "%s", err.msg);
}

/* ---- mixed-ksg ---- */

Test(mixed_ksg, equals_brute_force)
{
    const size_t n = 300;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * sizeof *y);
    gsl_rng *r = mib_rng_alloc(8);
    for (size_t i = 0; i < n; i++) {
        x[2 * i] = (double)gsl_rng_uniform_int(r, 3);         /* discrete */
        x[2 * i + 1] = i % 4 ? gsl_ran_gaussian(r, 1) : 0; /* zero-inflated */
        y[i] = i % 5 ? x[2 * i] + gsl_rng_uniform(r) : x[2 * i]; /* mixture of both */
    }
    for (size_t k = 1; k <= 9; k += 4)
        for (int code = 0; code < 2; code++)
            for (size_t dx = 1; dx <= 2; dx++) {
                char spec[64];
                snprintf(spec, sizeof spec, "mixed-ksg:k=%zu,form=%s", k, code ? "code" : "paper");
                double *xs = malloc(n * dx * sizeof *xs);
                for (size_t i = 0; i < n; i++)
                    memcpy(xs + i * dx, x + 2 * i, dx * sizeof *xs);
                double got = est(spec, n, dx, 1, xs, y), want = brute_mixed(xs, y, n, dx, 1, k, code);
                cr_assert(fabs(got - want) < 1e-12, "%s dx=%zu: %.17g vs brute force %.17g", spec,
                          dx, got, want);
                free(xs);
            }
    gsl_rng_free(r);
    free(x);
    free(y);
}

/* Purely discrete data with every cell holding more than k points: each
 * rho_i is 0, so paper = plug-in + (1/N) sum_cells c (psi(c - 1) - ln c)
 * and code = ln N + (1/N) sum_cells c (psi(c) - psi(cx) - psi(cy)), exactly;
 * both within 0.005 of the plug-in at N = 5000. */
Test(mixed_ksg, discrete_law_agrees_with_plugin)
{
    const size_t n = 5000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    size_t cxy[3][2] = {{0}}, cx[3] = {0}, cy[2] = {0};
    gsl_rng *r = mib_rng_alloc(12);
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)gsl_rng_uniform_int(r, 3);
        y[i] = gsl_rng_uniform(r) < 0.2 + 0.3 * x[i];
        cxy[(int)x[i]][(int)y[i]]++;
        cx[(int)x[i]]++;
        cy[(int)y[i]]++;
    }
    double plugin = est("plugin", n, 1, 1, x, y), paper = 0, code = 0, dn = (double)n;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 2; b++) {
            double c = (double)cxy[a][b];
            paper += c * (gsl_sf_psi(c - 1) - log(c));
            code += c * (gsl_sf_psi(c) - gsl_sf_psi((double)cx[a]) - gsl_sf_psi((double)cy[b]));
        }
    paper = plugin + paper / dn;
    code = log(dn) + code / dn;
    double gp = est("mixed-ksg:form=paper", n, 1, 1, x, y), gc = est("mixed-ksg", n, 1, 1, x, y);
    cr_assert_float_eq(gp, paper, 1e-12);
    cr_assert_float_eq(gc, code, 1e-12);
    cr_assert(fabs(gp - plugin) < 0.005 && fabs(gc - plugin) < 0.005,
              "paper %.6f code %.6f plug-in %.6f", gp, gc, plugin);
    gsl_rng_free(r);
    free(x);
    free(y);
}

/* The limit at fixed k of form=paper on the mixed law: away from the
 * overlaps the y-count is the k joint neighbours (psi(k) - ln(k + 1)); in
 * them it adds the other class's points nearer than the k-th, J ~
 * NegBin(k, 1/2): ln m + psi(k) - (1/m) ln(k + 1) - (1 - 1/m) E ln(k + 1 + J). */
static double paper_limit(int m, unsigned k)
{
    double e = 0;
    for (unsigned j = 0; j < 2000; j++)
        e += gsl_ran_negative_binomial_pdf(j, 0.5, k) * log(k + 1.0 + j);
    return log(m) + gsl_sf_psi_int((int)k) - log(k + 1.0) / m - (1 - 1.0 / m) * e;
}

/* N = 2000, 20 seeds. form=code: within 4 SE of the truth. form=paper:
 * within 4 SE + 0.005 (finite-N, measured 0.003 at m = 4) of its fixed-k
 * limit, about 0.2 nats below the truth at k = 5. */
Test(mixed_ksg, mixed_law_within_standard_error, .timeout = 60)
{
    for (int m = 2; m <= 4; m *= 2) {
        double mean, se, truth = mixed_truth(m), lim = paper_limit(m, 5);
        over_seeds("mixed-ksg", m, 2000, 20, &mean, &se);
        cr_assert(fabs(mean - truth) < 4 * se, "code m=%d: mean %.5f truth %.5f se %.5f", m,
                  mean, truth, se);
        over_seeds("mixed-ksg:form=paper", m, 2000, 20, &mean, &se);
        cr_assert(fabs(mean - lim) < 4 * se + 0.005, "paper m=%d: mean %.5f limit %.5f se %.5f",
                  m, mean, lim, se);
        cr_assert_lt(lim, truth - 0.15);
    }
}
