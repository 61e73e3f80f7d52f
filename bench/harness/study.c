/* study.c - study files (INI, parsed by libinih) and the study built from
 * command-line flags, through the same mib_study_add_* functions.
 * libinih reports only the first bad line's number, so the text is fed to
 * it line by line through a reader that counts lines: every message then
 * names the line it is about. Specs are expanded ('|' alternatives) and
 * canonicalised on reading; a spec given twice is kept once. Declarations
 * ([external], [plugins]) are read in a first pass, so that specs may
 * name what they declare wherever the sections stand.
 * Cost: O(text length + expanded specs * their parameter count). */
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"
#include "bench/external/external.h"
#include "bench/external/plugin.h"

#define MAX_SIZE 1000000000.0 /* largest n a study may ask for */

void mib_study_init(mib_study *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "study");
    snprintf(s->tmp_dir, sizeof s->tmp_dir, "/tmp");
    s->seed = 1;
    s->replicates = 10;
}

void mib_study_free(mib_study *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nbuilt; i++) /* before the plugins that made them */
        mib_generator_free(s->built[i]);
    free(s->built);
    free(s->n);
    free(s->gens);
    free(s->ests);
    free(s->limits);
    free(s->text);
    mib_registry_free(s->estimators);
    mib_registry_free(s->generators);
    for (size_t i = 0; i < s->nexternals; i++)
        mib_external_free(s->externals[i]);
    free(s->externals);
    for (size_t i = 0; i < s->nplugins; i++) /* last: the registries pointed into them */
        mib_plugin_close(s->plugins[i]);
    free(s->plugins);
    mib_study_init(s);
}

/* The study's own estimator registry, made on first use from the
 * built-in one. */
static int own_estimators(mib_study *s, mib_err *err)
{
    return s->estimators ? MIB_OK
                         : mib_registry_create(MIB_REGISTRY_ESTIMATOR, "estimator",
                                               &mib_estimator_registry, &s->estimators, err);
}

/* The study's own generator registry, the same way. */
static int own_generators(mib_study *s, mib_err *err)
{
    return s->generators ? MIB_OK
                         : mib_registry_create(MIB_REGISTRY_GENERATOR, "generator",
                                               &mib_generator_registry, &s->generators, err);
}

int mib_study_add_external(mib_study *s, const char *name, const char *command, mib_err *err)
{
    mib_external *e = NULL;
    mib_external **grown = realloc(s->externals, (s->nexternals + 1) * sizeof *grown);
    int st = grown ? MIB_OK : mib_fail(err, MIB_ENOMEM, "out of memory declaring '%s'", name);
    if (grown)
        s->externals = grown;
    if (st || (st = own_estimators(s, err)) ||
        (st = mib_external_create(name, command, s->tmp_dir, &e, err)) ||
        (st = mib_registry_add(s->estimators, &mib_external_type(e)->info, err))) {
        mib_external_free(e);
        return st;
    }
    s->externals[s->nexternals++] = e;
    return MIB_OK;
}

/* MIB_ESPEC when a type of the plugin has a name r already holds. */
static int names_free(const mib_plugin *p, int kind, const mib_registry *r, mib_err *err)
{
    for (size_t i = 0; i < mib_plugin_count(p, kind); i++) {
        const char *name = mib_plugin_info(p, kind, i)->name;
        if (mib_registry_find(r, name))
            return mib_fail(err, MIB_ESPEC, "plugin '%s': %s name '%s' is already taken",
                            mib_plugin_path(p), r->what, name);
    }
    return MIB_OK;
}

static int add_types(const mib_plugin *p, int kind, mib_registry *r, mib_err *err)
{
    int st = MIB_OK;
    for (size_t i = 0; i < mib_plugin_count(p, kind) && !st; i++)
        st = mib_registry_add(r, mib_plugin_info(p, kind, i), err);
    return st;
}

