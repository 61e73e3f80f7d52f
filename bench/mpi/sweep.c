/* sweep.c - one sweep across MPI ranks (bench/mpi/sweep.h). Rank 0 runs
 * mib_run; its serve thread answers the other ranks' threads from the
 * sweep's queue and records the rows they send back. A worker thread sends
 * a request (tag = its thread number) that carries the row and curve
 * points of its last trial, if any; rank 0 answers on the same tag with
 * the next (cell, replicate) or stop. Each rank first says how many
 * threads it runs (TAG_HELLO, 0 when its set-up failed), so rank 0 knows
 * whom to wait for. Only the serve thread calls MPI on rank 0, and one
 * thread at a time on the others: MPI_THREAD_SERIALIZED.
 * Cost per trial: two messages, a row (about 760 bytes) and its curve
 * points; rank 0 polls with a back-off of at most 1 ms when idle. */
#include <mpi.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench/mpi/sweep.h"

#define TAG_HELLO 32000 /* above any thread number; MPI guarantees tags up to 32767 */

typedef struct request_head {
    int32_t has_row; /* 1: a trial row and ncurves curve points follow */
    int32_t pad;
    int64_t ncurves;
} request_head;

typedef struct reply {
    int64_t cell;
    int32_t replicate;
    int32_t go;      /* 1: run (cell, replicate); 0: stop */
} reply;

typedef struct server {
    int size;
    int hellos;             /* ranks that said how many threads they run */
    long expected, stopped; /* their threads, and those told to stop */
    char *buf;
    size_t cap;
    size_t refused;         /* rows the queue refused; err has the first */
    mib_err err;
} server;

int mib_mpi_built(void)
{
    return 1;
}

int mib_mpi_init(int *rank, int *size, mib_err *err)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return mib_fail(err, MIB_EIO, "MPI_Init_thread failed");
    if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        return mib_fail(err, MIB_EUNSUPPORTED, "this MPI offers thread level %d; mibench needs "
                        "MPI_THREAD_SERIALIZED (%d)", provided, MPI_THREAD_SERIALIZED);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return MIB_OK;
}

void mib_mpi_finalize(void)
{
    int init = 0, done = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&done);
    if (init && !done)
        MPI_Finalize();
}

/* The row of a request, recorded through the queue (NULL: dropped, the
 * sweep is over). */
static void take_row(server *sv, mib_run_queue *q, const char *msg, int len)
{
    request_head h;
    memcpy(&h, msg, sizeof h);
    if (!h.has_row || !q)
        return;
    size_t need = sizeof h + sizeof(mib_trial_row) + (size_t)h.ncurves * sizeof(mib_curve_row);
    mib_err e = {""};
    int st;
    if (h.ncurves < 0 || (size_t)len != need) {
        st = mib_fail(&e, MIB_EFORMAT, "a message of %d bytes from another rank, %zu expected "
                      "(are all ranks the same mibench build?)", len, need);
    } else {
        mib_trial_row row;
        mib_curve_row *curves = NULL;
        memcpy(&row, msg + sizeof h, sizeof row);
        if (h.ncurves && !(curves = malloc((size_t)h.ncurves * sizeof *curves)))
            st = mib_fail(&e, MIB_ENOMEM, "out of memory receiving curve points");
        else {
            if (h.ncurves)
                memcpy(curves, msg + sizeof h + sizeof row, (size_t)h.ncurves * sizeof *curves);
            st = mib_run_queue_record(q, &row, curves, (size_t)h.ncurves, &e);
        }
        free(curves);
    }
    if (st && !sv->refused++)
        sv->err = e;
}

/* Answer requests until every rank has said hello and every thread it
 * announced was told to stop; q == NULL answers stop to everyone. */
