/* test_permutation.c - mib_permutation_test (significance.h) and its shuffles
 * (estimators/permutation.h): p-values uniform under independence (the
 * Kolmogorov-Smirnov statistic of 200 p-values below its 1% critical value
 * 1.63 / sqrt(200)); p = 1 / (K + 1) exactly on clearly dependent data;
 * the same bits for 1 and 2 threads and for the same seed, other nulls for
 * another seed; within-strata shuffles that keep every Z-Y count; local
 * (Runge 2018) shuffles that stay among the 5 nearest Z neighbours; a
 * conditionally independent law (X and Y both noisy copies of Z) that the
 * conditional test accepts and the plain test rejects; the CLI's JSON
 * equal to the library's numbers; refusals. Fixed seeds. MIBENCH_SANITIZED
 * shrinks the many-seed cases. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "estimate_run.h"
#include "estimators/permutation.h"

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

/* The test of spec_text on d, asserted to succeed. */
static mib_permutation_result test_ok(const char *spec_text, const mib_data *d, size_t K,
                                      uint64_t seed, int threads)
{
    mib_spec s = parse(spec_text);
    mib_permutation_result r;
    mib_err err = {""};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = threads;
    int st = mib_permutation_test(d, &s, K, seed, &ws, &r, &err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err.msg);
    return r;
}

/* n rows of a correlated Gaussian pair (rho). */
static void gaussian_pair(uint64_t seed, size_t n, double rho, double *x, double *y)
{
    gsl_rng *r = mib_rng_alloc(seed);
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_gaussian(r, 1);
        y[i] = rho * x[i] + sqrt(1 - rho * rho) * gsl_ran_gaussian(r, 1);
    }
    gsl_rng_free(r);
}

/* X = Z + e1, Y = Z + e2 (e standard normal): dependent, but independent
 * given Z. Z uniform on {0, 1, 2} (discrete; corr(X, Y) = 0.4) or N(0, 2^2)
 * (corr(X, Y) = 0.8). */
static void common_cause(uint64_t seed, size_t n, int discrete, double *x, double *y,
                         double *z)
{
    gsl_rng *r = mib_rng_alloc(seed);
    for (size_t i = 0; i < n; i++) {
        z[i] = discrete ? (double)gsl_rng_uniform_int(r, 3) : gsl_ran_gaussian(r, 2);
        x[i] = z[i] + gsl_ran_gaussian(r, 1);
        y[i] = z[i] + gsl_ran_gaussian(r, 1);
    }
    gsl_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* sup_t |F_m(t) - t|, F_m the empirical CDF of p[0..m) (sorted in place). */
static double ks_uniform(double *p, size_t m)
{
    qsort(p, m, sizeof *p, cmp_double);
    double d = 0;
    for (size_t i = 0; i < m; i++)
        d = fmax(d, fmax((double)(i + 1) / (double)m - p[i], p[i] - (double)i / (double)m));
    return d;
}

Test(permutation, uniform_p_values_under_independence, .timeout = 120)
{
    const size_t sets = sanitized() ? 50 : 200, n = 200, K = 99;
    double x[200], y[200], *p = malloc(sets * sizeof *p);
    for (size_t s = 0; s < sets; s++) {
        gaussian_pair(1000 + s, n, 0, x, y);
        mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y};
        mib_permutation_result r = test_ok("gaussian", &d, K, s, 2);
        cr_assert_eq(r.scheme, MIB_PERM_PLAIN);
        cr_assert_eq(r.permutations, K);
        cr_assert_float_eq(r.p_value, (1.0 + (double)r.exceed) / (double)(K + 1), 1e-15);
        cr_assert(r.null_sd > 0);
        p[s] = r.p_value;
    }
    double ks = ks_uniform(p, sets), crit = 1.63 / sqrt((double)sets);
    cr_log_info("independence: KS statistic %.4f over %zu p-values (1%% critical value %.4f)",
                ks, sets, crit);
    cr_expect_lt(ks, crit, "KS %.4f >= %.4f: the p-values are not uniform", ks, crit);
    free(p);
}

