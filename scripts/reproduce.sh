#!/usr/bin/env bash
# reproduce.sh - regenerate docs/reproductions.md and docs/figures/: set up and
# build (scripts/setup.sh), run the studies the report compares with published
# results (Kraskov et al. 2004; Poole et al. 2019 and Song & Ermon 2020; the
# mutinfo benchmark's Gaussian table; Czyz et al. 2023), draw them with
# `mibench plot`, copy a few figures and rewrite the report's generated blocks
# (between <!-- BEGIN generated: X --> and <!-- END generated: X -->) from the
# results files. The prose around the blocks is the report's own.
# --quick runs the small variants (bench/studies/*-quick.ini; 5 minutes on 2
# cores); without it the full studies (about 12 hours on 2 cores, most of it
# beyond-normal.ini's neural critics; see the report).
# Runs are resumed (--resume), so an interrupted full run continues where it
# stopped; delete DIR to start afresh.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: bash scripts/reproduce.sh [--quick] [--threads T] [--mpi R] [--out DIR]
  --quick       the small study variants (minutes) instead of the full ones
  --threads T   trials run in parallel by each mibench process (default: all cores;
                with --mpi: 1)
  --mpi R       run each study as `mpirun -n R mibench run ...` ($MPIRUN replaces
                mpirun, e.g. MPIRUN='srun --mpi=pmix' inside a Slurm job)
  --out DIR     results files and plots (default results/reproduce)
Environment: MIB_BUILD (build folder, default build), as scripts/run.sh.
EOF
}

QUICK=0 THREADS= RANKS=0 OUT=results/reproduce
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --threads) THREADS=${2:?--threads needs a number}; shift ;;
    --mpi) RANKS=${2:?--mpi needs a number of ranks}; shift ;;
    --out) OUT=${2:?--out needs a folder}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "reproduce.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

bash scripts/setup.sh
BUILD=${MIB_BUILD:-build}
MIB=$BUILD/mibench
LAUNCH=()
if [ "$RANKS" -gt 0 ]; then
  read -r -a LAUNCH <<<"${MPIRUN:-mpirun} -n $RANKS"
  THREADS=${THREADS:-1}
fi
mkdir -p "$OUT" docs/figures

# run NAME ARGS...: `mibench run ARGS` into OUT/NAME.h5 (resumed), its wall
# time appended to OUT/times.tsv (the report sums a file's invocations), then
# plotted into OUT/NAME/.
run() {
  local name=$1 t0 t1
  shift
  echo "reproduce.sh: $name" >&2
  t0=$(date +%s.%N)
  "${LAUNCH[@]}" "$MIB" run "$@" -o "$OUT/$name.h5" --resume ${THREADS:+--threads "$THREADS"}
  t1=$(date +%s.%N)
  awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s\t%.1f\n", n, b - a }' >>"$OUT/times.tsv"
  "$MIB" plot "$OUT/$name.h5" -o "$OUT/$name" >/dev/null
}

# figure NAME FILE DEST: copy OUT/NAME/FILE (a glob matching one file) to
# docs/figures/DEST.
figure() {
  local src=("$OUT/$1/"$2)
  [ -e "${src[0]}" ] || { echo "reproduce.sh: no figure $OUT/$1/$2" >&2; exit 1; }
  cp "${src[0]}" "docs/figures/$3"
}

if [ "$QUICK" = 1 ]; then
  KRASKOV=kraskov-quick POOLE=poole2019-quick MUTINFO=mutinfo-quick MUTROT=mutinfo-rotated-quick
  BN=beyond-normal-report-quick
else
  KRASKOV=kraskov POOLE=poole2019 MUTINFO=mutinfo MUTROT=mutinfo-rotated BN=beyond-normal
fi
run "$KRASKOV" "bench/studies/$KRASKOV.ini"
run "$POOLE" "bench/studies/$POOLE.ini"
run "$MUTINFO" "bench/studies/$MUTINFO.ini"
run "$MUTROT" "bench/studies/$MUTROT.ini"
if [ "$QUICK" = 1 ]; then
  # bmi v1's 40 tasks (the gen lines of beyond-normal.ini, in its order) at
  # the report's N only, the classical estimators, 3 seeds.
  tasks=()
  while read -r g; do tasks+=(--gen "$g"); done < <(sed -n 's/^gen = //p' bench/studies/beyond-normal.ini)
  run "$BN" "${tasks[@]}" --est histogram --est ksg1 --est ksg2 --est gaussian --est copula \
    --n 5000,10000 --seeds 3 --seed 1 --name beyond-normal-report-quick
