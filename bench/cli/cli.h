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

/* Parse an unsigned decimal count in [min, max]; 0 on success. */
int cli_parse_size(const char *s, size_t min, size_t max, size_t *out);

/* Parse a seed (any 64-bit unsigned, decimal or 0x hex); 0 on success. */
int cli_parse_u64(const char *s, unsigned long long *out);

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
