/* run.c - the sweep: cells x replicates, largest expected cost
 * (mib_estimator_cost) first, handed out one at a time from a shared queue
 * to the sweep's own threads (and, through mib_run_queue_*, to other
 * processes such as MPI ranks); one estimator and
 * one BLAS thread per trial; each trial's data from its own stream; only
 * the estimation timed (monotonic and thread-CPU clocks).
 * Group commit: a finished trial is one write() to the journal under a
 * short mutex (it then survives kill -9); a committer thread, every
 * COMMIT_INTERVAL seconds and at the end, fsyncs the journal and then
 * appends the batch to the HDF5 file with its cells' summary rows, flushes
 * and fsyncs it. No trial thread ever waits for an fsync.
 * Resume loads journal and file, checks cells and seed, writes a fresh file
 * with the finished trials and runs only the missing ones.
 * Cost: the trials, plus O(1) per record and O(replicates) per touched
 * cell and commit for the summaries. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cblas.h>
#include "mibench/mibench.h"
#include "bench/harness/journal.h"
#include "bench/harness/summary.h"
#include "bench/store/store.h"

#define DEFAULT_MEMORY_FACTOR 8.0 /* working memory of estimators without a hook, x input */
#define COMMIT_INTERVAL 0.2       /* seconds between group commits (README: Crash safety) */
#define HAVE_CLAIMED 4            /* have[]: handed to another process, not yet back */

typedef struct task {
    size_t cell;
    double cost;               /* expected seconds (mib_estimator_cost) */
    int32_t rep;
} task;

typedef struct curve_buf {
    mib_curve_row *rows;
    size_t n, cap;
    int64_t cell;
    int32_t rep;
} curve_buf;

/* Trials journaled but not yet in the HDF5 file, and the cells they touch. */
typedef struct batch {
    mib_trial_row *rows;
    size_t n, cap;
    mib_curve_row *curves;
    size_t ncurves, capcurves;
} batch;

struct mib_run_queue { /* the sweep; also a worker (mib_run_worker) with no output */
    const mib_study *study;
    const mib_run_options *opt;
    mib_cell_row *cells;
    size_t ncells;
    size_t *cell_gen, *cell_est;  /* study indices of each cell's specs */
    mib_generator **gens;         /* one per study generator */
    int slots;                    /* replicate slots per cell */
    mib_trial_stat *trials;       /* ncells x slots: what summaries need of finished trials */
    unsigned char *have;          /* 0 empty, else the source (1 journal, 2 HDF5, 3 run,
                                     HAVE_CLAIMED handed out to another process) */
    mib_store *store;
    mib_journal *journal;
    task *tasks;
    size_t ntasks, kept, done, failed;
    double *cell_cost;            /* expected seconds of one trial of each cell */
    double total_cost, done_cost; /* of the tasks, and of those recorded */
    /* per study estimator: expected cost left, and cost and measured seconds
     * of its recorded trials (the ETA corrects each model by its own ratio) */
    double *est_left, *est_done, *est_seconds;
    double seconds_done;
    atomic_size_t next;           /* the queue: tasks[next] is the next to hand out */
    atomic_int abort;             /* set after a recording failure */
    /* under mu: the records, the batch for the committer, the first failure */
    pthread_mutex_t mu;
    pthread_cond_t wake;          /* the committer's: closing */
    int closing;
    batch pend;
    size_t *dirty;                /* cells with trials in pend, each once */
    size_t ndirty;
    unsigned char *is_dirty;      /* ncells */
    int status;                   /* first recording failure */
    mib_err err;
    double t0, mem_limit;
    char start_time[40];
    char out[4096], journal_path[4096], lock_path[4096];
    char *externals;              /* the study's "NAME = COMMAND" lines */
    char command_lines[4096];     /* of the runs that wrote the file before (resume) */
    int lock_fd;
    int blas_threads;             /* a worker's caller's OpenBLAS threads, restored on close */
};
typedef struct mib_run_queue sweep;

void mib_run_options_init(mib_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->threads = 1;
}

uint64_t mib_run_trial_seed(uint64_t master, const char *generator, int64_t n, int32_t replicate)
{
    uint64_t s = mib_rng_seed_combine(master, mib_rng_seed_string(generator));
    s = mib_rng_seed_combine(s, (uint64_t)n);
    return mib_rng_seed_combine(s, (uint64_t)(uint32_t)replicate);
}

/* The data seed of replicate rep of cell: from the cell's generator
 * without its view parameters (mib_spec_format_draw), so every view of
 * one draw gets the same rows; for a generator without views that text is
 * the cell's canonical generator spec, as before views existed. */
static uint64_t trial_seed(const sweep *s, size_t cell, int32_t rep)
{
    char draw[MIB_SPEC_LEN] = "";
    mib_spec_format_draw(&s->study->gens[s->cell_gen[cell]], draw, sizeof draw);
    return mib_run_trial_seed(s->study->seed, draw, s->cells[cell].n, rep);
}

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- cells ---- */

/* Free the generators the run built itself: gens[nbuilt ..] (the ones
 * before are study->built's). */
static void free_gens(const mib_study *study, mib_generator **gens)
{
    for (size_t i = study->nbuilt; gens && i < study->ngens; i++)
        mib_generator_free(gens[i]);
    free(gens);
}

/* The study's generators: those it built as it read them, the rest built now. */
static int alloc_gens(const mib_study *study, mib_generator ***out, mib_err *err)
{
    mib_generator **gens = calloc(study->ngens ? study->ngens : 1, sizeof *gens);
    *out = NULL;
    if (!gens)
        return mib_fail(err, MIB_ENOMEM, "out of memory building generators");
    for (size_t i = 0; i < study->ngens; i++) {
        mib_err e = {""};
        int st = MIB_OK;
        if (i < study->nbuilt)
            gens[i] = study->built[i];
        else
            st = mib_generator_alloc(&study->gens[i], &gens[i], &e);
        if (st) {
            char text[MIB_SPEC_LEN] = "";
            mib_spec_format(&study->gens[i], text, sizeof text);
            free_gens(study, gens);
            return mib_fail(err, st, "generator '%s': %s", text, e.msg);
        }
    }
    *out = gens;
    return MIB_OK;
}

