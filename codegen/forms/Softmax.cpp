//===- Softmax.cpp - Lowering of the online and two-pass softmax forms ----===//
//
// Both forms read each row twice (once for softmax-free logsumexp): one
// reduction producing two row values, then the output pass. They compute in
// the accumulator type (f32 at least), as the reference does.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/Forms.h"
#include "codegen/forms/SoftmaxAlgebra.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

/// The new accumulator pair from an element x (in the accumulator type) and
/// the old pair.
using ElementFn = function_ref<std::pair<Value, Value>(
    OpBuilder &, Location, Value x, Value acc0, Value acc1)>;
/// The accumulator pair that covers the elements of two pairs.
using MergeFn = function_ref<std::pair<Value, Value>(
    OpBuilder &, Location, Value acc0, Value acc1, Value lane0, Value lane1)>;

/// Running states per row in the main part of a lane-split reduction: one
/// vector's worth, the CPU pipeline's default width.
constexpr int64_t kLanes = 16;

/// A row length as whole chunks of kLanes elements and the rest: static
/// sizes where the length is.
struct LaneSplit {
  OpFoldResult chunks, whole, rest;
};

LaneSplit splitIntoLanes(OpBuilder &b, Location loc, Value input,
                         int64_t axis) {
  int64_t length = cast<RankedTensorType>(input.getType()).getDimSize(axis);
  if (!ShapedType::isDynamic(length))
    return {b.getIndexAttr(length / kLanes),
            b.getIndexAttr(length / kLanes * kLanes),
            b.getIndexAttr(length % kLanes)};
  IndexMath im{b, loc};
  Value size = im.dim(input, axis), lanes = im.c(kLanes);
  Value chunks = im.div(size, lanes);
  Value whole = arith::MulIOp::create(b, loc, chunks, lanes);
  return {chunks, whole, im.sub(size, whole)};
}

/// One reduction along `axis` of `input` into two row tensors initialized
/// to `init0` and `init1`, folding each element in with `element`.
///
/// The state is a pair per row, and a reduction with two accumulators and
/// a custom combiner does not vectorize. So along an innermost axis the
/// first whole multiple of kLanes elements of each row is reduced into
/// kLanes independent states (element i into state i mod kLanes) -- a
/// reduction whose innermost loop is parallel, vector code -- which `merge`
/// then combines; the remaining elements continue from there with
/// `element`. Along another axis the innermost loop is parallel already.
std::pair<Value, Value> reduceRowsToPair(OpBuilder &b, Location loc,
                                         Value input, int64_t axis,
                                         double init0, double init1,
                                         ElementFn element, MergeFn merge) {
  auto elementBody = [&](OpBuilder &nb, Location l, Value x, ValueRange,
                         ValueRange accs) -> SmallVector<Value> {
    auto [new0, new1] = element(nb, l, x, accs[0], accs[1]);
    return {new0, new1};
  };
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  int64_t length = type.getDimSize(axis);
  if (axis != rank - 1 || (!ShapedType::isDynamic(length) && length < kLanes)) {
    SmallVector<Value> rows =
        reduceAxis(b, loc, input, axis, {}, {init0, init1}, elementBody);
    return {rows[0], rows[1]};
  }

  FloatType acc = accumulatorType(type.getElementType());
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, input);
  LaneSplit lanes = splitIntoLanes(b, loc, input, axis);

  // The whole lanes as [rows..., chunks, kLanes].
  SmallVector<OpFoldResult> mainSizes = sizes;
  mainSizes.back() = lanes.whole;
  SmallVector<OpFoldResult> zeros(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
  Value main =
      tensor::ExtractSliceOp::create(b, loc, input, zeros, mainSizes, ones);
  SmallVector<OpFoldResult> splitSizes = mainSizes;
  splitSizes.back() = lanes.chunks;
  splitSizes.push_back(b.getIndexAttr(kLanes));
  SmallVector<int64_t> splitShape(type.getShape());
  splitShape.back() =
      ShapedType::isDynamic(length) ? ShapedType::kDynamic : length / kLanes;
  splitShape.push_back(kLanes);
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t d = 0; d + 1 < rank; ++d)
    reassociation.push_back({d});
  reassociation.push_back({rank - 1, rank});
  Value split = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(splitShape, type.getElementType()), main,
      reassociation, splitSizes);

  // Reduce the chunks into kLanes states per row.
  SmallVector<OpFoldResult> laneSizes = sizes;
  laneSizes.back() = b.getIndexAttr(kLanes);
  SmallVector<Value> laneInits = {filledTensor(b, loc, laneSizes, acc, init0),
                                  filledTensor(b, loc, laneSizes, acc, init1)};
  AffineMap all = b.getMultiDimIdentityMap(rank + 1);
  SmallVector<utils::IteratorType> iterators(rank + 1,
                                             utils::IteratorType::parallel);
  iterators[rank - 1] = utils::IteratorType::reduction;
  auto lanesOp = linalg::GenericOp::create(
      b, loc, TypeRange(ValueRange(laneInits)), split, laneInits,
      {all, all.dropResult(rank - 1), all.dropResult(rank - 1)}, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto [new0, new1] =
            element(nb, l, castFloat(nb, l, args[0], acc), args[1], args[2]);
        linalg::YieldOp::create(nb, l, ValueRange{new0, new1});
      });

  // Merge the lanes of each row.
  SmallVector<OpFoldResult> rowSizes(sizes.begin(), sizes.end() - 1);
  SmallVector<Value> rowInits = {filledTensor(b, loc, rowSizes, acc, init0),
                                 filledTensor(b, loc, rowSizes, acc, init1)};
  AffineMap laneMap = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> laneIterators(rank,
                                                 utils::IteratorType::parallel);
  laneIterators.back() = utils::IteratorType::reduction;
  auto mergeOp = linalg::GenericOp::create(
      b, loc, TypeRange(ValueRange(rowInits)), lanesOp.getResults(), rowInits,
      {laneMap, laneMap, laneMap.dropResult(rank - 1),
       laneMap.dropResult(rank - 1)},
      laneIterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        auto [new0, new1] = merge(nb, l, args[2], args[3], args[0], args[1]);
        linalg::YieldOp::create(nb, l, ValueRange{new0, new1});
      });
  SmallVector<Value> rows(mergeOp.getResults());
  if (isZeroInteger(lanes.rest))
    return {rows[0], rows[1]};

  // The rest of each row, fewer than kLanes elements.
  SmallVector<OpFoldResult> offsets = zeros;
  offsets.back() = lanes.whole;
  SmallVector<OpFoldResult> restSizes = sizes;
  restSizes.back() = lanes.rest;
  Value rest =
      tensor::ExtractSliceOp::create(b, loc, input, offsets, restSizes, ones);
  rows = reduceAxisInto(b, loc, rest, axis, {}, rows, elementBody);
  return {rows[0], rows[1]};
}

