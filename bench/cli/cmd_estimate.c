/* cmd_estimate.c - `mibench estimate EST_SPEC FILE [--est SPEC]... [--x COLS]
 * [--y COLS] [--sep C] [--dropna] [--json] [--bits] [--threads T]
 * [--plugin PATH.so]`: estimates on the user's data (with the built-in
 * estimators and those of loaded plugins), from a CSV/TSV file (csv.c) or
 * an HDF5 file (/x and /y, or the datasets --x/--y name). FILE may be a
 * pipe, a FIFO or "-" (standard input): a non-regular input is read once
 * into memory and its format told from those bytes. Columns are zero-based
 * indices or header names; without --x/--y the choice is made only when it
 * is unambiguous (two columns; or a header of exactly x0.., y0.. or X0..,
 * Y0..), and the chosen columns are always reported (a stderr note on a
 * terminal, x_columns/y_columns in --json). The file is read once for every
 * estimator asked for. One estimate prints the number (17 significant
 * digits, nats unless --bits) or one JSON object; several print a table or
 * a JSON array. Column handling is O(columns log columns). Exit 2 for usage
 * and spec errors, 1 for file and data errors. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/csv.h"
#include "bench/store/store.h"

#define MAX_THREADS 1024
#define NOTE_COLUMNS 6 /* columns a stderr note or message lists before "..." */

typedef struct columns {
    size_t count;
    size_t *idx;
} columns;

static int help(void)
{
    printf("usage: mibench estimate EST_SPEC FILE [--est SPEC]... [--x COLS] [--y COLS]\n"
           "                        [--sep C] [--dropna] [--json] [--bits] [--threads T]\n"
           "                        [--quiet] [--plugin PATH.so]...\n"
           "       mibench estimate --est SPEC [--est SPEC]... FILE [options]\n"
           "       mibench estimate EST_SPEC FILE DIMX DIMY   (bmi's external-estimator call)\n"
           "Estimates the MI between the x and the y columns of FILE.\n"
           "  FILE        CSV or TSV (optional header; C-locale numbers) or HDF5 (datasets\n"
           "              /x, /y); a pipe or FIFO works, '-' is standard input\n"
           "  DIMX DIMY   x is the first DIMX columns, y the next DIMY (bmi's X0..,Y0..\n"
           "              layout); the estimate alone is printed on stdout\n"
           "  --est       one more estimator spec; repeat for more. '|' alternatives in a\n"
           "              spec expand too. Several estimators print a table (or with\n"
           "              --json an array); the file is read once\n"
           "  --x, --y    CSV: comma-separated zero-based column indices or header names;\n"
           "              HDF5: dataset names. Without both, the columns are chosen only\n"
           "              when that is unambiguous: a header of exactly x0.., y0.. (or\n"
           "              X0.., Y0..), or a two-column file (x = 0, y = 1); given one of\n"
           "              them, the other is every remaining column\n"
           "  --sep C     cell separator: one character such as ';' or '|', or 'tab'\n"
           "              (default ',', and tab for a .tsv file)\n"
           "  --dropna    drop the rows with a missing value (empty, NA, NaN, ...) in the\n"
           "              selected columns, and say how many (default: refuse them)\n"
           "  --json      print one JSON object: estimator (canonical), estimate, units, n,\n"
           "              dx, dy, x_columns, y_columns, seconds, flags\n"
           "  --bits      report bits instead of nats\n"
           "  --threads   threads for the estimator (default: all cores)\n"
           "  --quiet     no notes or warnings on stderr (bmi reads both streams as one)\n"
           "  --plugin    load a C plugin's estimators, usable in EST_SPEC; repeat for\n"
           "              more (README: C plugins)\n"
           "On a terminal, a note on stderr names the columns used, and an estimate that\n"
           "runs longer than 2 s shows the time so far.\n"
           "Estimators and their parameters: mibench list estimators\n");
    return CLI_EXIT_OK;
}

