/* external.c - external estimators: bmi's protocol (Czyz et al. 2023,
 * "Beyond Normal": one program run per trial, COMMAND FILE DIMX DIMY, one
 * number on stdout) and persistent JSON-lines workers. Children are
 * started with posix_spawn in a process group of their own, stdin from
 * /dev/null (bmi) or a pipe (worker), stdout and stderr on pipes read with
 * poll() against the trial's deadline; a timeout or a stop request kills
 * the whole group. Cost per trial: writing the samples (O(n (dx + dy))),
 * plus one process start (bmi) or one request line (worker). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>
#include "bench/external/external.h"
#include "bench/store/store.h"

extern char **environ;

#define MAX_OUTPUT (1u << 20) /* stdout bytes kept; a longer answer is garbage */
#define MAX_LINE 200          /* characters of stderr quoted in a message */

enum { P_PROTOCOL, P_FORMAT, P_TIMEOUT };
enum { PROTOCOL_BMI, PROTOCOL_WORKER };
enum { FORMAT_CSV, FORMAT_H5 };
static const char *const protocols[] = {"bmi", "worker", NULL};
static const char *const formats[] = {"csv", "h5", NULL};
static const mib_param_spec params[] = {
    [P_PROTOCOL] = {.name = "protocol", .kind = MIB_PARAM_CHOICE, .def = "bmi",
                    .choices = protocols,
                    .help = "bmi: COMMAND FILE DIMX DIMY per trial; worker: one process per "
                            "thread, one JSON line per trial"},
    [P_FORMAT] = {.name = "format", .kind = MIB_PARAM_CHOICE, .def = "csv", .choices = formats,
                  .help = "the samples file: CSV with header X0..,Y0.., or HDF5 /x, /y"},
    [P_TIMEOUT] = {.name = "timeout", .kind = MIB_PARAM_REAL, .def = "3600", .min = 0,
                   .max = 1e7, .flags = MIB_OPEN_MIN,
                   .help = "seconds per trial; then the program's process group is killed"},
    {.name = NULL},
};

/* A running child: its pid (= its process group) and our pipe ends. */
typedef struct child {
    pid_t pid;
    int in, out, err; /* -1 when closed */
} child;

typedef struct worker {
    child proc;
    int busy, alive;
    char errline[MAX_LINE + 1]; /* first stderr line of the current request */
    size_t errlen;
    char *buf; /* stdout bytes past the last answer line */
    size_t len;
} worker;

struct mib_external {
    mib_estimator_type type; /* first: spec->info points at type.info */
    char name[64];
    char summary[256];
    char *command, *tmp_dir;
    wordexp_t words;
    pthread_mutex_t lock; /* guards workers, their busy flags and starts */
    worker **workers;     /* each allocated apart, so a worker never moves */
    size_t nworkers, starts;
};

/* info -> its mib_external: info is the first member of the type, which
 * is the first member of the external. */
