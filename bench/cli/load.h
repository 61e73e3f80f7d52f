/* load.h - reading the samples of `mibench estimate` and `mibench entropy`
 * from a CSV/TSV or HDF5 file (or a pipe, a FIFO, "-"), and choosing their
 * columns: two blocks x and y and an optional conditioning block z, or one
 * block (entropy's --cols). The rules
 * are README's, "mibench estimate". Each verb fills a cli_source from its
 * options, calls cli_load once and frees with cli_loaded_free. */
#ifndef MIB_CLI_LOAD_H
#define MIB_CLI_LOAD_H

#include <stddef.h>
#include "bench/cli/csv.h"
#include "mibench/mibench.h"

/* Where the samples come from and which columns are wanted. */
typedef struct cli_source {
    const char *verb;      /* "estimate", "entropy": for notes on stderr */
    const char *path;      /* FILE; "-" is standard input */
    const char *xs, *ys;   /* --x / --y (CSV: names or indices; HDF5: dataset names) or NULL */
    const char *zs;        /* --z, the same, or NULL: a z block only from x0../y0../z0..
                              headers (HDF5: a /z dataset) when neither --x nor --y is given */
    const char *xopt;      /* the option that gave xs, for messages; NULL: "--x" */
    const char *dims[2];   /* bmi's DIMX DIMY (checked by the verb), or NULL */
    char sep;              /* --sep, or 0: tab for a .tsv name, else ',' */
    int dropna, quiet;
    int single;            /* one block only: the xs columns, or every column
                              (HDF5: the dataset xs names, by default /x); y is empty */
    int numeric;           /* with single and no xs (select): a CSV's columns that hold
                              numbers only (or missing values), the others in skipped;
                              HDF5: /x, /y and /z when present, as without single */
} cli_source;

typedef struct cli_columns {
    size_t count;
    size_t *idx;
} cli_columns;

typedef struct cli_named {
    const char *name;
    size_t col;
} cli_named;

/* A header's names sorted, for O(log cols) lookups. */
typedef struct cli_name_index {
    const mib_csv *c;
    cli_named *sorted; /* c->cols entries, or NULL without a header */
} cli_name_index;

/* The data and the buffers it lives in; cli_loaded_free frees whatever a
 * failed load left behind. */
typedef struct cli_loaded {
    mib_csv csv;
    cli_name_index names;
    cli_columns cx, cy, cz;  /* cy is empty for one block; cz without a z block */
    cli_columns skipped;     /* numeric: the CSV columns left out as not numeric */
    const char *xset, *yset, *zset; /* HDF5: the dataset names (zset NULL: no z) */
    size_t *line;            /* CSV: file line of each kept row */
    size_t dropped;          /* rows --dropna dropped */
    double *x, *y, *z;
    mib_data data;           /* one block: x only, dy = 0; dz > 0 with a z block */
    char where[1200];        /* CSV: the column map appended to data errors */
    char xbuf[8192], ybuf[8192]; /* --x/--y made from DIMX, DIMY */
} cli_loaded;

/* Read src into *l (zeroed first). MIB_EINVAL for columns that do not fit
 * the file (a usage error), MIB_EIO, MIB_EFORMAT, MIB_EDATA, MIB_ENOMEM for
 * the file and its data; err names the file, line and column. */
int cli_load(const cli_source *src, cli_loaded *l, mib_err *err);

/* Frees what cli_load allocated; safe after a failure. */
void cli_loaded_free(cli_loaded *l);

/* The CSV column that token (a header name, else a zero-based index)
 * names, for an option opt such as "--target": MIB_EINVAL with the
 * message --x gives for an unknown or repeated name. */
int cli_find_column(const cli_loaded *l, const char *token, const char *opt, size_t *col,
                    mib_err *err);

/* Column col's header name when it selects that column alone (as
 * cli_json_columns writes it), else NULL (no header, repeated, empty). */
const char *cli_column_name(const cli_loaded *l, size_t col);

/* On stderr: the rows --dropna dropped, and on a terminal the columns
 * used; nothing with src->quiet. */
void cli_note_input(const cli_source *src, const cli_loaded *l);

/* MIB_EDATA naming the file line and column of the first non-integer value
 * of a CSV's selected columns ("'%s' needs integer (discrete) data", est);
 * MIB_OK for HDF5 (the library's check names the row). */
int cli_check_integers(const cli_loaded *l, const char *est, mib_err *err);

/* s as a JSON string on stdout. */
void cli_json_string(const char *s);

/* The x (block 0), y (1) or z (2) block's columns on stdout as a JSON
 * array, as --x/--y/--z would name them: header names, else indices; the
 * dataset for HDF5 ([] for a z block that is absent). */
void cli_json_columns(const cli_loaded *l, int block);

#endif