else
  run "$BN" bench/studies/beyond-normal.ini
fi

figure "$KRASKOV" 'bias-1-*.png' kraskov-bias-rho0.png
figure "$KRASKOV" 'bias-4-*.png' kraskov-bias-rho0.9.png
figure "$POOLE" 'curves-1-*.png' staircase-gaussian.png
figure "$POOLE" 'curves-2-*.png' staircase-cubic.png
figure "$MUTINFO" 'truth-1-*.png' mutinfo-truth.png
figure "$BN" heatmap.png beyond-normal-heatmap.png

PYTHONPATH=$BUILD/python /usr/bin/python3 - "$OUT" "$QUICK" "$KRASKOV" "$POOLE" "$MUTINFO" "$MUTROT" "$BN" \
  "${LAUNCH[*]}" "${THREADS:-all cores}" <<'PY'
"""Rewrite the generated blocks of docs/reproductions.md from the results
files, read with mibench.load (the Python module over the shared library);
the standard library and NumPy besides."""
import math, os, re, subprocess, sys, time
import numpy as np
import mibench

OUT, QUICK, KRASKOV, POOLE, MUTINFO, MUTROT, BN, LAUNCH, THREADS = sys.argv[1:10]
DOC = "docs/reproductions.md"
DEFAULTS = {e: {p["name"]: p["default"] for p in info["params"]}
            for e, info in mibench.estimators().items()}
LOAD = {name: mibench.load(os.path.join(OUT, name + ".h5"))
        for name in (KRASKOV, POOLE, MUTINFO, MUTROT, BN)}

# The mutinfo benchmark's published Gaussian table (N = 10,000, 10 seeds, best
# k per cell for KSG; InfoNCE at batch 512), true MI 0 ... 10 nats.
MUTINFO_KSG = [0, 1.00, 1.95, 2.82, 3.55, 4.17, 4.73, 5.23, 5.66, 5.99, 6.21]
MUTINFO_NCE = [0, 0.98, 1.97, 2.94, 3.86, 4.70, 5.37, 5.81, 6.02, 6.09, 6.11]


def params(spec):
    """the key=value pairs of a canonical spec, in order"""
    _, _, rest = spec.partition(":")
    return dict(kv.split("=", 1) for kv in rest.split(",")) if rest else {}


def label(spec, omit=()):
    """an estimator's type name and its parameters that are not at their
    defaults (but those in omit)"""
    name = spec.split(":", 1)[0]
    d = DEFAULTS.get(name, {})
    def same(a, b):
        try:
            return float(a) == float(b)
        except ValueError:
            return a == b
    keep = [k + "=" + v for k, v in params(spec).items()
            if k in d and k not in omit and not same(v, d[k])]
    return name + (":" + ",".join(keep) if keep else "")


def num(x, d=2):
    if x is None or not np.isfinite(x):
        return "NaN"
    return "%.*f" % (d, x) if abs(x) < 1000 else "%.2g" % x


def mean_se(m, se, d=3):
    """mean (standard error)"""
    return "%s (%s)" % (num(m, d), num(se, d))


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def block_run():
    times = {}
    for line in open(os.path.join(OUT, "times.tsv")):
        name, sec = line.split("\t")
        times[name] = times.get(name, 0.0) + float(sec)
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    rows, wall, cpu = [], 0.0, 0.0
    for name, r in LOAD.items():
        t = r["trials"]
        c = float(np.nansum(t["cpu_seconds"]))
        w = times.get(name, float("nan"))
        wall, cpu = wall + w, cpu + c
        rows.append(["`%s`" % name, len(t), int(np.sum(t["status"] != 0)), "%.0f" % c, "%.0f" % w])
    rows.append(["total", "", "", "%.0f" % cpu, "%.0f" % wall])
    how = ("`%s mibench run`, %s thread(s) each" % (LAUNCH, THREADS) if LAUNCH
           else "`mibench run`, threads: %s" % THREADS)
    return ("Mode: %s. Tables written %s at commit `%s` on %s (%d cores); studies run with %s. CPU seconds are the "
            "estimators' own (summed `/trials.cpu_seconds`); wall seconds are those of "
            "`mibench run`, summed over the invocations that wrote the file (resumes add theirs).\n\n"
            % ("`--quick`" if QUICK == "1" else "full", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               commit, os.uname().nodename, os.cpu_count(), how)
            + table(["results file", "trials", "failed", "CPU s", "wall s"], rows))


