/* test_spec.c - the spec-string parser against a table defined here:
 * defaults, canonical form, alternatives, exclusive pairs, and every kind of
 * malformed text (each must fail with a message naming the culprit). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/mibench.h"

static const char *const modes[] = {"fast", "slow", NULL};
static const char *const rules[] = {"sturges", "fd", NULL};
static const mib_param_spec params[] = {
    {.name = "k", .kind = MIB_PARAM_INT, .def = "3", .min = 1, .max = 100, .help = "neighbours"},
    {.name = "rho", .kind = MIB_PARAM_REAL, .def = "0.5", .min = -1, .max = 1,
     .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = "correlation", .excludes = "mi"},
    {.name = "mi", .kind = MIB_PARAM_REAL, .def = NULL, .min = 0, .max = INFINITY,
     .help = "target MI", .excludes = "rho"},
    {.name = "mode", .kind = MIB_PARAM_CHOICE, .def = "fast", .choices = modes, .help = "mode"},
    {.name = "bins", .kind = MIB_PARAM_INT_OR_CHOICE, .def = "fd", .min = 1, .max = 1000,
     .choices = rules, .help = "bins"},
    {.name = NULL},
};
static const mib_type_info info = {"toy", "a toy type", params};

static const mib_type_info *const types[] = {&info, NULL};
static const mib_registry reg = {
    .kind = MIB_REGISTRY_ESTIMATOR, .what = "estimator", .types = types};
static const mib_registry greg = {
    .kind = MIB_REGISTRY_GENERATOR, .what = "generator", .types = types};

static void canon(const char *text, const char *want)
{
    mib_spec s;
    mib_err err = {""};
    char buf[256];
    int st = mib_registry_parse(&reg, text, &s, &err);
    cr_assert_eq(st, MIB_OK, "'%s' failed: %s", text, err.msg);
    cr_assert_eq(mib_spec_format(&s, buf, sizeof buf), MIB_OK);
    cr_assert_str_eq(buf, want, "'%s' -> '%s', want '%s'", text, buf, want);
}

Test(spec, defaults_and_canonical_order)
{
    canon("toy", "toy:k=3,rho=0.5,mode=fast,bins=fd");
    canon("toy:", "toy:k=3,rho=0.5,mode=fast,bins=fd");
    canon("toy:mode=slow,k=7", "toy:k=7,rho=0.5,mode=slow,bins=fd");
    canon(" toy : k = 5 ", "toy:k=5,rho=0.5,mode=fast,bins=fd");
    canon("toy:bins=12", "toy:k=3,rho=0.5,mode=fast,bins=12");
    canon("toy:k=1e1", "toy:k=10,rho=0.5,mode=fast,bins=fd");
}

Test(spec, shortest_round_trip_numbers)
{
    canon("toy:rho=0.10000000000000000555", "toy:k=3,rho=0.1,mode=fast,bins=fd");
    canon("toy:rho=-.25", "toy:k=3,rho=-0.25,mode=fast,bins=fd");
    canon("toy:mi=1e-6", "toy:k=3,mi=1e-06,mode=fast,bins=fd");
    char buf[40];
    double vals[] = {0.1, 1.0 / 3.0, 2.5e-300, 123456789.125, -0.0};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        mib_spec_format_real(vals[i], buf, sizeof buf);
        cr_assert_eq(strtod(buf, NULL), vals[i], "%s does not round-trip", buf);
    }
}

Test(spec, exclusive_pair_drops_default)
{
    /* mi given: rho's default is not filled; canonical text has mi only. */
    mib_spec s;
    mib_err err = {""};
    cr_assert_eq(mib_registry_parse(&greg, "toy:mi=2", &s, &err), MIB_OK);
    cr_assert_eq(s.v[1].set, 0);
    cr_assert_eq(s.v[2].set, 1);
    cr_assert_float_eq(s.v[2].num, 2.0, 0);
}

Test(spec, alternatives_expand_cartesian_last_fastest)
{
    mib_spec *all;
    size_t n;
    mib_err err = {""};
    char buf[256];
    cr_assert_eq(mib_registry_expand(&reg, "toy:k=1|2,mode=fast|slow|fast", &all, &n, &err),
                 MIB_OK, "%s", err.msg);
    cr_assert_eq(n, 6);
    const char *want[] = {"toy:k=1,rho=0.5,mode=fast,bins=fd", "toy:k=1,rho=0.5,mode=slow,bins=fd"};
    for (int i = 0; i < 2; i++) {
        mib_spec_format(&all[i], buf, sizeof buf);
        cr_assert_str_eq(buf, want[i]);
    }
    mib_spec_format(&all[5], buf, sizeof buf);
    cr_assert_str_eq(buf, "toy:k=2,rho=0.5,mode=fast,bins=fd");
    free(all);
}

/* Strings are arrays, not pointers: Criterion copies parameters into the
 * test process, where pointers into this image would not be valid. */
struct bad_case {
    char text[48];
    char needle[96]; /* the message must contain this */
};

