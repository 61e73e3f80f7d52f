/* spec.c - spec strings "NAME:key=v1|v2,key=v" against a type's parameter
 * table: split, validate, fill defaults, expand '|' alternatives into their
 * cartesian product, and format the canonical text (or, for seeds, the
 * text without view parameters).
 * Cost: O(length of the text + number of expanded specs * table size).
 * Conventions: keys and words are case-sensitive; surrounding blanks are
 * ignored; numbers use C-locale strtod syntax and must be finite. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/registry.h"

#define MAX_ALTS 256          /* alternatives for one key */
#define MAX_EXPANSION 100000  /* specs one text may expand to */
#define MAX_TEXT 4096

int mib_spec_split(const char *text, char *name, size_t name_len,
                   const char **rest, mib_err *err)
{
    if (!text)
        return mib_fail(err, MIB_ESPEC, "empty spec");
    while (isspace((unsigned char)*text))
        text++;
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0)
        return mib_fail(err, MIB_ESPEC, "spec '%s' has no name before ':'", text);
    if (len >= name_len)
        return mib_fail(err, MIB_ESPEC, "name in spec '%s' is too long", text);
    memcpy(name, text, len);
    name[len] = '\0';
    *rest = colon ? colon + 1 : NULL;
    return MIB_OK;
}

static size_t table_size(const mib_param_spec *t)
{
    size_t n = 0;
    while (t && t[n].name)
        n++;
    return n;
}

static void range_text(const mib_param_spec *p, char *buf, size_t len)
{
    char lo[32], hi[32];
    mib_spec_format_real(p->min, lo, sizeof lo);
    mib_spec_format_real(p->max, hi, sizeof hi);
    const char *what = p->kind == MIB_PARAM_INT || p->kind == MIB_PARAM_INT_OR_CHOICE
                           ? "integer" : "number";
    int open_lo = (p->flags & MIB_OPEN_MIN) != 0, open_hi = (p->flags & MIB_OPEN_MAX) != 0;
    if (isinf(p->min) && isinf(p->max))
        snprintf(buf, len, "%s", what);
    else if (isinf(p->max))
        snprintf(buf, len, "%s %s %s", what, open_lo ? ">" : ">=", lo);
    else if (isinf(p->min))
        snprintf(buf, len, "%s %s %s", what, open_hi ? "<" : "<=", hi);
    else
        snprintf(buf, len, "%s in %c%s, %s%c", what, open_lo ? '(' : '[', lo, hi,
                 open_hi ? ')' : ']');
}

static void choices_text(const mib_param_spec *p, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "one of ");
    for (size_t i = 0; p->choices && p->choices[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 p->choices[i]);
}

void mib_param_describe(const mib_param_spec *p, char *buf, size_t len)
{
    char a[160], b[200];
    switch (p->kind) {
    case MIB_PARAM_CHOICE:
        choices_text(p, buf, len);
        break;
    case MIB_PARAM_INT_OR_CHOICE:
    case MIB_PARAM_REAL_OR_CHOICE:
        range_text(p, a, sizeof a);
        choices_text(p, b, sizeof b);
        snprintf(buf, len, "%s, or %s", a, b);
        break;
    default:
        range_text(p, buf, len);
    }
}

