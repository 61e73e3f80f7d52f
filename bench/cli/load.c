/* load.c - the data files of `mibench estimate` and `mibench entropy`:
 * a CSV/TSV file (csv.c) or an HDF5 file (/x and /y, and /z when present,
 * or the datasets the options name), by path, or read once from a pipe, a
 * FIFO or "-" (standard input) and its format told from those bytes; then
 * the columns: zero-based indices or header names, found through a sorted
 * index (O(columns log columns)), chosen without options only when that is
 * unambiguous (two columns, or a header of exactly x0.., y0.. and
 * optionally z0.., or X0.., Y0.., Z0..; for one block, every column);
 * missing values refused with their line and column, or dropped with
 * --dropna. Every problem is one message naming the file, the line and the
 * column. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/load.h"
#include "bench/store/store.h"

#define NOTE_COLUMNS 6 /* columns a stderr note or message lists before "..." */

/* ---- the input: a regular file by its path, anything else read once ---- */

typedef struct input {
    const char *label; /* the path, or "<stdin>" */
    int hdf5;
    char *bytes;       /* a non-regular input's whole content (NUL-terminated), or NULL */
    size_t len;
} input;

/* Everything fd holds, until end of file. */
static int read_fd(int fd, input *in, mib_err *err)
{
    size_t cap = 1 << 16, used = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        if (!b)
            return mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", in->label);
        ssize_t got = read(fd, b + used, cap - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(b);
            return mib_fail(err, MIB_EIO, "cannot read '%s': %s", in->label, strerror(e));
        }
        if (got == 0)
            break;
        used += (size_t)got;
        if (used == cap) {
            char *nb = cap < SIZE_MAX / 4 ? realloc(b, 2 * cap + 1) : NULL;
            if (!nb)
                free(b);
            b = nb;
            cap *= 2;
        }
    }
    b[used] = '\0';
    in->bytes = b;
    in->len = used;
    return MIB_OK;
}

/* Tell the format of path without consuming it: H5Fis_hdf5 reads a regular
 * file by its path (and the readers open it again); a pipe, FIFO, device
 * or "-" is read once, here, and the format told from the bytes. */
static int open_input(const char *path, input *in, mib_err *err)
{
    struct stat s;
    int fd, st;
    memset(in, 0, sizeof *in);
    in->label = path;
    if (strcmp(path, "-") == 0) {
        in->label = "<stdin>";
        fd = STDIN_FILENO;
    } else if (stat(path, &s) != 0) {
        return mib_fail(err, MIB_EIO, "cannot open '%s': %s", path, strerror(errno));
    } else if (S_ISREG(s.st_mode)) {
        in->hdf5 = mib_store_is_hdf5(path);
        return MIB_OK;
    } else if ((fd = open(path, O_RDONLY)) < 0) {
        return mib_fail(err, MIB_EIO, "cannot open '%s': %s", path, strerror(errno));
    }
    st = read_fd(fd, in, err);
    if (fd != STDIN_FILENO)
        close(fd);
    if (!st)
        in->hdf5 = mib_store_is_hdf5_image(in->bytes, in->len);
    return st;
}

/* The separator: --sep, else tab for a .tsv name, else ','. */
static char separator(const cli_source *a)
{
    size_t len = strlen(a->path);
    if (a->sep)
        return a->sep;
    return len >= 4 && strcasecmp(a->path + len - 4, ".tsv") == 0 ? '\t' : ',';
}

/* ---- columns: header names found through a sorted index ---- */

/* The header's names sorted (ties by column), for O(log cols) lookups and
 * to tell unique names from repeated ones: O(cols log cols) to build, so
 * no step of the column choice is quadratic in the number of columns. */
typedef cli_named named;
typedef cli_name_index name_index;

static int by_name(const void *pa, const void *pb)
{
    const named *a = pa, *b = pb;
    int d = strcmp(a->name, b->name);
    return d ? d : (a->col > b->col) - (a->col < b->col);
}