def cells(r):
    """the /summary rows as dicts"""
    s = r["summary"]
    return [dict(zip(s.dtype.names, row)) for row in s]


def block_kraskov():
    rows = cells(LOAD[KRASKOV])
    for c in rows:
        c["rho"] = float(params(c["generator"])["rho"])
        c["k"] = int(params(c["estimator"])["k"])
    ests = sorted({(c["estimator_name"], c["k"]) for c in rows})
    ns = sorted({c["n"] for c in rows})
    rhos = sorted({c["rho"] for c in rows})
    at = {(c["rho"], c["estimator_name"], c["k"], c["n"]): c for c in rows}
    out = []
    show = [n for n in (100, 1000, ns[-1]) if n in ns]
    body = []
    for rho in rhos:
        for n in show:
            c0 = at[(rho, ests[0][0], ests[0][1], n)]
            body.append(["%g (%.4f)" % (rho, c0["true_mi"]), n]
                        + [mean_se(at[(rho, e, k, n)]["bias"], at[(rho, e, k, n)]["std_error"])
                           for e, k in ests])
    out.append("Bias, mean estimate minus the truth, nats (standard error), %d replicates per cell:\n"
               % rows[0]["count"])
    out.append(table(["rho (true MI)", "N"] + ["%s k=%d" % ek for ek in ests], body))
    indep = [c for c in rows if c["rho"] == 0]
    ok = sum(abs(c["bias"]) <= 2 * c["std_error"] for c in indep)
    out.append("\nIndependent data (rho = 0): |bias| <= 2 SE in %d of %d cells (every N, k and "
               "algorithm); the largest |bias| is %.4f nats."
               % (ok, len(indep), max(abs(c["bias"]) for c in indep)))
    # Systematic errors as functions of k/N: k = 10 at 10 N against k = 1 at N.
    pairs = []
    for e in sorted({e for e, _ in ests}):
        for n in ns:
            a, b = at.get((rhos[-1], e, 1, n)), at.get((rhos[-1], e, 10, 10 * n))
            if a and b:
                z = (b["bias"] - a["bias"]) / math.hypot(a["std_error"], b["std_error"])
                pairs.append([e, "%d / %d" % (n, 10 * n), mean_se(a["bias"], a["std_error"], 4),
                              mean_se(b["bias"], b["std_error"], 4), "%.1f" % z])
    out.append("\nThe same k/N, rho = %g: bias at k = 1 and N against k = 10 and 10 N "
               "(z: their difference in combined SE):\n" % rhos[-1])
    out.append(table(["estimator", "N / 10 N", "k = 1", "k = 10", "z"], pairs))
    return "\n".join(out)


def levels(curve, last=1000):
    """mean and sd of the per-step training bound over the last 1000 steps
    of each MI level of one trial's curve; a level the trial never reached
    (it diverged first) is missing"""
    out = {}
    for mi in np.unique(curve["true_mi"]):
        v = curve["estimate"][curve["true_mi"] == mi][-last:]
        out[float(mi)] = (float(np.mean(v)), float(np.std(v, ddof=1)), len(v))
    return out