int mib_study_add_plugin(mib_study *s, const char *path, mib_err *err)
{
    mib_plugin *p = NULL;
    if (!s || !path)
        return mib_fail(err, MIB_EINVAL, "mib_study_add_plugin: NULL argument");
    mib_plugin **grown = realloc(s->plugins, (s->nplugins + 1) * sizeof *grown);
    int st = grown ? MIB_OK : mib_fail(err, MIB_ENOMEM, "out of memory loading '%s'", path);
    if (grown)
        s->plugins = grown;
    if (st || (st = mib_plugin_open(path, &p, err)))
        return st;
    int loaded = 0;
    for (size_t i = 0; i < s->nplugins; i++)
        loaded |= mib_plugin_same(s->plugins[i], p);
    /* every name is checked before any is added, so a refused plugin adds
     * nothing and can be closed */
    if (loaded || (st = own_estimators(s, err)) || (st = own_generators(s, err)) ||
        (st = names_free(p, MIB_REGISTRY_ESTIMATOR, s->estimators, err)) ||
        (st = names_free(p, MIB_REGISTRY_GENERATOR, s->generators, err))) {
        mib_plugin_close(p); /* refused, or that object is loaded already */
        return st;
    }
    /* the registries may point into it from here on: it is closed with
     * the study, even if adding runs out of memory half-way */
    s->plugins[s->nplugins++] = p;
    if (!(st = add_types(p, MIB_REGISTRY_ESTIMATOR, s->estimators, err)))
        st = add_types(p, MIB_REGISTRY_GENERATOR, s->generators, err);
    return st;
}

char *mib_study_externals_text(const mib_study *s)
{
    size_t len = 1;
    for (size_t i = 0; i < s->nexternals; i++)
        len += strlen(mib_external_type(s->externals[i])->info.name) +
               strlen(mib_external_command(s->externals[i])) + 4;
    char *text = malloc(len), *p = text;
    for (size_t i = 0; text && i < s->nexternals; i++)
        p += sprintf(p, "%s = %s\n", mib_external_type(s->externals[i])->info.name,
                     mib_external_command(s->externals[i]));
    if (text)
        *p = '\0';
    return text;
}

/* Append the expanded specs to *list, dropping ones already there. */
static int add_specs(mib_spec **list, size_t *count, const mib_spec *add, size_t nadd,
                     const char *what, mib_err *err)
{
    mib_spec *grown = realloc(*list, (*count + nadd) * sizeof *grown);
    if (!grown)
        return mib_fail(err, MIB_ENOMEM, "out of memory reading %s specs", what);
    *list = grown;
    for (size_t i = 0; i < nadd; i++) {
        char a[MIB_SPEC_LEN], b[MIB_SPEC_LEN];
        if (mib_spec_format(&add[i], a, sizeof a))
            return mib_fail(err, MIB_ESPEC, "%s '%s': canonical spec longer than %d characters",
                            what, add[i].info->name, MIB_SPEC_LEN - 1);
        int dup = 0;
        for (size_t j = 0; j < *count && !dup; j++)
            dup = grown[j].info == add[i].info && mib_spec_format(&grown[j], b, sizeof b) == 0 &&
                  strcmp(a, b) == 0;
        if (!dup)
            grown[(*count)++] = add[i];
    }
    return MIB_OK;
}

/* Build gens[first ..], this line's specs, so cross-parameter errors get
 * the line's number, and keep them in built (unless gens was extended by
 * hand since the last line); on failure the line's specs are dropped. */
static int build_new(mib_study *s, size_t first, mib_err *err)
{
    int keep = s->nbuilt == first, st = MIB_OK;
    if (keep) {
        mib_generator **grown = realloc(s->built, (s->ngens ? s->ngens : 1) * sizeof *grown);
        if (!grown)
            return mib_fail(err, MIB_ENOMEM, "out of memory building generators");
        s->built = grown;
    }
    for (size_t i = first; i < s->ngens && !st; i++) {
        mib_generator *g = NULL;
        if (!(st = mib_generator_alloc(&s->gens[i], &g, err)) && keep)
            s->built[s->nbuilt++] = g;
        else
            mib_generator_free(g);
    }
    if (st) {
        while (s->nbuilt > first)
            mib_generator_free(s->built[--s->nbuilt]);
        s->ngens = first;
    }
    return st;
}

