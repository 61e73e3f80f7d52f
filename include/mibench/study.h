/* study.h - a study: what a sweep runs (generators x estimators x sample
 * sizes x replicates, a master seed, per-estimator size limits).
 *
 * Study files are INI, read with libinih:
 *     [study]        name = default ; seed = 1 ; replicates = 10 ; n = 100, 1000
 *     [generators]   gen = SPEC      (one per line, '|' alternatives expand)
 *     [estimators]   est = SPEC
 *     [limits]       ESTIMATOR_NAME = MAX_N   (skip that estimator above MAX_N)
 *     [external]     NAME = COMMAND  (an external estimator, usable in est =)
 *     [plugins]      plugin = PATH.so (a C plugin's estimators and generators,
 *                                      usable in est = and gen =)
 * Specs are expanded and canonicalised as they are read, so a bad spec is
 * reported with its line number. The same study can be built from the
 * command line with the mib_study_add_* functions.
 */
#ifndef MIBENCH_STUDY_H
#define MIBENCH_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/param.h"
#include "mibench/registry.h"
#include "mibench/export.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIB_STUDY_MAX_LINE 199 /* longest line libinih reads whole */

typedef struct mib_study_limit {
    char estimator[64]; /* estimator type name */
    size_t max_n;       /* cells with n > max_n are skipped */
} mib_study_limit;

typedef struct mib_study {
    char name[64];          /* "study" unless set */
    uint64_t seed;          /* master seed, 1 unless set */
    int replicates;         /* 10 unless set */
    size_t *n;              size_t nn;      /* sample sizes, in the order given */
    mib_spec *gens;         size_t ngens;   /* expanded, duplicates dropped */
    mib_spec *ests;         size_t nests;
    mib_study_limit *limits; size_t nlimits;
    char *text;             /* the study file's text, or NULL */
    /* Estimators the study declared itself ([external], --external): they
     * join the built-ins in its own registry, which its specs come from. */
    struct mib_external **externals; size_t nexternals;
    mib_registry *estimators; /* NULL: the built-in registry */
    char tmp_dir[256];      /* external estimators' sample files; "/tmp" unless set */
    /* C plugins the study loaded ([plugins], --plugin): their estimators
     * join `estimators`, their generators `generators`; each stays loaded
     * until mib_study_free, which frees the registries first. */
    struct mib_plugin **plugins; size_t nplugins;
    mib_registry *generators; /* NULL: the built-in registry */
    /* gens[0 .. nbuilt) built once, as mib_study_add_generator read them
     * (building checks a spec's parameters together, and a Monte-Carlo
     * truth is computed then); mib_run samples from these instead of
     * building them again. mib_study_free frees them. */
    struct mib_generator **built; size_t nbuilt;
} mib_study;

/* Empty study with the defaults above. */
MIB_API void mib_study_init(mib_study *s);

/* Declare an external estimator NAME = COMMAND (README, "External
 * estimators"); NAME is then usable in estimator specs of this study.
 * Declare before adding estimators that use it. MIB_ESPEC for a bad or
 * taken name or a command that does not split into words. */
MIB_API int mib_study_add_external(mib_study *s, const char *name, const char *command,
                                   mib_err *err);

/* Load the C plugin at path (mibench/plugin.h; a path without '/' is in
 * the current directory): its estimator types join this study's estimator
 * registry and its generator types its generator registry, so specs of
 * this study may name them. Declare before adding specs that use them.
 * Loading the same file twice is a no-op. A refused plugin adds nothing:
 * MIB_EIO (cannot open it), MIB_EFORMAT (dlopen refuses it: dlerror's
 * text; a symbol of the contract missing; a malformed type),
 * MIB_EUNSUPPORTED (built for another MIB_ABI_VERSION; both are named),
 * MIB_ESPEC (a type name a built-in or an earlier plugin has). */
MIB_API int mib_study_add_plugin(mib_study *s, const char *path, mib_err *err);

/* "NAME = COMMAND" lines of the declared externals, in order (malloc'd;
 * "" when there are none), as the results file stores them. */
MIB_API char *mib_study_externals_text(const mib_study *s);

/* Release what a study holds; accepts NULL; leaves an initialised study. */
MIB_API void mib_study_free(mib_study *s);

/* Read a study file into s, which must be initialised (mib_study_init)
 * and may already hold declarations such as externals and plugins from
 * the command line; [external] and [plugins] sections are read before
 * the rest, wherever they stand. Errors are one line, "PATH:LINE: what is
 * wrong": MIB_EIO when unreadable, MIB_ESPEC for bad syntax, keys, values
 * or specs, MIB_EINVAL when something required (a generator, an
 * estimator, n) is missing; a plugin that cannot be loaded gives the
 * status of mib_study_add_plugin. */
MIB_API int mib_study_load(const char *path, mib_study *s, mib_err *err);

/* The same from text; origin names it in messages (NULL: no prefix). On
 * failure the study is freed (left initialised). */
MIB_API int mib_study_parse(const char *text, const char *origin, mib_study *s,
                    mib_err *err);

/* Building blocks shared by the file reader and the command line. Specs
 * are parsed against the study's registries (the built-in ones until an
 * external or a plugin is declared). */
MIB_API int mib_study_add_generator(mib_study *s, const char *spec, mib_err *err);
MIB_API int mib_study_add_estimator(mib_study *s, const char *spec, mib_err *err);
/* "100, 1000, 1e4": integers >= 2 separated by commas or blanks; appended,
 * duplicates dropped. */
MIB_API int mib_study_add_sizes(mib_study *s, const char *list, mib_err *err);
MIB_API int mib_study_add_limit(mib_study *s, const char *estimator, const char *max_n,
                        mib_err *err);

/* MIB_EINVAL unless the study has generators, estimators and sizes. */
MIB_API int mib_study_check(const mib_study *s, mib_err *err);

/* 1 when a limit skips estimator spec e at sample size n. */
MIB_API int mib_study_skips(const mib_study *s, const mib_spec *e, size_t n);

#ifdef __cplusplus
}
#endif
#endif