/* Cells in study order (generators x estimators x sizes) minus limits.
 * *stop, when set, ends it early with MIB_EINTR (a million cells take
 * seconds). */
static int build_cells(const mib_study *study, mib_generator *const *gens,
                       volatile sig_atomic_t *stop, mib_cell_row **out, size_t **cell_gen,
                       size_t **cell_est, size_t *count, mib_err *err)
{
    size_t cap = study->ngens * study->nests * study->nn, n = 0;
    mib_cell_row *cells = calloc(cap ? cap : 1, sizeof *cells);
    size_t *cg = calloc(cap ? cap : 1, sizeof *cg), *ce = calloc(cap ? cap : 1, sizeof *ce);
    *out = NULL;
    if (!cells || !cg || !ce) {
        free(cells);
        free(cg);
        free(ce);
        return mib_fail(err, MIB_ENOMEM, "out of memory building the cell table");
    }
    for (size_t g = 0; g < study->ngens; g++) {
        double truth, truth_se = 0;
        if (mib_generator_truth(gens[g], &truth, NULL) != MIB_OK)
            truth = NAN;
        mib_generator_truth_se(gens[g], &truth_se);
        for (size_t e = 0; e < study->nests && !(stop && *stop); e++) {
            const mib_spec *es = &study->ests[e];
            const mib_estimator_type *et = mib_estimator_type_of(es, NULL);
            /* a discrete-only estimator cannot take continuous samples, and
             * against a conditional truth only a conditional estimator is scored */
            if ((et->flags & MIB_EST_DISCRETE) && !gens[g]->discrete)
                continue;
            if (gens[g]->dz > 0 && !(et->flags & MIB_EST_CONDITIONAL))
                continue;
            /* a mixed-data estimator needs a law with one discrete side */
            if ((et->flags & MIB_EST_MIXED) && !gens[g]->discrete_side)
                continue;
            for (size_t k = 0; k < study->nn; k++) {
                if (mib_study_skips(study, es, study->n[k]))
                    continue;
                mib_cell_row *c = &cells[n];
                c->cell = (int64_t)n;
                mib_spec_format(&study->gens[g], c->generator, sizeof c->generator);
                mib_spec_format(es, c->estimator, sizeof c->estimator);
                c->n = (int64_t)study->n[k];
                c->batch_size = (int64_t)mib_estimator_batch_size(es);
                c->true_mi = truth;
                c->true_mi_se = truth_se;
                c->dx = (int64_t)gens[g]->dx;
                c->dy = (int64_t)gens[g]->dy;
                c->dz = (int64_t)gens[g]->dz;
                MIB_ROW_NAMES(c);
                cg[n] = g;
                ce[n] = e;
                n++;
            }
        }
    }
    if (n == 0 || (stop && *stop)) {
        free(cells);
        free(cg);
        free(ce);
        return stop && *stop
                   ? mib_fail(err, MIB_EINTR, "stopped while building the cell table")
                   : mib_fail(err, MIB_EINVAL, "the study has no cells: every estimator is "
                              "excluded at every n by [limits], because it needs discrete "
                              "data (both sides, or one side for ross) that no generator gives, "
                              "or because the generators have a conditioning block Z and it "
                              "estimates no conditional MI");
    }
    *out = cells;
    *count = n;
    if (cell_gen)
        *cell_gen = cg;
    else
        free(cg);
    if (cell_est)
        *cell_est = ce;
    else
        free(ce);
    return MIB_OK;
}

/* ---- the lock, paths and the previous run ---- */

/* flock OUT.h5.lock; retry when a finishing writer unlinked the file
 * between our open and our lock (then we hold a lock nobody sees). */
static int take_lock(sweep *s, mib_err *err)
{
    for (;;) {
        struct stat a, b;
        int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return mib_fail(err, MIB_EIO, "cannot create lock file '%s': %s", s->lock_path,
                            strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK)
                return mib_fail(err, MIB_ELOCKED, "'%s' is being written by another mibench "
                                "run (lock '%s' is held)", s->out, s->lock_path);
            return mib_fail(err, MIB_EIO, "cannot lock '%s': %s", s->lock_path, strerror(e));
        }
        if (fstat(fd, &a) == 0 && stat(s->lock_path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            s->lock_fd = fd;
            return MIB_OK;
        }
        close(fd);
    }
}

static void release_lock(sweep *s)
{
    if (s->lock_fd < 0)
        return;
    unlink(s->lock_path);
    close(s->lock_fd);
    s->lock_fd = -1;
}

/* fsync the directory holding path, so renames and unlinks are durable. */
static void sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Slots for `slots` replicates per cell; empty slots have replicate -1,
 * so the summary of a cell's slot range sees only its finished trials. */
static int alloc_slots(sweep *s, int slots, mib_err *err)
{
    size_t total = s->ncells * (size_t)slots;
    s->slots = slots;
    s->trials = malloc((total ? total : 1) * sizeof *s->trials);
    s->have = calloc(total ? total : 1, 1);
    if (!s->trials || !s->have)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu cells x %d replicates",
                        s->ncells, slots);
    for (size_t i = 0; i < total; i++)
        s->trials[i].replicate = -1;
    return MIB_OK;
}

/* MIB_EFORMAT unless a previous run's cells, seed and external commands
 * are this study's (a file rebuilt from its journal has no commands to
 * compare; its cells still name every external estimator). */
