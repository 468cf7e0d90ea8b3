//===- LowerONNX.cpp - The onnx dialect to linalg, tensor, arith ----------===//
//
// Each onnx op becomes the upstream IR that computes it, in program order:
//
//   elementwise ops, Where, Cast, Expand, Trilu   linalg.generic, operands
//                                                 broadcast by their maps
//   MatMul, Gemm                                  a contraction generic
//   ReduceSum/Mean/Max/LogSumExp, ArgMax          reduction generics (f32
//                                                 accumulators at least)
//   LayerNormalization                            mean and variance
//                                                 reductions, then a map
//   Transpose, Reshape, Squeeze, Unsqueeze        linalg.transpose,
//                                                 tensor.reshape / collapse /
//                                                 expand
//   Slice, Split, Concat                          extract / insert slices
//   Gather, GatherElements                        generics that read the data
//                                                 with tensor.extract
//   Constant, ConstantOfShape, Shape              constants (Shape of a
//                                                 dynamic dimension reads it)
//   Softmax, LogSoftmax                           attic.softmax / log_softmax
//   Erf                                           MLIR's f32 polynomial
//
// One file per operator family, each with its entry point (Common.h):
// Elementwise.cpp, LinearAlgebra.cpp, Reductions.cpp, Normalization.cpp,
// Shapes.cpp; this file tries them in turn.
//
// Shapes come from the result types, which the importer's shape inference
// gave; what a value's shape depends on (axes, shapes, starts) must be a
// constant. Anything else is one error naming the op and why.
//
//===----------------------------------------------------------------------===//

#include "codegen/onnx/LowerONNX.h"
#include "codegen/onnx/Common.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::onnx_lowering;

namespace {

/// The lowering of `op`, an onnx op.
Lowered lowerOp(OpBuilder &b, Operation *op) {
  using namespace onnxir;
  if (isa<NoneOp>(op))
    return SmallVector<Value>{}; // Removed once nothing uses it.
  auto node = dyn_cast<NodeOp>(op);
  auto unsupported = [&]() -> Lowered {
    std::string type = node.getOpType().str();
    if (!node.getDomain().empty())
      type = node.getDomain().str() + "." + type;
    return op->emitError() << "the ONNX operator '" << type
                           << "' is not supported for compilation";
  };
  // Operators of other domains are not ONNX's to compute.
  if (node && !node.getDomain().empty() && node.getDomain() != "ai.onnx")
    return unsupported();
  if (failed(checkTypes(op)))
    return failure();
  for (auto family : {lowerElementwiseOp, lowerLinearAlgebraOp,
                      lowerReductionOp, lowerNormalizationOp, lowerShapeOp})
    if (std::optional<Lowered> lowered = family(b, op))
      return std::move(*lowered);
  if (node)
    return unsupported();
  return op->emitOpError("cannot be compiled yet: raise it to an attic op "
                         "first (attic-raise-onnx) or rewrite it");
}

} // namespace

LogicalResult mlir::attic::lowerONNX(RewriterBase &rewriter, Operation *root) {
  // Collected first: lowering inserts ops the walk must not visit.
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<onnxir::ONNXDialect>(op->getDialect()))
      ops.push_back(op);
  });
  SmallVector<Operation *> nones;
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    Lowered lowered = lowerOp(rewriter, op);
    if (failed(lowered))
      return failure();
    if (isa<onnxir::NoneOp>(op)) {
      nones.push_back(op);
      continue;
    }
    rewriter.replaceOp(op, *lowered);
  }
  for (Operation *none : nones) {
    if (!none->use_empty())
      return none->emitOpError("cannot be compiled: an absent value is still "
                               "used");
    rewriter.eraseOp(none);
  }
  // Erf as MLIR's f32 polynomial: LLVM has no error function to call.
  SmallVector<Operation *> erfs;
  root->walk([&](math::ErfOp op) { erfs.push_back(op); });
  if (erfs.empty())
    return success();
  RewritePatternSet patterns(root->getContext());
  populatePolynomialApproximateErfPattern(patterns);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingOps);
  return applyOpPatternsGreedily(erfs, std::move(patterns), config);
}
