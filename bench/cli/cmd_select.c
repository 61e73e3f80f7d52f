/* cmd_select.c - `mibench select FILE --target COL [--method mi|mrmr|jmi]
 * [--k K] [--est SPEC] [--sep C] [--dropna] [--json] [--bits] [--threads T]
 * [--quiet]`: ranks the numeric columns of a CSV/TSV or HDF5 file (read by
 * load.c as `mibench estimate` reads it) by their mutual information with a
 * target column with mib_select (estimators/select.c: relevance, mRMR,
 * JMI; the same bits for any --threads T) and prints its picks as a table or
 * JSON, with the columns it skipped. This file loads the columns into one
 * column-major table, names them and prints; the ranking is the library's.
 * Cost: mib_select's, O(F) relevance estimates + O(F K) redundancy (or
 * joint) estimates for F features and K picks. Nats unless --bits. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/load.h"

#define NOTE_SKIPPED 6 /* skipped columns the stderr line names before "..." */

static const struct method {
    const char *name;
    int kind; /* enum mib_select_method */
    const char *help;
} methods[] = {
    {"mi", MIB_SELECT_MI, "rank by the relevance I(x_i; y) (default)"},
    {"mrmr", MIB_SELECT_MRMR, "Peng et al. 2005: max relevance minus mean redundancy"},
    {"jmi", MIB_SELECT_JMI, "Brown et al. 2012: joint mutual information"},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

typedef struct select_args {
    const char *path, *target, *method, *est;
    int npos, json, bits, quiet, dropna;
    char sep;
    size_t k, threads;
} select_args;

static int set_threads(void *ctx, const char *v)
{
    return cli_parse_threads("select", v, &((select_args *)ctx)->threads);
}

static int set_sep(void *ctx, const char *v)
{
    return cli_parse_sep("select", v, &((select_args *)ctx)->sep);
}

static int set_k(void *ctx, const char *v)
{
    select_args *a = ctx;
    if (cli_parse_size(v, 1, 1000000000, &a->k))
        return cli_fail(CLI_EXIT_USAGE, "select", "--k needs an integer >= 1 (the features to "
                        "pick), got '%s'", v);
    return CLI_EXIT_OK;
}

static const cli_option options[] = {
    {.name = "--target", .arg = "COL", .offset = offsetof(select_args, target),
     .help = "the target: a header name or a zero-based index (HDF5: x0..,\n"
             "y0.., z0.. over the datasets /x, /y, /z)"},
    {.name = "--method", .arg = "M", .offset = offsetof(select_args, method),
     .help = "mi, mrmr or jmi (default mi; see above)"},
    {.name = "--k", .arg = "K", .parse = set_k,
     .help = "stop after K features (default: all)"},
    {.name = "--est", .arg = "SPEC", .offset = offsetof(select_args, est),
     .help = "one estimator spec for every pair (default: by column kind, below)"},
    {.name = "--sep", .arg = "C", .parse = set_sep,
     .help = "cell separator (default ',', tab for a .tsv file), or 'tab'"},
    {.name = "--dropna", .offset = offsetof(select_args, dropna),
     .help = "drop rows with a missing value in any numeric column (default: refuse)"},
    {.name = "--json", .offset = offsetof(select_args, json),
     .help = "a JSON array: rank, column, score, relevance, redundancy, units and\n"
             "the estimators of each pick, then the skipped columns"},
    {.name = "--bits", .offset = offsetof(select_args, bits), .help = "bits instead of nats"},
    {.name = "--threads", .arg = "T", .parse = set_threads,
     .help = "pair estimates run at once (default: all cores; same result)"},
    {.name = "--quiet", .offset = offsetof(select_args, quiet),
     .help = "no notes on stderr"},
    {0},
};

static int help(void)
{
    printf("usage: mibench select FILE --target COL [--method mi|mrmr|jmi] [--k K]\n"
           "                      [--est SPEC] [--json] [--bits] [--threads T]\n"
           "Ranks every other numeric column x_i of FILE (CSV, TSV or HDF5, read as\n"
           "`mibench estimate` reads it) against the target column y. S is the set\n"
           "already picked; each greedy step takes the feature of highest score:\n"
           "  mi    score = I(x_i; y), the relevance\n"
           "  mrmr  the most relevant first, then score = I(x_i; y) - (1/|S|) sum_{j in S}\n"
           "        I(x_i; x_j): the greedy form of max (1/|S|) sum I(x_i;y) - (1/|S|^2)\n"
           "        sum I(x_i;x_j) (Peng, Long & Ding 2005); redundancy = that mean\n"
           "  jmi   the most relevant first, then score = sum_{j in S} I(x_i x_j; y)\n"
           "        (Brown, Pocock, Zhao & Lujan 2012); redundancy = I(x_i; y) minus the\n"
           "        mean of I(x_i; y | x_j) = I(x_i x_j; y) - I(x_j; y) over S\n"
           "Options:\n");
    cli_print_options(stdout, options, 16);
    printf("Default estimators (a column is integer-valued when every value is an integer):\n"
           "  I(x_i; y), y integer-valued (class labels): ross:discrete=y, or plugin when\n"
           "             x_i is integer-valued too; y continuous: ksg1\n"
           "  I(x_i x_j; y): the same rule, the pair integer-valued when both are\n"
           "  I(x_i; x_j): ksg1 (both continuous), plugin (both integer-valued), ross\n"
           "             with the integer-valued side discrete; x the earlier column\n"
           "Skipped: non-numeric and constant columns, and the target (named on stderr\n"
           "on a terminal, as \"skipped\" in --json). Prints rank, column, score,\n"
           "relevance, redundancy (nats; '-' where there is none).\n");
    return CLI_EXIT_OK;
}

static int positional(void *ctx, const char *arg)
{
    select_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "select", "unknown option '%s' (see --help)", arg);
    if (a->npos++)
        return cli_fail(CLI_EXIT_USAGE, "select", "unexpected argument '%s'; give FILE once",
                        arg);
    a->path = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "select", .options = options, .help = help, .other = positional,
};