void mib_spec_format_real(double v, char *buf, size_t len)
{
    if (isinf(v)) {
        snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) { /* integers read best without exponent */
        snprintf(buf, len, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static int in_range(const mib_param_spec *p, double v)
{
    if (v < p->min || v > p->max)
        return 0;
    if ((p->flags & MIB_OPEN_MIN) && v == p->min)
        return 0;
    if ((p->flags & MIB_OPEN_MAX) && v == p->max)
        return 0;
    return 1;
}

/* Parse one value word (no '|') for parameter p. */
static int parse_value(const mib_type_info *info, const char *what,
                       const mib_param_spec *p, const char *word,
                       mib_value *out, mib_err *err)
{
    char allowed[256];
    mib_param_describe(p, allowed, sizeof allowed);
    if (*word == '\0')
        return mib_fail(err, MIB_ESPEC, "%s '%s': empty value for '%s'; allowed: %s",
                        what, info->name, p->name, allowed);
    out->set = 1;
    out->choice = -1;
    out->num = 0;
    if (p->kind != MIB_PARAM_INT && p->kind != MIB_PARAM_REAL) {
        for (int i = 0; p->choices && p->choices[i]; i++)
            if (strcmp(word, p->choices[i]) == 0) {
                out->choice = i;
                return MIB_OK;
            }
        if (p->kind == MIB_PARAM_CHOICE)
            return mib_fail(err, MIB_ESPEC, "%s '%s': %s='%s' is not allowed; allowed: %s",
                            what, info->name, p->name, word, allowed);
    }
    char *end;
    errno = 0;
    double v = strtod(word, &end);
    if (end == word || *end != '\0')
        return mib_fail(err, MIB_ESPEC, "%s '%s': %s='%s' is not a number; allowed: %s",
                        what, info->name, p->name, word, allowed);
    if (!isfinite(v))
        return mib_fail(err, MIB_ESPEC, "%s '%s': %s='%s' is not finite; allowed: %s",
                        what, info->name, p->name, word, allowed);
    int integral = p->kind == MIB_PARAM_INT || p->kind == MIB_PARAM_INT_OR_CHOICE;
    if (integral && (v != floor(v) || fabs(v) > 9007199254740992.0))
        return mib_fail(err, MIB_ESPEC, "%s '%s': %s='%s' is not an integer; allowed: %s",
                        what, info->name, p->name, word, allowed);
    if (!in_range(p, v))
        return mib_fail(err, MIB_ESPEC, "%s '%s': %s=%s is out of range; allowed: %s",
                        what, info->name, p->name, word, allowed);
    out->num = v;
    return MIB_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static const char *param_names(const mib_param_spec *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; t && t[i].name && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t[i].name);
    if (used == 0)
        snprintf(buf, len, "(none)");
    return buf;
}

/* Alternatives per table row; count 0 = not given by the user. */
typedef struct {
    size_t count[MIB_MAX_PARAMS];
    mib_value alt[MIB_MAX_PARAMS][MAX_ALTS];
} alternatives;

static int parse_items(const mib_type_info *info, const char *what, char *text,
                       alternatives *alts, mib_err *err)
{
    const mib_param_spec *t = info->params;
    char names[512];
    for (char *item = text, *next; item; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *eq = strchr(item, '=');
        char *key = trim(item);
        if (*key == '\0')
            return mib_fail(err, MIB_ESPEC, "%s '%s': empty item in parameter list (stray ',')",
                            what, info->name);
        if (!eq)
            return mib_fail(err, MIB_ESPEC, "%s '%s': '%s' is not key=value", what,
                            info->name, key);
        *eq = '\0';
        key = trim(key);
        int idx = -1;
        for (size_t i = 0; t && t[i].name; i++)
            if (strcmp(t[i].name, key) == 0)
                idx = (int)i;
        if (idx < 0)
            return mib_fail(err, MIB_ESPEC, "%s '%s': unknown parameter '%s'; known: %s", what,
                            info->name, key, param_names(t, names, sizeof names));
        if (alts->count[idx])
            return mib_fail(err, MIB_ESPEC, "%s '%s': parameter '%s' given twice", what,
                            info->name, key);
        for (char *word = eq + 1, *bar; word; word = bar) {
            bar = strchr(word, '|');
            if (bar)
                *bar++ = '\0';
            if (alts->count[idx] == MAX_ALTS)
                return mib_fail(err, MIB_ESPEC, "%s '%s': more than %d alternatives for '%s'",
                                what, info->name, MAX_ALTS, key);
            int st = parse_value(info, what, &t[idx], trim(word),
                                 &alts->alt[idx][alts->count[idx]], err);
            if (st)
                return st;
            alts->count[idx]++;
        }
    }
    return MIB_OK;
}

/* Fill defaults for rows the user did not give, honouring `excludes`. */
static int fill_defaults(const mib_type_info *info, const char *what,
                         alternatives *alts, mib_err *err)
{
    const mib_param_spec *t = info->params;
    size_t n = table_size(t);
    int given[MIB_MAX_PARAMS];
    for (size_t i = 0; i < n; i++)
        given[i] = alts->count[i] > 0;
    for (size_t i = 0; i < n; i++) {
        int other = -1;
        for (size_t j = 0; t[i].excludes && j < n; j++)
            if (strcmp(t[j].name, t[i].excludes) == 0)
                other = (int)j;
        int other_given = other >= 0 && given[other];
        if (given[i] && other_given)
            return mib_fail(err, MIB_ESPEC, "%s '%s': give either '%s' or '%s', not both",
                            what, info->name, t[i].name, t[other].name);
        if (given[i])
            continue;
        alts->count[i] = 1;
        alts->alt[i][0] = (mib_value){.set = 0, .choice = -1, .num = 0};
        if (!t[i].def || other_given)
            continue;
        int st = parse_value(info, what, &t[i], t[i].def, &alts->alt[i][0], err);
        assert(st == MIB_OK && "a default in a parameter table is invalid");
        if (st)
            return st;
    }
    return MIB_OK;
}

int mib_spec_expand(const mib_registry *reg, const mib_type_info *info,
                    const char *params, mib_spec **out, size_t *count,
                    mib_err *err)
{
    if (!reg || !info || !out || !count)
        return mib_fail(err, MIB_EINVAL, "mib_spec_expand: NULL argument");
    const char *what = reg->what ? reg->what : "type";
    int st = MIB_OK;
    char *text = NULL;
    alternatives *alts = NULL;
    mib_spec *specs = NULL;
    size_t n = table_size(info->params), total = 1;
    assert(n <= MIB_MAX_PARAMS);
    *out = NULL;
    *count = 0;

    alts = calloc(1, sizeof *alts);
    if (!alts) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory parsing a spec");
        goto done;
    }
    if (params && strlen(params) > MAX_TEXT) {
        st = mib_fail(err, MIB_ESPEC, "%s '%s': parameter text longer than %d characters",
                      what, info->name, MAX_TEXT);
        goto done;
    }
    if (params && *params) {
        text = strdup(params);
        if (!text) {
            st = mib_fail(err, MIB_ENOMEM, "out of memory parsing a spec");
            goto done;
        }
        if ((st = parse_items(info, what, text, alts, err)))
            goto done;
    }
    if ((st = fill_defaults(info, what, alts, err)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        total *= alts->count[i];
        if (total > MAX_EXPANSION) {
            st = mib_fail(err, MIB_ESPEC, "%s '%s': alternatives expand to more than %d specs",
                          what, info->name, MAX_EXPANSION);
            goto done;
        }
    }
    specs = calloc(total, sizeof *specs);
    if (!specs) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory expanding a spec");
        goto done;
    }
    /* Mixed-radix counter over alternatives; the last row varies fastest. */
    for (size_t k = 0; k < total; k++) {
        size_t rem = k;
        specs[k].registry = reg;
        specs[k].info = info;
        specs[k].nparams = n;
        for (size_t i = n; i-- > 0;) {
            specs[k].v[i] = alts->alt[i][rem % alts->count[i]];
            rem /= alts->count[i];
        }
    }
    *out = specs;
    *count = total;
    specs = NULL;
done:
    free(specs);
    free(text);
    free(alts);
    return st;
}

/* The canonical text, leaving out the parameters with any of the flags skip. */
static int format_without(const mib_spec *spec, unsigned skip, char *buf, size_t len)
{
    const mib_param_spec *t = spec->info->params;
    size_t used = (size_t)snprintf(buf, len, "%s", spec->info->name);
    int first = 1;
    for (size_t i = 0; i < spec->nparams && used < len; i++) {
        const mib_value *v = &spec->v[i];
        if (!v->set || (t[i].flags & skip))
            continue;
        char num[40];
        const char *word = num;
        if (v->choice >= 0)
            word = t[i].choices[v->choice];
        else if (t[i].kind == MIB_PARAM_INT || t[i].kind == MIB_PARAM_INT_OR_CHOICE)
            snprintf(num, sizeof num, "%.0f", v->num);
        else
            mib_spec_format_real(v->num, num, sizeof num);
        used += (size_t)snprintf(buf + used, len - used, "%c%s=%s", first ? ':' : ',',
                                 t[i].name, word);
        first = 0;
    }
    return used < len ? MIB_OK : MIB_EINVAL;
}

int mib_spec_format(const mib_spec *spec, char *buf, size_t len)
{
    return format_without(spec, 0, buf, len);
}

int mib_spec_format_draw(const mib_spec *spec, char *buf, size_t len)
{
    return format_without(spec, MIB_PARAM_VIEW, buf, len);
}

int mib_spec_index(const mib_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->nparams; i++)
        if (strcmp(spec->info->params[i].name, name) == 0)
            return (int)i;
    return -1;
}
