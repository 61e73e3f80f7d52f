/* check.c - `mibench check`: compare the /summary of a results file with a
 * baseline's, and hold it against the true MI. Cells match on (generator,
 * estimator, n, batch_size). When both files list the same trials of a
 * cell (the same replicates with the same data seeds, so the same
 * samples), the cell is compared trial by trial: the mean per-trial
 * difference against its own SE (paired; never below 1/100 of the
 * two-sample SE); otherwise the means against sqrt(se_b^2 + se_c^2). A
 * cell regresses when the difference exceeds max(abs_tol, z SE), its
 * failure count grew, (time_factor > 0) its median seconds grew by more
 * than that factor, (bmi_failures) its count of failed runs by bmi's rule
 * grew, or (gates) its |bias| or RMSE exceeds the gate plus z
 * times the true MI's standard error (true_mi_se: 0 for exact truths).
 * Cost O((B + C + T) log(C + T)) for B baseline and C current cells and T
 * trials (sorts + binary searches). The library only computes; the CLI
 * prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/check/check.h"

void mib_check_default_options(mib_check_options *o)
{
    *o = (mib_check_options){.z = 4.0, .abs_tol = 0.0, .time_factor = 0.0, .strict = 0,
                             .unpaired = 0, .max_abs_bias = NAN, .max_rmse = NAN,
                             .bmi_failures = 0};
}

/* Order of cells: generator, estimator, n, batch size. */
static int key_cmp(const char *ga, const char *ea, int64_t na, int64_t ba, const char *gb,
                   const char *eb, int64_t nb, int64_t bb)
{
    int c = strcmp(ga, gb);
    if (!c)
        c = strcmp(ea, eb);
    if (!c)
        c = (na > nb) - (na < nb);
    if (!c)
        c = (ba > bb) - (ba < bb);
    return c;
}

static int cell_cmp(const mib_summary_row *a, const mib_summary_row *b)
{
    return key_cmp(a->generator, a->estimator, a->n, a->batch_size, b->generator, b->estimator,
                   b->n, b->batch_size);
}

static int ptr_cmp(const void *a, const void *b)
{
    return cell_cmp(*(const mib_summary_row *const *)a, *(const mib_summary_row *const *)b);
}

/* Trials by cell, then replicate. */
static int trial_cmp(const void *a, const void *b)
{
    const mib_trial_row *x = *(const mib_trial_row *const *)a, *y = *(const mib_trial_row *const *)b;
    int c = key_cmp(x->generator, x->estimator, x->n, x->batch_size, y->generator, y->estimator,
                    y->n, y->batch_size);
    return c ? c : (x->replicate > y->replicate) - (x->replicate < y->replicate);
}

/* Summary rows of r sorted by cell key into *out (malloc'd); MIB_EFORMAT
 * naming the first repeated cell. */
static int sorted_rows(const mib_results *r, const char *which, const mib_summary_row ***out,
                       mib_err *err)
{
    const mib_summary_row **p = malloc((r->nsummary ? r->nsummary : 1) * sizeof *p);
    if (!p)
        return mib_fail(err, MIB_ENOMEM, "out of memory sorting %zu cells", r->nsummary);
    for (size_t i = 0; i < r->nsummary; i++)
        p[i] = &r->summary[i];
    qsort(p, r->nsummary, sizeof *p, ptr_cmp);
    for (size_t i = 1; i < r->nsummary; i++)
        if (cell_cmp(p[i - 1], p[i]) == 0) {
            int st = mib_fail(err, MIB_EFORMAT, "%s file lists cell (%s, %s, n=%lld, batch=%lld) twice",
                              which, p[i]->generator, p[i]->estimator, (long long)p[i]->n,
                              (long long)p[i]->batch_size);
            free(p);
            return st;
        }
    *out = p;
    return MIB_OK;
}

