/* test_check.c - the regression check (bench/check.c) on hand-made studies
 * (tests/results_fixture.h): identical files pass, a mean moved by a few
 * combined SEs in one cell is flagged and named while a smaller move is
 * not, failures and slow-downs, cells in one file only (strict or not),
 * order independence, repeated cells and bad options. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bench/check/check.h"
#include "results_fixture.h"

static mib_results base, cur;

static void setup(void)
{
    cr_assert_eq(fixture_results(&base, 0), 0);
    cr_assert_eq(fixture_results(&cur, 0), 0);
}

static void teardown(void)
{
    fixture_free(&base);
    fixture_free(&cur);
}

TestSuite(check, .init = setup, .fini = teardown);

/* Compare with the given options; returns the report (caller frees). */
static mib_check_report run(const mib_check_options *o)
{
    mib_check_report rep;
    mib_err err = {""};
    cr_assert_eq(mib_check_compare(&base, &cur, o, &rep, &err), MIB_OK, "%s", err.msg);
    return rep;
}

static mib_check_options defaults(void)
{
    mib_check_options o;
    mib_check_default_options(&o);
    return o;
}

Test(check, identical_files_pass)
{
    mib_check_options o = defaults();
    cr_assert_eq(o.z, 4.0);
    cr_assert_eq(o.abs_tol, 0.0);
    cr_assert_eq(o.time_factor, 0.0);
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nrows, FIXTURE_NCELLS);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_eq(rep.nmissing + rep.nnew, 0);
    for (size_t i = 0; i < rep.nrows; i++) {
        const mib_check_row *r = &rep.rows[i];
        cr_assert_eq(r->base, &base.summary[i]);
        cr_assert_eq(r->cur, &cur.summary[i]);
        cr_assert_eq(r->diff, 0.0);
        cr_assert_eq(r->in_se, 0.0);
        cr_assert_eq(r->flags, 0u);
        cr_assert_float_eq(r->combined_se, sqrt(2.0) * base.summary[i].std_error, 1e-15);
        char v[32];
        mib_check_verdict(r, v, sizeof v);
        cr_assert_str_eq(v, "ok");
    }
    mib_check_report_free(&rep);
}

Test(check, planted_shift_is_flagged_and_named)
{
    const size_t k = 13; /* gaussian rho=0.9, ksg2, n=1000 */
    mib_summary_row *c = &cur.summary[k];
    double comb = sqrt(2.0) * c->std_error;
    c->mean += 5 * comb;
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 1);
    for (size_t i = 0; i < rep.nrows; i++)
        cr_assert_eq(rep.rows[i].regression, i == k, "row %zu", i);
    const mib_check_row *r = &rep.rows[k];
    cr_assert_str_eq(r->cur->generator, "gaussian:dim=1,rho=0.9");
    cr_assert_str_eq(r->cur->estimator, "ksg2:k=3,jitter=1e-10");
    cr_assert_eq(r->cur->n, 1000);
    cr_assert_eq(r->flags, MIB_CHECK_SHIFT);
    cr_assert_float_eq(r->in_se, 5.0, 1e-9);
    cr_assert_float_eq(r->diff, 5 * comb, 1e-15);
    cr_assert_float_eq(r->tolerance, 4 * comb, 1e-15);
    char v[32];
    mib_check_verdict(r, v, sizeof v);
    cr_assert_str_eq(v, "shift");
    mib_check_report_free(&rep);

    /* A looser z, or an absolute tolerance above the move, passes it. */
    o.z = 6;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    mib_check_report_free(&rep);
    o = defaults();
    o.abs_tol = 6 * comb;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_float_eq(rep.rows[k].tolerance, 6 * comb, 1e-15);
    mib_check_report_free(&rep);
}

Test(check, move_within_z_passes_in_both_directions)
{
    for (int sign = -1; sign <= 1; sign += 2) {
        cur.summary[4].mean = base.summary[4].mean + sign * 3.9 * sqrt(2.0) * base.summary[4].std_error;
        mib_check_options o = defaults();
        mib_check_report rep = run(&o);
        cr_assert_eq(rep.nregressions, 0);
        cr_assert_float_eq(rep.rows[4].in_se, sign * 3.9, 1e-9);
        mib_check_report_free(&rep);
        cur.summary[4].mean = base.summary[4].mean - sign * 4.1 * sqrt(2.0) * base.summary[4].std_error;
        rep = run(&o);
        cr_assert_eq(rep.nregressions, 1);
        mib_check_report_free(&rep);
    }
}

