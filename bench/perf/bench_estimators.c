/* bench_estimators.c - time, scaling and peak memory of every classical
 * estimator in the registry (those without online training): N = 1e3 ..
 * 1e6 with 1-D x and 1-D y, and N = 1e3 .. 1e5 with 5-D x and 5-D y,
 * correlated Gaussians (rho = 0.5 per coordinate pair), one thread unless
 * --threads; kde stops at its size limit. Each measurement runs in a forked
 * child so its peak RSS (getrusage) is its own. Prints CPU seconds (all
 * threads; the fair measure on a shared machine, equal to wall time for
 * one thread on an idle one) and wall seconds, the least-squares log-log
 * slope of time against N over N >= 1e4 (over all N for kde), and KSG-1's
 * ratios against the reference times in issue 3 (scikit-learn 8 s at
 * N = 1e6 1-D; NPEET 21 s at N = 1e5 5-D/5-D). Built by meson, never run
 * in CI; run it under nice.
 *   usage: bench_estimators [--quick] [--threads T] [--est SPEC]... */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "mibench/mibench.h"

#define MAX_EST 32
#define SKLEARN_KSG_1E6_1D 8.0 /* seconds, issue 3 */
#define NPEET_KSG_1E5_5D 21.0

typedef struct measure {
    int status;     /* MIB_* or -1 when the child died */
    double seconds; /* CPU time of the call (all threads) */
    double wall, mi, rss_mb;
} measure;

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* n rows of the registry's gaussian:dim=d,rho=0.5; for discrete
 * estimators, rounded down to a few integer levels. */
static int draw(size_t n, size_t d, int discrete, double *x, double *y, mib_err *err)
{
    char text[64];
    mib_spec spec;
    mib_generator *g = NULL;
    gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(20240601, n * 16 + d));
    snprintf(text, sizeof text, "gaussian:dim=%zu,rho=0.5", d);
    int st = r ? MIB_OK : mib_fail(err, MIB_ENOMEM, "out of memory");
    if (st == MIB_OK && !(st = mib_generator_spec_parse(text, &spec, err)) &&
        !(st = mib_generator_alloc(&spec, &g, err)))
        st = mib_generator_sample(g, r, n, x, y);
    for (size_t i = 0; st == MIB_OK && discrete && i < n * d; i++) {
        x[i] = floor(2 * x[i]);
        y[i] = floor(2 * y[i]);
    }
    mib_generator_free(g);
    gsl_rng_free(r);
    return st;
}

/* One estimate in a forked child; the result comes back through a pipe. */
static measure run_child(const mib_spec *spec, const mib_data *data, int threads)
{
    measure m = {-1, NAN, NAN, NAN, NAN};
    int fd[2];
    if (pipe(fd) != 0)
        return m;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        mib_workspace ws;
        mib_workspace_init(&ws);
        ws.threads = threads;
        mib_result res;
        mib_err err = {""};
        double w0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        m.status = mib_estimate(data, spec, &ws, &res, &err);
        m.seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        m.wall = clock_seconds(CLOCK_MONOTONIC) - w0;
        m.mi = res.mi;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        m.rss_mb = (double)ru.ru_maxrss / 1024.0;
        if (write(fd[1], &m, sizeof m) != (ssize_t)sizeof m)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (pid > 0) {
        if (read(fd[0], &m, sizeof m) != (ssize_t)sizeof m)
            m.status = -1;
        waitpid(pid, NULL, 0);
    }
    close(fd[0]);
    return m;
}

/* Least-squares slope of log t against log n over the points with
 * n >= nmin. */
static double slope_from(const size_t *ns, const measure *ms, size_t count, size_t nmin)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int m = 0;
    for (size_t i = 0; i < count; i++) {
        if (ns[i] < nmin || ms[i].status != MIB_OK || !(ms[i].seconds > 0))
            continue;
        double a = log((double)ns[i]), b = log(ms[i].seconds);
        sx += a;
        sy += b;
        sxx += a * a;
        sxy += a * b;
        m++;
    }
    if (m < 2)
        return NAN;
    return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

/* The slope over N >= 1e4, or over every N when fewer than two are that
 * large (kde stops at its limit). */
static double slope(const size_t *ns, const measure *ms, size_t count)
{
    double s = slope_from(ns, ms, count, 10000);
    return isnan(s) ? slope_from(ns, ms, count, 0) : s;
}

