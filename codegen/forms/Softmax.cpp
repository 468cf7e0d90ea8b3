//===- Softmax.cpp - Lowering of the online and two-pass softmax forms ----===//
//
// Both forms read each row twice (once for softmax-free logsumexp): one
// reduction producing two row values, then the output pass. They compute in
// the accumulator type (f32 at least), as the reference does.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/Forms.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

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

Value isNegInf(OpBuilder &b, Location loc, Value x) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                               constF(b, loc, x.getType(), kNegInf));
}

//===----------------------------------------------------------------------===//
// Online
//===----------------------------------------------------------------------===//

/// The running maximum `m` and the sum `s` of exp(x - m) with one
/// exponential per element: exp(min(m, x) - max(m, x)) either rescales the
/// old sum (a new maximum) or is the new term.
RowStats buildOnlineRowStats(OpBuilder &b, Location loc, Value input,
                             int64_t axis) {
  auto [rawMax, sum] = reduceRowsToPair(
      b, loc, input, axis, kNegInf, 0.0,
      [](OpBuilder &nb, Location l, Value x, Value m, Value s) {
        Type type = x.getType();
        Value newMax = arith::MaximumFOp::create(nb, l, m, x);
        Value low = arith::MinimumFOp::create(nb, l, m, x);
        // While the row is all -inf so far, subtract 0 instead of -inf.
        Value e =
            math::ExpOp::create(nb, l, subtractSafeMax(nb, l, low, newMax));
        Value grows =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, x, m);
        Value rescaled =
            math::FmaOp::create(nb, l, s, e, constF(nb, l, type, 1.0));
        Value added = arith::AddFOp::create(nb, l, s, e);
        Value newSum = arith::SelectOp::create(nb, l, grows, rescaled, added);
        return std::pair<Value, Value>(newMax, newSum);
      },
      [](OpBuilder &nb, Location l, Value m, Value s, Value laneMax,
         Value laneSum) {
        Value newMax = arith::MaximumFOp::create(nb, l, m, laneMax);
        Value oldScale =
            math::ExpOp::create(nb, l, subtractSafeMax(nb, l, m, newMax));
        Value laneScale =
            math::ExpOp::create(nb, l, subtractSafeMax(nb, l, laneMax, newMax));
        Value newSum = math::FmaOp::create(
            nb, l, s, oldScale,
            arith::MulFOp::create(nb, l, laneSum, laneScale));
        return std::pair<Value, Value>(newMax, newSum);
      });
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

/// ln 2 split in two for the Cody–Waite reduction x - n ln 2 with FMAs:
/// `hi` is ln 2 rounded to the type, `lo` the rest.
std::pair<Value, Value> ln2Parts(OpBuilder &b, Location loc, Type type) {
  if (type.isF64())
    return {constF(b, loc, type, 0x1.62e42fefa39efp-1),
            constF(b, loc, type, 0x1.abc9e3b39803fp-56)};
  return {constF(b, loc, type, static_cast<float>(0x1.62e43p-1)),
          constF(b, loc, type, -0x1.05c61p-29)};
}

/// x - n ln 2, accurate to the last bits for |n| up to 2^22.
Value reduceByLn2(OpBuilder &b, Location loc, Value x, Value n) {
  auto [hi, lo] = ln2Parts(b, loc, x.getType());
  Value negN = arith::NegFOp::create(b, loc, n);
  Value r = math::FmaOp::create(b, loc, negN, hi, x);
  return math::FmaOp::create(b, loc, negN, lo, r);
}

/// The pair of exp(x): the exponent n = round(x / ln 2) and the mantissa
/// exp(x - n ln 2) in [sqrt(1/2), sqrt(2)].
std::pair<Value, Value> expPair(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value n = math::RoundEvenOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, x, constF(b, loc, type, 1.0 / M_LN2)));
  Value mantissa = math::ExpOp::create(b, loc, reduceByLn2(b, loc, x, n));
  return {mantissa, n};
}

/// 2^k for an integer-valued float k, built from the exponent bits: exact
/// for normal results, 0 below them (where the two-pass sums take 2^k, a
/// term that small is far below the rounding of the largest one) and inf
/// above. A NaN k gives 0; the NaN reaches the result through the mantissa.
Value exp2OfInteger(OpBuilder &b, Location loc, Value k) {
  auto type = cast<FloatType>(k.getType());
  int64_t bias = type.isF64() ? 1023 : 127;
  int64_t mantissaBits = type.getFPMantissaWidth() - 1;
  IntegerType intType = b.getIntegerType(type.getWidth());
  Value clamped = arith::MinNumFOp::create(
      b, loc,
      arith::MaxNumFOp::create(
          b, loc, k, constF(b, loc, type, static_cast<double>(-bias))),
      constF(b, loc, type, static_cast<double>(bias + 1)));
  Value biased = arith::AddIOp::create(
      b, loc, arith::FPToSIOp::create(b, loc, intType, clamped),
      arith::ConstantIntOp::create(b, loc, intType, bias));
  Value bits = arith::ShLIOp::create(
      b, loc, biased,
      arith::ConstantIntOp::create(b, loc, intType, mantissaBits));
  return arith::BitcastOp::create(b, loc, type, bits);
}

