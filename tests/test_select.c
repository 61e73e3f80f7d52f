/* test_select.c - mib_select (feature ranking, select.h) on a synthetic
 * table whose right answer is known: y = f1 + 0.4 f2 + 0.3 e, so f1 is
 * strongly informative (I = ln(5)/2 = 0.805), f2 weakly (0.068) and
 * independent of f1, copy = f1 + 0.5 c less informative (0.511) and
 * redundant with f1 (I(f1; copy) = ln(5)/2), n1 and n2 noise, g = [f2 > 0]
 * an integer column, const constant. Checks: the rankings of mi, mrmr and
 * jmi; relevances and I(f1 f2; y) = 1/2 ln(1.25 / 0.09) within 4 standard
 * deviations of one ksg1 estimate at N = 2000 (measured over 30 seeds:
 * 0.028 at I = 0.80, 0.017 at 0.51, 0.019 at 0.07, 0.016 at 0, 0.021 for
 * the joint: 0.12 covers them all); every score equal to mib_estimate on
 * the same pair, bit for bit; the default estimators by column kind; the
 * same picks for 1 and 3 threads; the refusals. Fixed seeds. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"

enum { N = 2000 };
enum { F1, N1, F2, COPY, N2, CONST, G, Y, NCOLS }; /* the columns */
static const char *const names[] = {"f1", "n1", "f2", "copy", "n2", "const", "g", "y"};

static double table[NCOLS * N];

/* The table, column-major; with cls, y cut into the labels 0, 1, 2. */
static void fill(int cls)
{
    gsl_rng *r = mib_rng_alloc(20240611);
    for (size_t i = 0; i < N; i++) {
        double f1 = gsl_ran_ugaussian(r), f2 = gsl_ran_ugaussian(r), e = gsl_ran_ugaussian(r);
        double y = f1 + 0.4 * f2 + 0.3 * e;
        table[F1 * N + i] = f1;
        table[N1 * N + i] = gsl_ran_ugaussian(r);
        table[F2 * N + i] = f2;
        table[COPY * N + i] = f1 + 0.5 * gsl_ran_ugaussian(r);
        table[N2 * N + i] = gsl_ran_ugaussian(r);
        table[CONST * N + i] = 3;
        table[G * N + i] = f2 > 0;
        table[Y * N + i] = cls ? (y > -0.5) + (y > 0.5) : y;
    }
    gsl_rng_free(r);
}

/* mib_select with method m, k picks (0: all) and spec (NULL: by kind). */
static size_t pick(int m, size_t k, const char *spec, int threads, mib_select_pick *out)
{
    mib_select_options opt;
    mib_spec s;
    mib_err err = {""};
    size_t count;
    mib_select_options_init(&opt);
    opt.method = m;
    opt.k = k;
    opt.threads = threads;
    opt.names = names;
    if (spec) {
        cr_assert_eq(mib_estimator_spec_parse(spec, &s, &err), MIB_OK, "%s", err.msg);
        opt.spec = &s;
    }
    cr_assert_eq(mib_select(table, N, NCOLS, Y, &opt, out, &count, &err), MIB_OK,
                 "%s", err.msg);
    return count;
}

/* mib_estimate of spec with x = columns a (and b beside it, b >= 0) and y
 * = column c, as one pair of mib_select. */
static double pair_mi(const char *spec, int a, int b, int c)
{
    static double x[2 * N];
    mib_spec s;
    mib_err err = {""};
    mib_workspace ws;
    mib_result res;
    for (size_t i = 0; i < N; i++) {
        x[(b >= 0 ? 2 : 1) * i] = table[a * N + i];
        if (b >= 0)
            x[2 * i + 1] = table[b * N + i];
    }
    mib_data d = {.n = N, .dx = b >= 0 ? 2 : 1, .dy = 1, .x = x, .y = table + c * N};
    cr_assert_eq(mib_estimator_spec_parse(spec, &s, &err), MIB_OK);
    mib_workspace_init(&ws);
    cr_assert_eq(mib_estimate(&d, &s, &ws, &res, &err), MIB_OK, "%s", err.msg);
    return res.mi;
}

static size_t rank_of(const mib_select_pick *p, size_t count, int col)
{
    for (size_t r = 0; r < count; r++)
        if (p[r].column == (size_t)col)
            return r;
    return SIZE_MAX;
}