int main(int argc, char **argv)
{
    int threads = 1, quick = 0;
    const char *only[MAX_EST];
    size_t nonly = 0;
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--est") == 0 && i + 1 < argc && nonly < MAX_EST)
            only[nonly++] = argv[++i];
        else {
            fprintf(stderr, "usage: bench_estimators [--quick] [--threads T] [--est SPEC]...\n"
                            "  --quick: stop at N = 1e5 (1-D) and 1e4 (5-D)\n");
            return 2;
        }
    }
    if (threads < 1)
        threads = 1;
    /* KSG-1 at k = 3 with its other defaults: the setting the peers' times are for */
    mib_spec ksg_ref;
    char ksg_canon[256];
    mib_err ref_err = {""};
    if (mib_estimator_spec_parse("ksg1:k=3", &ksg_ref, &ref_err) ||
        mib_spec_format(&ksg_ref, ksg_canon, sizeof ksg_canon)) {
        fprintf(stderr, "bench_estimators: %s\n", ref_err.msg);
        return 2;
    }

    mib_spec specs[MAX_EST];
    size_t nspec = 0;
    mib_err err = {""};
    if (nonly) {
        for (size_t i = 0; i < nonly; i++)
            if (mib_estimator_spec_parse(only[i], &specs[nspec++], &err)) {
                fprintf(stderr, "bench_estimators: %s\n", err.msg);
                return 2;
            }
    } else {
        for (size_t i = 0; mib_estimator_at(i) && nspec < MAX_EST; i++)
            if (!(mib_estimator_at(i)->flags & MIB_EST_ONLINE) &&
                mib_estimator_spec_parse(mib_estimator_at(i)->info.name, &specs[nspec++], &err)) {
                fprintf(stderr, "bench_estimators: %s\n", err.msg);
                return 2;
            }
    }

    const struct { size_t d, maxn; } shapes[2] = {{1, quick ? 100000 : 1000000},
                                                  {5, quick ? 10000 : 100000}};
    printf("# mibench estimator benchmark: %d thread(s); rho = 0.5 Gaussians; one "
           "mib_estimate call each: CPU and wall seconds, peak RSS\n", threads);
    printf("%-44s %5s %9s %10s %10s %20s %9s\n", "estimator", "dims", "N", "cpu_s", "wall_s",
           "estimate", "rss_MB");
    double ksg_1d = NAN, ksg_5d = NAN;
    for (int s = 0; s < 2; s++) {
        size_t d = shapes[s].d, ns[8], count = 0;
        for (size_t n = 1000; n <= shapes[s].maxn; n *= 10)
            ns[count++] = n;
        for (size_t e = 0; e < nspec; e++) {
            const mib_estimator_type *t = mib_estimator_type_of(&specs[e], NULL);
            char canon[256];
            mib_spec_format(&specs[e], canon, sizeof canon);
            measure ms[8];
            for (size_t c = 0; c < count; c++) {
                size_t n = ns[c];
                double *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
                if (!x || !y) {
                    fprintf(stderr, "bench_estimators: out of memory\n");
                    return 1;
                }
                if (draw(n, d, (t->flags & MIB_EST_DISCRETE) != 0, x, y, &err)) {
                    fprintf(stderr, "bench_estimators: %s\n", err.msg);
                    return 1;
                }
                mib_data data = {.n = n, .dx = d, .dy = d, .x = x, .y = y};
                ms[c] = run_child(&specs[e], &data, threads);
                free(x);
                free(y);
                char dims[16];
                snprintf(dims, sizeof dims, "%zu+%zu", d, d);
                if (ms[c].status == MIB_OK)
                    printf("%-44s %5s %9zu %10.4f %10.4f %20.12g %9.1f\n", canon, dims, n,
                           ms[c].seconds, ms[c].wall, ms[c].mi, ms[c].rss_mb);
                else
                    printf("%-44s %5s %9zu %10s %10s %20s %9s\n", canon, dims, n, "skipped", "",
                           ms[c].status < 0 ? "(crashed)" : mib_status_name(ms[c].status), "");
                fflush(stdout);
                if (strcmp(canon, ksg_canon) == 0 &&
                    ms[c].status == MIB_OK) {
                    if (d == 1 && n == 1000000)
                        ksg_1d = ms[c].seconds;
                    if (d == 5 && n == 100000)
                        ksg_5d = ms[c].seconds;
                }
            }
            printf("%-44s %5zu+%zu log-log slope = %.3f\n", canon, d, d, slope(ns, ms, count));
        }
    }
    printf("\n# KSG-1 k=3 against the issue's reference times (%d thread(s), CPU seconds)\n",
           threads);
    printf("N=1e6 1+1-D: %.3f s; scikit-learn %.0f s -> %.1fx faster (target >= 10x, < 0.8 s)\n",
           ksg_1d, SKLEARN_KSG_1E6_1D, SKLEARN_KSG_1E6_1D / ksg_1d);
    printf("N=1e5 5+5-D: %.3f s; NPEET %.0f s -> %.1fx faster (target >= 10x, < 2 s)\n", ksg_5d,
           NPEET_KSG_1E5_5D, NPEET_KSG_1E5_5D / ksg_5d);
    return 0;
}