int mib_study_add_generator(mib_study *s, const char *spec, mib_err *err)
{
    mib_spec *specs = NULL;
    size_t n = 0, first = s->ngens;
    const mib_registry *reg = s->generators ? s->generators : &mib_generator_registry;
    int st = mib_registry_expand(reg, spec, &specs, &n, err);
    if (!st && !(st = add_specs(&s->gens, &s->ngens, specs, n, "generator", err)))
        st = build_new(s, first, err);
    free(specs);
    return st;
}

int mib_study_add_estimator(mib_study *s, const char *spec, mib_err *err)
{
    mib_spec *specs = NULL;
    size_t n = 0;
    const mib_registry *reg = s->estimators ? s->estimators : &mib_estimator_registry;
    int st = mib_registry_expand(reg, spec, &specs, &n, err);
    if (!st)
        st = add_specs(&s->ests, &s->nests, specs, n, "estimator", err);
    free(specs);
    return st;
}

/* A sample size: an integer in [2, MAX_SIZE], written as 1000 or 1e3. */
static int parse_size(const char *word, size_t *out, mib_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(word, &end);
    if (end == word || *end != '\0' || errno || !(v >= 2 && v <= MAX_SIZE) || v != floor(v))
        return mib_fail(err, MIB_ESPEC,
                        "sample size '%s' is not allowed; allowed: integer in [2, %.0f]", word,
                        MAX_SIZE);
    *out = (size_t)v;
    return MIB_OK;
}

int mib_study_add_sizes(mib_study *s, const char *list, mib_err *err)
{
    int st = MIB_OK;
    char *text = strdup(list ? list : "");
    if (!text)
        return mib_fail(err, MIB_ENOMEM, "out of memory reading sample sizes");
    size_t added = 0;
    for (char *save = NULL, *w = strtok_r(text, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save)) {
        size_t n = 0;
        if ((st = parse_size(w, &n, err)))
            goto done;
        int dup = 0;
        for (size_t i = 0; i < s->nn; i++)
            dup |= s->n[i] == n;
        if (dup)
            continue;
        size_t *grown = realloc(s->n, (s->nn + 1) * sizeof *grown);
        if (!grown) {
            st = mib_fail(err, MIB_ENOMEM, "out of memory reading sample sizes");
            goto done;
        }
        s->n = grown;
        s->n[s->nn++] = n;
        added++;
    }
    if (added == 0 && s->nn == 0)
        st = mib_fail(err, MIB_ESPEC, "no sample sizes in '%s'; give e.g. 100, 1000", list);
done:
    free(text);
    return st;
}

int mib_study_add_limit(mib_study *s, const char *estimator, const char *max_n, mib_err *err)
{
    size_t n = 0;
    if (!mib_registry_find(s->estimators ? s->estimators : &mib_estimator_registry, estimator))
        return mib_fail(err, MIB_ESPEC, "limit for unknown estimator '%s'", estimator);
    if (strlen(estimator) >= sizeof s->limits[0].estimator)
        return mib_fail(err, MIB_ESPEC, "estimator name '%s' is too long", estimator);
    int st = parse_size(max_n, &n, err);
    if (st)
        return st;
    mib_study_limit *grown = realloc(s->limits, (s->nlimits + 1) * sizeof *grown);
    if (!grown)
        return mib_fail(err, MIB_ENOMEM, "out of memory reading limits");
    s->limits = grown;
    snprintf(grown[s->nlimits].estimator, sizeof grown[0].estimator, "%s", estimator);
    grown[s->nlimits++].max_n = n;
    return MIB_OK;
}

int mib_study_check(const mib_study *s, mib_err *err)
{
    if (s->ngens == 0)
        return mib_fail(err, MIB_EINVAL, "the study names no generator");
    if (s->nests == 0)
        return mib_fail(err, MIB_EINVAL, "the study names no estimator");
    if (s->nn == 0)
        return mib_fail(err, MIB_EINVAL, "the study gives no sample size n");
    return MIB_OK;
}

