/* strips.c - exact k nearest neighbours in the plane under the max-norm by
 * sorted strips (strips.h): a cell-list search in which the cells adapt to
 * the data by rank, so its cost does not depend on the scale, the
 * correlation or the tie structure of the points (for tied data with
 * KSG's tiny jitter the KD-tree's float filter cannot separate the points;
 * here the strips simply get narrow).
 * The n points are cut into S strips of m = ceil(sqrt(n k)) consecutive x
 * ranks, each sorted by y (one stable scatter of the y order). A query in
 * strip s looks in its own strip, then in s - 1, s + 1, s - 2, ... while
 * the strip's x gap is within the k-th distance found so far; in each
 * strip it walks outward in y from the query's y, the nearer side first,
 * while the y gap is within it. Queries of a strip run in y order, so the
 * start in every other strip only moves forward (a galloping search).
 * Pruning compares rounded gaps with the rounded k-th distance, which is
 * exact: rounding is monotone, so a point beyond a rounded gap is at least
 * as far. For spread data a query meets O(k) points in O(1) strips: O(n
 * sqrt(k)) after the two sorts, strips shared among OpenMP threads; the
 * answers go out by rank (a strip's x ranks are one short run, its y ranks
 * ascend), so apart from one gather at the build every access is local or
 * sequential. Memory 28 n bytes besides the sorted columns. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "estimators/knn/strips.h"

typedef struct plane {
    size_t n, m, ns;        /* points, points per strip, strips */
    double *x, *y;          /* strip-major, y ascending within a strip */
    uint32_t *row;          /* original row of each slot */
    uint32_t *xr, *yr;      /* x rank and y rank of each slot */
    const double *xs;       /* the sorted x: strip s spans xs[s m .. s m + m) */
} plane;

static void plane_free(plane *p)
{
    free(p->x);
    free(p->y);
    free(p->row);
    free(p->xr);
    free(p->yr);
}

static size_t strip_begin(const plane *p, size_t s) { return s * p->m < p->n ? s * p->m : p->n; }

/* By row: its x and its x rank, for the one gather of the build. */
typedef struct rowinfo {
    double x;
    uint32_t xr;
} rowinfo;

/* The strips from the sorted columns; strip s holds x ranks [s m, s m + m),
 * filled in y order: a counting sort by strip of the y order, its chunks
 * shared among the threads (each chunk counts its points per strip, then
 * writes them after the earlier chunks'), the layout a serial pass gives. */
static int plane_build(plane *p, const mib_strips_in *in, size_t k, int threads, mib_err *err)
{
    const size_t n = in->n;
    memset(p, 0, sizeof *p);
    p->n = n;
    p->m = (size_t)ceil(sqrt((double)n * (double)k));
    p->m = p->m < n ? p->m : n;
    p->ns = (n + p->m - 1) / p->m;
    p->xs = in->sorted[0];
    const size_t nc = threads > 1 && n >= 65536 ? (size_t)threads : 1, ns = p->ns;
    rowinfo *info = malloc(n * sizeof *info);
    size_t *fill = calloc(nc * ns, sizeof *fill); /* chunk c's next slot in strip s */
    p->x = malloc(n * sizeof *p->x);
    p->y = malloc(n * sizeof *p->y);
    p->row = malloc(n * sizeof *p->row);
    p->xr = malloc(n * sizeof *p->xr);
    p->yr = malloc(n * sizeof *p->yr);
    int st = MIB_OK;
    if (!info || !fill || !p->x || !p->y || !p->row || !p->xr || !p->yr) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for the strips of %zu points", n);
        goto done;
    }
#pragma omp parallel num_threads(nc) if (nc > 1)
    {
#pragma omp for schedule(static)
        for (size_t r = 0; r < n; r++)
            info[in->order[0][r]] = (rowinfo){in->sorted[0][r], (uint32_t)r};
        const size_t c = nc > 1 ? (size_t)omp_get_thread_num() : 0;
        const size_t r0 = n * c / nc, r1 = n * (c + 1) / nc;
        size_t *mine = fill + c * ns;
        for (size_t r = r0; r < r1; r++)
            mine[info[in->order[1][r]].xr / p->m]++;
#pragma omp barrier
#pragma omp single
        for (size_t s = 0; s < ns; s++) /* counts to starting slots, chunk by chunk */
            for (size_t c2 = 0, at = strip_begin(p, s); c2 < nc; c2++) {
                const size_t cnt = fill[c2 * ns + s];
                fill[c2 * ns + s] = at;
                at += cnt;
            }
        for (size_t r = r0; r < r1; r++) {
            const size_t i = in->order[1][r];
            const rowinfo f = info[i];
            const size_t at = mine[f.xr / p->m]++;
            p->x[at] = f.x;
            p->y[at] = in->sorted[1][r];
            p->row[at] = (uint32_t)i;
            p->xr[at] = f.xr;
            p->yr[at] = (uint32_t)r;
        }
    }
