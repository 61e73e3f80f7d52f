/* test_confidence.c - mib_confidence_interval (significance.h): its sd, trend
 * and bounds equal an independent re-computation of Holmes & Nemenman's
 * subsets (the same shuffles, mib_estimate on each subset, the pooled
 * variance), with z rows kept beside their x and y; over 200 data sets
 * (rho = 0.5, N = 500) the mean sd of `gaussian` is within 3 standard
 * errors of the empirical sd of its estimate (itself checked against the
 * delta-method value rho / sqrt(N)), that of `ksg1` over 100 data sets too,
 * and the gaussian intervals cover the true MI at 0.9 and 0.95 within 3
 * binomial standard errors of the level; the same bits for 1 and 2 threads
 * and the same seed; the CLI's JSON equal to the library's numbers;
 * refusals. Fixed seeds. MIBENCH_SANITIZED shrinks the many-seed cases. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "estimate_run.h"

/* Fewer data sets under ASan/UBSan (the statistics then test less). */
static int sanitized(void)
{
    const char *s = getenv("MIBENCH_SANITIZED");
    return s && strcmp(s, "1") == 0;
}

static mib_spec parse(const char *text)
{
    mib_spec s;
    mib_err err = {""};
    cr_assert_eq(mib_estimator_spec_parse(text, &s, &err), MIB_OK, "%s: %s", text, err.msg);
    return s;
}

/* The interval of spec_text on d, asserted to succeed. */
static mib_ci_result ci_ok(const char *spec_text, const mib_data *d, double level, uint64_t seed,
                           int threads)
{
    mib_spec s = parse(spec_text);
    mib_ci_result r;
    mib_err err = {""};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = threads;
    int st = mib_confidence_interval(d, &s, level, seed, &ws, &r, &err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err.msg);
    return r;
}