/* Trial rows of r sorted by cell and replicate into *out (malloc'd). */
static int sorted_trials(const mib_results *r, const mib_trial_row ***out, mib_err *err)
{
    const mib_trial_row **p = malloc((r->ntrials ? r->ntrials : 1) * sizeof *p);
    if (!p)
        return mib_fail(err, MIB_ENOMEM, "out of memory sorting %zu trials", r->ntrials);
    for (size_t i = 0; i < r->ntrials; i++)
        p[i] = &r->trials[i];
    qsort(p, r->ntrials, sizeof *p, trial_cmp);
    *out = p;
    return MIB_OK;
}

static const mib_summary_row *lookup(const mib_summary_row *const *sorted, size_t n,
                                     const mib_summary_row *key)
{
    const mib_summary_row *const *hit = bsearch(&key, sorted, n, sizeof *sorted, ptr_cmp);
    return hit ? *hit : NULL;
}

/* The trials of cell s among n sorted ones: *count of them from the
 * returned position (lower bound by binary search). */
static size_t trials_of(const mib_trial_row *const *sorted, size_t n, const mib_summary_row *s,
                        size_t *count)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const mib_trial_row *t = sorted[mid];
        if (key_cmp(t->generator, t->estimator, t->n, t->batch_size, s->generator, s->estimator,
                    s->n, s->batch_size) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < n && key_cmp(sorted[end]->generator, sorted[end]->estimator, sorted[end]->n,
                              sorted[end]->batch_size, s->generator, s->estimator, s->n,
                              s->batch_size) == 0)
        end++;
    *count = end - lo;
    return lo;
}

static double se_or_zero(double se)
{
    return isfinite(se) ? se : 0.0;
}

static int ok_trial(const mib_trial_row *t)
{
    return t->status == MIB_OK && isfinite(t->estimate);
}

/* The trials of both files for one cell (each sorted by replicate). */
typedef struct trial_sets {
    const mib_trial_row *const *b, *const *c;
    size_t nb, nc;
} trial_sets;

/* Pair the trials when both lists hold the same replicates with the same
 * seeds: the mean and SE of cur - base over trials that succeeded in both
 * into the row (Welford's update, replicate order). Leaves the row
 * unpaired otherwise, or when no trial succeeded in both. */
static void pair_trials(mib_check_row *row, const trial_sets *t)
{
    if (t->nb == 0 || t->nb != t->nc)
        return;
    for (size_t i = 0; i < t->nb; i++)
        if (t->b[i]->replicate != t->c[i]->replicate || t->b[i]->seed != t->c[i]->seed ||
            (i > 0 && t->b[i]->replicate == t->b[i - 1]->replicate))
            return;
    double mean = 0, m2 = 0;
    size_t k = 0;
    for (size_t i = 0; i < t->nb; i++) {
        if (!ok_trial(t->b[i]) || !ok_trial(t->c[i]))
            continue;
        double d = t->c[i]->estimate - t->b[i]->estimate, delta = d - mean;
        k++;
        mean += delta / (double)k;
        m2 += delta * (d - mean);
    }
    if (!k)
        return;
    row->paired = 1;
    row->npairs = k;
    row->diff = mean;
    row->paired_se = k > 1 ? sqrt(m2 / (double)(k - 1) / (double)k) : 0.0;
}

