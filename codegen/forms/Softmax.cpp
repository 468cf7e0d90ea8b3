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
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// One reduction along `axis` of `input` into two row tensors initialized
/// to `init0` and `init1`; `body` maps (x in the accumulator type, acc0,
/// acc1) to the new accumulators.
std::pair<Value, Value>
reduceRowsToPair(OpBuilder &b, Location loc, Value input, int64_t axis,
                 double init0, double init1,
                 function_ref<std::pair<Value, Value>(OpBuilder &, Location,
                                                      Value, Value, Value)>
                     body) {
  SmallVector<Value> results =
      reduceAxis(b, loc, input, axis, {}, {init0, init1},
                 [&](OpBuilder &nb, Location l, Value x, ValueRange,
                     ValueRange accs) -> SmallVector<Value> {
                   auto [new0, new1] = body(nb, l, x, accs[0], accs[1]);
                   return {new0, new1};
                 });
  return {results[0], results[1]};
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
        // While the row is all -inf so far, subtract 0 instead of -inf.
        Value safeMax = arith::SelectOp::create(
            nb, l, isNegInf(nb, l, newMax), constF(nb, l, type, 0.0), newMax);
        Value low = arith::MinimumFOp::create(nb, l, m, x);
        Value e = math::ExpOp::create(
            nb, l, arith::SubFOp::create(nb, l, low, safeMax));
        Value grows =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, x, m);
        Value rescaled =
            math::FmaOp::create(nb, l, s, e, constF(nb, l, type, 1.0));
        Value added = arith::AddFOp::create(nb, l, s, e);
        Value newSum = arith::SelectOp::create(nb, l, grows, rescaled, added);
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

/// The sum of exp(x) over each row as a pair: the largest exponent N and
/// the mantissa sum M, rescaled by 2^(N_old - N_new) as N grows. A -inf
/// element leaves the pair alone; an all -inf row keeps (0, -inf).
std::pair<Value, Value> buildPairSums(OpBuilder &b, Location loc, Value input,
                                      int64_t axis) {
  return reduceRowsToPair(
      b, loc, input, axis, 0.0, kNegInf,
      [](OpBuilder &nb, Location l, Value x, Value sum, Value exponent) {
        auto [m, n] = expPair(nb, l, x);
        Value newExponent = arith::MaximumFOp::create(nb, l, exponent, n);
        Value oldScale = math::Exp2Op::create(
            nb, l, arith::SubFOp::create(nb, l, exponent, newExponent));
        Value newScale = math::Exp2Op::create(
            nb, l, arith::SubFOp::create(nb, l, n, newExponent));
        Value newSum = math::FmaOp::create(
            nb, l, sum, oldScale, arith::MulFOp::create(nb, l, m, newScale));
        Value skip = isNegInf(nb, l, x);
        return std::pair<Value, Value>(
            arith::SelectOp::create(nb, l, skip, sum, newSum),
            arith::SelectOp::create(nb, l, skip, exponent, newExponent));
      });
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
            Value scale = math::Exp2Op::create(
                b, l, arith::SubFOp::create(b, l, n, row[1]));
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