/* n rows of cgaussian (x, y, z one column each) from stream seed. */
static void cgaussian(const char *spec_text, uint64_t seed, size_t n, double *x, double *y,
                      double *z)
{
    mib_spec s;
    mib_generator *g = NULL;
    mib_err err = {""};
    gsl_rng *r = mib_rng_alloc(seed);
    cr_assert_eq(mib_generator_spec_parse(spec_text, &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_alloc(&s, &g, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_sample_z(g, r, n, x, y, z), MIB_OK);
    mib_generator_free(g);
    gsl_rng_free(r);
}

/* The reference: Holmes & Nemenman's recipe written out again, subset by
 * subset, from the documented streams and the pooled-variance formula. */
static void reference(const char *spec_text, const mib_data *d, uint64_t seed, double *sd,
                      double *trend)
{
    const size_t n = d->n, M = MIB_CI_SUBSETS;
    size_t *rows = malloc(n * sizeof *rows);
    double *x = malloc(n * d->dx * sizeof *x), *y = malloc(n * d->dy * sizeof *y);
    double *z = malloc((d->dz ? n * d->dz : 1) * sizeof *z);
    double mean[MIB_CI_SUBSETS + 1], num = 0, den = 0;
    mib_spec s = parse(spec_text);
    mib_err err = {""};
    for (size_t m = 1; m <= M; m++) {
        for (size_t i = 0; i < n; i++)
            rows[i] = i;
        if (m > 1) { /* m = 1: all rows, in order */
            gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(seed, m));
            gsl_ran_shuffle(r, rows, n, sizeof *rows);
            gsl_rng_free(r);
        }
        double e[MIB_CI_SUBSETS], sum = 0, ss = 0;
        for (size_t j = 0; j < m; j++) {
            size_t lo = j * n / m, hi = (j + 1) * n / m;
            for (size_t i = lo; i < hi; i++) {
                for (size_t c = 0; c < d->dx; c++)
                    x[(i - lo) * d->dx + c] = d->x[rows[i] * d->dx + c];
                for (size_t c = 0; c < d->dy; c++)
                    y[(i - lo) * d->dy + c] = d->y[rows[i] * d->dy + c];
                for (size_t c = 0; c < d->dz; c++)
                    z[(i - lo) * d->dz + c] = d->z[rows[i] * d->dz + c];
            }
            mib_data sub = {.n = hi - lo, .dx = d->dx, .dy = d->dy, .x = x, .y = y,
                            .dz = d->dz, .z = d->dz ? z : NULL};
            mib_workspace ws;
            mib_result res;
            mib_workspace_init(&ws);
            cr_assert_eq(mib_estimate(&sub, &s, &ws, &res, &err), MIB_OK, "%s", err.msg);
            e[j] = res.mi;
            sum += e[j];
        }
        mean[m] = sum / (double)m;
        for (size_t j = 0; j < m; j++)
            ss += (e[j] - mean[m]) * (e[j] - mean[m]);
        if (m > 1) {
            num += (double)(m - 1) * (ss / (double)(m - 1)) / (double)m;
            den += (double)(m - 1);
        }
    }
    *sd = sqrt(num / den);
    double mbar = (M + 1) / 2.0, ybar = 0, sxy = 0, sxx = 0;
    for (size_t m = 1; m <= M; m++)
        ybar += mean[m] / (double)M;
    for (size_t m = 1; m <= M; m++) {
        sxy += ((double)m - mbar) * (mean[m] - ybar);
        sxx += ((double)m - mbar) * ((double)m - mbar);
    }
    *trend = sxy / sxx;
    free(rows);
    free(x);
    free(y);
    free(z);
}

Test(confidence, equals_the_recipe_written_out, .timeout = 60)
{
    enum { n = 337 }; /* not a multiple of any m: subsets of two sizes */
    static double x[n], y[n], z[n];
    cgaussian("cgaussian:rho_xy=0.7", 5, n, x, y, z);
    const mib_data cases[] = {
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y},
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z},
    };
    const char *specs[] = {"gaussian", "ksg1"};
    for (size_t c = 0; c < 2; c++)
        for (size_t e = 0; e < 2; e++) {
            mib_ci_result r = ci_ok(specs[e], &cases[c], 0.9, 17, 2);
            double sd, trend, mi, zq = gsl_cdf_ugaussian_Pinv(0.95);
            mib_err err = {""};
            reference(specs[e], &cases[c], 17, &sd, &trend);
            mib_result res;
            mib_workspace ws;
            mib_workspace_init(&ws);
            mib_spec s = parse(specs[e]);
            cr_assert_eq(mib_estimate(&cases[c], &s, &ws, &res, &err), MIB_OK, "%s", err.msg);
            mi = res.mi;
            cr_log_info("%s, dz = %zu: %.5f in [%.5f, %.5f], sd %.5f (reference %.5f), trend "
                        "%.5f", specs[e], cases[c].dz, r.observed.mi, r.lower, r.upper, r.sd, sd,
                        r.trend);
            cr_expect_eq(r.observed.mi, mi, "%s", specs[e]);
            cr_expect_float_eq(r.sd, sd, 1e-12 * sd, "%s: sd %.17g, reference %.17g", specs[e],
                               r.sd, sd);
            cr_expect_float_eq(r.trend, trend, 1e-12, "%s: trend %.17g, reference %.17g",
                               specs[e], r.trend, trend);
            cr_expect_float_eq(r.lower, mi - zq * r.sd, 1e-14);
            cr_expect_float_eq(r.upper, mi + zq * r.sd, 1e-14);
            cr_expect_eq(r.level, 0.9);
            cr_expect_eq(r.subsets, MIB_CI_SUBSETS);
            cr_expect_eq(r.smallest, n / MIB_CI_SUBSETS);
            cr_expect_eq(r.estimates, 54);
        }
}

/* Over `sets` data sets of N(0, 1) pairs with correlation rho: the
 * empirical sd of the estimate on all n rows, the mean of the intervals'
 * sd, and how often the intervals at each level cover truth (the interval
 * at a level is mi -+ z sd, as equals_the_recipe_written_out checks, so one
 * call per data set serves both levels). */