static int index_names(const mib_csv *c, name_index *ix, mib_err *err)
{
    ix->c = c;
    ix->sorted = NULL;
    if (!c->names)
        return MIB_OK;
    if (!(ix->sorted = malloc(c->cols * sizeof *ix->sorted)))
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t j = 0; j < c->cols; j++)
        ix->sorted[j] = (named){c->names[j], j};
    qsort(ix->sorted, c->cols, sizeof *ix->sorted, by_name);
    return MIB_OK;
}

/* Position in sorted of the first entry not below name (cols if none). */
static size_t lower_bound(const name_index *ix, const char *name)
{
    size_t lo = 0, hi = ix->c->cols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->sorted[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The column named name: its number, -1 when none, -2 when several. */
static long find_name(const name_index *ix, const char *name)
{
    if (!ix->sorted)
        return -1;
    size_t at = lower_bound(ix, name), cols = ix->c->cols;
    if (at == cols || strcmp(ix->sorted[at].name, name) != 0)
        return -1;
    if (at + 1 < cols && strcmp(ix->sorted[at + 1].name, name) == 0)
        return -2;
    return (long)ix->sorted[at].col;
}

/* The name that --x/--y would take for column j: NULL when it has none
 * that selects it alone (no header, empty, a comma, or repeated). */
static const char *usable_name(const name_index *ix, size_t j)
{
    const char *name = ix->c->names ? ix->c->names[j] : NULL;
    if (!name || !*name || strchr(name, ',') || find_name(ix, name) != (long)j)
        return NULL;
    return name;
}

/* "a, b, c, ... (12 columns)" into buf: the header names (or numbers) of
 * the columns idx[0..count-1], or of every column when idx is NULL. */
static void list_columns(const mib_csv *c, const size_t *idx, size_t count, char *buf,
                         size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && i < NOTE_COLUMNS && used < len; i++) {
        size_t j = idx ? idx[i] : i;
        char name[160];
        if (c->names)
            mib_csv_printable(c->names[j], 60, name, sizeof name);
        if (c->names)
            used += (size_t)snprintf(buf + used, len - used, "%s'%s'", i ? ", " : "", name);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? ", " : "", j);
    }
    if (count > NOTE_COLUMNS && used < len)
        snprintf(buf + used, len - used, ", ... (%zu columns)", count);
}

/* What each column is for while the selection is made. */
enum { ROLE_NONE, ROLE_X, ROLE_Y, ROLE_Z };

/* One token of --x/--y: a header name, else a zero-based index. */
static int resolve_token(const char *tok, const char *opt, const name_index *ix, long *col,
                         mib_err *err)
{
    const mib_csv *c = ix->c;
    size_t len = strlen(tok);
    *col = find_name(ix, tok);
    if (*col == -2)
        return mib_fail(err, MIB_EINVAL, "%s: column name '%s' appears twice in the header; "
                        "use its index", opt, tok);
    if (*col >= 0)
        return MIB_OK;
    if (len && strspn(tok, "0123456789") == len) {
        unsigned long v = strtoul(tok, NULL, 10);
        if (v >= c->cols || len > 9)
            return mib_fail(err, MIB_EINVAL, "%s: column %s does not exist; the file has %zu "
                            "columns (0 to %zu)", opt, tok, c->cols, c->cols - 1);
        *col = (long)v;
        return MIB_OK;
    }
    if (!c->names)
        return mib_fail(err, MIB_EINVAL, "%s: no column named '%s'; the file has no header, "
                        "so give zero-based indices", opt, tok);
    char known[300];
    list_columns(c, NULL, c->cols, known, sizeof known);
    return mib_fail(err, MIB_EINVAL, "%s: no column named '%s'; the header has: %s", opt, tok,
                    known);
}

/* Resolve "a,b,3" against the header and width into out, marking each
 * column in role[] (a column named twice, or in two of x, y and z, is
 * refused). */
