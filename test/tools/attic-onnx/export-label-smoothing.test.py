"""Writes export-label-smoothing.test's model (attic.cross_entropy with
label smoothing and an ignore index, each reduction), inputs and the naive
expected losses."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "utils"))
import naive  # noqa: E402

out = sys.argv[1]
r = naive.rng(5)
x = r.uniform(-3, 3, (6, 5)).astype(np.float32)
y = np.array([0, 1, 4, 1, 2, 3], np.int64)
for reduction in ("mean", "sum", "none"):
    loss, _ = naive.cross_entropy(x, y, reduction=reduction, ignore_index=1,
                                  label_smoothing=0.2)
    np.save(os.path.join(out, reduction + ".npy"), np.asarray(loss, np.float32))
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "y.npy"), y)
with open(os.path.join(out, "model.mlir"), "w") as f:
    f.write("""module attributes {onnx.opset_import = {ai.onnx = 17 : i64}, onnx.ir_version = 8 : i64} {
  func.func @main(%x: tensor<6x5xf32> {onnx.name = "x"}, %y: tensor<6xi64> {onnx.name = "y"}) -> (tensor<f32> {onnx.name = "mean"}, tensor<f32> {onnx.name = "sum"}, tensor<6xf32> {onnx.name = "none"}) {
    %m = attic.cross_entropy %x, %y {ignore_index = 1 : i64, label_smoothing = 0.2 : f64} : tensor<6x5xf32>, tensor<6xi64> -> tensor<f32>
    %s = attic.cross_entropy %x, %y {ignore_index = 1 : i64, label_smoothing = 0.2 : f64, reduction = #attic.reduction<sum>} : tensor<6x5xf32>, tensor<6xi64> -> tensor<f32>
    %n = attic.cross_entropy %x, %y {ignore_index = 1 : i64, label_smoothing = 0.2 : f64, reduction = #attic.reduction<none>} : tensor<6x5xf32>, tensor<6xi64> -> tensor<6xf32>
    return %m, %s, %n : tensor<f32>, tensor<f32>, tensor<6xf32>
  }
}
""")
