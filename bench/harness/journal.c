/* journal.c - the append-only journal of a sweep (format in journal.h).
 * Each record is built in memory and written with one write() then
 * fsync(), so a kill leaves at most one torn line at the end, which the
 * reader drops. Every line ends with the CRC-32 (zlib) of the rest of it,
 * so a damaged or edited line is recognised and skipped, never applied.
 * Numbers are printed with 17 significant digits, which read back to the
 * same double. Cost: O(record) per append, O(file) per load. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "bench/harness/journal.h"
#include "bench/harness/summary.h"
#include "bench/store/store.h"

#define MAGIC "mibench-journal 2"     /* lines carry a CRC-32 */
#define MAGIC_V1 "mibench-journal 1"  /* no checksums (mibench 0.1.0) */
#define MAX_FIELDS 11

struct mib_journal {
    int fd;
    char path[4096];
    char *buf;     /* record under construction */
    size_t len, cap;
};

/* printf into the record buffer, growing it. */
static int vput(mib_journal *j, const char *fmt, va_list ap)
{
    for (;;) {
        va_list copy;
        va_copy(copy, ap);
        int k = vsnprintf(j->buf + j->len, j->cap - j->len, fmt, copy);
        va_end(copy);
        if (k < 0)
            return -1;
        if ((size_t)k < j->cap - j->len) {
            j->len += (size_t)k;
            return 0;
        }
        size_t cap = 2 * j->cap + (size_t)k + 1;
        char *grown = realloc(j->buf, cap);
        if (!grown)
            return -1;
        j->buf = grown;
        j->cap = cap;
    }
}

static int put(mib_journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put(mib_journal *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int bad = vput(j, fmt, ap);
    va_end(ap);
    return bad;
}

/* One line into the record buffer: the printf text, a tab, the CRC-32 of
 * that text as 8 hex digits, a newline. */
static int put_line(mib_journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put_line(mib_journal *j, const char *fmt, ...)
{
    size_t start = j->len;
    va_list ap;
    va_start(ap, fmt);
    int bad = vput(j, fmt, ap);
    va_end(ap);
    if (bad)
        return -1;
    unsigned long crc = crc32(0L, (const Bytef *)j->buf + start, (uInt)(j->len - start));
    return put(j, "\t%08lx\n", crc);
}

/* Write the record buffer in one go; fsync when durable. */
static int commit(mib_journal *j, int durable, mib_err *err)
{
    size_t off = 0;
    while (off < j->len) {
        ssize_t w = write(j->fd, j->buf + off, j->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return mib_fail(err, MIB_EIO, "cannot write journal '%s': %s", j->path,
                            strerror(errno));
        off += (size_t)w;
    }
    j->len = 0;
    return durable ? mib_journal_sync(j, err) : MIB_OK;
}

int mib_journal_sync(mib_journal *j, mib_err *err)
{
    if (fsync(j->fd) != 0)
        return mib_fail(err, MIB_EIO, "cannot fsync journal '%s': %s", j->path, strerror(errno));
    return MIB_OK;
}

int mib_journal_create(const char *path, uint64_t seed, const char *start_time,
                       const mib_cell_row *cells, size_t ncells, mib_journal **out,
                       mib_err *err)
{
    int st = MIB_OK;
    mib_journal *j = calloc(1, sizeof *j);
    *out = NULL;
    if (!j)
        return mib_fail(err, MIB_ENOMEM, "out of memory opening journal '%s'", path);
    snprintf(j->path, sizeof j->path, "%s", path);
    j->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (j->fd < 0) {
        st = mib_fail(err, MIB_EIO, "cannot create journal '%s': %s", path, strerror(errno));
        goto fail;
    }
    int bad = put_line(j, "%s\t%" PRIu64 "\t%zu\t%s", MAGIC, seed, ncells, start_time);
    for (size_t i = 0; i < ncells && !bad; i++)
        bad = put_line(j, "cell\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%.17g\t%s\t%s",
                  cells[i].cell, cells[i].n, cells[i].batch_size, cells[i].true_mi,
                  cells[i].generator, cells[i].estimator);
    if (bad) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory writing journal '%s'", path);
        goto fail;
    }
    if ((st = commit(j, 1, err)))
        goto fail;
    *out = j;
    return MIB_OK;
fail:
    mib_journal_close(j, NULL);
    return st;
}

int mib_journal_append(mib_journal *j, const mib_trial_row *t, const mib_curve_row *curves,
                       size_t ncurves, int durable, mib_err *err)
{
    char msg[MIB_MSG_LEN];
    snprintf(msg, sizeof msg, "%s", t->message);
    for (char *p = msg; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    int bad = 0;
    for (size_t i = 0; i < ncurves && !bad; i++)
        bad = put_line(j, "curve\t%" PRId64 "\t%" PRId32 "\t%" PRId64 "\t%.17g\t%.17g",
                  curves[i].cell, curves[i].replicate, curves[i].step, curves[i].estimate,
                  curves[i].true_mi);
    bad = bad || put_line(j, "trial\t%" PRId64 "\t%" PRId32 "\t%" PRIu64 "\t%.17g\t%.17g\t%.17g\t%"
                          PRId32 "\t%s", t->cell, t->replicate, t->seed, t->estimate, t->seconds,
                     t->cpu_seconds, t->status, msg);
    if (bad) {
        j->len = 0;
        return mib_fail(err, MIB_ENOMEM, "out of memory writing journal '%s'", j->path);
    }
    return commit(j, durable, err);
}

int mib_journal_close(mib_journal *j, mib_err *err)
{
    int st = MIB_OK;
    if (!j)
        return MIB_OK;
    if (j->fd >= 0 && close(j->fd) != 0)
        st = mib_fail(err, MIB_EIO, "cannot close journal '%s': %s", j->path, strerror(errno));
    free(j->buf);
    free(j);
    return st;
}

/* ---- reading ---- */

/* With checksums (v2): check and cut the CRC-32 field off a line (no
 * newline), in place. 0 when it matches, -1 when the line is damaged. */
static int verify(char *line, int checked)
{
    if (!checked)
        return 0;
    char *tab = strrchr(line, '\t'), *end;
    if (!tab || strlen(tab + 1) != 8)
        return -1;
    unsigned long want = strtoul(tab + 1, &end, 16);
    if (*end != '\0' || crc32(0L, (const Bytef *)line, (uInt)(tab - line)) != want)
        return -1;
    *tab = '\0';
    return 0;
}

/* Split a line (no newline) at tabs, in place; returns the field count or
 * -1 when there are more than MAX_FIELDS. */
static int split(char *line, char **f)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n == MAX_FIELDS)
            return -1;
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            return n;
        *p = '\0';
    }
}