static int same_study(const sweep *s, const mib_results *r, const char *what, mib_err *err)
{
    if (r->has_external_commands && strcmp(r->external_commands, s->externals) != 0)
        return mib_fail(err, MIB_EFORMAT, "%s was run with other external commands; "
                        "declare the same ones, or start afresh with --force", what);
    if (r->master_seed != s->study->seed)
        return mib_fail(err, MIB_EFORMAT, "%s was run with seed %llu, this study has seed %llu",
                        what, (unsigned long long)r->master_seed,
                        (unsigned long long)s->study->seed);
    if (r->ncells != s->ncells)
        return mib_fail(err, MIB_EFORMAT, "%s holds a different study: %zu cells there, %zu "
                        "in this study", what, r->ncells, s->ncells);
    for (size_t i = 0; i < s->ncells; i++) {
        const mib_cell_row *a = &r->cells[i], *b = &s->cells[i];
        if (strcmp(a->generator, b->generator) || strcmp(a->estimator, b->estimator) ||
            a->n != b->n || a->batch_size != b->batch_size)
            return mib_fail(err, MIB_EFORMAT, "%s holds a different study: cell %zu is %s %s "
                            "n=%lld there, %s %s n=%lld here", what, i, a->generator,
                            a->estimator, (long long)a->n, b->generator, b->estimator,
                            (long long)b->n);
    }
    return MIB_OK;
}

/* A trial row of a previous run that belongs to this study's cell table. */
static int valid_trial(const sweep *s, const mib_trial_row *t)
{
    if (t->cell < 0 || (size_t)t->cell >= s->ncells || t->replicate < 0)
        return 0;
    const mib_cell_row *c = &s->cells[t->cell];
    return strcmp(t->generator, c->generator) == 0 && strcmp(t->estimator, c->estimator) == 0 &&
           t->n == c->n &&
           t->seed == trial_seed(s, (size_t)t->cell, t->replicate);
}

static int curve_order(const void *a, const void *b)
{
    const mib_curve_row *x = a, *y = b;
    if (x->cell != y->cell)
        return (x->cell > y->cell) - (x->cell < y->cell);
    if (x->replicate != y->replicate)
        return (x->replicate > y->replicate) - (x->replicate < y->replicate);
    return (x->step > y->step) - (x->step < y->step);
}

/* Load the previous run (journal first, then the HDF5 file for anything
 * the journal lacks) into the slots; *order receives the kept trials in
 * finishing order and *curves their curve points sorted by trial. */
/* A trial both the journal (a) and the HDF5 file (b) hold must be the
 * same there: a record that disagrees is a conflict to report, never one
 * to settle silently. */
static int agree(const mib_trial_stat *a, const mib_trial_row *b, const char *apath,
                 const char *bpath, mib_err *err)
{
    int same = a->seed == b->seed && a->status == b->status &&
               (a->estimate == b->estimate || (isnan(a->estimate) && isnan(b->estimate)));
    return same ? MIB_OK
                : mib_fail(err, MIB_EFORMAT, "cannot resume: '%s' and '%s' disagree on cell %lld "
                           "replicate %d (estimate %.17g, status %d there; %.17g, status %d "
                           "here); remove the one you do not trust, or start afresh with "
                           "--force", apath, bpath, (long long)b->cell, b->replicate,
                           a->estimate, a->status, b->estimate, b->status);
}

static int load_previous(sweep *s, mib_run_report *rep, mib_trial_row **order,
                         mib_curve_row **curves, size_t *ncurves, mib_err *err)
{
    mib_results src[2] = {{0}}; /* 0: journal, 1: HDF5 */
    int ok[2] = {0, 0}, complete = 1, st = MIB_OK;
    mib_err e[2] = {{""}, {""}};
    char start[40] = "";
    *order = NULL;
    *curves = NULL;
    *ncurves = 0;
    if (access(s->journal_path, F_OK) == 0)
        ok[0] = mib_journal_load(s->journal_path, &src[0], start, sizeof start, &complete,
                                 &rep->journal_damaged, &e[0]) == MIB_OK;
    if (access(s->out, F_OK) == 0)
        ok[1] = mib_results_read(s->out, &src[1], &e[1]) == MIB_OK;
    if (!ok[0] && !ok[1]) {
        if (access(s->out, F_OK) == 0 || access(s->journal_path, F_OK) == 0)
            st = mib_fail(err, MIB_EFORMAT, "cannot resume: %s%s%s", e[1].msg,
                          *e[0].msg && *e[1].msg ? "; " : "", e[0].msg);
        return st; /* nothing there: a fresh run */
    }
    for (int k = 0; k < 2 && !st; k++)
        if (ok[k])
            st = same_study(s, &src[k], k ? s->out : s->journal_path, err);
    if (st)
        goto done;
    if (ok[0] && *start)
        snprintf(s->start_time, sizeof s->start_time, "%s", start);
    if (ok[1])
        snprintf(s->command_lines, sizeof s->command_lines, "%s", src[1].command_line);
    rep->rebuilt = ok[0] && !ok[1] && access(s->out, F_OK) == 0;

    int maxrep = s->study->replicates;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; ok[k] && i < src[k].ntrials; i++)
            if (valid_trial(s, &src[k].trials[i]) && src[k].trials[i].replicate >= maxrep)
                maxrep = src[k].trials[i].replicate + 1;
    if ((st = alloc_slots(s, maxrep, err)))
        goto done;
    *order = malloc((src[0].ntrials + src[1].ntrials + 1) * sizeof **order);
    *curves = malloc((src[0].ncurves + src[1].ncurves + 1) * sizeof **curves);
    if (!*order || !*curves) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory loading '%s'", s->out);
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; ok[k] && i < src[k].ntrials; i++) {
            const mib_trial_row *t = &src[k].trials[i];
            size_t slot = (size_t)t->cell * (size_t)s->slots + (size_t)t->replicate;
            if (!valid_trial(s, t))
                continue;
            if (s->have[slot] && (st = agree(&s->trials[slot], t, s->journal_path, s->out, err)))
                goto done;
            if (s->have[slot])
                continue;
            s->have[slot] = (unsigned char)(k + 1);
            s->trials[slot] = mib_trial_stat_of(t);
            (*order)[s->kept] = *t;
            /* the journal's cell lines carry no true_mi_se: the cell's */
            (*order)[s->kept++].true_mi_se = s->cells[t->cell].true_mi_se;
        }
        for (size_t i = 0; ok[k] && i < src[k].ncurves; i++) {
            const mib_curve_row *c = &src[k].curves[i];
            if (c->cell >= 0 && (size_t)c->cell < s->ncells && c->replicate >= 0 &&
                c->replicate < s->slots &&
                s->have[(size_t)c->cell * (size_t)s->slots + (size_t)c->replicate] == k + 1)
                (*curves)[(*ncurves)++] = *c;
        }
    }
    qsort(*curves, *ncurves, sizeof **curves, curve_order);
