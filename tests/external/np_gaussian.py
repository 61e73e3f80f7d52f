#!/usr/bin/python3
"""np_gaussian.py - a NumPy Gaussian MI estimator, the test suite's external
estimator: 1/2 (ln det Sxx + ln det Syy - ln det S) of the sample covariance,
as mibench's built-in `gaussian`.

    np_gaussian.py FILE DIMX DIMY      bmi's protocol: prints one number
    np_gaussian.py --worker [LOG]      JSON lines on stdin/stdout; appends a
                                       line to LOG at every start
"""
import json
import sys

import numpy as np


def gaussian_mi(x, y):
    c = np.atleast_2d(np.cov(np.hstack([x, y]), rowvar=False))
    dx = x.shape[1]
    logdet = lambda m: np.linalg.slogdet(np.atleast_2d(m))[1]
    return 0.5 * (logdet(c[:dx, :dx]) + logdet(c[dx:, dx:]) - logdet(c))


def load(path, dx, dy):
    d = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return d[:, :dx], d[:, dx:dx + dy]


def worker(log):
    if log:
        with open(log, "a") as f:
            f.write("start\n")
    for line in sys.stdin:
        req = json.loads(line)
        x, y = load(req["file"], req["dx"], req["dy"])
        print(json.dumps({"mi": gaussian_mi(x, y)}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        x, y = load(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
        print(repr(gaussian_mi(x, y)))