Test(permutation, smallest_p_under_dependence, .timeout = 60)
{
    enum { n = 500 };
    static double x[n], y[n];
    const char *specs[] = {"ksg1", "gaussian"};
    gaussian_pair(7, n, 0.5, x, y);
    mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y};
    for (size_t i = 0; i < 2; i++) {
        mib_permutation_result r = test_ok(specs[i], &d, 99, 1, 2);
        cr_log_info("rho = 0.5, n = 500, %s: estimate %.4f, p = %g, null %.4f +- %.4f",
                    specs[i], r.observed.mi, r.p_value, r.null_mean, r.null_sd);
        cr_expect_eq(r.exceed, 0, "%s", specs[i]);
        cr_expect_eq(r.p_value, 1.0 / 100, "%s: p = %.17g", specs[i], r.p_value);
        /* the observed value is mib_estimate's, with threads = 1 too */
        double mi;
        mib_err err = {""};
        cr_assert_eq(mib_estimate_text(specs[i], x, y, n, 1, 1, 1, &mi, &err), MIB_OK);
        cr_expect_eq(r.observed.mi, mi, "%s", specs[i]);
        cr_expect_lt(fabs(r.null_mean), 4 * r.null_sd + 0.02, "%s", specs[i]);
    }
}

static int same_result(const mib_permutation_result *a, const mib_permutation_result *b)
{
    return a->observed.mi == b->observed.mi && a->p_value == b->p_value &&
           a->null_mean == b->null_mean && a->null_sd == b->null_sd && a->exceed == b->exceed &&
           a->scheme == b->scheme;
}

Test(permutation, reproducible_for_any_thread_count, .timeout = 60)
{
    enum { n = 300 };
    static double x[n], y[n], z[n], zi[n];
    common_cause(3, n, 0, x, y, z);
    for (size_t i = 0; i < n; i++)
        zi[i] = floor(z[i] * 2);
    const mib_data cases[] = {
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y},
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z},
        {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = zi},
    };
    const int schemes[] = {MIB_PERM_PLAIN, MIB_PERM_LOCAL, MIB_PERM_STRATA};
    for (size_t c = 0; c < 3; c++) {
        mib_permutation_result one = test_ok("ksg1", &cases[c], 40, 11, 1);
        mib_permutation_result two = test_ok("ksg1", &cases[c], 40, 11, 2);
        mib_permutation_result again = test_ok("ksg1", &cases[c], 40, 11, 2);
        mib_permutation_result other = test_ok("ksg1", &cases[c], 40, 12, 2);
        cr_expect_eq(one.scheme, schemes[c]);
        cr_expect(same_result(&one, &two), "case %zu: 1 and 2 threads differ", c);
        cr_expect(same_result(&two, &again), "case %zu: the same seed differs", c);
        cr_expect_neq(one.null_mean, other.null_mean, "case %zu: seeds 11 and 12 agree", c);
        cr_expect_eq(one.observed.mi, other.observed.mi);
    }
}

/* The plan of d, asserted to succeed with the scheme expected. */
static mib_perm_plan plan_ok(const mib_data *d, int threads, int scheme)
{
    mib_perm_plan plan;
    mib_err err = {""};
    cr_assert_eq(mib_perm_plan_init(d, MIB_PERM_NEIGHBOURS, threads, &plan, &err), MIB_OK,
                 "%s", err.msg);
    cr_assert_eq(plan.scheme, scheme);
    return plan;
}

/* Discrete Z and Y: every shuffle is a permutation inside the Z strata, so
 * the Z-Y table and the plug-in I(Y;Z) are unchanged, and it moves rows. */
