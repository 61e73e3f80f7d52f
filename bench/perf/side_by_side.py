#!/usr/bin/python3
"""side_by_side.py - mibench against its peers on the same data and networks,
one pinned core, the two sides alternated (median of --reps ratios).

  KSG-1, k = 3, 1+1-D, N = 1e6: mibench estimate ksg1 vs scikit-learn's
      mutual_info_regression (python3-sklearn), on one and on two threads;
  KSG-1, k = 3, 5+5-D, N = 1e5: vs an NPEET-style KSG on scipy's cKDTree
      (python3-scipy: k-NN with p = inf, then query_ball_point counts);
  neural, online InfoNCE, dim 20, 256 x 2 ReLU, embed 32, Adam lr 5e-4:
      bench_neural's steps/s vs the same network and bound in PyTorch
      (python3-torch, torch.set_num_threads(1)), separable and concat; both
      per CPU second of the one pinned core.
A peer that is not installed is skipped with a message. Needs numpy.
usage: side_by_side.py BUILD_DIR [--reps R] [--only ksg1d|ksg5d|neural]...
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def pinned(cmd, cores="1"):
    return ["taskset", "-c", cores] + cmd if shutil_which("taskset") else cmd


def shutil_which(name):
    from shutil import which
    return which(name)


def gaussian(n, d, rho, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = rho * x + np.sqrt(1 - rho * rho) * rng.standard_normal((n, d))
    return x, y


def write_csv(path, x, y):
    d = x.shape[1]
    header = ",".join([f"X{i}" for i in range(d)] + [f"Y{i}" for i in range(d)])
    np.savetxt(path, np.hstack([x, y]), delimiter=",", header=header, comments="", fmt="%.17g")


def mibench_seconds(build, csv, threads, spec="ksg1:k=3"):
    cores = "1" if threads == 1 else "0,1"
    out = subprocess.run(pinned([os.path.join(build, "mibench"), "estimate", spec, csv,
                                 "--threads", str(threads), "--json"], cores),
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    return d["seconds"], d["estimate"]


def in_child(code, cores="1"):
    """Run python code pinned; it prints one JSON line."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(pinned([sys.executable, "-c", code], cores), check=True,
                         capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


SKLEARN = """
import json, time, numpy as np
from sklearn.feature_selection import mutual_info_regression
a = np.loadtxt(%r, delimiter=",", skiprows=1)
x, y = a[:, :1], a[:, 1]
t = time.perf_counter()
mi = mutual_info_regression(x, y, n_neighbors=3, random_state=0)[0]
print(json.dumps({"s": time.perf_counter() - t, "mi": float(mi)}))
"""

NPEET = """
import json, time, numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma
a = np.loadtxt(%r, delimiter=",", skiprows=1)
d = a.shape[1] // 2
t = time.perf_counter()
k, n = 3, a.shape[0]
a = a + 1e-10 * np.random.default_rng(0).random(a.shape)
x, y = a[:, :d], a[:, d:]
eps = cKDTree(a).query(a, k + 1, p=np.inf)[0][:, k]
def avg(z):
    tree = cKDTree(z)
    c = tree.query_ball_point(z, eps - 1e-15, p=np.inf, return_length=True)
    return np.mean(digamma(c))
mi = digamma(k) + digamma(n) - avg(x) - avg(y)
print(json.dumps({"s": time.perf_counter() - t, "mi": float(mi)}))
"""

TORCH = """
import json, time, math, torch
torch.set_num_threads(1)
torch.manual_seed(0)
critic, B, d, H, E, rho, steps = %r, %d, 20, 256, 32, %r, %d
def mlp(i, o):
    return torch.nn.Sequential(torch.nn.Linear(i, H), torch.nn.ReLU(), torch.nn.Linear(H, H),
                               torch.nn.ReLU(), torch.nn.Linear(H, o))
if critic == "separable":
    g, h = mlp(d, E), mlp(d, E)
    params = list(g.parameters()) + list(h.parameters())
    def scores(x, y):
        return g(x) @ h(y).t()
else:
    f = mlp(2 * d, 1)
    params = list(f.parameters())
    def scores(x, y):
        xy = torch.cat([x.unsqueeze(1).expand(B, B, d), y.unsqueeze(0).expand(B, B, d)], 2)
        return f(xy.reshape(B * B, 2 * d)).reshape(B, B)
opt = torch.optim.Adam(params, lr=5e-4)
def step():
    x = torch.randn(B, d)
    y = rho * x + math.sqrt(1 - rho * rho) * torch.randn(B, d)
    T = scores(x, y)
    loss = -(math.log(B) + (T.diag() - T.logsumexp(1)).mean())
    opt.zero_grad()
    loss.backward()
    opt.step()
for _ in range(5):
    step()
t = time.process_time()  # CPU seconds, as bench_neural's one-thread figures
for _ in range(steps):
    step()
print(json.dumps({"rate": steps / (time.process_time() - t)}))
"""