Test(select, relevance_ranking_and_closed_forms)
{
    mib_select_pick p[8];
    fill(0);
    size_t count = pick(MIB_SELECT_MI, 0, NULL, 2, p);
    cr_assert_eq(count, 6, "every column but y and const: %zu", count);
    cr_expect_eq(rank_of(p, count, CONST), SIZE_MAX);
    cr_expect(rank_of(p, count, F1) == 0 && rank_of(p, count, COPY) == 1, "f1, then copy");
    cr_expect(rank_of(p, count, N1) > 3 && rank_of(p, count, N2) > 3, "the noise last");
    /* -1/2 ln(1 - rho^2): rho^2 = 1/1.25, 0.16/1.25, 1/(1.25 * 1.25) */
    const struct {
        int col;
        double truth;
    } want[] = {{F1, 0.5 * log(5)}, {F2, -0.5 * log1p(-0.128)}, {COPY, -0.5 * log(0.36)},
                {N1, 0}, {N2, 0}};
    for (size_t i = 0; i < 5; i++) {
        const mib_select_pick *q = &p[rank_of(p, count, want[i].col)];
        cr_log_info("%-4s relevance %.5f, truth %.5f", names[want[i].col], q->relevance,
                    want[i].truth);
        cr_expect(fabs(q->relevance - want[i].truth) < 0.12, "%s: %.5f, truth %.5f",
                  names[want[i].col], q->relevance, want[i].truth);
        cr_expect_eq(q->relevance, pair_mi("ksg1", want[i].col, -1, Y));
        cr_expect_eq(q->relevance_spec, MIB_SELECT_KSG);
        cr_expect(isnan(q->redundancy) && q->score == q->relevance);
    }
    /* g is integer-valued, y continuous: ksg1 still (the target decides) */
    cr_expect_eq(p[rank_of(p, count, G)].relevance_spec, MIB_SELECT_KSG);
    cr_expect_eq(pick(MIB_SELECT_MI, 2, NULL, 1, p), 2);
}

Test(select, mrmr_and_jmi_pick_f2_before_the_copy)
{
    mib_select_pick p[8], q[8];
    fill(0);
    for (int m = MIB_SELECT_MRMR; m <= MIB_SELECT_JMI; m++) {
        size_t count = pick(m, 0, NULL, 3, p);
        cr_expect_eq(rank_of(p, count, F1), 0);
        cr_expect_eq(rank_of(p, count, F2), 1);
        cr_expect_lt(rank_of(p, count, F2), rank_of(p, count, COPY));
        cr_expect(isnan(p[0].redundancy) && p[0].specs == 0);
        cr_expect_eq(pick(m, 0, NULL, 1, q), count);
        cr_expect(memcmp(p, q, count * sizeof *p) == 0, "1 and 3 threads differ");
    }
    size_t count = pick(MIB_SELECT_MRMR, 2, NULL, 2, p);
    double red = pair_mi("ksg1", F1, -1, F2);
    cr_expect_eq(count, 2);
    cr_expect_eq(p[1].redundancy, red, "I(f1; f2) by ksg1");
    cr_expect_eq(p[1].score, p[1].relevance - red);
    cr_expect(fabs(red) < 0.12, "f1 and f2 are independent: %.5f", red);
    cr_expect_eq(p[1].specs, 1u << MIB_SELECT_KSG);
    /* jmi: the second score is I(f1 f2; y), 1/2 ln(1.25 / 0.09) = 1.316 */
    pick(MIB_SELECT_JMI, 2, NULL, 2, p);
    double joint = pair_mi("ksg1", F1, F2, Y);
    cr_expect_eq(p[1].score, joint);
    cr_expect(fabs(joint - 0.5 * log(1.25 / 0.09)) < 0.12, "I(f1 f2; y) = %.5f", joint);
    cr_expect_eq(p[1].redundancy, p[1].relevance - (joint - p[0].relevance));
    /* one spec for every pair */
    pick(MIB_SELECT_JMI, 2, "gaussian", 1, p);
    cr_expect_eq(p[1].score, pair_mi("gaussian", F1, F2, Y));
    cr_expect(p[1].relevance_spec == 0 && p[1].specs == 1u);
}

/* A class-label target: ross for the continuous features, plugin for g;
 * between features (mrmr), ross with g's side discrete. */