Test(permutation, strata_keep_every_z_y_count)
{
    enum { n = 400, ZL = 4, YL = 3 };
    static double x[n], y[n], z[n], yp[n];
    static size_t perm[n], scratch[n];
    gsl_rng *r = mib_rng_alloc(5);
    for (size_t i = 0; i < n; i++) {
        z[i] = (double)gsl_rng_uniform_int(r, ZL);
        y[i] = fmod(z[i] + (double)gsl_rng_uniform_int(r, 2), YL); /* Y depends on Z */
        x[i] = gsl_ran_gaussian(r, 1);
    }
    mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z};
    mib_perm_plan plan = plan_ok(&d, 1, MIB_PERM_STRATA);
    mib_err err = {""};
    cr_assert_eq(plan.nstrata, ZL);
    cr_assert_eq(mib_perm_scratch_len(&plan), n);
    double before, after;
    cr_assert_eq(mib_estimate_text("plugin", y, z, n, 1, 1, 1, &before, &err), MIB_OK);
    for (int rep = 0; rep < 20; rep++) {
        mib_perm_draw(&plan, r, scratch, perm);
        int seen[n] = {0}, table[ZL][YL] = {{0}}, moved = 0;
        for (size_t i = 0; i < n; i++) {
            cr_assert_lt(perm[i], n);
            cr_assert_eq(seen[perm[i]]++, 0, "row %zu taken twice", perm[i]);
            cr_assert_eq(z[perm[i]], z[i], "row %zu got a Y from another stratum", i);
            yp[i] = y[perm[i]];
            moved += perm[i] != i;
            table[(int)z[i]][(int)y[i]]++;
            table[(int)z[i]][(int)yp[i]]--;
        }
        for (int a = 0; a < ZL; a++)
            for (int b = 0; b < YL; b++)
                cr_assert_eq(table[a][b], 0, "count of (z=%d, y=%d) changed", a, b);
        cr_assert_eq(mib_estimate_text("plugin", yp, z, n, 1, 1, 1, &after, &err), MIB_OK);
        /* the same table summed in another order: equal to rounding */
        cr_assert_float_eq(after, before, 1e-14, "plug-in I(Y;Z) %.17g became %.17g", before,
                           after);
        cr_assert_gt(moved, n / 2, "only %d rows moved", moved);
    }
    mib_perm_plan_free(&plan);
    gsl_rng_free(r);
}

/* Continuous Z: each row's Y comes from one of its 5 nearest rows in Z (the
 * row itself included), and few rows repeat. */
Test(permutation, local_shuffle_stays_among_z_neighbours)
{
    enum { n = 500 };
    static double x[n], y[n], z[n];
    static size_t perm[n], scratch[2 * n + MIB_PERM_NEIGHBOURS];
    common_cause(9, n, 0, x, y, z);
    mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z};
    mib_perm_plan plan = plan_ok(&d, 2, MIB_PERM_LOCAL);
    cr_assert_eq(plan.k, MIB_PERM_NEIGHBOURS);
    gsl_rng *r = mib_rng_alloc(1);
    double repeated = 0, stayed = 0;
    for (int rep = 0; rep < 20; rep++) {
        mib_perm_draw(&plan, r, scratch, perm);
        int seen[n] = {0};
        for (size_t i = 0; i < n; i++) {
            double dist = fabs(z[perm[i]] - z[i]);
            size_t closer = 0;
            for (size_t j = 0; j < n; j++)
                closer += j != i && fabs(z[j] - z[i]) < dist;
            cr_assert_lt(closer, MIB_PERM_NEIGHBOURS - 1, "row %zu drew row %zu, %zu rows "
                         "nearer in z", i, perm[i], closer);
            repeated += seen[perm[i]]++ > 0;
            stayed += perm[i] == i;
        }
    }
    repeated /= 20.0 * n;
    stayed /= 20.0 * n;
    cr_log_info("local shuffles: %.3f of the rows repeat a Y, %.3f keep their own", repeated,
                stayed);
    cr_expect_lt(repeated, 0.1);
    cr_expect_lt(stayed, 0.35);
    mib_perm_plan_free(&plan);
    gsl_rng_free(r);
}

