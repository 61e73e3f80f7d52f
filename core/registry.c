/* registry.c - the generic registry over mib_type_info lists: count, find,
 * parse/expand spec texts, and the ownership check that makes the cast
 * from spec->info to a concrete type safe. Used by the generator and the
 * estimator registries alike. Cost: O(types) per lookup or check, plus
 * the spec parser's cost (spec.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/registry.h"

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
