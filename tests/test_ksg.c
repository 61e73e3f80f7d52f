/* test_ksg.c - KSG-1/KSG-2 against an O(N^2) brute force written here from
 * the paper's definitions (sort every other point by (distance, row), take
 * k, count by direct comparison), exact to 1e-12; plus symmetry, row
 * permutation, thread count, ties without jitter, Gaussian truth within
 * the replicate standard error, and the input errors. Fixed seeds. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "estimate_run.h"
#include "estimators/columns.h"
#include "estimators/knn/strips.h"

/* Textbook KSG on the raw numbers; ties in distance go to the smaller row. */
static double brute_ksg(const double *x, const double *y, size_t n, size_t dx, size_t dy,
                        size_t k, int variant)
{
    pair *others = malloc((n - 1) * sizeof *others);
    const double *blocks[2] = {x, y};
    const size_t dims[2] = {dx, dy};
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sorted_neighbours(blocks, dims, 2, n, i, others);
        double ex = 0, ey = 0, eps = others[k - 1].d;
        for (size_t a = 0; a < k; a++) {
            ex = fmax(ex, maxdiff(x + i * dx, x + others[a].j * dx, dx));
            ey = fmax(ey, maxdiff(y + i * dy, y + others[a].j * dy, dy));
        }
        int nx = 0, ny = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double ax = maxdiff(x + i * dx, x + j * dx, dx), ay = maxdiff(y + i * dy, y + j * dy, dy);
            if (variant == 1) {
                nx += ax < eps;
                ny += ay < eps;
            } else {
                nx += ax <= ex;
                ny += ay <= ey;
            }
        }
        sum += variant == 1 ? gsl_sf_psi_int(nx + 1) + gsl_sf_psi_int(ny + 1)
                            : gsl_sf_psi_int(nx) + gsl_sf_psi_int(ny);
    }
    free(others);
    double mi = gsl_sf_psi_int((int)k) + gsl_sf_psi_int((int)n) - sum / (double)n;
    return variant == 2 ? mi - 1.0 / (double)k : mi;
}

static double est(const char *spec_text, size_t n, size_t dx, size_t dy, const double *x,
                  const double *y, int threads)
{
    mib_result res;
    mib_err err = {""};
    int st = run(spec_text, n, dx, dy, x, y, threads, &res, &err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err.msg);
    return res.mi;
}

struct brute_case {
    size_t n, dx, dy, k;
    int levels;    /* > 0: integer data with heavy ties */
    double sx, sy; /* scale of x and of y (0: 1) */
    int grid;      /* 1: values on a 1e-3 grid plus 1e-12 noise: many distances
                      within the float scans' error bound, decided in double */
};

static struct brute_case brute_cases[] = {
    {10, 1, 1, 1, 0, 0, 0, 0},      {50, 1, 1, 3, 0, 0, 0, 0},
    {400, 1, 1, 3, 0, 0, 0, 0},     {1500, 1, 1, 4, 0, 0, 0, 0},
    {300, 1, 2, 3, 0, 0, 0, 0},     {300, 2, 1, 2, 0, 0, 0, 0},
    {500, 2, 3, 5, 0, 0, 0, 0},     {800, 5, 5, 3, 0, 0, 0, 0},
    {200, 3, 1, 9, 0, 0, 0, 0},     {60, 1, 1, 59, 0, 0, 0, 0},
    {1000, 1, 1, 1, 0, 0, 0, 0},    {700, 4, 2, 6, 0, 0, 0, 0},
    {300, 1, 1, 3, 4, 0, 0, 0},     {500, 2, 2, 3, 3, 0, 0, 0},
    {400, 1, 3, 2, 2, 0, 0, 0},     {200, 1, 1, 8, 1, 0, 0, 0},
    {600, 2, 2, 3, 0, 1e3, 1e-3, 0}, {600, 3, 2, 4, 0, 1e-3, 1e3, 0},
    {500, 2, 2, 3, 0, 1e300, 1e300, 0}, {500, 2, 3, 3, 0, 1e-300, 1e-300, 0},
    {500, 2, 2, 3, 0, 1e300, 1e-300, 0}, {800, 3, 3, 3, 0, 0, 0, 1},
    {800, 1, 1, 5, 0, 0, 0, 1},
    /* 1+1-D runs on sorted strips (strips.c): many strips, ties, a grid, and
     * scales that make them give up for the KD-tree */
    {3000, 1, 1, 3, 0, 0, 0, 0},    {2500, 1, 1, 2, 2, 0, 0, 0},
    {2000, 1, 1, 1, 0, 0, 0, 1},    {2000, 1, 1, 3, 0, 1e300, 1e-300, 0},
    {2000, 1, 1, 3, 0, 1e-300, 1e300, 0},
};

