//===- AttentionWeights.cpp - From a score to an attention weight ---------===//

#include "codegen/reference/AttentionWeights.h"
#include "codegen/reference/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

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

Value reference::buildAttentionWeight(OpBuilder &b, Location loc,
                                      const AttentionScoring &scoring, Value s,
                                      Value mask, Value length, bool hasLengths,
                                      Value i, Value j, Value sq) {
  Type acc = s.getType();
  AttentionKernel kernel = scoring.kernel;
  Value visible = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  auto both = [&](Value cond) {
    visible = arith::AndIOp::create(b, loc, visible, cond);
  };
  // Logits (softmax, softplus) or the gaussian exponent.
  Value logit;
  if (kernel == AttentionKernel::gaussian) {
    logit = arith::MulFOp::create(b, loc, s,
                                  constF(b, loc, acc, -0.5 * scoring.scale));
  } else if (!scoring.featureMap) {
    logit =
        arith::MulFOp::create(b, loc, s, constF(b, loc, acc, scoring.scale));
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
  // Visibility from positions: query i sits at i + length - sq.
  if (hasLengths)
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j, length));
  Value pos = arith::AddIOp::create(b, loc, i,
                                    arith::SubIOp::create(b, loc, length, sq));
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
  if (softmax)
    w = logit;
  else if (kernel == AttentionKernel::softplus)
    w = softplus(b, loc, logit);
  else if (kernel == AttentionKernel::gaussian)
    w = math::ExpOp::create(b, loc, logit);
  else
    w = s;
  Value hidden = constF(
      b, loc, acc, softmax ? -std::numeric_limits<double>::infinity() : 0.0);
  return arith::SelectOp::create(b, loc, visible, w, hidden);
}