static int parse_columns(const char *text, const char *opt, const name_index *ix, int mine,
                         unsigned char *role, cli_columns *out, mib_err *err)
{
    char *copy = strdup(text);
    int st = MIB_OK;
    if (!copy)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (char *tok = copy, *next; tok && st == MIB_OK; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        while (isspace((unsigned char)*tok))
            tok++;
        size_t len = strlen(tok);
        while (len && isspace((unsigned char)tok[len - 1]))
            tok[--len] = '\0';
        long col = -1;
        if (!*tok)
            st = mib_fail(err, MIB_EINVAL, "%s '%s' has an empty column name", opt, text);
        else if (!(st = resolve_token(tok, opt, ix, &col, err)) && role[col] == mine)
            st = mib_fail(err, MIB_EINVAL, "%s names column %ld twice", opt, col);
        else if (!st && role[col] != ROLE_NONE) {
            char label[300];
            int a = role[col] < mine ? role[col] : mine, b = role[col] < mine ? mine : role[col];
            mib_csv_column_label(ix->c, (size_t)col, label, sizeof label);
            st = mib_fail(err, MIB_EINVAL, "column %s is in both %c and %c", label,
                          "-xyz"[a], "-xyz"[b]);
        } else if (!st) {
            role[col] = (unsigned char)mine;
            out->idx[out->count++] = (size_t)col;
        }
    }
    free(copy);
    return st;
}

/* Index i when name is letter followed by i in decimal (no leading zero),
 * or the bare letter (i = 0, *bare = 1); -1 otherwise. */
static long xy_index(const char *name, char letter, int *bare)
{
    if (name[0] != letter)
        return -1;
    *bare = name[1] == '\0';
    if (*bare)
        return 0;
    size_t len = strlen(name + 1);
    if (strspn(name + 1, "0123456789") != len || len > 9 || (name[1] == '0' && len > 1))
        return -1;
    return strtol(name + 1, NULL, 10);
}

/* A header whose columns not taken in role[] are exactly x0..x(dx-1),
 * y0..y(dy-1) and, when cz is not NULL, optionally z0..z(dz-1) (or X..,
 * Y.., Z..; "x", "y", "z" alone for a group of one), in any order: *cx,
 * *cy, *cz in index order (their idx filled with SIZE_MAX beforehand). */
static int xy_header(const mib_csv *c, const unsigned char *role, char xl, cli_columns *cx,
                     cli_columns *cy, cli_columns *cz)
{
    size_t *slot[3] = {cx->idx, cy->idx, cz ? cz->idx : NULL}, d[3] = {0, 0, 0};
    int bare[3] = {0, 0, 0};
    for (size_t j = 0; c->names && j < c->cols; j++) {
        if (role[j] != ROLE_NONE)
            continue;
        int g = c->names[j][0] - xl, b;
        long i = g >= 0 && g < 3 && slot[g] ? xy_index(c->names[j], (char)(xl + g), &b) : -1;
        if (i < 0 || (size_t)i >= c->cols || slot[g][i] != SIZE_MAX)
            return 0;
        slot[g][i] = j;
        bare[g] |= b;
        d[g]++;
    }
    for (int g = 0; g < 3; g++) {
        if ((g < 2 && !d[g]) || (bare[g] && d[g] > 1))
            return 0;
        for (size_t i = 0; i < d[g]; i++)
            if (slot[g][i] == SIZE_MAX) /* a gap: x0, x2 */
                return 0;
    }
    cx->count = d[0];
    cy->count = d[1];
    if (cz)
        cz->count = d[2];
    return 1;
}

/* For a one-column file: a hint when its first cell holds a likely
 * separator other than the one used. */