done:
    mib_results_free(&src[0]);
    mib_results_free(&src[1]);
    return st;
}

/* The curve points of trial t in curves (sorted by curve_order): their
 * count, and the first one's index in *first. */
static size_t curve_range(const mib_curve_row *curves, size_t n, const mib_trial_row *t,
                          size_t *first)
{
    mib_curve_row key = {.cell = t->cell, .replicate = t->replicate, .step = INT64_MIN};
    size_t lo = 0, hi = n, k = 0;
    while (lo < hi) { /* lower bound of key */
        size_t mid = lo + (hi - lo) / 2;
        if (curve_order(&curves[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo + k < n && curves[lo + k].cell == t->cell && curves[lo + k].replicate == t->replicate)
        k++;
    *first = lo;
    return k;
}

/* Summaries of every cell from the trials kept so far (placeholders,
 * count 0 and NaN statistics, for cells without any); *out is malloc'd. */
static int kept_summaries(const sweep *s, mib_summary_row **out, mib_err *err)
{
    mib_summary_row *sum = calloc(s->ncells ? s->ncells : 1, sizeof *sum);
    int st = sum ? MIB_OK : MIB_ENOMEM;
    for (size_t i = 0; st == MIB_OK && i < s->ncells; i++)
        st = mib_summary_compute(&s->cells[i], &s->trials[i * (size_t)s->slots],
                                 (size_t)s->slots, &sum[i]);
    if (st) {
        free(sum);
        sum = NULL;
    }
    *out = sum;
    return st ? mib_fail(err, st, "out of memory summarising") : MIB_OK;
}

static int write_fresh_tmp(sweep *s, const mib_trial_row *order, const mib_curve_row *curves,
                           size_t ncurves, const char *tmp_h5, const char *tmp_j, mib_err *err)
{
    char host[256] = "", lines[sizeof s->command_lines];
    mib_summary_row *sum = NULL;
    int st;
    gethostname(host, sizeof host - 1);
    /* every run's command, the first one first; when they no longer fit,
     * the oldest give way to the newest */
    const char *now_cmd = s->opt->command_line ? s->opt->command_line : "";
    if (!*s->command_lines ||
        (size_t)snprintf(lines, sizeof lines, "%s\n%s", s->command_lines, now_cmd) >= sizeof lines)
        snprintf(lines, sizeof lines, "%s", now_cmd);
    mib_store_meta meta = {
        .command_line = lines, .study_name = s->study->name,
        .study_text = s->study->text, .start_time = s->start_time, .host = host,
        .external_commands = s->externals,
        .master_seed = s->study->seed, .threads = (int32_t)s->opt->threads,
    };
    if ((st = mib_journal_create(tmp_j, s->study->seed, s->start_time, s->cells, s->ncells,
                                 &s->journal, err)) ||
        (st = kept_summaries(s, &sum, err)) ||
        (st = mib_store_create(tmp_h5, &meta, s->cells, sum, s->ncells, &s->store, err)))
        goto done;
    for (size_t i = 0; i < s->kept; i++) {
        size_t first, nc = curve_range(curves, ncurves, &order[i], &first);
        if ((st = mib_journal_append(s->journal, &order[i], curves + first, nc, 0, err)))
            goto done;
    }
    if ((st = mib_journal_sync(s->journal, err)) ||
        (st = mib_store_append(s->store, order, s->kept, curves, ncurves, err)) ||
        (st = mib_store_sync(s->store, 1, err)))
        goto done;
    if (rename(tmp_j, s->journal_path) != 0 || rename(tmp_h5, s->out) != 0)
        st = mib_fail(err, MIB_EIO, "cannot move the new results file into place as '%s': %s",
                      s->out, strerror(errno));
    else
        sync_dir(s->out);
done:
    free(sum);
    return st;
}

/* Write a fresh journal and HDF5 file holding the kept trials, then move
 * them over the old ones (journal first: it must always hold at least what
 * the HDF5 file holds). On failure the temporary files are removed. */
static int write_fresh(sweep *s, const mib_trial_row *order, const mib_curve_row *curves,
                       size_t ncurves, mib_err *err)
{
    char tmp_h5[4200], tmp_j[4200];
    snprintf(tmp_h5, sizeof tmp_h5, "%s.tmp", s->out);
    snprintf(tmp_j, sizeof tmp_j, "%s.tmp", s->journal_path);
    int st = write_fresh_tmp(s, order, curves, ncurves, tmp_h5, tmp_j, err);
    if (st) {
        unlink(tmp_h5);
        unlink(tmp_j);
    }
    return st;
}

/* ---- one trial ---- */

typedef struct online_ctx {
    const mib_generator *gen;
    gsl_rng *rng;
} online_ctx;

static int draw(void *ctx, size_t step, size_t n, double *x, double *y, double *truth)
{
    online_ctx *o = ctx;
    return mib_generator_sample_step(o->gen, o->rng, step, n, x, y, truth);
}

/* Append n items of size bytes to a growing array. */
static int push(void **rows, size_t *count, size_t *cap, const void *items, size_t n,
                size_t size)
{
    if (n == 0)
        return 0;
    if (*count + n > *cap) {
        size_t c = *cap ? *cap : 64;
        while (c < *count + n)
            c *= 2;
        void *g = realloc(*rows, c * size);
        if (!g)
            return -1;
        *rows = g;
        *cap = c;
    }
    memcpy((char *)*rows + *count * size, items, n * size);
    *count += n;
    return 0;
}

static int curve_point(void *ctx, size_t step, double estimate, double truth)
{
    curve_buf *b = ctx;
    mib_curve_row row = {.cell = b->cell, .replicate = b->rep, .step = (int64_t)step,
                         .estimate = estimate, .true_mi = truth};
    /* out of memory: a non-zero return asks the estimator to stop */
    return push((void **)&b->rows, &b->n, &b->cap, &row, 1, sizeof row);
}

static void fail_row(mib_trial_row *row, int status, const char *msg)
{
    row->status = status;
    snprintf(row->status_name, sizeof row->status_name, "%s", mib_status_name(status));
    snprintf(row->message, sizeof row->message, "%s", msg);
    row->estimate = NAN;
}

/* Run one trial into row (and curve points into cb). Returns 0 when the
 * trial was interrupted by *stop and must not be recorded. */
static int run_trial(const sweep *s, const task *k, mib_trial_row *row, curve_buf *cb)
{
    const mib_cell_row *c = &s->cells[k->cell];
    const mib_generator *g = s->gens[s->cell_gen[k->cell]];
    const mib_spec *es = &s->study->ests[s->cell_est[k->cell]];
    const mib_estimator_type *et = mib_estimator_type_of(es, NULL);
    size_t n = (size_t)c->n;
    int online = mib_estimator_online(es);
    double *x = NULL, *y = NULL, *z = NULL;
    gsl_rng *rng = NULL;
    mib_err err = {""};
    int keep = 1;

    memset(row, 0, sizeof *row);
    MIB_ROW_KEY_FROM_CELL(row, c);
    row->replicate = k->rep;
    row->seed = trial_seed(s, k->cell, k->rep);
    snprintf(row->status_name, sizeof row->status_name, "%s", mib_status_name(MIB_OK));
    cb->cell = c->cell;
    cb->rep = k->rep;

    double input = online ? 0.0 : (double)n * (double)(g->dx + g->dy + g->dz) * sizeof(double);
    double need = input + (et->memory ? et->memory(es, n, g->dx + g->dz, g->dy + g->dz)
                                      : DEFAULT_MEMORY_FACTOR * input);
    if (need > s->mem_limit) {
        snprintf(err.msg, sizeof err.msg, "needs about %.0f MiB, above the limit of %.0f MiB "
                 "per trial", need / 1048576.0, s->mem_limit / 1048576.0);
        fail_row(row, MIB_ERESOURCE, err.msg);
        goto done;
    }
    rng = mib_rng_alloc(row->seed);
    if (!online) {
        x = malloc(n * g->dx * sizeof *x);
        y = malloc(n * g->dy * sizeof *y);
        z = g->dz ? malloc(n * g->dz * sizeof *z) : NULL;
    }
    if (!rng || (!online && (!x || !y || (g->dz && !z)))) {
        fail_row(row, MIB_ENOMEM, "out of memory allocating the sample");
        goto done;
    }
    int st = online ? MIB_OK
             : g->dz ? mib_generator_sample_z(g, rng, n, x, y, z)
                     : mib_generator_sample(g, rng, n, x, y);
    if (st) {
        snprintf(err.msg, sizeof err.msg, "the generator failed to sample: %s",
                 mib_strerror(st));
        fail_row(row, st, err.msg);
        goto done;
    }
    online_ctx oc = {g, rng};
    mib_sampler sampler = {.dx = g->dx, .dy = g->dy, .ctx = &oc, .draw = draw};
    mib_data data = {.n = n, .dx = g->dx, .dy = g->dy, .x = x, .y = y, .dz = g->dz, .z = z};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = 1;
    ws.seed = mib_rng_seed_combine(row->seed, mib_rng_seed_string(c->estimator));
    ws.stop = s->opt->stop;
    if (online) {
        ws.sampler = &sampler;
        ws.curve = (mib_curve_sink){.ctx = cb, .point = curve_point};
    }
    mib_result res;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
    st = mib_estimate(&data, es, &ws, &res, &err);
    row->seconds = now(CLOCK_MONOTONIC) - w0;
    row->cpu_seconds = now(CLOCK_THREAD_CPUTIME_ID) - c0;
    if (st == MIB_EINTR && s->opt->stop && *s->opt->stop)
        keep = 0; /* cut short by a signal: rerun on resume */
    else if (st)
        fail_row(row, st, err.msg);
    else
        row->estimate = res.mi;
done:
    gsl_rng_free(rng);
    free(x);
    free(y);
    free(z);
    return keep;
}

/* The first recording failure stops the sweep (caller holds mu). */
static void fail_locked(sweep *s, int st, const mib_err *err)
{
    if (!s->status) {
        s->status = st;
        s->err = *err;
    }
    atomic_store(&s->abort, 1);
}

/* Seconds left: each estimator's remaining expected cost times its own
 * measured seconds per unit of cost (the sweep's average ratio for one not
 * seen yet), scaled by elapsed / measured seconds (the parallelism). -1
 * before any measured time. O(estimators). */
static double eta_locked(const sweep *s, double elapsed)
{
    if (!(s->seconds_done > 0) || !(s->done_cost > 0))
        return -1;
    double ratio = s->seconds_done / s->done_cost, left = 0;
    for (size_t e = 0; e < s->study->nests; e++)
        if (s->est_left[e] > 0)
            left += s->est_left[e] * (s->est_done[e] > 0 && s->est_seconds[e] > 0
                                          ? s->est_seconds[e] / s->est_done[e]
                                          : ratio);
    return elapsed * left / s->seconds_done;
}

/* Record a finished trial (caller holds mu): one write() to the journal,
 * which makes it survive kill -9, then its slot, the committer's batch and
 * the progress callback. The fsyncs and the HDF5 file are the committer's. */
static void record_locked(sweep *s, const mib_trial_row *t, const mib_curve_row *curves,
                          size_t nc)
{
    mib_err err = {""};
    size_t slot = (size_t)t->cell * (size_t)s->slots + (size_t)t->replicate;
    if (s->status)
        return;
    int st = mib_journal_append(s->journal, t, curves, nc, 0, &err);
    if (!st && (push((void **)&s->pend.rows, &s->pend.n, &s->pend.cap, t, 1, sizeof *t) ||
                push((void **)&s->pend.curves, &s->pend.ncurves, &s->pend.capcurves, curves, nc,
                     sizeof *curves)))
        st = mib_fail(&err, MIB_ENOMEM, "out of memory queueing a trial for '%s'", s->out);
    if (st) {
        fail_locked(s, st, &err);
        return;
    }
    s->trials[slot] = mib_trial_stat_of(t);
    s->have[slot] = 3;
    if (!s->is_dirty[t->cell]) {
        s->is_dirty[t->cell] = 1;
        s->dirty[s->ndirty++] = (size_t)t->cell;
    }
    s->done++;
    s->failed += t->status != MIB_OK;
    s->done_cost += s->cell_cost[t->cell];
    size_t e = s->cell_est[t->cell];
    s->est_left[e] -= s->cell_cost[t->cell];
    s->est_done[e] += s->cell_cost[t->cell];
    s->est_seconds[e] += t->seconds;
    s->seconds_done += t->seconds;
    if (s->opt->progress) {
        mib_run_progress p = {.done = s->done, .total = s->ntasks, .failed = s->failed,
                              .generator = t->generator, .estimator = t->estimator, .n = t->n,
                              .elapsed = now(CLOCK_MONOTONIC) - s->t0,
                              .done_cost = s->done_cost, .total_cost = s->total_cost,
                              .kept = s->kept};
        p.eta = eta_locked(s, p.elapsed);
        s->opt->progress(s->opt->progress_ctx, &p);
    }
}

/* ---- group commit ---- */

/* Take the pending batch into b and the summary rows of the cells it
 * touches into *sums (caller holds mu). */
static int take_batch(sweep *s, batch *b, mib_summary_row **sums, size_t *nsums, size_t *capsums,
                      mib_err *err)
{
    batch t = *b;
    *b = s->pend;
    s->pend = t;
    s->pend.n = s->pend.ncurves = 0;
    *nsums = 0;
    if (s->ndirty > *capsums) {
        mib_summary_row *g = realloc(*sums, s->ndirty * sizeof *g);
        if (!g)
            return mib_fail(err, MIB_ENOMEM, "out of memory summarising");
        *sums = g;
        *capsums = s->ndirty;
    }
    for (size_t i = 0; i < s->ndirty; i++) {
        size_t c = s->dirty[i];
        s->is_dirty[c] = 0;
        if (mib_summary_compute(&s->cells[c], &s->trials[c * (size_t)s->slots],
                                (size_t)s->slots, &(*sums)[(*nsums)++]))
            return mib_fail(err, MIB_ENOMEM, "out of memory summarising");
    }
    s->ndirty = 0;
    return MIB_OK;
}

/* Journal fsync first (the HDF5 file never holds a trial the journal might
 * lose), then the batch and its summaries into the HDF5 file, fsync'd. */
static int commit_batch(sweep *s, const batch *b, const mib_summary_row *sums, size_t nsums,
                        mib_err *err)
{
    int st = mib_journal_sync(s->journal, err);
    if (!st && b->n)
        st = mib_store_append(s->store, b->rows, b->n, b->curves, b->ncurves, err);
    if (!st && nsums)
        st = mib_store_put_summary(s->store, sums, nsums, err);
    return st ? st : mib_store_sync(s->store, 1, err);
}

/* The committer thread: every COMMIT_INTERVAL seconds, and once more when
 * the sweep closes, commits what the trial threads recorded. Holds mu only
 * to take the batch and summarise its cells. */
static void *committer(void *arg)
{
    sweep *s = arg;
    batch b = {0};
    mib_summary_row *sums = NULL;
    size_t nsums = 0, capsums = 0;
    pthread_mutex_lock(&s->mu);
    for (int last = 0; !last;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)(COMMIT_INTERVAL * 1e9);
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!s->closing && pthread_cond_timedwait(&s->wake, &s->mu, &until) == 0)
            ;
        last = s->closing || s->status;
        if (s->status || !s->pend.n)
            continue;
        mib_err err = {""};
        int st = take_batch(s, &b, &sums, &nsums, &capsums, &err);
        pthread_mutex_unlock(&s->mu);
        if (!st)
            st = commit_batch(s, &b, sums, nsums, &err);
        pthread_mutex_lock(&s->mu);
        if (st)
            fail_locked(s, st, &err);
    }
    pthread_mutex_unlock(&s->mu);
    free(b.rows);
    free(b.curves);
    free(sums);
    return NULL;
}

static int task_order(const void *a, const void *b)
{
    const task *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1; /* largest first */
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    return (x->rep > y->rep) - (x->rep < y->rep);
}

/* Trials still missing, largest expected cost first. */
static int plan(sweep *s, mib_err *err)
{
    s->tasks = malloc((s->ncells * (size_t)s->slots + 1) * sizeof *s->tasks);
    if (!s->tasks)
        return mib_fail(err, MIB_ENOMEM, "out of memory planning the sweep");
    for (size_t c = 0; c < s->ncells; c++)
        for (int r = 0; r < s->study->replicates; r++)
            if (!s->have[c * (size_t)s->slots + (size_t)r]) {
                s->tasks[s->ntasks++] = (task){c, s->cell_cost[c], r};
                s->total_cost += s->cell_cost[c];
                s->est_left[s->cell_est[c]] += s->cell_cost[c];
            }
    qsort(s->tasks, s->ntasks, sizeof *s->tasks, task_order);
    return MIB_OK;
}

/* The next task, or NULL when none is left or the sweep stops. */
static const task *claim(sweep *s)
{
    if (atomic_load(&s->abort) || (s->opt->stop && *s->opt->stop))
        return NULL;
    size_t i = atomic_fetch_add(&s->next, 1);
    return i < s->ntasks ? &s->tasks[i] : NULL;
}

int mib_run_queue_next(mib_run_queue *q, int64_t *cell, int32_t *replicate)
{
    const task *k = q ? claim(q) : NULL;
    if (!k)
        return 0;
    pthread_mutex_lock(&q->mu);
    q->have[k->cell * (size_t)q->slots + (size_t)k->rep] = HAVE_CLAIMED;
    pthread_mutex_unlock(&q->mu);
    *cell = (int64_t)k->cell;
    *replicate = k->rep;
    return 1;
}

int mib_run_queue_record(mib_run_queue *q, const mib_trial_row *row,
                         const mib_curve_row *curves, size_t ncurves, mib_err *err)
{
    if (!q || !row || (ncurves && !curves))
        return mib_fail(err, MIB_EINVAL, "mib_run_queue_record: NULL argument");
    int st = MIB_OK;
    pthread_mutex_lock(&q->mu);
    size_t slot = (size_t)row->cell * (size_t)q->slots + (size_t)row->replicate;
    if (!valid_trial(q, row) || row->replicate >= q->slots || q->have[slot] != HAVE_CLAIMED)
        st = mib_fail(err, MIB_EINVAL, "a trial row for cell %lld replicate %d that was not "
                      "handed out (or came back twice, or from another study)",
                      (long long)row->cell, row->replicate);
    for (size_t i = 0; !st && i < ncurves; i++)
        if (curves[i].cell != row->cell || curves[i].replicate != row->replicate)
            st = mib_fail(err, MIB_EINVAL, "a curve point of another trial came with cell %lld "
                          "replicate %d", (long long)row->cell, row->replicate);
    if (!st)
        record_locked(q, row, curves, ncurves);
    pthread_mutex_unlock(&q->mu);
    return st;
}

static void *serve_main(void *arg)
{
    sweep *s = arg;
    s->opt->serve(s->opt->serve_ctx, s);
    return NULL;
}

/* Run the tasks: opt->threads trial threads here, and opt->serve (when
 * set) on a thread of its own for other processes; then the last commit.
 * OpenBLAS runs one thread per trial meanwhile (run.h). */
static int sweep_trials(sweep *s, mib_err *err)
{
    pthread_t commit_thread, serve_thread;
    int serving = 0;
    if (pthread_create(&commit_thread, NULL, committer, s) != 0)
        return mib_fail(err, MIB_ERESOURCE, "cannot start the committer thread");
    if (s->opt->serve && pthread_create(&serve_thread, NULL, serve_main, s) == 0)
        serving = 1;
    else if (s->opt->serve) {
        pthread_mutex_lock(&s->mu);
        fail_locked(s, MIB_ERESOURCE, &(mib_err){"cannot start the thread serving other "
                                                 "processes"});
        pthread_mutex_unlock(&s->mu);
    }
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
#pragma omp parallel num_threads(s->opt->threads > 0 ? s->opt->threads : 1) if (s->opt->threads > 0)
    if (s->opt->threads > 0) {
        const task *k;
        while ((k = claim(s))) {
            mib_trial_row row;
            curve_buf cb = {0};
            if (run_trial(s, k, &row, &cb)) {
                pthread_mutex_lock(&s->mu);
                record_locked(s, &row, cb.rows, cb.n);
                pthread_mutex_unlock(&s->mu);
            }
            free(cb.rows);
        }
    }
    openblas_set_num_threads(blas_threads);
    if (serving)
        pthread_join(serve_thread, NULL);
    pthread_mutex_lock(&s->mu);
    s->closing = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(commit_thread, NULL);
    return MIB_OK;
}

/* Check the study, build its generators and cells, and fix the limits,
 * paths and start time of the run. What it builds belongs to s. */
static int setup(sweep *s, mib_err *err)
{
    const mib_run_options *opt = s->opt;
    int st;
    if ((st = mib_study_check(s->study, err)) || (st = alloc_gens(s->study, &s->gens, err)) ||
        (st = build_cells(s->study, s->gens, opt->stop, &s->cells, &s->cell_gen, &s->cell_est,
                          &s->ncells, err)))
        return st;
    size_t ne = s->study->nests ? s->study->nests : 1;
    s->est_left = calloc(ne, sizeof *s->est_left);
    s->est_done = calloc(ne, sizeof *s->est_done);
    s->est_seconds = calloc(ne, sizeof *s->est_seconds);
    if (!(s->cell_cost = malloc(s->ncells * sizeof *s->cell_cost)) || !s->est_left ||
        !s->est_done || !s->est_seconds)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t c = 0; c < s->ncells; c++) {
        const mib_generator *g = s->gens[s->cell_gen[c]];
        s->cell_cost[c] = mib_estimator_cost(&s->study->ests[s->cell_est[c]],
                                             (size_t)s->cells[c].n, g->dx + g->dz, g->dy + g->dz);
    }
    s->dirty = malloc(s->ncells * sizeof *s->dirty);
    s->is_dirty = calloc(s->ncells, 1);
    if (!(s->externals = mib_study_externals_text(s->study)) || !s->dirty || !s->is_dirty)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    if (strlen(s->externals) >= sizeof ((mib_results *)0)->external_commands)
        return mib_fail(err, MIB_EINVAL, "the external commands are longer than %zu characters "
                        "in all", sizeof ((mib_results *)0)->external_commands - 1);
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    s->mem_limit = opt->mem_limit > 0 ? opt->mem_limit
                                      : 0.5 * phys / (opt->threads > 0 ? opt->threads : 1);
    snprintf(s->out, sizeof s->out, "%s", opt->output);
    snprintf(s->journal_path, sizeof s->journal_path, "%s.journal", opt->output);
    snprintf(s->lock_path, sizeof s->lock_path, "%s.lock", opt->output);
    time_t t = time(NULL);
    struct tm tm;
    strftime(s->start_time, sizeof s->start_time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    return MIB_OK;
}

/* Refuse a directory as OUT before anything is written, take the lock,
 * and refuse an existing OUT (or journal) unless resuming or forced;
 * *exists says whether there was one. */
static int claim_output(sweep *s, int *exists, mib_err *err)
{
    struct stat sb;
    int st;
    if (stat(s->out, &sb) == 0 && !S_ISREG(sb.st_mode))
        return mib_fail(err, MIB_EIO, "'%s' is not a regular file (a directory?); name a file "
                        "such as OUT.h5", s->out);
    if ((st = take_lock(s, err)))
        return st;
    *exists = access(s->out, F_OK) == 0 || access(s->journal_path, F_OK) == 0;
    if (*exists && !s->opt->resume && !s->opt->force)
        return mib_fail(err, MIB_EEXIST, "'%s' already exists (or its journal does)", s->out);
    return MIB_OK;
}

/* Load what a previous run finished (when resuming one), then write the
 * fresh journal and HDF5 file the sweep appends to. */
static int restart_output(sweep *s, int exists, mib_run_report *rep, mib_err *err)
{
    mib_trial_row *order = NULL;
    mib_curve_row *curves = NULL;
    size_t ncurves = 0;
    int st = MIB_OK;
    if (exists && s->opt->resume)
        st = load_previous(s, rep, &order, &curves, &ncurves, err);
    if (!st && !s->trials) /* a fresh run */
        st = alloc_slots(s, s->study->replicates, err);
    if (!st)
        st = write_fresh(s, order, curves, ncurves, err);
    free(order);
    free(curves);
    return st;
}

/* The report before the sweep: the study's size and what was kept. */
static void report_kept(const sweep *s, mib_run_report *rep)
{
    rep->cells = s->ncells;
    rep->trials = s->ncells * (size_t)s->study->replicates;
    rep->kept = s->kept;
    for (size_t i = 0; i < s->ncells * (size_t)s->slots; i++)
        rep->failed += s->have[i] && s->trials[i].status != MIB_OK;
}

/* The outcome of the sweep: the first recording failure, MIB_EINTR when a
 * stop request left trials unrun, else MIB_OK. */
static int sweep_status(const sweep *s, mib_run_report *rep, mib_err *err)
{
    rep->ran = s->done;
    rep->failed += s->failed;
    if (s->status) {
        *err = s->err;
        return s->status;
    }
    if (s->done < s->ntasks)
        return mib_fail(err, MIB_EINTR, "interrupted after %zu of %zu trials; finished trials are kept",
                        s->done, s->ntasks);
    return MIB_OK;
}

/* Close the HDF5 file and the journal whatever st is, and return st. A
 * close failure replaces only MIB_OK or MIB_EINTR: a possibly damaged file
 * matters more than a stop, but an earlier failure is the first cause.
 * The journal is deleted only after a complete run (--resume needs it
 * otherwise), and the lock is released last. */
static int close_output(sweep *s, int st, mib_err *err)
{
    mib_err cerr = {""};
    int cst = mib_store_close(s->store, &cerr);
    if (mib_journal_close(s->journal, cst ? NULL : &cerr) && !cst)
        cst = MIB_EIO;
    if (cst && (st == MIB_OK || st == MIB_EINTR)) {
        st = cst;
        *err = cerr;
    }
    if (st == MIB_OK) { /* complete: the journal has served its purpose */
        unlink(s->journal_path);
        sync_dir(s->out);
    }
    release_lock(s);
    return st;
}

static void sweep_free(sweep *s)
{
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->wake);
    free(s->pend.rows);
    free(s->pend.curves);
    free(s->dirty);
    free(s->is_dirty);
    free(s->cell_cost);
    free(s->est_left);
    free(s->est_done);
    free(s->est_seconds);
    free(s->tasks);
    free(s->trials);
    free(s->have);
    free(s->cells);
    free(s->cell_gen);
    free(s->cell_est);
    free(s->externals);
    free_gens(s->study, s->gens);
}

