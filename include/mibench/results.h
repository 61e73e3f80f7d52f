/* results.h - the results file (one study per HDF5 file), as rows in memory.
 *
 * On disk (compound datasets, fixed-length NUL-terminated strings, all created
 * at the start of a run; chunked datasets only ever extended):
 *   /cells    one row per cell, in run order: mib_cell_row
 *   /trials   one row per finished trial, in finishing order: mib_trial_row
 *   /summary  one row per cell, same order as /cells: mib_summary_row
 *   /curves   training-curve points of neural estimators: mib_curve_row
 *   root attributes: mibench_version, git_commit, command_line, study_name,
 *     external_commands,
 *     study_text, master_seed, start_time, host, threads.
 * Field names below are the on-disk field names (the DESIGN.md contract).
 */
#ifndef MIBENCH_RESULTS_H
#define MIBENCH_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/export.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIB_SPEC_LEN 256 /* generator / estimator canonical spec text */
#define MIB_MSG_LEN 160  /* a failed trial's message */
#define MIB_NAME_LEN 64  /* a generator / estimator type name: the spec up to ':' */

typedef struct mib_cell_row {
    int64_t cell;                   /* index, 0-based */
    char generator[MIB_SPEC_LEN];   /* canonical generator spec */
    char estimator[MIB_SPEC_LEN];   /* canonical estimator spec */
    int64_t n;                      /* sample size */
    int64_t batch_size;             /* 0 where it does not apply */
    double true_mi;                 /* nats (NaN if unknown) */
    char generator_name[MIB_NAME_LEN]; /* the types' names ("gaussian", "ksg1"): */
    char estimator_name[MIB_NAME_LEN]; /* df.groupby("estimator_name") */
    int64_t dx, dy, dz;             /* the generator's dimensions (dz > 0: true_mi is
                                       I(X;Y|Z)); 0 in files written before them */
    double true_mi_se;              /* standard error of true_mi: 0 when exact, the SE of
                                       a Monte-Carlo truth (the mixtures); 0 in files
                                       written before it */
} mib_cell_row;

typedef struct mib_trial_row {
    int64_t cell;
    char generator[MIB_SPEC_LEN];
    char estimator[MIB_SPEC_LEN];
    int64_t n;
    int64_t batch_size;
    int32_t replicate;              /* 0-based */
    uint64_t seed;                  /* the trial's data stream seed */
    double true_mi;
    double estimate;                /* nats; NaN when status != ok */
    double seconds;                 /* wall time of the estimation only */
    double cpu_seconds;             /* CPU time of the estimation */
    int32_t status;                 /* enum mib_status; 0 = ok */
    char status_name[24];           /* mib_status_name(status) */
    char message[MIB_MSG_LEN];      /* one line when status != ok */
    char generator_name[MIB_NAME_LEN];
    char estimator_name[MIB_NAME_LEN];
    double true_mi_se;              /* as in mib_cell_row */
} mib_trial_row;

typedef struct mib_summary_row {
    int64_t cell;
    char generator[MIB_SPEC_LEN];
    char estimator[MIB_SPEC_LEN];
    int64_t n;
    int64_t batch_size;
    double true_mi;
    int64_t count;                  /* successful trials */
    int64_t failures;               /* trials with status != ok */
    double mean, bias, variance, std_error, mse, rmse;
    double mean_seconds, median_seconds;
    char generator_name[MIB_NAME_LEN];
    char estimator_name[MIB_NAME_LEN];
    double true_mi_se;              /* as in mib_cell_row; the SE of bias is
                                       sqrt(std_error^2 + true_mi_se^2) */
    int64_t bmi_failures;           /* successful trials bmi counts as failed runs:
                                       estimate < 0 or < 0.1 x the cell's largest
                                       (Czyz et al. 2023); they stay in count, mean and
                                       the rest. 0 when true_mi is 0, and in files
                                       written before it */
} mib_summary_row;

typedef struct mib_curve_row {
    int64_t cell;
    int32_t replicate;
    int64_t step;
    double estimate;                /* the bound at this step (nats) */
    double true_mi;                 /* MI in force at this step */
} mib_curve_row;

/* A whole results file in memory. */
typedef struct mib_results {
    mib_cell_row *cells;       size_t ncells;
    mib_trial_row *trials;     size_t ntrials;
    mib_summary_row *summary;  size_t nsummary;
    mib_curve_row *curves;     size_t ncurves;
    char study_name[64];       /* root attribute study_name ("" if none) */
    uint64_t master_seed;      /* root attribute master_seed (0 if none) */
    char external_commands[4096]; /* root attribute external_commands: the
                                     "NAME = COMMAND" lines of the study's
                                     external estimators ("" if none) */
    int has_external_commands; /* 0: a file without that attribute */
    char command_line[4096];   /* root attribute command_line: the command
                                  of every run that wrote the file (the
                                  first, then each --resume), one a line */
} mib_results;

/* Read every dataset of a results file. MIB_EIO when it cannot be opened,
 * MIB_EFORMAT when it is not a mibench results file. */
MIB_API int mib_results_read(const char *path, mib_results *out, mib_err *err);

/* Free what mib_results_read allocated; accepts NULL and zeroed structs. */
MIB_API void mib_results_free(mib_results *r);

#ifdef __cplusplus
}
#endif
#endif
