/* measure.h - what the benchmark programs share: one estimate timed in a
 * forked child (so its peak RSS is its own), on the registry's correlated
 * Gaussian (gaussian:dim=d,rho=0.5) drawn from a fixed stream. */
#ifndef MIB_PERF_MEASURE_H
#define MIB_PERF_MEASURE_H
#include <stddef.h>
#include <time.h>
#include "mibench/mibench.h"

typedef struct mib_measure {
    int status;               /* MIB_* of the estimate, or -1 when the child died */
    double cpu, wall, mi, rss_mb; /* CPU seconds (all threads), wall seconds, nats, MB */
} mib_measure;

/* Seconds on a clock. */
double mib_measure_clock(clockid_t id);

/* n rows of gaussian:dim=d,rho=0.5 from a stream fixed by (n, d); for
 * discrete estimators, rounded down to a few integer levels. */
int mib_measure_draw(size_t n, size_t d, int discrete, double *x, double *y, mib_err *err);

/* One estimate of spec on n rows of dimension d (drawn in the child) with
 * `threads` threads, timed and measured in a forked child. */
mib_measure mib_measure_estimate(const mib_spec *spec, size_t n, size_t d, int discrete,
                                 int threads);

/* Median of v[0..n-1] (sorts v). */
double mib_measure_median(double *v, int n);

#endif
