/* export.h - symbol visibility for the public API (the library builds with
 * -fvisibility=hidden; only MIB_API functions are exported). */
#ifndef MIBENCH_EXPORT_H
#define MIBENCH_EXPORT_H
#if defined(MIB_BUILDING_LIBRARY) && defined(__GNUC__)
#define MIB_API __attribute__((visibility("default")))
#else
#define MIB_API
#endif
#endif
