/* cmd_estimate.c - `mibench estimate EST_SPEC FILE [--x COLS] [--y COLS]
 * [--json] [--bits] [--threads T]`: one estimate on the user's data, from a
 * CSV file (csv.c) or an HDF5 file (/x and /y, or the datasets --x/--y
 * name). Columns are zero-based indices or header names; a two-column file
 * is x = 0, y = 1; a header with x.../y... names gives those groups. Prints the
 * estimate (17 significant digits, nats unless --bits), or with --json one
 * object with the canonical spec, n, dx, dy, seconds and flags. Exit 2 for
 * usage and spec errors, 1 for file and data errors. */
#include <ctype.h>
#include <math.h>
#include <omp.h>
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
           "                        [--threads T]\n"
           "Estimates the MI between the x and the y columns of FILE.\n"
           "  FILE        CSV (optional header; C-locale numbers) or HDF5 (datasets /x, /y)\n"
           "  --x, --y    CSV: comma-separated zero-based column indices or header names;\n"
           "              HDF5: dataset names. Defaults: x*/y* header names, or x = 0 and\n"
           "              y = 1 for a two-column file; given one, the other is the rest.\n"
           "  --json      print one JSON object: estimator (canonical), estimate, units, n,\n"
           "              dx, dy, seconds, flags\n"
           "  --bits      report bits instead of nats\n"
           "  --threads   threads for the estimator (default: all cores)\n"
           "Estimators and their parameters: mibench list estimators\n");
    return CLI_EXIT_OK;
}

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

int cmd_estimate(int argc, char **argv)
{
    const char *text = NULL, *path = NULL, *xs = NULL, *ys = NULL;
    int json = 0, bits = 0;
    size_t threads = (size_t)omp_get_max_threads();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a))
            return help();
        int takes = strcmp(a, "--x") == 0 || strcmp(a, "--y") == 0 ||
                    strcmp(a, "--threads") == 0;
        if (takes && i + 1 >= argc)
            return cli_fail(CLI_EXIT_USAGE, "estimate", "option '%s' needs a value", a);
        if (strcmp(a, "--x") == 0)
            xs = argv[++i];
        else if (strcmp(a, "--y") == 0)
            ys = argv[++i];
        else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_size(argv[++i], 1, MAX_THREADS, &threads))
                return cli_fail(CLI_EXIT_USAGE, "estimate",
                                "--threads needs an integer in [1, %d], got '%s'", MAX_THREADS,
                                argv[i]);
        } else if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--bits") == 0)
            bits = 1;
        else if (a[0] == '-' && a[1] == '-')
            return cli_fail(CLI_EXIT_USAGE, "estimate", "unknown option '%s' (see --help)", a);
        else if (!text)
            text = a;
        else if (!path)
            path = a;
        else
            return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give "
                            "EST_SPEC and FILE once each", a);
    }
    if (!text || !path)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "need EST_SPEC and FILE, e.g. 'mibench "
                        "estimate ksg1:k=3 data.csv' (see --help)");

    mib_err err = {""};
    mib_spec spec;
    mib_csv csv = {0};
    columns cx = {0, NULL}, cy = {0, NULL};
    double *x = NULL, *y = NULL;
    mib_data data = {0};
    mib_result res = {0};
    char canon[512], where[1200] = "";
    int rc = CLI_EXIT_OK, st;
    if ((st = mib_estimator_spec_parse(text, &spec, &err)))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "%s", err.msg);
    mib_spec_format(&spec, canon, sizeof canon);
    const mib_estimator_type *type = (const mib_estimator_type *)spec.info;

    if (mib_store_is_hdf5(path)) {
        st = read_hdf5(path, xs, ys, &x, &y, &data, &err);
    } else {
        st = mib_csv_read(path, &csv, &err);
        if (!st)
            st = select_csv(&csv, path, xs, ys, &cx, &cy, &err);
        if (!st && (type->flags & MIB_EST_DISCRETE))
            if (!(st = check_integers(&csv, &cx, path, type->info.name, &err)))
                st = check_integers(&csv, &cy, path, type->info.name, &err);
        if (!st && !(st = copy_columns(&csv, &cx, &x, &err)))
            st = copy_columns(&csv, &cy, &y, &err);
        if (!st) {
            data = (mib_data){.n = csv.rows, .dx = cx.count, .dy = cy.count, .x = x, .y = y};
            describe_columns(&csv, &cx, &cy, where, sizeof where);
        }
    }
    if (st) {
        rc = cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "estimate", "%s",
                      err.msg);
        goto done;
    }

    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = (int)threads;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = mib_estimate(&data, &spec, &ws, &res, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st) {
        rc = cli_fail(cli_status_exit(st), "estimate", "%s%s", err.msg,
                      st == MIB_EDATA ? where : "");
        goto done;
    }
    if (res.flags & MIB_RES_TIES)
        fprintf(stderr, "mibench estimate: warning: duplicate points with no jitter; the "
                "estimate assumes continuous data and may be far off (flag 'ties')\n");
    double mi = bits ? res.mi / M_LN2 : res.mi;
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (json)
        print_json(canon, mi, bits, &data, seconds, res.flags);
    else
        cli_print_number(stdout, mi);
done:
    mib_csv_free(&csv);
    free(cx.idx);
    free(cy.idx);
    free(x);
    free(y);
    return rc;
}
