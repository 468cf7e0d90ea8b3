//===- Transforms.h - attic ops back to ONNX operators ----------*- C++ -*-===//
//
// What an optimized model goes through before it is written out: the attic
// ops raising made become the ONNX operators that compute them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_EXPORT_TRANSFORMS_H
#define ATTIC_PASSES_EXPORT_TRANSFORMS_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;
class RewriterBase;
} // namespace mlir

namespace mlir::attic {

/// How attic ops go back to ONNX.
struct AtticToONNXOptions {
  /// attic.attention as ONNX Runtime's com.microsoft MultiHeadAttention
  /// (for runtimes older than ONNX's Attention) instead of Attention.
  bool microsoftAttention = false;
};

/// Replaces every attic op under `root` by the ONNX operators that compute
/// it (Attention at the lowest opset that expresses its attributes,
/// LinearAttention, the loss operators, Softmax, ...). An op ONNX has no
/// operator for gets one error saying why, and the function fails.
LogicalResult lowerAtticToONNX(RewriterBase &rewriter, Operation *root,
                               const AtticToONNXOptions &options = {});

} // namespace mlir::attic

#endif // ATTIC_PASSES_EXPORT_TRANSFORMS_H
