/* test_check.c - the regression check (bench/check.c) on hand-made studies
 * (tests/results_fixture.h): identical files pass, a mean moved by a few
 * combined SEs in one cell is flagged and named while a smaller move is
 * not, failures and slow-downs, cells in one file only (strict or not),
 * order independence, repeated cells and bad options; with trials, the
 * paired comparison (same replicates and seeds: a shift the two-sample
 * SE forgives is caught, its SE against the closed form, floating-point
 * noise passes, other seeds fall back to unpaired); the absolute gates
 * against the true MI, with and without a baseline, widened by z times a
 * Monte-Carlo truth's SE; the counts of cells and of reasons; more failed
 * runs by bmi's rule, when asked. */
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

/* Both files with the same trials (same replicates and seeds). */
static void with_trials(void)
{
    cr_assert_eq(fixture_add_trials(&base, 0), 0);
    cr_assert_eq(fixture_add_trials(&cur, 0), 0);
}

/* Add d(k) to the estimate of trial k of summary row c of cur (and the
 * mean d(k) to its summary mean). */
static void shift_trials(size_t c, double (*d)(int k, double comb))
{
    double comb = sqrt(2.0) * cur.summary[c].std_error, sum = 0;
    for (size_t i = 0; i < cur.ntrials; i++)
        if (cur.trials[i].cell == cur.summary[c].cell) {
            double v = d(cur.trials[i].replicate, comb);
            cur.trials[i].estimate += v;
            sum += v;
        }
    cur.summary[c].mean += sum / FIXTURE_REPLICATES;
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

/* More failed runs by bmi's rule than the baseline fail only with the
 * option on (a file written before the count reads 0 there); fewer pass. */
Test(check, bmi_failures_when_asked)
{
    cur.summary[3].bmi_failures = 2;  /* grew */
    base.summary[4].bmi_failures = 3; /* shrank */
    mib_check_options o = defaults();
    cr_assert_eq(o.bmi_failures, 0);
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_eq(rep.rows[3].flags, 0u, "not compared when off");
    mib_check_report_free(&rep);
    o.bmi_failures = 1;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 1);
    cr_assert_eq(rep.rows[3].flags, MIB_CHECK_BMI);
    cr_assert_eq(rep.rows[4].flags, 0u);
    cr_assert_eq(rep.nreason[7], 1);
    char v[32];
    mib_check_verdict(&rep.rows[3], v, sizeof v);
    cr_assert_str_eq(v, "bmi-failures");
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

/* ---- paired comparison ---- */

static double shift_2_7(int k, double comb)
{
    (void)k;
    return 2.7 * comb;
}

Test(check, paired_rerun_is_exactly_zero)
{
    with_trials();
    mib_check_options o = defaults();
    o.z = 1;
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_eq(rep.nboth, FIXTURE_NCELLS);
    cr_assert_eq(rep.npaired, FIXTURE_NCELLS);
    for (size_t i = 0; i < rep.nrows; i++) {
        const mib_check_row *r = &rep.rows[i];
        cr_assert(r->paired);
        cr_assert_eq(r->npairs, FIXTURE_REPLICATES);
        cr_assert_eq(r->diff, 0.0);
        cr_assert_eq(r->paired_se, 0.0);
        cr_assert_eq(r->in_se, 0.0);
        cr_assert_float_eq(r->se, MIB_CHECK_PAIRED_FLOOR * r->combined_se, 1e-18);
    }
    mib_check_report_free(&rep);
}

/* The case of the issue: the same seeds, every trial of one cell moved by
 * 2.7 two-sample SEs. Unpaired it passes at z = 4; paired it fails. */
Test(check, paired_catches_a_shift_the_two_sample_se_forgives)
{
    with_trials();
    const size_t k = 13;
    shift_trials(k, shift_2_7);
    mib_check_options o = defaults();
    o.unpaired = 1;
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_eq(rep.npaired, 0);
    cr_assert_not(rep.rows[k].paired);
    cr_assert_float_eq(rep.rows[k].in_se, 2.7, 1e-9);
    cr_assert(isnan(rep.rows[k].paired_se));
    mib_check_report_free(&rep);
    o.unpaired = 0;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 1);
    cr_assert_eq(rep.npaired, FIXTURE_NCELLS);
    const mib_check_row *r = &rep.rows[k];
    cr_assert(r->paired && r->regression);
    cr_assert_eq(r->flags, MIB_CHECK_SHIFT);
    cr_assert_float_eq(r->diff, 2.7 * r->combined_se, 1e-12);
    cr_assert_lt(r->paired_se, 1e-12, "a constant shift has no spread");
    cr_assert_float_eq(r->in_se, 2.7 / MIB_CHECK_PAIRED_FLOOR, 1e-6);
    mib_check_report_free(&rep);
}