def have(module):
    try:
        __import__(module)
        return True
    except ImportError:
        print(f"  (skipped: {module} is not installed; apt-get install python3-{module.replace('sklearn', 'sklearn')})")
        return False


def ksg_1d(build, reps, tmp):
    print("KSG-1 k=3, 1+1-D Gaussians rho 0.5, N = 1e6 (seconds of the estimate)")
    if not have("sklearn"):
        return
    x, y = gaussian(1000000, 1, 0.5, 1)
    csv = os.path.join(tmp, "g1.csv")
    write_csv(csv, x, y)
    rows = []
    for _ in range(reps):
        m1, mi = mibench_seconds(build, csv, 1)
        m2, mi2 = mibench_seconds(build, csv, 2)
        sk = in_child(SKLEARN % csv)
        rows.append((m1, m2, sk["s"]))
        print(f"  mibench 1 thread {m1:.3f} s, 2 threads {m2:.3f} s; scikit-learn {sk['s']:.2f} s"
              f"  (estimates {mi:.5f}, {mi2:.5f}, {sk['mi']:.5f})")
    r1 = statistics.median(s / a for a, _, s in rows)
    r12 = statistics.median(a / b for a, b, _ in rows)
    print(f"  -> mibench is {r1:.1f}x faster than scikit-learn on one thread (target >= 25x); "
          f"two threads are {r12:.2f}x one (target >= 1.8x)")


def ksg_5d(build, reps, tmp):
    print("KSG-1 k=3, 5+5-D Gaussians rho 0.5, N = 1e5")
    if not have("scipy"):
        return
    x, y = gaussian(100000, 5, 0.5, 2)
    csv = os.path.join(tmp, "g5.csv")
    write_csv(csv, x, y)
    rows = []
    for _ in range(reps):
        m1, mi = mibench_seconds(build, csv, 1)
        np_ = in_child(NPEET % csv)
        rows.append((m1, np_["s"]))
        print(f"  mibench {m1:.3f} s; scipy cKDTree KSG (NPEET's algorithm) {np_['s']:.2f} s"
              f"  (estimates {mi:.5f}, {np_['mi']:.5f})")
    print(f"  -> {statistics.median(b / a for a, b in rows):.1f}x faster (target >= 20x NPEET)")


def neural(build, reps, tmp):
    print("online InfoNCE, dim 20, hidden 256 x 2, embed 32, Adam lr 5e-4, one thread (steps/s)")
    if not have("torch"):
        return
    targets = {("separable", 64): 3, ("concat", 64): 2}
    for critic, B in (("separable", 64), ("separable", 256), ("concat", 64)):
        rows = []
        for _ in range(reps):
            out = subprocess.run(pinned([os.path.join(build, "bench_neural"), "2", "--critic",
                                         critic, "--batch", str(B), "--no-phases"]),
                                 check=True, capture_output=True, text=True).stdout
            line = [l for l in out.splitlines() if l.startswith(critic)][0].split()
            mine, peak = float(line[2]), re.search(r"peak ([\d.]+)", out).group(1)
            steps = max(20, int(2 * mine / (3 if critic == "separable" else 1.5)))
            th = in_child(TORCH % (critic, B, 0.9, steps))["rate"]
            rows.append((mine, th))
            print(f"  {critic:9s} B={B:3d}: mibench {mine:7.1f}  PyTorch {th:7.1f}  "
                  f"(sgemm peak {peak} GFLOP/s, of peak {line[5]})")
        target = f" (target >= {targets[critic, B]}x)" if (critic, B) in targets else ""
        print(f"  -> {critic} B={B}: {statistics.median(a / b for a, b in rows):.2f}x PyTorch"
              f"{target}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", action="append", choices=["ksg1d", "ksg5d", "neural"])
    a = ap.parse_args()
    parts = a.only or ["neural", "ksg1d", "ksg5d"]
    with tempfile.TemporaryDirectory() as tmp:
        for p in parts:
            {"ksg1d": ksg_1d, "ksg5d": ksg_5d, "neural": neural}[p](a.build, a.reps, tmp)
            print()


if __name__ == "__main__":
    main()
