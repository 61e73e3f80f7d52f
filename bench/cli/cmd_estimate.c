/* cmd_estimate.c - `mibench estimate EST_SPEC FILE [--x COLS] [--y COLS]
 * [--json] [--bits] [--threads T] [--plugin PATH.so]`: one estimate on the
 * user's data (with the built-in estimators and those of loaded plugins), from a
 * CSV file (csv.c) or an HDF5 file (/x and /y, or the datasets --x/--y
 * name). Columns are zero-based indices or header names; a two-column file
 * is x = 0, y = 1; a header with x.../y... names gives those groups. Prints the
 * estimate (17 significant digits, nats unless --bits), or with --json one
 * object with the canonical spec, n, dx, dy, seconds and flags. Exit 2 for
 * usage and spec errors, 1 for file and data errors. */
#include <ctype.h>
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench/cli/cli.h"
#include "bench/cli/csv.h"
#include "bench/store/store.h"

#define MAX_THREADS 1024

typedef struct columns {
    size_t count;
    size_t *idx;
} columns;

static int help(void)
{
    printf("usage: mibench estimate EST_SPEC FILE [--x COLS] [--y COLS] [--json] [--bits]\n"
           "                        [--threads T] [--quiet] [--plugin PATH.so]...\n"
           "       mibench estimate EST_SPEC FILE DIMX DIMY   (bmi's external-estimator call)\n"
           "Estimates the MI between the x and the y columns of FILE.\n"
           "  FILE        CSV (optional header; C-locale numbers) or HDF5 (datasets /x, /y)\n"
           "  DIMX DIMY   x is the first DIMX columns, y the next DIMY (bmi's X0..,Y0..\n"
           "              layout); the estimate alone is printed on stdout\n"
           "  --x, --y    CSV: comma-separated zero-based column indices or header names;\n"
           "              HDF5: dataset names. Defaults: x*/y* header names, or x = 0 and\n"
           "              y = 1 for a two-column file; given one, the other is the rest.\n"
           "  --json      print one JSON object: estimator (canonical), estimate, units, n,\n"
           "              dx, dy, seconds, flags\n"
           "  --bits      report bits instead of nats\n"
           "  --threads   threads for the estimator (default: all cores)\n"
           "  --quiet     no warnings on stderr (bmi reads both streams as one)\n"
           "  --plugin    load a C plugin's estimators, usable in EST_SPEC; repeat for\n"
           "              more (README: C plugins)\n"
           "Estimators and their parameters: mibench list estimators\n");
    return CLI_EXIT_OK;
}

/* Everything the command line sets; the option table points into it. */
typedef struct estimate_args {
    const char *text, *path, *xs, *ys; /* EST_SPEC, FILE, --x, --y */
    const char *dims[2];               /* DIMX, DIMY (bmi's call), or NULL */
    char xbuf[8192], ybuf[8192];       /* --x/--y made from DIMX, DIMY */
    int json, bits, quiet;
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

/* No help texts: help() shows FILE and --x/--y on shared rows, a layout
 * that is not one row per option, so its text stays whole there. */
static const cli_option options[] = {
    {.name = "--x", .arg = "COLS", .offset = offsetof(estimate_args, xs)},
    {.name = "--y", .arg = "COLS", .offset = offsetof(estimate_args, ys)},
    {.name = "--threads", .arg = "T", .parse = set_threads},
    {.name = "--json", .offset = offsetof(estimate_args, json)},
    {.name = "--bits", .offset = offsetof(estimate_args, bits)},
    {.name = "--quiet", .offset = offsetof(estimate_args, quiet)},
    {.name = "--plugin", .arg = "PATH.so", .parse = add_plugin},
    {0},
};

/* EST_SPEC, then FILE, then optionally DIMX DIMY. Only "--..." is an
 * unknown option: "-" or "-x.csv" is a spec or a file name like any other. */
static int positional(void *ctx, const char *arg)
{
    estimate_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unknown option '%s' (see --help)",
                        arg);
    if (!a->text)
        a->text = arg;
    else if (!a->path)
        a->path = arg;
    else if (!a->dims[1])
        a->dims[a->dims[0] ? 1 : 0] = arg;
    else
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give "
                        "EST_SPEC and FILE once each (and DIMX DIMY)", arg);
    return CLI_EXIT_OK;
}

/* bmi's DIMX DIMY as --x 0..DIMX-1 --y DIMX..DIMX+DIMY-1 (CSV) or as a
 * check of the datasets' widths (HDF5, done after reading). */
