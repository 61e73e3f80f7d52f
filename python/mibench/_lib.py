"""_lib.py - the ctypes binding of libmibench: find and load the shared
library, mirror the public structs it exchanges, check every mirror against
the layout the library reports (include/mibench/abi.h) and declare the
prototypes of the functions the module calls.

Nothing here guesses a layout. Each Structure below is checked against the
library actually loaded (mib_abi_field, mib_abi_sizeof), and the constants
the module uses come from mib_abi_constant:
  - every mirrored field must have the library's offset and size;
  - types laid out in arrays (_array_ = True: parameter tables, results
    rows) must have exactly the library's sizeof, which is their stride;
  - any other type may be longer in the library (fields appended after the
    mirrored ones): the module allocates it with the library's sizeof
    (new()), zeroed or set by the library's *_init, and reads only the
    mirrored fields.
Any difference refuses the import with a mibench.Error naming the first
differences.

The library is looked for, in this order, at:
  1. $MIBENCH_LIBRARY (a path; when set, nothing else is tried),
  2. the library meson installed this package with (_paths.LIBRARY),
  3. the build tree this copy of the package was configured in
     (_paths.BUILD_LIBRARY), or <source root>/build for the source tree,
  4. libmibench.so.0 on the dynamic linker's search path.
"""

import ctypes
import os
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_double, c_int, c_int32,
                    c_int64, c_long, c_longlong, c_size_t, c_uint, c_uint64, c_void_p)

# The MIB_ABI_VERSION this module mirrors (include/mibench/abi.h).
ABI_VERSION = 1
SONAME = "libmibench.so.0"