static mib_external *external_of(const mib_spec *spec)
{
    return (mib_external *)(void *)spec->info;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Kill the child's whole process group and reap the child. */
static void child_kill(child *c)
{
    if (c->pid > 0) {
        kill(-c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    c->pid = -1;
    close_fd(&c->in);
    close_fd(&c->out);
    close_fd(&c->err);
}

/* The trial's seed as programs see it: 63 bits, so that every language's
 * signed 64-bit integer (and JSON parsers) hold it exactly. */
static uint64_t external_seed(const mib_workspace *ws)
{
    return ws->seed & 0x7fffffffffffffffull;
}

/* Write all of buf to a pipe without SIGPIPE (the reader may have died):
 * the signal is blocked in this thread and a pending one is consumed, so
 * the process's own SIGPIPE disposition is never touched. 0 or -1. */
static int write_pipe(int fd, const char *buf, size_t len)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t got = 0;
    while (len > 0 && ((got = write(fd, buf, len)) > 0 || (got < 0 && errno == EINTR)))
        if (got > 0) {
            buf += got;
            len -= (size_t)got;
        }
    if (len > 0 && errno == EPIPE) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return len == 0 ? 0 : -1;
}

/* environ without any MIBENCH_SEED / MIBENCH_THREADS, plus ours. */
static char **child_env(char *seed, char *threads)
{
    size_t n = 0, k = 0;
    while (environ && environ[n])
        n++;
    char **env = malloc((n + 3) * sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "MIBENCH_SEED=", 13) && strncmp(environ[i], "MIBENCH_THREADS=", 16))
            env[k++] = environ[i];
    env[k++] = seed;
    env[k++] = threads;
    env[k] = NULL;
    return env;
}

/* Start argv in a new process group: stdin a pipe (with_stdin) or
 * /dev/null, stdout and stderr pipes, no other descriptor. Our ends are
 * close-on-exec as well, for children started by other threads. */
static int child_start(char *const *argv, const mib_workspace *ws, int with_stdin, child *c,
                       mib_err *err)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1}, st = MIB_OK;
    char seed[48], threads[48];
    snprintf(seed, sizeof seed, "MIBENCH_SEED=%llu", (unsigned long long)external_seed(ws));
    snprintf(threads, sizeof threads, "MIBENCH_THREADS=%d", ws->threads);
    char **env = child_env(seed, threads);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    *c = (child){-1, -1, -1, -1};
    if (!env || (with_stdin && pipe2(in, O_CLOEXEC)) || pipe2(out, O_CLOEXEC) ||
        pipe2(er, O_CLOEXEC)) {
        st = mib_fail(err, MIB_ERESOURCE, "cannot make pipes for '%s': %s", argv[0],
                      strerror(errno));
        goto done;
    }
    posix_spawn_file_actions_init(&fa);
    if (with_stdin)
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, er[1], 2);
    /* nothing else: libraries (HDF5 among them) open files without
     * O_CLOEXEC, and a worker holding the results file's descriptor would
     * hold its flock long after the run closed it */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(&c->pid, argv[0], &fa, &attr, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        c->pid = -1;
        st = mib_fail(err, MIB_EEXTERNAL, "cannot run '%s': %s", argv[0], strerror(rc));
        goto done;
    }
    c->in = in[1];
    c->out = out[0];
    c->err = er[0];
    in[1] = out[0] = er[0] = -1;
done:
    close_fd(&in[0]);
    close_fd(&in[1]);
    close_fd(&out[0]);
    close_fd(&out[1]);
    close_fd(&er[0]);
    close_fd(&er[1]);
    free(env);
    return st;
}

/* Keep the first line of stderr (for messages); drop the rest. */
static void keep_first_line(char *line, size_t *len, const char *data, size_t n)
{
    for (size_t i = 0; i < n && *len < MAX_LINE; i++) {
        if (data[i] == '\n' && *len > 0)
            *len = MAX_LINE; /* the first line is complete */
        else if (data[i] != '\n' && data[i] != '\r')
            line[(*len)++] = data[i];
    }
    line[*len < MAX_LINE ? *len : strnlen(line, MAX_LINE)] = '\0';
}

/* What one round of reading found. */
enum { READ_MORE, READ_LINE, READ_EOF, READ_TIMEOUT, READ_STOPPED, READ_TOO_LONG };

/* Read the child's stdout into *buf (and the first stderr line) until
 * stdout ends (until_line == 0) or holds a newline (until_line == 1),
 * the deadline passes, or *stop is set. */
