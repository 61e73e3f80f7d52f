/* csv.c - a strict delimited-text reader (see csv.h for the format). The
 * whole text is in memory; one pass splits records and cells in place
 * (unquoting moves bytes left, never right, so one write pointer trails
 * the read pointer) and keeps a pointer per cell: O(text) time, the text
 * plus 8 bytes per cell of memory. Numbers are converted later, only in
 * the columns asked for, through strtod in the C locale (the CLI never
 * calls setlocale). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bench/cli/csv.h"

/* Lines count from 1, columns from 0: said in every cell message. */
#define WHERE_NOTE "lines count from 1, columns from 0"

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

/* A finite or non-finite number filling the whole cell (blanks around it
 * allowed: a quoted cell keeps its inner blanks); 0 on success. */
static int parse_number(const char *s, double *v)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return -1;
    *v = strtod(s, &end);
    if (end == s)
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    return *end == '\0' ? 0 : -1; /* overflow to +-inf is caught as non-finite */
}

int mib_csv_is_missing(const char *cell)
{
    /* pandas' default na_values (read_csv), which to_csv's NaN also is */
    static const char *const na[] = {
        "", "NA", "N/A", "n/a", "NULL", "null", "None", "#N/A", "#N/A N/A", "#NA", "<NA>",
        "NaN", "-NaN", "nan", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
    };
    for (size_t i = 0; i < sizeof na / sizeof na[0]; i++)
        if (strcmp(cell, na[i]) == 0)
            return 1;
    double v;
    return parse_number(cell, &v) == 0 && isnan(v);
}

/* One read in progress: where it is (for messages) and the capacities. */
typedef struct reader {
    const char *label;
    mib_csv *out;
    mib_err *err;
    char sep;
    size_t lineno;      /* line of the read pointer, from 1 */
    size_t record_line; /* line where the record being read starts */
    size_t ncells, cap_cells, cap_rows, header_line;
} reader;

static int no_memory(const reader *r)
{
    return mib_fail(r->err, MIB_ENOMEM, "out of memory reading '%s'", r->label);
}

/* Blanks around cells; a tab only when it does not separate cells. */
static int blank_char(const reader *r, char ch)
{
    return ch == ' ' || ch == '\r' || (ch == '\t' && r->sep != '\t');
}

/* Append a cell pointer; capacity doubles. */
static int push_cell(reader *r, char *cell)
{
    mib_csv *out = r->out;
    if (r->ncells == r->cap_cells) {
        size_t cap = r->cap_cells ? 2 * r->cap_cells : 1024;
        char **nc = cap < SIZE_MAX / sizeof *nc ? realloc(out->cell, cap * sizeof *nc) : NULL;
        if (!nc)
            return no_memory(r);
        out->cell = nc;
        r->cap_cells = cap;
    }
    out->cell[r->ncells++] = cell;
    return MIB_OK;
}

/* A quoted cell from the opening quote at *pp: "" is one quote, separators
 * and line breaks are text; blanks may follow the closing quote, then the
 * separator or the end of the line must. Writes the text at *wp. */
static int quoted_cell(reader *r, char **pp, char **wp)
{
    char *p = *pp + 1, *w = *wp;
    for (;;) {
        if (*p == '\0')
            return mib_fail(r->err, MIB_EFORMAT, "'%s' line %zu: a quoted cell is never "
                            "closed (a \" without its closing \")", r->label, r->record_line);
        if (*p == '"' && p[1] == '"') {
            *w++ = '"';
            p += 2;
            continue;
        }
        if (*p == '"')
            break;
        r->lineno += *p == '\n';
        *w++ = *p++;
    }
    for (p++; blank_char(r, *p); p++)
        ;
    char after[64];
    mib_csv_printable(p, 20, after, sizeof after);
    if (*p != r->sep && *p != '\n' && *p != '\0')
        return mib_fail(r->err, MIB_EFORMAT, "'%s' line %zu: text after the closing quote "
                        "of a quoted cell ('%s'); write a quote inside one as \"\"",
                        r->label, r->lineno, after);
    *pp = p;
    *wp = w;
    return MIB_OK;
}

/* The cells of one record from *pp, each written at *wp, trimmed and
 * NUL-terminated, and pushed; *pp ends past the record's line break. */
