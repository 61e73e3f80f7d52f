#!/usr/bin/env python3
"""check_layout.py - the build's arrow check (run by meson before any library
compiles). Every quoted #include must name its folder ("core/spec.h"), and a
folder may include only the folders its arrows allow (README, "Layout"):

    bench/cli -> bench/plot, bench/check, bench/mpi -> bench/harness -> bench/external -> bench/store
    bench/harness -> generators, estimators -> core; everything -> mibench/

Example plugins (examples/) are built against the public headers alone.
Also: only bench/store includes HDF5, only bench/harness reads INI files, and
the library's folders never print, exit, abort or read the environment.
Usage: check_layout.py SOURCE_ROOT STAMP; writes STAMP when all is well,
else prints one line per violation and exits 1."""
import os
import re
import sys

# folder -> include prefixes it may use (besides the public mibench/ headers)
ARROWS = {
    "include/mibench": [],
    "core": ["core/"],
    "generators": ["core/", "generators/"],
    "estimators": ["core/", "estimators/"],
    "bench/store": ["core/", "bench/store/"],
    "bench/external": ["core/", "bench/external/", "bench/store/"],
    "bench/harness": ["core/", "bench/harness/", "bench/external/", "bench/store/"],
    "bench/plot": ["core/", "bench/plot/", "bench/harness/"],
    "bench/check": ["core/", "bench/check/", "bench/harness/"],
    "bench/mpi": ["core/", "bench/mpi/", "bench/harness/"],
    "bench/cli": ["core/", "bench/cli/", "bench/plot/", "bench/check/", "bench/mpi/", "bench/harness/",
                  "bench/external/", "bench/store/"],
    # benchmark programs time internals and set up OpenBLAS as programs do
    "bench/perf": ["core/", "estimators/", "generators/", "bench/perf/", "bench/cli/blas_kernels.h",
                   "bench/harness/"],
    # plugins users copy: the public headers, nothing of the library's insides
    "examples": [],
}
# system headers only some folders may include
SYSTEM = {
    "hdf5.h": ["bench/store"],
    "ini.h": ["bench/harness"],
    "mpi.h": ["bench/mpi"],
}
# the library's folders: no printing, exiting, aborting or environment
LIBRARY = ["core", "generators", "estimators", "bench/store", "bench/external", "bench/harness",
           "bench/plot", "bench/check", "bench/mpi"]
FORBIDDEN_CALLS = re.compile(
    r"\b(printf|puts|perror|getenv|setenv|exit|_exit|abort)\s*\(|\bfprintf\s*\(\s*(stderr|stdout)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def folder_of(rel):
    best = None
    for f in ARROWS:
        if rel.startswith(f + "/") and (best is None or len(f) > len(best)):
            best = f
    return best


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def check_file(root, rel, problems):
    folder = folder_of(rel)
    if folder is None:
        return
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        text = f.read()
    for no, line in enumerate(text.splitlines(), 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        kind, name = m.groups()
        where = f"{rel}:{no}: #include {kind}{name}{'>' if kind == '<' else chr(34)}"
        if kind == "<":
            allowed = SYSTEM.get(os.path.basename(name))
            if allowed is not None and folder not in allowed and not name.startswith("H5"):
                problems.append(f"{where}: only {', '.join(allowed)} may include {name}")
            continue
        if "/" not in name or ".." in name.split("/"):
            problems.append(f"{where}: write includes with their folder from the source "
                            "root, e.g. \"core/spec.h\"")
        elif not name.startswith("mibench/") and \
                not any(name.startswith(p) for p in ARROWS[folder]):
            problems.append(f"{where}: {folder} may include only mibench/"
                            + "".join(", " + p for p in ARROWS[folder])
                            + " (see the arrows in README, Layout)")
    if folder in LIBRARY and rel.endswith(".c"):
        for no, line in enumerate(strip_comments(text).splitlines(), 1):
            m = FORBIDDEN_CALLS.search(line)
            if m:
                problems.append(f"{rel}:{no}: the library never prints, exits, aborts or "
                                f"reads the environment ({m.group(0).strip()}); main does")


def main():
    root, stamp = sys.argv[1], sys.argv[2]
    problems = []
    for top in ["include", "core", "generators", "estimators", "bench", "examples"]:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    rel = os.path.relpath(os.path.join(dirpath, n), root)
                    check_file(root, rel.replace(os.sep, "/"), problems)
    if problems:
        for p in problems:
            print("layout: " + p, file=sys.stderr)
        print(f"layout: {len(problems)} include(s) or call(s) across a forbidden arrow",
              file=sys.stderr)
        return 1
    with open(stamp, "w", encoding="utf-8") as f:
        f.write("/* written by scripts/check_layout.py: the layout holds */\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
