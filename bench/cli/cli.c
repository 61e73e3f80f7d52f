/* cli.c - helpers shared by the mibench verbs: one-line errors, number
 * printing (17 significant digits, nats), strict integer parsing. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "bench/cli/cli.h"

const char *cli_command_line = "";

int cli_fail(int code, const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mibench %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_status_exit(int status)
{
    return status == MIB_ESPEC || status == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
}

void cli_print_number(FILE *f, double v)
{
    fprintf(f, "%.17g\n", v);
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
    unsigned long long v;
    if (cli_parse_u64(s, &v) || v < min || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}