static const char *sep_hint(const mib_csv *c)
{
    const char *first = c->names ? c->names[0] : mib_csv_cell(c, 0, 0);
    if (strchr(first, '\t'))
        return " (its cells hold tabs: is it tab-separated? see --sep)";
    if (strpbrk(first, ",;|"))
        return " (its cells hold ',', ';' or '|': is that the separator? see --sep)";
    return "";
}

/* The columns when neither --x nor --y is given, if the file leaves no
 * doubt, among those --z did not take (role[]); without --z (cz not NULL)
 * a header's z0.. columns become the z block. Otherwise the refusal lists
 * the columns. */
static int default_columns(const mib_csv *c, const unsigned char *role, const char *label,
                           cli_columns *cx, cli_columns *cy, cli_columns *cz, mib_err *err)
{
    size_t left[3], nleft = 0;
    for (int k = 0; k < 2 && c->names; k++) {
        for (size_t j = 0; j < c->cols; j++)
            cx->idx[j] = cy->idx[j] = cz ? (cz->idx[j] = SIZE_MAX) : SIZE_MAX;
        if (xy_header(c, role, k ? 'X' : 'x', cx, cy, cz))
            return MIB_OK;
    }
    for (size_t j = 0; j < c->cols && nleft < 3; j++)
        if (role[j] == ROLE_NONE)
            left[nleft++] = j;
    if (nleft == 2) {
        cx->count = cy->count = 1;
        cx->idx[0] = left[0];
        cy->idx[0] = left[1];
        if (cz)
            cz->count = 0;
        return MIB_OK;
    }
    if (c->cols == 1)
        return mib_fail(err, MIB_EINVAL, "'%s' has 1 column; x and y need at least one "
                        "column each%s", label, sep_hint(c));
    char known[300];
    list_columns(c, NULL, c->cols, known, sizeof known);
    return mib_fail(err, MIB_EINVAL, "'%s' has %zu columns (%s) and no unambiguous x/y "
                    "split; say which are x and y with --x and --y (only x0../y0.. headers "
                    "and two-column files need neither)", label, c->cols, known);
}

/* Choose the x, y and z columns of a CSV (single: only x, named by
 * xopt); zs first, so that the other rules see only what is left. */
static int select_csv(const mib_csv *c, const name_index *ix, const char *xs, const char *ys,
                      const char *zs, int single, const char *xopt, cli_columns *cx,
                      cli_columns *cy, cli_columns *cz, mib_err *err)
{
    int st = MIB_OK;
    unsigned char *role = calloc(c->cols, 1);
    cx->idx = malloc(c->cols * sizeof *cx->idx);
    cy->idx = malloc(c->cols * sizeof *cy->idx);
    cz->idx = malloc(c->cols * sizeof *cz->idx);
    cx->count = cy->count = cz->count = 0;
    if (!role || !cx->idx || !cy->idx || !cz->idx) {
        free(role);
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    }
    if (single) { /* one block: the columns named, or every column */
        if (xs)
            st = parse_columns(xs, xopt, ix, ROLE_X, role, cx, err);
        for (size_t j = 0; !xs && j < c->cols; j++)
            cx->idx[cx->count++] = j;
        free(role);
        return st;
    }
    if (zs)
        st = parse_columns(zs, "--z", ix, ROLE_Z, role, cz, err);
    if (!st && !xs && !ys)
        st = default_columns(c, role, c->label, cx, cy, zs ? NULL : cz, err);
    if (!st && xs)
        st = parse_columns(xs, xopt, ix, ROLE_X, role, cx, err);
    if (!st && ys)
        st = parse_columns(ys, "--y", ix, ROLE_Y, role, cy, err);
    for (size_t j = 0; !st && (!xs != !ys) && j < c->cols; j++) /* one given: the rest */
        if (role[j] == ROLE_NONE) {
            cli_columns *rest = xs ? cy : cx;
            rest->idx[rest->count++] = j;
        }
    free(role);
    if (!st && (!cx->count || !cy->count))
        st = mib_fail(err, MIB_EINVAL, "x and y need at least one column each (dx=%zu, "
                      "dy=%zu; '%s' has %zu columns)", cx->count, cy->count, c->label, c->cols);
    return st;
}