static int read_record(reader *r, char **pp, char **wp, size_t *ncell)
{
    char *p = *pp, *w = *wp;
    int st;
    *ncell = 0;
    for (;;) {
        while (blank_char(r, *p))
            p++;
        char *start = w;
        if (*p == '"') {
            if ((st = quoted_cell(r, &p, &w)))
                return st;
        } else {
            char *last = w; /* just past the last non-blank byte */
            while (*p != r->sep && *p != '\n' && *p != '\0') {
                char ch = *p++;
                *w++ = ch;
                if (!blank_char(r, ch))
                    last = w;
            }
            w = last;
        }
        char end = *p; /* read before the NUL below may land on it */
        *w++ = '\0';
        if ((st = push_cell(r, start)))
            return st;
        ++*ncell;
        if (end == '\0')
            break;
        p++;
        if (end == '\n') {
            r->lineno++;
            break;
        }
    }
    *pp = p;
    *wp = w;
    return MIB_OK;
}

/* The first record is a header when a cell is neither a number nor a
 * missing value. */
static int is_header(char *const *cells, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double v;
        if (parse_number(cells[j], &v) != 0 && !mib_csv_is_missing(cells[j]))
            return 1;
    }
    return 0;
}

static int take_header(reader *r)
{
    mib_csv *out = r->out;
    r->header_line = r->record_line;
    out->names = malloc(out->cols * sizeof *out->names);
    if (!out->names)
        return no_memory(r);
    memcpy(out->names, out->cell, out->cols * sizeof *out->names);
    r->ncells = 0;
    return MIB_OK;
}

/* Room for the line of one more row: capacity doubles. */
static int grow_lines(reader *r)
{
    mib_csv *out = r->out;
    if (out->rows < r->cap_rows)
        return MIB_OK;
    size_t cap = r->cap_rows ? 2 * r->cap_rows : 1024;
    size_t *nl = realloc(out->line, cap * sizeof *nl);
    if (!nl)
        return no_memory(r);
    out->line = nl;
    r->cap_rows = cap;
    return MIB_OK;
}

/* A record of ncell cells just pushed: the header (first record only), or
 * a data row with as many cells as the first record. */
static int take_record(reader *r, size_t ncell)
{
    mib_csv *out = r->out;
    if (out->cols == 0) {
        out->cols = ncell;
        if (is_header(out->cell, ncell))
            return take_header(r);
    }
    if (ncell != out->cols)
        return mib_fail(r->err, MIB_EFORMAT,
                        "'%s' line %zu has %zu cell%s, but the first line has %zu (every row "
                        "needs the same number of columns)", r->label, r->record_line, ncell,
                        ncell == 1 ? "" : "s", out->cols);
    int st = grow_lines(r);
    if (st)
        return st;
    out->line[out->rows++] = r->record_line;
    return MIB_OK;
}

/* A line of blanks only, from p: skipped, not a record. */
static int blank_line(const reader *r, const char *p)
{
    while (blank_char(r, *p))
        p++;
    return *p == '\n' || *p == '\0';
}

/* Every record of the text at p; then refuse a text with no data. */
static int read_records(reader *r, char *p)
{
    char *w = p;
    int st;
    r->lineno = 1;
    while (*p) {
        if (blank_line(r, p)) {
            char *nl = strchr(p, '\n');
            if (!nl)
                break;
            p = nl + 1;
            r->lineno++;
            continue;
        }
        size_t ncell;
        r->record_line = r->lineno;
        if ((st = read_record(r, &p, &w, &ncell)) || (st = take_record(r, ncell)))
            return st;
    }
    if (r->out->cols == 0)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' is empty", r->label);
    if (r->out->rows == 0)
        return mib_fail(r->err, MIB_EFORMAT, "'%s' has a header (line %zu) but no data rows",
                        r->label, r->header_line);
    return MIB_OK;
}