static int child_read(child *c, char **buf, size_t *len, int until_line, char *errline,
                      size_t *errlen, double deadline, volatile sig_atomic_t *stop)
{
    char chunk[4096];
    for (;;) {
        if (until_line && *buf && memchr(*buf, '\n', *len))
            return READ_LINE;
        if (c->out < 0 && c->err < 0)
            return READ_EOF;
        if (stop && *stop)
            return READ_STOPPED;
        double left = deadline - now();
        if (left <= 0)
            return READ_TIMEOUT;
        struct pollfd p[2] = {{c->out, POLLIN, 0}, {c->err, POLLIN, 0}};
        int ms = left > 0.1 ? 100 : (int)(left * 1000) + 1; /* wake up for *stop */
        if (poll(p, 2, ms) < 0 && errno != EINTR)
            return READ_EOF;
        for (int k = 0; k < 2; k++) {
            int *fd = k == 0 ? &c->out : &c->err;
            if (*fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(*fd, chunk, sizeof chunk);
            if (got <= 0) {
                if (got == 0 || errno != EINTR)
                    close_fd(fd);
                continue;
            }
            if (k == 1) {
                keep_first_line(errline, errlen, chunk, (size_t)got);
                continue;
            }
            if (*len + (size_t)got > MAX_OUTPUT)
                return READ_TOO_LONG;
            char *grown = realloc(*buf, *len + (size_t)got + 1);
            if (!grown)
                return READ_TOO_LONG;
            memcpy(grown + *len, chunk, (size_t)got);
            *len += (size_t)got;
            grown[*len] = '\0';
            *buf = grown;
        }
    }
}

/* The last non-empty line of text as a finite number, or a status. */
static int parse_last_number(const mib_external *e, char *text, const char *errline,
                             double *mi, mib_err *err)
{
    char *line = NULL;
    for (char *save = NULL, *l = strtok_r(text, "\r\n", &save); l;
         l = strtok_r(NULL, "\r\n", &save)) {
        while (*l == ' ' || *l == '\t')
            l++;
        if (*l)
            line = l;
    }
    if (!line)
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' printed no number%s%s", e->name,
                        *errline ? ": " : "", errline);
    char *end;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        line[--len] = '\0';
    double v = strtod(line, &end);
    if (end == line || *end)
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' printed '%.60s', not a number%s%s",
                        e->name, line, *errline ? ": " : "", errline);
    if (!isfinite(v))
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' printed %s", e->name, line);
    *mi = v;
    return MIB_OK;
}

/* A status for how a read ended, or MIB_OK. */
static int read_status(const mib_external *e, int how, double timeout, const char *errline,
                       mib_err *err)
{
    switch (how) {
    case READ_TIMEOUT:
        return mib_fail(err, MIB_ETIMEOUT, "external '%s' ran longer than timeout=%g s and was "
                        "killed", e->name, timeout);
    case READ_STOPPED:
        return mib_fail(err, MIB_EINTR, "external '%s' stopped: the run was interrupted",
                        e->name);
    case READ_TOO_LONG:
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' printed more than %u bytes",
                        e->name, MAX_OUTPUT);
    default:
        return MIB_OK;
    }
}

/* How a reaped child ended, as a status (MIB_OK for exit status 0). */
static int exit_status(const mib_external *e, int ws, const char *errline, mib_err *err)
{
    const char *sep = *errline ? ": " : "";
    if (WIFSIGNALED(ws))
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' was killed by signal %d (%s)%s%s",
                        e->name, WTERMSIG(ws), strsignal(WTERMSIG(ws)), sep, errline);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
        return mib_fail(err, MIB_EEXTERNAL, "external '%s' exited with status %d%s%s", e->name,
                        WEXITSTATUS(ws), sep, errline);
    return MIB_OK;
}

/* Write the samples to a new temporary file; *path receives its name. */
static int write_samples(const mib_external *e, const mib_data *d, int format, char *path,
                         size_t len, mib_err *err)
{
    const char *ext = format == FORMAT_H5 ? ".h5" : ".csv";
    snprintf(path, len, "%s/mibench-%s-XXXXXX%s", e->tmp_dir, e->name, ext);
    int fd = mkstemps(path, (int)strlen(ext));
    if (fd < 0)
        return mib_fail(err, MIB_EIO, "cannot create a temporary file in '%s': %s", e->tmp_dir,
                        strerror(errno));
    close(fd);
    int st = format == FORMAT_H5
                 ? mib_store_write_xy(path, d->n, d->dx, d->x, d->dy, d->y, err)
                 : mib_store_write_csv(path, d->n, d->dx, d->x, d->dy, d->y, "X", "Y", err);
    if (st)
        unlink(path);
    return st;
}

/* Wait for a child whose output has ended (it may have closed its pipes
 * and gone on running) against the same deadline and stop request; on
 * success *wstatus is its status and c->pid is -1. */
