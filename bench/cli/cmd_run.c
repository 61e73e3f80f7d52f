/* cmd_run.c - `mibench run`: a study (from a study file or from --gen/--est/
 * --n flags) swept into a results file by the runner (runner.c), with a
 * progress line on a terminal, SIGINT/SIGTERM turned into a clean stop
 * (exit 130/143) and the runner's statuses turned into one-line errors.
 * Exit: 0 every trial recorded (failed trials are data: counted on
 * stderr), 1 failure, 2 usage, 130/143 interrupted. */
#include <ctype.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "mibench/run.h"
#include "mibench/study.h"

/* The one piece of process-wide state: what a signal handler may touch. */
static volatile sig_atomic_t stop_signal = 0;

/* First signal: stop after the trials in hand. Second: die at once (the
 * journal still holds every finished trial). */
static void on_signal(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    stop_signal = sig;
}

static int help(void)
{
    printf("usage: mibench run STUDY_FILE -o OUT.h5 [options]\n"
           "       mibench run --gen SPEC... --est SPEC... --n LIST [--seeds K] [--seed S]\n"
           "                   -o OUT.h5 [options]\n"
           "Runs every trial of a study - generator spec x estimator spec x n x replicate,\n"
           "'|' alternatives in specs expanded - and records each in OUT.h5 as it finishes\n"
           "(/cells, /trials, /summary, /curves; see docs). Trial data depend only on\n"
           "(seed, generator spec, n, replicate), so results do not depend on --threads.\n"
           "Only the estimation is timed (wall and CPU seconds).\n"
           "\n"
           "study from flags (instead of STUDY_FILE):\n"
           "  --gen SPEC      a generator spec; repeat for more\n"
           "  --est SPEC      an estimator spec; repeat for more\n"
           "  --n LIST        sample sizes, e.g. 100,1000,10000\n"
           "  --seeds K       replicates per cell (default 10)\n"
           "  --seed S        master seed (default 1)\n"
           "  --name NAME     study name stored in the file (default cli)\n"
           "options:\n"
           "  -o OUT.h5       the results file (required)\n"
           "  --resume        continue OUT.h5: keep its finished trials, run only the\n"
           "                  missing ones (the study must be the same: same cells, seed;\n"
           "                  starts afresh when OUT.h5 does not exist)\n"
           "  --force         overwrite an existing OUT.h5 instead of refusing\n"
           "  --threads T     trials run in parallel (default: OMP_NUM_THREADS or all\n"
           "                  cores); each estimator runs single-threaded\n"
           "  --mem-limit M   refuse (status resource-limit) any trial estimated to need\n"
           "                  more than M bytes (suffix K, M, G; default half the\n"
           "                  physical memory divided by T)\n"
           "  --quiet         no progress line and no final report\n"
           "Progress (trials done/total, current cell, elapsed, ETA) goes to stderr when it\n"
           "is a terminal. OUT.h5.journal and OUT.h5.lock sit beside OUT.h5 while it is\n"
           "written; the journal is removed when every trial is recorded.\n"
           "exit status: 0 every trial recorded (failed trials are recorded with their\n"
           "status and counted on stderr; they do not change the exit status),\n"
           "1 failure (output exists, locked by another run, a different study on\n"
           "--resume, I/O), 2 usage or spec error, 130/143 stopped by SIGINT/SIGTERM\n"
           "after finishing the trials in hand (continue with --resume); a second\n"
           "signal ends the run at once, still keeping every finished trial.\n");
    return CLI_EXIT_OK;
}

/* "512M", "2G", "1000000" -> bytes; -1 when malformed. */
static double parse_bytes(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    double unit = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': unit = 1024.0; end++; break;
    case 'M': unit = 1048576.0; end++; break;
    case 'G': unit = 1073741824.0; end++; break;
    default: break;
    }
    if (end == s || *end != '\0' || !(v > 0) || !isfinite(v))
        return -1;
    return v * unit;
}

typedef struct progress_state {
    int printed;
} progress_state;