/* ---- the columns ---- */

typedef struct column {
    const char *name;  /* what --target takes (a header name, "x0" for HDF5), or NULL */
    size_t index;      /* the file column (CSV) or the position over /x, /y, /z (HDF5) */
    char own[32];      /* the HDF5 name, or "column 3" for messages */
    int constant;
    const char *skip;  /* why it is no feature, or NULL */
} column;

/* The file as mib_select takes it, and what the output names. */
typedef struct selection {
    size_t n, ncols, target;
    double *table;        /* every numeric column, in file order, column-major */
    column *cols;
    const char **labels;  /* per column: its name, else "column 3" (the library's messages) */
    column *skipped;      /* the CSV's non-numeric columns, then the numeric ones left
                             out (copies: name, index, skip) */
    size_t nskipped;
    mib_spec est;         /* --est */
    char canon[MIB_SELECT_NSPECS][512];
} selection;

static void selection_free(selection *s)
{
    free(s->table);
    free(s->cols);
    free(s->labels);
    free(s->skipped);
}

/* The columns of the loaded blocks (a CSV's numeric columns are x), one
 * after the other into the table, with their names. */
static int take_columns(const cli_loaded *l, selection *s, mib_err *err)
{
    const mib_data *d = &l->data;
    const double *blocks[3] = {d->x, d->y, d->z};
    const size_t w[3] = {d->dx, d->dy, d->dz};
    s->n = d->n;
    s->ncols = d->dx + d->dy + d->dz;
    s->cols = calloc(s->ncols, sizeof *s->cols);
    s->labels = calloc(s->ncols, sizeof *s->labels);
    s->table = malloc((s->n ? s->n : 1) * s->ncols * sizeof *s->table);
    if (!s->cols || !s->labels || !s->table)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu x %zu values", s->n, s->ncols);
    for (size_t b = 0, c = 0; b < 3; b++)
        for (size_t j = 0; j < w[b]; j++, c++) {
            column *col = &s->cols[c];
            double *v = s->table + c * s->n;
            col->constant = 1;
            for (size_t i = 0; i < s->n; i++) {
                v[i] = blocks[b][i * w[b] + j];
                col->constant &= v[i] == v[0];
            }
            if (l->xset) { /* HDF5 */
                snprintf(col->own, sizeof col->own, "%c%zu", "xyz"[b], j);
                col->name = col->own;
                col->index = c;
            } else {
                col->index = l->cx.idx[j];
                col->name = cli_column_name(l, col->index);
                if (!col->name)
                    snprintf(col->own, sizeof col->own, "column %zu", col->index);
            }
            s->labels[c] = col->name ? col->name : col->own;
        }
    return MIB_OK;
}

/* s->target from --target: MIB_EINVAL for a column that does not exist,
 * MIB_EDATA for one that is not numeric (mib_select refuses a constant
 * one). */
