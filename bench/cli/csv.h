/* csv.h - numeric CSV files for `mibench estimate`.
 *
 * A file is comma-separated numbers, one row per line, in C-locale strtod
 * syntax (so "1e-3", "0x1p-4", " 2 " are numbers; blanks around a cell are
 * ignored, a cell may be wrapped in double quotes). The first non-blank
 * line is a header when any of its cells is not a number. Blank lines are
 * skipped; a UTF-8 byte-order mark and CRLF line ends are accepted. Every
 * problem is one message naming the file, its line (1-based, as an editor
 * shows it) and column (0-based, as --x/--y take it, with the header name):
 * empty file, header without data, ragged rows, empty or non-numeric
 * cells, NaN or infinite values.
 */
#ifndef MIB_CSV_H
#define MIB_CSV_H

#include <stddef.h>
#include "mibench/status.h"

typedef struct mib_csv {
    size_t rows, cols;
    double *v;      /* rows x cols, row-major */
    char **names;   /* cols header names, or NULL when the file has none */
    size_t *line;   /* file line (1-based) of each data row */
} mib_csv;

/* Read path into *out (zeroed first). MIB_EIO when the file cannot be
 * read, MIB_EFORMAT for bad content, MIB_ENOMEM; err says which. On
 * failure *out holds nothing to free (mib_csv_free is still safe). */
int mib_csv_read(const char *path, mib_csv *out, mib_err *err);

/* Free what mib_csv_read allocated; safe on a zeroed struct. */
void mib_csv_free(mib_csv *c);

/* Column name for messages: "2 ('y0')" or "2" without a header. */
void mib_csv_column_label(const mib_csv *c, size_t col, char *buf, size_t len);

#endif
