/* param.h - parameter tables and spec strings ("NAME:key=value,...").
 *
 * Every generator and estimator type carries a table of mib_param_spec.
 * Parsing, validation, defaults, canonical formatting, `mibench list` and
 * the error messages all read that one table. A parsed spec (mib_spec)
 * holds one mib_value per table row, in table order.
 *
 * Canonical form: NAME:k1=v1,k2=v2,... with every set parameter in table
 * order, defaults filled in, reals in the shortest text that reads back to
 * the same double. Optional parameters (default NULL) appear only when set.
 */
#ifndef MIBENCH_PARAM_H
#define MIBENCH_PARAM_H

#include <stddef.h>
#include "mibench/export.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mib_param_kind {
    MIB_PARAM_INT,            /* integer in [min, max] */
    MIB_PARAM_REAL,           /* real in the range given by min, max, flags */
    MIB_PARAM_CHOICE,         /* one word of choices[] */
    MIB_PARAM_INT_OR_CHOICE,  /* an integer in range, or a word of choices[] */
    MIB_PARAM_REAL_OR_CHOICE  /* a real in range, or a word of choices[] */
};

#define MIB_OPEN_MIN 1u /* min itself is not allowed */
#define MIB_OPEN_MAX 2u /* max itself is not allowed */
/* A view parameter (generators): it selects which part of one draw a
 * sample returns (chain: view=xy gives (X, Y), view=xz gives (X, Z) of the
 * same rows), never the draw itself. mib_spec_format_draw leaves it out,
 * and the harness seeds a trial from that text, so every view of a cell's
 * replicate sees the same rows. It must not change the draws of sample,
 * sample_z or sample_step. */
#define MIB_PARAM_VIEW 4u

typedef struct mib_param_spec {
    const char *name;            /* key in spec strings; NULL ends a table */
    int kind;                    /* enum mib_param_kind */
    const char *def;             /* default, in spec syntax; NULL = optional, unset */
    double min, max;             /* numeric range (inclusive unless flags say open) */
    unsigned flags;              /* MIB_OPEN_MIN | MIB_OPEN_MAX | MIB_PARAM_VIEW */
    const char *const *choices;  /* NULL-terminated words, for the *CHOICE kinds */
    const char *help;            /* one line */
    const char *excludes;        /* a parameter this one cannot be given with;
                                    when that one is given, this one's default
                                    is not filled in (gaussian: rho vs mi) */
} mib_param_spec;

/* What every registry entry starts with (first member of the type struct). */
typedef struct mib_type_info {
    const char *name;
    const char *summary;
    const mib_param_spec *params; /* terminated by a row whose name is NULL */
} mib_type_info;

#define MIB_MAX_PARAMS 24

typedef struct mib_value {
    int set;     /* 0: optional parameter not given */
    int choice;  /* >= 0: index into choices[]; -1: numeric, see num */
    double num;  /* numeric value (integers are exact) */
} mib_value;

struct mib_registry;

typedef struct mib_spec {
    const struct mib_registry *registry; /* the registry that parsed it (see registry.h) */
    const mib_type_info *info; /* the type this spec is for, one of registry's */
    size_t nparams;            /* rows in info->params */
    mib_value v[MIB_MAX_PARAMS];
} mib_spec;

/* Split "NAME[:rest]" into name (copied into buf) and *rest (NULL when there
 * is no ':'). MIB_ESPEC when the name is empty or does not fit. */
MIB_API int mib_spec_split(const char *text, char *name, size_t name_len,
                           const char **rest, mib_err *err);

/* Expand the parameter text of one type of registry reg (after the ':';
 * NULL or "" for none) into the cartesian product of its '|' alternatives,
 * each validated, with defaults filled and spec->registry = reg. *out is
 * malloc'd (free() it); *count >= 1. Order: the last key varies fastest.
 * Messages name the type by reg->what (e.g. "generator"). To parse a whole
 * "NAME:params" text, use mib_registry_expand (registry.h). */
MIB_API int mib_spec_expand(const struct mib_registry *reg, const mib_type_info *info,
                            const char *params, mib_spec **out, size_t *count,
                            mib_err *err);

/* Canonical text of a spec into buf. MIB_EINVAL if it does not fit. */
MIB_API int mib_spec_format(const mib_spec *spec, char *buf, size_t len);

/* The canonical text without the view parameters (MIB_PARAM_VIEW): what
 * names the draw, the same for every view of it; mib_spec_format's text
 * for a type without views. MIB_EINVAL if it does not fit. */
MIB_API int mib_spec_format_draw(const mib_spec *spec, char *buf, size_t len);

/* Index of a parameter by name in spec->info->params, or -1. */
MIB_API int mib_spec_index(const mib_spec *spec, const char *name);

/* Shortest decimal text that parses back to exactly v ("0.5", "1e-06"). */
MIB_API void mib_spec_format_real(double v, char *buf, size_t len);

/* One line describing what a parameter accepts, e.g. "integer in [1, 1000]"
 * or "one of none, cubic, asinh". Used by `list` and by error messages. */
MIB_API void mib_param_describe(const mib_param_spec *p, char *buf, size_t len);

/* Accessors by table index (the type's own enum). */
static inline int mib_spec_isset(const mib_spec *s, int i) { return s->v[i].set; }
static inline double mib_spec_num(const mib_spec *s, int i) { return s->v[i].num; }
static inline int mib_spec_choice(const mib_spec *s, int i) { return s->v[i].choice; }

#ifdef __cplusplus
}
#endif
#endif