/* ---- the data of every estimate ---- */

void cli_loaded_free(cli_loaded *l)
{
    mib_csv_free(&l->csv);
    free(l->names.sorted);
    free(l->cx.idx);
    free(l->cy.idx);
    free(l->cz.idx);
    free(l->skipped.idx);
    free(l->line);
    free(l->x);
    free(l->y);
    free(l->z);
}

/* " (x0 is file column a; ...; y0 is file column c; z0 ...)" for data
 * errors. */
static void describe_columns(const mib_csv *c, const cli_columns *cx, const cli_columns *cy,
                             const cli_columns *cz, char *buf, size_t len)
{
    const cli_columns *g[3] = {cx, cy, cz};
    size_t used = (size_t)snprintf(buf, len, " (");
    for (int s = 0; s < 3 && used < len; s++)
        for (size_t i = 0; i < g[s]->count && used < len; i++) {
            char label[300];
            mib_csv_column_label(c, g[s]->idx[i], label, sizeof label);
            /* one block (no y) is named as the entropy functions name it */
            used += (size_t)snprintf(buf + used, len - used, "%s%s%zu is file column %s",
                                     s || i ? "; " : "",
                                     s ? (s == 1 ? "y" : "z") : cy->count ? "x" : "column ",
                                     i, label);
        }
    if (used < len)
        snprintf(buf + used, len - used, ")");
}

/* The selected columns as numbers, without the rows --dropna drops. */
static int extract_csv(const cli_source *a, cli_loaded *l, mib_err *err)
{
    const mib_csv *c = &l->csv;
    unsigned char *drop = calloc(c->rows, 1);
    int st = MIB_OK;
    if (!drop)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", c->rows);
    if (a->dropna) {
        mib_csv_mark_missing(c, l->cx.idx, l->cx.count, drop);
        mib_csv_mark_missing(c, l->cz.idx, l->cz.count, drop);
        l->dropped = mib_csv_mark_missing(c, l->cy.idx, l->cy.count, drop);
    }
    size_t n = c->rows - l->dropped;
    l->x = malloc((n ? n : 1) * l->cx.count * sizeof *l->x);
    l->y = malloc((n ? n : 1) * (l->cy.count ? l->cy.count : 1) * sizeof *l->y);
    l->z = l->cz.count ? malloc((n ? n : 1) * l->cz.count * sizeof *l->z) : NULL;
    l->line = malloc((n ? n : 1) * sizeof *l->line);
    if (!l->x || !l->y || !l->line || (l->cz.count && !l->z))
        st = mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", n);
    else if (n == 0)
        st = mib_fail(err, MIB_EDATA, "'%s': every one of its %zu rows has a missing value in "
                      "the selected columns; --dropna left nothing", c->label, c->rows);
    if (!st && !(st = mib_csv_extract(c, l->cx.idx, l->cx.count, drop, l->x, err)) &&
        l->cy.count)
        st = mib_csv_extract(c, l->cy.idx, l->cy.count, drop, l->y, err);
    if (!st && l->cz.count)
        st = mib_csv_extract(c, l->cz.idx, l->cz.count, drop, l->z, err);
    for (size_t i = 0, k = 0; !st && i < c->rows; i++)
        if (!drop[i])
            l->line[k++] = c->line[i];
    free(drop);
    l->data = (mib_data){.n = n, .dx = l->cx.count, .dy = l->cy.count, .x = l->x, .y = l->y,
                         .dz = l->cz.count, .z = l->z};
    return st;
}

