/* fuzz_spec.c - libFuzzer target for spec strings: any text either fails
 * with a status and a message, or expands (both registries) to specs whose
 * canonical text parses back to a spec with the same canonical text (the
 * round trip every results file relies on). Cost: one parse per input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"

static void round_trip(const mib_registry *reg, const char *text)
{
    mib_spec *all = NULL, back;
    size_t n = 0;
    mib_err err = {""};
    if (mib_registry_expand(reg, text, &all, &n, &err) != MIB_OK) {
        if (!err.msg[0])
            abort(); /* every refusal says why */
        return;
    }
    for (size_t i = 0; i < n && i < 64; i++) {
        char a[1024], b[1024];
        if (mib_spec_format(&all[i], a, sizeof a) != MIB_OK)
            continue; /* too long to print: refused by the harness, not a bug */
        if (mib_registry_parse(reg, a, &back, &err) != MIB_OK ||
            mib_spec_format(&back, b, sizeof b) != MIB_OK || strcmp(a, b) != 0)
            abort();
    }
    free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    round_trip(&mib_estimator_registry, text);
    round_trip(&mib_generator_registry, text);
    free(text);
    return 0;
}
