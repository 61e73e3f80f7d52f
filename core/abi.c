/* abi.c - sizeof, offsetof and constant values of the public API by name
 * (abi.h), so a binding without a C compiler (python/mibench) checks its
 * mirror of every struct against the library it loaded instead of guessing.
 * Two static tables filled by the compiler from the public headers; a
 * lookup is a linear scan, O(entries), called a few hundred times at a
 * binding's import. Thread-safe: reads constant tables only.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include "mibench/abi.h"
#include "mibench/entropy.h"
#include "mibench/estimator.h"
#include "mibench/generator.h"
#include "mibench/param.h"
#include "mibench/registry.h"
#include "mibench/results.h"
#include "mibench/run.h"
#include "mibench/select.h"
#include "mibench/significance.h"
#include "mibench/status.h"
#include "mibench/study.h"

typedef struct layout {
    const char *type, *field; /* field NULL: the row for the whole type */
    size_t offset, size;
} layout;

#define TYPE(T) {#T, NULL, 0, sizeof(T)}
#define FIELD(T, F) {#T, #F, offsetof(T, F), sizeof(((T *)0)->F)}

static const layout layouts[] = {
    TYPE(sig_atomic_t),
    TYPE(mib_err), FIELD(mib_err, msg),
    TYPE(mib_param_spec), FIELD(mib_param_spec, name), FIELD(mib_param_spec, kind),
    FIELD(mib_param_spec, def), FIELD(mib_param_spec, min), FIELD(mib_param_spec, max),
    FIELD(mib_param_spec, flags), FIELD(mib_param_spec, choices), FIELD(mib_param_spec, help),
    FIELD(mib_param_spec, excludes),
    TYPE(mib_type_info), FIELD(mib_type_info, name), FIELD(mib_type_info, summary),
    FIELD(mib_type_info, params),
    TYPE(mib_value), FIELD(mib_value, set), FIELD(mib_value, choice), FIELD(mib_value, num),
    TYPE(mib_spec), FIELD(mib_spec, registry), FIELD(mib_spec, info),
    FIELD(mib_spec, nparams), FIELD(mib_spec, v),
    TYPE(mib_data), FIELD(mib_data, n), FIELD(mib_data, dx), FIELD(mib_data, dy),
    FIELD(mib_data, x), FIELD(mib_data, y), FIELD(mib_data, dz), FIELD(mib_data, z),
    TYPE(mib_sampler), FIELD(mib_sampler, dx), FIELD(mib_sampler, dy),
    FIELD(mib_sampler, ctx), FIELD(mib_sampler, draw),
    TYPE(mib_curve_sink), FIELD(mib_curve_sink, ctx), FIELD(mib_curve_sink, point),
    TYPE(mib_workspace), FIELD(mib_workspace, threads), FIELD(mib_workspace, seed),
    FIELD(mib_workspace, sampler), FIELD(mib_workspace, curve), FIELD(mib_workspace, stop),
    TYPE(mib_result), FIELD(mib_result, mi), FIELD(mib_result, flags),
    FIELD(mib_result, steps),
    TYPE(mib_permutation_result), FIELD(mib_permutation_result, observed),
    FIELD(mib_permutation_result, p_value), FIELD(mib_permutation_result, null_mean),
    FIELD(mib_permutation_result, null_sd), FIELD(mib_permutation_result, permutations),
    FIELD(mib_permutation_result, exceed), FIELD(mib_permutation_result, scheme),
    TYPE(mib_ci_result), FIELD(mib_ci_result, observed), FIELD(mib_ci_result, level),
    FIELD(mib_ci_result, lower), FIELD(mib_ci_result, upper), FIELD(mib_ci_result, sd),
    FIELD(mib_ci_result, trend), FIELD(mib_ci_result, subsets), FIELD(mib_ci_result, smallest),
    FIELD(mib_ci_result, estimates),
    TYPE(mib_select_options), FIELD(mib_select_options, method), FIELD(mib_select_options, k),
    FIELD(mib_select_options, spec), FIELD(mib_select_options, threads),
    FIELD(mib_select_options, names),
    TYPE(mib_select_pick), FIELD(mib_select_pick, column), FIELD(mib_select_pick, score),
    FIELD(mib_select_pick, relevance), FIELD(mib_select_pick, redundancy),
    FIELD(mib_select_pick, relevance_spec), FIELD(mib_select_pick, specs),
    TYPE(mib_estimator_type), FIELD(mib_estimator_type, info),
    FIELD(mib_estimator_type, flags), FIELD(mib_estimator_type, cost),
    TYPE(mib_generator_type), FIELD(mib_generator_type, info),
    TYPE(mib_generator), FIELD(mib_generator, type), FIELD(mib_generator, spec),
    FIELD(mib_generator, dx), FIELD(mib_generator, dy), FIELD(mib_generator, discrete),
    FIELD(mib_generator, state), FIELD(mib_generator, dz), FIELD(mib_generator, discrete_side),
    FIELD(mib_generator, truth_se),
    TYPE(mib_cell_row), FIELD(mib_cell_row, cell), FIELD(mib_cell_row, generator),
    FIELD(mib_cell_row, estimator), FIELD(mib_cell_row, n), FIELD(mib_cell_row, batch_size),
    FIELD(mib_cell_row, true_mi), FIELD(mib_cell_row, generator_name),
    FIELD(mib_cell_row, estimator_name), FIELD(mib_cell_row, dx), FIELD(mib_cell_row, dy),
    FIELD(mib_cell_row, dz), FIELD(mib_cell_row, true_mi_se),
    TYPE(mib_trial_row), FIELD(mib_trial_row, cell), FIELD(mib_trial_row, generator),
    FIELD(mib_trial_row, estimator), FIELD(mib_trial_row, n),
    FIELD(mib_trial_row, batch_size), FIELD(mib_trial_row, replicate),
    FIELD(mib_trial_row, seed), FIELD(mib_trial_row, true_mi),
    FIELD(mib_trial_row, estimate), FIELD(mib_trial_row, seconds),
    FIELD(mib_trial_row, cpu_seconds), FIELD(mib_trial_row, status),
    FIELD(mib_trial_row, status_name), FIELD(mib_trial_row, message), FIELD(mib_trial_row, generator_name),
    FIELD(mib_trial_row, estimator_name), FIELD(mib_trial_row, true_mi_se),
    TYPE(mib_summary_row), FIELD(mib_summary_row, cell), FIELD(mib_summary_row, generator),
    FIELD(mib_summary_row, estimator), FIELD(mib_summary_row, n),
    FIELD(mib_summary_row, batch_size), FIELD(mib_summary_row, true_mi),
    FIELD(mib_summary_row, count), FIELD(mib_summary_row, failures),
    FIELD(mib_summary_row, mean), FIELD(mib_summary_row, bias),
    FIELD(mib_summary_row, variance), FIELD(mib_summary_row, std_error),
    FIELD(mib_summary_row, mse), FIELD(mib_summary_row, rmse),
    FIELD(mib_summary_row, mean_seconds), FIELD(mib_summary_row, median_seconds), FIELD(mib_summary_row, generator_name),
    FIELD(mib_summary_row, estimator_name), FIELD(mib_summary_row, true_mi_se),
    FIELD(mib_summary_row, bmi_failures),
    TYPE(mib_curve_row), FIELD(mib_curve_row, cell), FIELD(mib_curve_row, replicate),
    FIELD(mib_curve_row, step), FIELD(mib_curve_row, estimate), FIELD(mib_curve_row, true_mi),
    TYPE(mib_results), FIELD(mib_results, cells), FIELD(mib_results, ncells),
    FIELD(mib_results, trials), FIELD(mib_results, ntrials), FIELD(mib_results, summary),
    FIELD(mib_results, nsummary), FIELD(mib_results, curves), FIELD(mib_results, ncurves),
    FIELD(mib_results, study_name), FIELD(mib_results, master_seed),
    FIELD(mib_results, external_commands), FIELD(mib_results, has_external_commands),
    FIELD(mib_results, command_line),
    TYPE(mib_study_limit), FIELD(mib_study_limit, estimator), FIELD(mib_study_limit, max_n),
    TYPE(mib_study), FIELD(mib_study, name), FIELD(mib_study, seed),
    FIELD(mib_study, replicates), FIELD(mib_study, n), FIELD(mib_study, nn),
    FIELD(mib_study, gens), FIELD(mib_study, ngens), FIELD(mib_study, ests),
    FIELD(mib_study, nests), FIELD(mib_study, limits), FIELD(mib_study, nlimits),
    FIELD(mib_study, text),
    TYPE(mib_run_progress), FIELD(mib_run_progress, done), FIELD(mib_run_progress, total),
    FIELD(mib_run_progress, failed), FIELD(mib_run_progress, generator),
    FIELD(mib_run_progress, estimator), FIELD(mib_run_progress, n),
    FIELD(mib_run_progress, elapsed), FIELD(mib_run_progress, done_cost),
    FIELD(mib_run_progress, total_cost), FIELD(mib_run_progress, kept),
    FIELD(mib_run_progress, eta),
    TYPE(mib_run_options), FIELD(mib_run_options, output), FIELD(mib_run_options, resume),
    FIELD(mib_run_options, force), FIELD(mib_run_options, threads),
    FIELD(mib_run_options, mem_limit), FIELD(mib_run_options, command_line),
    FIELD(mib_run_options, stop), FIELD(mib_run_options, progress),
    FIELD(mib_run_options, progress_ctx), FIELD(mib_run_options, serve),
    FIELD(mib_run_options, serve_ctx),
    TYPE(mib_run_report), FIELD(mib_run_report, cells), FIELD(mib_run_report, trials),
    FIELD(mib_run_report, kept), FIELD(mib_run_report, ran), FIELD(mib_run_report, failed),
    FIELD(mib_run_report, rebuilt), FIELD(mib_run_report, seconds),
    FIELD(mib_run_report, journal_damaged),
};

