/* rng.h - reproducible random streams.
 *
 * A stream is identified by a 64-bit seed derived by hashing (master seed,
 * stream identity...) with the splitmix64 finaliser, so a trial's numbers
 * depend only on what the trial is, never on thread count or run order.
 * mib_rng_type is a GSL generator type (xoshiro256++) whose full 256-bit
 * state is filled from a 64-bit seed by splitmix64, so every 64-bit seed
 * gives a distinct stream (GSL's mt19937 keeps only 32 seed bits).
 */
#ifndef MIBENCH_RNG_H
#define MIBENCH_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "mibench/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* xoshiro256++ as a gsl_rng_type: get() gives 32 bits, get_double() 53. */
MIB_API extern const gsl_rng_type *mib_rng_type;

/* splitmix64 finaliser: a bijective 64-bit mix. */
MIB_API uint64_t mib_rng_mix64(uint64_t x);

/* Combine a running seed with one more identity word. */
MIB_API uint64_t mib_rng_seed_combine(uint64_t seed, uint64_t word);

/* Hash of a NUL-terminated string (FNV-1a then mib_rng_mix64). */
MIB_API uint64_t mib_rng_seed_string(const char *s);

/* gsl_rng of mib_rng_type seeded with seed; NULL when out of memory. */
MIB_API gsl_rng *mib_rng_alloc(uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
