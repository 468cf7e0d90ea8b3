"""Writes the data files of the attic-run tests into the directory argv[1]."""
import os
import sys

import numpy as np
from onnx import numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
x = np.array([[1, 2, 3, 4, 5], [0, 0, 0, 0, -np.inf]], np.float32)
e = np.exp(x - x.max(1, keepdims=True))
np.save(f"{out}/x.npy", x)
np.save(f"{out}/expected.npy", e / e.sum(1, keepdims=True))
np.save(f"{out}/wrong.npy", e / e.sum(1, keepdims=True) + 1e-3)
np.save(f"{out}/x64.npy", x.astype(np.float64))
np.save(f"{out}/x3.npy", np.zeros((3, 5), np.float32))
with open(f"{out}/x.pb", "wb") as f:
    f.write(numpy_helper.from_array(x, "x").SerializeToString())
with open(f"{out}/y.pb", "wb") as f:
    f.write(numpy_helper.from_array(np.array([0, 3, 1], np.int64)).SerializeToString())
with open(f"{out}/garbage.npy", "wb") as f:
    f.write(b"not an array")