/* Only the numeric columns of cx stay; the others move to skipped. */
static int keep_numeric(const mib_csv *c, cli_columns *cx, cli_columns *skipped, mib_err *err)
{
    size_t kept = 0;
    if (!(skipped->idx = malloc((cx->count ? cx->count : 1) * sizeof *skipped->idx)))
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t i = 0; i < cx->count; i++)
        if (mib_csv_is_numeric(c, cx->idx[i]))
            cx->idx[kept++] = cx->idx[i];
        else
            skipped->idx[skipped->count++] = cx->idx[i];
    cx->count = kept;
    return kept ? MIB_OK : mib_fail(err, MIB_EDATA, "'%s' has no numeric column", c->label);
}

/* A CSV input: split it, pick the columns, convert them. */
static int load_csv(const cli_source *a, input *in, cli_loaded *l, mib_err *err)
{
    char sep = separator(a);
    int st = in->bytes ? mib_csv_parse(in->bytes, in->len, sep, in->label, &l->csv, err)
                       : mib_csv_read(in->label, sep, &l->csv, err);
    in->bytes = NULL; /* the CSV owns it now, also after a failure */
    if (!st)
        st = index_names(&l->csv, &l->names, err);
    if (!st)
        st = select_csv(&l->csv, &l->names, a->xs, a->ys, a->zs, a->single,
                        a->xopt ? a->xopt : "--x", &l->cx, &l->cy, &l->cz, err);
    if (!st && a->single && a->numeric && !a->xs)
        st = keep_numeric(&l->csv, &l->cx, &l->skipped, err);
    if (!st)
        st = extract_csv(a, l, err);
    if (!st)
        describe_columns(&l->csv, &l->cx, &l->cy, &l->cz, l->where, sizeof l->where);
    return st;
}

/* Rows of x, y and z with a NaN (HDF5's missing value) squeezed out. */
static void drop_nan_rows(cli_loaded *l)
{
    mib_data *d = &l->data;
    double *const a[3] = {l->x, l->y, l->z};
    const size_t w[3] = {d->dx, d->dy, d->dz}; /* one block (single) has no y, no z */
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        int nan = 0;
        for (int b = 0; b < 3; b++)
            for (size_t j = 0; j < w[b]; j++)
                nan |= isnan(a[b][i * w[b] + j]);
        if (nan)
            continue;
        for (int b = 0; b < 3; b++)
            if (w[b])
                memmove(a[b] + k * w[b], a[b] + i * w[b], w[b] * sizeof *a[b]);
        k++;
    }
    l->dropped = d->n - k;
    d->n = k;
}

static int read_set(const input *in, const char *name, double **out, size_t *rows,
                    size_t *cols, mib_err *err)
{
    return in->bytes ? mib_store_read_matrix_image(in->bytes, in->len, in->label, name, out,
                                                   rows, cols, err)
                     : mib_store_read_matrix(in->label, name, out, rows, cols, err);
}

/* Dataset names a and b are one dataset ("x" and "/x"). */
static int same_set(const char *a, const char *b)
{
    return strcmp(a + (*a == '/'), b + (*b == '/')) == 0;
}

/* An HDF5 input: datasets /x and /y, or those --x/--y name (single: the
 * one dataset xs names, by default /x); the z block is the dataset --z
 * names, or without --x, --y and --z the file's /z if it has one. */
