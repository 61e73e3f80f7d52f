/* test_external.c - external estimators through the whole harness: a NumPy
 * Gaussian estimator (tests/external/np_gaussian.py) and mibench's own
 * `estimate` run through bmi's protocol and as a JSON worker equal the
 * built-in `gaussian` on every trial of a sweep (same samples); failing,
 * hanging, garbage-printing, crashing and silent programs become failed
 * trials with their messages while the sweep completes, and --resume
 * reruns none of the finished ones; a worker serves hundreds of trials
 * with one start per thread; bad declarations are refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mibench/mibench.h"
#include "bench/cli/config.h"
#include "bench/external/external.h"

static char dir[64], out[128], startlog[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/mib_test_external_%d", (int)getpid());
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(startlog, sizeof startlog, "%s/starts.log", dir);
    cr_assert_eq(mkdir(dir, 0755), 0);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(external, .init = setup, .fini = teardown, .timeout = 120);

/* Parse text (with @SRC@, @DIR@ and @MIBENCH@, the CLI meson built,
 * replaced) into s and run it into out. */
static void run_study(const char *text, int threads, int resume, mib_study *s,
                      mib_run_report *rep)
{
    char buf[4096], *p = buf;
    for (const char *t = text; *t; t++) {
        if (strncmp(t, "@SRC@", 5) == 0)
            p += sprintf(p, "%s", MIB_SOURCE_ROOT), t += 4;
        else if (strncmp(t, "@DIR@", 5) == 0)
            p += sprintf(p, "%s", dir), t += 4;
        else if (strncmp(t, "@MIBENCH@", 9) == 0)
            p += sprintf(p, "%s", getenv("MIBENCH") ? getenv("MIBENCH") : "mibench"), t += 8;
        else
            *p++ = *t;
    }
    *p = '\0';
    mib_err err = {""};
    mib_run_options o;
    mib_study_init(s);
    snprintf(s->tmp_dir, sizeof s->tmp_dir, "%s", dir);
    cr_assert_eq(mib_study_parse(buf, "t.ini", s, &err), MIB_OK, "%s", err.msg);
    mib_run_options_init(&o);
    o.output = out;
    o.threads = threads;
    o.resume = resume;
    o.force = !resume;
    cr_assert_eq(mib_run(s, &o, rep, &err), MIB_OK, "%s", err.msg);
}

static const mib_trial_row *find_trial(const mib_results *r, const char *gen, const char *est,
                                       int64_t n, int32_t rep)
{
    for (size_t i = 0; i < r->ntrials; i++)
        if (strcmp(r->trials[i].generator, gen) == 0 &&
            strncmp(r->trials[i].estimator, est, strlen(est)) == 0 && r->trials[i].n == n &&
            r->trials[i].replicate == rep)
            return &r->trials[i];
    return NULL;
}

Test(external, protocols_equal_the_builtin_gaussian_on_every_trial)
{
    const char *text =
        "[study]\nseed = 5\nreplicates = 2\nn = 100, 300\n"
        "[generators]\ngen = gaussian:dim=1|2,rho=0.6\n"
        "[estimators]\nest = gaussian\nest = npg\nest = npgw:protocol=worker\n"
        "est = self:format=h5\n"
        "[external]\nnpg = /usr/bin/python3 @SRC@/tests/external/np_gaussian.py\n"
        "npgw = /usr/bin/python3 @SRC@/tests/external/np_gaussian.py --worker\n"
        "self = sh -c 'exec \"$0\" estimate gaussian \"$1\"' @MIBENCH@\n";
    mib_study s;
    mib_run_report rep;
    mib_results r;
    mib_err err = {""};
    if (access("/usr/bin/python3", X_OK) != 0 || system("/usr/bin/python3 -c 'import numpy'"))
        cr_skip_test("no /usr/bin/python3 with NumPy");
    run_study(text, 2, 0, &s, &rep);
    cr_assert_eq(mib_results_read(out, &r, &err), MIB_OK, "%s", err.msg);
    size_t compared = 0;
    for (size_t i = 0; i < r.ntrials; i++) {
        const mib_trial_row *t = &r.trials[i];
        if (strncmp(t->estimator, "gaussian", 8) != 0)
            continue;
        cr_assert_eq(t->status, MIB_OK, "%s", t->message);
        const char *others[] = {"npg:", "npgw:", "self:"};
        for (int k = 0; k < 3; k++) {
            const mib_trial_row *o = find_trial(&r, t->generator, others[k], t->n, t->replicate);
            cr_assert_not_null(o, "no %s trial for %s n=%ld", others[k], t->generator,
                               (long)t->n);
            cr_assert_eq(o->status, MIB_OK, "%s: %s", o->estimator, o->message);
            cr_expect(fabs(o->estimate - t->estimate) <= 1e-9 * fmax(1, fabs(t->estimate)),
                      "%s %s n=%ld rep %d: %.17g, built-in %.17g", o->estimator, t->generator,
                      (long)t->n, t->replicate, o->estimate, t->estimate);
            compared++;
        }
    }
    cr_assert_eq(compared, 3 * 2 * 2 * 2); /* 3 externals x 2 gens x 2 n x 2 replicates */
    mib_results_free(&r);
    mib_study_free(&s);
}

