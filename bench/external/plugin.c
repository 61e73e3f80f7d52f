/* plugin.c - C plugins (the contract: mibench/plugin.h): dlopen a shared
 * object, refuse it unless its mib_plugin_abi is this library's
 * MIB_ABI_VERSION, and read the NULL-terminated lists of estimator and
 * generator types it exports, each checked (a name usable in specs, a
 * summary, the hooks of its kind, a parameter table the parser can hold).
 * Nothing is copied: the types stay in the object, which stays open until
 * mib_plugin_close. Cost: one dlopen and three dlsym per plugin, then
 * O(types^2 + parameters) for the checks. */
#define _GNU_SOURCE /* dladdr, RTLD_NOLOAD */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/external/plugin.h"

#define MAX_TYPES 1000 /* a longer list is taken to have lost its NULL end */

struct mib_plugin {
    void *handle;
    char *path;                                  /* as given */
    const mib_estimator_type *const *estimators; /* NULL-terminated, never NULL */
    const mib_generator_type *const *generators;
    size_t nestimators, ngenerators;
};

static const mib_estimator_type *const no_estimators[] = {NULL};
static const mib_generator_type *const no_generators[] = {NULL};

/* Make the object this code is in global, so that a plugin's calls into
 * libmibench (mib_fail, ...) bind even when the library was loaded with
 * RTLD_LOCAL, as Python's ctypes loads it. Reopening a loaded object with
 * RTLD_NOLOAD | RTLD_GLOBAL changes only its scope. In a program with the
 * library linked in (the mibench command) the reopen finds nothing and
 * does nothing: there the program exports the MIB_API symbols itself
 * (-Wl,--export-dynamic, bench/external/meson.build). */
static void export_self(void)
{
    static const char anchor = 0;
    Dl_info info;
    if (dladdr(&anchor, &info) && info.dli_fname) {
        void *self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
        if (self)
            dlclose(self); /* drops the count the reopen took; the scope stays */
    }
}

/* dlerror's text without the "FILE: " it usually starts with (the
 * message names the file already). */
static const char *dl_reason(const char *file)
{
    const char *why = dlerror();
    size_t n = strlen(file);
    if (!why)
        return "unknown dlopen error";
    return strncmp(why, file, n) == 0 && why[n] == ':' && why[n + 1] == ' ' ? why + n + 2 : why;
}

/* The contract's three symbols: the ABI version first, since nothing else
 * in a plugin built for another ABI can be read safely; then the two
 * lists (NULL: none of that kind). */
static int read_symbols(mib_plugin *p, mib_err *err)
{
    const int *abi = dlsym(p->handle, MIB_PLUGIN_ABI_SYMBOL);
    const mib_estimator_type *const *const *ests = dlsym(p->handle, MIB_PLUGIN_ESTIMATORS_SYMBOL);
    const mib_generator_type *const *const *gens = dlsym(p->handle, MIB_PLUGIN_GENERATORS_SYMBOL);
    if (!abi)
        return mib_fail(err, MIB_EFORMAT, "'%s' is not a mibench plugin: it has no symbol %s "
                        "(define it with MIB_PLUGIN_DEFINE, mibench/plugin.h)", p->path,
                        MIB_PLUGIN_ABI_SYMBOL);
    if (*abi != MIB_ABI_VERSION)
        return mib_fail(err, MIB_EUNSUPPORTED, "plugin '%s' was built for ABI version %d, but "
                        "this mibench has ABI version %d; rebuild it against this mibench's "
                        "headers", p->path, *abi, MIB_ABI_VERSION);
    if (!ests || !gens)
        return mib_fail(err, MIB_EFORMAT, "plugin '%s' has no symbol %s (define it with "
                        "MIB_PLUGIN_DEFINE, mibench/plugin.h)", p->path,
                        !ests ? MIB_PLUGIN_ESTIMATORS_SYMBOL : MIB_PLUGIN_GENERATORS_SYMBOL);
    p->estimators = *ests ? *ests : no_estimators;
    p->generators = *gens ? *gens : no_generators;
    while (p->nestimators < MAX_TYPES && p->estimators[p->nestimators])
        p->nestimators++;
    while (p->ngenerators < MAX_TYPES && p->generators[p->ngenerators])
        p->ngenerators++;
    if (p->nestimators == MAX_TYPES || p->ngenerators == MAX_TYPES)
        return mib_fail(err, MIB_EFORMAT, "plugin '%s' lists %d or more types of a kind; does "
                        "a list lack its NULL end?", p->path, MAX_TYPES);
    if (p->nestimators + p->ngenerators == 0)
        return mib_fail(err, MIB_EFORMAT, "plugin '%s' lists no estimator and no generator",
                        p->path);
    return MIB_OK;
}

