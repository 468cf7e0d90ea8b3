//===- Elementwise.cpp - Elementwise onnx ops to linalg
//---------------------===//
//
// Arithmetic, comparisons, logic and math functions, Where, Cast, Expand
// and Trilu as one linalg.generic each over the result, its operands read
// through numpy broadcasting maps; Erf as MLIR's f32 polynomial (applied
// by lowerONNX once every op is lowered).
//
//===----------------------------------------------------------------------===//

#include "codegen/onnx/Common.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::onnx_lowering;
using namespace mlir::attic::reference;
using utils::IteratorType;

namespace {

/// The scalar computation of an elementwise op, or null when `op` is not
/// one; `args` are its operands' elements.
using ScalarFn = std::function<Value(OpBuilder &, Location, ValueRange)>;

Value floatOrInt(OpBuilder &b, Location loc, ValueRange args,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> f,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> i) {
  return isa<FloatType>(args[0].getType()) ? f(b, loc, args[0], args[1])
                                           : i(b, loc, args[0], args[1]);
}

template <typename FOp, typename IOp> ScalarFn binary() {
  return [](OpBuilder &b, Location loc, ValueRange args) {
    return floatOrInt(
        b, loc, args,
        [](OpBuilder &nb, Location l, Value x, Value y) -> Value {
          return FOp::create(nb, l, x, y);
        },
        [](OpBuilder &nb, Location l, Value x, Value y) -> Value {
          return IOp::create(nb, l, x, y);
        });
  };
}

ScalarFn compare(arith::CmpFPredicate f, arith::CmpIPredicate i) {
  return [f, i](OpBuilder &b, Location loc, ValueRange args) -> Value {
    if (isa<FloatType>(args[0].getType()))
      return arith::CmpFOp::create(b, loc, f, args[0], args[1]);
    return arith::CmpIOp::create(b, loc, i, args[0], args[1]);
  };
}

template <typename MathOp> ScalarFn unaryFloat() {
  return [](OpBuilder &b, Location loc, ValueRange args) -> Value {
    return MathOp::create(b, loc, args[0]);
  };
}

/// softplus(x) = max(x, 0) + log1p(exp(-|x|)), finite for every finite x.
Value softplus(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value zero = constF(b, loc, t, 0.0);
  Value pos = arith::MaximumFOp::create(b, loc, x, zero);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  return arith::AddFOp::create(
      b, loc, pos,
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs)));
}