class Error(Exception):
    """A failure reported by libmibench, or an argument refused before the call.

    Attributes
    ----------
    message : str
        One line saying what is wrong (the library's ``mib_err.msg``).
    status : int or None
        The library's status code (``enum mib_status``); None when the
        library itself could not be found, loaded or verified.
    status_name : str
        The status's stable name, as stored in results files
        (``"bad-spec"``, ``"too-small"``, ``"bad-data"``, ...), or
        ``"load"`` when the library could not be loaded.
    """

    def __init__(self, message, status=None, status_name="load"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.status_name = status_name

    def __str__(self):
        return self.message

    def __repr__(self):
        return "mibench.Error(%r, status=%r, status_name=%r)" % (
            self.message, self.status, self.status_name)


Error.__module__ = "mibench"


class LoadError(Error, ImportError):
    """The library could not be found, loaded or verified (import time)."""


LoadError.__module__ = "mibench"


# ---- mirrors of the public structs (field names are the C names) ----

class mib_err(Structure):
    _fields_ = [("msg", c_char * 320)]


class mib_param_spec(Structure):
    _array_ = True
    _fields_ = [("name", c_char_p), ("kind", c_int), ("def", c_char_p), ("min", c_double),
                ("max", c_double), ("flags", c_uint), ("choices", POINTER(c_char_p)),
                ("help", c_char_p), ("excludes", c_char_p)]


class mib_type_info(Structure):
    _fields_ = [("name", c_char_p), ("summary", c_char_p),
                ("params", POINTER(mib_param_spec))]


class mib_value(Structure):
    _array_ = True
    _fields_ = [("set", c_int), ("choice", c_int), ("num", c_double)]


class mib_spec(Structure):
    _fields_ = [("registry", c_void_p), ("info", POINTER(mib_type_info)),
                ("nparams", c_size_t), ("v", mib_value * 24)]


class mib_data(Structure):
    _fields_ = [("n", c_size_t), ("dx", c_size_t), ("dy", c_size_t),
                ("x", POINTER(c_double)), ("y", POINTER(c_double)),
                ("dz", c_size_t), ("z", POINTER(c_double))]


class mib_curve_sink(Structure):
    _fields_ = [("ctx", c_void_p), ("point", c_void_p)]


class mib_workspace(Structure):
    _fields_ = [("threads", c_int), ("seed", c_uint64), ("sampler", c_void_p),
                ("curve", mib_curve_sink), ("stop", POINTER(c_int))]


class mib_result(Structure):
    _fields_ = [("mi", c_double), ("flags", c_uint), ("steps", c_long)]


class mib_permutation_result(Structure):
    _fields_ = [("observed", mib_result), ("p_value", c_double), ("null_mean", c_double),
                ("null_sd", c_double), ("permutations", c_size_t), ("exceed", c_size_t),
                ("scheme", c_int)]


class mib_ci_result(Structure):
    _fields_ = [("observed", mib_result), ("level", c_double), ("lower", c_double),
                ("upper", c_double), ("sd", c_double), ("trend", c_double),
                ("subsets", c_size_t), ("smallest", c_size_t), ("estimates", c_size_t)]


class mib_select_options(Structure):
    _fields_ = [("method", c_int), ("k", c_size_t), ("spec", POINTER(mib_spec)),
                ("threads", c_int), ("names", POINTER(c_char_p))]


class mib_select_pick(Structure):
    _array_ = True
    _fields_ = [("column", c_size_t), ("score", c_double), ("relevance", c_double),
                ("redundancy", c_double), ("relevance_spec", c_int), ("specs", c_uint)]


class mib_estimator_type(Structure):
    """Only the leading fields the module reads (through library pointers)."""
    _fields_ = [("info", mib_type_info), ("flags", c_uint)]


class mib_generator_type(Structure):
    _fields_ = [("info", mib_type_info)]


class mib_generator(Structure):
    _fields_ = [("type", c_void_p), ("spec", mib_spec), ("dx", c_size_t), ("dy", c_size_t),
                ("discrete", c_int), ("state", c_void_p), ("dz", c_size_t),
                ("discrete_side", c_int)]


SPEC = c_char * 256   # MIB_SPEC_LEN
NAME = c_char * 64    # MIB_NAME_LEN


class mib_cell_row(Structure):
    _array_ = True
    _fields_ = [("cell", c_int64), ("generator", SPEC), ("estimator", SPEC), ("n", c_int64),
                ("batch_size", c_int64), ("true_mi", c_double),
                ("generator_name", NAME), ("estimator_name", NAME),
                ("dx", c_int64), ("dy", c_int64), ("dz", c_int64), ("true_mi_se", c_double)]


class mib_trial_row(Structure):
    _array_ = True
    _fields_ = [("cell", c_int64), ("generator", SPEC), ("estimator", SPEC), ("n", c_int64),
                ("batch_size", c_int64), ("replicate", c_int32), ("seed", c_uint64),
                ("true_mi", c_double), ("estimate", c_double), ("seconds", c_double),
                ("cpu_seconds", c_double), ("status", c_int32), ("status_name", c_char * 24),
                ("message", c_char * 160), ("generator_name", NAME),
                ("estimator_name", NAME), ("true_mi_se", c_double)]


class mib_summary_row(Structure):
    _array_ = True
    _fields_ = [("cell", c_int64), ("generator", SPEC), ("estimator", SPEC), ("n", c_int64),
                ("batch_size", c_int64), ("true_mi", c_double), ("count", c_int64),
                ("failures", c_int64), ("mean", c_double), ("bias", c_double),
                ("variance", c_double), ("std_error", c_double), ("mse", c_double),
                ("rmse", c_double), ("mean_seconds", c_double), ("median_seconds", c_double),
                ("generator_name", NAME), ("estimator_name", NAME), ("true_mi_se", c_double),
                ("bmi_failures", c_int64)]


class mib_curve_row(Structure):
    _array_ = True
    _fields_ = [("cell", c_int64), ("replicate", c_int32), ("step", c_int64),
                ("estimate", c_double), ("true_mi", c_double)]


class mib_results(Structure):
    _fields_ = [("cells", POINTER(mib_cell_row)), ("ncells", c_size_t),
                ("trials", POINTER(mib_trial_row)), ("ntrials", c_size_t),
                ("summary", POINTER(mib_summary_row)), ("nsummary", c_size_t),
                ("curves", POINTER(mib_curve_row)), ("ncurves", c_size_t),
                ("study_name", c_char * 64), ("master_seed", c_uint64),
                ("external_commands", c_char * 4096), ("has_external_commands", c_int),
                ("command_line", c_char * 4096)]


class mib_study_limit(Structure):
    _fields_ = [("estimator", c_char * 64), ("max_n", c_size_t)]


class mib_study(Structure):
    # The leading fields; the library's struct goes on (externals, registry).
    # Pointers the library allocates and mib_study_free releases stay c_void_p:
    # the module never writes them.
    _fields_ = [("name", c_char * 64), ("seed", c_uint64), ("replicates", c_int),
                ("n", c_void_p), ("nn", c_size_t), ("gens", c_void_p), ("ngens", c_size_t),
                ("ests", c_void_p), ("nests", c_size_t), ("limits", c_void_p),
                ("nlimits", c_size_t), ("text", c_void_p)]


class mib_run_options(Structure):
    _fields_ = [("output", c_char_p), ("resume", c_int), ("force", c_int), ("threads", c_int),
                ("mem_limit", c_double), ("command_line", c_char_p), ("stop", POINTER(c_int)),
                ("progress", c_void_p), ("progress_ctx", c_void_p),
                ("serve", c_void_p), ("serve_ctx", c_void_p)]


class mib_run_report(Structure):
    _fields_ = [("cells", c_size_t), ("trials", c_size_t), ("kept", c_size_t),
                ("ran", c_size_t), ("failed", c_size_t), ("rebuilt", c_int),
                ("seconds", c_double), ("journal_damaged", c_size_t)]


STRUCTS = [mib_err, mib_param_spec, mib_type_info, mib_value, mib_spec, mib_data,
           mib_curve_sink, mib_workspace, mib_result, mib_permutation_result, mib_ci_result,
           mib_select_options, mib_select_pick,
           mib_estimator_type, mib_generator_type, mib_generator, mib_cell_row, mib_trial_row, mib_summary_row, mib_curve_row,
           mib_results, mib_study_limit, mib_study, mib_run_options, mib_run_report]

# Constants read from the library (mib_abi_constant), never written here.
CONSTANTS = ["MIB_OK", "MIB_EINVAL", "MIB_ENOMEM", "MIB_EINTR", "MIB_NSTATUS", "MIB_MAX_PARAMS",
             "MIB_SPEC_LEN", "MIB_NAME_LEN", "MIB_MSG_LEN",
             "MIB_PARAM_INT", "MIB_PARAM_REAL", "MIB_PARAM_CHOICE", "MIB_PARAM_INT_OR_CHOICE",
             "MIB_PARAM_REAL_OR_CHOICE", "MIB_OPEN_MIN", "MIB_OPEN_MAX",
             "MIB_RES_JITTER", "MIB_RES_TIES", "MIB_RES_CAPPED", "MIB_RES_EARLYSTOP",
             "MIB_RES_CONSTANT", "MIB_EST_DISCRETE", "MIB_EST_ONLINE", "MIB_EST_MIXED", "MIB_EST_CONDITIONAL",
             "MIB_NORM_MAX", "MIB_NORM_EUCLID", "MIB_SELECT_MI", "MIB_SELECT_MRMR", "MIB_SELECT_JMI",
             "MIB_SELECT_NSPECS"]

# name: (restype, argtypes). gsl_rng * is opaque (c_void_p).
P = POINTER
PROTOTYPES = {
    "mib_abi_version": (c_int, []),
    "mib_abi_sizeof": (c_size_t, [c_char_p]),
    "mib_abi_field": (c_int, [c_char_p, c_char_p, P(c_size_t), P(c_size_t)]),
    "mib_abi_constant": (c_int, [c_char_p, P(c_longlong)]),
    "mib_version": (c_char_p, []),
    "mib_git_commit": (c_char_p, []),
    "mib_strerror": (c_char_p, [c_int]),
    "mib_status_name": (c_char_p, [c_int]),
    "mib_spec_format": (c_int, [P(mib_spec), c_char_p, c_size_t]),
    "mib_spec_format_draw": (c_int, [P(mib_spec), c_char_p, c_size_t]),
    "mib_param_describe": (None, [P(mib_param_spec), c_char_p, c_size_t]),
    "mib_rng_seed_combine": (c_uint64, [c_uint64, c_uint64]),
    "mib_rng_seed_string": (c_uint64, [c_char_p]),
    "mib_rng_alloc": (c_void_p, [c_uint64]),
    "gsl_rng_free": (None, [c_void_p]),   # GSL's, reached through libmibench's NEEDED libgsl
    "mib_generator_at": (P(mib_generator_type), [c_size_t]),
    "mib_generator_spec_parse": (c_int, [c_char_p, P(mib_spec), P(mib_err)]),
    "mib_generator_alloc": (c_int, [P(mib_spec), P(P(mib_generator)), P(mib_err)]),
    "mib_generator_free": (None, [P(mib_generator)]),
    "mib_generator_truth": (c_int, [P(mib_generator), P(c_double), P(mib_err)]),
    "mib_generator_truth_se": (c_int, [P(mib_generator), P(c_double)]),
    "mib_generator_sample": (c_int, [P(mib_generator), c_void_p, c_size_t, P(c_double),
                                     P(c_double)]),
    "mib_generator_sample_z": (c_int, [P(mib_generator), c_void_p, c_size_t, P(c_double),
                                       P(c_double), P(c_double)]),
    "mib_estimator_at": (P(mib_estimator_type), [c_size_t]),
    "mib_estimator_spec_parse": (c_int, [c_char_p, P(mib_spec), P(mib_err)]),
    "mib_workspace_init": (None, [P(mib_workspace)]),
    "mib_estimate": (c_int, [P(mib_data), P(mib_spec), P(mib_workspace), P(mib_result),
                             P(mib_err)]),
    "mib_permutation_test": (c_int, [P(mib_data), P(mib_spec), c_size_t, c_uint64,
                                     P(mib_workspace), P(mib_permutation_result), P(mib_err)]),
    "mib_perm_scheme_name": (c_char_p, [c_int]),
    "mib_select_options_init": (None, [P(mib_select_options)]),
    "mib_select_default_spec": (c_char_p, [c_int]),
    "mib_select": (c_int, [P(c_double), c_size_t, c_size_t, c_size_t, P(mib_select_options),
                           P(mib_select_pick), P(c_size_t), P(mib_err)]),
    "mib_confidence_interval": (c_int, [P(mib_data), P(mib_spec), c_double, c_uint64,
                                        P(mib_workspace), P(mib_ci_result), P(mib_err)]),
    "mib_entropy_kl": (c_int, [P(c_double), c_size_t, c_size_t, c_size_t, c_int, c_int,
                               P(c_double), P(mib_err)]),
    "mib_entropy_plugin": (c_int, [P(c_double), c_size_t, c_size_t, c_int, P(c_double),
                                   P(mib_err)]),
    "mib_entropy_gaussian": (c_int, [P(c_double), c_size_t, c_size_t, P(c_double), P(mib_err)]),
    "mib_study_init": (None, [P(mib_study)]),
    "mib_study_free": (None, [P(mib_study)]),
    "mib_study_load": (c_int, [c_char_p, P(mib_study), P(mib_err)]),
    "mib_study_parse": (c_int, [c_char_p, c_char_p, P(mib_study), P(mib_err)]),
    "mib_run_options_init": (None, [P(mib_run_options)]),
    "mib_run": (c_int, [P(mib_study), P(mib_run_options), P(mib_run_report), P(mib_err)]),
    "mib_results_read": (c_int, [c_char_p, P(mib_results), P(mib_err)]),
    "mib_results_free": (None, [P(mib_results)]),
}
# OpenBLAS's thread count (see README, Threads); optional.
OPTIONAL = {
    "openblas_get_num_threads": (c_int, []),
    "openblas_set_num_threads": (None, [c_int]),
}


def candidates():
    """The library paths to try, in order, as (path, where-it-came-from)."""
    env = os.environ.get("MIBENCH_LIBRARY")
    if env:
        return [(env, "$MIBENCH_LIBRARY")]
    found = []
    try:
        from . import _paths
    except ImportError:   # the source tree (python/mibench): no configured _paths.py
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        found.append((os.path.join(root, "build", SONAME), "the source tree's build/"))
    else:
        for attr, what in (("LIBRARY", "installed with this package"),
                           ("BUILD_LIBRARY", "the build tree of this package")):
            path = getattr(_paths, attr, "")
            if path:
                found.append((path, what))
    found.append((SONAME, "the dynamic linker's search path"))
    return found


def load():
    """Load, verify and declare the library. Returns (cdll, path, constants)."""
    tried = []
    for path, what in candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append("%s (%s): no such file" % (path, what))
            if what == "$MIBENCH_LIBRARY":
                break
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s): %s" % (path, what, e))
            if what == "$MIBENCH_LIBRARY" or os.sep in path:
                break   # a library that exists but does not load: say so, do not hunt on
            continue
        return declare(lib, path)
    raise LoadError("cannot load libmibench; tried " + "; ".join(tried) +
                    ". Build it (meson setup build && ninja -C build), install it, or set "
                    "MIBENCH_LIBRARY to the path of " + SONAME)