static int find_target(const cli_loaded *l, const char *path, const char *token, selection *s,
                       mib_err *err)
{
    size_t col;
    if (l->xset) { /* HDF5: a name of the x0.., y0.., z0.. layout or a position */
        for (col = 0; col < s->ncols && strcmp(s->cols[col].name, token) != 0; col++)
            ;
        if (col == s->ncols && cli_parse_size(token, 0, s->ncols - 1, &col))
            return mib_fail(err, MIB_EINVAL, "--target: no column '%s'; '%s' has x0..x%zu "
                            "(/x), y0..y%zu (/y)%s", token, path,
                            l->data.dx - 1, l->data.dy - 1, l->data.dz ? ", z0.. (/z)" : "");
        s->target = col;
        return MIB_OK;
    }
    int st = cli_find_column(l, token, "--target", &col, err);
    if (st)
        return st;
    for (s->target = 0; s->target < s->ncols && s->cols[s->target].index != col; s->target++)
        ;
    if (s->target < s->ncols)
        return MIB_OK;
    /* a skipped column: say which cell is not a number */
    double *v = malloc((l->csv.rows ? l->csv.rows : 1) * sizeof *v);
    char msg[sizeof err->msg];
    if (!v)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    st = mib_csv_extract(&l->csv, &col, 1, NULL, v, err);
    free(v);
    snprintf(msg, sizeof msg, "%s", err->msg);
    return mib_fail(err, MIB_EDATA, "the target column is not numeric: %s",
                    st ? msg : "it holds no number");
}

/* What mib_select leaves out, for the output: the CSV's non-numeric
 * columns, the target and the constant columns. */
static int take_skipped(const cli_loaded *l, selection *s, mib_err *err)
{
    if (!(s->skipped = malloc((s->ncols + l->skipped.count) * sizeof *s->skipped)))
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->skipped.count; i++)
        s->skipped[s->nskipped++] = (column){.name = cli_column_name(l, l->skipped.idx[i]),
                                             .index = l->skipped.idx[i],
                                             .skip = "not numeric"};
    for (size_t c = 0; c < s->ncols; c++) {
        column *col = &s->cols[c];
        col->skip = c == s->target ? "target" : col->constant ? "constant" : NULL;
        if (col->skip)
            s->skipped[s->nskipped++] = (column){.name = col->name, .index = col->index,
                                                 .skip = col->skip};
    }
    return MIB_OK;
}

/* --est, and the canonical text of every spec a pick may name. */
static int parse_specs(const select_args *a, selection *s, mib_err *err)
{
    for (int i = 0; i < (a->est ? 1 : MIB_SELECT_NSPECS); i++) {
        mib_spec spec;
        int st = mib_estimator_spec_parse(a->est ? a->est : mib_select_default_spec(i), &spec,
                                          err);
        if (st)
            return st;
        mib_spec_format(&spec, s->canon[i], sizeof s->canon[i]);
        if (a->est)
            s->est = spec;
    }
    return MIB_OK;
}

/* ---- output ---- */

/* A column as the table shows it: its name, else its index. */
static void column_text(const column *c, char *buf, size_t len)
{
    if (c->name)
        mib_csv_printable(c->name, 60, buf, len);
    else
        snprintf(buf, len, "%zu", c->index);
}

/* A column as --target takes it, in JSON: its name, else its index. */
static void json_column(const column *c)
{
    if (c->name)
        cli_json_string(c->name);
    else
        printf("%zu", c->index);
}

static void json_number(double v, double unit)
{
    if (isnan(v))
        printf("null");
    else
        printf("%.17g", v / unit);
}

static void print_json(const select_args *a, const selection *s,
                       int m, const mib_select_pick *p, size_t k)
{
    const double unit = a->bits ? M_LN2 : 1;
    for (size_t r = 0; r < k; r++) {
        printf("%s{\"rank\": %zu, \"column\": ", r ? ",\n " : "[", r + 1);
        json_column(&s->cols[p[r].column]);
        printf(", \"score\": ");
        json_number(p[r].score, unit);
        printf(", \"relevance\": ");
        json_number(p[r].relevance, unit);
        printf(", \"redundancy\": ");
        json_number(p[r].redundancy, unit);
        printf(", \"units\": \"%s\", \"relevance_estimator\": ", a->bits ? "bits" : "nats");
        cli_json_string(s->canon[p[r].relevance_spec]);
        if (m != MIB_SELECT_MI) {
            printf(", \"%s\": [", m == MIB_SELECT_MRMR ? "redundancy_estimators"
                                                         : "joint_estimators");
            for (int i = 0, first = 1; i < MIB_SELECT_NSPECS; i++)
                if (p[r].specs & (1u << i)) {
                    printf("%s", first ? "" : ", ");
                    cli_json_string(s->canon[i]);
                    first = 0;
                }
            printf("]");
        }
        printf("}");
    }
    for (size_t i = 0; i < s->nskipped; i++) { /* each skipped column, and why */
        printf(",\n {\"column\": ");
        json_column(&s->skipped[i]);
        printf(", \"skipped\": \"%s\"}", s->skipped[i].skip);
    }
    printf("]\n");
}