static void serve_until_done(server *sv, mib_run_queue *q)
{
    long idle_ns = 0;
    while (sv->hellos < sv->size - 1 || sv->stopped < sv->expected) {
        int flag = 0, len = 0;
        MPI_Status ms;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms);
        if (!flag) {
            idle_ns = idle_ns ? (idle_ns < 500000 ? 2 * idle_ns : 1000000) : 10000;
            nanosleep(&(struct timespec){0, idle_ns}, NULL);
            continue;
        }
        idle_ns = 0;
        MPI_Get_count(&ms, MPI_BYTE, &len);
        if ((size_t)len > sv->cap) {
            char *g = realloc(sv->buf, (size_t)len);
            if (g) {
                sv->buf = g;
                sv->cap = (size_t)len;
            }
        }
        if ((size_t)len > sv->cap || len < (int)sizeof(int32_t)) { /* cannot take it */
            MPI_Recv(NULL, 0, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE); /* truncation error: MPI aborts the job */
            continue;
        }
        MPI_Recv(sv->buf, len, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (ms.MPI_TAG == TAG_HELLO) {
            int32_t threads;
            memcpy(&threads, sv->buf, sizeof threads);
            sv->hellos++;
            sv->expected += threads;
            continue;
        }
        if ((size_t)len >= sizeof(request_head))
            take_row(sv, q, sv->buf, len);
        reply r = {0, 0, 0};
        r.go = q && mib_run_queue_next(q, &r.cell, &r.replicate);
        sv->stopped += !r.go;
        MPI_Send(&r, sizeof r, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD);
    }
}

static void serve(void *ctx, mib_run_queue *q)
{
    serve_until_done(ctx, q);
}

/* A request carrying the last trial (has == 0: none) in *msg. */
static int request(int has, const mib_trial_row *row, const mib_curve_row *curves, size_t nc,
                   char **msg, size_t *cap)
{
    request_head h = {has, 0, has ? (int64_t)nc : 0};
    size_t len = sizeof h + (has ? sizeof *row + nc * sizeof *curves : 0);
    if (len > *cap) {
        char *g = realloc(*msg, len);
        if (!g) { /* the trial is lost to this run; --resume runs it again */
            h = (request_head){0, 0, 0};
            len = sizeof h;
        } else {
            *msg = g;
            *cap = len;
        }
    }
    if (*cap < sizeof h && !(*msg = malloc(*cap = sizeof h)))
        return -1;
    memcpy(*msg, &h, sizeof h);
    if (h.has_row) {
        memcpy(*msg + sizeof h, row, sizeof *row);
        if (nc)
            memcpy(*msg + sizeof h + sizeof *row, curves, nc * sizeof *curves);
    }
    return (int)len;
}

/* A rank > 0: say how many threads it runs, then run what rank 0 hands
 * out until it says stop. */
static int work(const mib_study *study, const mib_run_options *opt, mib_run_report *rep,
                mib_err *err)
{
    mib_run_worker *w = NULL;
    int st = mib_run_worker_open(study, opt, &w, err);
    int32_t threads = st ? 0 : opt->threads;
    size_t ran = 0;
    MPI_Send(&threads, sizeof threads, MPI_BYTE, 0, TAG_HELLO, MPI_COMM_WORLD);
    if (st)
        return st;
#pragma omp parallel num_threads(threads) reduction(+ : ran)
    {
        int tag = omp_get_thread_num(), has = 0;
        mib_trial_row row;
        mib_curve_row *curves = NULL;
        size_t nc = 0, cap = 0;
        char *msg = NULL;
        for (reply r = {0, 0, 1}; r.go;) {
            int len = request(has, &row, curves, nc, &msg, &cap);
            r.go = 0;
#pragma omp critical(mib_mpi)
            if (len > 0) {
                MPI_Send(msg, len, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
                MPI_Recv(&r, sizeof r, MPI_BYTE, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            }
            free(curves);
            curves = NULL;
            nc = 0;
            has = r.go && mib_run_worker_trial(w, r.cell, r.replicate, &row, &curves, &nc);
            ran += (size_t)has;
        }
        free(msg);
    }
    rep->ran = ran;
    mib_run_worker_close(w);
    return MIB_OK;
}

int mib_mpi_run(const mib_study *study, const mib_run_options *opt, int rank, int size,
                mib_run_report *rep, mib_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (size <= 1)
        return mib_run(study, opt, rep, err);
    if (rank > 0)
        return work(study, opt, rep, err);
    server sv = {.size = size};
    mib_run_options o = *opt;
    o.serve = serve;
    o.serve_ctx = &sv;
    int st = mib_run(study, &o, rep, err);
    serve_until_done(&sv, NULL); /* ranks still waiting (mib_run failed before serving) */
    free(sv.buf);
    if (sv.refused && (st == MIB_OK || st == MIB_EINTR))
        st = mib_fail(err, MIB_EFORMAT, "%zu trial rows from other ranks were refused; the "
                      "first: %s", sv.refused, sv.err.msg);
    return st;
}
