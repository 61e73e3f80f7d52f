/* csv.c - a strict numeric CSV reader (see csv.h for the format). Reads the
 * whole file into memory, then splits lines and cells in place: O(file
 * size) time, the file plus 8 bytes per value of memory. Numbers go
 * through strtod in the C locale (the CLI never calls setlocale). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bench/cli/csv.h"

static int read_all(const char *path, char **buf, size_t *len, mib_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mib_fail(err, MIB_EIO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, used = 0;
    char *b = malloc(cap + 1);
    int st = MIB_OK;
    while (b) {
        used += fread(b + used, 1, cap - used, f);
        if (used < cap)
            break;
        char *nb = realloc(b, 2 * cap + 1);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    if (!b)
        st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
    else if (ferror(f))
        st = mib_fail(err, MIB_EIO, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    if (st) {
        free(b);
        return st;
    }
    b[used] = '\0';
    *buf = b;
    *len = used;
    return MIB_OK;
}

/* Trim blanks and one pair of surrounding double quotes, in place. */
static char *trim_cell(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

static int parse_number(const char *s, double *v)
{
    char *end;
    if (!*s)
        return -1;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' ? 0 : -1; /* overflow to +-inf is caught as non-finite */
}

static size_t count_cells(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

/* End the cell that starts at c at its comma, in place; returns the next
 * cell, or NULL after the last. */
static char *cut_cell(char *c)
{
    char *next = strchr(c, ',');
    if (next)
        *next++ = '\0';
    return next;
}

/* One read in progress: where it is (for messages) and the row capacity. */
typedef struct reader {
    const char *path;
    mib_csv *out;
    mib_err *err;
    size_t lineno, header_line, cap_rows;
} reader;

static int no_memory(const reader *r)
{
    return mib_fail(r->err, MIB_ENOMEM, "out of memory reading '%s'", r->path);
}

/* The first line is a header when any cell is not a number. Probed on a
 * copy: cutting and trimming write into the line, which is then read again
 * as a header or a row. */
static int probe_header(const reader *r, const char *line, int *header)
{
    char *probe = strdup(line);
    if (!probe)
        return no_memory(r);
    int numeric = 1;
    for (char *c = probe, *next; c && numeric; c = next) {
        next = cut_cell(c);
        double v;
        numeric = parse_number(trim_cell(c), &v) == 0;
    }
    free(probe);
    *header = !numeric;
    return MIB_OK;
}

static int read_header(reader *r, char *line, size_t ncell)
{
    mib_csv *out = r->out;
    r->header_line = r->lineno;
    /* calloc: a failure half-way leaves NULLs, which mib_csv_free skips */
    out->names = calloc(ncell, sizeof *out->names);
    if (!out->names)
        return no_memory(r);
    size_t j = 0;
    for (char *c = line, *next; c; c = next, j++) {
        next = cut_cell(c);
        if (!(out->names[j] = strdup(trim_cell(c))))
            return no_memory(r);
    }
    return MIB_OK;
}

/* Room for one more row: capacity doubles, from about 512 KB of values
 * (at least one row), so memory follows the rows actually read however
 * wide they are. */
static int grow_rows(reader *r)
{
    mib_csv *out = r->out;
    if (out->rows < r->cap_rows)
        return MIB_OK;
    size_t first = out->cols < 65536 ? 65536 / out->cols : 1;
    r->cap_rows = r->cap_rows ? 2 * r->cap_rows : first;
    if (r->cap_rows > SIZE_MAX / sizeof(double) / out->cols)
        return no_memory(r);
    double *nv = realloc(out->v, r->cap_rows * out->cols * sizeof *nv);
    size_t *nl = nv ? realloc(out->line, r->cap_rows * sizeof *nl) : NULL;
    /* keep whichever grew, so that mib_csv_free frees it */
    if (nv)
        out->v = nv;
    if (nl)
        out->line = nl;
    return nv && nl ? MIB_OK : no_memory(r);
}

/* The message for cell (an empty, non-numeric or non-finite cell). */
static int bad_cell(const reader *r, size_t col, const char *cell, int bad_number)
{
    char label[300];
    mib_csv_column_label(r->out, col, label, sizeof label);
    if (!*cell)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' line %zu, column %s: empty cell "
                        "(lines count from 1, columns from 0)", r->path, r->lineno, label);
    if (bad_number)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' line %zu, column %s: '%.40s' is not a "
                        "number (lines count from 1, columns from 0)", r->path, r->lineno,
                        label, cell);
    return mib_fail(r->err, MIB_EFORMAT, "'%s' line %zu, column %s: '%.40s' is not "
                    "finite (lines count from 1, columns from 0)", r->path, r->lineno, label,
                    cell);
}

