/* registry.c - the generic registry over mib_type_info lists: count, find,
 * parse/expand spec texts, the ownership check that makes the cast from
 * spec->info to a concrete type safe, and growable registries that extend
 * a built-in list (external estimators, plugins). Used by the generator
 * and the estimator registries alike. Cost: O(types) per lookup, check or
 * add, plus the spec parser's cost (spec.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/registry.h"

int mib_registry_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (size_t i = 0; i < n; i++) /* ASCII, whatever the locale */
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-' ||
              name[i] == '.'))
            return 0;
    return n > 0 && n < 64;
}

int mib_registry_create(int kind, const char *what, const mib_registry *base,
                        mib_registry **out, mib_err *err)
{
    size_t n = mib_registry_count(base), cap = n + 8;
    mib_registry *r = malloc(sizeof *r);
    const mib_type_info **types = calloc(cap + 1, sizeof *types);
    if (!out || !r || !types) {
        free(r);
        free(types);
        return out ? mib_fail(err, MIB_ENOMEM, "out of memory creating a registry")
                   : mib_fail(err, MIB_EINVAL, "mib_registry_create: NULL output");
    }
    for (size_t i = 0; i < n; i++)
        types[i] = base->types[i];
    *r = (mib_registry){.kind = kind, .what = what, .types = types, .capacity = cap};
    *out = r;
    return MIB_OK;
}

int mib_registry_add(mib_registry *r, const mib_type_info *info, mib_err *err)
{
    if (!r || !r->capacity || !info)
        return mib_fail(err, MIB_EINVAL, "mib_registry_add: %s",
                        !r || !info ? "NULL argument" : "a built-in registry is fixed");
    if (!info->name || !*info->name || mib_registry_find(r, info->name))
        return mib_fail(err, MIB_ESPEC, "%s name '%s' is %s", r->what,
                        info->name ? info->name : "", info->name && *info->name
                                                          ? "already taken" : "empty");
    size_t n = mib_registry_count(r);
    const mib_type_info **types = (const mib_type_info **)r->types;
    if (n == r->capacity) {
        types = realloc(types, (2 * r->capacity + 1) * sizeof *types);
        if (!types)
            return mib_fail(err, MIB_ENOMEM, "out of memory adding '%s'", info->name);
        r->capacity *= 2;
        r->types = types;
    }
    types[n] = info;
    types[n + 1] = NULL;
    return MIB_OK;
}

void mib_registry_free(mib_registry *r)
{
    if (!r || !r->capacity) /* NULL, or a fixed list that is not ours */
        return;
    free((void *)r->types);
    free(r);
}

size_t mib_registry_count(const mib_registry *r)
{
    size_t n = 0;
    while (r && r->types && r->types[n])
        n++;
    return n;
}

const mib_type_info *mib_registry_find(const mib_registry *r, const char *name)
{
    for (size_t i = 0; name && r && r->types && r->types[i]; i++)
        if (strcmp(r->types[i]->name, name) == 0)
            return r->types[i];
    return NULL;
}

int mib_registry_expand(const mib_registry *r, const char *text, mib_spec **out,
                        size_t *count, mib_err *err)
{
    char name[64], known[512];
    const char *rest;
    if (!r || !r->types || !out || !count)
        return mib_fail(err, MIB_EINVAL, "mib_registry_expand: NULL argument");
    int st = mib_spec_split(text, name, sizeof name, &rest, err);
    if (st)
        return st;
    const mib_type_info *info = mib_registry_find(r, name);
    if (info)
        return mib_spec_expand(r, info, rest, out, count, err);
    size_t used = 0;
    known[0] = '\0';
    for (size_t i = 0; r->types[i] && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 r->types[i]->name);
    return mib_fail(err, MIB_ESPEC, "unknown %s '%s'; known: %s", r->what, name, known);
}

int mib_registry_parse(const mib_registry *r, const char *text, mib_spec *out, mib_err *err)
{
    mib_spec *all;
    size_t n;
    if (!out)
        return mib_fail(err, MIB_EINVAL, "mib_registry_parse: NULL argument");
    int st = mib_registry_expand(r, text, &all, &n, err);
    if (st)
        return st;
    if (n != 1)
        st = mib_fail(err, MIB_ESPEC, "%s spec '%s' has '|' alternatives; give one value each",
                      r->what, text);
    else
        *out = all[0];
    free(all);
    return st;
}

int mib_registry_check(int kind, const mib_spec *spec, mib_err *err)
{
    const char *want = kind == MIB_REGISTRY_GENERATOR ? "generator" : "estimator";
    if (!spec)
        return mib_fail(err, MIB_EINVAL, "NULL %s spec", want);
    if (!spec->registry || !spec->info)
        return mib_fail(err, MIB_EINVAL, "the %s spec was not parsed (no registry or type)",
                        want);
    if (spec->registry->kind != kind)
        return mib_fail(err, MIB_EINVAL, "a %s spec ('%s') was given where a %s spec is needed",
                        spec->registry->what ? spec->registry->what : "foreign",
                        spec->info->name ? spec->info->name : "?", want);
    for (size_t i = 0; spec->registry->types && spec->registry->types[i]; i++)
        if (spec->registry->types[i] == spec->info)
            return MIB_OK;
    return mib_fail(err, MIB_EINVAL, "the %s spec names a type its registry does not hold",
                    want);
}
