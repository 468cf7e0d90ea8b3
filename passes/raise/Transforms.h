//===- Transforms.h - Raising onnx, linalg and TOSA to attic -*- C++ -*-===//
//
// The rewrites that find attention, softmax and losses in ONNX graphs,
// linalg and TOSA, however they were spelled, and replace them by attic
// ops. Each family is a populate function, so another compiler can take
// the ones it wants.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_RAISE_TRANSFORMS_H
#define ATTIC_PASSES_RAISE_TRANSFORMS_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;
class RewritePatternSet;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace mlir::attic {

/// onnx.Softmax and onnx.LogSoftmax, their expanded forms (ReduceMax, Sub,
/// Exp, ReduceSum, Div, Log; the maximum optional) and a log-softmax along
/// axis 1 spelled through Reshape/Transpose -> attic.softmax and
/// attic.log_softmax; TopK of a softmax (and its values over their sum)
/// -> attic.topk_softmax (renormalize); ArgMax of a softmax -> ArgMax of
/// its input.
void populateRaiseSoftmaxPatterns(RewritePatternSet &patterns);

/// onnx.SoftmaxCrossEntropyLoss, and onnx.NegativeLogLikelihoodLoss of a
/// log-softmax along the class axis -> attic.cross_entropy (and
/// attic.log_softmax for a used log_prob output).
void populateRaiseLossPatterns(RewritePatternSet &patterns);

/// onnx.Attention -> attic.attention and onnx.LinearAttention ->
/// attic.linear_attention, 3-D inputs split into heads (and the result
/// merged back) by onnx.Reshape and onnx.Transpose, past key and value
/// concatenated in front; attention written out (MatMul of Q and Kt,
/// scale, softcap, masks, Softmax, MatMul with V; K and V repeated for
/// grouped-query heads) -> attic.attention.
void populateRaiseAttentionPatterns(RewritePatternSet &patterns);

/// linalg.softmax -> attic.softmax; attention written as linalg.matmul or
/// linalg.batch_matmul chains, matmul(softmax(Q·Kᵀ scaled by a constant),
/// V) with Kᵀ by indexing maps or linalg.transpose -> attic.attention;
/// softmax, log-softmax and the negative log-likelihood (none, sum, mean;
/// an ignore index) written as chains of linalg.generic -> attic.softmax,
/// attic.log_softmax and attic.nll_loss.
void populateRaiseLinalgPatterns(RewritePatternSet &patterns);

/// The softmax and log-softmax spellings of TOSA (reduce_max, sub, exp,
/// reduce_sum, reciprocal, mul, log; the maximum optional) ->
/// attic.softmax and attic.log_softmax; attention as batched tosa.matmul
/// around them -> attic.attention; the negative log-likelihood (negate of
/// a tosa.gather of the labels' log-probabilities; summed, or times 1/N)
/// -> attic.nll_loss.
void populateRaiseTosaPatterns(RewritePatternSet &patterns);

/// Runs every raise of ONNX graphs on `root` (what attic-raise-onnx runs:
/// the softmax, attention, loss and cleanup patterns, to a fixed point).
/// `onNearMiss`, when given, hears of each near miss: a subgraph a pattern
/// recognized but left alone because one condition failed (a mask that
/// does not broadcast to the scores, logits something else reads), with
/// the op's location and the reason; it may hear of one more than once.
/// The attic and tensor dialects must be loaded (a pass declares them).
LogicalResult
raiseONNX(Operation *root,
          function_ref<void(Location, StringRef reason)> onNearMiss = {});

/// Folds the shape computations of `func` (a function of onnx ops) that
/// its symbolic shapes make static, and refines its types: integer values
/// of known elements and ops of small constant operands become constants,
/// Reshape targets constants of 0s, sizes and one -1, result types take
/// the dimensions known statically, and ops nothing reads are erased
/// (SimplifyShapes.cpp). raiseONNX runs it first.
void simplifyONNXShapes(func::FuncOp func);

/// What raising leaves to tidy: onnx.Identity of a value whose type is
/// cast compatible -> the value (cast), and tensor.cast chains folded.
void populateRaiseCleanupPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic

#endif // ATTIC_PASSES_RAISE_TRANSFORMS_H