/* Everything the command line sets; the option table points into it. */
typedef struct estimate_args {
    const char *text, *path, *xs, *ys;  /* EST_SPEC, FILE, --x, --y */
    const char *dims[2];                /* DIMX, DIMY (bmi's call), or NULL */
    const char *pos[4];                 /* the positionals, in order */
    int npos;
    const char **ests;                  /* --est specs (argc slots) */
    int nests;
    char sep;                           /* --sep, or 0: from the file name */
    char xbuf[8192], ybuf[8192];        /* --x/--y made from DIMX, DIMY */
    int json, bits, quiet, dropna;
    size_t threads;
    mib_study plugins; /* the --plugin types' registries, nothing else */
} estimate_args;

static int set_threads(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    if (cli_parse_size(v, 1, MAX_THREADS, &a->threads))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--threads needs an integer in [1, %d], "
                        "got '%s'", MAX_THREADS, v);
    return CLI_EXIT_OK;
}

static int add_plugin(void *ctx, const char *path)
{
    estimate_args *a = ctx;
    mib_err err = {""};
    int st = mib_study_add_plugin(&a->plugins, path, &err);
    return st ? cli_fail(cli_status_exit(st), "estimate", "%s", err.msg) : CLI_EXIT_OK;
}

static int add_estimator(void *ctx, const char *spec)
{
    estimate_args *a = ctx;
    a->ests[a->nests++] = spec;
    return CLI_EXIT_OK;
}

/* One character that cannot be part of a number or a quoted cell. */
static int set_sep(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0 || strcmp(v, "\t") == 0)
        a->sep = '\t';
    else if (strlen(v) == 1 && ispunct((unsigned char)v[0]) && !strchr("\"'.+-", v[0]))
        a->sep = v[0];
    else
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--sep needs one punctuation character "
                        "such as ';' or '|' (not a quote, '.', '+' or '-'), or 'tab'; "
                        "got '%s'", v);
    return CLI_EXIT_OK;
}

/* No help texts: help() shows FILE and --x/--y on shared rows, a layout
 * that is not one row per option, so its text stays whole there. */
static const cli_option options[] = {
    {.name = "--x", .arg = "COLS", .offset = offsetof(estimate_args, xs)},
    {.name = "--y", .arg = "COLS", .offset = offsetof(estimate_args, ys)},
    {.name = "--est", .arg = "SPEC", .parse = add_estimator},
    {.name = "--sep", .arg = "C", .parse = set_sep},
    {.name = "--dropna", .offset = offsetof(estimate_args, dropna)},
    {.name = "--threads", .arg = "T", .parse = set_threads},
    {.name = "--json", .offset = offsetof(estimate_args, json)},
    {.name = "--bits", .offset = offsetof(estimate_args, bits)},
    {.name = "--quiet", .offset = offsetof(estimate_args, quiet)},
    {.name = "--plugin", .arg = "PATH.so", .parse = add_plugin},
    {0},
};

/* The positionals, sorted out once every option is known (below). Only
 * "--..." is an unknown option: "-" (standard input) or "-x.csv" is a spec
 * or a file name like any other. */
static int positional(void *ctx, const char *arg)
{
    estimate_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unknown option '%s' (see --help)",
                        arg);
    if (a->npos == 4)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give "
                        "EST_SPEC and FILE once each (and DIMX DIMY)", arg);
    a->pos[a->npos++] = arg;
    return CLI_EXIT_OK;
}

/* EST_SPEC FILE [DIMX DIMY], or with --est: [EST_SPEC] FILE. */
static int sort_positionals(estimate_args *a)
{
    if (a->nests) {
        if (a->npos > 2)
            return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; with "
                            "--est give [EST_SPEC] FILE (DIMX DIMY take a single EST_SPEC)",
                            a->pos[2]);
        if (a->npos == 0)
            return cli_fail(CLI_EXIT_USAGE, "estimate", "need FILE, e.g. 'mibench estimate "
                            "--est ksg1 data.csv' (see --help)");
        a->text = a->npos == 2 ? a->pos[0] : NULL;
        a->path = a->pos[a->npos - 1];
        return CLI_CONTINUE;
    }
    if (a->npos < 2)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "need EST_SPEC and FILE, e.g. 'mibench "
                        "estimate ksg1:k=3 data.csv' (see --help)");
    a->text = a->pos[0];
    a->path = a->pos[1];
    if (a->npos == 3)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give EST_SPEC "
                        "and FILE once each (and DIMX DIMY)", a->pos[2]);
    a->dims[0] = a->npos == 4 ? a->pos[2] : NULL;
    a->dims[1] = a->npos == 4 ? a->pos[3] : NULL;
    return CLI_CONTINUE;
}