/* Fill the comparison of one matched cell. */
static void compare_cell(mib_check_row *row, const trial_sets *t, const mib_check_options *o)
{
    const mib_summary_row *b = row->base, *c = row->cur;
    double sb = se_or_zero(b->std_error), sc = se_or_zero(c->std_error);
    row->combined_se = sqrt(sb * sb + sc * sc);
    row->diff = c->mean - b->mean;
    if (isnan(b->mean) && isnan(c->mean))
        row->diff = 0.0; /* no successful trial in either: nothing moved */
    if (!o->unpaired)
        pair_trials(row, t);
    row->se = row->paired ? fmax(row->paired_se, MIB_CHECK_PAIRED_FLOOR * row->combined_se)
                          : row->combined_se;
    row->tolerance = fmax(o->abs_tol, o->z * row->se);
    if (row->diff == 0.0)
        row->in_se = 0.0;
    else if (row->se > 0.0)
        row->in_se = row->diff / row->se;
    else
        row->in_se = copysign(INFINITY, row->diff);
    /* A mean that vanished (NaN now, finite before) is a shift; one that
     * appeared (NaN before) is an improvement. */
    if (fabs(row->diff) > row->tolerance || (isnan(c->mean) && !isnan(b->mean)))
        row->flags |= MIB_CHECK_SHIFT;
    if (c->failures > b->failures)
        row->flags |= MIB_CHECK_FAILURES;
    if (o->time_factor > 0.0 && c->median_seconds > o->time_factor * b->median_seconds)
        row->flags |= MIB_CHECK_SLOWER;
    if (o->bmi_failures && c->bmi_failures > b->bmi_failures)
        row->flags |= MIB_CHECK_BMI;
}

static int gates_on(const mib_check_options *o)
{
    return !isnan(o->max_abs_bias) || !isnan(o->max_rmse);
}

/* The absolute gates on the current cell of row: |bias| and RMSE against
 * the true MI, each allowed z times the truth's SE more (a Monte-Carlo
 * truth is off by about its SE, which moves the bias and, at most as much,
 * the RMSE). A cell with a true MI but no estimate (every trial failed)
 * fails them; one without a true MI is not gated. */
static void gate_cell(mib_check_row *row, const mib_check_options *o, mib_check_report *rep)
{
    const mib_summary_row *c = row->cur;
    if (!c || !gates_on(o))
        return;
    if (!isfinite(c->true_mi)) {
        rep->nno_truth++;
        return;
    }
    rep->ngated++;
    double slack = o->z * se_or_zero(c->true_mi_se);
    if (!isnan(o->max_abs_bias) && !(fabs(c->bias) <= o->max_abs_bias + slack))
        row->flags |= MIB_CHECK_BIAS;
    if (!isnan(o->max_rmse) && !(c->rmse <= o->max_rmse + slack))
        row->flags |= MIB_CHECK_RMSE;
}

static void judge(mib_check_row *row, const mib_check_options *o, mib_check_report *rep)
{
    unsigned bad = MIB_CHECK_SHIFT | MIB_CHECK_FAILURES | MIB_CHECK_SLOWER | MIB_CHECK_BIAS |
                   MIB_CHECK_RMSE | MIB_CHECK_BMI;
    if (o->strict)
        bad |= MIB_CHECK_MISSING | MIB_CHECK_NEW;
    row->regression = (row->flags & bad) != 0;
    rep->nregressions += (size_t)row->regression;
    for (size_t i = 0; i < MIB_CHECK_NREASONS; i++)
        rep->nreason[i] += (row->flags & bad & (1u << i)) != 0;
    rep->nmissing += (row->flags & MIB_CHECK_MISSING) != 0;
    rep->nnew += (row->flags & MIB_CHECK_NEW) != 0;
    rep->nboth += row->base && row->cur;
    rep->npaired += (size_t)row->paired;
}

static mib_check_row *new_row(mib_check_report *rep, const mib_summary_row *b, const mib_summary_row *c)
{
    mib_check_row *row = &rep->rows[rep->nrows++];
    row->base = b;
    row->cur = c;
    row->diff = row->combined_se = row->paired_se = row->se = row->in_se = row->tolerance = NAN;
    return row;
}