ParameterizedTestParameters(ksg, equals_brute_force)
{
    return cr_make_param_array(struct brute_case, brute_cases,
                               sizeof brute_cases / sizeof brute_cases[0]);
}

ParameterizedTest(struct brute_case *c, ksg, equals_brute_force)
{
    double *x = malloc(c->n * c->dx * sizeof *x), *y = malloc(c->n * c->dy * sizeof *y);
    draw(1000 + c->n + 7 * c->dx + 13 * c->dy + c->k, c->n, c->dx, c->dy, 0.6, c->levels, x, y);
    gsl_rng *r = mib_rng_alloc(c->n);
    for (size_t i = 0; i < c->n * c->dx; i++) {
        if (c->grid)
            x[i] = round(x[i] * 1000) / 1000 + 1e-12 * gsl_rng_uniform(r);
        x[i] *= c->sx > 0 ? c->sx : 1;
    }
    for (size_t i = 0; i < c->n * c->dy; i++) {
        if (c->grid)
            y[i] = round(y[i] * 1000) / 1000 + 1e-12 * gsl_rng_uniform(r);
        y[i] *= c->sy > 0 ? c->sy : 1;
    }
    gsl_rng_free(r);
    for (int variant = 1; variant <= 2; variant++) {
        char spec[64];
        snprintf(spec, sizeof spec, "ksg%d:k=%zu,standardize=0,jitter=0", variant, c->k);
        double want = brute_ksg(x, y, c->n, c->dx, c->dy, c->k, variant);
        mib_result res;
        mib_err err = {""};
        cr_assert_eq(run(spec, c->n, c->dx, c->dy, x, y, 2, &res, &err), MIB_OK, "%s", err.msg);
        cr_assert(isfinite(want));
        cr_assert(fabs(res.mi - want) <= 1e-12 * fmax(1, fabs(want)),
                  "%s n=%zu dx=%zu dy=%zu: %.17g vs brute force %.17g", spec, c->n, c->dx, c->dy,
                  res.mi, want);
        cr_assert_eq(!!(res.flags & MIB_RES_TIES), c->levels > 0, "ties flag %u", res.flags);
        cr_assert_eq(res.flags & MIB_RES_JITTER, 0);
    }
    free(x);
    free(y);
}

/* Swapping x and y, or permuting rows, changes no count: exact equality. */
Test(ksg, symmetric_and_permutation_invariant)
{
    const size_t n = 2000, dx = 2, dy = 1;
    double *x = malloc(n * dx * sizeof *x), *y = malloc(n * dy * sizeof *y);
    double *px = malloc(n * dx * sizeof *px), *py = malloc(n * dy * sizeof *py);
    draw(7, n, dx, dy, 0.7, 0, x, y);
    gsl_rng *r = mib_rng_alloc(8);
    size_t *perm = malloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    gsl_ran_shuffle(r, perm, n, sizeof *perm);
    for (size_t i = 0; i < n; i++) {
        memcpy(px + i * dx, x + perm[i] * dx, dx * sizeof *x);
        memcpy(py + i * dy, y + perm[i] * dy, dy * sizeof *y);
    }
    const char *specs[] = {"ksg1:standardize=0,jitter=0", "ksg2:k=5,standardize=0,jitter=0"};
    for (int s = 0; s < 2; s++) {
        double a = est(specs[s], n, dx, dy, x, y, 1);
        cr_assert_eq(a, est(specs[s], n, dy, dx, y, x, 1), "%s not symmetric", specs[s]);
        cr_assert_eq(a, est(specs[s], n, dx, dy, px, py, 1), "%s changes under permutation",
                     specs[s]);
    }
    gsl_rng_free(r);
    free(perm);
    free(x);
    free(y);
    free(px);
    free(py);
}