//===----------------------------------------------------------------------===//
// Online
//===----------------------------------------------------------------------===//

/// The running maximum and the sum of exp(x - max) of each row.
RowStats buildOnlineRowStats(OpBuilder &b, Location loc, Value input,
                             int64_t axis) {
  const SoftmaxAlgebra &online = onlineSoftmaxAlgebra();
  auto [rawMax, sum] =
      reduceRowsToPair(b, loc, input, axis, online.init0, online.init1,
                       online.element, online.merge);
  return {zeroNegInfMax(b, loc, rawMax), sum};
}

struct LowerOnlineSoftmax final : OpRewritePattern<OnlineSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(OnlineSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxisIndex();
    RowStats stats = buildOnlineRowStats(rewriter, loc, op.getInput(), axis);
    rewriter.replaceOp(
        op, softmaxFromStats(rewriter, loc, op.getKind(), op.getInput(), axis,
                             op.getKeepDim(), op.getType(), stats));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Two-pass
//===----------------------------------------------------------------------===//

struct LowerTwoPassSoftmax final : OpRewritePattern<TwoPassSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TwoPassSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    int64_t axis = op.getAxisIndex();
    const SoftmaxAlgebra &twoPass = twoPassSoftmaxAlgebra();
    auto [sum, exponent] =
        reduceRowsToPair(rewriter, loc, input, axis, twoPass.init0,
                         twoPass.init1, twoPass.element, twoPass.merge);
    SoftmaxKind kind = op.getKind();
    auto finish = [&](OpBuilder &b, Location l, Value x, ValueRange row) {
      return twoPass.finish(b, l, kind, x, row[0], row[1]);
    };
    Value result =
        kind == SoftmaxKind::logsumexp
            ? mapToRows(rewriter, loc, input, axis, op.getKeepDim(),
                        op.getType(), {sum, exponent}, finish)
            : mapRows(rewriter, loc, input, axis, {sum, exponent}, finish);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::attic::populateSoftmaxFormLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerOnlineSoftmax, LowerTwoPassSoftmax>(patterns.getContext());
}
