/* bench_record.c - what the sweep's writer costs per trial: the time inside
 * mib_run_queue_record (the path every trial of another MPI rank takes on
 * rank 0: one journal write, the committer's batch, the summary) for
 * trials with 0 and with 20,000 curve points (a poole2019 trial), and the
 * trials per second that one writer can therefore store. The rows come
 * from real trials (gaussian estimator, N = 100) run by a worker in the
 * serve thread; only the recording is timed. The committer's fsyncs run on
 * their own thread, as in a sweep.
 *   usage: bench_record [--trials T (20000)] [--curve K (20000)] [-o DIR (/tmp)]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mibench/mibench.h"

typedef struct bench {
    const mib_study *study;
    size_t points;       /* curve points attached to each row */
    double seconds;      /* inside mib_run_queue_record */
    size_t recorded;
} bench;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void serve(void *ctx, mib_run_queue *q)
{
    bench *b = ctx;
    mib_run_options o;
    mib_run_worker *w = NULL;
    mib_err err = {""};
    mib_run_options_init(&o);
    mib_curve_row *pts = calloc(b->points + 1, sizeof *pts);
    if (!pts || mib_run_worker_open(b->study, &o, &w, &err)) {
        fprintf(stderr, "bench_record: %s\n", pts ? err.msg : "out of memory");
        free(pts);
        return;
    }
    int64_t cell;
    int32_t rep;
    while (mib_run_queue_next(q, &cell, &rep)) {
        mib_trial_row row;
        mib_curve_row *none;
        size_t nc;
        mib_run_worker_trial(w, cell, rep, &row, &none, &nc);
        free(none);
        for (size_t i = 0; i < b->points; i++)
            pts[i] = (mib_curve_row){.cell = cell, .replicate = rep, .step = (int64_t)i,
                                     .estimate = 1.0 + 1e-6 * (double)i, .true_mi = 2.0};
        double t0 = now();
        if (mib_run_queue_record(q, &row, pts, b->points, &err) == MIB_OK)
            b->recorded++;
        b->seconds += now() - t0;
    }
    mib_run_worker_close(w);
    free(pts);
}

/* One sweep of `trials` trials; the serve thread records most of them. */
static int measure(size_t trials, size_t points, const char *dir, bench *b)
{
    char text[512], out[4200];
    snprintf(text, sizeof text, "[study]\nname = record\nseed = 1\nreplicates = %zu\nn = 100\n"
             "[generators]\ngen = gaussian:rho=0.5\n[estimators]\nest = gaussian\n", trials);
    snprintf(out, sizeof out, "%s/bench_record_%d.h5", dir, (int)getpid());
    mib_study s;
    mib_err err = {""};
    mib_study_init(&s);
    int st = mib_study_parse(text, "record", &s, &err);
    *b = (bench){.study = &s, .points = points};
    mib_run_options o;
    mib_run_options_init(&o);
    o.output = out;
    o.force = 1;
    o.serve = serve;
    o.serve_ctx = b;
    if (!st)
        st = mib_run(&s, &o, NULL, &err);
    if (st)
        fprintf(stderr, "bench_record: %s\n", err.msg);
    mib_study_free(&s);
    unlink(out);
    return st;
}

int main(int argc, char **argv)
{
    size_t trials = 20000, curve = 20000;
    const char *dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc)
            trials = (size_t)atof(argv[++i]);
        else if (strcmp(argv[i], "--curve") == 0 && i + 1 < argc)
            curve = (size_t)atof(argv[++i]);
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_record [--trials T] [--curve K] [-o DIR]\n");
            return 2;
        }
    }
    bench b;
    if (measure(trials, 0, dir, &b))
        return 1;
    printf("writer, trials without curves: %zu recorded, %.2f us each, %.0f trials/s "
           "(target >= 20000/s)\n", b.recorded, 1e6 * b.seconds / (double)b.recorded,
           (double)b.recorded / b.seconds);
    size_t few = trials / 10 > 20 ? trials / 10 : 20; /* the serve thread gets ~1% */
    if (measure(few, curve, dir, &b))
        return 1;
    printf("writer, trials with %zu curve points: %zu recorded, %.2f ms each, %.1f trials/s, "
           "%.0f curve points/s\n", curve, b.recorded, 1e3 * b.seconds / (double)b.recorded,
           (double)b.recorded / b.seconds, (double)(b.recorded * curve) / b.seconds);
    return 0;
}
