/* cmd_run.c - `mibench run`: a study (from a study file or from --gen/--est/
 * --n flags, plus --external and --plugin declarations) swept into a
 * results file by the harness (bench/harness/run.c), with a progress line
 * on a terminal, SIGINT/SIGTERM turned into a clean stop
 * (exit 130/143) and the runner's statuses turned into one-line errors.
 * Under mpirun or srun the ranks share the sweep (bench/mpi): rank 0
 * writes, the others run trials and print only their errors.
 * Exit: 0 every trial recorded (failed trials are data: counted on
 * stderr), 1 failure, 2 usage, 130/143 interrupted. */
#include <ctype.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/mpi/sweep.h"
#include "mibench/run.h"
#include "mibench/study.h"

/* The one piece of process-wide state: what a signal handler may touch. */
static volatile sig_atomic_t stop_signal = 0;

/* OUT.h5.lock and the line a second signal prints, made before the sweep
 * (a signal handler may only write and unlink). */
static char lock_path[4200], second_note[4400];

/* First signal: stop after the trials in hand. Second: say so, remove the
 * lock file (its flock dies with the process anyway) and die at once; the
 * journal still holds every finished trial. */
static void on_signal(int sig)
{
    if (stop_signal) {
        ssize_t ignored = write(STDERR_FILENO, second_note, strlen(second_note));
        (void)ignored;
        if (lock_path[0])
            unlink(lock_path);
        signal(sig, SIG_DFL);
        raise(sig);
    }
    stop_signal = sig;
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

/* s cut to at most max bytes, ending in "..." when cut. */
static void fit(const char *s, size_t max, char *out, size_t len)
{
    size_t n = strlen(s);
    if (n <= max)
        snprintf(out, len, "%s", s);
    else if (max >= 3)
        snprintf(out, len, "%.*s...", (int)(max - 3), s);
    else
        snprintf(out, len, "%.*s", (int)max, "...");
}

/* "GEN EST" in room bytes: each spec keeps what the other leaves of half
 * the room, so both names stay readable. */
static void fit_cell(const char *gen, const char *est, size_t room, char *out, size_t len)
{
    size_t lg = strlen(gen), le = strlen(est), avail = room - 1;
    size_t ke = le < avail / 2 ? le : avail / 2;
    size_t kg = lg < avail - ke ? lg : avail - ke;
    ke = le < avail - kg ? le : avail - kg;
    char g[256], e[256];
    fit(gen, kg < sizeof g - 1 ? kg : sizeof g - 1, g, sizeof g);
    fit(est, ke < sizeof e - 1 ? ke : sizeof e - 1, e, sizeof e);
    snprintf(out, len, "%s %s", g, e);
}

/* One line, rewritten in place: done/total, failures, cell, n, elapsed,
 * ETA, in fewer columns than the terminal has (a full line would wrap and
 * scroll at every trial). The cell's specs are cut first, then elapsed
 * goes, then the line is cut. */
static void show_progress(void *ctx, const mib_run_progress *p)
{
    progress_state *ps = ctx;
    char el[32], eta[32], failed[48] = "", head[96], tail[128], cell[512] = "", line[768];
    fmt_time(p->elapsed, el, sizeof el);
    /* the harness's cost-weighted ETA; per trial when it has none yet */
    double left = p->eta >= 0 ? p->eta
                  : p->done   ? p->elapsed / (double)p->done * (double)(p->total - p->done)
                              : 0;
    fmt_time(left > 0 ? left : 0, eta, sizeof eta);
    if (p->failed)
        snprintf(failed, sizeof failed, ", %zu failed", p->failed);
    /* against the whole study: a resumed run counts the trials kept */
    snprintf(head, sizeof head, "[%zu/%zu%s] ", p->kept + p->done, p->kept + p->total, failed);
    snprintf(tail, sizeof tail, " n=%lld  elapsed %s, ETA %s", (long long)p->n, el, eta);
    size_t width = (size_t)cli_terminal_width() - 1, fixed = strlen(head) + strlen(tail);
    if (fixed + 12 > width) { /* no room for a readable cell: shorter tail */
        snprintf(tail, sizeof tail, " n=%lld ETA %s", (long long)p->n, eta);
        fixed = strlen(head) + strlen(tail);
    }
    if (fixed + 12 <= width)
        fit_cell(p->generator, p->estimator, width - fixed, cell, sizeof cell);
    snprintf(line, sizeof line, "%s%s%s", head, cell, tail);
    fprintf(stderr, "\r\033[K%.*s", (int)(width < sizeof line ? width : sizeof line), line);
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

/* Everything the command line sets; the option table points into it. */
typedef struct run_args {
    const char *file, *out, *name, *sizes;
    /* argc slots each: room for every argument */
    const char **gens, **ests, **externals, **plugins;
    int ngens, nests, nexternals, nplugins;
    unsigned long long seed;
    size_t seeds;
    int seed_given, seeds_given;
    mib_run_options opt;
    int quiet;
    int bits; /* accepted for one flag set across verbs; nothing run prints is an MI */
} run_args;

static int add_generator(void *ctx, const char *spec)
{
    run_args *a = ctx;
    a->gens[a->ngens++] = spec;
    return CLI_EXIT_OK;
}

static int add_estimator(void *ctx, const char *spec)
{
    run_args *a = ctx;
    a->ests[a->nests++] = spec;
    return CLI_EXIT_OK;
}

static int add_external(void *ctx, const char *decl)
{
    run_args *a = ctx;
    if (!strchr(decl, '=') || decl[0] == '=')
        return cli_fail(CLI_EXIT_USAGE, "run", "--external needs NAME=COMMAND, got '%s'", decl);
    a->externals[a->nexternals++] = decl;
    return CLI_EXIT_OK;
}

static int add_plugin(void *ctx, const char *path)
{
    run_args *a = ctx;
    a->plugins[a->nplugins++] = path;
    return CLI_EXIT_OK;
}

static int set_seeds(void *ctx, const char *v)
{
    run_args *a = ctx;
    a->seeds_given = 1;
    if (cli_parse_size(v, 1, 100000, &a->seeds))
        return cli_fail(CLI_EXIT_USAGE, "run", "--seeds needs an integer in [1, 100000], "
                        "got '%s'", v);
    return CLI_EXIT_OK;
}

static int set_seed(void *ctx, const char *v)
{
    run_args *a = ctx;
    a->seed_given = 1;
    if (cli_parse_u64(v, &a->seed))
        return cli_fail(CLI_EXIT_USAGE, "run", "--seed needs a non-negative 64-bit "
                        "integer, got '%s'", v);
    return CLI_EXIT_OK;
}

static int set_threads(void *ctx, const char *v)
{
    run_args *a = ctx;
    size_t t;
    if (cli_parse_size(v, 1, 1024, &t))
        return cli_fail(CLI_EXIT_USAGE, "run", "--threads needs an integer in [1, 1024], "
                        "got '%s'", v);
    a->opt.threads = (int)t;
    return CLI_EXIT_OK;
}

static int set_mem_limit(void *ctx, const char *v)
{
    run_args *a = ctx;
    if ((a->opt.mem_limit = parse_bytes(v)) < 0)
        return cli_fail(CLI_EXIT_USAGE, "run", "--mem-limit needs a size such as 512M or "
                        "4G, got '%s'", v);
    return CLI_EXIT_OK;
}

/* In --help order. */
static const cli_option options[] = {
    {.name = "--gen", .arg = "SPEC", .parse = add_generator,
     .heading = "study from flags (instead of STUDY_FILE):",
     .help = "a generator spec; repeat for more"},
    {.name = "--est", .arg = "SPEC", .parse = add_estimator,
     .help = "an estimator spec; repeat for more"},
    {.name = "--n", .arg = "LIST", .offset = offsetof(run_args, sizes),
     .help = "sample sizes, e.g. 100,1000,10000"},
    {.name = "--seeds", .arg = "K", .parse = set_seeds,
     .help = "replicates per cell (default 10)"},
    {.name = "--seed", .arg = "S", .parse = set_seed, .help = "master seed (default 1)"},
    {.name = "--name", .arg = "NAME", .offset = offsetof(run_args, name),
     .help = "study name stored in the file (default cli)"},
    {.name = "-o", .arg = "OUT.h5", .offset = offsetof(run_args, out), .heading = "options:",
     .help = "the results file (required)"},
    {.name = "--external", .arg = "NAME=CMD", .parse = add_external,
     .help = "declare an external estimator NAME, run as CMD (split as a\n"
             "shell splits words, run without one); NAME is then usable in\n"
             "--est and est = lines, with protocol=bmi|worker, format=csv|h5\n"
             "and timeout=SECONDS; repeat for more (README: External\n"
             "estimators)"},
    {.name = "--plugin", .arg = "PATH.so", .parse = add_plugin,
     .help = "load a C plugin: its estimators and generators are then\n"
             "usable in --est/--gen and in est =/gen = lines like built-in\n"
             "ones; repeat for more (README: C plugins)"},
    {.name = "--resume", .offset = offsetof(run_args, opt.resume),
     .help = "continue OUT.h5: keep its finished trials, run only the\n"
             "missing ones (the study must be the same: same cells, seed;\n"
             "starts afresh when OUT.h5 does not exist)"},
    {.name = "--force", .offset = offsetof(run_args, opt.force),
     .help = "overwrite an existing OUT.h5 instead of refusing"},
    {.name = "--threads", .arg = "T", .parse = set_threads,
     .help = "trials run in parallel (default: OMP_NUM_THREADS or all\n"
             "cores); each estimator runs single-threaded"},
    {.name = "--mem-limit", .arg = "M", .parse = set_mem_limit,
     .help = "refuse (status resource-limit) any trial estimated to need\n"
             "more than M bytes (suffix K, M, G; default half the\n"
             "physical memory divided by T)"},
    {.name = "--quiet", .offset = offsetof(run_args, quiet),
     .help = "no progress line and no final report"},
    {.name = "--bits", .offset = offsetof(run_args, bits),
     .help = "accepted as by estimate, plot and check, so one set of flags\n"
             "works for every verb: run prints no MI value (its progress\n"
             "and report are counts and times), and OUT.h5 is always in nats"},
    {0},
};

static int help(void)
{
    printf("usage: mibench run STUDY_FILE -o OUT.h5 [options]\n"
           "       mibench run --gen SPEC... --est SPEC... --n LIST [--seeds K] [--seed S]\n"
           "                   -o OUT.h5 [options]\n"
           "Runs every trial of a study - generator spec x estimator spec x n x replicate,\n"
           "'|' alternatives in specs expanded - and records each in OUT.h5 as it finishes\n"
           "(/cells, /trials, /summary, /curves; README: The results file). Trial data\n"
           "depend only on (seed, generator spec, n, replicate), so results do not depend\n"
           "on --threads.\n"
           "Only the estimation is timed (wall and CPU seconds).\n"
           "\n");
    cli_print_options(stdout, options, 16);
    printf("Progress (trials done/total, current cell, elapsed, ETA) goes to stderr when it\n"
           "is a terminal. OUT.h5.journal and OUT.h5.lock sit beside OUT.h5 while it is\n"
           "written; the journal is removed when every trial is recorded.\n"
           "Under MPI (mpirun -n R mibench run ..., or srun --mpi=pmix) the R ranks share\n"
           "the sweep: rank 0 writes OUT.h5 and runs trials on its --threads, the other\n"
           "ranks run trials on theirs; results equal a one-process run bit for bit\n"
           "(README: On a cluster).\n"
           "exit status: 0 every trial recorded (failed trials are recorded with their\n"
           "status and counted on stderr; they do not change the exit status),\n"
           "1 failure (output exists, locked by another run, a different study on\n"
           "--resume, I/O), 2 usage or spec error, 130/143 stopped by SIGINT/SIGTERM\n"
           "after finishing the trials in hand (continue with --resume); a second\n"
           "signal ends the run at once, still keeping every finished trial.\n");
    return CLI_EXIT_OK;
}

/* The one STUDY_FILE; anything else that starts with '-' (but "-" alone,
 * which is a file name) is an unknown option. */
static int positional(void *ctx, const char *arg)
{
    run_args *a = ctx;
    if (arg[0] == '-' && arg[1] != '\0')
        return cli_fail(CLI_EXIT_USAGE, "run", "unknown option '%s' (see --help)", arg);
    if (a->file)
        return cli_fail(CLI_EXIT_USAGE, "run", "give one STUDY_FILE (got '%s' and '%s')",
                        a->file, arg);
    a->file = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "run", .options = options, .help = help, .other = positional,
};

/* The study of --gen/--est/--n flags, with an equivalent INI text. */
static int flags_study(const run_args *a, mib_study *s, mib_err *err)
{
    mib_err e = {""};
    char buf[64], *text = NULL;
    size_t len = 0;
    int st = MIB_OK, bad = 0;
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
    char *decl = mib_study_externals_text(s); /* "NAME = COMMAND\n" lines */
    size_t dlen = decl ? strlen(decl) : 0;
    if (dlen) {
        decl[dlen - 1] = '\0'; /* append() ends the last line itself */
        bad |= append(&text, &len, "[external]\n", decl);
    }
    bad |= !decl;
    free(decl);
    if (a->nplugins)
        bad |= append(&text, &len, "[plugins]", "");
    for (int i = 0; i < a->nplugins; i++)
        bad |= append(&text, &len, "plugin = ", a->plugins[i]);
    s->text = text;
    return bad ? mib_fail(err, MIB_ENOMEM, "out of memory") : MIB_OK;
}

/* The arguments, with the combinations the table cannot refuse by itself
 * checked. Returns CLI_CONTINUE, or the exit code of the error printed
 * (or of --help). */
static int parse_args(run_args *a, int argc, char **argv)
{
    int rc = cli_parse(&parser, argc, argv, a);
    if (rc != CLI_CONTINUE)
        return rc;
    int flags = a->ngens || a->nests || a->sizes || a->seeds_given || a->seed_given || a->name;
    if (!a->out)
        return cli_fail(CLI_EXIT_USAGE, "run", "need -o OUT.h5 (see --help)");
    if (a->file && flags)
        return cli_fail(CLI_EXIT_USAGE, "run", "give either STUDY_FILE or --gen/--est/--n/"
                        "--seeds/--seed/--name, not both");
    if (!a->file && (!a->ngens || !a->nests || !a->sizes))
        return cli_fail(CLI_EXIT_USAGE, "run", "need STUDY_FILE, or --gen SPEC, --est SPEC and "
                        "--n LIST (see --help)");
    if (a->opt.resume && a->opt.force)
        return cli_fail(CLI_EXIT_USAGE, "run", "--resume and --force contradict each other");
    return CLI_CONTINUE;
}

/* The MPI job this process is part of (rank 0 of 1 outside mpirun). */
typedef struct mpi_job {
    int rank, size;
} mpi_job;

/* mib_run (shared by the ranks of an MPI job) with SIGINT/SIGTERM turned
 * into a clean stop (on_signal) and the progress line on rank 0's
 * terminal; the old handlers are back on return. study may be NULL on a
 * rank whose study failed to load (the others must still hear of it). */
static int sweep(const mib_study *study, const run_args *a, const mpi_job *job,
                 mib_run_report *rep, mib_err *err)
{
    progress_state ps = {0};
    mib_run_options opt = a->opt; /* a copy: it points at ps, which ends here */
    opt.output = a->out;
    opt.command_line = cli_command_line;
    opt.stop = &stop_signal;
    snprintf(lock_path, sizeof lock_path, "%s.lock", a->out);
    snprintf(second_note, sizeof second_note, "\nmibench run: stopped at once by a second "
             "signal; the finished trials are in '%s' and its journal; continue with "
             "--resume\n", a->out);
    if (!a->quiet && job->rank == 0 && isatty(STDERR_FILENO)) {
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
    int st = mib_mpi_run(study, &opt, job->rank, job->size, rep, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (ps.printed)
        fputc('\n', stderr);
    return st;
}

/* The sweep's outcome as stderr lines and the exit code. */
static int report(const run_args *a, int st, const mib_run_report *rep, const mib_err *err)
{
    int rc = CLI_EXIT_OK;
    if (rep->rebuilt)
        fprintf(stderr, "mibench run: '%s' was damaged; rebuilt it from '%s.journal'\n", a->out,
                a->out);
    if (st == MIB_EINTR) {
        rc = stop_signal == SIGINT ? 130 : 143;
        cli_fail(rc, "run", "stopped by %s after %zu of %zu trials; finished trials are kept "
                 "in '%s'; continue with --resume", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                 rep->kept + rep->ran, rep->trials, a->out);
    } else if (st == MIB_EEXIST) {
        rc = cli_fail(CLI_EXIT_FAIL, "run", "%s; use --resume to continue it or --force to "
                      "overwrite it", err->msg);
    } else if (st) {
        rc = cli_fail(cli_status_exit(st), "run", "%s", err->msg);
    } else if (!a->quiet) {
        fprintf(stderr, "mibench run: wrote '%s': %zu cells, %zu trials (%zu kept, %zu run), "
                "%zu failed, %.1f s\n", a->out, rep->cells, rep->kept + rep->ran, rep->kept,
                rep->ran, rep->failed, rep->seconds);
    }
    if (!st && a->quiet && rep->failed)
        fprintf(stderr, "mibench run: %zu of %zu trials failed (see /trials status)\n",
                rep->failed, rep->kept + rep->ran);
    return rc;
}

/* The --plugin and --external declarations, before the study's specs
 * refer to them; sample files for externals go to $TMPDIR (or /tmp). */
static int declare_externals(const run_args *a, mib_study *s, mib_err *err)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp)
        snprintf(s->tmp_dir, sizeof s->tmp_dir, "%s", tmp);
    for (int i = 0; i < a->nplugins; i++) {
        int st = mib_study_add_plugin(s, a->plugins[i], err);
        if (st)
            return st;
    }
    for (int i = 0; i < a->nexternals; i++) {
        char name[64];
        const char *eq = strchr(a->externals[i], '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - a->externals[i]), a->externals[i]);
        mib_err e = {""};
        int st = mib_study_add_external(s, name, eq + 1, &e);
        if (st)
            return mib_fail(err, st, "--external %s: %s", a->externals[i], e.msg);
    }
    return MIB_OK;
}

/* Started by mpirun (OpenMPI) or srun (PMI/PMIx): their environment says so. */
static int mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

/* Load or build the study, then sweep it and report (rank 0) or say only
 * what went wrong (other ranks). Every rank of an MPI job takes part in
 * the sweep, even with a study it could not load. */
static int run_study(const run_args *a)
{
    mib_err err = {""};
    mib_study study;
    mpi_job job = {0, 1};
    mib_study_init(&study);
    if (mpi_launched() && mib_mpi_init(&job.rank, &job.size, &err))
        return cli_fail(CLI_EXIT_FAIL, "run", "%s", err.msg);
    char who[32] = "run";
    if (job.rank > 0)
        snprintf(who, sizeof who, "run (rank %d)", job.rank);
    int rc = CLI_EXIT_OK, st = declare_externals(a, &study, &err);
    if (!st)
        st = a->file ? mib_study_load(a->file, &study, &err) : flags_study(a, &study, &err);
    if (st)
        rc = cli_fail(cli_status_exit(st), who, "%s", err.msg);
    if (!st || job.size > 1) {
        mib_run_report rep;
        mib_err rerr = {""};
        int rst = sweep(st ? NULL : &study, a, &job, &rep, &rerr);
        if (!st && job.rank == 0)
            rc = report(a, rst, &rep, &rerr);
        else if (!st && rst)
            rc = cli_fail(cli_status_exit(rst), who, "%s", rerr.msg);
    }
    mib_study_free(&study);
    mib_mpi_finalize();
    return rc;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.seed = 1, .seeds = 10};
    mib_run_options_init(&a.opt);
    a.opt.threads = omp_get_max_threads();
    a.gens = calloc((size_t)argc, sizeof *a.gens);
    a.ests = calloc((size_t)argc, sizeof *a.ests);
    a.externals = calloc((size_t)argc, sizeof *a.externals);
    a.plugins = calloc((size_t)argc, sizeof *a.plugins);
    int rc;
    if (!a.gens || !a.ests || !a.externals || !a.plugins)
        rc = cli_fail(CLI_EXIT_FAIL, "run", "out of memory");
    else if ((rc = parse_args(&a, argc, argv)) == CLI_CONTINUE)
        rc = run_study(&a);
    free(a.gens);
    free(a.ests);
    free(a.externals);
    free(a.plugins);
    return rc;
}