def block_staircase():
    r = LOAD[POOLE]
    cur, trials = r["curves"], r["trials"]
    mis = sorted({float(m) for m in np.unique(cur["true_mi"])})
    body, stats = [], {}
    for cell in r["cells"]:
        t = trials[trials["cell"] == cell["cell"]]
        if not len(t):
            continue
        p = params(cell["generator"])
        lab = label(cell["estimator"], omit=("online", "steps"))
        lv = levels(cur[cur["cell"] == cell["cell"]])
        full = {m: lv[m] for m in lv if lv[m][2] >= 1000}
        stats[(p["transform"], lab)] = full
        row = [p["transform"], "`%s`" % lab]
        for m in mis:
            row.append("%s (%s)" % (num(full[m][0]), num(full[m][1])) if m in full else "div")
        st = t["status_name"][0]
        row.append(num(t["estimate"][0]) if st == "ok" else st)
        body.append(row)
    b = int(r["cells"]["batch_size"][0])
    out = ["Per level: mean (sd) of the per-step training-batch bound over the last 1000 "
           "of the level's steps (/curves); \"div\": the trial diverged before that level "
           "ended. Last column: the trial's estimate on fresh rows at the last level. "
           "Batch B = %d, ln B = %.2f.\n" % (b, math.log(b))]
    out.append(table(["law", "bound"] + ["MI %g" % m for m in mis] + ["held-out"], body))
    for (law, lab), lv in sorted(stats.items()):
        if lab.startswith("infonce") and mis[-1] in lv:
            out.append("\n%s, `%s`: %.2f at MI %g, %.2f under ln B; from MI %g to %g it moved %.2f nats."
                       % (law, lab, lv[mis[-1]][0], mis[-1], math.log(b) - lv[mis[-1]][0], mis[-2],
                          mis[-1], lv[mis[-1]][0] - lv[mis[-2]][0]))
        if lab.startswith("nwj") and len(lv) >= 2:
            ms = sorted(lv)
            var = lambda m: lv[m][1] ** 2
            out.append("\n%s, `%s`: the variance of the per-step bound grows %.0f-fold from MI %g "
                       "to %g (e^%g = %.0f); level by level %s-fold (e^%g = %.1f)."
                       % (law, lab, var(ms[-1]) / var(ms[0]), ms[0], ms[-1], ms[-1] - ms[0],
                          math.exp(ms[-1] - ms[0]),
                          ", ".join("%.1f" % (var(b2) / var(a)) for a, b2 in zip(ms, ms[1:])),
                          ms[1] - ms[0], math.exp(ms[1] - ms[0])))
    return "\n".join(out)


def rotated_mutinfo():
    """best-k KSG-1 on mutinfo's CorrelatedNormal sampler for dim > 1 (the
    gaussian generator's split=random, rotate=1), each (dim, MI, k) averaged
    over its draws: {(dim, MI): (best k, mean)} and the number of draws"""
    means, draws = {}, set()
    for c in cells(LOAD[MUTROT]):
        g = params(c["generator"])
        draws.add(g["draw"])
        key = (int(g["dim"]), c["true_mi"], int(params(c["estimator"])["k"]))
        means.setdefault(key, []).append(c["mean"])
    best = {}
    for (d, mi, k), v in means.items():
        m = float(np.mean(v))
        if (d, mi) not in best or abs(m - mi) < abs(best[(d, mi)][1] - mi):
            best[(d, mi)] = (k, m)
    return best, len(draws)


def block_mutinfo():
    rows = cells(LOAD[MUTINFO])
    ksg = [c for c in rows if c["estimator_name"] == "ksg1"]
    nce = [c for c in rows if c["estimator_name"] == "infonce"]
    mis = sorted({c["true_mi"] for c in rows})
    ks = sorted({int(params(c["estimator"])["k"]) for c in ksg})
    reps = int(max(c["count"] for c in rows))
    emu, ndraws = rotated_mutinfo()
    b = int(nce[0]["batch_size"])
    body, ok_ksg, ok_nce = [], [], []   # within 2 SE of the published value
    for mi in mis:
        at = [c for c in ksg if c["true_mi"] == mi]
        best = min(at, key=lambda c: abs(c["mean"] - mi))
        k3 = next(c for c in at if int(params(c["estimator"])["k"]) == 3)
        n = next(c for c in nce if c["true_mi"] == mi)
        pk = MUTINFO_KSG[int(mi)] if float(mi).is_integer() and mi <= 10 else float("nan")
        pn = MUTINFO_NCE[int(mi)] if float(mi).is_integer() and mi <= 10 else float("nan")
        ok_ksg.append(abs(best["mean"] - pk) <= 2 * best["std_error"])
        ok_nce.append(abs(n["mean"] - pn) <= 2 * n["std_error"])
        body.append(["%g" % mi, num(pk), "%s, k=%s" % (mean_se(best["mean"], best["std_error"]),
                                                      params(best["estimator"])["k"]),
                     "%+.2f" % (best["mean"] - pk), num(k3["mean"]),
                     " / ".join("%s (k=%d)" % (num(emu[(d, mi)][1]), emu[(d, mi)][0])
                                if (d, mi) in emu else "-" for d in (2, 3)),
                     num(pn), mean_se(n["mean"], n["std_error"]) + ("" if n["failures"] == 0 else
                                                                 ", %d failed" % n["failures"]),
                     "%+.2f" % (n["mean"] - pn)])
    out = ["%d seeds per cell, N = %d. KSG: best k of %s per cell (closest mean to the truth, as "
           "mutinfo's tables pick it), then k = 3 (mibench's default) alone. diff: mibench - "
           "mutinfo, nats. The emulation column is `%s.ini`: KSG-1 on mutinfo's own sampler "
           "for dim 2 / dim 3 (`gaussian:split=random,rotate=1`: a random split of the MI over "
           "the coordinates, random rotations; mean over %d draws, best k). InfoNCE: batch "
           "%d, ln B = %.2f.\n" % (reps, rows[0]["n"], ", ".join(map(str, ks)), MUTROT, ndraws, b,
                                   math.log(b))]
    out.append(table(["true MI", "mutinfo KSG", "mibench KSG-1, best k", "diff", "k = 3",
                      "emulated dim 2 / 3", "mutinfo InfoNCE", "mibench InfoNCE", "diff"], body))
    out.append("\nWithin 2 of mibench's SE of the published value (which comes without one): KSG "
               "%d of %d levels, InfoNCE %d of %d."
               % (sum(ok_ksg), len(ok_ksg), sum(ok_nce), len(ok_nce)))
    return "\n".join(out)