/* X and Y noisy copies of Z: I(X;Y) > 0 but I(X;Y|Z) = 0. */
static void common_cause_p_values(int discrete, const char *spec, size_t sets, size_t n,
                                  size_t K, double *cond, double *plain)
{
    double *x = malloc(3 * n * sizeof *x), *y = x + n, *z = y + n;
    for (size_t s = 0; s < sets; s++) {
        common_cause(2000 + s, n, discrete, x, y, z);
        mib_data dz = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z};
        mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y};
        mib_permutation_result c = test_ok(spec, &dz, K, s, 2);
        cr_assert_eq(c.scheme, discrete ? MIB_PERM_STRATA : MIB_PERM_LOCAL);
        cond[s] = c.p_value;
        plain[s] = test_ok(spec, &d, K, s, 2).p_value;
    }
    free(x);
}

Test(permutation, discrete_z_accepts_conditional_independence, .timeout = 120)
{
    const size_t sets = sanitized() ? 30 : 100, n = 300, K = 99;
    double *cond = malloc(2 * sets * sizeof *cond), *plain = cond + sets;
    common_cause_p_values(1, "gaussian", sets, n, K, cond, plain);
    size_t rejected = 0;
    for (size_t s = 0; s < sets; s++)
        rejected += plain[s] <= 0.01;
    double ks = ks_uniform(cond, sets), crit = 1.63 / sqrt((double)sets);
    cr_log_info("discrete Z: KS statistic %.4f over %zu conditional p-values (1%% critical "
                "value %.4f); the plain test gives p = 0.01 on %zu of %zu", ks, sets, crit,
                rejected, sets);
    cr_expect_lt(ks, crit);
    cr_expect_eq(rejected, sets, "the plain test missed I(X;Y) > 0");
    free(cond);
}

/* Runge's local scheme is approximate: its test is not exact, so the check
 * is on the rejection rate at 5% rather than on uniformity. */
Test(permutation, continuous_z_local_scheme, .timeout = 120)
{
    const size_t sets = sanitized() ? 10 : 40, n = 200, K = 49;
    double *cond = malloc(2 * sets * sizeof *cond), *plain = cond + sets;
    common_cause_p_values(0, "ksg1", sets, n, K, cond, plain);
    size_t false_alarms = 0, rejected = 0;
    double mean = 0;
    for (size_t s = 0; s < sets; s++) {
        false_alarms += cond[s] <= 0.05;
        rejected += plain[s] <= 0.05;
        mean += cond[s] / (double)sets;
    }
    cr_log_info("continuous Z, ksg1: %zu of %zu conditional p <= 0.05 (mean p %.3f); the plain "
                "test rejects %zu", false_alarms, sets, mean, rejected);
    cr_expect_leq(false_alarms, sets / 5);
    cr_expect_gt(mean, 0.3);
    cr_expect_eq(rejected, sets);
    /* and conditional dependence is found: X -> Y directly as well */
    enum { m = 400 };
    static double x[m], y[m], z[m];
    common_cause(77, m, 0, x, y, z);
    for (size_t i = 0; i < m; i++)
        y[i] += x[i];
    mib_data d = {.n = m, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z};
    cr_expect_eq(test_ok("ksg1", &d, 49, 1, 2).p_value, 1.0 / 50);
    free(cond);
}