static int load_hdf5(const cli_source *a, const input *in, cli_loaded *l, mib_err *err)
{
    size_t rx, ry = 0, rz = 0, cx, cy = 0, cz = 0;
    const char *xn = a->xs ? a->xs : "x", *yn = a->ys ? a->ys : "y";
    const char *zn = a->zs ? a->zs
                     : !a->xs && !a->ys && !a->single &&
                               mib_store_has_dataset(in->label, in->bytes, in->len, "z")
                         ? "z"
                         : NULL;
    if (a->single) { /* one dataset */
        int st = read_set(in, xn, &l->x, &rx, &cx, err);
        if (st)
            return st;
        l->xset = xn;
        l->data = (mib_data){.n = rx, .dx = cx, .x = l->x};
        if (a->dropna)
            drop_nan_rows(l);
        return l->data.n ? MIB_OK : mib_fail(err, MIB_EDATA, "'%s': every row has a NaN; "
                                             "--dropna left nothing", in->label);
    }
    /* "x" and "/x" name the same dataset: I(X;X) is infinite, refuse it. */
    if (same_set(xn, yn))
        return mib_fail(err, MIB_EINVAL, "dataset '%s' is given as both x and y", xn);
    if (zn && (same_set(zn, xn) || same_set(zn, yn)))
        return mib_fail(err, MIB_EINVAL, "dataset '%s' is given as both %s and z", zn,
                        same_set(zn, xn) ? "x" : "y");
    int st = read_set(in, xn, &l->x, &rx, &cx, err);
    if (!st)
        st = read_set(in, yn, &l->y, &ry, &cy, err);
    if (!st && zn)
        st = read_set(in, zn, &l->z, &rz, &cz, err);
    if (!st && (rx != ry || (zn && rz != rx)))
        st = mib_fail(err, MIB_EFORMAT, "'%s': dataset '%s' has %zu rows but '%s' has %zu",
                      in->label, xn, rx, rx != ry ? yn : zn, rx != ry ? ry : rz);
    if (st)
        return st;
    l->xset = xn;
    l->yset = yn;
    l->zset = zn;
    l->data = (mib_data){.n = rx, .dx = cx, .dy = cy, .x = l->x, .y = l->y, .dz = cz,
                         .z = l->z};
    if (a->dropna)
        drop_nan_rows(l);
    if (l->data.n == 0)
        return mib_fail(err, MIB_EDATA, "'%s': every row has a NaN; --dropna left nothing",
                        in->label);
    if (a->dims[0] && (cx != (size_t)atoi(a->dims[0]) || cy != (size_t)atoi(a->dims[1])))
        return mib_fail(err, MIB_EINVAL, "'%s' has dx=%zu, dy=%zu but DIMX DIMY say %s %s",
                        in->label, cx, cy, a->dims[0], a->dims[1]);
    return MIB_OK;
}

/* "0 ('a'), 1 ('b'), ... (12 columns)" for the stderr note. */
static void note_group(const cli_loaded *l, const cli_columns *g, const char *set, size_t d,
                       char *buf, size_t len)
{
    if (set) {
        snprintf(buf, len, "dataset '%s' (%zu column%s)", set, d, d == 1 ? "" : "s");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < g->count && i < NOTE_COLUMNS && used < len; i++) {
        char label[300];
        mib_csv_column_label(&l->csv, g->idx[i], label, sizeof label);
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? ", " : "",
                                 i ? "" : (g->count == 1 ? "column " : "columns "), label);
    }
    if (g->count > NOTE_COLUMNS && used < len)
        snprintf(buf + used, len - used, ", ... (%zu columns)", g->count);
}

/* What was read, on stderr: the columns on a terminal; dropped rows always
 * (the data changed). --quiet silences both. */
void cli_note_input(const cli_source *a, const cli_loaded *l)
{
    if (a->quiet)
        return;
    if (a->dropna)
        fprintf(stderr, "mibench %s: --dropna dropped %zu of %zu rows (a missing value "
                "in the selected columns)\n", a->verb, l->dropped, l->data.n + l->dropped);
    if (!isatty(STDERR_FILENO))
        return;
    char xs[600], ys[600];
    note_group(l, &l->cx, l->xset, l->data.dx, xs, sizeof xs);
    if (a->single) {
        fprintf(stderr, "mibench %s: %s; n = %zu\n", a->verb, xs, l->data.n);
        return;
    }
    note_group(l, &l->cy, l->yset, l->data.dy, ys, sizeof ys);
    if (!l->data.dz) {
        fprintf(stderr, "mibench %s: x = %s; y = %s; n = %zu\n", a->verb, xs, ys, l->data.n);
        return;
    }
    char zs[600];
    note_group(l, &l->cz, l->zset, l->data.dz, zs, sizeof zs);
    fprintf(stderr, "mibench %s: x = %s; y = %s; z = %s; n = %zu\n", a->verb, xs, ys, zs,
            l->data.n);
}


