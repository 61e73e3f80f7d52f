/* fuzz_csv.c - libFuzzer target for the CSV reader of `mibench estimate`:
 * any bytes give a table of the promised shape whose cells, converted
 * column by column (missing values dropped), are finite numbers or a
 * refusal; every refusal is one line. Cost: one parse per input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bench/cli/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mib_csv c;
    mib_err err = {""};
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* the first byte picks the separator, as --sep would */
    char sep = size && data[0] == '\t' ? '\t' : size && data[0] == ';' ? ';' : ',';
    int st = mib_csv_parse(text, size, sep, "fuzz.csv", &c, &err); /* takes text over */
    if (st == MIB_OK) {
        if (c.rows == 0 || c.cols == 0)
            abort();
        size_t *cols = malloc(c.cols * sizeof *cols);
        unsigned char *drop = calloc(c.rows, 1);
        double *v = malloc(c.rows * c.cols * sizeof *v);
        if (cols && drop && v) {
            for (size_t j = 0; j < c.cols; j++)
                cols[j] = j;
            size_t kept = c.rows - mib_csv_mark_missing(&c, cols, c.cols, drop);
            st = mib_csv_extract(&c, cols, c.cols, drop, v, &err);
            for (size_t i = 0; st == MIB_OK && i < kept * c.cols; i++)
                if (!isfinite(v[i]))
                    abort();
        }
        free(cols);
        free(drop);
        free(v);
    }
    if (st != MIB_OK && (!err.msg[0] || strchr(err.msg, '\n')))
        abort();
    mib_csv_free(&c);
    return 0;
}
