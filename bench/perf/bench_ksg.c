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
#include "bench/perf/measure.h"


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
            mib_measure m = mib_measure_estimate(&spec, n1, 1, 0, t + 1);
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
        w[t] = mib_measure_median(wall[t], reps);
        printf("%8d %10.4f %10.4f %10.1f %20.15g\n", t + 1, w[t], mib_measure_median(cpu[t], reps), rss[t],
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
            mib_measure last = {0};
            for (int r = 0; r < reps; r++) {
                last = mib_measure_estimate(&spec, n, 5, 0, 1);
                c[r] = last.cpu;
            }
            double t = mib_measure_median(c, reps);
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
        mib_measure b = mib_measure_estimate(&spec, 10000000, 1, 0, 2);
        printf("\n# N = 1e7, 1+1-D, 2 threads: %.2f s wall, peak RSS %.0f MB (data 160 MB)\n",
               b.wall, b.rss_mb);
    }
    return 0;
}
