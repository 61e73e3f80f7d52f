/* rng.c - seed derivation (splitmix64 mixing) and xoshiro256++ as a GSL
 * generator type (Blackman & Vigna 2019). The 256-bit state is filled from
 * the 64-bit seed by four splitmix64 steps, so distinct seeds give distinct,
 * decorrelated streams. Cost: O(1) per draw; thread-safe per gsl_rng. */
#include <stdint.h>
#include "mibench/rng.h"

uint64_t mib_rng_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t mib_rng_seed_combine(uint64_t seed, uint64_t word)
{
    return mib_rng_mix64(seed ^ mib_rng_mix64(word + 0x632be59bd9b4e019ull));
}

uint64_t mib_rng_seed_string(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a offset basis */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return mib_rng_mix64(h);
}

typedef struct {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xo_set(void *vstate, unsigned long seed)
{
    xoshiro_state *st = vstate;
    uint64_t z = seed;
    for (int i = 0; i < 4; i++) {
        z += 0x9e3779b97f4a7c15ull;
        st->s[i] = mib_rng_mix64(z);
    }
}

static unsigned long xo_get(void *vstate) { return (unsigned long)(next(vstate) >> 32); }

/* 53 random bits in [0, 1). */
static double xo_get_double(void *vstate) { return (double)(next(vstate) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xoshiro_type = {
    "mib-xoshiro256++", 0xffffffffUL, 0, sizeof(xoshiro_state),
    &xo_set, &xo_get, &xo_get_double,
};

const gsl_rng_type *mib_rng_type = &xoshiro_type;

gsl_rng *mib_rng_alloc(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(mib_rng_type);
    if (r)
        gsl_rng_set(r, (unsigned long)seed);
    return r;
}