/// The sum of exp(x) over each row as a pair: the largest exponent N and
/// the mantissa sum M, rescaled by 2^(N_old - N_new) as N grows. A -inf
/// element leaves the pair alone; an all -inf row keeps (0, -inf).
std::pair<Value, Value> buildPairSums(OpBuilder &b, Location loc, Value input,
                                      int64_t axis) {
  // Two pairs on a common exponent; (0, -inf) stays as it is.
  auto add = [](OpBuilder &nb, Location l, Value sum, Value exponent,
                Value otherSum, Value otherExponent) {
    Value newExponent =
        arith::MaximumFOp::create(nb, l, exponent, otherExponent);
    Value scale = exp2OfInteger(
        nb, l, arith::SubFOp::create(nb, l, exponent, newExponent));
    Value otherScale = exp2OfInteger(
        nb, l, arith::SubFOp::create(nb, l, otherExponent, newExponent));
    Value newSum = math::FmaOp::create(
        nb, l, sum, scale, arith::MulFOp::create(nb, l, otherSum, otherScale));
    Value empty = isNegInf(nb, l, newExponent);
    return std::pair<Value, Value>(
        arith::SelectOp::create(nb, l, empty, sum, newSum), newExponent);
  };
  return reduceRowsToPair(
      b, loc, input, axis, 0.0, kNegInf,
      [&](OpBuilder &nb, Location l, Value x, Value sum, Value exponent) {
        auto [m, n] = expPair(nb, l, x);
        auto [newSum, newExponent] = add(nb, l, sum, exponent, m, n);
        Value skip = isNegInf(nb, l, x);
        return std::pair<Value, Value>(
            arith::SelectOp::create(nb, l, skip, sum, newSum),
            arith::SelectOp::create(nb, l, skip, exponent, newExponent));
      },
      add);
}

struct LowerTwoPassSoftmax final : OpRewritePattern<TwoPassSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TwoPassSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    int64_t axis = op.getAxisIndex();
    auto [sum, exponent] = buildPairSums(rewriter, loc, input, axis);
    Value result;
    switch (op.getKind()) {
    case SoftmaxKind::softmax:
      // m 2^(n - N) / M; -inf elements and all -inf rows give 0.
      result = mapRows(
          rewriter, loc, input, axis, {sum, exponent},
          [](OpBuilder &b, Location l, Value x, ValueRange row) {
            auto [m, n] = expPair(b, l, x);
            Value scale =
                exp2OfInteger(b, l, arith::SubFOp::create(b, l, n, row[1]));
            Value p = arith::DivFOp::create(
                b, l, arith::MulFOp::create(b, l, m, scale), row[0]);
            Value zero = constF(b, l, x.getType(), 0.0);
            p = arith::SelectOp::create(b, l, isNegInf(b, l, x), zero, p);
            return selectNonEmpty(b, l, row[0], p, 0.0);
          });
      break;
    case SoftmaxKind::log_softmax:
      // (x - N ln 2) - log M; all -inf rows give -inf.
      result = mapRows(rewriter, loc, input, axis, {sum, exponent},
                       [](OpBuilder &b, Location l, Value x, ValueRange row) {
                         Value r = arith::SubFOp::create(
                             b, l, reduceByLn2(b, l, x, row[1]),
                             math::LogOp::create(b, l, row[0]));
                         return selectNonEmpty(b, l, row[0], r, kNegInf);
                       });
      break;
    case SoftmaxKind::logsumexp:
      // N ln 2 + log M, as N hi + (N lo + log M).
      result = mapToRows(
          rewriter, loc, input, axis, op.getKeepDim(), op.getType(),
          {sum, exponent}, [](OpBuilder &b, Location l, Value, ValueRange row) {
            auto [hi, lo] = ln2Parts(b, l, row[0].getType());
            Value logSum = math::LogOp::create(b, l, row[0]);
            Value low = math::FmaOp::create(b, l, row[1], lo, logSum);
            Value r = math::FmaOp::create(b, l, row[1], hi, low);
            return selectNonEmpty(b, l, row[0], r, kNegInf);
          });
      break;
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::attic::populateSoftmaxFormLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerOnlineSoftmax, LowerTwoPassSoftmax>(patterns.getContext());
}
