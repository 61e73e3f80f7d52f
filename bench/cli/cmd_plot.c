/* cmd_plot.c - `mibench plot OUT.h5 [-o DIR] [--format png|svg|pdf]
 * [--scripts DIR] [--gnuplot PROG] [--timeout S] [--bits]`: every figure
 * of a results file drawn by gnuplot into DIR (default: the results path
 * without its extension), with the TSV tables, the .gp scripts and an
 * index.html; --bits gives the tables, figures and page in bits. The
 * results file is only read (and stays in nats). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/config.h"
#include "bench/plot/plot.h"

static const char usage_text[] =
    "usage: mibench plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--scripts DIR] [--gnuplot PROG]\n"
    "                    [--timeout SECONDS] [--bits]\n"
    "Draws the figures of a results file with gnuplot: bias, variance and MSE, and time\n"
    "against N per generator; estimate against true MI; training curves (when the file has\n"
    "any); bmi's heatmap (mean estimates beside the true MI, coloured by relative error,\n"
    "failed runs marked) and \"samples needed\" (the smallest N whose mean is within a\n"
    "factor 1.5 of the true MI); for the views of one Markov chain draw, how often\n"
    "the estimates break the data-processing inequality. DIR (default: OUT.h5 without its\n"
    "extension) gets one TSV table and one figure per plot, the gnuplot scripts to redraw\n"
    "them by hand, and index.html. --scripts: where the .gp scripts are (default\n"
    "$MIBENCH_SCRIPTS, else the source tree's scripts/, else the installed copy); --gnuplot:\n"
    "the program (default gnuplot, from PATH); --timeout: seconds allowed per figure\n"
    "(default 120); --bits: the tables, figures and index.html in bits (MI / ln 2,\n"
    "variance and MSE / ln(2)^2; the results file stays in nats).\n";

/* The source tree's scripts while it exists (a build used in place), else the
 * copy `meson install` put under the data directory. */
static const char *default_scripts_dir(void)
{
    if (access(MIB_SOURCE_ROOT "/scripts/mibench.gp", R_OK) == 0)
        return MIB_SOURCE_ROOT "/scripts";
    return MIB_DATA_DIR "/scripts";
}

/* results/default.h5 -> results/default; a name without extension gets ".plots". */
static char *default_dir(const char *path)
{
    size_t len = strlen(path);
    char *d = malloc(len + 8);
    if (!d)
        return NULL;
    memcpy(d, path, len + 1);
    char *base = strrchr(d, '/');
    base = base ? base + 1 : d;
    char *dot = strrchr(base, '.');
    if (dot && dot > base)
        *dot = '\0';
    else
        strcat(d, ".plots");
    return d;
}

int cmd_plot(int argc, char **argv)
{
    const char *file = NULL, *dir = NULL, *format = "png", *scripts = getenv("MIBENCH_SCRIPTS");
    const char *gnuplot = "gnuplot";
    size_t timeout = 120;
    mib_plot_unit unit = MIB_PLOT_NATS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ? &dir
                              : strcmp(a, "--format") == 0                      ? &format
                              : strcmp(a, "--scripts") == 0                     ? &scripts
                              : strcmp(a, "--gnuplot") == 0                     ? &gnuplot
                                                                                : NULL;
        if (cli_is_help(a)) {
            fputs(usage_text, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--bits") == 0) {
            unit = MIB_PLOT_BITS;
        } else if (target || strcmp(a, "--timeout") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return cli_fail(CLI_EXIT_USAGE, "plot", "%s needs a value", a);
            if (target)
                *target = argv[++i];
            else if (cli_parse_size(argv[++i], 1, 86400, &timeout))
                return cli_fail(CLI_EXIT_USAGE, "plot", "--timeout '%s': give whole seconds in 1..86400",
                                argv[i]);
        } else if (a[0] == '-' && a[1]) {
            return cli_fail(CLI_EXIT_USAGE, "plot", "unknown option '%s'; see 'mibench plot --help'", a);
        } else if (file) {
            return cli_fail(CLI_EXIT_USAGE, "plot", "give one results file (got '%s' and '%s')", file, a);
        } else {
            file = a;
        }
    }
    if (!file)
        return cli_fail(CLI_EXIT_USAGE, "plot", "missing the results file; see 'mibench plot --help'");

    mib_plot_render_options o = {.scripts_dir = scripts && *scripts ? scripts : default_scripts_dir(),
                                 .gnuplot = gnuplot, .timeout = (double)timeout};
    mib_err err = {""};
    if (mib_plot_format_parse(format, &o.format, &err))
        return cli_fail(CLI_EXIT_USAGE, "plot", "--%s", err.msg);
    mib_results r = {0};
    mib_plot_set set = {0};
    char *owned = NULL;
    int rc = CLI_EXIT_FAIL, st;
    if ((st = mib_results_read(file, &r, &err))) {
        rc = cli_fail(cli_status_exit(st), "plot", "%s: %s", file, err.msg);
        goto done;
    }
    if (!dir && !(dir = owned = default_dir(file))) {
        rc = cli_fail(CLI_EXIT_FAIL, "plot", "out of memory");
        goto done;
    }
    o.dir = dir;
    if ((st = mib_plot_export_unit(&r, dir, unit, &set, &err)) ||
        (st = mib_plot_copy_scripts(&set, &o, &err))) {
        rc = cli_fail(cli_status_exit(st), "plot", "%s", err.msg);
        goto done;
    }
    for (size_t i = 0; i < set.nfigs; i++)
        if ((st = mib_plot_render(&set.figs[i], &o, &err))) {
            rc = cli_fail(CLI_EXIT_FAIL, "plot", "%s", err.msg);
            goto done;
        }
    if ((st = mib_plot_write_index(&r, &set, dir, o.format, file, &err))) {
        rc = cli_fail(CLI_EXIT_FAIL, "plot", "%s", err.msg);
        goto done;
    }
    if (!set.ncurve_cells)
        printf("no training curves in %s: curve figures skipped\n", file);
    printf("%zu figures (%s) in %s/\n%s/index.html\n", set.nfigs, format, dir, dir);
    rc = CLI_EXIT_OK;
done:
    mib_plot_set_free(&set);
    mib_results_free(&r);
    free(owned);
    return rc;
}