Test(select, default_estimators_by_column_kind)
{
    mib_select_pick p[8];
    fill(1);
    size_t count = pick(MIB_SELECT_MRMR, 0, NULL, 2, p);
    cr_expect_eq(rank_of(p, count, F1), 0);
    const mib_select_pick *f1 = &p[rank_of(p, count, F1)], *g = &p[rank_of(p, count, G)];
    cr_expect_eq(f1->relevance_spec, MIB_SELECT_ROSS_Y);
    cr_expect_eq(f1->relevance, pair_mi("ross:discrete=y", F1, -1, Y));
    cr_expect_eq(g->relevance_spec, MIB_SELECT_PLUGIN);
    cr_expect_eq(g->relevance, pair_mi("plugin", G, -1, Y));
    cr_expect_eq(g->specs, 1u << MIB_SELECT_ROSS_Y, "I(x_j; g), x_j before g: g is y");
    cr_expect_str_eq(mib_select_default_spec(MIB_SELECT_ROSS_X), "ross:discrete=x");
    cr_expect_null(mib_select_default_spec(MIB_SELECT_NSPECS));
}

Test(select, refusals)
{
    mib_select_pick p[8];
    mib_select_options opt;
    mib_err err = {""};
    size_t count = 7;
    fill(0);
    mib_select_options_init(&opt);
    opt.names = names;
    cr_expect_eq(mib_select(NULL, N, 8, 7, &opt, p, &count, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "NULL table") && count == 0, "%s", err.msg);
    cr_expect_eq(mib_select(table, N, 8, 8, &opt, p, &count, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "target column 8, but the table has 8 columns"), "%s", err.msg);
    opt.method = 3;
    cr_expect_eq(mib_select(table, N, 8, 7, &opt, p, &count, &err), MIB_EINVAL);
    cr_expect(strstr(err.msg, "unknown method 3"), "%s", err.msg);
    opt.method = MIB_SELECT_MI;
    opt.threads = 0;
    cr_expect_eq(mib_select(table, N, 8, 7, &opt, p, &count, &err), MIB_EINVAL);
    opt.threads = 1;
    cr_expect_eq(mib_select(table, N, 8, CONST, &opt, p, &count, &err), MIB_EDATA);
    cr_expect(strstr(err.msg, "the target column 'const' is constant (every value is 3)"), "%s",
              err.msg);
    /* the columns const and g, g the target: no feature; y alone */
    cr_expect_eq(mib_select(table + CONST * N, N, 2, 1, NULL, p, &count, &err), MIB_EDATA);
    cr_expect(strstr(err.msg, "the other 1 numeric column is constant"), "%s", err.msg);
    cr_expect_eq(mib_select(table + Y * N, N, 1, 0, NULL, p, &count, &err), MIB_EDATA);
    cr_expect(strstr(err.msg, "the target is the only numeric column"), "%s", err.msg);
    table[N2 * N + 17] = NAN;
    cr_expect_eq(mib_select(table, N, 8, 7, &opt, p, &count, &err), MIB_EDATA);
    cr_expect(strstr(err.msg, "column 'n2' has a non-finite value (nan) at row 17"), "%s",
              err.msg);
    fill(0);
    mib_spec s;
    cr_assert_eq(mib_estimator_spec_parse("ksg1:k=5", &s, &err), MIB_OK);
    opt.spec = &s; /* the first 40 values as a 5-row table: k = 5 is too many */
    cr_expect_eq(mib_select(table, 5, 8, 7, &opt, p, &count, &err), MIB_ESMALL);
    cr_expect(strstr(err.msg, "I(f1; y) with ksg1:k=5,standardize=1,jitter=1e-10: n=5 samples"),
              "%s", err.msg);
    opt.names = NULL;
    cr_expect_eq(mib_select(table, 5, 8, 7, &opt, p, &count, &err), MIB_ESMALL);
    cr_expect(strstr(err.msg, "I(column 0; column 7) with"), "%s", err.msg);
    mib_spec gen;
    cr_assert_eq(mib_generator_spec_parse("gaussian", &gen, &err), MIB_OK);
    opt.spec = &gen;
    cr_expect_eq(mib_select(table, N, 8, 7, &opt, p, &count, &err), MIB_EINVAL);
}
