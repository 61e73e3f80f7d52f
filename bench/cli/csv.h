/* csv.h - delimited text files (CSV, TSV) for `mibench estimate`.
 *
 * A file is one record per line, cells split at a separator (',' by
 * default, '\t' for TSV, or any punctuation the caller picks). A cell may
 * be wrapped in double quotes: then it may hold separators, line breaks
 * and "" for one quote (as pandas and spreadsheets write them). Blanks
 * around a cell are ignored; blank lines are skipped; a UTF-8 byte-order
 * mark and CRLF line ends are accepted. The first record is a header when
 * any of its cells is neither a number (C-locale strtod) nor a missing
 * value. Reading only splits the text: cells are converted to numbers
 * column by column (mib_csv_extract), so columns nobody selects may hold
 * text. Every problem is one message naming the file, its line (1-based,
 * as an editor shows it) and column (0-based, as --x/--y take it, with
 * the header name): empty file, header without data, ragged rows, an
 * unclosed quote, NUL bytes; then, in the selected columns, empty, missing
 * (NA), non-numeric and non-finite cells.
 */
#ifndef MIB_CSV_H
#define MIB_CSV_H

#include <stddef.h>
#include "mibench/status.h"

typedef struct mib_csv {
    size_t rows, cols;
    char **names;        /* cols header names, or NULL when the file has none */
    size_t *line;        /* file line (1-based) where each data row starts */
    const char *label;   /* the file's name in messages */
    /* private: the text, split in place, and rows x cols cell pointers into it */
    char *text;
    char **cell;
} mib_csv;

/* Split text (NUL-terminated, len bytes, malloc'd) into *out, which takes
 * it over (freed by mib_csv_free, also on failure). sep is the cell
 * separator; label names the input in messages and must outlive *out.
 * MIB_EFORMAT for bad content, MIB_ENOMEM; err says which. On failure
 * *out holds nothing to free (mib_csv_free is still safe). O(len). */
int mib_csv_parse(char *text, size_t len, char sep, const char *label, mib_csv *out,
                  mib_err *err);

/* Read the file at path whole (MIB_EIO when it cannot be read), then
 * mib_csv_parse it with path as its label. */
int mib_csv_read(const char *path, char sep, mib_csv *out, mib_err *err);

/* 1 when cell is a missing value: empty, NaN in any spelling strtod reads,
 * or one of the NA spellings pandas writes and reads (NA, N/A, NULL,
 * None, #N/A, <NA>, ...). */
int mib_csv_is_missing(const char *cell);

/* The text of a cell, trimmed and unquoted. */
const char *mib_csv_cell(const mib_csv *c, size_t row, size_t col);

/* 1 when every cell of column col is a number (C-locale strtod, finite or
 * not) or a missing value, and at least one is a number: a column that
 * `mibench select` can use (its non-finite cells are refused later, with
 * their line, by mib_csv_extract). O(rows). */
int mib_csv_is_numeric(const mib_csv *c, size_t col);

/* Mark in drop[row] (1) every row with a missing value in one of the k
 * columns cols; returns how many rows of drop are marked afterwards
 * (marks already there included), so calls for x and y add up. */
size_t mib_csv_mark_missing(const mib_csv *c, const size_t *cols, size_t k,
                            unsigned char *drop);

/* The k columns cols of every row not marked in drop (NULL: every row)
 * as numbers, row-major into out (kept rows x k). A cell that is not a
 * finite number is MIB_EFORMAT naming its line and column; a missing
 * value's message adds that --dropna drops such rows. O(rows x k). */
int mib_csv_extract(const mib_csv *c, const size_t *cols, size_t k,
                    const unsigned char *drop, double *out, mib_err *err);

/* Free what mib_csv_parse or mib_csv_read allocated; safe on a zeroed struct. */
void mib_csv_free(mib_csv *c);

/* At most max bytes of s for a one-line message into buf: line breaks and
 * tabs as \n, \r, \t, other control bytes as '?'. */
void mib_csv_printable(const char *s, size_t max, char *buf, size_t len);

/* Column name for messages: "2 ('y0')" or "2" without a header (at most
 * 60 bytes of the name, made printable). */
void mib_csv_column_label(const mib_csv *c, size_t col, char *buf, size_t len);

#endif