#define CONST(C) {#C, (long long)(C)}

static const struct {
    const char *name;
    long long value;
} constants[] = {
    CONST(MIB_ABI_VERSION),
    CONST(MIB_OK), CONST(MIB_EINVAL), CONST(MIB_ESPEC), CONST(MIB_EDATA), CONST(MIB_ESMALL),
    CONST(MIB_ENOMEM), CONST(MIB_ERESOURCE), CONST(MIB_EIO), CONST(MIB_EFORMAT),
    CONST(MIB_ENOTRUTH), CONST(MIB_ENUMERIC), CONST(MIB_EDIVERGED), CONST(MIB_EINTR),
    CONST(MIB_ELOCKED), CONST(MIB_EEXIST), CONST(MIB_EUNSUPPORTED), CONST(MIB_NSTATUS),
    CONST(MIB_PARAM_INT), CONST(MIB_PARAM_REAL), CONST(MIB_PARAM_CHOICE),
    CONST(MIB_PARAM_INT_OR_CHOICE), CONST(MIB_PARAM_REAL_OR_CHOICE),
    CONST(MIB_OPEN_MIN), CONST(MIB_OPEN_MAX), CONST(MIB_MAX_PARAMS),
    CONST(MIB_REGISTRY_GENERATOR), CONST(MIB_REGISTRY_ESTIMATOR),
    CONST(MIB_RES_JITTER), CONST(MIB_RES_TIES), CONST(MIB_RES_CAPPED),
    CONST(MIB_RES_EARLYSTOP), CONST(MIB_RES_CONSTANT),
    CONST(MIB_EST_DISCRETE), CONST(MIB_EST_ONLINE), CONST(MIB_EST_MIXED), CONST(MIB_EST_CONDITIONAL), CONST(MIB_SIDE_X), CONST(MIB_SIDE_Y),
    CONST(MIB_NORM_MAX), CONST(MIB_NORM_EUCLID),
    CONST(MIB_PERM_PLAIN), CONST(MIB_PERM_STRATA), CONST(MIB_PERM_LOCAL), CONST(MIB_PERM_NEIGHBOURS),
    CONST(MIB_SELECT_MI), CONST(MIB_SELECT_MRMR), CONST(MIB_SELECT_JMI), CONST(MIB_SELECT_NSPECS),
    CONST(MIB_CI_SUBSETS),
    CONST(MIB_SPEC_LEN), CONST(MIB_NAME_LEN), CONST(MIB_MSG_LEN), CONST(MIB_STUDY_MAX_LINE),
};