/* DIMX DIMY, when given, are integers in [1, 1000] instead of --x/--y. */
static int check_dims(const estimate_args *a)
{
    size_t d;
    for (int i = 0; a->dims[0] && i < 2; i++)
        if (cli_parse_size(a->dims[i], 1, 1000, &d))
            return cli_fail(CLI_EXIT_USAGE, "estimate", "DIMX and DIMY must be integers in "
                            "[1, 1000], got '%s'", a->dims[i]);
    if (a->dims[0] && (a->xs || a->ys))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "give DIMX DIMY or --x/--y, not both");
    return CLI_CONTINUE;
}

/* bmi's DIMX DIMY (checked) as --x 0..DIMX-1 --y DIMX..DIMX+DIMY-1 for a
 * CSV; for HDF5 they are a check of the datasets' widths (load_hdf5). */
static void dims_to_columns(estimate_args *a)
{
    size_t d[2];
    for (int i = 0; i < 2; i++)
        cli_parse_size(a->dims[i], 1, 1000, &d[i]);
    char *bufs[2] = {a->xbuf, a->ybuf};
    for (int i = 0; i < 2; i++) {
        size_t used = 0, first = i ? d[0] : 0;
        for (size_t j = 0; j < d[i]; j++)
            used += (size_t)snprintf(bufs[i] + used, sizeof a->xbuf - used, "%s%zu",
                                     j ? "," : "", first + j);
    }
    a->xs = a->xbuf;
    a->ys = a->ybuf;
}

static const cli_parser parser = {
    .verb = "estimate", .options = options, .help = help, .other = positional,
};

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
static char separator(const estimate_args *a)
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
typedef struct named {
    const char *name;
    size_t col;
} named;

typedef struct name_index {
    const mib_csv *c;
    named *sorted; /* c->cols entries, or NULL without a header */
} name_index;

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
enum { ROLE_NONE, ROLE_X, ROLE_Y };

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
 * column in role[] (a column named twice, or in both x and y, is refused). */
static int parse_columns(const char *text, const char *opt, const name_index *ix, int mine,
                         unsigned char *role, columns *out, mib_err *err)
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
            mib_csv_column_label(ix->c, (size_t)col, label, sizeof label);
            st = mib_fail(err, MIB_EINVAL, "column %s is in both x and y", label);
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

/* A header of exactly x0..x(dx-1) and y0..y(dy-1) (or X.., Y..; "x" and
 * "y" alone for a group of one), in any order: *cx, *cy in index order. */