static int reap(const mib_external *e, child *c, double deadline, double timeout,
                volatile sig_atomic_t *stop, int *wstatus, mib_err *err)
{
    for (;;) {
        pid_t got = waitpid(c->pid, wstatus, WNOHANG);
        if (got == c->pid || (got < 0 && errno != EINTR)) {
            c->pid = -1;
            return MIB_OK;
        }
        int how = stop && *stop ? READ_STOPPED : now() >= deadline ? READ_TIMEOUT : READ_MORE;
        if (how != READ_MORE)
            return read_status(e, how, timeout, "", err); /* the caller kills the group */
        struct timespec nap = {0, 5000000}; /* 5 ms */
        nanosleep(&nap, NULL);
    }
}

/* bmi's protocol: one run of COMMAND FILE DIMX DIMY. */
static int run_bmi(mib_external *e, const mib_data *d, const mib_spec *spec,
                   const mib_workspace *ws, const char *file, double *mi, mib_err *err)
{
    char dx[24], dy[24], errline[MAX_LINE + 1] = "";
    size_t n = e->words.we_wordc, errlen = 0, len = 0;
    char **argv = malloc((n + 4) * sizeof *argv), *out = NULL;
    child c = {-1, -1, -1, -1};
    int st = argv ? MIB_OK : mib_fail(err, MIB_ENOMEM, "out of memory");
    double timeout = spec->v[P_TIMEOUT].num;
    if (st)
        goto done;
    snprintf(dx, sizeof dx, "%zu", d->dx);
    snprintf(dy, sizeof dy, "%zu", d->dy);
    memcpy(argv, e->words.we_wordv, n * sizeof *argv);
    argv[n] = (char *)file;
    argv[n + 1] = dx;
    argv[n + 2] = dy;
    argv[n + 3] = NULL;
    if ((st = child_start(argv, ws, 0, &c, err)))
        goto done;
    double deadline = now() + timeout; /* for the whole call: output, then exit */
    int how = child_read(&c, &out, &len, 0, errline, &errlen, deadline, ws->stop);
    if ((st = read_status(e, how, timeout, errline, err)))
        goto done;
    int wstatus = 0;
    if ((st = reap(e, &c, deadline, timeout, ws->stop, &wstatus, err)))
        goto done;
    if (!(st = exit_status(e, wstatus, errline, err)))
        st = parse_last_number(e, out ? out : (char[]){""}, errline, mi, err);
done:
    child_kill(&c);
    free(out);
    free(argv);
    return st;
}

/* An idle live worker, or a new slot; *slot is marked busy. */
static int worker_take(mib_external *e, size_t *slot, mib_err *err)
{
    int st = MIB_OK;
    pthread_mutex_lock(&e->lock);
    size_t i = 0;
    while (i < e->nworkers && e->workers[i]->busy)
        i++;
    if (i == e->nworkers) {
        worker **grown = realloc(e->workers, (e->nworkers + 1) * sizeof *grown);
        worker *w = malloc(sizeof *w);
        if (grown)
            e->workers = grown;
        if (!grown || !w) {
            free(w);
            st = mib_fail(err, MIB_ENOMEM, "out of memory starting a worker");
            goto done;
        }
        *w = (worker){.proc = {-1, -1, -1, -1}};
        e->workers[e->nworkers++] = w;
    }
    e->workers[i]->busy = 1;
    *slot = i;
done:
    pthread_mutex_unlock(&e->lock);
    return st;
}

/* Worker i (busy, ours): started when it is not alive. */
static int worker_ready(mib_external *e, size_t i, const mib_workspace *ws, worker **out,
                        mib_err *err)
{
    pthread_mutex_lock(&e->lock);
    worker *w = e->workers[i]; /* ours while busy; the pointer array moves under the lock */
    int st = MIB_OK;
    if (!w->alive) {
        child_kill(&w->proc);
        free(w->buf);
        w->buf = NULL;
        w->len = 0;
        if (!(st = child_start(e->words.we_wordv, ws, 1, &w->proc, err))) {
            w->alive = 1;
            e->starts++;
        }
    }
    *out = w;
    pthread_mutex_unlock(&e->lock);
    return st;
}

static void worker_give_back(mib_external *e, size_t i)
{
    pthread_mutex_lock(&e->lock);
    e->workers[i]->busy = 0;
    pthread_mutex_unlock(&e->lock);
}