def declare(lib, path):
    """Check lib against the mirrors above and set every prototype."""
    for name, (res, args) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise LoadError("%s is not a usable libmibench: it has no symbol %s%s" % (
                path, name, " (built before abi.h; rebuild it)" if name.startswith("mib_abi")
                else "")) from None
        fn.restype, fn.argtypes = res, args
    for name, (res, args) in OPTIONAL.items():
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype, fn.argtypes = res, args
    version = lib.mib_abi_version()
    if version != ABI_VERSION:
        raise LoadError("%s has ABI version %d but this mibench module needs %d; use the "
                        "module installed with that library" % (path, version, ABI_VERSION))
    check_layouts(lib, STRUCTS, path)
    constants = {}
    for name in CONSTANTS:
        v = c_longlong()
        if lib.mib_abi_constant(name.encode(), byref(v)) != 0:
            raise LoadError("%s does not define the constant %s that this module uses" %
                            (path, name))
        constants[name] = v.value
    return lib, path, constants


def check_layouts(lib, structs, path="libmibench"):
    """Compare each ctypes mirror with the library's sizeof/offsetof (rules in
    the module docstring); record the library's sizeof for new(); raise
    LoadError listing the differences."""
    problems = []
    if lib.mib_abi_sizeof(b"sig_atomic_t") != ctypes.sizeof(c_int):
        problems.append("sig_atomic_t is not an int")
    sizes = {}
    for cls in structs:
        name = cls.__name__
        size = lib.mib_abi_sizeof(name.encode())
        mine = ctypes.sizeof(cls)
        if size == 0:
            problems.append("the library does not know struct %s" % name)
            continue
        if size != mine and (getattr(cls, "_array_", False) or size < mine):
            problems.append("sizeof(%s) is %d in the library, %d in the module" %
                            (name, size, mine))
        sizes[cls] = size
        for field, _ in cls._fields_:
            off, sz = c_size_t(), c_size_t()
            here = getattr(cls, field)
            if lib.mib_abi_field(name.encode(), field.encode(), byref(off), byref(sz)) != 0:
                problems.append("%s.%s is unknown to the library" % (name, field))
            elif (off.value, sz.value) != (here.offset, here.size):
                problems.append("%s.%s is at offset %d, size %d in the library but %d, %d in "
                                "the module" % (name, field, off.value, sz.value, here.offset,
                                                here.size))
    if problems:
        more = " (and %d more)" % (len(problems) - 4) if len(problems) > 4 else ""
        raise LoadError("%s does not match this mibench module's mirror of its structs: %s%s; "
                        "use the module installed with that library" %
                        (path, "; ".join(problems[:4]), more))
    SIZES.update(sizes)


SIZES = {}   # struct class -> the loaded library's sizeof


def new(cls):
    """A zeroed cls of the library's sizeof (which may exceed the mirror's)."""
    size = max(SIZES.get(cls, 0), ctypes.sizeof(cls))
    buf = (ctypes.c_longdouble * ((size + 15) // 16))()   # 16-byte aligned, like malloc
    return cls.from_buffer(buf)