static int dims_to_columns(estimate_args *a)
{
    size_t d[2];
    if (!a->dims[1])
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give EST_SPEC "
                        "and FILE once each (and DIMX DIMY)", a->dims[0]);
    for (int i = 0; i < 2; i++)
        if (!a->dims[i] || cli_parse_size(a->dims[i], 1, 1000, &d[i]))
            return cli_fail(CLI_EXIT_USAGE, "estimate", "DIMX and DIMY must be integers in "
                            "[1, 1000], got '%s'", a->dims[i] ? a->dims[i] : "");
    if (a->xs || a->ys)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "give DIMX DIMY or --x/--y, not both");
    if (mib_store_is_hdf5(a->path))
        return CLI_CONTINUE;
    char *bufs[2] = {a->xbuf, a->ybuf};
    for (int i = 0; i < 2; i++) {
        size_t used = 0, first = i ? d[0] : 0;
        for (size_t j = 0; j < d[i]; j++)
            used += (size_t)snprintf(bufs[i] + used, sizeof a->xbuf - used, "%s%zu",
                                     j ? "," : "", first + j);
    }
    a->xs = a->xbuf;
    a->ys = a->ybuf;
    return CLI_CONTINUE;
}

static const cli_parser parser = {
    .verb = "estimate", .options = options, .help = help, .other = positional,
};

/* Resolve "a,b,3" against the CSV header and width. */
static int parse_columns(const char *text, const char *opt, const mib_csv *c, columns *out,
                         mib_err *err)
{
    char *copy = strdup(text);
    int st = MIB_OK;
    out->count = 0;
    out->idx = calloc(c->cols, sizeof *out->idx);
    if (!copy || !out->idx) {
        free(copy);
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    }
    for (char *tok = copy, *next; tok && st == MIB_OK; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        while (isspace((unsigned char)*tok))
            tok++;
        size_t len = strlen(tok);
        while (len && isspace((unsigned char)tok[len - 1]))
            tok[--len] = '\0';
        if (!*tok) {
            st = mib_fail(err, MIB_EINVAL, "%s '%s' has an empty column name", opt, text);
            break;
        }
        long found = -1;
        for (size_t j = 0; c->names && j < c->cols; j++)
            if (strcmp(c->names[j], tok) == 0) {
                if (found >= 0) {
                    st = mib_fail(err, MIB_EINVAL, "%s: column name '%s' appears twice in "
                                  "the header; use its index", opt, tok);
                    break;
                }
                found = (long)j;
            }
        if (st)
            break;
        if (found < 0 && strspn(tok, "0123456789") == len) {
            unsigned long v = strtoul(tok, NULL, 10);
            if (v >= c->cols || len > 9) {
                st = mib_fail(err, MIB_EINVAL, "%s: column %s does not exist; the file has "
                              "%zu columns (0 to %zu)", opt, tok, c->cols, c->cols - 1);
                break;
            }
            found = (long)v;
        }
        if (found < 0) {
            char known[200] = "";
            for (size_t j = 0; c->names && j < c->cols && strlen(known) < 150; j++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                         j ? ", " : "", c->names[j]);
            st = c->names ? mib_fail(err, MIB_EINVAL, "%s: no column named '%s'; the header "
                                     "has: %s", opt, tok, known)
                          : mib_fail(err, MIB_EINVAL, "%s: no column named '%s'; the file "
                                     "has no header, so give zero-based indices", opt, tok);
            break;
        }
        for (size_t i = 0; i < out->count; i++)
            if (out->idx[i] == (size_t)found)
                st = mib_fail(err, MIB_EINVAL, "%s names column %ld twice", opt, found);
        if (out->count == c->cols) /* cannot happen without a repeat */
            break;
        out->idx[out->count++] = (size_t)found;
    }
    free(copy);
    return st;
}

/* Columns whose header name starts with letter (either case). */
static void name_group(const mib_csv *c, char letter, columns *out)
{
    out->count = 0;
    for (size_t j = 0; c->names && j < c->cols; j++)
        if (tolower((unsigned char)c->names[j][0]) == letter)
            out->idx[out->count++] = j;
}

/* Every column not in used. */
static void complement(const mib_csv *c, const columns *used, columns *out)
{
    out->count = 0;
    for (size_t j = 0; j < c->cols; j++) {
        int in = 0;
        for (size_t i = 0; i < used->count; i++)
            in |= used->idx[i] == j;
        if (!in)
            out->idx[out->count++] = j;
    }
}

