/* select.h - feature ranking by mutual information over the columns of a
 * table (what `mibench select` and mibench.select run).
 *
 * Every column but the target and the constant ones is a feature x_i; the
 * target is y. S is the set already picked; each greedy step takes the
 * feature of highest score, ties to the earlier column:
 *   MIB_SELECT_MI    score = I(x_i; y), the relevance;
 *   MIB_SELECT_MRMR  the most relevant first, then I(x_i; y) - (1/|S|)
 *                    sum_{j in S} I(x_i; x_j) (Peng, Long & Ding 2005, IEEE
 *                    TPAMI 27(8), the MID form); redundancy = that mean;
 *   MIB_SELECT_JMI   the most relevant first, then sum_{j in S} I(x_i x_j; y)
 *                    (Brown, Pocock, Zhao & Lujan 2012, JMLR 13); redundancy
 *                    = I(x_i; y) minus the mean over S of I(x_i; y | x_j) =
 *                    I(x_i x_j; y) - I(x_j; y).
 * Each MI is one mib_estimate call with one thread and seed 0 (the bits of
 * `mibench estimate` on the same columns), each pair estimated once, the
 * estimates of one step spread over the threads: the same result for any
 * thread count. Cost: F relevance estimates plus F per step for F features.
 */
#ifndef MIBENCH_SELECT_H
#define MIBENCH_SELECT_H

#include <stddef.h>
#include "mibench/export.h"
#include "mibench/param.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mib_select_method {
    MIB_SELECT_MI = 0,   /* relevance only */
    MIB_SELECT_MRMR = 1, /* max relevance, min mean redundancy */
    MIB_SELECT_JMI = 2   /* joint mutual information */
};

/* The estimators of a pair when no spec is given, by which sides hold
 * integers only (a column is integer-valued when every value is an
 * integer): I(x; y) and I(x_i x_j; y) with the pair integer-valued when
 * both are; an I(x_i; x_j) has the earlier column as x. */
enum mib_select_spec {
    MIB_SELECT_KSG = 0,    /* "ksg1": both sides continuous */
    MIB_SELECT_PLUGIN = 1, /* "plugin": both integer-valued */
    MIB_SELECT_ROSS_X = 2, /* "ross:discrete=x": x integer-valued (labels), y continuous */
    MIB_SELECT_ROSS_Y = 3, /* "ross:discrete=y": x continuous, y integer-valued */
    MIB_SELECT_NSPECS = 4
};

typedef struct mib_select_options {
    int method;               /* enum mib_select_method; default MIB_SELECT_MI */
    size_t k;                 /* stop after k picks; default 0: rank every feature */
    const mib_spec *spec;     /* one estimator spec for every pair; default NULL: by kind */
    int threads;              /* estimates run at once (one thread each); default 1 */
    const char *const *names; /* ncols names for messages; default NULL (or a NULL
                                 entry): "column 3" */
} mib_select_options;

typedef struct mib_select_pick {
    size_t column;      /* the feature's column in the table */
    double score;       /* the value the greedy step maximised, nats */
    double relevance;   /* I(x; y), nats */
    double redundancy;  /* nats; NAN for the first pick and for MIB_SELECT_MI */
    int relevance_spec; /* enum mib_select_spec of the relevance (0 when opt->spec is set) */
    unsigned specs;     /* bit i: spec i gave one of its redundancy (mrmr) or joint (jmi)
                           terms */
} mib_select_pick;

/* The defaults above; NULL is ignored. */
MIB_API void mib_select_options_init(mib_select_options *opt);

/* The spec text of enum mib_select_spec i ("ksg1", ...), NULL past the end. */
MIB_API const char *mib_select_default_spec(int i);

/* Rank the features of table, column-major: column c is table[c n .. c n +
 * n) (n rows, ncols columns), against column target. opt NULL: the
 * defaults. picks has room for min(k, ncols - 1) entries (ncols - 1 when k
 * = 0); *npicks gets the number made, min(k, features). MIB_EINVAL for
 * NULL arguments, target >= ncols, an unknown method, threads < 1, a spec
 * that is not an estimator spec; MIB_EDATA for a non-finite value, a
 * constant target, no feature left; the first failing estimate's status,
 * its message prefixed with the pair and the spec ("I(f1; y) with
 * ksg1:...: ..."); MIB_ENOMEM. On failure *npicks is 0. Never prints. */
MIB_API int mib_select(const double *table, size_t n, size_t ncols, size_t target,
                       const mib_select_options *opt, mib_select_pick *picks, size_t *npicks,
                       mib_err *err);

#ifdef __cplusplus
}
#endif
#endif
