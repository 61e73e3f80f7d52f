/* runner.h - the sweep: every trial of a study, run in parallel, timed and
 * recorded in a results file (layout in results.h) with crash-safe append
 * and resume.
 *
 * A cell is (generator spec, estimator spec, n), in the order generators x
 * estimators x sizes, skipping cells a [limits] entry excludes and pairs
 * of a discrete-only estimator (MIB_EST_DISCRETE) with a continuous
 * generator. A trial is
 * (cell, replicate); its data come from a stream seeded by (master seed,
 * canonical generator spec, n, replicate) only, so every estimator of a
 * cell sees the same samples and results do not depend on thread count,
 * order or resumption. The runner never prints: progress goes through a
 * callback, and a signal handler in the caller sets *stop. mib_run sets
 * OpenBLAS to one thread (openblas_set_num_threads(1)) while the trials
 * run, and restores the caller's count after them: the parallelism is
 * over trials, a BLAS pool sharing a core with a busy trial slows it down
 * by two orders of magnitude, and one BLAS thread keeps the neural
 * estimates independent of the thread count.
 */
#ifndef MIBENCH_RUN_H
#define MIBENCH_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "mibench/export.h"
#include "mibench/status.h"
#include "mibench/results.h"
#include "mibench/study.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mib_run_progress {
    size_t done, total;        /* trials recorded by this run / to run in it */
    size_t failed;             /* of those, trials with status != ok */
    const char *generator, *estimator; /* the trial just recorded */
    int64_t n;
    double elapsed;            /* seconds since the sweep began */
    double done_cost, total_cost; /* expected seconds (mib_estimator_cost) of the trials
                                     recorded / to run in this run: ETA weights */
    size_t kept;               /* trials the file held before (resume): the whole
                                  study's progress is kept + done of kept + total */
    double eta;                /* seconds left: each estimator's remaining expected
                                  cost at its own measured rate so far; -1 unknown */
} mib_run_progress;

/* The sweep's queue of trials, as other processes' trials see it (below). */
typedef struct mib_run_queue mib_run_queue;

typedef struct mib_run_options {
    const char *output;        /* the results file, OUT.h5 */
    int resume;                /* continue an existing OUT.h5 */
    int force;                 /* overwrite an existing OUT.h5 */
    int threads;               /* trials run in parallel (>= 1; 0 allowed with serve:
                                  only the other processes run trials); default 1 */
    double mem_limit;          /* bytes one trial may use; 0: half the
                                  physical memory divided by threads */
    const char *command_line;  /* provenance; may be NULL */
    volatile sig_atomic_t *stop; /* when set: finish the records in hand,
                                    close cleanly, return MIB_EINTR */
    void (*progress)(void *ctx, const mib_run_progress *p); /* may be NULL */
    void *progress_ctx;
    /* Other processes running trials of this sweep (bench/mpi does it for
     * MPI ranks). When serve is set, mib_run calls serve(serve_ctx, q) on
     * a thread of its own while its `threads` threads run trials: serve
     * hands tasks out with mib_run_queue_next, gets them run elsewhere (by
     * mib_run_worker_trial) and records their rows with
     * mib_run_queue_record, and returns once the queue is empty and every
     * task it handed out is back (or will never be). May be NULL. */
    void (*serve)(void *serve_ctx, mib_run_queue *q);
    void *serve_ctx;
} mib_run_options;

typedef struct mib_run_report {
    size_t cells;
    size_t trials;             /* cells x replicates */
    size_t kept;               /* finished trials found in the file (resume) */
    size_t ran;                /* trials run and recorded now */
    size_t failed;             /* of all recorded trials, those that failed */
    int rebuilt;               /* 1: OUT.h5 was damaged and rebuilt from its journal */
    double seconds;            /* wall time of the sweep */
    size_t journal_damaged;    /* journal lines skipped on resume: checksum or
                                  fields wrong (their trials run again unless
                                  OUT.h5 holds them) */
} mib_run_report;

MIB_API void mib_run_options_init(mib_run_options *o);

/* Run (or, with resume, continue) a study into opt->output. Failing
 * trials are recorded with their status and do not stop the sweep.
 * Returns MIB_OK when every trial is recorded, MIB_EINTR when *stop ended
 * it early (finished trials kept), MIB_EEXIST (output exists, neither
 * resume nor force), MIB_ELOCKED (another writer), MIB_EFORMAT (resume of a
 * different study, or a damaged file without journal), MIB_EIO, or the
 * status of a generator that cannot be built. rep may be NULL. */
MIB_API int mib_run(const mib_study *study, const mib_run_options *opt, mib_run_report *rep,
            mib_err *err);

/* The queue (for opt->serve): the next trial to run elsewhere, largest
 * expected cost first, into *cell and *replicate; 0 when none is left or the sweep stops
 * (a signal, a recording failure), else 1. Thread-safe. */
MIB_API int mib_run_queue_next(mib_run_queue *q, int64_t *cell, int32_t *replicate);

/* Record the row (and curve points) of a trial mib_run_queue_next handed
 * out, as the sweep's own threads do: MIB_EINVAL for a row of no handed-out
 * task (another study, a second copy). Thread-safe. */
MIB_API int mib_run_queue_record(mib_run_queue *q, const mib_trial_row *row,
                                 const mib_curve_row *curves, size_t ncurves, mib_err *err);

/* A worker: the study's generators and cells, to run trials of a sweep by
 * (cell, replicate) in another process, with the same data, seeds and
 * results as mib_run's own threads (opt: mem_limit, threads for the
 * default memory limit, stop; output is not used). Like mib_run, it sets
 * OpenBLAS to one thread until mib_run_worker_close. */
typedef struct mib_run_queue mib_run_worker;
MIB_API int mib_run_worker_open(const mib_study *study, const mib_run_options *opt,
                                mib_run_worker **out, mib_err *err);

/* Run one trial into row and its curve points into *curves (malloc'd,
 * free() them; *ncurves may be 0). A bad cell gives a failed row. Returns
 * 1 when the row is to be recorded, 0 when opt->stop cut the trial short
 * (run it again later). Thread-safe: one worker serves many threads. */
MIB_API int mib_run_worker_trial(const mib_run_worker *w, int64_t cell, int32_t replicate,
                                 mib_trial_row *row, mib_curve_row **curves, size_t *ncurves);

MIB_API void mib_run_worker_close(mib_run_worker *w);

/* The data seed of a trial; generator is the cell's canonical generator
 * spec without its view parameters (mib_spec_format_draw), which for a
 * generator without views is its canonical spec. */
MIB_API uint64_t mib_run_trial_seed(uint64_t master, const char *generator, int64_t n,
                            int32_t replicate);

#ifdef __cplusplus
}
#endif
#endif