/* Choose x and y columns of a CSV and copy them out. */
static int select_csv(const mib_csv *c, const char *path, const char *xs, const char *ys,
                      columns *cx, columns *cy, mib_err *err)
{
    int st;
    if (xs && (st = parse_columns(xs, "--x", c, cx, err)))
        return st;
    if (ys && (st = parse_columns(ys, "--y", c, cy, err)))
        return st;
    if (!cx->idx)
        cx->idx = calloc(c->cols, sizeof *cx->idx);
    if (!cy->idx)
        cy->idx = calloc(c->cols, sizeof *cy->idx);
    if (!cx->idx || !cy->idx)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    if (!xs && !ys) {
        name_group(c, 'x', cx);
        name_group(c, 'y', cy);
        if (!cx->count || !cy->count) {
            if (c->cols != 2)
                return mib_fail(err, MIB_EINVAL, "'%s' has %zu column%s and no x*/y* header "
                                "names; say which columns are x and y with --x and --y",
                                path, c->cols, c->cols == 1 ? "" : "s");
            cx->count = cy->count = 1;
            cx->idx[0] = 0;
            cy->idx[0] = 1;
        }
    } else if (!ys) {
        complement(c, cx, cy);
    } else if (!xs) {
        complement(c, cy, cx);
    }
    if (!cx->count || !cy->count)
        return mib_fail(err, MIB_EINVAL, "x and y need at least one column each (dx=%zu, "
                        "dy=%zu; '%s' has %zu columns)", cx->count, cy->count, path, c->cols);
    for (size_t i = 0; i < cx->count; i++)
        for (size_t k = 0; k < cy->count; k++)
            if (cx->idx[i] == cy->idx[k]) {
                char label[300];
                mib_csv_column_label(c, cx->idx[i], label, sizeof label);
                return mib_fail(err, MIB_EINVAL, "column %s is in both x and y", label);
            }
    return MIB_OK;
}

static int copy_columns(const mib_csv *c, const columns *cols, double **out, mib_err *err)
{
    double *a = malloc(c->rows * cols->count * sizeof *a);
    if (!a)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", c->rows);
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < cols->count; j++)
            a[i * cols->count + j] = c->v[i * c->cols + cols->idx[j]];
    *out = a;
    return MIB_OK;
}

/* Integer check for discrete estimators, with the file line in the message
 * (the library's check can only name the data row). */
static int check_integers(const mib_csv *c, const columns *cols, const char *path,
                          const char *est, mib_err *err)
{
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < cols->count; j++) {
            double v = c->v[i * c->cols + cols->idx[j]];
            if (v != floor(v)) {
                char label[300];
                mib_csv_column_label(c, cols->idx[j], label, sizeof label);
                return mib_fail(err, MIB_EDATA, "'%s' line %zu, column %s: %.17g is not an "
                                "integer; '%s' needs integer (discrete) data", path, c->line[i],
                                label, v, est);
            }
        }
    return MIB_OK;
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

static void print_json(const char *canon, double mi, int bits, const mib_data *d,
                       double seconds, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{MIB_RES_JITTER, "jitter"},     {MIB_RES_TIES, "ties"},
                 {MIB_RES_CAPPED, "capped"},     {MIB_RES_EARLYSTOP, "early_stop"},
                 {MIB_RES_CONSTANT, "constant"}};
    printf("{\"estimator\": ");
    json_string(canon);
    printf(", \"estimate\": %.17g, \"units\": \"%s\", \"n\": %zu, \"dx\": %zu, \"dy\": %zu, "
           "\"seconds\": %.6g, \"flags\": [", mi, bits ? "bits" : "nats", d->n, d->dx, d->dy,
           seconds);
    int first = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit) {
            printf("%s\"%s\"", first ? "" : ", ", names[i].name);
            first = 0;
        }
    printf("]}\n");
}

static int read_hdf5(const char *path, const char *xs, const char *ys, double **x, double **y,
                     mib_data *d, mib_err *err)
{
    size_t rx, ry, cx, cy;
    const char *xn = xs ? xs : "x", *yn = ys ? ys : "y";
    /* "x" and "/x" name the same dataset: I(X;X) is infinite, refuse it. */
    if (strcmp(xn + (*xn == '/'), yn + (*yn == '/')) == 0)
        return mib_fail(err, MIB_EINVAL, "dataset '%s' is given as both x and y", xn);
    int st = mib_store_read_matrix(path, xn, x, &rx, &cx, err);
    if (!st)
        st = mib_store_read_matrix(path, yn, y, &ry, &cy, err);
    if (!st && rx != ry)
        st = mib_fail(err, MIB_EFORMAT, "'%s': dataset '%s' has %zu rows but '%s' has %zu",
                      path, xn, rx, yn, ry);
    if (!st)
        *d = (mib_data){.n = rx, .dx = cx, .dy = cy, .x = *x, .y = *y};
    return st;
}

/* The data of one estimate and the buffers it lives in; loaded_free frees
 * whatever a failed load left behind. */