Test(ksg, thread_count_does_not_change_the_estimate)
{
    const size_t n = 20000;
    double *x = malloc(n * 3 * sizeof *x), *y = malloc(n * sizeof *y);
    draw(12, n, 3, 1, 0.5, 0, x, y);
    for (int v = 1; v <= 2; v++) {
        char spec[16];
        snprintf(spec, sizeof spec, "ksg%d", v);
        double a = est(spec, n, 3, 1, x, y, 1);
        cr_assert_eq(a, est(spec, n, 3, 1, x, y, 2), "%s differs with 2 threads", spec);
    }
    free(x);
    free(y);
}

/* Kraskov et al. 2004: for Gaussians both estimators are nearly unbiased at
 * k = 3. The mean of R = 20 replicates at N = 2000 must lie within 4
 * standard errors of the truth, the SE taken from the replicates' own
 * spread (about 0.02 per replicate, so SE ~ 0.005; the measured biases,
 * under 0.008 at rho = 0.9, are inside). rho = 0 is the independence case:
 * the estimate is ~0 within the same bound. */
Test(ksg, gaussian_truth_within_replicate_standard_error, .timeout = 60)
{
    const size_t n = 2000, reps = 20;
    const double rhos[] = {0, 0.5, 0.9};
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (int v = 1; v <= 2; v++)
        for (int a = 0; a < 3; a++) {
            char spec[16];
            snprintf(spec, sizeof spec, "ksg%d", v);
            double s = 0, ss = 0, truth = -0.5 * log(1 - rhos[a] * rhos[a]);
            for (size_t r = 0; r < reps; r++) {
                draw(5000 + r, n, 1, 1, rhos[a], 0, x, y);
                double e = est(spec, n, 1, 1, x, y, 2);
                s += e;
                ss += e * e;
            }
            double mean = s / reps, sd = sqrt((ss - reps * mean * mean) / (reps - 1));
            double se = sd / sqrt((double)reps);
            cr_assert(fabs(mean - truth) < 4 * se, "%s rho=%g: mean %g vs %g (se %g)", spec,
                      rhos[a], mean, truth, se);
            cr_assert(sd > 0.005 && sd < 0.05, "%s rho=%g: implausible spread %g", spec,
                      rhos[a], sd);
        }
    free(x);
    free(y);
}

Test(ksg, multivariate_gaussian_truth)
{
    /* 3 + 3 dimensions, rho = 0.6 per pair: I = -3/2 ln(0.64) = 0.669.
     * One run at N = 20000; KSG's replicate sd here is about 0.012 (measured),
     * bound 4 sd plus its known small negative bias in higher dimensions. */
    const size_t n = 20000;
    double *x = malloc(n * 3 * sizeof *x), *y = malloc(n * 3 * sizeof *y);
    draw(77, n, 3, 3, 0.6, 0, x, y);
    double truth = -1.5 * log(1 - 0.36);
    for (int v = 1; v <= 2; v++) {
        char spec[16];
        snprintf(spec, sizeof spec, "ksg%d", v);
        double e = est(spec, n, 3, 3, x, y, 2);
        cr_assert(fabs(e - truth) < 0.06, "%s: %g vs %g", spec, e, truth);
    }
    free(x);
    free(y);
}