/* A sweep with its mutex and condition variable (on the monotonic clock,
 * which the committer's deadlines use). */
static int sweep_init(sweep *s, const mib_study *study, const mib_run_options *opt, mib_err *err)
{
    pthread_condattr_t ca;
    memset(s, 0, sizeof *s);
    s->study = study;
    s->opt = opt;
    s->lock_fd = -1;
    s->t0 = now(CLOCK_MONOTONIC);
    atomic_init(&s->next, 0);
    atomic_init(&s->abort, 0);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (!study || !opt)
        return mib_fail(err, MIB_EINVAL, "NULL study or options");
    if (opt->threads < (opt->serve ? 0 : 1))
        return mib_fail(err, MIB_EINVAL, "threads must be >= 1 (>= 0 when serving other "
                        "processes), got %d", opt->threads);
    return setup(s, err);
}

int mib_run(const mib_study *study, const mib_run_options *opt, mib_run_report *rep,
            mib_err *err)
{
    sweep s;
    mib_run_report local;
    int exists = 0, st;
    rep = rep ? rep : &local;
    memset(rep, 0, sizeof *rep);
    if (!(st = sweep_init(&s, study, opt, err)) && !(st = claim_output(&s, &exists, err)) &&
        !(st = restart_output(&s, exists, rep, err)) && !(st = plan(&s, err))) {
        report_kept(&s, rep);
        st = sweep_trials(&s, err);
        st = st ? st : sweep_status(&s, rep, err);
    }
    st = close_output(&s, st, err);
    rep->seconds = now(CLOCK_MONOTONIC) - s.t0;
    sweep_free(&s);
    return st;
}