/// The scalar function of an elementwise op, with the element type it
/// needs (float for the transcendental ones) checked.
FailureOr<ScalarFn> scalarFunction(Operation *op) {
  Type elt = ranked(op->getOperand(0)).getElementType();
  bool isFloat = isa<FloatType>(elt);
  auto needFloat = [&]() -> FailureOr<ScalarFn> {
    return op->emitOpError()
           << "cannot be compiled: it needs floating-point elements, got "
           << elt;
  };
  using namespace onnxir;
  return TypeSwitch<Operation *, FailureOr<ScalarFn>>(op)
      .Case([](AddOp) { return binary<arith::AddFOp, arith::AddIOp>(); })
      .Case([](SubOp) { return binary<arith::SubFOp, arith::SubIOp>(); })
      .Case([](MulOp) { return binary<arith::MulFOp, arith::MulIOp>(); })
      .Case([](DivOp) { return binary<arith::DivFOp, arith::DivSIOp>(); })
      .Case([](EqualOp) {
        return compare(arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq);
      })
      .Case([](LessOp) {
        return compare(arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt);
      })
      .Case([](OrOp) { return binary<arith::OrIOp, arith::OrIOp>(); })
      .Case([](AndOp) { return binary<arith::AndIOp, arith::AndIOp>(); })
      .Case([&](PowOp) -> FailureOr<ScalarFn> {
        if (!isFloat)
          return needFloat();
        return ScalarFn([](OpBuilder &b, Location loc, ValueRange args) {
          Value y = convertScalar(b, loc, args[1], args[0].getType());
          return Value(math::PowFOp::create(b, loc, args[0], y));
        });
      })
      .Case([&](NegOp) {
        return ScalarFn([](OpBuilder &b, Location loc, ValueRange args) {
          Value x = args[0];
          if (isa<FloatType>(x.getType()))
            return Value(arith::NegFOp::create(b, loc, x));
          return Value(arith::SubIOp::create(
              b, loc, scalarConstant(b, loc, x.getType(), 0), x));
        });
      })
      .Case([&](NotOp) {
        return ScalarFn([](OpBuilder &b, Location loc, ValueRange args) {
          return Value(arith::XOrIOp::create(
              b, loc, args[0], scalarConstant(b, loc, args[0].getType(), 1)));
        });
      })
      .Case([&](ReluOp) {
        return ScalarFn([](OpBuilder &b, Location loc, ValueRange args) {
          Value x = args[0];
          Value zero = scalarConstant(b, loc, x.getType(), 0);
          Value negative =
              isa<FloatType>(x.getType())
                  ? Value(arith::CmpFOp::create(
                        b, loc, arith::CmpFPredicate::OLT, x, zero))
                  : Value(arith::CmpIOp::create(
                        b, loc, arith::CmpIPredicate::slt, x, zero));
          return Value(arith::SelectOp::create(b, loc, negative, zero, x));
        });
      })
      .Default([&](Operation *) -> FailureOr<ScalarFn> {
        // The float-only ones.
        ScalarFn fn =
            TypeSwitch<Operation *, ScalarFn>(op)
                .Case([](ExpOp) { return unaryFloat<math::ExpOp>(); })
                .Case([](LogOp) { return unaryFloat<math::LogOp>(); })
                .Case([](SqrtOp) { return unaryFloat<math::SqrtOp>(); })
                .Case([](TanhOp) { return unaryFloat<math::TanhOp>(); })
                .Case([](SoftplusOp) {
                  return ScalarFn([](OpBuilder &b, Location l, ValueRange a) {
                    return softplus(b, l, a[0]);
                  });
                })
                .Case([](SigmoidOp) {
                  return ScalarFn([](OpBuilder &b, Location l, ValueRange a) {
                    Type t = a[0].getType();
                    Value e = math::ExpOp::create(
                        b, l, arith::NegFOp::create(b, l, a[0]));
                    return Value(arith::DivFOp::create(
                        b, l, constF(b, l, t, 1.0),
                        arith::AddFOp::create(b, l, constF(b, l, t, 1.0), e)));
                  });
                })
                .Case([](ReciprocalOp) {
                  return ScalarFn([](OpBuilder &b, Location l, ValueRange a) {
                    return Value(arith::DivFOp::create(
                        b, l, constF(b, l, a[0].getType(), 1.0), a[0]));
                  });
                })
                .Case([](EluOp elu) {
                  double alpha = elu.getAlpha().convertToDouble();
                  return ScalarFn([alpha](OpBuilder &b, Location l,
                                          ValueRange a) {
                    Value x = a[0];
                    Type t = x.getType();
                    Value negative =
                        arith::MulFOp::create(b, l, constF(b, l, t, alpha),
                                              math::ExpM1Op::create(b, l, x));
                    Value isNeg =
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                              x, constF(b, l, t, 0.0));
                    return Value(
                        arith::SelectOp::create(b, l, isNeg, negative, x));
                  });
                })
                .Default([](Operation *) { return ScalarFn(); });
        if (!fn)
          return failure();
        if (!isFloat)
          return needFloat();
        return fn;
      });
}

bool isElementwise(Operation *op) {
  using namespace onnxir;
  return isa<AddOp, SubOp, MulOp, DivOp, EqualOp, LessOp, OrOp, AndOp, PowOp,
             NegOp, NotOp, ReluOp, ExpOp, LogOp, SqrtOp, TanhOp, SoftplusOp,
             SigmoidOp, ReciprocalOp, EluOp>(op);
}