Test(external, failures_are_failed_trials_and_resume_reruns_none)
{
    const char *text =
        "[study]\nreplicates = 2\nn = 50\n"
        "[generators]\ngen = gaussian\n"
        "[estimators]\nest = gaussian\nest = fail\nest = hang:timeout=0.5\nest = garbage\n"
        "est = crash\nest = nan\nest = silent\nest = missing\nest = closed:timeout=0.5\n"
        "est = badw:protocol=worker\n"
        "[external]\nfail = @SRC@/tests/external/misbehave.sh fail\n"
        "hang = @SRC@/tests/external/misbehave.sh hang\n"
        "garbage = @SRC@/tests/external/misbehave.sh garbage\n"
        "crash = @SRC@/tests/external/misbehave.sh crash\n"
        "nan = @SRC@/tests/external/misbehave.sh nan\n"
        "silent = @SRC@/tests/external/misbehave.sh silent\n"
        "closed = @SRC@/tests/external/misbehave.sh closed\n"
        "missing = /nonexistent/estimator --flag\n"
        "badw = @SRC@/tests/external/misbehave.sh badworker\n";
    static const struct {
        const char *est;
        int status;
        const char *message;
    } want[] = {
        {"fail", MIB_EEXTERNAL, "external 'fail' exited with status 3: cannot fit: singular matrix"},
        {"hang", MIB_ETIMEOUT, "external 'hang' ran longer than timeout=0.5 s and was killed"},
        {"garbage", MIB_EEXTERNAL, "external 'garbage' printed '0.5 nats', not a number"},
        {"crash", MIB_EEXTERNAL, "external 'crash' was killed by signal 11 (Segmentation fault): "
                                 "about to crash"},
        {"nan", MIB_EEXTERNAL, "external 'nan' printed nan"},
        {"silent", MIB_EEXTERNAL, "external 'silent' printed no number"},
        {"missing", MIB_EEXTERNAL, "cannot run '/nonexistent/estimator': No such file"},
        /* closed its pipes and ran on: the deadline still holds */
        {"closed", MIB_ETIMEOUT, "external 'closed' ran longer than timeout=0.5 s"},
        {"badw", MIB_EEXTERNAL, "worker 'badw' answered '{\"answer\": 1}' without a finite"},
    };
    mib_study s;
    mib_run_report rep;
    mib_results r;
    mib_err err = {""};
    run_study(text, 2, 0, &s, &rep);
    cr_assert_eq(rep.trials, 10 * 2);
    cr_assert_eq(rep.failed, 9 * 2);
    cr_assert_eq(mib_results_read(out, &r, &err), MIB_OK, "%s", err.msg);
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        for (int32_t k = 0; k < 2; k++) {
            const mib_trial_row *t = find_trial(&r, r.trials[0].generator, want[w].est, 50, k);
            cr_assert_not_null(t, "%s", want[w].est);
            cr_expect_eq(t->status, want[w].status, "%s: status %d (%s)", want[w].est,
                         t->status, t->message);
            cr_expect(strstr(t->message, want[w].message), "%s: message '%s' lacks '%s'",
                      want[w].est, t->message, want[w].message);
            cr_expect(isnan(t->estimate));
            if (strcmp(want[w].est, "hang") == 0 || strcmp(want[w].est, "closed") == 0)
                cr_expect(t->seconds < 5, "the hung program was not killed in time");
        }
    mib_results_free(&r);
    mib_study_free(&s);
    /* no temporary sample file is left behind */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls %s | grep mibench-)\"", dir);
    cr_expect_eq(system(cmd), 0, "temporary files left in %s", dir);
    /* resume: every trial, failed or not, is recorded, so none runs again */
    run_study(text, 2, 1, &s, &rep);
    cr_expect_eq(rep.ran, 0);
    cr_expect_eq(rep.kept, 10 * 2);
    mib_study_free(&s);
}

