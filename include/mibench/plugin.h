/* plugin.h - the contract of a C plugin: a shared object, built against
 * these headers, that adds estimator and generator types to mibench
 * (`--plugin PATH.so` on list, estimate and run; `plugin = PATH.so` in a
 * study file's [plugins] section; mib_study_add_plugin in study.h).
 *
 * A plugin defines its types exactly as built-in ones are defined (a
 * const mib_estimator_type or mib_generator_type table, estimator.h and
 * generator.h) and lists them, each list NULL-terminated, with one macro
 * at file scope:
 *
 *     static const mib_estimator_type *const estimators[] = {&pearson, NULL};
 *     static const mib_generator_type *const generators[] = {&mygen, NULL};
 *     MIB_PLUGIN_DEFINE(estimators, generators);    (NULL: none of that kind)
 *
 * which defines the three symbols the loader reads with dlsym:
 *     mib_plugin_abi         the MIB_ABI_VERSION the plugin was compiled with
 *     mib_plugin_estimators  its estimator types (NULL-terminated, or NULL)
 *     mib_plugin_generators  its generator types (the same)
 * A plugin whose mib_plugin_abi is not the loading library's
 * MIB_ABI_VERSION is refused: the struct layouts it was compiled against
 * are not the ones the library reads. Its type names must be new (a name
 * a built-in or an earlier plugin has is refused) and are then used in
 * specs like any other. The object stays loaded until the study that
 * loaded it is freed, so its types are plain static tables.
 *
 * Calls from the plugin into libmibench (mib_fail, ...) and into GSL bind
 * to the program that loads it, so a plugin is built against the headers
 * alone:
 *     cc -shared -fPIC $(pkg-config --cflags mibench) -o myest.so myest.c
 * examples/plugin/pearson.c is a complete plugin to copy.
 */
#ifndef MIBENCH_PLUGIN_H
#define MIBENCH_PLUGIN_H

#include <stddef.h>
#include "mibench/abi.h"
#include "mibench/estimator.h"
#include "mibench/generator.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The plugin's three symbols stay visible when it is compiled with
 * -fvisibility=hidden. */
#if defined(__GNUC__)
#define MIB_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define MIB_PLUGIN_EXPORT
#endif

/* Their names, as the loader looks them up. */
#define MIB_PLUGIN_ABI_SYMBOL "mib_plugin_abi"
#define MIB_PLUGIN_ESTIMATORS_SYMBOL "mib_plugin_estimators"
#define MIB_PLUGIN_GENERATORS_SYMBOL "mib_plugin_generators"

/* Declared here so that their C names and types are fixed (also in C++);
 * defined in a plugin by MIB_PLUGIN_DEFINE, never by libmibench. */
MIB_PLUGIN_EXPORT extern const int mib_plugin_abi;
MIB_PLUGIN_EXPORT extern const mib_estimator_type *const *const mib_plugin_estimators;
MIB_PLUGIN_EXPORT extern const mib_generator_type *const *const mib_plugin_generators;

/* Define the plugin's symbols: estimators and generators are the names of
 * NULL-terminated arrays of type pointers, or NULL. Use once per plugin,
 * at file scope, followed by ';'. The definitions take their linkage and
 * visibility from the declarations above. */
#define MIB_PLUGIN_DEFINE(estimators, generators)                                          \
    const int mib_plugin_abi = MIB_ABI_VERSION;                                            \
    const mib_estimator_type *const *const mib_plugin_estimators = (estimators);           \
    const mib_generator_type *const *const mib_plugin_generators = (generators)

#ifdef __cplusplus
}
#endif
#endif