Lowered lowerElementwise(OpBuilder &b, Operation *op) {
  FailureOr<ScalarFn> fn = scalarFunction(op);
  if (failed(fn))
    return failure();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<Value> result =
      broadcastGeneric(b, op->getLoc(), op, type, op->getOperands(), *fn);
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

Lowered lowerWhere(OpBuilder &b, onnxir::WhereOp op) {
  FailureOr<Value> result = broadcastGeneric(
      b, op.getLoc(), op, cast<RankedTensorType>(op.getType()),
      op->getOperands(), [](OpBuilder &nb, Location l, ValueRange args) {
        return Value(arith::SelectOp::create(nb, l, args[0], args[1], args[2]));
      });
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

Lowered lowerCast(OpBuilder &b, onnxir::CastOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  Type to = type.getElementType();
  FailureOr<Value> result =
      broadcastGeneric(b, op.getLoc(), op, type, op.getInput(),
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         return convertScalar(nb, l, args[0], to);
                       });
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

Lowered lowerExpand(OpBuilder &b, onnxir::ExpandOp op) {
  FailureOr<Value> result = broadcastGeneric(
      b, op.getLoc(), op, cast<RankedTensorType>(op.getType()), op.getInput(),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

/// Trilu: the entry where its column j and row i satisfy j - i >= k (upper)
/// or j - i <= k (lower), 0 elsewhere.
Lowered lowerTrilu(OpBuilder &b, onnxir::TriluOp op) {
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    return op.emitOpError("cannot be compiled: the input needs rank >= 2");
  Value k = arith::ConstantIndexOp::create(b, loc, 0);
  if (!isNone(op.getK()))
    k = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        tensor::ExtractOp::create(b, loc, op.getK(), ValueRange{}));
  bool upper = op.getUpper() != 0;
  FailureOr<Value> result = broadcastGeneric(
      b, loc, op, type, op.getInput(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = linalg::IndexOp::create(nb, l, rank - 2);
        Value j = linalg::IndexOp::create(nb, l, rank - 1);
        Value diag = arith::SubIOp::create(nb, l, j, i);
        Value keep = arith::CmpIOp::create(nb, l,
                                           upper ? arith::CmpIPredicate::sge
                                                 : arith::CmpIPredicate::sle,
                                           diag, k);
        return Value(arith::SelectOp::create(
            nb, l, keep, args[0], scalarConstant(nb, l, args[0].getType(), 0)));
      });
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

/// x as f32, then `f`, then back to x's type: for the functions whose
/// polynomial MLIR has in f32 only (erf).
Value inF32(OpBuilder &b, Location loc, Value x, function_ref<Value(Value)> f) {
  return castFloat(b, loc, f(castFloat(b, loc, x, b.getF32Type())),
                   x.getType());
}

/// Gelu: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2 (erf in f32), or with
/// approximate "tanh", x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) / 2.
Value gelu(OpBuilder &b, Location loc, Value x, bool tanhApproximation) {
  Type t = x.getType();
  Value inner;
  if (tanhApproximation) {
    Value cube =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value sum = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, constF(b, loc, t, 0.044715), cube));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, constF(b, loc, t, std::sqrt(2.0 / M_PI)),
                              sum));
  } else {
    inner = inF32(b, loc, x, [&](Value v) -> Value {
      return math::ErfOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, v,
                                constF(b, loc, v.getType(), M_SQRT1_2)));
    });
  }
  Value onePlus = arith::AddFOp::create(b, loc, constF(b, loc, t, 1.0), inner);
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, constF(b, loc, t, 0.5), x),
      onePlus);
}

/// The largest (or smallest) of `x` and `y`: NaN if either is.
Value extremum(OpBuilder &b, Location loc, Value x, Value y, bool largest) {
  if (isa<FloatType>(x.getType()))
    return largest ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::MinimumFOp::create(b, loc, x, y));
  return largest ? Value(arith::MaxSIOp::create(b, loc, x, y))
                 : Value(arith::MinSIOp::create(b, loc, x, y));
}