Test(external, one_worker_start_per_thread_for_500_trials)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[study]\nreplicates = 250\nn = 30, 40\n"
             "[generators]\ngen = gaussian:rho=0.3\n"
             "[estimators]\nest = npw:protocol=worker\n"
             "[external]\nnpw = /usr/bin/python3 @SRC@/tests/external/np_gaussian.py "
             "--worker %s\n", startlog);
    mib_study s;
    mib_run_report rep;
    if (access("/usr/bin/python3", X_OK) != 0 || system("/usr/bin/python3 -c 'import numpy'"))
        cr_skip_test("no /usr/bin/python3 with NumPy");
    run_study(text, 2, 0, &s, &rep);
    cr_assert_eq(rep.trials, 500);
    cr_assert_eq(rep.failed, 0);
    size_t starts = mib_external_starts(s.externals[0]);
    cr_expect(starts >= 1 && starts <= 2, "%zu worker starts for 2 threads", starts);
    mib_study_free(&s); /* stops the workers */
    FILE *f = fopen(startlog, "r");
    cr_assert_not_null(f);
    int lines = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        lines += c == '\n';
    fclose(f);
    cr_expect_eq((size_t)lines, starts);
}

Test(external, bad_declarations_are_refused)
{
    static const struct {
        const char *name, *command, *message;
    } bad[] = {
        {"ksg1", "true", "estimator name 'ksg1' is already taken"},
        {"a b", "true", "external estimator name 'a b' is not allowed"},
        {"q", "prog 'unbalanced", "does not split into words"},
        {"c", "prog $(rm -rf /)", "uses command substitution"},
        {"a", "prog $((1+2))", "uses arithmetic expansion"},
        {"b", "prog $[1+2]", "uses arithmetic expansion"},
        {"u", "prog $MIBENCH_UNDEFINED_VARIABLE_X", "names an undefined variable"},
        {"e", "   ", "is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mib_study s;
        mib_err err = {""};
        mib_study_init(&s);
        cr_expect_eq(mib_study_add_external(&s, bad[i].name, bad[i].command, &err), MIB_ESPEC,
                     "%s = %s", bad[i].name, bad[i].command);
        cr_expect(strstr(err.msg, bad[i].message), "'%s' lacks '%s'", err.msg, bad[i].message);
        mib_study_free(&s);
    }
    /* a declared one is an estimator of the study, with generic parameters */
    mib_study s;
    mib_err err = {""};
    char canon[256];
    mib_study_init(&s);
    cr_assert_eq(mib_study_add_external(&s, "mine2", "prog --fast", &err), MIB_OK, "%s",
                 err.msg);
    cr_assert_eq(mib_study_add_estimator(&s, "mine2:timeout=10|20", &err), MIB_OK, "%s",
                 err.msg);
    cr_assert_eq(s.nests, 2);
    mib_spec_format(&s.ests[1], canon, sizeof canon);
    cr_expect_str_eq(canon, "mine2:protocol=bmi,format=csv,timeout=20");
    char *decl = mib_study_externals_text(&s);
    cr_expect_str_eq(decl, "mine2 = prog --fast\n");
    free(decl);
    cr_expect_eq(mib_study_add_estimator(&s, "mine2:protocol=grpc", &err), MIB_ESPEC);
    mib_study_free(&s);
}