static struct bad_case bad_cases[] = {
    {"", "no name"},
    {":k=1", "no name"},
    {"nope", "unknown estimator 'nope'; known: toy"},
    {"toy:q=1", "unknown parameter 'q'; known: k, rho, mi, mode, bins"},
    {"toy:k", "'k' is not key=value"},
    {"toy:k=", "empty value for 'k'"},
    {"toy:k=1,", "stray ','"},
    {"toy:,k=1", "stray ','"},
    {"toy:k=1,k=2", "'k' given twice"},
    {"toy:k=abc", "k='abc' is not a number"},
    {"toy:k=2.5", "k='2.5' is not an integer"},
    {"toy:k=0", "k=0 is out of range; allowed: integer in [1, 100]"},
    {"toy:k=101", "out of range"},
    {"toy:rho=1", "rho=1 is out of range; allowed: number in (-1, 1)"},
    {"toy:rho=nan", "not finite"},
    {"toy:rho=inf", "not finite"},
    {"toy:rho=0.5x", "not a number"},
    {"toy:mi=-1", "allowed: number >= 0"},
    {"toy:mode=medium", "mode='medium' is not allowed; allowed: one of fast, slow"},
    {"toy:bins=rice", "not a number; allowed: integer in [1, 1000], or one of sturges, fd"},
    {"toy:rho=0.5,mi=1", "give either 'rho' or 'mi', not both"},
    {"toy:k=1||2", "empty value for 'k'"},
    {"toy:k=1|", "empty value for 'k'"},
};

ParameterizedTestParameters(spec, rejects_malformed)
{
    return cr_make_param_array(struct bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(struct bad_case *c, spec, rejects_malformed)
{
    mib_spec *all = NULL;
    size_t n = 0;
    mib_err err = {""};
    int st = mib_registry_expand(&reg, c->text, &all, &n, &err);
    cr_assert_eq(st, MIB_ESPEC, "'%s' was accepted", c->text);
    cr_assert(strstr(err.msg, c->needle), "'%s': message '%s' lacks '%s'", c->text, err.msg,
              c->needle);
    cr_assert_null(all);
}

Test(spec, parse_refuses_alternatives)
{
    mib_spec s;
    mib_err err = {""};
    cr_assert_eq(mib_registry_parse(&reg, "toy:k=1|2", &s, &err), MIB_ESPEC);
    cr_assert(strstr(err.msg, "alternatives"));
}

Test(rng, streams_reproducible_and_distinct)
{
    gsl_rng *a = mib_rng_alloc(42), *b = mib_rng_alloc(42), *c = mib_rng_alloc(43);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long va = gsl_rng_get(a), vb = gsl_rng_get(b), vc = gsl_rng_get(c);
        same &= va == vb;
        differ += va != vc;
    }
    cr_assert(same);
    cr_assert_gt(differ, 990);
    /* Uniformity: the mean of 1e5 draws is 0.5 within 5 standard errors. */
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += gsl_rng_uniform(a);
    cr_assert_float_eq(sum / 1e5, 0.5, 5 * sqrt(1.0 / 12 / 1e5));
    cr_assert_neq(mib_rng_seed_combine(1, 2), mib_rng_seed_combine(2, 1));
    cr_assert_neq(mib_rng_seed_string("gaussian:dim=1"), mib_rng_seed_string("gaussian:dim=2"));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* A growable registry extends a fixed one: the base's types and the added
 * ones parse, specs remember it, a duplicate name is refused, and a fixed
 * registry cannot grow. */
Test(registry, growable_registry_extends_a_fixed_one)
{
    static const mib_param_spec none[] = {{.name = NULL}};
    static const mib_type_info extra[3] = {{"extra0", "added", none}, {"extra1", "added", none},
                                           {"toy", "a second toy", none}};
    mib_registry *r = NULL;
    mib_err err = {""};
    mib_spec s;
    cr_assert_eq(mib_registry_create(MIB_REGISTRY_ESTIMATOR, "estimator", &reg, &r, &err), MIB_OK);
    cr_assert_eq(mib_registry_count(r), 1);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(mib_registry_add(r, &extra[i], &err), MIB_OK, "%s", err.msg);
    for (int i = 0; i < 20; i++) { /* growth past the first capacity */
        static mib_type_info many[20];
        static char names[20][16];
        snprintf(names[i], sizeof names[i], "many%d", i);
        many[i] = (mib_type_info){names[i], "added", none};
        cr_assert_eq(mib_registry_add(r, &many[i], &err), MIB_OK, "%s", err.msg);
    }
    cr_assert_eq(mib_registry_count(r), 23);
    cr_assert_eq(mib_registry_add(r, &extra[2], &err), MIB_ESPEC);
    cr_assert_str_eq(err.msg, "estimator name 'toy' is already taken");
    cr_assert_eq(mib_registry_parse(r, "extra1", &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(s.registry, r);
    cr_assert_eq(s.info, &extra[1]);
    cr_assert_eq(mib_registry_check(MIB_REGISTRY_ESTIMATOR, &s, &err), MIB_OK);
    cr_assert_eq(mib_registry_check(MIB_REGISTRY_GENERATOR, &s, &err), MIB_EINVAL);
    cr_assert_eq(mib_registry_parse(r, "toy:k=2", &s, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_registry_parse(&reg, "extra0", &s, &err), MIB_ESPEC);
    cr_assert_eq(mib_registry_add((mib_registry *)&reg, &extra[0], &err), MIB_EINVAL);
    cr_assert_eq(mib_registry_count(&reg), 1);
    mib_registry_free(r);
    mib_registry_free(NULL);
}