static void print_table(const select_args *a, const selection *s, const mib_select_pick *p,
                        size_t k)
{
    const double unit = a->bits ? M_LN2 : 1;
    int w = (int)strlen("column");
    char name[200];
    for (size_t r = 0; r < k; r++) {
        column_text(&s->cols[p[r].column], name, sizeof name);
        w = (int)strlen(name) > w ? (int)strlen(name) : w;
    }
    printf("%-4s  %-*s  %-23s  %-23s  %s\n", "rank", w, "column", "score", "relevance",
           "redundancy");
    for (size_t r = 0; r < k; r++) {
        char v[3][32];
        const double x[3] = {p[r].score, p[r].relevance, p[r].redundancy};
        for (int i = 0; i < 3; i++)
            if (isnan(x[i]))
                snprintf(v[i], sizeof v[i], "-");
            else
                snprintf(v[i], sizeof v[i], "%.17g", x[i] / unit);
        column_text(&s->cols[p[r].column], name, sizeof name);
        printf("%-4zu  %-*s  %-23s  %-23s  %s\n", r + 1, w, name, v[0], v[1], v[2]);
    }
}

/* One stderr line naming the skipped columns, on a terminal only. */
static void note_skipped(const select_args *a, const selection *s)
{
    if (a->quiet || !isatty(STDERR_FILENO) || !s->nskipped)
        return;
    char line[1200] = "";
    size_t used = 0;
    for (size_t i = 0; i < s->nskipped && i < NOTE_SKIPPED && used < sizeof line; i++) {
        char name[200];
        column_text(&s->skipped[i], name, sizeof name);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s'%s' (%s)", i ? ", " : "",
                                 name, s->skipped[i].skip);
    }
    if (s->nskipped > NOTE_SKIPPED && used < sizeof line)
        snprintf(line + used, sizeof line - used, ", ... (%zu columns)", s->nskipped);
    fprintf(stderr, "mibench select: skipped %s\n", line);
}

/* ---- the verb ---- */

static const struct method *find_method(const char *name)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

/* The arguments that need no file: FILE, --target, --method, --est. */
static int check_args(const select_args *a, const struct method **m, selection *s)
{
    mib_err err = {""};
    if (!a->npos)
        return cli_fail(CLI_EXIT_USAGE, "select", "need FILE, e.g. 'mibench select data.csv "
                        "--target y' (see --help)");
    if (!a->target)
        return cli_fail(CLI_EXIT_USAGE, "select", "need --target COL, the column to rank the "
                        "others against");
    if (!(*m = find_method(a->method))) {
        char known[160] = "";
        for (size_t i = 0, used = 0; i < NMETHODS; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                     methods[i].name);
        return cli_fail(CLI_EXIT_USAGE, "select", "unknown method '%s'; known: %s", a->method,
                        known);
    }
    if (parse_specs(a, s, &err))
        return cli_fail(CLI_EXIT_USAGE, "select", "--est: %s", err.msg);
    return CLI_CONTINUE;
}

static int select_file(const select_args *a)
{
    const struct method *m = NULL;
    selection s = {0};
    int rc = check_args(a, &m, &s);
    if (rc != CLI_CONTINUE)
        return rc;
    const cli_source src = {.verb = "select", .path = a->path, .sep = a->sep,
                            .dropna = a->dropna, .quiet = a->quiet, .single = 1,
                            .numeric = 1};
    mib_err err = {""};
    mib_select_pick *picks = NULL;
    size_t k = 0;
    cli_loaded *l = malloc(sizeof *l);
    int st = l ? cli_load(&src, l, &err) : mib_fail(&err, MIB_ENOMEM, "out of memory");
    if (!st)
        st = take_columns(l, &s, &err);
    if (!st)
        st = find_target(l, a->path, a->target, &s, &err);
    if (!st)
        st = take_skipped(l, &s, &err);
    if (!st && !(picks = malloc(s.ncols * sizeof *picks)))
        st = mib_fail(&err, MIB_ENOMEM, "out of memory");
    if (!st) {
        cli_note_input(&src, l);
        note_skipped(a, &s);
        mib_select_options opt;
        mib_select_options_init(&opt);
        opt.method = m->kind;
        opt.k = a->k;
        opt.spec = a->est ? &s.est : NULL;
        opt.threads = (int)a->threads;
        opt.names = s.labels;
        st = mib_select(s.table, s.n, s.ncols, s.target, &opt, picks, &k, &err);
    }
    /* columns that do not fit the file (MIB_EINVAL) are a usage error */
    if (st)
        rc = cli_fail(cli_status_exit(st), "select", "%s", err.msg);
    else if (a->json)
        print_json(a, &s, m->kind, picks, k), rc = CLI_EXIT_OK;
    else
        print_table(a, &s, picks, k), rc = CLI_EXIT_OK;
    free(picks);
    selection_free(&s);
    if (l)
        cli_loaded_free(l);
    free(l);
    return rc;
}

int cmd_select(int argc, char **argv)
{
    select_args a = {.method = "mi", .threads = (size_t)omp_get_max_threads()};
    int rc = cli_parse(&parser, argc, argv, &a);
    return rc == CLI_CONTINUE ? select_file(&a) : rc;
}
