/* bench_ksg.c - KSG-1 (k = 3) speed, thread scaling and peak memory: 1+1-D
 * correlated Gaussians (rho 0.5) at N = 1e6 on 1 and 2 threads (median of
 * --reps runs, wall and CPU seconds, the 2-thread speed-up), 5+5-D from
 * N = 1e3 to 1e5 with the least-squares log-log slope of CPU time, and the
 * peak RSS of one 1+1-D estimate at N = 1e7 (--big), each measurement in a
 * forked child so its RSS is its own. Wall-clock speed-ups need an idle
 * machine: the CPU/wall columns show how busy it was.
 *   usage: bench_ksg [--reps R (3)] [--n N (1e6)] [--no-5d] [--big] [--est SPEC]
 */
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

typedef struct measure {
    int status;
    double cpu, wall, mi, rss_mb;
} measure;

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int draw(size_t n, size_t d, double *x, double *y)
{
    char text[64];
    mib_spec spec;
    mib_err err;
    mib_generator *g = NULL;
    gsl_rng *r = mib_rng_alloc(mib_rng_seed_combine(20240601, n * 16 + d));
    snprintf(text, sizeof text, "gaussian:dim=%zu,rho=0.5", d);
    int st = !r || mib_generator_spec_parse(text, &spec, &err) ||
             mib_generator_alloc(&spec, &g, &err) || mib_generator_sample(g, r, n, x, y);
    mib_generator_free(g);
    gsl_rng_free(r);
    return st;
}

/* One estimate of n rows of dimension d in a forked child (drawn there,
 * so the parent stays small and the RSS is the estimate's plus its data). */
static measure run_child(const mib_spec *spec, size_t n, size_t d, int threads)
{
    measure m = {-1, NAN, NAN, NAN, NAN};
    int fd[2];
    if (pipe(fd) != 0)
        return m;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        double *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
        if (!x || !y || draw(n, d, x, y))
            _exit(1);
        mib_data data = {.n = n, .dx = d, .dy = d, .x = x, .y = y};
        mib_workspace ws;
        mib_workspace_init(&ws);
        ws.threads = threads;
        mib_result res;
        mib_err err = {""};
        double w0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        m.status = mib_estimate(&data, spec, &ws, &res, &err);
        m.cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    int reps = 3, five = 1, big = 0;
    size_t n1 = 1000000;
    const char *est = "ksg1:k=3";
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            n1 = (size_t)atof(argv[++i]);
        else if (strcmp(argv[i], "--no-5d") == 0)
            five = 0;
        else if (strcmp(argv[i], "--big") == 0)
            big = 1;
        else if (strcmp(argv[i], "--est") == 0 && i + 1 < argc)
            est = argv[++i];
        else {
            fprintf(stderr, "usage: bench_ksg [--reps R] [--n N] [--no-5d] [--big] [--est SPEC]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 64)
        reps = 3;
    mib_spec spec;
    mib_err err = {""};
    if (mib_estimator_spec_parse(est, &spec, &err)) {
        fprintf(stderr, "bench_ksg: %s\n", err.msg);
        return 2;
    }
    printf("# %s, 1+1-D, N = %zu, median of %d (threads interleaved)\n", est, n1, reps);
    printf("%8s %10s %10s %10s %20s\n", "threads", "wall_s", "cpu_s", "rss_MB", "estimate");
    double wall[2][64], cpu[2][64], mi[2] = {NAN, NAN}, rss[2] = {0, 0};
    for (int r = 0; r < reps; r++)
        for (int t = 0; t < 2; t++) {
            measure m = run_child(&spec, n1, 1, t + 1);
            if (m.status != MIB_OK) {
                fprintf(stderr, "bench_ksg: the estimate failed (%d)\n", m.status);
                return 1;
            }
            wall[t][r] = m.wall;
            cpu[t][r] = m.cpu;
            mi[t] = m.mi;
            rss[t] = m.rss_mb;
        }
    double w[2];
    for (int t = 0; t < 2; t++) {
        w[t] = median(wall[t], reps);
        printf("%8d %10.4f %10.4f %10.1f %20.15g\n", t + 1, w[t], median(cpu[t], reps), rss[t],
               mi[t]);
    }
    printf("two threads: %.2fx faster than one (wall)%s\n", w[0] / w[1],
           mi[0] == mi[1] ? "; same bits" : "; ESTIMATES DIFFER");
    if (five) {
        printf("\n# %s, 5+5-D, one thread\n%8s %10s %10s %20s\n", est, "N", "cpu_s", "wall_s",
               "estimate");
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = 0;
        for (size_t n = 1000; n <= 100000; n *= 10) {
            double c[64];
            measure last = {0};
            for (int r = 0; r < reps; r++) {
                last = run_child(&spec, n, 5, 1);
                c[r] = last.cpu;
            }
            double t = median(c, reps);
            printf("%8zu %10.4f %10.4f %20.15g\n", n, t, last.wall, last.mi);
            sx += log((double)n);
            sy += log(t);
            sxx += log((double)n) * log((double)n);
            sxy += log((double)n) * log(t);
            m++;
        }
        printf("log-log slope 1e3..1e5: %.3f\n", (m * sxy - sx * sy) / (m * sxx - sx * sx));
    }
    if (big) {
        measure b = run_child(&spec, 10000000, 1, 2);
        printf("\n# N = 1e7, 1+1-D, 2 threads: %.2f s wall, peak RSS %.0f MB (data 160 MB)\n",
               b.wall, b.rss_mb);
    }
    return 0;
}