/* One JSON request line for a samples file. */
static char *request_line(const mib_data *d, const char *file, int format, uint64_t seed)
{
    json_t *req = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "file", file, "format",
                            formats[format], "dx", (json_int_t)d->dx, "dy", (json_int_t)d->dy,
                            "n", (json_int_t)d->n, "seed", (json_int_t)seed);
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    return text;
}

/* The answer line {"mi": x} or {"error": "..."} as a status; *garbage is
 * set when the line is neither (the worker is then not to be trusted). */
static int parse_answer(const mib_external *e, const char *line, double *mi, int *garbage,
                        mib_err *err)
{
    json_error_t jerr;
    json_t *ans = json_loads(line, 0, &jerr), *v;
    int st = MIB_OK;
    *garbage = !json_is_object(ans) || (!json_object_get(ans, "error") &&
                                        !json_is_number(json_object_get(ans, "mi")));
    if (!json_is_object(ans))
        st = mib_fail(err, MIB_EEXTERNAL, "worker '%s' answered '%.60s', not a JSON object",
                      e->name, line);
    else if ((v = json_object_get(ans, "error")) != NULL)
        st = mib_fail(err, MIB_EEXTERNAL, "worker '%s': %.200s", e->name,
                      json_is_string(v) ? json_string_value(v) : "error");
    else if (!json_is_number(v = json_object_get(ans, "mi")) || !isfinite(json_number_value(v)))
        st = mib_fail(err, MIB_EEXTERNAL, "worker '%s' answered '%.60s' without a finite \"mi\"",
                      e->name, line);
    else
        *mi = json_number_value(v);
    json_decref(ans);
    return st;
}

/* Send one request to worker w and read its answer line. A worker that
 * fails in any way but an {"error"} answer is killed (started again next
 * time). */
static int ask_worker(mib_external *e, worker *w, const char *req, double timeout,
                      const mib_workspace *ws, double *mi, mib_err *err)
{
    int st = MIB_OK, garbage = 0;
    w->errlen = 0;
    w->errline[0] = '\0';
    if (write_pipe(w->proc.in, req, strlen(req)) || write_pipe(w->proc.in, "\n", 1)) {
        st = MIB_EEXTERNAL;
    } else {
        int how = child_read(&w->proc, &w->buf, &w->len, 1, w->errline, &w->errlen,
                             now() + timeout, ws->stop);
        if (!(st = read_status(e, how, timeout, w->errline, err)) && how == READ_EOF)
            st = MIB_EEXTERNAL;
    }
    if (st == MIB_OK) {
        char *nl = memchr(w->buf, '\n', w->len);
        *nl = '\0';
        st = parse_answer(e, w->buf, mi, &garbage, err);
        w->len -= (size_t)(nl + 1 - w->buf);
        memmove(w->buf, nl + 1, w->len + 1);
        if (garbage)
            w->alive = 0;
        return st;
    }
    if (st == MIB_EEXTERNAL && w->proc.pid > 0) { /* stdin closed or stdout ended: it died */
        int wstatus = 0;
        kill(-w->proc.pid, SIGKILL);
        waitpid(w->proc.pid, &wstatus, 0);
        w->proc.pid = -1;
        if (!exit_status(e, wstatus, w->errline, err))
            mib_fail(err, MIB_EEXTERNAL, "worker '%s' stopped without an answer%s%s", e->name,
                     *w->errline ? ": " : "", w->errline);
    }
    child_kill(&w->proc); /* a hung or timed-out worker goes now, with its group */
    w->alive = 0;
    return st;
}

static int run_worker(mib_external *e, const mib_data *d, const mib_spec *spec,
                      const mib_workspace *ws, const char *file, double *mi, mib_err *err)
{
    size_t slot = 0;
    worker *w = NULL;
    char *req = request_line(d, file, spec->v[P_FORMAT].choice, external_seed(ws));
    int st = req ? MIB_OK : mib_fail(err, MIB_ENOMEM, "out of memory");
    if (st || (st = worker_take(e, &slot, err)))
        goto done;
    if (!(st = worker_ready(e, slot, ws, &w, err)))
        st = ask_worker(e, w, req, spec->v[P_TIMEOUT].num, ws, mi, err);
    worker_give_back(e, slot);
done:
    free(req);
    return st;
}