typedef struct loaded {
    mib_csv csv;
    columns cx, cy;
    double *x, *y;
    mib_data data;
    char where[1200]; /* CSV: the column map appended to data errors */
} loaded;

static void loaded_free(loaded *l)
{
    mib_csv_free(&l->csv);
    free(l->cx.idx);
    free(l->cy.idx);
    free(l->x);
    free(l->y);
}

/* A CSV file: read it, pick and check the columns, copy them out. */
static int load_csv(const estimate_args *a, const mib_estimator_type *type, loaded *l,
                    mib_err *err)
{
    int st = mib_csv_read(a->path, &l->csv, err);
    if (!st)
        st = select_csv(&l->csv, a->path, a->xs, a->ys, &l->cx, &l->cy, err);
    if (!st && (type->flags & MIB_EST_DISCRETE))
        if (!(st = check_integers(&l->csv, &l->cx, a->path, type->info.name, err)))
            st = check_integers(&l->csv, &l->cy, a->path, type->info.name, err);
    if (!st && !(st = copy_columns(&l->csv, &l->cx, &l->x, err)))
        st = copy_columns(&l->csv, &l->cy, &l->y, err);
    if (st)
        return st;
    l->data = (mib_data){.n = l->csv.rows, .dx = l->cx.count, .dy = l->cy.count, .x = l->x,
                         .y = l->y};
    describe_columns(&l->csv, &l->cx, &l->cy, l->where, sizeof l->where);
    return MIB_OK;
}

/* Time one estimate of the loaded data and print it: the number, or the
 * JSON object. Returns the exit code. */
static int estimate_and_print(const estimate_args *a, const mib_spec *spec, const loaded *l,
                              mib_err *err)
{
    mib_result res = {0};
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = (int)a->threads;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int st = mib_estimate(&l->data, spec, &ws, &res, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st)
        return cli_fail(cli_status_exit(st), "estimate", "%s%s", err->msg,
                        st == MIB_EDATA ? l->where : "");
    if ((res.flags & MIB_RES_TIES) && !a->quiet)
        fprintf(stderr, "mibench estimate: warning: duplicate points with no jitter; the "
                "estimate assumes continuous data and may be far off (flag 'ties')\n");
    double mi = a->bits ? res.mi / M_LN2 : res.mi;
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (a->json) {
        char canon[512];
        mib_spec_format(spec, canon, sizeof canon);
        print_json(canon, mi, a->bits, &l->data, seconds, res.flags);
    } else {
        cli_print_number(stdout, mi);
    }
    return CLI_EXIT_OK;
}

/* The estimate the parsed arguments ask for; returns the exit code. */
static int estimate_file(estimate_args *a)
{
    int rc;
    if (!a->text || !a->path)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "need EST_SPEC and FILE, e.g. 'mibench "
                        "estimate ksg1:k=3 data.csv' (see --help)");
    if (a->dims[0] && (rc = dims_to_columns(a)) != CLI_CONTINUE)
        return rc;
    mib_err err = {""};
    mib_spec spec;
    const mib_registry *reg = a->plugins.estimators ? a->plugins.estimators
                                                    : &mib_estimator_registry;
    if (mib_registry_parse(reg, a->text, &spec, &err))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "%s", err.msg);
    const mib_estimator_type *type = mib_estimator_type_of(&spec, NULL);
    loaded l = {0};
    int st = mib_store_is_hdf5(a->path)
                 ? read_hdf5(a->path, a->xs, a->ys, &l.x, &l.y, &l.data, &err)
                 : load_csv(a, type, &l, &err);
    if (!st && a->dims[0] && mib_store_is_hdf5(a->path) &&
        (l.data.dx != (size_t)atoi(a->dims[0]) || l.data.dy != (size_t)atoi(a->dims[1])))
        st = mib_fail(&err, MIB_EINVAL, "'%s' has dx=%zu, dy=%zu but DIMX DIMY say %s %s",
                      a->path, l.data.dx, l.data.dy, a->dims[0], a->dims[1]);
    /* Columns that do not fit the file (MIB_EINVAL) are a usage error; an
     * unreadable file or bad data is a failure. */
    rc = st ? cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "estimate", "%s",
                       err.msg)
            : estimate_and_print(a, &spec, &l, &err);
    loaded_free(&l);
    return rc;
}

int cmd_estimate(int argc, char **argv)
{
    estimate_args a = {.threads = (size_t)omp_get_max_threads()};
    mib_study_init(&a.plugins);
    int rc = cli_parse(&parser, argc, argv, &a);
    if (rc == CLI_CONTINUE)
        rc = estimate_file(&a);
    mib_study_free(&a.plugins); /* after the estimate: the types live in the plugins */
    return rc;
}
