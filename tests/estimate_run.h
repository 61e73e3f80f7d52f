/* estimate_run.h - helpers the estimator suites share: draw() makes
 * correlated Gaussian test data; run() is the one way they call an
 * estimator: parse spec_text (a parse failure fails the test), run
 * mib_estimate on row-major x (n*dx) and y (n*dy) with `threads`, return
 * its status; the brute-force k-NN references (test_ksg.c, test_cmi.c)
 * share maxdiff() and the (distance, row) order of neighbours. */
#ifndef MIB_TESTS_ESTIMATE_RUN_H
#define MIB_TESTS_ESTIMATE_RUN_H

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"

/* n rows: x_j, y_j correlated rho for j < min(dx, dy), the rest independent
 * N(0, 1); or, with levels > 0, integers floor(levels * Phi-ish) for ties. */
static inline void draw(uint64_t seed, size_t n, size_t dx, size_t dy, double rho, int levels,
                 double *x, double *y)
{
    gsl_rng *r = mib_rng_alloc(seed);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dx; j++)
            x[i * dx + j] = gsl_ran_gaussian(r, 1);
        for (size_t j = 0; j < dy; j++) {
            double e = gsl_ran_gaussian(r, 1);
            y[i * dy + j] = j < dx ? rho * x[i * dx + j] + sqrt(1 - rho * rho) * e : e;
        }
    }
    if (levels > 0)
        for (size_t i = 0; i < n * dx; i++)
            x[i] = floor(x[i] * levels / 3);
    if (levels > 0)
        for (size_t i = 0; i < n * dy; i++)
            y[i] = floor(y[i] * levels / 3);
    gsl_rng_free(r);
}

static inline int run(const char *spec_text, size_t n, size_t dx, size_t dy, const double *x,
                      const double *y, int threads, mib_result *res, mib_err *err)
{
    mib_spec spec;
    int st = mib_estimator_spec_parse(spec_text, &spec, err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err->msg);
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = threads;
    mib_data d = {.n = n, .dx = dx, .dy = dy, .x = x, .y = y};
    return mib_estimate(&d, &spec, &ws, res, err);
}

/* Max-norm distance of two d-vectors. */
static inline double maxdiff(const double *a, const double *b, size_t d)
{
    double m = 0;
    for (size_t j = 0; j < d; j++)
        m = fmax(m, fabs(a[j] - b[j]));
    return m;
}

/* A neighbour at distance d, row j; by_dist_row sorts by (d, j): equal
 * distances go to the smaller row, as the KD-tree breaks ties. */
typedef struct pair {
    double d;
    size_t j;
} pair;

static inline int by_dist_row(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->d != q->d)
        return p->d < q->d ? -1 : 1;
    return p->j < q->j ? -1 : p->j > q->j;
}

/* others[0 .. n-2]: every row j != i with its max-norm distance to row i in
 * the joint space of the nb blocks a[b] (row-major, n x d[b]), sorted by
 * (distance, row). */
static inline void sorted_neighbours(const double *const *a, const size_t *d, int nb, size_t n,
                                     size_t i, pair *others)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        double e = 0;
        for (int b = 0; b < nb; b++)
            e = fmax(e, maxdiff(a[b] + i * d[b], a[b] + j * d[b], d[b]));
        others[m++] = (pair){e, j};
    }
    qsort(others, n - 1, sizeof *others, by_dist_row);
}

/* Write n rows x0,y0,z0 (17 digits, exact) to a new file made from the
 * mkstemp template path (rewritten in place). */
static inline void write_xyz_csv(char *path, size_t n, const double *x, const double *y,
                                 const double *z)
{
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    cr_assert(f);
    fprintf(f, "x0,y0,z0\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.17g,%.17g,%.17g\n", x[i], y[i], z[i]);
    fclose(f);
}

/* The first output line of the shell command cmd, which must exit 0. */
static inline void command_line(const char *cmd, char *line, int len)
{
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    cr_assert(fgets(line, len, p), "%s: no output", cmd);
    cr_assert_eq(pclose(p), 0, "%s", cmd);
}

/* The number after "key": in a line of `mibench ... --json` (the suites
 * that compare the CLI with the library). */
static inline double json_number(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *at = strstr(line, pat);
    cr_assert(at, "no %s in %s", key, line);
    return strtod(at + strlen(pat), NULL);
}

#endif