/* Differences d_k = delta + a (k - 4.5) / s0: their SD is a, so the
 * paired SE is a / sqrt(10) and in_se = delta / (a / sqrt(10)). */
static double noisy_delta;
static double noisy(int k, double comb)
{
    return noisy_delta * comb + 0.5 * comb * ((double)k - 4.5) / sqrt(82.5 / 9.0);
}

Test(check, paired_se_is_the_se_of_the_per_trial_differences)
{
    with_trials();
    const size_t k = 4;
    noisy_delta = 1.0; /* 1 two-sample SE, 6.32 paired SEs */
    shift_trials(k, noisy);
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    const mib_check_row *r = &rep.rows[k];
    double comb = sqrt(2.0) * base.summary[k].std_error;
    cr_assert(r->paired);
    cr_assert_float_eq(r->paired_se, 0.5 * comb / sqrt(10.0), 1e-12);
    cr_assert_float_eq(r->se, r->paired_se, 0);
    cr_assert_float_eq(r->in_se, sqrt(10.0) / 0.5, 1e-9);
    cr_assert_float_eq(r->tolerance, 4 * r->paired_se, 1e-15);
    cr_assert_eq(rep.nregressions, 1);
    mib_check_report_free(&rep);
    /* Half of that (3.16 paired SEs) passes at z = 4. */
    cur.summary[k] = base.summary[k];
    cr_assert_eq(fixture_add_trials(&cur, 0), 0);
    noisy_delta = 0.5;
    shift_trials(k, noisy);
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 0);
    cr_assert_float_eq(rep.rows[k].in_se, 0.5 * sqrt(10.0) / 0.5, 1e-9);
    mib_check_report_free(&rep);
}

static double fp_noise(int k, double comb)
{
    (void)comb;
    return (k % 2 ? 1 : -1) * 1e-13 * (k + 1); /* rounding-sized, a few ulps of an estimate */
}

Test(check, floating_point_noise_passes_even_at_z_1)
{
    with_trials();
    for (size_t c = 0; c < cur.nsummary; c++)
        shift_trials(c, fp_noise);
    mib_check_options o = defaults();
    o.z = 1;
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.npaired, FIXTURE_NCELLS);
    cr_assert_eq(rep.nregressions, 0);
    for (size_t i = 0; i < rep.nrows; i++)
        cr_assert_lt(fabs(rep.rows[i].in_se), 1e-6, "row %zu: %g", i, rep.rows[i].in_se);
    mib_check_report_free(&rep);
}

Test(check, other_trials_fall_back_to_unpaired)
{
    with_trials();
    cr_assert_eq(fixture_add_trials(&cur, 0x5eed), 0); /* another study's seeds */
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.npaired, 0);
    cr_assert_eq(rep.nboth, FIXTURE_NCELLS);
    for (size_t i = 0; i < rep.nrows; i++)
        cr_assert_eq(rep.rows[i].se, rep.rows[i].combined_se);
    mib_check_report_free(&rep);
    /* One seed differs: that cell only is unpaired. */
    cr_assert_eq(fixture_add_trials(&cur, 0), 0);
    cur.trials[3 * FIXTURE_REPLICATES + 7].seed ^= 1;
    /* Another cell lost a replicate: unpaired too. */
    memmove(&cur.trials[5 * FIXTURE_REPLICATES], &cur.trials[5 * FIXTURE_REPLICATES + 1],
            (cur.ntrials - 5 * FIXTURE_REPLICATES - 1) * sizeof *cur.trials);
    cur.ntrials--;
    rep = run(&o);
    cr_assert_eq(rep.npaired, FIXTURE_NCELLS - 2);
    cr_assert_not(rep.rows[3].paired);
    cr_assert_not(rep.rows[5].paired);
    cr_assert(rep.rows[4].paired && rep.rows[6].paired);
    mib_check_report_free(&rep);
    /* Files without /trials (older ones, hand-made ones) are unpaired. */
    fixture_free(&cur);
    cr_assert_eq(fixture_results(&cur, 0), 0);
    rep = run(&o);
    cr_assert_eq(rep.npaired, 0);
    mib_check_report_free(&rep);
}