static int num(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return *s && *end == '\0' ? 0 : -1;
}

static int i64(const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    *v = x;
    return *s && *end == '\0' && !errno ? 0 : -1;
}

static int u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    *v = x;
    return *s && *s != '-' && *end == '\0' && !errno ? 0 : -1;
}

/* Grow an array of rows by one; NULL when out of memory. */
static void *grow(void **rows, size_t *count, size_t *cap, size_t size)
{
    if (*count == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        void *g = realloc(*rows, c * size);
        if (!g)
            return NULL;
        *rows = g;
        *cap = c;
    }
    return (char *)*rows + (*count)++ * size;
}

/* Parse one cell line into r->cells[index]. */
static int cell_line(char **f, int nf, mib_results *r, size_t index)
{
    mib_cell_row *c = &r->cells[index];
    int64_t i, n, b;
    if (nf != 7 || strcmp(f[0], "cell") || i64(f[1], &i) || i != (int64_t)index ||
        i64(f[2], &n) || i64(f[3], &b) || num(f[4], &c->true_mi) ||
        strlen(f[5]) >= sizeof c->generator || strlen(f[6]) >= sizeof c->estimator)
        return -1;
    c->cell = i;
    c->n = n;
    c->batch_size = b;
    snprintf(c->generator, sizeof c->generator, "%s", f[5]);
    snprintf(c->estimator, sizeof c->estimator, "%s", f[6]);
    c->generator_name[0] = c->estimator_name[0] = '\0';
    MIB_ROW_NAMES(c);
    return 0;
}

/* Parse one trial line, completing the row from its cell. */
static int trial_line(char **f, int nf, const mib_results *r, mib_trial_row *t)
{
    int64_t cell, rep, status;
    memset(t, 0, sizeof *t);
    if (nf != 9 || i64(f[1], &cell) || cell < 0 || (size_t)cell >= r->ncells ||
        i64(f[2], &rep) || rep < 0 || rep > INT32_MAX || u64(f[3], &t->seed) ||
        num(f[4], &t->estimate) || num(f[5], &t->seconds) || num(f[6], &t->cpu_seconds) ||
        i64(f[7], &status) || status < 0 || status >= MIB_NSTATUS)
        return -1;
    const mib_cell_row *c = &r->cells[cell];
    MIB_ROW_KEY_FROM_CELL(t, c); /* c->cell == cell: cell lines are read in order */
    t->replicate = (int32_t)rep;
    t->status = (int32_t)status;
    snprintf(t->status_name, sizeof t->status_name, "%s", mib_status_name(t->status));
    snprintf(t->message, sizeof t->message, "%s", f[8]);
    return 0;
}