static int estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                    mib_result *res, mib_err *err)
{
    mib_external *e = external_of(spec);
    char file[4200];
    int format = spec->v[P_FORMAT].choice;
    int st = write_samples(e, d, format, file, sizeof file, err);
    if (st)
        return st;
    st = spec->v[P_PROTOCOL].choice == PROTOCOL_WORKER
             ? run_worker(e, d, spec, ws, file, &res->mi, err)
             : run_bmi(e, d, spec, ws, file, &res->mi, err);
    unlink(file);
    return st;
}

int mib_external_create(const char *name, const char *command, const char *tmp_dir,
                        mib_external **out, mib_err *err)
{
    mib_external *e = NULL;
    int st = MIB_OK, rc;
    if (!out || !name || !command)
        return mib_fail(err, MIB_EINVAL, "mib_external_create: NULL argument");
    *out = NULL;
    if (!mib_registry_name_ok(name))
        return mib_fail(err, MIB_ESPEC, "external estimator name '%s' is not allowed; allowed: "
                        "1 to 63 letters, digits, '_', '-', '.'", name);
    if (!(e = calloc(1, sizeof *e)) || !(e->command = strdup(command)) ||
        !(e->tmp_dir = strdup(tmp_dir && *tmp_dir ? tmp_dir : "/tmp"))) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory declaring '%s'", name);
        goto fail;
    }
    /* glibc's wordexp crashes on some arithmetic expansions (found by
     * tests/fuzz/fuzz_study), and a command line has no use for them */
    if (strstr(command, "$((") || strstr(command, "$[")) {
        st = mib_fail(err, MIB_ESPEC, "external '%s': command '%s' uses arithmetic expansion "
                      "($((...)) or $[...]), which is not run", name, command);
        goto fail;
    }
    if ((rc = wordexp(command, &e->words, WRDE_NOCMD | WRDE_UNDEF)) != 0 ||
        e->words.we_wordc == 0) {
        if (rc == 0)
            wordfree(&e->words);
        st = mib_fail(err, MIB_ESPEC, "external '%s': command '%s' %s", name, command,
                      rc == WRDE_CMDSUB ? "uses command substitution, which is not run"
                      : rc == WRDE_BADVAL ? "names an undefined variable"
                      : rc == 0 ? "is empty" : "does not split into words (unbalanced quotes?)");
        goto fail;
    }
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->summary, sizeof e->summary, "external: %.200s", command);
    pthread_mutex_init(&e->lock, NULL);
    e->type = (mib_estimator_type){.info = {e->name, e->summary, params}, .estimate = estimate};
    *out = e;
    return MIB_OK;
fail:
    if (e) {
        free(e->command);
        free(e->tmp_dir);
    }
    free(e);
    return st;
}

const mib_estimator_type *mib_external_type(const mib_external *e)
{
    return &e->type;
}

const char *mib_external_command(const mib_external *e)
{
    return e->command;
}

size_t mib_external_starts(mib_external *e)
{
    pthread_mutex_lock(&e->lock);
    size_t n = e->starts;
    pthread_mutex_unlock(&e->lock);
    return n;
}

void mib_external_free(mib_external *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nworkers; i++)
        close_fd(&e->workers[i]->proc.in); /* EOF: a well-behaved worker exits */
    double deadline = now() + 1.0;           /* give them a second, then the group goes */
    for (size_t i = 0; i < e->nworkers; i++) {
        worker *w = e->workers[i];
        int wstatus;
        while (w->proc.pid > 0 && now() < deadline &&
               waitpid(w->proc.pid, &wstatus, WNOHANG) == 0) {
            struct timespec nap = {0, 5000000};
            nanosleep(&nap, NULL);
        }
        child_kill(&w->proc); /* also its group's leftovers; a reaped pid is not waited again */
        free(w->buf);
        free(w);
    }
    free(e->workers);
    pthread_mutex_destroy(&e->lock);
    wordfree(&e->words);
    free(e->command);
    free(e->tmp_dir);
    free(e);
}