static int xy_header(const mib_csv *c, char xl, columns *cx, columns *cy)
{
    size_t *slot[2] = {cx->idx, cy->idx}, d[2] = {0, 0};
    int bare[2] = {0, 0};
    for (size_t j = 0; c->names && j < c->cols; j++) {
        int g = c->names[j][0] == xl ? 0 : 1, b;
        long i = xy_index(c->names[j], g ? (char)(xl + 1) : xl, &b);
        if (i < 0 || (size_t)i >= c->cols || slot[g][i] != SIZE_MAX)
            return 0;
        slot[g][i] = j;
        bare[g] |= b;
        d[g]++;
    }
    for (int g = 0; g < 2; g++) {
        if (!d[g] || (bare[g] && d[g] > 1))
            return 0;
        for (size_t i = 0; i < d[g]; i++)
            if (slot[g][i] == SIZE_MAX) /* a gap: x0, x2 */
                return 0;
    }
    cx->count = d[0];
    cy->count = d[1];
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
 * doubt; otherwise the refusal lists the columns. */
static int default_columns(const mib_csv *c, const char *label, columns *cx, columns *cy,
                           mib_err *err)
{
    for (int k = 0; k < 2 && c->names; k++) {
        for (size_t j = 0; j < c->cols; j++)
            cx->idx[j] = cy->idx[j] = SIZE_MAX;
        if (xy_header(c, k ? 'X' : 'x', cx, cy))
            return MIB_OK;
    }
    if (c->cols == 2) {
        cx->count = cy->count = 1;
        cx->idx[0] = 0;
        cy->idx[0] = 1;
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

/* Choose the x and y columns of a CSV. */
static int select_csv(const mib_csv *c, const name_index *ix, const char *xs, const char *ys,
                      columns *cx, columns *cy, mib_err *err)
{
    int st = MIB_OK;
    unsigned char *role = calloc(c->cols, 1);
    cx->idx = malloc(c->cols * sizeof *cx->idx);
    cy->idx = malloc(c->cols * sizeof *cy->idx);
    cx->count = cy->count = 0;
    if (!role || !cx->idx || !cy->idx) {
        free(role);
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    }
    if (!xs && !ys)
        st = default_columns(c, c->label, cx, cy, err);
    if (!st && xs)
        st = parse_columns(xs, "--x", ix, ROLE_X, role, cx, err);
    if (!st && ys)
        st = parse_columns(ys, "--y", ix, ROLE_Y, role, cy, err);
    for (size_t j = 0; !st && (!xs != !ys) && j < c->cols; j++) /* one given: the rest */
        if (role[j] == ROLE_NONE) {
            columns *rest = xs ? cy : cx;
            rest->idx[rest->count++] = j;
        }
    free(role);
    if (!st && (!cx->count || !cy->count))
        st = mib_fail(err, MIB_EINVAL, "x and y need at least one column each (dx=%zu, "
                      "dy=%zu; '%s' has %zu columns)", cx->count, cy->count, c->label, c->cols);
    return st;
}

/* ---- the data of every estimate ---- */

/* The data and the buffers it lives in; loaded_free frees whatever a
 * failed load left behind. */
typedef struct loaded {
    mib_csv csv;
    name_index names;
    columns cx, cy;
    const char *xset, *yset; /* HDF5: the dataset names */
    size_t *line;            /* CSV: file line of each kept row */
    size_t dropped;          /* rows --dropna dropped */
    double *x, *y;
    mib_data data;
    char where[1200];        /* CSV: the column map appended to data errors */
} loaded;

static void loaded_free(loaded *l)
{
    mib_csv_free(&l->csv);
    free(l->names.sorted);
    free(l->cx.idx);
    free(l->cy.idx);
    free(l->line);
    free(l->x);
    free(l->y);
}

/* ", where x0.. = columns a, b and y0.. = columns c" for data errors. */
static void describe_columns(const mib_csv *c, const columns *cx, const columns *cy, char *buf,
                             size_t len)
{
    const columns *g[2] = {cx, cy};
    size_t used = (size_t)snprintf(buf, len, " (");
    for (int s = 0; s < 2 && used < len; s++)
        for (size_t i = 0; i < g[s]->count && used < len; i++) {
            char label[300];
            mib_csv_column_label(c, g[s]->idx[i], label, sizeof label);
            used += (size_t)snprintf(buf + used, len - used, "%s%c%zu is file column %s",
                                     s || i ? "; " : "", s ? 'y' : 'x', i, label);
        }
    if (used < len)
        snprintf(buf + used, len - used, ")");
}

/* The selected columns as numbers, without the rows --dropna drops. */
static int extract_csv(const estimate_args *a, loaded *l, mib_err *err)
{
    const mib_csv *c = &l->csv;
    unsigned char *drop = calloc(c->rows, 1);
    int st = MIB_OK;
    if (!drop)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", c->rows);
    if (a->dropna) {
        mib_csv_mark_missing(c, l->cx.idx, l->cx.count, drop);
        l->dropped = mib_csv_mark_missing(c, l->cy.idx, l->cy.count, drop);
    }
    size_t n = c->rows - l->dropped;
    l->x = malloc((n ? n : 1) * l->cx.count * sizeof *l->x);
    l->y = malloc((n ? n : 1) * l->cy.count * sizeof *l->y);
    l->line = malloc((n ? n : 1) * sizeof *l->line);
    if (!l->x || !l->y || !l->line)
        st = mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", n);
    else if (n == 0)
        st = mib_fail(err, MIB_EDATA, "'%s': every one of its %zu rows has a missing value in "
                      "the selected columns; --dropna left nothing", c->label, c->rows);
    if (!st && !(st = mib_csv_extract(c, l->cx.idx, l->cx.count, drop, l->x, err)))
        st = mib_csv_extract(c, l->cy.idx, l->cy.count, drop, l->y, err);
    for (size_t i = 0, k = 0; !st && i < c->rows; i++)
        if (!drop[i])
            l->line[k++] = c->line[i];
    free(drop);
    l->data = (mib_data){.n = n, .dx = l->cx.count, .dy = l->cy.count, .x = l->x, .y = l->y};
    return st;
}

/* A CSV input: split it, pick the columns, convert them. */
static int load_csv(const estimate_args *a, input *in, loaded *l, mib_err *err)
{
    char sep = separator(a);
    int st = in->bytes ? mib_csv_parse(in->bytes, in->len, sep, in->label, &l->csv, err)
                       : mib_csv_read(in->label, sep, &l->csv, err);
    in->bytes = NULL; /* the CSV owns it now, also after a failure */
    if (!st)
        st = index_names(&l->csv, &l->names, err);
    if (!st)
        st = select_csv(&l->csv, &l->names, a->xs, a->ys, &l->cx, &l->cy, err);
    if (!st)
        st = extract_csv(a, l, err);
    if (!st)
        describe_columns(&l->csv, &l->cx, &l->cy, l->where, sizeof l->where);
    return st;
}

/* Rows of x and y with a NaN (HDF5's missing value) squeezed out. */
static void drop_nan_rows(loaded *l)
{
    mib_data *d = &l->data;
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        int nan = 0;
        for (size_t j = 0; j < d->dx; j++)
            nan |= isnan(l->x[i * d->dx + j]);
        for (size_t j = 0; j < d->dy; j++)
            nan |= isnan(l->y[i * d->dy + j]);
        if (nan)
            continue;
        memmove(l->x + k * d->dx, l->x + i * d->dx, d->dx * sizeof *l->x);
        memmove(l->y + k * d->dy, l->y + i * d->dy, d->dy * sizeof *l->y);
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

/* An HDF5 input: datasets /x and /y, or those --x/--y name. */
static int load_hdf5(const estimate_args *a, const input *in, loaded *l, mib_err *err)
{
    size_t rx, ry, cx, cy;
    const char *xn = a->xs ? a->xs : "x", *yn = a->ys ? a->ys : "y";
    /* "x" and "/x" name the same dataset: I(X;X) is infinite, refuse it. */
    if (strcmp(xn + (*xn == '/'), yn + (*yn == '/')) == 0)
        return mib_fail(err, MIB_EINVAL, "dataset '%s' is given as both x and y", xn);
    int st = read_set(in, xn, &l->x, &rx, &cx, err);
    if (!st)
        st = read_set(in, yn, &l->y, &ry, &cy, err);
    if (!st && rx != ry)
        st = mib_fail(err, MIB_EFORMAT, "'%s': dataset '%s' has %zu rows but '%s' has %zu",
                      in->label, xn, rx, yn, ry);
    if (st)
        return st;
    l->xset = xn;
    l->yset = yn;
    l->data = (mib_data){.n = rx, .dx = cx, .dy = cy, .x = l->x, .y = l->y};
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
static void note_group(const loaded *l, const columns *g, const char *set, size_t d,
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
static void note_input(const estimate_args *a, const loaded *l)
{
    if (a->quiet)
        return;
    if (a->dropna)
        fprintf(stderr, "mibench estimate: --dropna dropped %zu of %zu rows (a missing value "
                "in the selected columns)\n", l->dropped, l->data.n + l->dropped);
    if (!isatty(STDERR_FILENO))
        return;
    char xs[600], ys[600];
    note_group(l, &l->cx, l->xset, l->data.dx, xs, sizeof xs);
    note_group(l, &l->cy, l->yset, l->data.dy, ys, sizeof ys);
    fprintf(stderr, "mibench estimate: x = %s; y = %s; n = %zu\n", xs, ys, l->data.n);
}

/* ---- estimates and their output ---- */

/* One estimator's outcome. */
typedef struct outcome {
    char canon[512];
    int st;
    mib_err err;
    mib_result res;
    double seconds;
} outcome;

/* Integer check for discrete estimators, with the file line in the message
 * (the library's check can only name the data row). */
static int check_integers(const loaded *l, const char *est, mib_err *err)
{
    const mib_data *d = &l->data;
    for (int g = 0; g < 2 && l->line; g++) {
        const columns *cols = g ? &l->cy : &l->cx;
        const double *a = g ? d->y : d->x;
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

/* A line on a terminal while one estimate runs long (a neural estimator
 * trains for minutes): from HEARTBEAT_AFTER seconds on, once a second, the
 * spec and the time so far, erased when the estimate ends. A thread of its
 * own that only waits and writes, so the estimators need no hook. */
#define HEARTBEAT_AFTER 2

typedef struct heartbeat {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int done, running;
    const char *what;
    struct timespec t0;
} heartbeat;

static void *beat(void *arg)
{
    heartbeat *h = arg;
    struct timespec next = h->t0, now;
    int shown = 0;
    next.tv_sec += HEARTBEAT_AFTER;
    pthread_mutex_lock(&h->lock);
    while (!h->done) {
        if (pthread_cond_timedwait(&h->wake, &h->lock, &next) != ETIMEDOUT || h->done)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int width = cli_terminal_width();
        char line[640];
        snprintf(line, sizeof line, "mibench estimate: %lds elapsed, running %s",
                 (long)(now.tv_sec - h->t0.tv_sec), h->what); /* the spec is cut first */
        fprintf(stderr, "\r\033[K%.*s", width - 1, line);
        fflush(stderr);
        shown = 1;
        next.tv_sec++;
    }
    if (shown)
        fputs("\r\033[K", stderr);
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Start the heartbeat for what on a terminal (else do nothing). */
static void heartbeat_start(heartbeat *h, const estimate_args *a, const char *what)
{
    pthread_condattr_t attr;
    memset(h, 0, sizeof *h);
    if (a->quiet || !isatty(STDERR_FILENO))
        return;
    h->what = what;
    clock_gettime(CLOCK_MONOTONIC, &h->t0);
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &attr);
    pthread_condattr_destroy(&attr);
    h->running = pthread_create(&h->thread, NULL, beat, h) == 0;
    if (!h->running) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
    }
}

/* Stop it (its line erased) before anything else is printed. */
static void heartbeat_stop(heartbeat *h)
{
    if (!h->running)
        return;
    pthread_mutex_lock(&h->lock);
    h->done = 1;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
}

/* One timed estimate of the loaded data into *o. */
static void run_one(const estimate_args *a, const mib_spec *spec, const loaded *l, outcome *o)
{
    const mib_estimator_type *type = mib_estimator_type_of(spec, NULL);
    mib_workspace ws;
    struct timespec t0, t1;
    mib_workspace_init(&ws);
    ws.threads = (int)a->threads;
    mib_spec_format(spec, o->canon, sizeof o->canon);
    o->err.msg[0] = '\0';
    heartbeat h;
    heartbeat_start(&h, a, o->canon);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    o->st = type && (type->flags & MIB_EST_DISCRETE) ? check_integers(l, type->info.name, &o->err)
                                                      : MIB_OK;
    if (!o->st)
        o->st = mib_estimate(&l->data, spec, &ws, &o->res, &o->err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    heartbeat_stop(&h);
    o->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}

static void json_string(const char *s)
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

/* A group's columns as --x/--y would name them: header names, else
 * zero-based indices (numbers); the dataset name for HDF5. */
static void json_columns(const loaded *l, const columns *g, const char *set)
{
    putchar('[');
    if (set)
        json_string(set);
    for (size_t i = 0; !set && i < g->count; i++) {
        const char *name = usable_name(&l->names, g->idx[i]);
        printf("%s", i ? ", " : "");
        if (name)
            json_string(name);
        else
            printf("%zu", g->idx[i]);
    }
    putchar(']');
}

static const struct {
    unsigned bit;
    const char *name;
} flag_names[] = {{MIB_RES_JITTER, "jitter"},     {MIB_RES_TIES, "ties"},
                  {MIB_RES_CAPPED, "capped"},     {MIB_RES_EARLYSTOP, "early_stop"},
                  {MIB_RES_CONSTANT, "constant"}};

static void print_json(const estimate_args *a, const loaded *l, const outcome *o)
{
    printf("{\"estimator\": ");
    json_string(o->canon);
    if (o->st) {
        printf(", \"status\": \"%s\", \"error\": ", mib_status_name(o->st));
        json_string(o->err.msg);
        printf("}");
        return;
    }
    double mi = a->bits ? o->res.mi / M_LN2 : o->res.mi;
    printf(", \"estimate\": %.17g, \"units\": \"%s\", \"n\": %zu, \"dx\": %zu, \"dy\": %zu, ",
           mi, a->bits ? "bits" : "nats", l->data.n, l->data.dx, l->data.dy);
    printf("\"x_columns\": ");
    json_columns(l, &l->cx, l->xset);
    printf(", \"y_columns\": ");
    json_columns(l, &l->cy, l->yset);
    if (a->dropna)
        printf(", \"rows_dropped\": %zu", l->dropped);
    printf(", \"seconds\": %.6g, \"flags\": [", o->seconds);
    int first = 1;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (o->res.flags & flag_names[i].bit) {
            printf("%s\"%s\"", first ? "" : ", ", flag_names[i].name);
            first = 0;
        }
    printf("]}");
}

/* "jitter,ties" or "-", or the status name of a failure. */
static void flag_text(const outcome *o, char *buf, size_t len)
{
    size_t used = 0;
    if (o->st) {
        snprintf(buf, len, "%s", mib_status_name(o->st));
        return;
    }
    snprintf(buf, len, "-");
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0] && used < len; i++)
        if (o->res.flags & flag_names[i].bit)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     flag_names[i].name);
}

/* The table of several estimates: estimator, estimate (or "failed"),
 * seconds, flags (or the failure's status name); blank-separated columns. */
static void print_table(const estimate_args *a, const outcome *o, size_t count)
{
    int w = (int)strlen("estimator");
    for (size_t i = 0; i < count; i++)
        if ((int)strlen(o[i].canon) > w)
            w = (int)strlen(o[i].canon);
    printf("%-*s  %-23s  %9s  %s\n", w, "estimator", a->bits ? "bits" : "nats", "seconds",
           "flags");
    for (size_t i = 0; i < count; i++) {
        char num[32], flags[96];
        if (o[i].st)
            snprintf(num, sizeof num, "failed");
        else
            snprintf(num, sizeof num, "%.17g", a->bits ? o[i].res.mi / M_LN2 : o[i].res.mi);
        flag_text(&o[i], flags, sizeof flags);
        printf("%-*s  %-23s  %9.3g  %s\n", w, o[i].canon, num, o[i].seconds, flags);
    }
}

/* Each failure as one stderr line (prefixed by its spec when there are
 * several), the ties warning; the exit code of the first failure. */
static int report_outcomes(const estimate_args *a, const loaded *l, const outcome *o,
                           size_t count)
{
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < count; i++) {
        const char *pre = count > 1 ? o[i].canon : "", *colon = count > 1 ? ": " : "";
        if (o[i].st) {
            int code = cli_fail(cli_status_exit(o[i].st), "estimate", "%s%s%s%s", pre, colon,
                                o[i].err.msg, o[i].st == MIB_EDATA ? l->where : "");
            rc = rc ? rc : code;
        } else if ((o[i].res.flags & MIB_RES_TIES) && !a->quiet) {
            fprintf(stderr, "mibench estimate: warning: %s%sduplicate points with no jitter; "
                    "the estimate assumes continuous data and may be far off (flag 'ties')\n",
                    pre, colon);
        }
    }
    return rc;
}

/* Every spec on the loaded data, then the output: the number or object for
 * one estimate (nothing on stdout when it failed), else the table or the
 * array. Returns the exit code. */
static int estimate_all(const estimate_args *a, const mib_spec *specs, size_t count,
                        const loaded *l)
{
    outcome *o = calloc(count, sizeof *o);
    if (!o)
        return cli_fail(CLI_EXIT_FAIL, "estimate", "out of memory");
    for (size_t i = 0; i < count; i++)
        run_one(a, &specs[i], l, &o[i]);
    int rc = report_outcomes(a, l, o, count);
    if (count == 1 && !o[0].st && a->json) {
        print_json(a, l, &o[0]);
        putchar('\n');
    } else if (count == 1 && !o[0].st) {
        cli_print_number(stdout, a->bits ? o[0].res.mi / M_LN2 : o[0].res.mi);
    } else if (count > 1 && a->json) {
        for (size_t i = 0; i < count; i++) {
            printf("%s", i ? ",\n " : "[");
            print_json(a, l, &o[i]);
        }
        printf("]\n");
    } else if (count > 1) {
        print_table(a, o, count);
    }
    free(o);
    return rc;
}

/* EST_SPEC and every --est, '|' alternatives expanded, into *out. */
static int parse_specs(const estimate_args *a, mib_spec **out, size_t *count, mib_err *err)
{
    const mib_registry *reg = a->plugins.estimators ? a->plugins.estimators
                                                    : &mib_estimator_registry;
    mib_spec *all = NULL;
    size_t n = 0;
    for (int i = -1; i < a->nests; i++) {
        const char *text = i < 0 ? a->text : a->ests[i];
        mib_spec *some;
        size_t k;
        if (!text)
            continue;
        int st = mib_registry_expand(reg, text, &some, &k, err);
        mib_spec *grown = st ? NULL : realloc(all, (n + k) * sizeof *all);
        if (grown) {
            memcpy(grown + n, some, k * sizeof *some);
            all = grown;
            n += k;
        }
        if (!st)
            free(some);
        if (st || !grown) {
            free(all);
            return st ? st : mib_fail(err, MIB_ENOMEM, "out of memory");
        }
    }
    *out = all;
    *count = n;
    return MIB_OK;
}

/* The estimates the parsed arguments ask for; returns the exit code. */
static int estimate_file(estimate_args *a)
{
    int rc = sort_positionals(a);
    if (rc == CLI_CONTINUE)
        rc = check_dims(a);
    if (rc != CLI_CONTINUE)
        return rc;
    mib_err err = {""};
    mib_spec *specs = NULL;
    size_t count = 0;
    if (parse_specs(a, &specs, &count, &err))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "%s", err.msg);
    input in;
    loaded l = {0};
    int st = open_input(a->path, &in, &err);
    if (!st && a->dims[0] && !in.hdf5)
        dims_to_columns(a);
    if (!st)
        st = in.hdf5 ? load_hdf5(a, &in, &l, &err) : load_csv(a, &in, &l, &err);
    free(in.bytes);
    /* Columns that do not fit the file (MIB_EINVAL) are a usage error; an
     * unreadable file or bad data is a failure. */
    if (st) {
        rc = cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "estimate", "%s",
                      err.msg);
    } else {
        note_input(a, &l);
        rc = estimate_all(a, specs, count, &l);
    }
    loaded_free(&l);
    free(specs);
    return rc;
}

int cmd_estimate(int argc, char **argv)
{
    estimate_args a = {.threads = (size_t)omp_get_max_threads()};
    mib_study_init(&a.plugins);
    a.ests = calloc((size_t)argc, sizeof *a.ests);
    int rc = a.ests ? cli_parse(&parser, argc, argv, &a)
                    : cli_fail(CLI_EXIT_FAIL, "estimate", "out of memory");
    if (rc == CLI_CONTINUE)
        rc = estimate_file(&a);
    mib_study_free(&a.plugins); /* after the estimates: the types live in the plugins */
    free(a.ests);
    return rc;
}
