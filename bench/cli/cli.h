/* cli.h - the mibench command line: one file per verb (cmd_*.c), a table
 * of verbs in main.c, and the few helpers every verb shares (cli.c).
 * Only the CLI prints or reads argv. Exit codes: 0 ok, 1 failure (or a
 * regression for `check`), 2 usage error, 130/143 interrupted. */
#ifndef MIB_CLI_H
#define MIB_CLI_H

#include <stddef.h>
#include <stdio.h>
#include "mibench/mibench.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef struct cli_command {
    const char *name;
    const char *usage;   /* one line: "truth GEN_SPEC" */
    const char *summary; /* one line */
    int (*run)(int argc, char **argv); /* argv[0] is the verb */
} cli_command;

int cmd_list(int argc, char **argv);
int cmd_truth(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_entropy(int argc, char **argv);
int cmd_select(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* The full command line, for provenance (set by main). */
extern const char *cli_command_line;

/* "mibench VERB: message" on stderr, one line. Returns code. */
int cli_fail(int code, const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Exit code for a library status: usage-like statuses give 2, else 1. */
int cli_status_exit(int status);

/* Print a number in nats (or bits) with 17 significant digits. */
void cli_print_number(FILE *f, double v);

/* Parse a count in [min, max] written as an integer or in exponent form
 * (1e4), as study files write n; 0 on success. */
int cli_parse_size(const char *s, size_t min, size_t max, size_t *out);

/* Most threads --threads takes. */
#define CLI_MAX_THREADS 1024

/* --threads T: an integer in [1, CLI_MAX_THREADS] into *threads, else the
 * one-line error of verb. Returns CLI_EXIT_OK or CLI_EXIT_USAGE. */
int cli_parse_threads(const char *verb, const char *v, size_t *threads);

/* --sep C: one punctuation character that cannot be part of a number or a
 * quoted cell, or "tab", into *sep; else the one-line error of verb.
 * Returns CLI_EXIT_OK or CLI_EXIT_USAGE. */
int cli_parse_sep(const char *verb, const char *v, char *sep);

/* Parse a seed (any 64-bit unsigned, decimal or 0x hex); 0 on success. */
int cli_parse_u64(const char *s, unsigned long long *out);

/* Columns of the terminal on stderr (COLUMNS, else 80, when it will not
 * say); cheap, so callers read it at every line and follow a resize. */
int cli_terminal_width(void);

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

/* One option of a verb. A verb's table of these (ended by {0}) is the one
 * place its flags, whether they take a value and their help text live, so
 * the parser and --help cannot drift apart. */
typedef struct cli_option {
    const char *name;    /* "--seed", "-o" */
    const char *arg;     /* the value's name in help ("S"); NULL: a switch */
    /* Takes the value (NULL for a switch); returns 0, or an exit code after
     * printing the one-line error. NULL: store at offset instead. */
    int (*parse)(void *ctx, const char *value);
    size_t offset;       /* with parse NULL: of the const char * that gets
                            the value, or of the int a switch sets to 1 */
    const char *heading; /* a line --help prints above this option, or NULL */
    const char *help;    /* after the name; each '\n' goes on in the text column */
} cli_option;

typedef struct cli_parser {
    const char *verb;           /* for "mibench VERB: ..." errors */
    const cli_option *options;
    int (*help)(void);          /* -h/--help: prints, returns the exit code */
    /* Every argument that is not in options: the verb decides what is a
     * positional and what an unknown option. Returns 0 or an exit code. */
    int (*other)(void *ctx, const char *arg);
} cli_parser;

/* What cli_parse returns when every argument was taken: go on. */
#define CLI_CONTINUE (-1)

/* Walk argv[1..argc-1] left to right into ctx: -h/--help anywhere before a
 * problem prints help; an option that takes a value consumes the next
 * argument whatever it looks like, and is "option '%s' needs a value" when
 * there is none. Stops at the first error. Returns CLI_CONTINUE, or the
 * exit code to return (that of help, or of the error printed). */
int cli_parse(const cli_parser *p, int argc, char **argv, void *ctx);

/* The options as help lines: "  NAME ARG" padded to width columns, then
 * the help text (on the next line when "NAME ARG" is not shorter than
 * width). Every option needs a help text. */
void cli_print_options(FILE *f, const cli_option *options, int width);

#endif
