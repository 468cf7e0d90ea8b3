//===- LowerONNX.h - The onnx dialect to linalg, tensor, arith -*- C++ -*-===//
//
// The ONNX operators of a model that raising left (matrix products,
// elementwise arithmetic, reductions, shapes and data movement) as upstream
// tensor-level IR, so that a whole model compiles through the CPU pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_ONNX_LOWERONNX_H
#define ATTIC_CODEGEN_ONNX_LOWERONNX_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;
class RewriterBase;
} // namespace mlir

namespace mlir::attic {

/// Lowers every onnx op under `root` in order. Softmax and LogSoftmax
/// become attic.softmax and attic.log_softmax (for the reference lowering
/// or a form). The first op that cannot be lowered gets an error naming
/// why, and the function fails, leaving the IR partly lowered.
LogicalResult lowerONNX(RewriterBase &rewriter, Operation *root);

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_ONNX_LOWERONNX_H