typedef struct spread {
    double sd_emp, sd_mean, covered[2];
} spread;

static spread replicate(const char *spec_text, size_t sets, size_t n, double rho,
                        const double level[2])
{
    const double truth = -0.5 * log(1 - rho * rho);
    double *x = malloc(2 * n * sizeof *x), *y = x + n, *mi = malloc(sets * sizeof *mi);
    spread s = {0};
    for (size_t k = 0; k < sets; k++) {
        draw(3000 + k, n, 1, 1, rho, 0, x, y);
        mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y};
        mib_ci_result r = ci_ok(spec_text, &d, level[0], k, 2);
        for (int l = 0; l < 2; l++) {
            double z = gsl_cdf_ugaussian_Pinv(0.5 + level[l] / 2);
            s.covered[l] += (fabs(r.observed.mi - truth) <= z * r.sd) / (double)sets;
        }
        mi[k] = r.observed.mi;
        s.sd_mean += r.sd / (double)sets;
    }
    double mean = 0, ss = 0;
    for (size_t k = 0; k < sets; k++)
        mean += mi[k] / (double)sets;
    for (size_t k = 0; k < sets; k++)
        ss += (mi[k] - mean) * (mi[k] - mean);
    s.sd_emp = sqrt(ss / (double)(sets - 1));
    free(x);
    free(mi);
    return s;
}

/* The sd of an sd estimated from m values is about sd / sqrt(2 (m - 1)),
 * and each interval's sd has 45 degrees of freedom; together they set the
 * tolerance of the comparison. */
static double sd_tolerance(size_t sets)
{
    return 3 * sqrt(1 / (2.0 * (double)(sets - 1)) + 1 / (2.0 * 45 * (double)sets));
}

Test(confidence, gaussian_sd_and_coverage, .timeout = 120)
{
    const size_t sets = sanitized() ? 40 : 200, n = 500;
    const double rho = 0.5, levels[2] = {0.9, 0.95};
    spread s = replicate("gaussian", sets, n, rho, levels);
    const double delta = rho / sqrt((double)n), tol = sd_tolerance(sets);
    cr_log_info("gaussian, rho = 0.5, N = 500, %zu data sets: empirical sd %.5f (delta method "
                "%.5f), mean interval sd %.5f (ratio %.3f, tolerance %.3f); coverage %.3f at "
                "0.9, %.3f at 0.95", sets, s.sd_emp, delta, s.sd_mean, s.sd_mean / s.sd_emp, tol,
                s.covered[0], s.covered[1]);
    cr_expect_lt(fabs(s.sd_emp / delta - 1), 3 / sqrt(2.0 * (double)(sets - 1)),
                 "the empirical sd %.5f is not the delta method's %.5f", s.sd_emp, delta);
    cr_expect_lt(fabs(s.sd_mean / s.sd_emp - 1), tol);
    for (int l = 0; l < 2; l++) {
        double se = sqrt(levels[l] * (1 - levels[l]) / (double)sets);
        cr_expect_lt(fabs(s.covered[l] - levels[l]), 3 * se, "coverage %.3f at level %.2f "
                     "(3 standard errors %.3f)", s.covered[l], levels[l], 3 * se);
    }
}

Test(confidence, ksg_sd_follows_the_spread, .timeout = 120)
{
    const size_t sets = sanitized() ? 20 : 100, n = 500;
    const double levels[2] = {0.9, 0.95};
    spread s = replicate("ksg1", sets, n, 0.5, levels);
    const double tol = sd_tolerance(sets);
    cr_log_info("ksg1, rho = 0.5, N = 500, %zu data sets: empirical sd %.5f, mean interval sd "
                "%.5f (ratio %.3f, tolerance %.3f); coverage %.3f at 0.9, %.3f at 0.95", sets,
                s.sd_emp, s.sd_mean, s.sd_mean / s.sd_emp, tol, s.covered[0], s.covered[1]);
    cr_expect_lt(fabs(s.sd_mean / s.sd_emp - 1), tol);
}

