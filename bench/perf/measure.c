/* measure.c - one estimate in a forked child: data drawn there from the
 * generator registry, CPU and wall time around mib_estimate, peak RSS from
 * getrusage, the result back through a pipe. Cost: one fork per estimate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/perf/measure.h"

double mib_measure_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int mib_measure_draw(size_t n, size_t d, int discrete, double *x, double *y, mib_err *err)
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

/* The child's side: draw, estimate, write the measure to fd; never returns. */
static void child(const mib_spec *spec, size_t n, size_t d, int discrete, int threads, int fd)
{
    mib_measure m = {-1, NAN, NAN, NAN, NAN};
    mib_err err = {""};
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
    if (!x || !y || mib_measure_draw(n, d, discrete, x, y, &err))
        _exit(1);
    mib_data data = {.n = n, .dx = d, .dy = d, .x = x, .y = y};
    mib_workspace ws;
    mib_result res;
    mib_workspace_init(&ws);
    ws.threads = threads;
    double w0 = mib_measure_clock(CLOCK_MONOTONIC), c0 = mib_measure_clock(CLOCK_PROCESS_CPUTIME_ID);
    m.status = mib_estimate(&data, spec, &ws, &res, &err);
    m.cpu = mib_measure_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
    m.wall = mib_measure_clock(CLOCK_MONOTONIC) - w0;
    m.mi = res.mi;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    m.rss_mb = (double)ru.ru_maxrss / 1024.0;
    _exit(write(fd, &m, sizeof m) == (ssize_t)sizeof m ? 0 : 1);
}

mib_measure mib_measure_estimate(const mib_spec *spec, size_t n, size_t d, int discrete,
                                 int threads)
{
    mib_measure m = {-1, NAN, NAN, NAN, NAN};
    int fd[2];
    if (pipe(fd) != 0)
        return m;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        child(spec, n, d, discrete, threads, fd[1]);
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

double mib_measure_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
