#!/usr/bin/python3
"""Checks f32 exponentials against float64 numpy.

Usage: exp_accuracy.py X.npy Y.npy ULP_BELOW_80 ULP_TO_OVERFLOW
Prints one line per check, "ok" or the largest error and where it is.
"""

import sys

import numpy as np

x = np.load(sys.argv[1])
y = np.load(sys.argv[2]).astype(np.float64)
below80, to_overflow = float(sys.argv[3]), float(sys.argv[4])
exact = np.exp(x.astype(np.float64))
tiny = np.finfo(np.float32).tiny
huge = float(np.finfo(np.float32).max)
normal = np.isfinite(exact) & (exact >= tiny) & (exact <= huge)
ulp = np.zeros_like(exact)
ulp[normal] = np.abs(y[normal] - exact[normal]) / np.spacing(
    exact[normal].astype(np.float32)).astype(np.float64)


def report(name, mask, limit):
    worst = ulp[mask].max()
    if worst <= limit:
        print(f"ulp {name}: ok")
    else:
        at = x[mask][ulp[mask].argmax()]
        print(f"ulp {name}: {worst:.2f} ulp at x = {at}, over {limit}")


report("below 80", normal & (x < 80), below80)
report("up to overflow", normal, to_overflow)

special = [
    ("-inf", x == -np.inf, lambda v: v == 0),
    ("+inf", x == np.inf, lambda v: v == np.inf),
    ("nan", np.isnan(x), np.isnan),
    ("overflow", np.isfinite(x) & (exact > huge), lambda v: v == np.inf),
    # Below the normal range: zero or the correctly rounded subnormal.
    ("underflow", np.isfinite(x) & (exact < tiny),
     lambda v: (v >= 0) & (v < tiny)),
]
bad = [name for name, mask, good in special if not np.all(good(y[mask]))]
print("special values: " + ("ok" if not bad else "wrong for " + ", ".join(bad)))