int mib_study_skips(const mib_study *s, const mib_spec *e, size_t n)
{
    for (size_t i = 0; i < s->nlimits; i++)
        if (strcmp(s->limits[i].estimator, e->info->name) == 0 && n > s->limits[i].max_n)
            return 1;
    return 0;
}

/* ---- the INI reader ---- */

typedef struct parse_ctx {
    mib_study *study;
    int declarations;  /* 1: this pass reads only [external] and [plugins]; 0: the rest */
    const char *pos;   /* next unread character of the text */
    int line;          /* number of the line last handed to inih */
    int err_line;      /* line of the first handler error, 0 if none */
    int status;
    mib_err err;
} parse_ctx;

/* fgets over the text, counting lines; an over-long line is an error
 * (libinih would otherwise split it in two). */
static char *read_line(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (*c->pos == '\0')
        return NULL;
    const char *nl = strchr(c->pos, '\n');
    size_t len = nl ? (size_t)(nl - c->pos) + 1 : strlen(c->pos);
    c->line++;
    if (len > (size_t)num - 1 && !c->err_line) {
        c->err_line = c->line;
        c->status = mib_fail(&c->err, MIB_ESPEC, "line longer than %d characters",
                             MIB_STUDY_MAX_LINE);
    }
    size_t copy = len < (size_t)num - 1 ? len : (size_t)num - 1;
    memcpy(str, c->pos, copy);
    str[copy] = '\0';
    if (copy < len && copy > 0)
        str[copy - 1] = '\n'; /* the tail is dropped (and reported above) */
    c->pos += len;
    return str;
}

static int study_key(mib_study *s, const char *name, const char *value, mib_err *err)
{
    unsigned long long v;
    char *end;
    if (strcmp(name, "name") == 0) {
        if (!*value || strlen(value) >= sizeof s->name || strpbrk(value, "/\\ \t"))
            return mib_fail(err, MIB_ESPEC,
                            "name '%s' is not allowed; allowed: 1 to %zu characters, no blanks "
                            "or slashes", value, sizeof s->name - 1);
        snprintf(s->name, sizeof s->name, "%s", value);
        return MIB_OK;
    }
    if (strcmp(name, "seed") == 0) {
        errno = 0;
        v = strtoull(value, &end, 0);
        if (!*value || *value == '-' || *end || errno)
            return mib_fail(err, MIB_ESPEC,
                            "seed '%s' is not allowed; allowed: integer in [0, 2^64 - 1]", value);
        s->seed = v;
        return MIB_OK;
    }
    if (strcmp(name, "replicates") == 0) {
        errno = 0;
        v = strtoull(value, &end, 10);
        if (!*value || *value == '-' || *end || errno || v < 1 || v > 100000)
            return mib_fail(err, MIB_ESPEC,
                            "replicates '%s' is not allowed; allowed: integer in [1, 100000]",
                            value);
        s->replicates = (int)v;
        return MIB_OK;
    }
    if (strcmp(name, "n") == 0)
        return mib_study_add_sizes(s, value, err);
    return mib_fail(err, MIB_ESPEC, "unknown key '%s' in [study]; known: name, seed, "
                    "replicates, n", name);
}

