/* fuzz_study.c - libFuzzer target for study files: any text is a study or
 * a refusal with a "LINE: what" message; never a crash, a leak or a hang.
 * Texts naming plugins are skipped (they would dlopen files of the
 * machine). Cost: one parse per input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    mib_study s;
    mib_err err = {""};
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (!strstr(text, "plugin")) {
        mib_study_init(&s);
        if (mib_study_parse(text, "fuzz.ini", &s, &err) != MIB_OK && !err.msg[0])
            abort();
        mib_study_free(&s);
    }
    free(text);
    return 0;
}
