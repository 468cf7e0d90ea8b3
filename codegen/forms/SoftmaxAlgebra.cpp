//===- SoftmaxAlgebra.cpp - Scalar steps of the softmax forms -------------===//

#include "codegen/forms/SoftmaxAlgebra.h"
#include "codegen/reference/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

Value isNegInf(OpBuilder &b, Location loc, Value x) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                               constF(b, loc, x.getType(), kNegInf));
}

//===----------------------------------------------------------------------===//
// Online
//===----------------------------------------------------------------------===//

/// exp(min(m, x) - max(m, x)) either rescales the old sum (a new maximum)
/// or is the new term: one exponential per element.
std::pair<Value, Value> onlineElement(OpBuilder &b, Location loc, Value x,
                                      Value m, Value s) {
  Type type = x.getType();
  Value newMax = arith::MaximumFOp::create(b, loc, m, x);
  Value low = arith::MinimumFOp::create(b, loc, m, x);
  // While the row is all -inf so far, subtract 0 instead of -inf.
  Value e = math::ExpOp::create(b, loc, subtractSafeMax(b, loc, low, newMax));
  Value grows = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, m);
  Value rescaled = math::FmaOp::create(b, loc, s, e, constF(b, loc, type, 1.0));
  Value added = arith::AddFOp::create(b, loc, s, e);
  Value newSum = arith::SelectOp::create(b, loc, grows, rescaled, added);
  return {newMax, newSum};
}

std::pair<Value, Value> onlineMerge(OpBuilder &b, Location loc, Value m,
                                    Value s, Value otherMax, Value otherSum) {
  Value newMax = arith::MaximumFOp::create(b, loc, m, otherMax);
  Value scale = math::ExpOp::create(b, loc, subtractSafeMax(b, loc, m, newMax));
  Value otherScale =
      math::ExpOp::create(b, loc, subtractSafeMax(b, loc, otherMax, newMax));
  Value newSum = math::FmaOp::create(
      b, loc, s, scale, arith::MulFOp::create(b, loc, otherSum, otherScale));
  return {newMax, newSum};
}

Value onlineFinish(OpBuilder &b, Location loc, SoftmaxKind kind, Value x,
                   Value m, Value s) {
  switch (kind) {
  case SoftmaxKind::softmax: {
    Value e = math::ExpOp::create(b, loc, subtractSafeMax(b, loc, x, m));
    return selectNonEmpty(b, loc, s, arith::DivFOp::create(b, loc, e, s), 0.0);
  }
  case SoftmaxKind::log_softmax: {
    Value r = arith::SubFOp::create(b, loc, subtractSafeMax(b, loc, x, m),
                                    math::LogOp::create(b, loc, s));
    return selectNonEmpty(b, loc, s, r, kNegInf);
  }
  case SoftmaxKind::logsumexp: {
    Value zero = constF(b, loc, m.getType(), 0.0);
    Value safeMax =
        arith::SelectOp::create(b, loc, isNegInf(b, loc, m), zero, m);
    Value r =
        arith::AddFOp::create(b, loc, safeMax, math::LogOp::create(b, loc, s));
    return selectNonEmpty(b, loc, s, r, kNegInf);
  }
  }
  llvm_unreachable("unknown softmax kind");
}

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

/// Two pairs on a common exponent; (0, -inf) stays as it is.
std::pair<Value, Value> twoPassMerge(OpBuilder &b, Location loc, Value sum,
                                     Value exponent, Value otherSum,
                                     Value otherExponent) {
  Value newExponent =
      arith::MaximumFOp::create(b, loc, exponent, otherExponent);
  Value scale = exp2OfInteger(
      b, loc, arith::SubFOp::create(b, loc, exponent, newExponent));
  Value otherScale = exp2OfInteger(
      b, loc, arith::SubFOp::create(b, loc, otherExponent, newExponent));
  Value newSum = math::FmaOp::create(
      b, loc, sum, scale, arith::MulFOp::create(b, loc, otherSum, otherScale));
  Value empty = isNegInf(b, loc, newExponent);
  return {arith::SelectOp::create(b, loc, empty, sum, newSum), newExponent};
}

/// A -inf element leaves the pair alone; an all -inf row keeps (0, -inf).
std::pair<Value, Value> twoPassElement(OpBuilder &b, Location loc, Value x,
                                       Value sum, Value exponent) {
  auto [m, n] = expPair(b, loc, x);
  auto [newSum, newExponent] = twoPassMerge(b, loc, sum, exponent, m, n);
  Value skip = isNegInf(b, loc, x);
  return {arith::SelectOp::create(b, loc, skip, sum, newSum),
          arith::SelectOp::create(b, loc, skip, exponent, newExponent)};
}

Value twoPassFinish(OpBuilder &b, Location loc, SoftmaxKind kind, Value x,
                    Value sum, Value exponent) {
  switch (kind) {
  case SoftmaxKind::softmax: {
    // m 2^(n - N) / M; -inf elements and all -inf rows give 0.
    auto [m, n] = expPair(b, loc, x);
    Value scale =
        exp2OfInteger(b, loc, arith::SubFOp::create(b, loc, n, exponent));
    Value p = arith::DivFOp::create(
        b, loc, arith::MulFOp::create(b, loc, m, scale), sum);
    Value zero = constF(b, loc, x.getType(), 0.0);
    p = arith::SelectOp::create(b, loc, isNegInf(b, loc, x), zero, p);
    return selectNonEmpty(b, loc, sum, p, 0.0);
  }
  case SoftmaxKind::log_softmax: {
    // (x - N ln 2) - log M; all -inf rows give -inf.
    Value r = arith::SubFOp::create(b, loc, reduceByLn2(b, loc, x, exponent),
                                    math::LogOp::create(b, loc, sum));
    return selectNonEmpty(b, loc, sum, r, kNegInf);
  }
  case SoftmaxKind::logsumexp: {
    // N ln 2 + log M, as N hi + (N lo + log M).
    auto [hi, lo] = ln2Parts(b, loc, sum.getType());
    Value logSum = math::LogOp::create(b, loc, sum);
    Value low = math::FmaOp::create(b, loc, exponent, lo, logSum);
    Value r = math::FmaOp::create(b, loc, exponent, hi, low);
    return selectNonEmpty(b, loc, sum, r, kNegInf);
  }
  }
  llvm_unreachable("unknown softmax kind");
}

} // namespace

const SoftmaxAlgebra &mlir::attic::onlineSoftmaxAlgebra() {
  static const SoftmaxAlgebra algebra = {kNegInf, 0.0, onlineElement,
                                         onlineMerge, onlineFinish};
  return algebra;
}

const SoftmaxAlgebra &mlir::attic::twoPassSoftmaxAlgebra() {
  static const SoftmaxAlgebra algebra = {0.0, kNegInf, twoPassElement,
                                         twoPassMerge, twoPassFinish};
  return algebra;
}