done:
    free(info);
    free(fill);
    return st;
}

/* One query's k best, sorted by (distance, row); ext: their |dx|, |dy|. */
typedef struct best {
    size_t k, count;
    int extents;           /* 1: ties at the k-th distance go to the smaller row */
    double worst;          /* the k-th distance, +inf while short */
    uint32_t wrow;         /* its row (with rows), UINT32_MAX while short */
    double *dist, *ex, *ey;
    uint32_t *row;
} best;

static void best_reset(best *b)
{
    b->count = 0;
    b->worst = INFINITY;
    b->wrow = UINT32_MAX;
}

/* Whether a point with y gap (or strip x gap) g can still enter: always
 * while the list is short (a gap may be +inf when coordinates span more
 * than DBL_MAX). */
static inline int reachable(const best *b, double g)
{
    return b->count < b->k || (b->extents ? g <= b->worst : g < b->worst);
}

static inline void offer(best *b, double ax, double ay, uint32_t row)
{
    const double e = ax > ay ? ax : ay;
    if (e > b->worst || (e == b->worst && (!b->extents || row > b->wrow)))
        return;
    size_t i = b->count < b->k ? b->count++ : b->k - 1;
    while (i > 0 && (b->dist[i - 1] > e || (b->dist[i - 1] == e && b->row[i - 1] > row))) {
        b->dist[i] = b->dist[i - 1];
        b->row[i] = b->row[i - 1];
        b->ex[i] = b->ex[i - 1];
        b->ey[i] = b->ey[i - 1];
        i--;
    }
    b->dist[i] = e;
    b->row[i] = row;
    b->ex[i] = ax;
    b->ey[i] = ay;
    if (b->count == b->k) {
        b->worst = b->dist[b->k - 1];
        b->wrow = b->row[b->k - 1];
    }
}

/* Offer the slots of [lo, hi) walking outward from `at` (the slots below
 * it have y <= yq, those from it on y >= yq; `skip` is the query's own
 * slot, then at itself, or SIZE_MAX), the nearer side in y first, while
 * reachable; returns the points offered. */
static size_t walk(const plane *p, size_t lo, size_t hi, size_t at, size_t skip, double xq,
                   double yq, best *b)
{
    size_t up = at, down = at, seen = 0; /* next: up, then down - 1 */
    if (up == skip)
        up++;
    for (;;) {
        const int has_up = up < hi, has_down = down > lo;
        if (!has_up && !has_down)
            return seen;
        const double gu = has_up ? p->y[up] - yq : INFINITY;
        const double gd = has_down ? yq - p->y[down - 1] : INFINITY;
        const int go_up = has_up && (!has_down || gu <= gd);
        const double g = go_up ? gu : gd;
        if (!reachable(b, g))
            return seen;
        const size_t j = go_up ? up++ : --down;
        seen++;
        offer(b, fabs(xq - p->x[j]), g, p->row[j]);
    }
}

/* First slot of [lo, hi) with y >= yq, searching forward from `from`. */
static size_t gallop(const double *y, size_t from, size_t hi, double yq)
{
    size_t lo = from, step = 1;
    if (lo >= hi || y[lo] >= yq)
        return lo;
    while (lo + step < hi && y[lo + step] < yq) { /* y[lo] < yq throughout */
        lo += step;
        step *= 2;
    }
    size_t h = lo + step < hi ? lo + step : hi; /* y[h] >= yq or h == hi */
    while (h - lo > 1) {
        size_t mid = lo + (h - lo) / 2;
        if (y[mid] < yq)
            lo = mid;
        else
            h = mid;
    }
    return h;
}

/* Every query of strip s; cur[t] is this thread's start in strip t for
 * the current y, valid when seen[t] == s + 1. Returns the points and
 * strips visited. */