static int check_options(const mib_results *base, const mib_check_options *o, mib_err *err)
{
    int st = MIB_OK;
    if (!(o->z >= 0) || !(o->abs_tol >= 0) || !(o->time_factor >= 0) ||
        (o->time_factor > 0 && o->time_factor < 1) || !isfinite(o->z) || !isfinite(o->abs_tol))
        st = mib_fail(err, MIB_EINVAL,
                      "bad options (z=%g, abs-tol=%g, time-factor=%g): z and abs-tol must be "
                      "finite and >= 0, time-factor 0 (off) or >= 1",
                      o->z, o->abs_tol, o->time_factor);
    else if (o->max_abs_bias < 0 || o->max_rmse < 0 || isinf(o->max_abs_bias) || isinf(o->max_rmse))
        st = mib_fail(err, MIB_EINVAL, "bad gates (max-abs-bias=%g, max-rmse=%g): finite and >= 0, "
                      "or NaN for off", o->max_abs_bias, o->max_rmse);
    else if (!base && !gates_on(o))
        st = mib_fail(err, MIB_EINVAL, "without a baseline there is nothing to check: give a gate "
                      "(max-abs-bias or max-rmse)");
    return st;
}

/* Sorted views of the files for matching; each is the caller's to free. */
typedef struct views {
    const mib_summary_row **sb, **sc;
    const mib_trial_row **tb, **tc;
} views;

static int make_views(const mib_results *base, const mib_results *cur, views *v, mib_err *err)
{
    int st = sorted_rows(cur, "current", &v->sc, err);
    if (!st)
        st = sorted_trials(cur, &v->tc, err);
    if (!st && base)
        st = sorted_rows(base, "baseline", &v->sb, err);
    if (!st && base)
        st = sorted_trials(base, &v->tb, err);
    return st;
}

int mib_check_compare(const mib_results *base, const mib_results *cur,
                      const mib_check_options *o, mib_check_report *out, mib_err *err)
{
    views v = {0};
    mib_check_report rep = {0};
    int st = MIB_OK;
    size_t nbase = base ? base->nsummary : 0;
    memset(out, 0, sizeof *out);
    if ((st = check_options(base, o, err)) || (st = make_views(base, cur, &v, err)))
        goto done;
    rep.rows = calloc(nbase + cur->nsummary + 1, sizeof *rep.rows);
    if (!rep.rows) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory comparing %zu cells", nbase + cur->nsummary);
        goto done;
    }
    for (size_t i = 0; i < nbase; i++) {
        mib_check_row *row = new_row(&rep, &base->summary[i], lookup(v.sc, cur->nsummary, &base->summary[i]));
        if (row->cur) {
            trial_sets t;
            t.b = v.tb + trials_of(v.tb, base->ntrials, row->base, &t.nb);
            t.c = v.tc + trials_of(v.tc, cur->ntrials, row->cur, &t.nc);
            compare_cell(row, &t, o);
            gate_cell(row, o, &rep);
        } else {
            row->flags = MIB_CHECK_MISSING;
        }
        judge(row, o, &rep);
    }
    for (size_t i = 0; i < cur->nsummary; i++) {
        if (base && lookup(v.sb, base->nsummary, &cur->summary[i]))
            continue;
        mib_check_row *row = new_row(&rep, NULL, &cur->summary[i]);
        row->flags = base ? MIB_CHECK_NEW : 0u;
        gate_cell(row, o, &rep);
        judge(row, o, &rep);
    }
    *out = rep;
    rep.rows = NULL;
done:
    free(rep.rows);
    free(v.sb);
    free(v.sc);
    free(v.tb);
    free(v.tc);
    return st;
}

void mib_check_report_free(mib_check_report *rep)
{
    if (!rep)
        return;
    free(rep->rows);
    memset(rep, 0, sizeof *rep);
}

static const char *const reason_words[MIB_CHECK_NREASONS] = {
    "shift", "failures", "slower", "missing", "new", "bias", "rmse", "bmi-failures"};

const char *mib_check_reason(size_t i)
{
    return i < MIB_CHECK_NREASONS ? reason_words[i] : NULL;
}

void mib_check_verdict(const mib_check_row *row, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < MIB_CHECK_NREASONS; i++)
        if ((row->flags & (1u << i)) && used < len) {
            int w = snprintf(buf + used, len - used, "%s%s", used ? "+" : "", reason_words[i]);
            used += w > 0 ? (size_t)w : 0;
        }
    if (!row->flags && len)
        snprintf(buf, len, "ok");
}