/// An elementwise operator the dialect has no typed op for (an onnx.Node
/// of the default domain) as a generic over its present operands; none
/// when `node` is not one.
std::optional<Lowered> lowerElementwiseNode(OpBuilder &b, onnxir::NodeOp node) {
  StringRef type = node.getOpType();
  SmallVector<Value> operands;
  for (Value v : node.getInputs())
    if (!isNone(v))
      operands.push_back(v);
  if (operands.empty() || node.getNumResults() != 1)
    return std::nullopt;
  Type elt = ranked(operands[0]).getElementType();
  bool isFloat = isa<FloatType>(elt);
  auto floatOnly = [&](auto f) -> FailureOr<ScalarFn> {
    if (!isFloat)
      return node.emitOpError()
             << "cannot be compiled: " << type
             << " needs floating-point elements, got " << elt;
    return ScalarFn([f](OpBuilder &b, Location l, ValueRange a) {
      return Value(f(b, l, a[0]));
    });
  };
  FailureOr<ScalarFn> fn = ScalarFn();
  if (type == "Sin")
    fn = floatOnly([](OpBuilder &b, Location l, Value x) {
      return math::SinOp::create(b, l, x);
    });
  else if (type == "Cos")
    fn = floatOnly([](OpBuilder &b, Location l, Value x) {
      return math::CosOp::create(b, l, x);
    });
  else if (type == "Floor")
    fn = floatOnly([](OpBuilder &b, Location l, Value x) {
      return math::FloorOp::create(b, l, x);
    });
  else if (type == "Ceil")
    fn = floatOnly([](OpBuilder &b, Location l, Value x) {
      return math::CeilOp::create(b, l, x);
    });
  else if (type == "Gelu") {
    auto approximate = node.getNodeAttrs().getAs<StringAttr>("approximate");
    bool tanh = approximate && approximate.getValue() == "tanh";
    if (approximate && !tanh && approximate.getValue() != "none")
      return Lowered(node.emitOpError()
                     << "cannot be compiled: Gelu's approximate must be "
                        "'none' or 'tanh', got '"
                     << approximate.getValue() << "'");
    if (!tanh && elt.isF64())
      return Lowered(node.emitOpError()
                     << "cannot be compiled: Gelu is computed in f32 only "
                        "(its erf), got "
                     << elt);
    fn = floatOnly([tanh](OpBuilder &b, Location l, Value x) {
      return gelu(b, l, x, tanh);
    });
  } else if (type == "Abs")
    fn = ScalarFn([](OpBuilder &b, Location l, ValueRange a) {
      Value x = a[0];
      if (isa<FloatType>(x.getType()))
        return Value(math::AbsFOp::create(b, l, x));
      Value zero = scalarConstant(b, l, x.getType(), 0);
      Value negative =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, x, zero);
      return Value(arith::SelectOp::create(
          b, l, negative, arith::SubIOp::create(b, l, zero, x), x));
    });
  else if (type == "Greater")
    fn = compare(arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt);
  else if (type == "GreaterOrEqual")
    fn = compare(arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge);
  else if (type == "LessOrEqual")
    fn = compare(arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle);
  else if (type == "Max" || type == "Min") {
    bool largest = type == "Max";
    fn = ScalarFn([largest](OpBuilder &b, Location l, ValueRange a) {
      Value r = a[0];
      for (Value x : a.drop_front())
        r = extremum(b, l, r, x, largest);
      return r;
    });
  } else if (type == "Clip") {
    // Clip(x, min, max): absent bounds do not bound.
    bool hasMin = node.getInputs().size() > 1 && !isNone(node.getInputs()[1]);
    bool hasMax = node.getInputs().size() > 2 && !isNone(node.getInputs()[2]);
    fn = ScalarFn([hasMin, hasMax](OpBuilder &b, Location l, ValueRange a) {
      Value r = a[0];
      if (hasMin)
        r = extremum(b, l, r, a[1], /*largest=*/true);
      if (hasMax)
        r = extremum(b, l, r, a[hasMin ? 2 : 1], /*largest=*/false);
      return r;
    });
  }
  if (failed(fn))
    return Lowered(failure());
  if (!*fn)
    return std::nullopt;
  auto resultType = cast<RankedTensorType>(node.getResult(0).getType());
  FailureOr<Value> result =
      broadcastGeneric(b, node.getLoc(), node, resultType, operands, *fn);
  if (failed(result))
    return Lowered(failure());
  return Lowered(SmallVector<Value>{*result});
}

} // namespace

std::optional<Lowered> onnx_lowering::lowerElementwiseOp(OpBuilder &b,
                                                         Operation *op) {
  using namespace onnxir;
  if (isElementwise(op))
    return lowerElementwise(b, op);
  return TypeSwitch<Operation *, std::optional<Lowered>>(op)
      .Case([&](WhereOp o) { return lowerWhere(b, o); })
      .Case([&](CastOp o) { return lowerCast(b, o); })
      .Case([&](ExpandOp o) { return lowerExpand(b, o); })
      .Case([&](TriluOp o) { return lowerTrilu(b, o); })
      .Case([&](NodeOp o) { return lowerElementwiseNode(b, o); })
      .Case([&](ErfOp o) -> std::optional<Lowered> {
        // A polynomial in f32 (below); f64 would need more terms.
        Type elt = ranked(o.getX()).getElementType();
        if (!isa<FloatType>(elt) || elt.isF64())
          return op->emitOpError()
                 << "cannot be compiled: Erf is computed in f32 only, got "
                 << elt;
        FailureOr<Value> result = broadcastGeneric(
            b, o.getLoc(), o, cast<RankedTensorType>(o.getType()), o.getX(),
            [](OpBuilder &nb, Location l, ValueRange args) {
              return inF32(nb, l, args[0], [&](Value x) -> Value {
                return math::ErfOp::create(nb, l, x);
              });
            });
        if (failed(result))
          return failure();
        return SmallVector<Value>{*result};
      })
      .Default([](Operation *) { return std::nullopt; });
}
