/* typed_registry.h - the typed accessors both built-in registries offer
 * (mib_PREFIX_registry, _at, _find, _spec_expand, _spec_parse), written
 * once: the logic is core/registry.c's, these only name the concrete type.
 * A registry file lists its types, then says
 *     MIB_TYPED_REGISTRY(estimator, mib_estimator_type, MIB_REGISTRY_ESTIMATOR, types)
 * which also defines a static type_of_info() for its own use. */
#ifndef MIB_CORE_TYPED_REGISTRY_H
#define MIB_CORE_TYPED_REGISTRY_H
#include "mibench/registry.h"

/* info is the first member of every type of a registry of that kind (it
 * holds nothing else), so the cast back to the type is exact. */
#define MIB_TYPED_REGISTRY(prefix, type, registry_kind, list)                                       \
    const mib_registry mib_##prefix##_registry = {                                         \
        .kind = registry_kind, .what = #prefix, .types = list};                                     \
    static const type *type_of_info(const mib_type_info *info)                             \
    {                                                                                      \
        return (const type *)(const void *)info;                                           \
    }                                                                                      \
    const type *mib_##prefix##_at(size_t i)                                                \
    {                                                                                      \
        return i < mib_registry_count(&mib_##prefix##_registry) ? type_of_info(list[i])    \
                                                                : NULL;                    \
    }                                                                                      \
    const type *mib_##prefix##_find(const char *name)                                      \
    {                                                                                      \
        const mib_type_info *info = mib_registry_find(&mib_##prefix##_registry, name);     \
        return info ? type_of_info(info) : NULL;                                           \
    }                                                                                      \
    int mib_##prefix##_spec_expand(const char *text, mib_spec **out, size_t *count,        \
                                   mib_err *err)                                           \
    {                                                                                      \
        return mib_registry_expand(&mib_##prefix##_registry, text, out, count, err);       \
    }                                                                                      \
    int mib_##prefix##_spec_parse(const char *text, mib_spec *out, mib_err *err)           \
    {                                                                                      \
        return mib_registry_parse(&mib_##prefix##_registry, text, out, err);               \
    }

#endif
