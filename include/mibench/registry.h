/* registry.h - a registry: a named, NULL-terminated list of types of one
 * kind (generators or estimators), each a struct whose first member is a
 * mib_type_info, in the way GSL lists its gsl_rng_types.
 *
 * Lookup, listing, spec parsing and the check that a spec belongs to a
 * registry of the right kind are written once here for every registry.
 * A parsed spec remembers its registry, so an entry point can refuse a
 * spec made by another kind of registry (a generator spec handed to
 * mib_estimate) before it reads the type behind spec->info.
 */
#ifndef MIBENCH_REGISTRY_H
#define MIBENCH_REGISTRY_H

#include <stddef.h>
#include "mibench/export.h"
#include "mibench/param.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mib_registry_kind {
    MIB_REGISTRY_GENERATOR = 1, /* entries are mib_generator_type */
    MIB_REGISTRY_ESTIMATOR = 2  /* entries are mib_estimator_type */
};

typedef struct mib_registry {
    int kind;                          /* enum mib_registry_kind */
    const char *what;                  /* "generator", "estimator": for messages */
    const mib_type_info *const *types; /* NULL-terminated; each is the info
                                          member of a type of that kind */
    size_t capacity;                   /* 0: a fixed list; else slots of a
                                          registry from mib_registry_create */
} mib_registry;

/* A registry of the same kind as base holding base's types and then room
 * for more (mib_registry_add): how external estimators and plugins join
 * the built-in ones. base may be NULL (empty). Free with
 * mib_registry_free. MIB_ENOMEM or MIB_OK. */
MIB_API int mib_registry_create(int kind, const char *what, const mib_registry *base,
                                mib_registry **out, mib_err *err);

/* Append a type to a registry made by mib_registry_create (never to a
 * built-in one). The type must outlive the registry. MIB_ESPEC when the
 * name is already taken (or empty), MIB_ENOMEM. */
MIB_API int mib_registry_add(mib_registry *r, const mib_type_info *info, mib_err *err);

/* Free a registry made by mib_registry_create (not its types); accepts
 * NULL. */
MIB_API void mib_registry_free(mib_registry *r);

/* 1 when name can name a type in spec strings: 1 to 63 letters, digits,
 * '_', '-' or '.'; 0 otherwise (also for NULL). */
MIB_API int mib_registry_name_ok(const char *name);

/* Number of types in r. */
MIB_API size_t mib_registry_count(const mib_registry *r);

/* The type named name, or NULL (also for NULL arguments). */
MIB_API const mib_type_info *mib_registry_find(const mib_registry *r, const char *name);

/* Parse "NAME[:k=v|v2,...]" against r and expand its '|' alternatives into
 * the cartesian product (see mib_spec_expand). MIB_ESPEC with a message
 * listing the known names when NAME is unknown; MIB_EINVAL for NULL
 * arguments. */
MIB_API int mib_registry_expand(const mib_registry *r, const char *text, mib_spec **out,
                                size_t *count, mib_err *err);

/* The same for a text that must not contain '|' alternatives. */
MIB_API int mib_registry_parse(const mib_registry *r, const char *text, mib_spec *out,
                               mib_err *err);

/* MIB_OK when spec was made by a registry of this kind and names one of
 * its types; otherwise MIB_EINVAL with a message (NULL, zeroed or forged
 * specs, and specs of the other kind, are all refused). O(types). */
MIB_API int mib_registry_check(int kind, const mib_spec *spec, mib_err *err);

#ifdef __cplusplus
}
#endif
#endif
