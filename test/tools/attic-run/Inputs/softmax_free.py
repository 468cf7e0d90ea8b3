#!/usr/bin/python3
"""The softmax-free rewrite's error, computed independently.

  softmax_free.py inputs DIR            writes q, k, v (input_<i>.npy)
  softmax_free.py check DIR < REPORT    checks the relative l2 and largest
                                        absolute errors attic-run reported
                                        for softplus against softmax on them
"""

import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../utils"))
import naive  # noqa: E402


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    if mode == "inputs":
        os.makedirs(directory, exist_ok=True)
        r = np.random.default_rng(5)
        q, k, v = naive.attention_inputs(r, 1, 2, 2, 16, 16, 8, 8)
        for i, t in enumerate((q * 2, k, v)):
            np.save(os.path.join(directory, f"input_{i}.npy"), t)
        return
    q, k, v = (np.load(os.path.join(directory, f"input_{i}.npy"))
               for i in range(3))
    softmax = naive.attention(q, k, v, causal=True)
    softplus = naive.attention(q, k, v, causal=True, kernel="softplus")
    l2 = np.linalg.norm(softplus - softmax) / np.linalg.norm(softmax)
    largest = np.abs(softplus - softmax).max()
    report = sys.stdin.read()
    match = re.search(r"max abs error (\S+), max rel error \S+, "
                      r"relative l2 error (\S+) over", report)
    if not match:
        sys.exit("no approximate report in: " + report)
    got_abs, got_l2 = float(match.group(1)), float(match.group(2))
    # attic-run prints 4 significant digits; f32 adds a little more.
    for name, got, want in (("abs", got_abs, largest), ("l2", got_l2, l2)):
        if abs(got - want) > 2e-3 * want:
            sys.exit(f"reported {name} error {got}, computed {want}")
    print(f"errors agree: abs {largest:.3e}, l2 {l2:.3e}")


if __name__ == "__main__":
    main()
