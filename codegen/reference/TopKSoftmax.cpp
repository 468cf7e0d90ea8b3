//===- TopKSoftmax.cpp - Reference lowering of attic.topk_softmax ---------===//
//
// topk(softmax(x), k) as k selection passes over each row: pass r finds the
// largest element that comes after the one pass r-1 found, in the order
// "greater value first, lower index first among equals" (NaN above +inf, as
// PyTorch's topk orders it). Only the chosen logits are kept; the
// probabilities are exp(x - max) / sum(exp(x - max)) from the softmax row
// statistics, or, with renormalize, divided by the sum over the k chosen.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;

/// tensor.empty of `sizes` filled with the i64 `value`.
Value filledIndexTensor(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> sizes, int64_t value) {
  Value scalar = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
  Value empty = emptyTensor(b, loc, sizes, b.getI64Type());
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

/// `a` ranks before `b`: a greater value, or an equal value at a lower index.
/// NaN ranks above every number and equal to itself.
Value ranksBefore(OpBuilder &b, Location loc, Value aVal, Value aIdx,
                  Value bVal, Value bIdx) {
  using P = arith::CmpFPredicate;
  Value aNaN = arith::CmpFOp::create(b, loc, P::UNO, aVal, aVal);
  Value bNaN = arith::CmpFOp::create(b, loc, P::UNO, bVal, bVal);
  Value notBNaN = arith::XOrIOp::create(
      b, loc, bNaN, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  Value greater = arith::OrIOp::create(
      b, loc, arith::CmpFOp::create(b, loc, P::OGT, aVal, bVal),
      arith::AndIOp::create(b, loc, aNaN, notBNaN));
  Value equal = arith::OrIOp::create(
      b, loc, arith::CmpFOp::create(b, loc, P::OEQ, aVal, bVal),
      arith::AndIOp::create(b, loc, aNaN, bNaN));
  Value lowerIndex =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, aIdx, bIdx);
  return arith::OrIOp::create(b, loc, greater,
                              arith::AndIOp::create(b, loc, equal, lowerIndex));
}

struct LowerTopKSoftmax final : OpRewritePattern<TopKSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TopKSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), axis = op.getAxisIndex(), k = op.getK();
    FloatType acc = accumulatorType(type.getElementType());
    double inf = std::numeric_limits<double>::infinity();

    SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> rowSizes(sizes);
    rowSizes.erase(rowSizes.begin() + axis);
    // One choice per row, with the axis kept as a unit dimension (a
    // rank-reducing insertion is ambiguous when other dimensions are 1).
    SmallVector<OpFoldResult> choiceSizes(sizes);
    choiceSizes[axis] = rewriter.getIndexAttr(1);
    SmallVector<OpFoldResult> outSizes(sizes);
    outSizes[axis] = rewriter.getIndexAttr(k);
    AffineMap all = rewriter.getMultiDimIdentityMap(rank);
    AffineMap row = all.dropResult(axis);
    AffineMap choice = all.replace(rewriter.getAffineDimExpr(axis),
                                   rewriter.getAffineConstantExpr(0), rank, 0);

    RowStats stats = buildRowStats(rewriter, loc, input, axis);

    // The selection loop: iteration r writes slot r of the chosen logits and
    // indices and carries the element it chose.
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, k);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> initArgs = {
        emptyTensor(rewriter, loc, outSizes, acc),
        emptyTensor(rewriter, loc, outSizes, rewriter.getI64Type()),
        filledTensor(rewriter, loc, choiceSizes, acc, inf),
        filledIndexTensor(rewriter, loc, choiceSizes, -1)};
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    iterators[axis] = IteratorType::reduction;
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, step, initArgs,
        [&](OpBuilder &b, Location l, Value slot, ValueRange carried) {
          Value bestVal = filledTensor(b, l, choiceSizes, acc, -inf);
          Value bestIdx = filledIndexTensor(
              b, l, choiceSizes, std::numeric_limits<int64_t>::max());
          auto pick = linalg::GenericOp::create(
              b, l, TypeRange{bestVal.getType(), bestIdx.getType()},
              ValueRange{input, carried[2], carried[3]},
              ValueRange{bestVal, bestIdx},
              {all, choice, choice, choice, choice}, iterators,
              [&](OpBuilder &nb, Location nl, ValueRange args) {
                Value x = castFloat(nb, nl, args[0], acc);
                Value j = toI64(nb, nl, linalg::IndexOp::create(nb, nl, axis));
                // Eligible: ranks after the previous choice (any element in
                // the first pass, which carries index -1).
                Value first = arith::CmpIOp::create(
                    nb, nl, arith::CmpIPredicate::eq, args[2],
                    arith::ConstantOp::create(nb, nl,
                                              nb.getI64IntegerAttr(-1)));
                Value eligible = arith::OrIOp::create(
                    nb, nl, first, ranksBefore(nb, nl, args[1], args[2], x, j));
                Value better = ranksBefore(nb, nl, x, j, args[3], args[4]);
                Value take = arith::AndIOp::create(nb, nl, eligible, better);
                linalg::YieldOp::create(
                    nb, nl,
                    ValueRange{
                        arith::SelectOp::create(nb, nl, take, x, args[3]),
                        arith::SelectOp::create(nb, nl, take, j, args[4])});
              });
          Value chosen = pick.getResult(0), chosenIdx = pick.getResult(1);
          scf::YieldOp::create(
              b, l,
              ValueRange{
                  insertUnitSlice(b, l, chosen, carried[0], axis, slot),
                  insertUnitSlice(b, l, chosenIdx, carried[1], axis, slot),
                  chosen, chosenIdx});
        });
    Value logits = loop.getResult(0), indices = loop.getResult(1);

    // The denominator: the full row sum, or the sum over the k chosen.
    Value denominator = stats.sum;
    if (op.getRenormalize()) {
      Value init = filledTensor(rewriter, loc, rowSizes, acc, 0.0);
      denominator =
          linalg::GenericOp::create(
              rewriter, loc, init.getType(), ValueRange{logits, stats.max},
              init, {all, row, row}, iterators,
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value e = math::ExpOp::create(
                    b, l, arith::SubFOp::create(b, l, args[0], args[1]));
                linalg::YieldOp::create(
                    b, l, Value(arith::AddFOp::create(b, l, args[2], e)));
              })
              .getResult(0);
    }
    Type elt = type.getElementType();
    Value values = parallelGeneric(
        rewriter, loc, ValueRange{logits, stats.max, denominator},
        emptyTensor(rewriter, loc, outSizes, elt), {all, row, row, all},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value e = math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], args[1]));
          Value p = arith::DivFOp::create(b, l, e, args[2]);
          // An all -inf row has no probabilities; it gives 0, not NaN.
          Value zero = constF(b, l, acc, 0.0);
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              args[2], zero);
          p = arith::SelectOp::create(b, l, empty, zero, p);
          linalg::YieldOp::create(b, l, castFloat(b, l, p, elt));
        });
    rewriter.replaceOp(
        op, {castTensor(rewriter, loc, values, op.getValues().getType()),
             castTensor(rewriter, loc, indices, op.getIndices().getType())});
    return success();
  }
};

} // namespace

void mlir::attic::populateTopKSoftmaxReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerTopKSoftmax>(patterns.getContext());
}