/* The first problem of the i-th type of a kind, or MIB_OK; hooks_ok says
 * whether the functions its kind requires are there. */
static int check_type(const mib_plugin *p, int kind, size_t i, int hooks_ok, mib_err *err)
{
    const char *what = kind == MIB_REGISTRY_ESTIMATOR ? "estimator" : "generator";
    const mib_type_info *info = mib_plugin_info(p, kind, i);
    size_t nparams = 0;
    while (info->params && info->params[nparams].name && nparams <= MIB_MAX_PARAMS)
        nparams++;
    if (!mib_registry_name_ok(info->name))
        return mib_fail(err, MIB_EFORMAT, "plugin '%s': %s %zu's name '%.80s' is not allowed; "
                        "allowed: 1 to 63 letters, digits, '_', '-', '.'", p->path, what, i,
                        info->name ? info->name : "(null)");
    for (size_t j = 0; j < i; j++)
        if (strcmp(mib_plugin_info(p, kind, j)->name, info->name) == 0)
            return mib_fail(err, MIB_EFORMAT, "plugin '%s' lists %s '%s' twice", p->path, what,
                            info->name);
    if (!info->summary || !hooks_ok)
        return mib_fail(err, MIB_EFORMAT, "plugin '%s': %s '%s' has no %s", p->path, what,
                        info->name, !info->summary ? "summary"
                                    : kind == MIB_REGISTRY_ESTIMATOR ? "estimate function"
                                    : "init, truth or sample function");
    if (nparams > MIB_MAX_PARAMS)
        return mib_fail(err, MIB_EFORMAT, "plugin '%s': %s '%s' has more than %d parameters",
                        p->path, what, info->name, MIB_MAX_PARAMS);
    return MIB_OK;
}

static int check_types(const mib_plugin *p, mib_err *err)
{
    int st = MIB_OK;
    for (size_t i = 0; i < p->nestimators && !st; i++)
        st = check_type(p, MIB_REGISTRY_ESTIMATOR, i, p->estimators[i]->estimate != NULL, err);
    for (size_t i = 0; i < p->ngenerators && !st; i++) {
        const mib_generator_type *g = p->generators[i];
        st = check_type(p, MIB_REGISTRY_GENERATOR, i, g->init && g->truth && g->sample, err);
    }
    return st;
}

int mib_plugin_open(const char *path, mib_plugin **out, mib_err *err)
{
    if (!path || !out)
        return mib_fail(err, MIB_EINVAL, "mib_plugin_open: NULL argument");
    *out = NULL;
    int st = MIB_OK;
    size_t len = strlen(path) + 3;
    mib_plugin *p = calloc(1, sizeof *p);
    char *file = malloc(len); /* what dlopen gets: a path with a '/', never a search */
    if (!p || !file || !(p->path = strdup(path))) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory loading plugin '%s'", path);
        goto fail;
    }
    snprintf(file, len, "%s%s", strchr(path, '/') ? "" : "./", path);
    if (access(file, R_OK) != 0) {
        st = mib_fail(err, MIB_EIO, "cannot open plugin '%s': %s", path, strerror(errno));
        goto fail;
    }
    export_self();
    dlerror(); /* clear any earlier error */
    if (!(p->handle = dlopen(file, RTLD_NOW | RTLD_LOCAL))) {
        st = mib_fail(err, MIB_EFORMAT, "cannot load plugin '%s': %s", path, dl_reason(file));
        goto fail;
    }
    if ((st = read_symbols(p, err)) || (st = check_types(p, err)))
        goto fail;
    free(file);
    *out = p;
    return MIB_OK;
fail:
    free(file);
    mib_plugin_close(p);
    return st;
}

const char *mib_plugin_path(const mib_plugin *p)
{
    return p->path;
}

size_t mib_plugin_count(const mib_plugin *p, int kind)
{
    return kind == MIB_REGISTRY_ESTIMATOR ? p->nestimators
           : kind == MIB_REGISTRY_GENERATOR ? p->ngenerators : 0;
}

const mib_type_info *mib_plugin_info(const mib_plugin *p, int kind, size_t i)
{
    if (i >= mib_plugin_count(p, kind))
        return NULL;
    return kind == MIB_REGISTRY_ESTIMATOR ? &p->estimators[i]->info : &p->generators[i]->info;
}

int mib_plugin_same(const mib_plugin *a, const mib_plugin *b)
{
    return a->handle == b->handle;
}

void mib_plugin_close(mib_plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    free(p->path);
    free(p);
}
