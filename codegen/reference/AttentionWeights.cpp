//===- AttentionWeights.cpp - From a score to an attention weight ---------===//

#include "codegen/reference/AttentionWeights.h"
#include "codegen/reference/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

Value reference::featureMap(OpBuilder &b, Location loc, AttentionKernel kernel,
                            Value x) {
  Type type = x.getType();
  Value zero = constF(b, loc, type, 0.0);
  if (kernel == AttentionKernel::relu ||
      kernel == AttentionKernel::squared_relu) {
    Value relu = arith::MaximumFOp::create(b, loc, x, zero);
    if (kernel == AttentionKernel::relu)
      return relu;
    return arith::MulFOp::create(b, loc, relu, relu);
  }
  // elu(x) + 1 = x + 1 for x > 0, exp(x) otherwise.
  Value one = constF(b, loc, type, 1.0);
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  Value linear = arith::AddFOp::create(b, loc, x, one);
  Value exponential = math::ExpOp::create(b, loc, x);
  return arith::SelectOp::create(b, loc, positive, linear, exponential);
}

Value reference::softplus(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value zero = constF(b, loc, type, 0.0);
  Value pos = arith::MaximumFOp::create(b, loc, x, zero);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, pos, tail);
}

/// The number of keys query position `pos` (i64) sees by position: those
/// in [0, min(length, skv)) that the causal bound and the windows allow.
static Value visibleKeyCount(OpBuilder &b, Location loc,
                             const AttentionScoring &scoring, Value pos,
                             Value length, Value skv) {
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value end = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, length, c(0)), skv);
  Value after = arith::AddIOp::create(b, loc, pos, c(1));
  if (scoring.causal)
    end = arith::MinSIOp::create(b, loc, end, after);
  if (scoring.rightWindow)
    end = arith::MinSIOp::create(
        b, loc, end,
        arith::AddIOp::create(b, loc, after, c(*scoring.rightWindow)));
  Value start = c(0);
  if (scoring.leftWindow)
    start = arith::MaxSIOp::create(
        b, loc, start,
        arith::SubIOp::create(b, loc, pos, c(*scoring.leftWindow)));
  return arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, end, start), c(0));
}

Value reference::buildAttentionWeight(OpBuilder &b, Location loc,
                                      const AttentionScoring &scoring, Value s,
                                      Value mask, Value length, bool hasLengths,
                                      Value i, Value j, Value sq, Value skv) {
  Type acc = s.getType();
  AttentionKernel kernel = scoring.kernel;
  Value visible = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  auto both = [&](Value cond) {
    visible = arith::AndIOp::create(b, loc, visible, cond);
  };
  // Query i sits at position i + length - sq.
  Value pos = arith::AddIOp::create(b, loc, i,
                                    arith::SubIOp::create(b, loc, length, sq));
  // Logits (softmax, softplus) or the gaussian exponent.
  Value logit;
  if (kernel == AttentionKernel::gaussian) {
    logit = arith::MulFOp::create(b, loc, s,
                                  constF(b, loc, acc, -0.5 * scoring.scale));
  } else if (!scoring.featureMap) {
    logit =
        arith::MulFOp::create(b, loc, s, constF(b, loc, acc, scoring.scale));
    if (scoring.trainLength) {
      // log(n_i) / log(T); rows that see no key are hidden below.
      Value n = visibleKeyCount(b, loc, scoring, pos, length, skv);
      Value logN =
          math::LogOp::create(b, loc, arith::SIToFPOp::create(b, loc, acc, n));
      Value factor = arith::MulFOp::create(
          b, loc, logN,
          constF(b, loc, acc,
                 1.0 / std::log(static_cast<double>(*scoring.trainLength))));
      logit = arith::MulFOp::create(b, loc, logit, factor);
    }
    if (scoring.softcap) {
      Value c = constF(b, loc, acc, *scoring.softcap);
      Value t =
          math::TanhOp::create(b, loc, arith::DivFOp::create(b, loc, logit, c));
      logit = arith::MulFOp::create(b, loc, t, c);
    }
  }
  if (mask) {
    if (mask.getType().isInteger(1))
      both(mask);
    else
      logit =
          arith::AddFOp::create(b, loc, castFloat(b, loc, mask, acc), logit);
  }
  // Visibility from positions.
  if (hasLengths)
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j, length));
  auto offset = [&](int64_t delta) {
    return arith::AddIOp::create(
        b, loc, pos,
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(delta)));
  };
  if (scoring.causal)
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, j, pos));
  if (scoring.leftWindow)
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, j,
                               offset(-*scoring.leftWindow)));
  if (scoring.rightWindow)
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, j,
                               offset(*scoring.rightWindow)));

  bool softmax = kernel == AttentionKernel::softmax;
  Value w;
  if (softmax) {
    w = logit;
  } else if (kernel == AttentionKernel::softplus) {
    w = softplus(b, loc, logit);
    // (w / sum w)^p renormalized is w^p / sum w^p.
    if (scoring.reweightPower)
      w = math::PowFOp::create(b, loc, w,
                               constF(b, loc, acc, *scoring.reweightPower));
  } else if (kernel == AttentionKernel::gaussian) {
    w = math::ExpOp::create(b, loc, logit);
  } else {
    w = s;
  }
  Value hidden = constF(
      b, loc, acc, softmax ? -std::numeric_limits<double>::infinity() : 0.0);
  return arith::SelectOp::create(b, loc, visible, w, hidden);
}

std::pair<Value, Value>
reference::visibleKeyRange(OpBuilder &b, Location loc,
                           const AttentionScoring &scoring, Value row,
                           Value rows, Value sq, Value length, Value clamped) {
  IndexMath ix{b, loc};
  Value zero = ix.c(0);
  // Query i sits at i + off with off = L - Sq.
  Value off = ix.sub(length, sq);
  Value end = clamped;
  Value lastPos = ix.add(ix.add(row, rows), off); // one past the last row
  if (scoring.causal)
    end = ix.min(end, lastPos);
  if (scoring.rightWindow)
    end = ix.min(end, ix.add(lastPos, ix.c(*scoring.rightWindow)));
  end = ix.max(end, zero);
  Value start = zero;
  if (scoring.leftWindow)
    start = ix.max(zero, ix.sub(ix.add(row, off), ix.c(*scoring.leftWindow)));
  return {start, end};
}
