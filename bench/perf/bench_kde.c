/* bench_kde.c - the leave-one-out KDE's pair throughput against this
 * machine's limit. kde at N = 1e4 (1+1-D, 3+3-D, 5+5-D; one thread, best
 * of --reps) in pairs per second, N (N - 1) / CPU seconds; the limit is
 * two exps per pair at the rate of glibc's vector exp (libmvec, measured
 * here on 256-lane blocks as kde calls it, with this build's widest
 * clone), so "% of limit" is the share of the pair loop that exp alone
 * would take. The sums run in row order (kde.c), a chain of dependent adds
 * the limit ignores. Needs an idle machine (CPU/wall shows how busy it is).
 *   usage: bench_kde [--reps R (3)] [--n N (10000)] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "mibench/mibench.h"
#include "bench/perf/measure.h"

#pragma omp declare simd notinbranch
extern double exp(double);

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static double exp_block(double *k, size_t m, double c)
{
#pragma omp simd
    for (size_t b = 0; b < m; b++)
        k[b] = exp(-c * k[b]);
    return k[0];
}

/* exps per CPU second of the vector exp on blocks of 256 */
static double exp_rate(void)
{
    double k[256], sink = 0;
    const size_t rounds = 200000;
    double t0 = mib_measure_clock(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t r = 0; r < rounds; r++) {
        for (size_t b = 0; b < 256; b++)
            k[b] = (double)b * 0.01;
        sink += exp_block(k, 256, 0.5 + (double)r * 1e-9);
    }
    double t = mib_measure_clock(CLOCK_PROCESS_CPUTIME_ID) - t0;
    return sink == 0 ? NAN : 256.0 * (double)rounds / t;
}

int main(int argc, char **argv)
{
    int reps = 3;
    size_t n = 10000;
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            n = (size_t)atof(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_kde [--reps R] [--n N]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 64 || n < 10 || n > 50000) {
        fprintf(stderr, "bench_kde: --reps in [1, 64], --n in [10, 50000]\n");
        return 2;
    }
    mib_spec spec;
    mib_err err = {""};
    if (mib_estimator_spec_parse("kde", &spec, &err)) {
        fprintf(stderr, "bench_kde: %s\n", err.msg);
        return 2;
    }
    double rate = exp_rate(), limit = rate / 2;
    printf("# vector exp: %.3g exps/s on one core -> limit %.3g pairs/s (two exps a pair)\n",
           rate, limit);
    printf("# kde, N = %zu, one thread, best of %d\n", n, reps);
    printf("%6s %10s %10s %14s %10s %20s\n", "dims", "cpu_s", "wall_s", "pairs/s", "% limit",
           "estimate");
    const size_t dims[] = {1, 3, 5};
    for (size_t s = 0; s < 3; s++) {
        mib_measure best = {.cpu = INFINITY};
        for (int r = 0; r < reps; r++) {
            mib_measure m = mib_measure_estimate(&spec, n, dims[s], 0, 1);
            if (m.status != MIB_OK) {
                fprintf(stderr, "bench_kde: the estimate failed (%d)\n", m.status);
                return 1;
            }
            if (m.cpu < best.cpu)
                best = m;
        }
        double pairs = (double)n * (double)(n - 1) / best.cpu;
        printf("%3zu+%-2zu %10.4f %10.4f %14.4g %9.1f%% %20.15g\n", dims[s], dims[s], best.cpu,
               best.wall, pairs, 100 * pairs / limit, best.mi);
    }
    return 0;
}