Test(ksg, reports_raw_negative_estimates)
{
    /* independent data: the estimate scatters around 0 and is not clamped */
    const size_t n = 500;
    double x[500], y[500];
    int negative = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        draw(seed, n, 1, 1, 0, 0, x, y);
        negative += est("ksg1", n, 1, 1, x, y, 1) < 0;
    }
    cr_assert(negative >= 2, "only %d of 10 independent samples gave a negative estimate",
              negative);
}

Test(ksg, too_few_samples_and_flags)
{
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8] = {2, 1, 4, 3, 6, 5, 8, 7};
    mib_result res;
    mib_err err = {""};
    cr_assert_eq(run("ksg1:k=8", 8, 1, 1, x, y, 1, &res, &err), MIB_ESMALL);
    cr_assert(strstr(err.msg, "n=8 samples is too few for k=8"), "%s", err.msg);
    cr_assert_eq(run("ksg2:k=7", 8, 1, 1, x, y, 1, &res, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(res.flags & (MIB_RES_JITTER | MIB_RES_TIES), MIB_RES_JITTER);
    mib_spec spec;
    cr_assert_eq(mib_estimator_spec_parse("ksg1:k=0", &spec, &err), MIB_ESPEC);
    cr_assert(strstr(err.msg, "k=0 is out of range"), "%s", err.msg);
}

/* Heavy ties without jitter: with 3 x 3 values and 5000 rows every point
 * has k = 3 exact duplicates, so every k-th distance is 0. KSG-1 then
 * counts nothing strictly inside: nx = ny = 0 and the estimate is exactly
 * psi(3) + psi(N) - 2 psi(1) (finite, and meaningless: hence the flag).
 * KSG-2 counts the equal values: nx = (rows with the same x) - 1 >= k, so
 * psi(nx) is finite too. Never psi(0). */
Test(ksg, heavy_ties_stay_finite)
{
    const size_t n = 5000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    size_t cx[3] = {0}, cy[3] = {0};
    gsl_rng *r = mib_rng_alloc(4);
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)gsl_rng_uniform_int(r, 3);
        y[i] = gsl_rng_uniform(r) < 0.8 ? x[i] : (double)gsl_rng_uniform_int(r, 3);
        cx[(int)x[i]]++;
        cy[(int)y[i]]++;
    }
    double sum2 = 0;
    for (size_t i = 0; i < n; i++)
        sum2 += gsl_sf_psi_int((int)cx[(int)x[i]] - 1) + gsl_sf_psi_int((int)cy[(int)y[i]] - 1);
    double want[3] = {0, gsl_sf_psi_int(3) + gsl_sf_psi_int(n) - 2 * gsl_sf_psi_int(1),
                      gsl_sf_psi_int(3) - 1.0 / 3 + gsl_sf_psi_int(n) - sum2 / n};
    for (int v = 1; v <= 2; v++) {
        char spec[48];
        snprintf(spec, sizeof spec, "ksg%d:jitter=0", v);
        mib_result res;
        mib_err err = {""};
        cr_assert_eq(run(spec, n, 1, 1, x, y, 2, &res, &err), MIB_OK, "%s", err.msg);
        cr_assert(res.flags & MIB_RES_TIES);
        cr_assert(fabs(res.mi - want[v]) < 1e-12 * fabs(want[v]), "%s: %.17g, want %.17g", spec,
                  res.mi, want[v]);
    }
    gsl_rng_free(r);
    free(x);
    free(y);
}

Test(ksg, standardize_survives_a_large_offset)
{
    /* columns around 1e9 with unit spread: centring keeps the jitter and the
     * distances meaningful; the estimate matches the un-shifted data */
    const size_t n = 3000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *sx = malloc(n * sizeof *sx);
    draw(8, n, 1, 1, 0.7, 0, x, y);
    for (size_t i = 0; i < n; i++)
        sx[i] = 1e9 + x[i];
    double a = est("ksg1", n, 1, 1, x, y, 1), b = est("ksg1", n, 1, 1, sx, y, 1);
    cr_assert(fabs(a - b) < 0.01, "%g vs %g", a, b);
    free(x);
    free(y);
    free(sx);
}