/* Append line (of out->cols cells) as a data row. */
static int read_row(reader *r, char *line)
{
    mib_csv *out = r->out;
    int st = grow_rows(r);
    if (st)
        return st;
    double *row = out->v + out->rows * out->cols;
    size_t j = 0;
    for (char *c = line, *next; c; c = next, j++) {
        next = cut_cell(c);
        char *cell = trim_cell(c);
        int bad_number = parse_number(cell, &row[j]) != 0;
        if (bad_number || !isfinite(row[j]))
            return bad_cell(r, j, cell, bad_number);
    }
    out->line[out->rows++] = r->lineno;
    return MIB_OK;
}

/* A non-blank line: the header (first line only), or a data row with as
 * many cells as the first line. */
static int read_line(reader *r, char *line)
{
    mib_csv *out = r->out;
    size_t ncell = count_cells(line);
    if (out->cols == 0) { /* first line: header or data? */
        int header = 0, st;
        out->cols = ncell;
        if ((st = probe_header(r, line, &header)))
            return st;
        if (header)
            return read_header(r, line, ncell);
    }
    if (ncell != out->cols)
        return mib_fail(r->err, MIB_EFORMAT,
                        "'%s' line %zu has %zu cell%s, but the first line has %zu (every row "
                        "needs the same number of columns)", r->path, r->lineno, ncell,
                        ncell == 1 ? "" : "s", out->cols);
    return read_row(r, line);
}

/* Every line of the text at p, split in place, blank lines skipped; then
 * refuse a file with no data. */
static int read_lines(reader *r, char *p)
{
    while (p && *p) {
        char *nl = strchr(p, '\n'), *line = p;
        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : NULL;
        r->lineno++;
        int st = blank(line) ? MIB_OK : read_line(r, line);
        if (st)
            return st;
    }
    if (r->out->cols == 0)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' is empty", r->path);
    if (r->out->rows == 0)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' has a header (line %zu) but no data rows",
                        r->path, r->header_line);
    return MIB_OK;
}

void mib_csv_column_label(const mib_csv *c, size_t col, char *buf, size_t len)
{
    if (c->names)
        snprintf(buf, len, "%zu ('%s')", col, c->names[col]);
    else
        snprintf(buf, len, "%zu", col);
}

void mib_csv_free(mib_csv *c)
{
    if (c->names)
        for (size_t j = 0; j < c->cols; j++)
            free(c->names[j]);
    free(c->names);
    free(c->v);
    free(c->line);
    memset(c, 0, sizeof *c);
}

int mib_csv_read(const char *path, mib_csv *out, mib_err *err)
{
    reader r = {.path = path, .out = out, .err = err};
    char *buf = NULL;
    size_t len = 0;
    int st;
    memset(out, 0, sizeof *out);
    if ((st = read_all(path, &buf, &len, err)))
        return st;
    /* strchr-based splitting would stop at a NUL and silently drop the rest */
    if (memchr(buf, '\0', len))
        st = mib_fail(err, MIB_EFORMAT, "'%s' is not a text file (it contains NUL bytes)", path);
    else if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
        st = read_lines(&r, buf + 3);
    else
        st = read_lines(&r, buf);
    free(buf);
    if (st)
        mib_csv_free(out);
    return st;
}