Test(check, pairs_are_the_trials_that_succeeded_in_both)
{
    with_trials();
    base.trials[2].status = cur.trials[5].status = MIB_ENUMERIC; /* cell 0 */
    base.trials[2].estimate = cur.trials[5].estimate = NAN;
    cur.trials[6].estimate += 0.01;
    mib_check_options o = defaults();
    mib_check_report rep = run(&o);
    cr_assert(rep.rows[0].paired);
    cr_assert_eq(rep.rows[0].npairs, FIXTURE_REPLICATES - 2);
    cr_assert_float_eq(rep.rows[0].diff, 0.01 / (FIXTURE_REPLICATES - 2), 1e-15);
    mib_check_report_free(&rep);
}

/* ---- gates against the true MI ---- */

Test(check, gates_without_a_baseline)
{
    mib_check_options o = defaults();
    mib_check_report rep;
    mib_err err = {""};
    cr_assert_eq(mib_check_compare(NULL, &cur, &o, &rep, &err), MIB_EINVAL, "no baseline, no gate");
    cr_assert(strstr(err.msg, "max-abs-bias"), "%s", err.msg);
    /* bias = -(e + 1) 0.3 t / sqrt(n): at n = 100 ksg1 is off by 0.03 t,
     * ksg2 by 0.06 t, infonce by 0.09 t; t = 0.144, 0.830, 0.69. */
    o.max_abs_bias = 0.05;
    cur.summary[26].true_mi = NAN; /* square, infonce, n=10000: no truth, not gated */
    cur.summary[0].mean = cur.summary[0].bias = cur.summary[0].rmse = NAN; /* all failed */
    cr_assert_eq(mib_check_compare(NULL, &cur, &o, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(rep.nrows, FIXTURE_NCELLS);
    cr_assert_eq(rep.nboth + rep.nmissing + rep.nnew, 0);
    cr_assert_eq(rep.ngated, FIXTURE_NCELLS - 1);
    cr_assert_eq(rep.nno_truth, 1);
    size_t want = 0;
    for (size_t i = 0; i < rep.nrows; i++) {
        const mib_summary_row *s = &cur.summary[i];
        int bad = isfinite(s->true_mi) && !(fabs(s->bias) <= 0.05);
        want += (size_t)bad;
        cr_assert_eq(rep.rows[i].regression, bad, "row %zu: bias %g", i, s->bias);
        cr_assert_eq(rep.rows[i].flags, bad ? MIB_CHECK_BIAS : 0u, "row %zu", i);
        cr_assert_null(rep.rows[i].base);
    }
    cr_assert_eq(want, 3, "the failed cell, 0.09 * 0.83 and 0.09 * 0.69 (0.06 * 0.83 < 0.05)");
    cr_assert_eq(rep.nregressions, want);
    cr_assert_eq(rep.nreason[5], want);
    cr_assert_str_eq(mib_check_reason(5), "bias");
    mib_check_report_free(&rep);
    /* The RMSE gate: sqrt(bias^2 + 10 se^2) at n = 100 is about 0.16. */
    o.max_abs_bias = NAN;
    o.max_rmse = 0.1;
    cr_assert_eq(mib_check_compare(NULL, &cur, &o, &rep, &err), MIB_OK, "%s", err.msg);
    for (size_t i = 0; i < rep.nrows; i++) {
        const mib_summary_row *s = &cur.summary[i];
        int bad = isfinite(s->true_mi) && !(s->rmse <= 0.1);
        cr_assert_eq(rep.rows[i].flags, bad ? MIB_CHECK_RMSE : 0u, "row %zu rmse %g", i, s->rmse);
    }
    cr_assert_eq(rep.nreason[6], rep.nregressions);
    mib_check_report_free(&rep);
    const mib_check_options bad[] = {{.z = 4, .max_abs_bias = -1, .max_rmse = NAN},
                                     {.z = 4, .max_abs_bias = NAN, .max_rmse = INFINITY}};
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(mib_check_compare(NULL, &cur, &bad[i], &rep, &err), MIB_EINVAL, "case %zu", i);
}

Test(check, gates_with_a_baseline_and_the_counts_of_reasons)
{
    with_trials();
    cur.summary[13].mean += 1; /* shift and bias: one cell, two reasons */
    cur.summary[13].bias += 1;
    for (size_t i = 130; i < 140; i++)
        cur.trials[i].estimate += 1;
    cur.summary[14].failures = 1; /* failures only */
    cur.nsummary--;               /* the last cell: missing */
    mib_check_options o = defaults();
    o.strict = 1;
    o.max_abs_bias = 0.5;
    mib_check_report rep = run(&o);
    cr_assert_eq(rep.nrows, FIXTURE_NCELLS);
    cr_assert_eq(rep.nboth, FIXTURE_NCELLS - 1);
    cr_assert_eq(rep.nmissing, 1);
    cr_assert_eq(rep.ngated, FIXTURE_NCELLS - 1);
    cr_assert_eq(rep.rows[13].flags, MIB_CHECK_SHIFT | MIB_CHECK_BIAS);
    char v[64];
    mib_check_verdict(&rep.rows[13], v, sizeof v);
    cr_assert_str_eq(v, "shift+bias");
    cr_assert_eq(rep.nregressions, 3, "cells: 13, 14 and the missing one");
    size_t want[MIB_CHECK_NREASONS] = {[0] = 1, [1] = 1, [3] = 1, [5] = 1};
    for (size_t i = 0; i < MIB_CHECK_NREASONS; i++)
        cr_assert_eq(rep.nreason[i], want[i], "reason %s", mib_check_reason(i));
    cr_assert_null(mib_check_reason(MIB_CHECK_NREASONS));
    mib_check_report_free(&rep);
    /* Without --strict the missing cell is listed but no reason. */
    o.strict = 0;
    rep = run(&o);
    cr_assert_eq(rep.nregressions, 2);
    cr_assert_eq(rep.nreason[3], 0);
    cr_assert_eq(rep.nmissing, 1);
    mib_check_report_free(&rep);
}

/* A Monte-Carlo truth is off by about its SE: the gates allow z times
 * true_mi_se beyond them (a bias of 0.06 against a gate of 0.05 passes at
 * SE 0.003, z = 4, and fails at SE 0.002 or at z = 1; the RMSE gate alike). */
Test(check, gates_allow_z_truth_standard_errors)
{
    struct { double se, z; unsigned flags; } cases[] = {
        {0.003, 4, 0}, {0.002, 4, MIB_CHECK_BIAS | MIB_CHECK_RMSE},
        {0.003, 1, MIB_CHECK_BIAS | MIB_CHECK_RMSE}, {0, 4, MIB_CHECK_BIAS | MIB_CHECK_RMSE},
    };
    mib_summary_row *s = &cur.summary[4];
    s->bias = -0.06;
    s->rmse = 0.06;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mib_check_options o = defaults();
        mib_check_report rep;
        mib_err err = {""};
        o.z = cases[i].z;
        o.max_abs_bias = o.max_rmse = 0.05;
        s->true_mi_se = cases[i].se;
        cr_assert_eq(mib_check_compare(NULL, &cur, &o, &rep, &err), MIB_OK, "%s", err.msg);
        cr_expect_eq(rep.rows[4].flags, cases[i].flags, "SE %g, z %g: flags %#x", cases[i].se,
                     cases[i].z, rep.rows[4].flags);
        mib_check_report_free(&rep);
    }
}