/* A [plugins] line: plugin = PATH.so. */
static int plugin_key(mib_study *s, const char *name, const char *value, mib_err *err)
{
    return strcmp(name, "plugin") == 0
               ? mib_study_add_plugin(s, value, err)
               : mib_fail(err, MIB_ESPEC, "unknown key '%s' in [plugins]; write plugin = "
                          "PATH.so", name);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    mib_err e = {""};
    int st = MIB_OK;
    int plugins = strcmp(section, "plugins") == 0;
    if ((plugins || strcmp(section, "external") == 0) != c->declarations)
        ; /* the other pass reads it */
    else if (plugins)
        st = plugin_key(c->study, name, value, &e);
    else if (c->declarations)
        st = mib_study_add_external(c->study, name, value, &e);
    else if (strcmp(section, "study") == 0)
        st = study_key(c->study, name, value, &e);
    else if (strcmp(section, "generators") == 0)
        st = strcmp(name, "gen") == 0
                 ? mib_study_add_generator(c->study, value, &e)
                 : mib_fail(&e, MIB_ESPEC, "unknown key '%s' in [generators]; write "
                            "gen = SPEC", name);
    else if (strcmp(section, "estimators") == 0)
        st = strcmp(name, "est") == 0
                 ? mib_study_add_estimator(c->study, value, &e)
                 : mib_fail(&e, MIB_ESPEC, "unknown key '%s' in [estimators]; write "
                            "est = SPEC", name);
    else if (strcmp(section, "limits") == 0)
        st = mib_study_add_limit(c->study, name, value, &e);
    else if (*section == '\0')
        st = mib_fail(&e, MIB_ESPEC, "'%s' comes before any [section]", name);
    else
        st = mib_fail(&e, MIB_ESPEC, "unknown section [%s]; known: study, generators, "
                      "estimators, limits, external, plugins", section);
    if (st && !c->err_line) { /* keep the first error only */
        c->err_line = c->line;
        c->status = st;
        c->err = e;
    }
    return st == MIB_OK;
}

/* One pass of libinih over the whole text. Syntax errors are left to the
 * second pass, which reads every line too and reports them in order with
 * the other errors. */
static void parse_pass(parse_ctx *c, const char *text)
{
    c->pos = text;
    c->line = 0;
    int line = ini_parse_stream(read_line, c, handler, c);
    if (c->declarations && c->err_line != line)
        return;
    if (line > 0 && c->err_line != line) { /* a syntax error came first */
        c->err_line = line;
        c->status = mib_fail(&c->err, MIB_ESPEC, "expected 'key = value' or '[section]'");
    } else if (line < 0 && !c->status) {
        c->status = mib_fail(&c->err, MIB_ENOMEM, "out of memory reading the study");
    }
}

int mib_study_parse(const char *text, const char *origin, mib_study *s, mib_err *err)
{
    parse_ctx c = {.study = s, .declarations = 1, .status = MIB_OK};
    char where[300] = "";
    parse_pass(&c, text); /* declarations first: est = lines may name them */
    if (!c.status) {
        c.declarations = 0;
        parse_pass(&c, text);
    }
    if (origin)
        snprintf(where, sizeof where, "%s:", origin);
    if (c.status) {
        mib_fail(err, c.status, "%s%d: %s", where, c.err_line, c.err.msg);
        goto fail;
    }
    if ((c.status = mib_study_check(s, &c.err))) {
        mib_fail(err, c.status, "%s: %s", origin ? origin : "study", c.err.msg);
        goto fail;
    }
    if (!(s->text = strdup(text))) {
        c.status = mib_fail(err, MIB_ENOMEM, "out of memory reading the study");
        goto fail;
    }
    return MIB_OK;
fail:
    mib_study_free(s);
    return c.status;
}

int mib_study_load(const char *path, mib_study *s, mib_err *err)
{
    int st = MIB_OK;
    char *text = NULL;
    long len;
    FILE *f = fopen(path, "rb");
    if (!f) {
        st = mib_fail(err, MIB_EIO, "cannot open study file '%s': %s", path, strerror(errno));
        goto done;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        len > (1L << 24)) {
        st = mib_fail(err, MIB_EIO, "cannot read study file '%s' (not a regular file under "
                      "16 MiB)", path);
        goto done;
    }
    if (!(text = malloc((size_t)len + 1))) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", path);
        goto done;
    }
    if (fread(text, 1, (size_t)len, f) != (size_t)len) {
        st = mib_fail(err, MIB_EIO, "cannot read study file '%s'", path);
        goto done;
    }
    text[len] = '\0';
    if (strlen(text) != (size_t)len) {
        st = mib_fail(err, MIB_ESPEC, "study file '%s' contains a NUL byte (not a text file)",
                      path);
        goto done;
    }
    st = mib_study_parse(text, path, s, err);
done:
    free(text);
    if (f)
        fclose(f);
    if (st)
        mib_study_free(s);
    return st;
}
