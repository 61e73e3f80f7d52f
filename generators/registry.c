/* registry.c - the generator registry (the only list of generator types)
 * and the instance lifecycle around a type's init/truth/sample/pmi (and
 * sample_z/pmi_z for generators with a conditioning block, dz > 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/generator.h"
#include "core/typed_registry.h"

extern const mib_generator_type mib_generator_gaussian, mib_generator_student,
    mib_generator_uniform_noise, mib_generator_square, mib_generator_bsc, mib_generator_ksc,
    mib_generator_staircase, mib_generator_multinormal, mib_generator_multistudent,
    mib_generator_cgaussian, mib_generator_mixed_uniform, mib_generator_mixed_bernoulli,
    mib_generator_zero_inflated,
    mib_generator_chain, mib_generator_mixture;

/* One line per generator family. */
static const mib_type_info *const types[] = {
    &mib_generator_gaussian.info,
    &mib_generator_student.info,
    &mib_generator_uniform_noise.info,
    &mib_generator_square.info,
    &mib_generator_bsc.info,
    &mib_generator_ksc.info,
    &mib_generator_staircase.info,
    &mib_generator_multinormal.info,
    &mib_generator_multistudent.info,
    &mib_generator_cgaussian.info,
    &mib_generator_mixed_uniform.info,
    &mib_generator_mixed_bernoulli.info,
    &mib_generator_zero_inflated.info,
    &mib_generator_chain.info,
    &mib_generator_mixture.info,
    NULL,
};

MIB_TYPED_REGISTRY(generator, mib_generator_type, MIB_REGISTRY_GENERATOR, types)

int mib_generator_alloc(const mib_spec *spec, mib_generator **out, mib_err *err)
{
    if (!out)
        return mib_fail(err, MIB_EINVAL, "mib_generator_alloc: NULL output");
    *out = NULL;
    int st = mib_registry_check(MIB_REGISTRY_GENERATOR, spec, err);
    if (st)
        return st;
    const mib_generator_type *t = type_of_info(spec->info);
    mib_generator *g = calloc(1, sizeof *g);
    void *state = calloc(1, t->state_size ? t->state_size : 1);
    mib_generator_shape shape = {0};
    if (!g || !state) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory allocating generator '%s'",
                      t->info.name);
        goto fail;
    }
    if ((st = t->init(state, spec, &shape, err)))
        goto fail;
    if (shape.dz && !t->sample_z) {
        st = mib_fail(err, MIB_EINVAL, "generator '%s' has dz=%zu but no sample_z",
                      t->info.name, shape.dz);
        goto fail;
    }
    *g = (mib_generator){.type = t, .spec = *spec, .dx = shape.dx, .dy = shape.dy,
                         .discrete = shape.discrete, .state = state, .dz = shape.dz,
                         .discrete_side = shape.discrete ? 0 : shape.discrete_side,
                         .truth_se = shape.truth_se};
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
    if (!g || !mi)
        return mib_fail(err, MIB_EINVAL, "mib_generator_truth: NULL argument");
    return g->type->truth(g->state, mi, err);
}

int mib_generator_truth_se(const mib_generator *g, double *se)
{
    if (!g || !se)
        return MIB_EINVAL;
    *se = g->truth_se;
    return MIB_OK;
}

int mib_generator_sample(const mib_generator *g, gsl_rng *r, size_t n, double *x,
                         double *y)
{
    if (!g || !r || (n > 0 && (!x || !y)))
        return MIB_EINVAL;
    return g->dz ? MIB_EUNSUPPORTED : g->type->sample(g->state, r, n, x, y);
}

int mib_generator_sample_z(const mib_generator *g, gsl_rng *r, size_t n, double *x,
                           double *y, double *z)
{
    if (!g || !r || (n > 0 && (!x || !y || (g->dz && !z))))
        return MIB_EINVAL;
    return g->dz ? g->type->sample_z(g->state, r, n, x, y, z)
                 : g->type->sample(g->state, r, n, x, y);
}

int mib_generator_sample_step(const mib_generator *g, gsl_rng *r, size_t step, size_t n,
                              double *x, double *y, double *truth)
{
    if (!g || !r || !truth || (n > 0 && (!x || !y)))
        return MIB_EINVAL;
    if (g->type->sample_step)
        return g->type->sample_step(g->state, r, step, n, x, y, truth);
    int st = mib_generator_sample(g, r, n, x, y);
    return st ? st : g->type->truth(g->state, truth, NULL);
}

int mib_generator_pmi(const mib_generator *g, const double *x, const double *y,
                      double *out)
{
    if (!g || !x || !y || !out)
        return MIB_EINVAL;
    if (!g->type->pmi)
        return MIB_EUNSUPPORTED;
    return g->type->pmi(g->state, x, y, out);
}

int mib_generator_pmi_z(const mib_generator *g, const double *x, const double *y,
                        const double *z, double *out)
{
    if (!g || (g->dz && !z))
        return MIB_EINVAL;
    if (!g->dz)
        return mib_generator_pmi(g, x, y, out);
    if (!x || !y || !out)
        return MIB_EINVAL;
    return g->type->pmi_z ? g->type->pmi_z(g->state, x, y, z, out) : MIB_EUNSUPPORTED;
}
