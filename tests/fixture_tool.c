/* fixture_tool.c - writes the hand-made study of results_fixture.h to a
 * results file through the store API, for the CLI tests of plot and check
 * (no estimator needed). Usage:
 *   fixture_tool OUT.h5 [--curves] [--trials] [--reseed] [--shift CELL:K] [--drop CELL]
 *                [--fail CELL:N]
 * --trials writes FIXTURE_REPLICATES trials per cell (their mean and SE
 * are the summary's); --reseed gives them other seeds (another study's
 * data); --shift moves the mean of summary row CELL, and each of its
 * trials, by K combined standard errors (K sqrt(2) se); --drop leaves
 * cell CELL out; --fail sets its failures. Cost: O(cells x replicates). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results_fixture.h"
#include "bench/store/store.h"

int main(int argc, char **argv)
{
    mib_results r;
    int curves = 0, trials = 0, reseed = 0;
    long drop = -1;
    for (int i = 2; i < argc; i++) {
        curves |= strcmp(argv[i], "--curves") == 0;
        trials |= strcmp(argv[i], "--trials") == 0;
        reseed |= strcmp(argv[i], "--reseed") == 0;
    }
    if (argc < 2 || fixture_results(&r, curves) || (trials && fixture_add_trials(&r, reseed ? 0x5eed : 0))) {
        fprintf(stderr, "usage: fixture_tool OUT.h5 [--curves] [--trials] [--reseed] [--shift CELL:K] "
                        "[--drop CELL] [--fail CELL:N]\n");
        return 2;
    }
    for (int i = 2; i + 1 < argc; i++) {
        long cell;
        double k;
        if (strcmp(argv[i], "--shift") == 0 && sscanf(argv[i + 1], "%ld:%lf", &cell, &k) == 2 &&
            cell >= 0 && (size_t)cell < r.nsummary) {
            double d = k * sqrt(2.0) * r.summary[cell].std_error;
            r.summary[cell].mean += d;
            r.summary[cell].bias += d;
            for (size_t t = 0; t < r.ntrials; t++)
                r.trials[t].estimate += r.trials[t].cell == cell ? d : 0.0;
        }
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
        k = 0;
        for (size_t i = 0; i < r.ntrials; i++)
            if (r.trials[i].cell != drop) {
                r.trials[k] = r.trials[i];
                r.trials[k].cell -= r.trials[k].cell > drop;
                k++;
            }
        r.ntrials = k;
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
    if (!st && (r.ncurves || r.ntrials))
        st = mib_store_append(s, r.trials, r.ntrials, r.curves, r.ncurves, &err);
    int cst = mib_store_close(s, st ? NULL : &err);
    fixture_free(&r);
    if (st || cst) {
        fprintf(stderr, "fixture_tool: %s\n", err.msg);
        return 1;
    }
    return 0;
}