static size_t strip_queries(const plane *p, size_t s, best *b, size_t *cur, size_t *seen,
                            mib_strips_out *out)
{
    const size_t lo = strip_begin(p, s), hi = strip_begin(p, s + 1);
    size_t work = 0;
    for (size_t q = lo; q < hi; q++) {
        const double xq = p->x[q], yq = p->y[q];
        best_reset(b);
        work += walk(p, lo, hi, q, q, xq, yq, b);
        int open[2] = {s > 0, s + 1 < p->ns}; /* left, right */
        for (size_t off = 1; open[0] || open[1]; off++)
            for (int side = 0; side < 2; side++) {
                if (!open[side])
                    continue;
                const size_t t = side ? s + off : s - off;
                const size_t tlo = strip_begin(p, t), thi = strip_begin(p, t + 1);
                const double gap = side ? p->xs[tlo] - xq : xq - p->xs[thi - 1];
                open[side] = reachable(b, gap > 0 ? gap : 0);
                if (!open[side])
                    continue;
                if (seen[t] != s + 1) {
                    seen[t] = s + 1;
                    cur[t] = tlo;
                }
                cur[t] = gallop(p->y, cur[t], thi, yq);
                work += 1 + walk(p, tlo, thi, cur[t], SIZE_MAX, xq, yq, b);
                open[side] = side ? t + 1 < p->ns : t > 0;
            }
        double r0 = b->dist[b->k - 1], r1 = r0;
        if (b->extents) {
            r0 = r1 = 0;
            for (size_t i = 0; i < b->k; i++) {
                r0 = r0 > b->ex[i] ? r0 : b->ex[i];
                r1 = r1 > b->ey[i] ? r1 : b->ey[i];
            }
        }
        out->r[0][p->xr[q]] = r0;
        out->r[1][p->yr[q]] = r1;
        out->ties |= b->dist[0] == 0;
    }
    return work;
}

int mib_strips_knn(const mib_strips_in *in, size_t k, int extents, int threads,
                   mib_strips_out *out, mib_err *err)
{
    /* visits per point before the strips give up: spread data take about
     * 2.5 k + 2, a layout they do not suit grows like sqrt(n k) */
    const size_t budget = (8 * k + 40) * in->n;
    plane p;
    unsigned ties = 0;
    int failed = 0, st = plane_build(&p, in, k, threads, err);
    size_t work = 0;
    out->gave_up = 0;
    if (st)
        goto done;
#pragma omp parallel num_threads(threads > 0 ? threads : 1) reduction(| : ties, failed)
    {
        best b = {.k = k, .extents = extents};
        b.dist = malloc(k * sizeof *b.dist);
        b.ex = malloc(k * sizeof *b.ex);
        b.ey = malloc(k * sizeof *b.ey);
        b.row = malloc(k * sizeof *b.row);
        size_t *cur = malloc(p.ns * sizeof *cur), *seen = calloc(p.ns, sizeof *seen);
        mib_strips_out mine = {.r = {out->r[0], out->r[1]}};
        const int ok = b.dist && b.ex && b.ey && b.row && cur && seen;
        failed |= !ok;
#pragma omp for schedule(dynamic, 1)
        for (size_t s = 0; s < p.ns; s++) {
            size_t done_so_far;
#pragma omp atomic read
            done_so_far = work;
            if (ok && done_so_far <= budget) {
                size_t w = strip_queries(&p, s, &b, cur, seen, &mine);
#pragma omp atomic
                work += w;
            }
        }
        ties |= mine.ties;
        free(b.dist);
        free(b.ex);
        free(b.ey);
        free(b.row);
        free(cur);
        free(seen);
    }
    if (failed)
        st = mib_fail(err, MIB_ENOMEM, "out of memory for the neighbour lists (k=%zu)", k);
    out->ties = ties;
    out->gave_up = work > budget;
done:
    plane_free(&p);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    const double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

int mib_strips_has_duplicates(const double *xy, size_t n, const size_t *yorder)
{
    enum { SMALL = 16 };
    int dup = 0;
    for (size_t lo = 0; lo < n && !dup;) {
        size_t hi = lo + 1;
        while (hi < n && xy[2 * yorder[hi] + 1] == xy[2 * yorder[lo] + 1])
            hi++;
        if (hi - lo <= SMALL) {
            for (size_t a = lo; a < hi && !dup; a++)
                for (size_t c = a + 1; c < hi && !dup; c++)
                    dup = xy[2 * yorder[a]] == xy[2 * yorder[c]];
        } else {
            double *v = malloc((hi - lo) * sizeof *v);
            if (!v)
                return 1; /* cannot tell: the caller's safe answer */
            for (size_t a = lo; a < hi; a++)
                v[a - lo] = xy[2 * yorder[a]];
            qsort(v, hi - lo, sizeof *v, cmp_double);
            for (size_t a = 1; a < hi - lo && !dup; a++)
                dup = v[a] == v[a - 1];
            free(v);
        }
        lo = hi;
    }
    return dup;
}