/* bmi's DIMX DIMY (checked) as --x 0..DIMX-1 --y DIMX..DIMX+DIMY-1 for a
 * CSV; for HDF5 they are a check of the datasets' widths (load_hdf5). */
static void dims_to_columns(cli_source *a, cli_loaded *l)
{
    size_t d[2];
    for (int i = 0; i < 2; i++)
        cli_parse_size(a->dims[i], 1, 1000, &d[i]);
    char *bufs[2] = {l->xbuf, l->ybuf};
    for (int i = 0; i < 2; i++) {
        size_t used = 0, first = i ? d[0] : 0;
        for (size_t j = 0; j < d[i]; j++)
            used += (size_t)snprintf(bufs[i] + used, sizeof l->xbuf - used, "%s%zu",
                                     j ? "," : "", first + j);
    }
    a->xs = l->xbuf;
    a->ys = l->ybuf;
}

int cli_load(const cli_source *src, cli_loaded *l, mib_err *err)
{
    cli_source a = *src;
    input in;
    memset(l, 0, sizeof *l);
    int st = open_input(a.path, &in, err);
    if (!st && a.dims[0] && !in.hdf5)
        dims_to_columns(&a, l);
    if (!st && in.hdf5 && a.numeric)
        a.single = 0; /* every dataset of the x, y, z layout */
    if (!st)
        st = in.hdf5 ? load_hdf5(&a, &in, l, err) : load_csv(&a, &in, l, err);
    free(in.bytes);
    return st;
}

/* Integer check for discrete estimators, with the file line in the message
 * (the library's check can only name the data row). */
int cli_check_integers(const cli_loaded *l, const char *est, mib_err *err)
{
    const mib_data *d = &l->data;
    const cli_columns *groups[3] = {&l->cx, &l->cy, &l->cz};
    const double *blocks[3] = {d->x, d->y, d->z};
    for (int g = 0; g < 3 && l->line; g++) {
        const cli_columns *cols = groups[g];
        const double *a = blocks[g];
        for (size_t i = 0; i < d->n; i++)
            for (size_t j = 0; j < cols->count; j++) {
                double v = a[i * cols->count + j];
                if (v == floor(v))
                    continue;
                char label[300];
                mib_csv_column_label(&l->csv, cols->idx[j], label, sizeof label);
                return mib_fail(err, MIB_EDATA, "'%s' line %zu, column %s: %.17g is not an "
                                "integer; '%s' needs integer (discrete) data", l->csv.label,
                                l->line[i], label, v, est);
            }
    }
    return MIB_OK;
}

int cli_find_column(const cli_loaded *l, const char *token, const char *opt, size_t *col,
                    mib_err *err)
{
    long c;
    int st = resolve_token(token, opt, &l->names, &c, err);
    *col = st ? 0 : (size_t)c;
    return st;
}

const char *cli_column_name(const cli_loaded *l, size_t col)
{
    return usable_name(&l->names, col);
}

void cli_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* A group's columns as --x/--y/--z would name them: header names, else
 * zero-based indices (numbers); the dataset name for HDF5. */
void cli_json_columns(const cli_loaded *l, int block)
{
    const cli_columns *groups[3] = {&l->cx, &l->cy, &l->cz}, *g = groups[block];
    const char *sets[3] = {l->xset, l->yset, l->zset}, *set = sets[block];
    putchar('[');
    if (set)
        cli_json_string(set);
    for (size_t i = 0; !set && i < g->count; i++) {
        const char *name = usable_name(&l->names, g->idx[i]);
        printf("%s", i ? ", " : "");
        if (name)
            cli_json_string(name);
        else
            printf("%zu", g->idx[i]);
    }
    putchar(']');
}