Test(check, failures_and_time)
{
    cur.summary[0].failures = 2; /* grew: regression */
    base.summary[1].failures = 3; /* shrank: fine */
    cur.summary[2].median_seconds = 3 * base.summary[2].median_seconds;
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 1, "time is not checked without a factor");
    cr_assert_eq(rep.rows[0].flags, MIB_CHECK_FAILURES);
    mib_check_report_free(&rep);
    o.time_factor = 2;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 2);
    cr_assert_eq(rep.rows[2].flags, MIB_CHECK_SLOWER);
    mib_check_report_free(&rep);
    o.time_factor = 3.5;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 1);
    mib_check_report_free(&rep);
}

Test(check, cells_in_one_file_only)
{
    /* Drop the last current cell, and rename another into a new cell. */
    cur.nsummary--;
    strcpy(cur.summary[5].estimator, "ksg2:k=7,jitter=1e-10");
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nrows, FIXTURE_NCELLS + 1);
    cr_assert_eq(rep.nmissing, 2);
    cr_assert_eq(rep.nnew, 1);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_eq(rep.rows[5].flags, MIB_CHECK_MISSING);
    cr_assert_null(rep.rows[5].cur);
    cr_assert_eq(rep.rows[FIXTURE_NCELLS - 1].flags, MIB_CHECK_MISSING);
    const mib_check_row *n = &rep.rows[FIXTURE_NCELLS];
    cr_assert_eq(n->flags, MIB_CHECK_NEW);
    cr_assert_null(n->base);
    cr_assert_eq(n->cur, &cur.summary[5]);
    cr_assert(isnan(n->diff));
    mib_check_report_free(&rep);
    o.strict = 1;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 3);
    mib_check_report_free(&rep);
}

Test(check, order_does_not_matter)
{
    for (size_t i = 0; i < cur.nsummary / 2; i++) {
        mib_summary_row t = cur.summary[i];
        cur.summary[i] = cur.summary[cur.nsummary - 1 - i];
        cur.summary[cur.nsummary - 1 - i] = t;
    }
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions + rep.nmissing + rep.nnew, 0);
    cr_assert_eq(rep.rows[0].cur, &cur.summary[FIXTURE_NCELLS - 1]);
    mib_check_report_free(&rep);
}

Test(check, all_failed_cells)
{
    cur.summary[3].mean = NAN; /* every trial failed now */
    cur.summary[3].failures = 10;
    base.summary[6].mean = cur.summary[6].mean = NAN; /* failed in both */
    base.summary[6].failures = cur.summary[6].failures = 10;
    base.summary[7].mean = NAN; /* failed before, works now */
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 1);
    cr_assert_eq(rep.rows[3].flags, MIB_CHECK_SHIFT | MIB_CHECK_FAILURES);
    char v[32];
    mib_check_verdict(&rep.rows[3], v, sizeof v);
    cr_assert_str_eq(v, "shift+failures");
    cr_assert_eq(rep.rows[6].flags, 0u);
    cr_assert_eq(rep.rows[7].flags, 0u);
    mib_check_report_free(&rep);
}

Test(check, single_trial_cells_use_abs_tol)
{
    base.summary[0].std_error = cur.summary[0].std_error = NAN; /* count 1 */
    cur.summary[0].mean += 1e-9;
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.rows[0].flags, MIB_CHECK_SHIFT);
    cr_assert(isinf(rep.rows[0].in_se) && rep.rows[0].in_se > 0);
    mib_check_report_free(&rep);
    o.abs_tol = 1e-6;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    mib_check_report_free(&rep);
}

Test(check, repeated_cell_and_bad_options)
{
    mib_check_report rep;
    mib_err err = {""};
    cur.summary[4] = cur.summary[3];
    mib_check_options o = defaults();
    cr_assert_eq(mib_check_compare(&base, &cur, &o, &rep, &err), MIB_EFORMAT);
    cr_assert(strstr(err.msg, "current") && strstr(err.msg, "twice") &&
                  strstr(err.msg, "ksg2:k=3,jitter=1e-10") && strstr(err.msg, "n=100"),
              "%s", err.msg);
    cr_assert_null(rep.rows);
    const mib_check_options bad[] = {{.z = -1}, {.z = NAN}, {.z = 4, .abs_tol = -1},
                                     {.z = 4, .time_factor = 0.5}, {.z = INFINITY}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(mib_check_compare(&base, &base, &bad[i], &rep, &err), MIB_EINVAL, "case %zu", i);
        cr_assert(strstr(err.msg, "z and abs-tol"), "%s", err.msg);
    }
}
