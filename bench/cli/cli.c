/* cli.c - helpers shared by the mibench verbs: one-line errors, number
 * printing (17 significant digits, nats), strict integer parsing, and the
 * option-table parser (a linear search of a verb's table per argument:
 * O(arguments x options), a dozen options at most). */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
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
    /* the syntax of a study file's n = line: 10000, 1e4 and 1.5e3 alike */
    char *end;
    errno = 0;
    double v = s && *s && !isspace((unsigned char)*s) ? strtod(s, &end) : NAN;
    if (isnan(v) || end == s || *end != '\0' || errno || v != floor(v) || v < (double)min ||
        v > (double)max || v > 9007199254740992.0)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_threads(const char *verb, const char *v, size_t *threads)
{
    if (cli_parse_size(v, 1, CLI_MAX_THREADS, threads))
        return cli_fail(CLI_EXIT_USAGE, verb, "--threads needs an integer in [1, %d], got "
                        "'%s'", CLI_MAX_THREADS, v);
    return CLI_EXIT_OK;
}

int cli_parse_sep(const char *verb, const char *v, char *sep)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0 || strcmp(v, "\t") == 0)
        *sep = '\t';
    else if (strlen(v) == 1 && ispunct((unsigned char)v[0]) && !strchr("\"'.+-", v[0]))
        *sep = v[0];
    else
        return cli_fail(CLI_EXIT_USAGE, verb, "--sep needs one punctuation character such "
                        "as ';' or '|' (not a quote, '.', '+' or '-'), or 'tab'; got '%s'", v);
    return CLI_EXIT_OK;
}

int cli_terminal_width(void)
{
    struct winsize w;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        return w.ws_col;
    const char *env = getenv("COLUMNS");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v < 10000 ? (int)v : 80;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static const cli_option *find_option(const cli_option *options, const char *arg)
{
    for (const cli_option *o = options; o->name; o++)
        if (strcmp(o->name, arg) == 0)
            return o;
    return NULL;
}

/* value is NULL for a switch. The offset names a field of the type the
 * table says (cli.h), so the casts match what is there. */
static int take_option(const cli_option *o, const char *value, void *ctx)
{
    if (o->parse)
        return o->parse(ctx, value);
    char *field = (char *)ctx + o->offset;
    if (o->arg)
        *(const char **)field = value;
    else
        *(int *)field = 1;
    return CLI_EXIT_OK;
}

int cli_parse(const cli_parser *p, int argc, char **argv, void *ctx)
{
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return p->help();
        const cli_option *o = find_option(p->options, argv[i]);
        int rc;
        if (!o)
            rc = p->other(ctx, argv[i]);
        else if (o->arg && i + 1 >= argc)
            rc = cli_fail(CLI_EXIT_USAGE, p->verb, "option '%s' needs a value", argv[i]);
        else
            rc = take_option(o, o->arg ? argv[++i] : NULL, ctx);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    return CLI_CONTINUE;
}

void cli_print_options(FILE *f, const cli_option *options, int width)
{
    for (const cli_option *o = options; o->name; o++) {
        char label[64];
        assert(o->help); /* a table printed as help has a text on every row */
        snprintf(label, sizeof label, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        if (o->heading)
            fprintf(f, "%s\n", o->heading);
        if ((int)strlen(label) < width)
            fprintf(f, "  %-*s", width, label);
        else /* too wide for the name column: the text starts on the next line */
            fprintf(f, "  %s\n%*s", label, width + 2, "");
        for (const char *s = o->help; *s; s++) {
            fputc(*s, f);
            if (*s == '\n') /* continuation lines start in the text column */
                fprintf(f, "%*s", width + 2, "");
        }
        fputc('\n', f);
    }
}