Test(permutation, cli_equals_library, .timeout = 60)
{
    const char *mibench = getenv("MIBENCH");
    if (!mibench)
        cr_skip_test("MIBENCH is not set");
    enum { n = 300 };
    static double x[n], y[n], z[n];
    common_cause(21, n, 0, x, y, z);
    char path[] = "/tmp/mib_perm_XXXXXX";
    write_xyz_csv(path, n, x, y, z);
    const struct {
        const char *spec, *args;
        size_t dz;
    } cases[] = {{"ksg1", "--x x0 --y y0", 0}, {"ksg1", "", 1}, {"gaussian", "", 1}};
    for (size_t c = 0; c < 3; c++) {
        char cmd[512], line[4096];
        snprintf(cmd, sizeof cmd, "'%s' estimate %s %s %s --permutations 29 --perm-seed 4 "
                 "--threads 2 --json --quiet", mibench, cases[c].spec, path, cases[c].args);
        command_line(cmd, line, sizeof line);
        mib_data d = {.n = n, .dx = 1, .dy = 1, .x = x, .y = y, .dz = cases[c].dz, .z = z};
        mib_permutation_result r = test_ok(cases[c].spec, &d, 29, 4, 1);
        cr_expect_eq(json_number(line, "estimate"), r.observed.mi, "%s", line);
        cr_expect_eq(json_number(line, "p_value"), r.p_value, "%s", line);
        cr_expect_eq(json_number(line, "null_mean"), r.null_mean, "%s", line);
        cr_expect_eq(json_number(line, "null_sd"), r.null_sd, "%s", line);
        cr_expect_eq(json_number(line, "permutations"), 29);
        cr_expect_eq(json_number(line, "perm_seed"), 4);
        cr_expect(strstr(line, cases[c].dz ? "\"perm_scheme\": \"local\""
                                           : "\"perm_scheme\": \"plain\""), "%s", line);
    }
    remove(path);
}

Test(permutation, refusals)
{
    double x[] = {1, 2, 3, 4, 5, 6}, y[] = {2, 1, 4, 3, 6, NAN}, z[] = {0, 1, 0, 1, 0, 1};
    mib_data d = {.n = 5, .dx = 1, .dy = 1, .x = x, .y = y};
    mib_spec s = parse("gaussian"), kde = parse("kde");
    mib_permutation_result r;
    mib_err err = {""};
    mib_workspace ws;
    mib_workspace_init(&ws);
    cr_expect_eq(mib_permutation_test(&d, &s, 9, 1, &ws, NULL, &err), MIB_EINVAL);
    cr_expect_eq(mib_permutation_test(NULL, &s, 9, 1, &ws, &r, &err), MIB_EINVAL);
    cr_expect(isnan(r.p_value) && isnan(r.observed.mi));
    cr_expect_eq(mib_permutation_test(&d, NULL, 9, 1, &ws, &r, NULL), MIB_EINVAL);
    cr_expect_eq(mib_permutation_test(&d, &s, 0, 1, &ws, &r, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "at least 1 permutation"), "%s", err.msg);
    cr_expect_eq(mib_permutation_test(&d, &s, 9, 1, NULL, &r, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "NULL workspace"), "%s", err.msg);
    mib_workspace online = ws;
    online.sampler = &(mib_sampler){0};
    cr_expect_eq(mib_permutation_test(&d, &s, 9, 1, &online, &r, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "has a sampler"), "%s", err.msg);
    volatile sig_atomic_t stop = 1; /* a Ctrl-C before the test: no null estimate runs */
    mib_workspace stopped = ws;
    stopped.stop = &stop;
    cr_expect_eq(mib_permutation_test(&d, &s, 9, 1, &stopped, &r, &err), MIB_EINTR);
    cr_expect(strstr(err.msg, "stopped after 0 of 9 permutations"), "%s", err.msg);
    cr_expect(isnan(r.p_value));
    mib_data bad = d;
    bad.n = 6; /* the NaN */
    cr_expect_eq(mib_permutation_test(&bad, &s, 9, 1, &ws, &r, &err), MIB_EDATA);
    cr_expect(isnan(r.p_value));
    mib_data cond = {.n = 5, .dx = 1, .dy = 1, .x = x, .y = y, .dz = 1, .z = z};
    cr_expect_eq(mib_permutation_test(&cond, &kde, 9, 1, &ws, &r, &err), MIB_EUNSUPPORTED);
    mib_spec zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    cr_expect_eq(mib_permutation_test(&d, &zeroed, 9, 1, &ws, &r, &err), MIB_EINVAL);
    cr_expect_str_eq(mib_perm_scheme_name(MIB_PERM_LOCAL), "local");
    cr_expect_str_eq(mib_perm_scheme_name(42), "?");
}