static int same_result(const mib_ci_result *a, const mib_ci_result *b)
{
    return a->observed.mi == b->observed.mi && a->lower == b->lower && a->upper == b->upper &&
           a->sd == b->sd && a->trend == b->trend && a->smallest == b->smallest;
}

Test(confidence, reproducible_for_any_thread_count, .timeout = 60)
{
    enum { n = 600 };
    static double x[n], y[n], z[n];
    cgaussian("cgaussian:rho_xy=0.3,rho_xz=0.6,rho_yz=0.5", 8, n, x, y, z); /* I(X;Y|Z) = 0 */
    const mib_data cases[] = {
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y},
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z},
    };
    for (size_t c = 0; c < 2; c++) {
        mib_ci_result one = ci_ok("ksg1", &cases[c], 0.95, 11, 1);
        mib_ci_result two = ci_ok("ksg1", &cases[c], 0.95, 11, 2);
        mib_ci_result again = ci_ok("ksg1", &cases[c], 0.95, 11, 2);
        mib_ci_result other = ci_ok("ksg1", &cases[c], 0.95, 12, 2);
        cr_log_info("ksg1, dz = %zu: %.5f in [%.5f, %.5f] (seed 12: sd %.5f against %.5f)",
                    cases[c].dz, one.observed.mi, one.lower, one.upper, other.sd, one.sd);
        cr_expect(same_result(&one, &two), "case %zu: 1 and 2 threads differ", c);
        cr_expect(same_result(&two, &again), "case %zu: the same seed differs", c);
        cr_expect_neq(one.sd, other.sd, "case %zu: seeds 11 and 12 agree", c);
        cr_expect_eq(one.observed.mi, other.observed.mi);
        cr_expect(one.lower < one.observed.mi && one.observed.mi < one.upper);
    }
}

Test(confidence, cli_equals_library, .timeout = 60)
{
    const char *mibench = getenv("MIBENCH");
    if (!mibench)
        cr_skip_test("MIBENCH is not set");
    enum { n = 400 };
    static double x[n], y[n], z[n];
    cgaussian("cgaussian", 21, n, x, y, z);
    char path[] = "/tmp/mib_ci_XXXXXX";
    write_xyz_csv(path, n, x, y, z);
    const struct {
        const char *spec, *args;
        size_t dz;
    } cases[] = {{"ksg1", "--x x0 --y y0", 0}, {"ksg2", "", 1}, {"gaussian", "--permutations 9", 1}};
    for (size_t c = 0; c < 3; c++) {
        char cmd[512], line[4096];
        snprintf(cmd, sizeof cmd, "'%s' estimate %s %s %s --ci 0.8 --ci-seed 4 --threads 2 "
                 "--json --quiet", mibench, cases[c].spec, path, cases[c].args);
        command_line(cmd, line, sizeof line);
        mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = cases[c].dz, .z = z};
        mib_ci_result r = ci_ok(cases[c].spec, &d, 0.8, 4, 1);
        cr_expect_eq(json_number(line, "estimate"), r.observed.mi, "%s", line);
        cr_expect_eq(json_number(line, "ci_level"), 0.8, "%s", line);
        cr_expect_eq(json_number(line, "ci_lower"), r.lower, "%s", line);
        cr_expect_eq(json_number(line, "ci_upper"), r.upper, "%s", line);
        cr_expect_eq(json_number(line, "ci_sd"), r.sd, "%s", line);
        cr_expect_eq(json_number(line, "ci_trend"), r.trend, "%s", line);
        cr_expect_eq(json_number(line, "ci_smallest"), n / MIB_CI_SUBSETS, "%s", line);
        cr_expect_eq(json_number(line, "ci_seed"), 4, "%s", line);
        if (strstr(cases[c].args, "--permutations"))
            cr_expect_eq(json_number(line, "permutations"), 9, "%s", line);
    }
    remove(path);
}

