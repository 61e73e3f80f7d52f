/* abi.h - the binary layout of the public structs, for programs that bind
 * libmibench without a C compiler (the Python module's ctypes mirror).
 *
 * A binding must not guess struct layouts: it asks the library it loaded
 * for sizeof and offsetof of every struct and field it mirrors, and for
 * the value of every constant it uses, and refuses to run on a mismatch.
 * MIB_ABI_VERSION changes whenever a public struct, constant or function
 * signature changes incompatibly; mib_abi_version() is the value the
 * loaded library was built with. Names are the C names ("mib_spec",
 * "nparams", "MIB_RES_TIES").
 */
#ifndef MIBENCH_ABI_H
#define MIBENCH_ABI_H

#include <stddef.h>
#include "mibench/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIB_ABI_VERSION 1

/* MIB_ABI_VERSION of the library actually loaded. */
MIB_API int mib_abi_version(void);

/* sizeof the public type named type_name ("mib_spec", also "sig_atomic_t");
 * 0 for an unknown name or NULL. */
MIB_API size_t mib_abi_sizeof(const char *type_name);

/* offsetof(type_name, field); (size_t)-1 for an unknown pair or NULL. */
MIB_API size_t mib_abi_offsetof(const char *type_name, const char *field);

/* Offset and size of one field. MIB_OK, or MIB_EINVAL (outputs untouched)
 * for an unknown pair or a NULL argument; offset and size may be NULL. */
MIB_API int mib_abi_field(const char *type_name, const char *field, size_t *offset,
                          size_t *size);

/* The value of a public integer constant or enumerator by its C name
 * ("MIB_EINVAL", "MIB_RES_TIES", "MIB_SPEC_LEN"). MIB_OK, or MIB_EINVAL
 * for an unknown name or a NULL argument. */
MIB_API int mib_abi_constant(const char *name, long long *value);

#ifdef __cplusplus
}
#endif
#endif