int mib_abi_version(void)
{
    return MIB_ABI_VERSION;
}

static const layout *find(const char *type_name, const char *field)
{
    if (!type_name)
        return NULL;
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        const layout *l = &layouts[i];
        if (strcmp(l->type, type_name) == 0 &&
            (field ? l->field && strcmp(l->field, field) == 0 : !l->field))
            return l;
    }
    return NULL;
}

size_t mib_abi_sizeof(const char *type_name)
{
    const layout *l = find(type_name, NULL);
    return l ? l->size : 0;
}

size_t mib_abi_offsetof(const char *type_name, const char *field)
{
    const layout *l = field ? find(type_name, field) : NULL;
    return l ? l->offset : (size_t)-1;
}

int mib_abi_field(const char *type_name, const char *field, size_t *offset, size_t *size)
{
    const layout *l = field ? find(type_name, field) : NULL;
    if (!l)
        return MIB_EINVAL;
    if (offset)
        *offset = l->offset;
    if (size)
        *size = l->size;
    return MIB_OK;
}

int mib_abi_constant(const char *name, long long *value)
{
    if (!name || !value)
        return MIB_EINVAL;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (strcmp(constants[i].name, name) == 0) {
            *value = constants[i].value;
            return MIB_OK;
        }
    return MIB_EINVAL;
}
