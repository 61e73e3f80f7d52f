/* clones.h - MIB_VECTOR_CLONES: a kernel compiled for AVX-512, AVX2 and
 * baseline x86-64 and picked at run time (GCC's target_clones; nothing
 * elsewhere). Each clone does the same operations in the same order, so a
 * kernel gives the same bits on every CPU unless it says otherwise (kde's
 * vector exp). Internal to the estimators. */
#ifndef MIB_ESTIMATORS_CLONES_H
#define MIB_ESTIMATORS_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MIB_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MIB_VECTOR_CLONES
#endif

#endif