static int curve_line(char **f, int nf, const mib_results *r, mib_curve_row *c)
{
    int64_t cell, rep;
    if (nf != 6 || i64(f[1], &cell) || cell < 0 || (size_t)cell >= r->ncells ||
        i64(f[2], &rep) || rep < 0 || rep > INT32_MAX || i64(f[3], &c->step) ||
        num(f[4], &c->estimate) || num(f[5], &c->true_mi))
        return -1;
    c->cell = cell;
    c->replicate = (int32_t)rep;
    return 0;
}

/* The whole file as a NUL-terminated string. */
static int slurp(const char *path, char **out, size_t *len, mib_err *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return mib_fail(err, MIB_EIO, "cannot open journal '%s': %s", path, strerror(errno));
    for (;;) {
        if (cap - n < 65536) {
            char *g = realloc(buf, cap = 2 * cap + 65536);
            if (!g) {
                free(buf);
                fclose(f);
                return mib_fail(err, MIB_ENOMEM, "out of memory reading journal '%s'", path);
            }
            buf = g;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return mib_fail(err, MIB_EIO, "cannot read journal '%s'", path);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return MIB_OK;
}

/* The header line and the cell table into out; 0, or -1 when malformed. */
static int read_header(char **pos, mib_results *out, char *start_time, size_t start_len,
                       int *checked)
{
    char *f[MAX_FIELDS] = {NULL}, *line = *pos, *nl = strchr(line, '\n');
    uint64_t ncells = 0;
    if (!nl)
        return -1;
    *nl = '\0';
    *checked = strncmp(line, MAGIC_V1 "\t", strlen(MAGIC_V1) + 1) != 0;
    int nf = verify(line, *checked) ? -1 : split(line, f);
    if (nf != 4 || strcmp(f[0], *checked ? MAGIC : MAGIC_V1) || u64(f[1], &out->master_seed) ||
        u64(f[2], &ncells) || ncells == 0 || ncells > (1u << 24) ||
        !(out->cells = calloc(ncells, sizeof *out->cells)))
        return -1;
    snprintf(start_time, start_len, "%s", f[3]);
    out->ncells = ncells;
    for (size_t i = 0; i < ncells; i++) {
        line = nl + 1;
        if (!(nl = strchr(line, '\n')))
            return -1;
        *nl = '\0';
        if (verify(line, *checked) || cell_line(f, split(line, f), out, i))
            return -1;
    }
    *pos = nl + 1;
    return 0;
}

int mib_journal_load(const char *path, mib_results *out, char *start_time, size_t start_len,
                     int *complete, size_t *damaged, mib_err *err)
{
    char *text = NULL, *f[MAX_FIELDS] = {NULL};
    size_t len = 0, tcap = 0, ccap = 0, pending = 0; /* curve lines awaiting their trial */
    int checked = 1, curve_lost = 0; /* a curve line of the coming trial was damaged */
    memset(out, 0, sizeof *out);
    *complete = 1;
    *damaged = 0;
    int st = slurp(path, &text, &len, err);
    if (st)
        return st;
    char *line = text, *nl;
    if (read_header(&line, out, start_time, start_len, &checked)) {
        st = mib_fail(err, MIB_EFORMAT, "'%s' is not a mibench journal (bad header or cell "
                      "table)", path);
        goto done;
    }
    for (; *line; line = nl + 1) {
        if (!(nl = strchr(line, '\n'))) {
            *complete = 0; /* torn last write */
            break;
        }
        *nl = '\0';
        int was_curve = strncmp(line, "curve\t", 6) == 0;
        int nf = verify(line, checked) ? -1 : split(line, f), bad = 1;
        if (nf > 0 && strcmp(f[0], "curve") == 0) {
            mib_curve_row *c = grow((void **)&out->curves, &out->ncurves, &ccap, sizeof *c);
            if (!c)
                goto nomem;
            if ((bad = curve_line(f, nf, out, c)) != 0)
                out->ncurves--;
            else
                pending++;
        } else if (nf > 0 && strcmp(f[0], "trial") == 0) {
            mib_trial_row *t = grow((void **)&out->trials, &out->ntrials, &tcap, sizeof *t);
            if (!t)
                goto nomem;
            /* a trial whose curve lost a line is dropped too: it runs again whole */
            if ((bad = trial_line(f, nf, out, t) || curve_lost) != 0)
                out->ntrials--;
            pending = 0;
            curve_lost = 0;
        }
        curve_lost |= bad && was_curve;
        /* a damaged line is skipped, never applied; with checksums the lines
         * after it are still good, without them nothing after it is trusted */
        *damaged += bad != 0;
        if (bad && !checked) {
            *complete = 0;
            break;
        }
    }
    out->ncurves -= pending; /* curves of the last trial, which was never recorded */
    goto done;
nomem:
    st = mib_fail(err, MIB_ENOMEM, "out of memory reading journal '%s'", path);
done:
    free(text);
    if (st)
        mib_results_free(out);
    return st;
}
