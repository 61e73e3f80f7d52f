/* fixture_tool.c - writes the hand-made study of results_fixture.h to a
 * results file through the store API, for the CLI tests of plot and check
 * (no estimator needed). Usage:
 *   fixture_tool OUT.h5 [--curves] [--shift CELL:K] [--drop CELL] [--fail CELL:N]
 * --shift moves the mean of summary row CELL by K combined standard errors
 * (K sqrt(2) se); --drop leaves cell CELL out; --fail sets its failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results_fixture.h"
#include "bench/store/store.h"

int main(int argc, char **argv)
{
    mib_results r;
    int curves = 0;
    long drop = -1;
    for (int i = 2; i < argc; i++)
        curves |= strcmp(argv[i], "--curves") == 0;
    if (argc < 2 || fixture_results(&r, curves)) {
        fprintf(stderr, "usage: fixture_tool OUT.h5 [--curves] [--shift CELL:K] [--drop CELL] [--fail CELL:N]\n");
        return 2;
    }
    for (int i = 2; i + 1 < argc; i++) {
        long cell;
        double k;
        if (strcmp(argv[i], "--shift") == 0 && sscanf(argv[i + 1], "%ld:%lf", &cell, &k) == 2 &&
            cell >= 0 && (size_t)cell < r.nsummary)
            r.summary[cell].mean += k * sqrt(2.0) * r.summary[cell].std_error;
        else if (strcmp(argv[i], "--fail") == 0 && sscanf(argv[i + 1], "%ld:%lf", &cell, &k) == 2 &&
                 cell >= 0 && (size_t)cell < r.nsummary)
            r.summary[cell].failures = (int64_t)k;
        else if (strcmp(argv[i], "--drop") == 0)
            drop = atol(argv[i + 1]);
    }
    if (drop >= 0 && (size_t)drop < r.nsummary) { /* keep cell indices dense */
        memmove(&r.cells[drop], &r.cells[drop + 1], (r.ncells - (size_t)drop - 1) * sizeof *r.cells);
        memmove(&r.summary[drop], &r.summary[drop + 1], (r.nsummary - (size_t)drop - 1) * sizeof *r.summary);
        r.ncells--, r.nsummary--;
        for (size_t i = 0; i < r.ncells; i++)
            r.cells[i].cell = r.summary[i].cell = (int64_t)i;
        size_t k = 0;
        for (size_t i = 0; i < r.ncurves; i++)
            if (r.curves[i].cell != drop) {
                r.curves[k] = r.curves[i];
                r.curves[k].cell -= r.curves[k].cell > drop;
                k++;
            }
        r.ncurves = k;
    }
    mib_store_meta meta = {.command_line = "fixture_tool", .study_name = r.study_name,
                           .study_text = "", .start_time = "", .host = "", .master_seed = 1,
                           .threads = 1};
    mib_store *s = NULL;
    mib_err err = {""};
    /* the fixture's summary rows are hand-made, one per cell in cell order */
    int st = r.nsummary == r.ncells
                 ? mib_store_create(argv[1], &meta, r.cells, r.summary, r.ncells, &s, &err)
                 : mib_fail(&err, MIB_EINVAL, "the fixture needs one summary row per cell");
    if (!st && r.ncurves)
        st = mib_store_append(s, NULL, 0, r.curves, r.ncurves, &err);
    int cst = mib_store_close(s, st ? NULL : &err);
    fixture_free(&r);
    if (st || cst) {
        fprintf(stderr, "fixture_tool: %s\n", err.msg);
        return 1;
    }
    return 0;
}