/* ---- workers: trials of a sweep run in another process ---- */

int mib_run_worker_open(const mib_study *study, const mib_run_options *opt,
                        mib_run_worker **out, mib_err *err)
{
    sweep *s = malloc(sizeof *s);
    int st = s ? sweep_init(s, study, opt, err) : mib_fail(err, MIB_ENOMEM, "out of memory");
    if (st && s) {
        sweep_free(s);
        free(s);
        s = NULL;
    }
    if (s) { /* one BLAS thread per trial, as in mib_run */
        s->blas_threads = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
    *out = s;
    return st;
}

int mib_run_worker_trial(const mib_run_worker *w, int64_t cell, int32_t replicate,
                         mib_trial_row *row, mib_curve_row **curves, size_t *ncurves)
{
    *curves = NULL;
    *ncurves = 0;
    if (cell < 0 || (size_t)cell >= w->ncells || replicate < 0) {
        memset(row, 0, sizeof *row);
        row->cell = cell;
        row->replicate = replicate;
        fail_row(row, MIB_EINVAL, "no such cell in this worker's study");
        return 1;
    }
    task k = {(size_t)cell, w->cell_cost[cell], replicate};
    curve_buf cb = {0};
    int keep = run_trial(w, &k, row, &cb);
    *curves = cb.rows;
    *ncurves = cb.n;
    return keep;
}

void mib_run_worker_close(mib_run_worker *w)
{
    if (!w)
        return;
    openblas_set_num_threads(w->blas_threads);
    sweep_free(w);
    free(w);
}
