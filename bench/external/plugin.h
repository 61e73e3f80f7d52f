/* plugin.h - loading C plugins (the contract is the public
 * mibench/plugin.h): dlopen a shared object, check its ABI version, and
 * hand out the estimator and generator types it lists, checked, for a
 * study to add to its registries. The types live in the object, so the
 * owner closes it only after every registry and spec that points into it
 * is gone.
 */
#ifndef MIB_EXTERNAL_PLUGIN_H
#define MIB_EXTERNAL_PLUGIN_H

#include <stddef.h>
#include "mibench/plugin.h"

typedef struct mib_plugin mib_plugin;

/* Load the plugin at path (a path without '/' is taken in the current
 * directory, never searched for on the library path). One-line errors
 * naming the file: MIB_EIO when it cannot be opened, MIB_EFORMAT when
 * dlopen refuses it (dlerror's text) or a symbol of the contract is
 * missing or a listed type is malformed (no name, a missing hook, too
 * many parameters, a name listed twice), MIB_EUNSUPPORTED when it was
 * built for another MIB_ABI_VERSION (both versions named). */
int mib_plugin_open(const char *path, mib_plugin **out, mib_err *err);

/* The path as given. */
const char *mib_plugin_path(const mib_plugin *p);

/* Number of types of a kind (MIB_REGISTRY_ESTIMATOR or _GENERATOR), and
 * the i-th one's info (NULL past the end). */
size_t mib_plugin_count(const mib_plugin *p, int kind);
const mib_type_info *mib_plugin_info(const mib_plugin *p, int kind, size_t i);

/* 1 when a and b are the same loaded object (the same file opened twice). */
int mib_plugin_same(const mib_plugin *a, const mib_plugin *b);

/* dlclose and free; accepts NULL. Nothing may point into the plugin's
 * types afterwards. */
void mib_plugin_close(mib_plugin *p);

#endif