Test(confidence, refusals)
{
    enum { n = 63 };
    static double x[n], y[n], z[n];
    draw(1, n, 1, 1, 0.5, 0, x, y);
    mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y};
    mib_spec s = parse("gaussian"), ksg = parse("ksg1:k=6"), kde = parse("kde");
    mib_ci_result r;
    mib_err err = {""};
    mib_workspace ws, two;
    mib_workspace_init(&ws);
    two = ws;
    two.threads = 2;
    cr_expect_eq(mib_confidence_interval(&d, &s, 0.9, 1, &ws, NULL, &err), MIB_EINVAL);
    cr_expect_eq(mib_confidence_interval(NULL, &s, 0.9, 1, &ws, &r, &err), MIB_EINVAL);
    cr_expect(isnan(r.sd) && isnan(r.lower) && isnan(r.observed.mi));
    cr_expect_eq(mib_confidence_interval(&d, NULL, 0.9, 1, &ws, &r, NULL), MIB_EINVAL);
    const double bad_levels[] = {0, 1, -0.5, 95, NAN};
    for (size_t i = 0; i < sizeof bad_levels / sizeof bad_levels[0]; i++) {
        cr_expect_eq(mib_confidence_interval(&d, &s, bad_levels[i], 1, &ws, &r, &err), MIB_EINVAL);
        cr_expect(strstr(err.msg, "level must be in (0, 1)"), "%s", err.msg);
    }
    cr_expect_eq(mib_confidence_interval(&d, &s, 0.9, 1, NULL, &r, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "NULL workspace"), "%s", err.msg);
    mib_workspace online = ws;
    online.sampler = &(mib_sampler){0};
    cr_expect_eq(mib_confidence_interval(&d, &s, 0.9, 1, &online, &r, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "has a sampler"), "%s", err.msg);
    volatile sig_atomic_t stop = 1; /* a Ctrl-C before the interval: no subset runs */
    mib_workspace stopped = ws;
    stopped.stop = &stop;
    cr_expect_eq(mib_confidence_interval(&d, &s, 0.9, 1, &stopped, &r, &err), MIB_EINTR);
    cr_expect(strstr(err.msg, "subset 1 of 2") && strstr(err.msg, ": stopped"), "%s", err.msg);
    cr_expect(isnan(r.sd));
    /* 63 rows: the 10-way split has subsets of 6, too few for k = 6 (the
     * 9-way split's 7 and more are fine) */
    cr_expect_eq(mib_confidence_interval(&d, &ksg, 0.9, 1, &two, &r, &err), MIB_ESMALL);
    cr_expect(strstr(err.msg, "subset 1 of 10 (6 rows; N = 63 split 10 ways)") &&
              strstr(err.msg, "KSG needs n > k"), "%s", err.msg);
    cr_expect(isnan(r.sd));
    mib_data small = d;
    small.n = 19;
    cr_expect_eq(mib_confidence_interval(&small, &s, 0.9, 1, &ws, &r, &err), MIB_ESMALL);
    cr_expect(strstr(err.msg, "need at least 20 rows"), "%s", err.msg);
    mib_data bad = d;
    y[7] = NAN;
    cr_expect_eq(mib_confidence_interval(&bad, &s, 0.9, 1, &ws, &r, &err), MIB_EDATA);
    mib_data cond = {.n = n, .dx = 1, .dy = 1, .x = x, .y = x, .dz = 1, .z = z};
    cr_expect_eq(mib_confidence_interval(&cond, &kde, 0.9, 1, &ws, &r, &err), MIB_EUNSUPPORTED);
    mib_spec zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    cr_expect_eq(mib_confidence_interval(&d, &zeroed, 0.9, 1, &ws, &r, &err), MIB_EINVAL);
}
