//===- Match.h - Shared matchers of the raise patterns ----------*- C++ -*-===//

#ifndef ATTIC_PASSES_RAISE_MATCH_H
#define ATTIC_PASSES_RAISE_MATCH_H

#include "dialects/onnx/ONNXOps.h"

#include "dialects/onnx/SymbolicShapes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::attic::raise {

/// `value`'s type when it is a ranked tensor of floating-point type.
RankedTensorType rankedFloat(Value value);

using onnxir::constantInts;
using onnxir::normalizeAxis;

/// The value of a splat floating-point onnx.Constant, as the shortest
/// decimal that reads back as it (an f32 0.7 gives 0.7).
std::optional<double> constantFloat(Value value);

/// Whether `fill` masks a score out when it replaces it: -inf, or at most
/// -1e4 (the lowest finite value of a type among them); exp(fill - max)
/// vanishes in any float type a score can have.
bool isMaskingFill(double fill);

/// A symbolic shape analysis of onnx values that also reads through the
/// attic ops raising has made (attic.attention's result is [B, Hq, Sq,
/// Dv] of its query and value).
onnxir::SymbolicShapes symbolicShapes();

/// `value` with any tensor.cast and onnx.Identity ops in front of it
/// looked through.
Value stripCasts(Value value);

/// `value` with tensor.cast ops and onnx.Cast ops between float types in
/// front of it looked through (a softmax computed in f32 for f16 scores).
Value stripFloatCasts(Value value);

/// The one axis, in [0, rank), that `op` (an onnx reduction) reduces with
/// its dimension kept: constant axes of one entry and keepdims = 1.
std::optional<int64_t> keptReductionAxis(Operation *op, int64_t rank);

/// Whether a value of type `from` can stand where `type` is expected:
/// the same type, or one tensor.cast away.
bool castsTo(Type from, Type type);

/// `value` as `type`: itself, a tensor.cast when the two are cast
/// compatible, or null.
Value castTo(OpBuilder &b, Location loc, Value value, Type type);

/// Replaces `op` (one result) by `AtticOp` (an op of the softmax family) of
/// `input` along `axis`, cast to the result's type; fails when the types do
/// not allow it.
template <typename AtticOp>
LogicalResult raiseTo(PatternRewriter &rewriter, Operation *op, Value input,
                      int64_t axis) {
  Type resultType = op->getResult(0).getType();
  if (!castsTo(input.getType(), resultType))
    return rewriter.notifyMatchFailure(op, "result type differs from input");
  Value raised = AtticOp::create(rewriter, op->getLoc(), input.getType(), input,
                                 rewriter.getI64IntegerAttr(axis));
  rewriter.replaceOp(op, castTo(rewriter, op->getLoc(), raised, resultType));
  return success();
}

/// The prefix of the match-failure reason of a near miss.
inline constexpr StringLiteral kNearMiss = "near miss: ";

/// Fails the match of a pattern that recognized its subgraph but found one
/// condition unmet: a near miss, which raiseONNX reports with `reason`.
LogicalResult nearMiss(PatternRewriter &rewriter, Operation *op,
                       const Twine &reason);

/// An i64 onnx.Constant of `values` (1-D).
Value i64Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> values);

/// onnx.Transpose of `x` by `perm`, its type permuted.
Value buildTranspose(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> perm);

/// Whether `mask` broadcasts to `scores` by NumPy rules (a dynamic size
/// matches anything).
bool broadcastsTo(RankedTensorType mask, ArrayRef<int64_t> scores);

/// The NumPy broadcast of two shapes (a dynamic size where either is).
SmallVector<int64_t> broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b);

/// `mask` (none, i1, or added floats of type `elt`) restricted to where
/// `visible` (i1) is true: And of two i1 masks, or Where(visible, mask,
/// -inf) for a float one.
Value combineMasks(OpBuilder &b, Location loc, Value mask, Value visible,
                   Type elt);

/// The keys each query sees as ONNX places the causal diagonal, past the
/// `past` cached keys: an i1 onnx.Constant [sq, skv], true where j <= i +
/// past (causal), j >= i + past - left and j <= i + past + right (the
/// windows that are not -1).
Value diagonalMaskOf(OpBuilder &b, Location loc, int64_t sq, int64_t skv,
                     int64_t past, bool causal, int64_t left, int64_t right);

/// Dimension `d` of `x` read at run time: an i64 scalar tensor (Shape,
/// Squeeze).
Value dimOf(OpBuilder &b, Location loc, Value x, int64_t d);

/// Which keys j each query i sees, built from onnx ops that read Q's
/// [B, H, Sq, D] and K's [B, H, Skv, D] shapes at run time: j <= i + off
/// (`causal`), j >= i + off - left, j <= i + off + right, and j <
/// lengths[b] (when `lengths` [B] is given), with off = `offset` (an i64
/// scalar tensor, or [B] per batch row; Skv - Sq when null). An i1 mask
/// [Sq, Skv], or [B, 1, Sq, Skv] with a per-row offset or lengths.
Value visibilityMask(OpBuilder &b, Location loc, Value query, Value key,
                     Value offset, Value lengths, bool causal,
                     std::optional<int64_t> left, std::optional<int64_t> right);

/// Attention written out as MatMul, scale, masks, Softmax and MatMul ->
/// attic.attention (RaiseAttentionChain.cpp).
void populateAttentionChainPatterns(RewritePatternSet &patterns);

/// Softmax, log-softmax and the negative log-likelihood written as chains
/// of linalg.generic -> attic ops (RaiseLinalgGenerics.cpp).
void populateLinalgGenericPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic::raise

#endif // ATTIC_PASSES_RAISE_MATCH_H