def bmi_names(path="bench/studies/beyond-normal.ini"):
    """bmi's task name (the comment line above each gen line), in file order"""
    names, last = [], None
    for line in open(path):
        if line.startswith("; "):
            last = line[2:].strip()
        elif line.startswith("gen = "):
            names.append(last)
    return names


def family(task):
    return re.sub(r"\s*\((dof|additive noise)=[^)]*\)|\s*\d+ x \d+", "", task).strip()


def block_czyz():
    r = LOAD[BN]
    s = r["summary"]
    gens = list(dict.fromkeys(r["cells"]["generator"]))
    names = bmi_names()
    if len(names) != len(gens):
        sys.exit("reproduce.sh: %s has %d tasks, beyond-normal.ini %d" % (BN, len(gens), len(names)))
    fam = {g: family(t) for g, t in zip(gens, names)}
    ests = list(dict.fromkeys(s["estimator"]))
    ns = [n for n in (5000, 10000) if n in set(s["n"])]
    body, wrong = [], {}
    for f in dict.fromkeys(fam.values()):
        tasks = [g for g in gens if fam[g] == f]
        row = ["%s (%d)" % (f, len(tasks))]
        for e in ests:
            cell = []
            for n in ns:
                sel = s[np.isin(s["generator"], tasks) & (s["estimator"] == e) & (s["n"] == n)]
                bad = sel[~((sel["mean"] >= sel["true_mi"] / 1.5) & (sel["mean"] <= 1.5 * sel["true_mi"]))]
                for b in bad:
                    wrong.setdefault((label(e), n), []).append(
                        "%s %+.0f%%" % (names[gens.index(b["generator"])],
                                        100 * (b["mean"] - b["true_mi"]) / b["true_mi"]))
                runs = int(sel["bmi_failures"].sum())
                cell.append(("%d" % len(bad) + (" [%d]" % runs if runs else "")) if len(sel) else "-")
            row.append(", ".join(cell))
        body.append(row)
    out = ["Per task family (bmi's task names without their dimensions; in parentheses its "
           "number of tasks) and estimator, at N = %s: the number of tasks whose mean estimate "
           "is not within a factor 1.5 of the true MI (the \"samples needed\" criterion); in "
           "brackets, where there are any, the trials bmi counts as failed runs (estimate < 0 "
           "or < 0.1 of the cell's largest). %d seeds per cell.\n"
           % (", ".join(map(str, ns)), int(s["count"].max()))]
    out.append(table(["family"] + ["`%s`" % label(e) for e in ests], body))
    out.append("\nTasks off by more than a factor 1.5 (relative error of the mean) at N = %d:\n" % ns[-1])
    for e in ests:
        w = wrong.get((label(e), ns[-1]), [])
        out.append("- `%s` (%d): %s" % (label(e), len(w), "; ".join(w) if w else "none"))
    return "\n".join(out)


text = open(DOC).read()
for name, fn in (("run", block_run), ("kraskov", block_kraskov), ("staircase", block_staircase),
                 ("mutinfo", block_mutinfo), ("czyz", block_czyz)):
    pat = re.compile(r"(<!-- BEGIN generated: %s -->\n).*?(<!-- END generated: %s -->)" % (name, name), re.S)
    if not pat.search(text):
        sys.exit("reproduce.sh: %s lacks the generated block '%s'" % (DOC, name))
    text = pat.sub(lambda m: m.group(1) + fn() + "\n" + m.group(2), text)
open(DOC, "w").write(text)
print("wrote %s and docs/figures/" % DOC)
PY