/* The strips themselves: by rank, the k-th distance (and with extents the
 * k neighbours' largest |dx| and |dy|, ties to the smaller row) of every
 * point equal to a brute force, on spread, gridded and tied points, the
 * same bits on 1 and 2 threads; and they give up, leaving it to the
 * KD-tree, when x is spread a million times wider than y. */
static void strips_case(size_t n, size_t k, double xscale, double grid, int expect_give_up)
{
    double *xy = malloc(2 * n * sizeof *xy), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    draw(77 + n + k, n, 1, 1, 0.7, 0, x, y);
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] = (grid > 0 ? round(x[i] / grid) * grid : x[i]) * xscale;
        xy[2 * i + 1] = grid > 0 ? round(y[i] / grid) * grid : y[i];
    }
    size_t *order[2] = {malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t))};
    double *sorted[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    mib_err err = {""};
    for (size_t c = 0; c < 2; c++)
        cr_assert_eq(mib_columns_sort(xy, n, 2, c, order[c], sorted[c], &err), MIB_OK);
    const mib_strips_in in = {.n = n, .order = {order[0], order[1]},
                              .sorted = {sorted[0], sorted[1]}};
    const double *blocks[2] = {x, y};
    const size_t dims[2] = {1, 1};
    for (size_t i = 0; i < n; i++) { /* the brute force reads the same values */
        x[i] = xy[2 * i];
        y[i] = xy[2 * i + 1];
    }
    pair *others = malloc((n - 1) * sizeof *others);
    for (int extents = 0; extents <= 1; extents++) {
        double *r[2][2];
        for (int t = 0; t < 2; t++) {
            r[t][0] = malloc(n * sizeof(double));
            r[t][1] = malloc(n * sizeof(double));
            mib_strips_out out = {.r = {r[t][0], r[t][1]}};
            cr_assert_eq(mib_strips_knn(&in, k, extents, t + 1, &out, &err), MIB_OK, "%s", err.msg);
            cr_assert_eq(out.gave_up, expect_give_up, "n=%zu k=%zu scale %g: gave_up %d", n, k,
                         xscale, out.gave_up);
            cr_assert_eq(!!out.ties, grid > 0, "ties %u", out.ties);
        }
        if (expect_give_up)
            goto next;
        for (size_t c = 0; c < 2; c++)
            for (size_t p = 0; p < n; p++) {
                const size_t i = order[c][p];
                sorted_neighbours(blocks, dims, 2, n, i, others);
                double want = others[k - 1].d;
                if (extents) {
                    want = 0;
                    for (size_t a = 0; a < k; a++)
                        want = fmax(want, fabs(blocks[c][i] - blocks[c][others[a].j]));
                }
                cr_assert_eq(r[0][c][p], want, "n=%zu k=%zu extents=%d column %zu rank %zu: "
                             "%.17g, brute force %.17g", n, k, extents, c, p, r[0][c][p], want);
                cr_assert_eq(memcmp(&r[0][c][p], &r[1][c][p], sizeof(double)), 0);
            }
    next:
        for (int t = 0; t < 2; t++) {
            free(r[t][0]);
            free(r[t][1]);
        }
    }
    for (size_t c = 0; c < 2; c++) {
        free(order[c]);
        free(sorted[c]);
    }
    free(others);
    free(xy);
    free(x);
    free(y);
}

Test(ksg, strips_equal_brute_force_by_rank, .timeout = 120)
{
    strips_case(1500, 3, 1, 0, 0);
    strips_case(1200, 1, 1, 0, 0);
    strips_case(1000, 7, 1, 0.05, 0); /* a grid: ties at every distance */
    strips_case(600, 20, 3, 0, 0);
    strips_case(5000, 3, 1e6, 0, 1);
}
