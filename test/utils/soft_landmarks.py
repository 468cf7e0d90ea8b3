#!/usr/bin/python3
"""Inputs on which Nystrom landmarks converge, and the check that they do.

  soft_landmarks.py inputs DIR     writes x (queries = keys, a smooth curve
                                   through 8 dimensions over 256 positions,
                                   as consecutive tokens of a real sequence
                                   are close), random values v, and the
                                   exact symmetrically normalized gaussian
                                   attention (symmetric.npy)
  soft_landmarks.py check AGAINST < LOG
                                   reads the attic-run --approximate report
                                   lines against AGAINST for growing
                                   landmark counts and checks that the
                                   relative l2 error falls with each and
                                   ends below 1e-3
"""

import os
import re
import sys

import numpy as np


def main():
    if sys.argv[1] == "inputs":
        directory = sys.argv[2]
        os.makedirs(directory, exist_ok=True)
        r = np.random.default_rng(7)
        t = np.linspace(0, 1, 256)[:, None]
        freq = r.uniform(0.5, 2, 8)
        phase = r.uniform(0, 2 * np.pi, 8)
        x = 2 * np.sin(2 * np.pi * freq * t + phase)
        x = np.broadcast_to(x, (1, 2, 256, 8)).astype(np.float32)
        v = r.standard_normal((1, 2, 256, 4)).astype(np.float32)
        np.save(os.path.join(directory, "input_0.npy"), x)
        np.save(os.path.join(directory, "input_1.npy"), v)
        sys.path.insert(0, os.path.dirname(__file__))
        import naive
        exact = naive.soft_attention(x, x, v, 1.0, symmetric=True)
        np.save(os.path.join(directory, "symmetric.npy"),
                exact.astype(np.float32))
        return
    against = sys.argv[2]
    lines = [line for line in sys.stdin
             if against in line.split(" vs ", 1)[-1].split(":")[0]]
    errors = [float(e) for line in lines
              for e in re.findall(r"relative l2 error (\S+) over", line)]
    print("relative l2 errors:", " ".join(f"{e:.3e}" for e in errors))
    if len(errors) < 2:
        sys.exit("expected several reports")
    for before, after in zip(errors, errors[1:]):
        if not after < before:
            sys.exit(f"the error does not fall: {before:.3e} then {after:.3e}")
    if errors[-1] >= 1e-3:
        sys.exit(f"the last error {errors[-1]:.3e} is not below 1e-3")
    print("falls")


if __name__ == "__main__":
    main()