/* Seconds as "42.0s", "3m07s" or "2h05m". */
static void fmt_time(double s, char *buf, size_t len)
{
    if (s < 60)
        snprintf(buf, len, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

/* One line, rewritten in place: done/total, failures, cell, elapsed, ETA. */
static void show_progress(void *ctx, const mib_run_progress *p)
{
    progress_state *ps = ctx;
    char el[32], eta[32], failed[48] = "";
    fmt_time(p->elapsed, el, sizeof el);
    fmt_time(p->done ? p->elapsed / (double)p->done * (double)(p->total - p->done) : 0, eta,
             sizeof eta);
    if (p->failed)
        snprintf(failed, sizeof failed, ", %zu failed", p->failed);
    fprintf(stderr, "\r\033[K[%zu/%zu%s] %.40s %.40s n=%lld  elapsed %s, ETA %s", p->done,
            p->total, failed, p->generator, p->estimator, (long long)p->n, el, eta);
    fflush(stderr);
    ps->printed = 1;
}

/* Append "key = value\n" to a growing text (for the study_text attribute). */
static int append(char **text, size_t *len, const char *a, const char *b)
{
    size_t add = strlen(a) + strlen(b) + 1;
    char *g = realloc(*text, *len + add + 1);
    if (!g)
        return -1;
    *text = g;
    *len += (size_t)snprintf(g + *len, add + 1, "%s%s\n", a, b);
    return 0;
}

typedef struct run_args {
    const char *file, *out, *name, *sizes;
    const char **gens, **ests;
    int ngens, nests;
    unsigned long long seed;
    size_t seeds;
    int seed_given, seeds_given;
} run_args;

/* The study of --gen/--est/--n flags, with an equivalent INI text. */
static int flags_study(const run_args *a, mib_study *s, mib_err *err)
{
    mib_err e = {""};
    char buf[64], *text = NULL;
    size_t len = 0;
    int st = MIB_OK, bad = 0;
    mib_study_init(s);
    snprintf(s->name, sizeof s->name, "%s", a->name ? a->name : "cli");
    s->seed = a->seed;
    s->replicates = (int)a->seeds;
    for (int i = 0; i < a->ngens && !st; i++)
        if ((st = mib_study_add_generator(s, a->gens[i], &e)))
            mib_fail(err, st, "--gen %s: %s", a->gens[i], e.msg);
    for (int i = 0; i < a->nests && !st; i++)
        if ((st = mib_study_add_estimator(s, a->ests[i], &e)))
            mib_fail(err, st, "--est %s: %s", a->ests[i], e.msg);
    if (!st && (st = mib_study_add_sizes(s, a->sizes, &e)))
        mib_fail(err, st, "--n %s: %s", a->sizes, e.msg);
    if (st)
        return st;
    bad |= append(&text, &len, "[study]\nname = ", s->name);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->seed);
    bad |= append(&text, &len, "seed = ", buf);
    snprintf(buf, sizeof buf, "%d", s->replicates);
    bad |= append(&text, &len, "replicates = ", buf);
    bad |= append(&text, &len, "n = ", a->sizes);
    bad |= append(&text, &len, "[generators]", "");
    for (int i = 0; i < a->ngens; i++)
        bad |= append(&text, &len, "gen = ", a->gens[i]);
    bad |= append(&text, &len, "[estimators]", "");
    for (int i = 0; i < a->nests; i++)
        bad |= append(&text, &len, "est = ", a->ests[i]);
    s->text = text;
    return bad ? mib_fail(err, MIB_ENOMEM, "out of memory") : MIB_OK;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.seed = 1, .seeds = 10};
    mib_run_options opt;
    mib_run_options_init(&opt);
    opt.threads = omp_get_max_threads();
    int quiet = 0, rc = CLI_EXIT_OK;
    a.gens = calloc((size_t)argc, sizeof *a.gens);
    a.ests = calloc((size_t)argc, sizeof *a.ests);
    mib_study study;
    mib_study_init(&study);
    if (!a.gens || !a.ests) {
        rc = cli_fail(CLI_EXIT_FAIL, "run", "out of memory");
        goto done;
    }
    static const char *const valued[] = {"-o", "--gen", "--est", "--n", "--seeds", "--seed",
                                         "--name", "--threads", "--mem-limit", NULL};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (cli_is_help(o)) {
            rc = help();
            goto done;
        }
        for (int k = 0; valued[k]; k++)
            if (strcmp(o, valued[k]) == 0 && i + 1 >= argc) {
                rc = cli_fail(CLI_EXIT_USAGE, "run", "option '%s' needs a value", o);
                goto done;
            }
        if (strcmp(o, "-o") == 0) {
            a.out = argv[++i];
        } else if (strcmp(o, "--gen") == 0) {
            a.gens[a.ngens++] = argv[++i];
        } else if (strcmp(o, "--est") == 0) {
            a.ests[a.nests++] = argv[++i];
        } else if (strcmp(o, "--n") == 0) {
            a.sizes = argv[++i];
        } else if (strcmp(o, "--name") == 0) {
            a.name = argv[++i];
        } else if (strcmp(o, "--seeds") == 0) {
            a.seeds_given = 1;
            if (cli_parse_size(argv[++i], 1, 100000, &a.seeds)) {
                rc = cli_fail(CLI_EXIT_USAGE, "run", "--seeds needs an integer in [1, 100000], "
                              "got '%s'", argv[i]);
                goto done;
            }
        } else if (strcmp(o, "--seed") == 0) {
            a.seed_given = 1;
            if (cli_parse_u64(argv[++i], &a.seed)) {
                rc = cli_fail(CLI_EXIT_USAGE, "run", "--seed needs a non-negative 64-bit "
                              "integer, got '%s'", argv[i]);
                goto done;
            }
        } else if (strcmp(o, "--threads") == 0) {
            size_t t;
            if (cli_parse_size(argv[++i], 1, 1024, &t)) {
                rc = cli_fail(CLI_EXIT_USAGE, "run", "--threads needs an integer in [1, 1024], "
                              "got '%s'", argv[i]);
                goto done;
            }
            opt.threads = (int)t;
        } else if (strcmp(o, "--mem-limit") == 0) {
            if ((opt.mem_limit = parse_bytes(argv[++i])) < 0) {
                rc = cli_fail(CLI_EXIT_USAGE, "run", "--mem-limit needs a size such as 512M or "
                              "4G, got '%s'", argv[i]);
                goto done;
            }
        } else if (strcmp(o, "--resume") == 0) {
            opt.resume = 1;
        } else if (strcmp(o, "--force") == 0) {
            opt.force = 1;
        } else if (strcmp(o, "--quiet") == 0) {
            quiet = 1;
        } else if (o[0] == '-' && o[1] != '\0') {
            rc = cli_fail(CLI_EXIT_USAGE, "run", "unknown option '%s' (see --help)", o);
            goto done;
        } else if (a.file) {
            rc = cli_fail(CLI_EXIT_USAGE, "run", "give one STUDY_FILE (got '%s' and '%s')",
                          a.file, o);
            goto done;
        } else {
            a.file = o;
        }
    }
    int flags = a.ngens || a.nests || a.sizes || a.seeds_given || a.seed_given || a.name;
    if (!a.out) {
        rc = cli_fail(CLI_EXIT_USAGE, "run", "need -o OUT.h5 (see --help)");
        goto done;
    }
    if (a.file && flags) {
        rc = cli_fail(CLI_EXIT_USAGE, "run", "give either STUDY_FILE or --gen/--est/--n/--seeds/"
                      "--seed/--name, not both");
        goto done;
    }
    if (!a.file && (!a.ngens || !a.nests || !a.sizes)) {
        rc = cli_fail(CLI_EXIT_USAGE, "run", "need STUDY_FILE, or --gen SPEC, --est SPEC and "
                      "--n LIST (see --help)");
        goto done;
    }
    if (opt.resume && opt.force) {
        rc = cli_fail(CLI_EXIT_USAGE, "run", "--resume and --force contradict each other");
        goto done;
    }
    mib_err err = {""};
    int st = a.file ? mib_study_load(a.file, &study, &err) : flags_study(&a, &study, &err);
    if (st) {
        rc = cli_fail(cli_status_exit(st), "run", "%s", err.msg);
        goto done;
    }

    progress_state ps = {0};
    opt.output = a.out;
    opt.command_line = cli_command_line;
    opt.stop = &stop_signal;
    if (!quiet && isatty(STDERR_FILENO)) {
        opt.progress = show_progress;
        opt.progress_ctx = &ps;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* file writes must not fail with EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    mib_run_report rep;
    st = mib_run(&study, &opt, &rep, &err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (ps.printed)
        fputc('\n', stderr);

    if (rep.rebuilt)
        fprintf(stderr, "mibench run: '%s' was damaged; rebuilt it from '%s.journal'\n", a.out,
                a.out);
    if (st == MIB_EINTR) {
        rc = stop_signal == SIGINT ? 130 : 143;
        cli_fail(rc, "run", "stopped by %s after %zu of %zu trials; finished trials are kept "
                 "in '%s'; continue with --resume", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                 rep.kept + rep.ran, rep.trials, a.out);
    } else if (st == MIB_EEXIST) {
        rc = cli_fail(CLI_EXIT_FAIL, "run", "%s; use --resume to continue it or --force to "
                      "overwrite it", err.msg);
    } else if (st) {
        rc = cli_fail(st == MIB_ESPEC || st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL,
                      "run", "%s", err.msg);
    } else if (!quiet) {
        fprintf(stderr, "mibench run: wrote '%s': %zu cells, %zu trials (%zu kept, %zu run), "
                "%zu failed, %.1f s\n", a.out, rep.cells, rep.kept + rep.ran, rep.kept,
                rep.ran, rep.failed, rep.seconds);
    }
    if (!st && quiet && rep.failed)
        fprintf(stderr, "mibench run: %zu of %zu trials failed (see /trials status)\n",
                rep.failed, rep.kept + rep.ran);
done:
    mib_study_free(&study);
    free(a.gens);
    free(a.ests);
    return rc;
}
