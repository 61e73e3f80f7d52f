/* csv.c - a strict numeric CSV reader (see csv.h for the format). Reads the
 * whole file into memory, then splits lines and cells in place: O(file
 * size) time, the file plus 8 bytes per value of memory. Numbers go
 * through strtod in the C locale (the CLI never calls setlocale). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
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
    char *buf = NULL;
    size_t len = 0, cap_rows = 0, lineno = 0, header_line = 0;
    int st;
    memset(out, 0, sizeof *out);
    if ((st = read_all(path, &buf, &len, err)))
        return st;
    if (memchr(buf, '\0', len)) {
        st = mib_fail(err, MIB_EFORMAT, "'%s' is not a text file (it contains NUL bytes)", path);
        goto done;
    }
    char *p = buf;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p && *p) {
        char *nl = strchr(p, '\n'), *line = p;
        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (blank(line))
            continue;
        size_t ncell = count_cells(line);
        if (out->cols == 0) { /* first line: header or data? */
            out->cols = ncell;
            char *probe = strdup(line);
            if (!probe) {
                st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
                goto done;
            }
            int numeric = 1;
            for (char *c = probe, *next; c && numeric; c = next) {
                next = strchr(c, ',');
                if (next)
                    *next++ = '\0';
                double v;
                numeric = parse_number(trim_cell(c), &v) == 0;
            }
            free(probe);
            if (!numeric) {
                header_line = lineno;
                out->names = calloc(ncell, sizeof *out->names);
                if (!out->names) {
                    st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
                    goto done;
                }
                size_t j = 0;
                for (char *c = line, *next; c; c = next, j++) {
                    next = strchr(c, ',');
                    if (next)
                        *next++ = '\0';
                    if (!(out->names[j] = strdup(trim_cell(c)))) {
                        st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
                        goto done;
                    }
                }
                continue;
            }
        }
        if (ncell != out->cols) {
            st = mib_fail(err, MIB_EFORMAT,
                          "'%s' line %zu has %zu cell%s, but the first line has %zu (every row "
                          "needs the same number of columns)", path, lineno, ncell,
                          ncell == 1 ? "" : "s", out->cols);
            goto done;
        }
        if (out->rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 1024;
            double *nv = realloc(out->v, cap_rows * out->cols * sizeof *nv);
            size_t *nl2 = nv ? realloc(out->line, cap_rows * sizeof *nl2) : NULL;
            if (nv)
                out->v = nv;
            if (nl2)
                out->line = nl2;
            if (!nv || !nl2) {
                st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
                goto done;
            }
        }
        double *row = out->v + out->rows * out->cols;
        size_t j = 0;
        for (char *c = line, *next; c; c = next, j++) {
            next = strchr(c, ',');
            if (next)
                *next++ = '\0';
            char *cell = trim_cell(c), label[300];
            int bad_number = parse_number(cell, &row[j]) != 0;
            if (!bad_number && isfinite(row[j]))
                continue;
            mib_csv_column_label(out, j, label, sizeof label);
            if (!*cell)
                st = mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: empty cell "
                              "(lines count from 1, columns from 0)", path, lineno, label);
            else if (bad_number)
                st = mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%.40s' is not a "
                              "number (lines count from 1, columns from 0)", path, lineno,
                              label, cell);
            else
                st = mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%.40s' is not "
                              "finite (lines count from 1, columns from 0)", path, lineno,
                              label, cell);
            goto done;
        }
        out->line[out->rows++] = lineno;
    }
    if (out->cols == 0)
        st = mib_fail(err, MIB_EFORMAT, "'%s' is empty", path);
    else if (out->rows == 0)
        st = mib_fail(err, MIB_EFORMAT, "'%s' has a header (line %zu) but no data rows", path,
                      header_line);
done:
    free(buf);
    if (st)
        mib_csv_free(out);
    return st;
}