int mib_csv_parse(char *text, size_t len, char sep, const char *label, mib_csv *out,
                  mib_err *err)
{
    reader r = {.label = label, .out = out, .err = err, .sep = sep};
    int st;
    memset(out, 0, sizeof *out);
    out->text = text;
    out->label = label;
    /* NUL-terminated splitting would stop at a NUL and silently drop the rest */
    if (memchr(text, '\0', len))
        st = mib_fail(err, MIB_EFORMAT, "'%s' is not a text file (it contains NUL bytes)",
                      label);
    else if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
        st = read_records(&r, text + 3);
    else
        st = read_records(&r, text);
    if (st)
        mib_csv_free(out);
    return st;
}

int mib_csv_read(const char *path, char sep, mib_csv *out, mib_err *err)
{
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    int st = read_all(path, &text, &len, err);
    return st ? st : mib_csv_parse(text, len, sep, path, out, err);
}

const char *mib_csv_cell(const mib_csv *c, size_t row, size_t col)
{
    return c->cell[row * c->cols + col];
}

int mib_csv_is_numeric(const mib_csv *c, size_t col)
{
    int numbers = 0;
    for (size_t i = 0; i < c->rows; i++) {
        const char *cell = mib_csv_cell(c, i, col);
        double v;
        if (parse_number(cell, &v) == 0 && !isnan(v))
            numbers = 1;
        else if (!mib_csv_is_missing(cell))
            return 0;
    }
    return numbers;
}

size_t mib_csv_mark_missing(const mib_csv *c, const size_t *cols, size_t k,
                            unsigned char *drop)
{
    size_t marked = 0;
    for (size_t i = 0; i < c->rows; i++) {
        for (size_t j = 0; j < k && !drop[i]; j++)
            drop[i] = (unsigned char)mib_csv_is_missing(mib_csv_cell(c, i, cols[j]));
        marked += drop[i];
    }
    return marked;
}

/* The message for a cell of row that is not a finite number. */
static int bad_cell(const mib_csv *c, size_t row, size_t col, const char *cell, double v,
                    int number, mib_err *err)
{
    char label[300], text[100];
    size_t line = c->line[row];
    mib_csv_column_label(c, col, label, sizeof label);
    mib_csv_printable(cell, 40, text, sizeof text);
    if (!*cell)
        return mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: empty cell, a missing "
                        "value (--dropna drops such rows; " WHERE_NOTE ")", c->label, line,
                        label);
    if (number && isnan(v))
        return mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%s' is not finite, "
                        "a missing value (--dropna drops such rows; " WHERE_NOTE ")", c->label,
                        line, label, text);
    if (number)
        return mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%s' is not finite "
                        "(" WHERE_NOTE ")", c->label, line, label, text);
    if (mib_csv_is_missing(cell))
        return mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%s' is a missing "
                        "value (--dropna drops such rows; " WHERE_NOTE ")", c->label, line,
                        label, text);
    return mib_fail(err, MIB_EFORMAT, "'%s' line %zu, column %s: '%s' is not a number "
                    "(" WHERE_NOTE ")", c->label, line, label, text);
}

int mib_csv_extract(const mib_csv *c, const size_t *cols, size_t k,
                    const unsigned char *drop, double *out, mib_err *err)
{
    for (size_t i = 0; i < c->rows; i++) {
        if (drop && drop[i])
            continue;
        for (size_t j = 0; j < k; j++) {
            const char *cell = mib_csv_cell(c, i, cols[j]);
            int number = parse_number(cell, out) == 0;
            if (!number || !isfinite(*out))
                return bad_cell(c, i, cols[j], cell, *out, number, err);
            out++;
        }
    }
    return MIB_OK;
}

void mib_csv_printable(const char *s, size_t max, char *buf, size_t len)
{
    size_t used = 0;
    for (; *s && max && used + 3 < len; s++, max--) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            buf[used++] = '\\';
            buf[used++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
        } else {
            buf[used++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
        }
    }
    buf[used] = '\0';
}

void mib_csv_column_label(const mib_csv *c, size_t col, char *buf, size_t len)
{
    char name[160];
    if (!c->names) {
        snprintf(buf, len, "%zu", col);
        return;
    }
    mib_csv_printable(c->names[col], 60, name, sizeof name);
    snprintf(buf, len, "%zu ('%s')", col, name);
}

void mib_csv_free(mib_csv *c)
{
    free(c->names); /* the names point into the text */
    free(c->cell);
    free(c->line);
    free(c->text);
    memset(c, 0, sizeof *c);
}
