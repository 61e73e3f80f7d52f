/* registry.c - the generator registry (the only list of generator types)
 * and the instance lifecycle around a type's init/truth/sample/pmi. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/generator.h"

extern const mib_generator_type mib_gen_gaussian, mib_gen_student, mib_gen_uniform_noise,
    mib_gen_square, mib_gen_bsc, mib_gen_ksc, mib_gen_staircase;

/* One line per generator family. */
const mib_generator_type *const mib_generator_types[] = {
    &mib_gen_gaussian,
    &mib_gen_student,
    &mib_gen_uniform_noise,
    &mib_gen_square,
    &mib_gen_bsc,
    &mib_gen_ksc,
    &mib_gen_staircase,
    NULL,
};

const mib_generator_type *mib_generator_find(const char *name)
{
    for (size_t i = 0; mib_generator_types[i]; i++)
        if (strcmp(mib_generator_types[i]->info.name, name) == 0)
            return mib_generator_types[i];
    return NULL;
}

static const mib_type_info *nth(size_t i)
{
    return mib_generator_types[i] ? &mib_generator_types[i]->info : NULL;
}

int mib_generator_spec_expand(const char *text, mib_spec **out, size_t *count,
                              mib_err *err)
{
    return mib_spec_expand_text(text, "generator", nth, out, count, err);
}

int mib_generator_spec_parse(const char *text, mib_spec *out, mib_err *err)
{
    return mib_spec_parse_text(text, "generator", nth, out, err);
}

int mib_generator_alloc(const mib_spec *spec, mib_generator **out, mib_err *err)
{
    const mib_generator_type *t = (const mib_generator_type *)spec->info;
    mib_generator *g = calloc(1, sizeof *g);
    void *state = calloc(1, t->state_size ? t->state_size : 1);
    mib_gen_shape shape = {0, 0, 0};
    int st = MIB_OK;
    *out = NULL;
    if (!g || !state) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory allocating generator '%s'",
                      t->info.name);
        goto fail;
    }
    if ((st = t->init(state, spec, &shape, err)))
        goto fail;
    *g = (mib_generator){.type = t, .spec = *spec, .dx = shape.dx, .dy = shape.dy,
                         .discrete = shape.discrete, .state = state};
    *out = g;
    return MIB_OK;
fail:
    free(state);
    free(g);
    return st;
}

void mib_generator_free(mib_generator *g)
{
    if (!g)
        return;
    if (g->type->cleanup)
        g->type->cleanup(g->state);
    free(g->state);
    free(g);
}

int mib_generator_truth(const mib_generator *g, double *mi, mib_err *err)
{
    return g->type->truth(g->state, mi, err);
}

int mib_generator_sample(const mib_generator *g, gsl_rng *r, size_t n, double *x,
                         double *y)
{
    return g->type->sample(g->state, r, n, x, y);
}

int mib_generator_sample_step(const mib_generator *g, gsl_rng *r, size_t step, size_t n,
                              double *x, double *y, double *truth)
{
    if (g->type->sample_step)
        return g->type->sample_step(g->state, r, step, n, x, y, truth);
    int st = g->type->sample(g->state, r, n, x, y);
    return st ? st : g->type->truth(g->state, truth, NULL);
}

int mib_generator_pmi(const mib_generator *g, const double *x, const double *y,
                      double *out)
{
    if (!g->type->pmi)
        return MIB_EUNSUPPORTED;
    return g->type->pmi(g->state, x, y, out);
}
