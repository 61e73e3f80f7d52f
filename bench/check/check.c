/* check.c - `mibench check`: compare the /summary of a results file with a
 * baseline's. Cells match on (generator, estimator, n, batch_size). A cell
 * regresses when |mean_cur - mean_base| > max(abs_tol, z sqrt(se_b^2 +
 * se_c^2)), when its failure count grew, or (time_factor > 0) when its
 * median seconds grew by more than that factor. Cost O((B + C) log C) for
 * B baseline and C current cells (sort + binary search). The library only
 * computes; the CLI prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/check/check.h"

void mib_check_default_options(mib_check_options *o)
{
    *o = (mib_check_options){.z = 4.0, .abs_tol = 0.0, .time_factor = 0.0, .strict = 0};
}

static int cell_cmp(const mib_summary_row *a, const mib_summary_row *b)
{
    int c = strcmp(a->generator, b->generator);
    if (!c)
        c = strcmp(a->estimator, b->estimator);
    if (!c)
        c = (a->n > b->n) - (a->n < b->n);
    if (!c)
        c = (a->batch_size > b->batch_size) - (a->batch_size < b->batch_size);
    return c;
}

static int ptr_cmp(const void *a, const void *b)
{
    return cell_cmp(*(const mib_summary_row *const *)a, *(const mib_summary_row *const *)b);
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

static const mib_summary_row *lookup(const mib_summary_row *const *sorted, size_t n,
                                     const mib_summary_row *key)
{
    const mib_summary_row *const *hit = bsearch(&key, sorted, n, sizeof *sorted, ptr_cmp);
    return hit ? *hit : NULL;
}

static double se_or_zero(double se)
{
    return isfinite(se) ? se : 0.0;
}

/* Fill the comparison of one matched cell. */
static void compare_cell(mib_check_row *row, const mib_check_options *o)
{
    const mib_summary_row *b = row->base, *c = row->cur;
    double sb = se_or_zero(b->std_error), sc = se_or_zero(c->std_error);
    row->combined_se = sqrt(sb * sb + sc * sc);
    row->tolerance = fmax(o->abs_tol, o->z * row->combined_se);
    row->diff = c->mean - b->mean;
    if (isnan(b->mean) && isnan(c->mean))
        row->diff = 0.0; /* no successful trial in either: nothing moved */
    if (row->diff == 0.0)
        row->in_se = 0.0;
    else if (row->combined_se > 0.0)
        row->in_se = row->diff / row->combined_se;
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
}

static void judge(mib_check_row *row, const mib_check_options *o, mib_check_report *rep)
{
    unsigned bad = MIB_CHECK_SHIFT | MIB_CHECK_FAILURES | MIB_CHECK_SLOWER;
    if (o->strict)
        bad |= MIB_CHECK_MISSING | MIB_CHECK_NEW;
    row->regression = (row->flags & bad) != 0;
    rep->nregressions += (size_t)row->regression;
    rep->nmissing += (row->flags & MIB_CHECK_MISSING) != 0;
    rep->nnew += (row->flags & MIB_CHECK_NEW) != 0;
}

int mib_check_compare(const mib_results *base, const mib_results *cur,
                      const mib_check_options *o, mib_check_report *out, mib_err *err)
{
    const mib_summary_row **sb = NULL, **sc = NULL;
    mib_check_report rep = {0};
    int st = MIB_OK;
    memset(out, 0, sizeof *out);
    if (!(o->z >= 0) || !(o->abs_tol >= 0) || !(o->time_factor >= 0) ||
        (o->time_factor > 0 && o->time_factor < 1) || !isfinite(o->z) || !isfinite(o->abs_tol)) {
        st = mib_fail(err, MIB_EINVAL,
                      "bad options (z=%g, abs-tol=%g, time-factor=%g): z and abs-tol must be "
                      "finite and >= 0, time-factor 0 (off) or >= 1",
                      o->z, o->abs_tol, o->time_factor);
        goto done;
    }
    if ((st = sorted_rows(base, "baseline", &sb, err)) || (st = sorted_rows(cur, "current", &sc, err)))
        goto done;
    rep.rows = calloc(base->nsummary + cur->nsummary + 1, sizeof *rep.rows);
    if (!rep.rows) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory comparing %zu cells",
                      base->nsummary + cur->nsummary);
        goto done;
    }
    for (size_t i = 0; i < base->nsummary; i++) {
        mib_check_row *row = &rep.rows[rep.nrows++];
        row->base = &base->summary[i];
        row->cur = lookup(sc, cur->nsummary, row->base);
        row->diff = row->combined_se = row->in_se = row->tolerance = NAN;
        if (row->cur)
            compare_cell(row, o);
        else
            row->flags = MIB_CHECK_MISSING;
        judge(row, o, &rep);
    }
    for (size_t i = 0; i < cur->nsummary; i++) {
        if (lookup(sb, base->nsummary, &cur->summary[i]))
            continue;
        mib_check_row *row = &rep.rows[rep.nrows++];
        row->cur = &cur->summary[i];
        row->diff = row->combined_se = row->in_se = row->tolerance = NAN;
        row->flags = MIB_CHECK_NEW;
        judge(row, o, &rep);
    }
    *out = rep;
    rep.rows = NULL;
done:
    free(rep.rows);
    free(sb);
    free(sc);
    return st;
}

void mib_check_report_free(mib_check_report *rep)
{
    if (!rep)
        return;
    free(rep->rows);
    memset(rep, 0, sizeof *rep);
}

void mib_check_verdict(const mib_check_row *row, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *word;
    } words[] = {
        {MIB_CHECK_SHIFT, "shift"},     {MIB_CHECK_FAILURES, "failures"},
        {MIB_CHECK_SLOWER, "slower"},   {MIB_CHECK_MISSING, "missing"},
        {MIB_CHECK_NEW, "new"},
    };
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if ((row->flags & words[i].bit) && used < len) {
            int w = snprintf(buf + used, len - used, "%s%s", used ? "+" : "", words[i].word);
            used += w > 0 ? (size_t)w : 0;
        }
    if (!row->flags && len)
        snprintf(buf, len, "ok");
}
