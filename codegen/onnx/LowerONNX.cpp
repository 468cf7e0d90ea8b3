//===- LowerONNX.cpp - The onnx dialect to linalg, tensor, arith ----------===//
//
// Each onnx op becomes the upstream IR that computes it, in program order:
//
//   elementwise ops, Where, Cast, Expand, Trilu   linalg.generic, operands
//                                                 broadcast by their maps
//   MatMul, Gemm                                  a contraction generic
//   ReduceSum/Mean/Max/LogSumExp, ArgMax          reduction generics (f32
//                                                 accumulators at least)
//   LayerNormalization                            mean and variance
//                                                 reductions, then a map
//   Transpose, Reshape, Squeeze, Unsqueeze        linalg.transpose,
//                                                 tensor.reshape / collapse /
//                                                 expand
//   Slice, Split, Concat                          extract / insert slices
//   Gather, GatherElements                        generics that read the data
//                                                 with tensor.extract
//   Constant, ConstantOfShape, Shape              constants (Shape of a
//                                                 dynamic dimension reads it)
//   Softmax, LogSoftmax                           attic.softmax / log_softmax
//   Erf                                           MLIR's f32 polynomial
//
// Shapes come from the result types, which the importer's shape inference
// gave; what a value's shape depends on (axes, shapes, starts) must be a
// constant. Anything else is one error naming the op and why.
//
//===----------------------------------------------------------------------===//

#include "codegen/onnx/LowerONNX.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;
using utils::IteratorType;

namespace {

/// The lowering of one op: its replacement values, or failure after an
/// error on the op.
using Lowered = FailureOr<SmallVector<Value>>;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The ranked type of `v`, or null.
RankedTensorType ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

bool isNone(Value v) { return !v || isa<NoneType>(v.getType()); }

/// A constant scalar of `type` (float, integer or i1).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return constF(b, loc, type, value);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// A tensor of `sizes` filled with `value` as `type` (float or integer;
/// reference::filledTensor takes floats only).
Value filled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
             Type type, double value) {
  return linalg::FillOp::create(b, loc, scalarConstant(b, loc, type, value),
                                emptyTensor(b, loc, sizes, type))
      .getResult(0);
}

/// Where a maximum starts: -inf, or the smallest signed integer.
double lowestOf(Type type) {
  if (isa<FloatType>(type))
    return -std::numeric_limits<double>::infinity();
  return static_cast<double>(
      APInt::getSignedMinValue(type.getIntOrFloatBitWidth()).getSExtValue());
}

/// `axis` of `op` normalized for `rank`, or failure after an error.
FailureOr<int64_t> axisOf(Operation *op, int64_t axis, int64_t rank) {
  if (std::optional<int64_t> normalized = onnxir::normalizeAxis(axis, rank))
    return *normalized;
  return op->emitOpError() << "cannot be compiled: axis " << axis
                           << " is out of range for rank " << rank;
}

/// Whether the elements are something the CPU code handles: floats and
/// signless integers (bool included).
bool supportedElement(Type t) {
  return isa<FloatType>(t) || t.isSignlessInteger();
}

/// Checks that every tensor operand and result of `op` is ranked with a
/// supported element type.
LogicalResult checkTypes(Operation *op) {
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    if (isa<NoneType>(v.getType()))
      continue;
    auto type = ranked(v);
    if (!type)
      return op->emitOpError()
             << "cannot be compiled: the shape of " << v.getType()
             << " is unknown (shape inference could not tell its rank)";
    if (!supportedElement(type.getElementType()))
      return op->emitOpError() << "cannot be compiled: element type "
                               << type.getElementType() << " is not supported";
  }
  return success();
}

/// The map reading `operand` (rank r) in a loop nest over a result of rank
/// n broadcast numpy-style: its dimension i is loop n - r + i, or 0 where it
/// is a static 1 against a larger result dimension.
AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType operand,
                       RankedTensorType result) {
  int64_t n = result.getRank(), r = operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < r; ++i) {
    int64_t j = n - r + i;
    bool broadcast = operand.getDimSize(i) == 1 && result.getDimSize(j) != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(j, ctx));
  }
  return AffineMap::get(n, 0, exprs, ctx);
}

/// The sizes of a broadcast result of `type` from `operands`: a dynamic
/// dimension is read from an operand whose aligned dimension is not 1.
FailureOr<SmallVector<OpFoldResult>> broadcastSizes(OpBuilder &b, Location loc,
                                                    Operation *op,
                                                    RankedTensorType type,
                                                    ValueRange operands) {
  SmallVector<OpFoldResult> sizes;
  int64_t n = type.getRank();
  for (int64_t j = 0; j < n; ++j) {
    if (!type.isDynamicDim(j)) {
      sizes.push_back(b.getIndexAttr(type.getDimSize(j)));
      continue;
    }
    Value source;
    int64_t at = 0;
    for (Value v : operands) {
      RankedTensorType t = ranked(v);
      int64_t i = j - (n - t.getRank());
      if (i >= 0 && t.getDimSize(i) != 1) {
        source = v;
        at = i;
        break;
      }
    }
    if (!source)
      return op->emitOpError()
             << "cannot be compiled: the size of result dimension " << j
             << " is dynamic and no operand gives it";
    sizes.push_back(tensor::DimOp::create(b, loc, source, at).getResult());
  }
  return sizes;
}

/// A linalg.generic over a result of `type` (all loops parallel) reading
/// `operands` broadcast; `body` maps their elements to the result's.
FailureOr<Value>
broadcastGeneric(OpBuilder &b, Location loc, Operation *op,
                 RankedTensorType type, ValueRange operands,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  FailureOr<SmallVector<OpFoldResult>> sizes =
      broadcastSizes(b, loc, op, type, operands);
  if (failed(sizes))
    return failure();
  for (Value v : operands)
    if (ranked(v).getRank() > type.getRank())
      return op->emitOpError()
             << "cannot be compiled: operand of rank " << ranked(v).getRank()
             << " for a result of rank " << type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(ctx, ranked(v), type));
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  Value init = emptyTensor(b, loc, *sizes, type.getElementType());
  return parallelGeneric(b, loc, operands, init, maps,
                         [&](OpBuilder &nb, Location l, ValueRange args) {
                           linalg::YieldOp::create(
                               nb, l, body(nb, l, args.drop_back()));
                         });
}

/// Converts a scalar between element types as ONNX's Cast does: float to
/// integer truncates toward zero, anything to bool is `!= 0`, bool to a
/// number is 0 or 1.
Value convertScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0.0);
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return castFloat(b, loc, v, to);
  if (isa<FloatType>(to))
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, v))
                             : Value(arith::SIToFPOp::create(b, loc, to, v));
  if (isa<FloatType>(from))
    return arith::FPToSIOp::create(b, loc, to, v);
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (toWidth < fromWidth)
    return arith::TruncIOp::create(b, loc, to, v);
  return from.isInteger(1) ? Value(arith::ExtUIOp::create(b, loc, to, v))
                           : Value(arith::ExtSIOp::create(b, loc, to, v));
}

/// The reassociation between a shape and the same shape with unit
/// dimensions inserted at `inserted` (positions in the larger one): each
/// kept dimension takes the inserted ones before it, the last one also
/// those after it.
SmallVector<ReassociationIndices>
unitReassociation(int64_t largeRank, ArrayRef<int64_t> inserted) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  for (int64_t d = 0; d < largeRank; ++d) {
    current.push_back(d);
    if (!llvm::is_contained(inserted, d)) {
      groups.push_back(current);
      current.clear();
    }
  }
  if (!current.empty() && !groups.empty())
    groups.back().append(current.begin(), current.end());
  return groups;
}

/// `value` with unit dimensions inserted at `inserted` to make `type`.
Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type, ArrayRef<int64_t> inserted) {
  if (ranked(value).getRank() == type.getRank())
    return value;
  return tensor::ExpandShapeOp::create(
      b, loc, type, value, unitReassociation(type.getRank(), inserted));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

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

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// A multiply-accumulate body in `acc`'s type.
Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  Type t = acc.getType();
  if (isa<FloatType>(t)) {
    Value p = arith::MulFOp::create(b, loc, castFloat(b, loc, x, t),
                                    castFloat(b, loc, y, t));
    return arith::AddFOp::create(b, loc, acc, p);
  }
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, x, y));
}

/// The type products accumulate in: f32 at least for floats.
Type productAccumulator(Type elt) {
  return isa<FloatType>(elt) ? Type(accumulatorType(elt)) : elt;
}

/// MatMul as numpy.matmul: a 1-D operand is a vector (a unit dimension
/// added, then dropped from the result), batch dimensions broadcast.
Lowered lowerMatMul(OpBuilder &b, onnxir::MatMulOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value lhs = op.getA(), rhs = op.getB();
  RankedTensorType lhsType = ranked(lhs), rhsType = ranked(rhs);
  auto resultType = cast<RankedTensorType>(op.getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return op.emitOpError("cannot be compiled: MatMul of a 0-D tensor");
  // Vectors as matrices.
  bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
  if (lhsVector) {
    lhsType = RankedTensorType::get({1, lhsType.getDimSize(0)},
                                    lhsType.getElementType());
    lhs = insertUnitDims(b, loc, lhs, lhsType, {0});
  }
  if (rhsVector) {
    rhsType = RankedTensorType::get({rhsType.getDimSize(0), 1},
                                    rhsType.getElementType());
    rhs = insertUnitDims(b, loc, rhs, rhsType, {1});
  }
  int64_t batch = std::max(lhsType.getRank(), rhsType.getRank()) - 2;
  int64_t n = batch + 3; // batch..., m, n, k
  // The full result [batch..., M, N], before vectors drop their dimension.
  SmallVector<int64_t> full;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < batch; ++d) {
    int64_t li = d - (batch - (lhsType.getRank() - 2));
    int64_t ri = d - (batch - (rhsType.getRank() - 2));
    int64_t ls = li >= 0 ? lhsType.getDimSize(li) : 1;
    int64_t rs = ri >= 0 ? rhsType.getDimSize(ri) : 1;
    Value source = ls != 1 ? lhs : rhs;
    int64_t at = ls != 1 ? li : ri;
    int64_t size = ls != 1 ? ls : rs;
    full.push_back(size);
    sizes.push_back(
        ShapedType::isDynamic(size)
            ? OpFoldResult(
                  tensor::DimOp::create(b, loc, source, at).getResult())
            : OpFoldResult(b.getIndexAttr(size)));
  }
  auto dimSize = [&](Value v, RankedTensorType t, int64_t d) -> OpFoldResult {
    if (t.isDynamicDim(d))
      return tensor::DimOp::create(b, loc, v, d).getResult();
    return b.getIndexAttr(t.getDimSize(d));
  };
  full.push_back(lhsType.getDimSize(lhsType.getRank() - 2));
  full.push_back(rhsType.getDimSize(rhsType.getRank() - 1));
  sizes.push_back(dimSize(lhs, lhsType, lhsType.getRank() - 2));
  sizes.push_back(dimSize(rhs, rhsType, rhsType.getRank() - 1));

  // Maps over (batch..., m, n, k).
  auto operandMap = [&](RankedTensorType t, bool isLhs) {
    SmallVector<AffineExpr> exprs;
    int64_t r = t.getRank();
    for (int64_t i = 0; i < r - 2; ++i) {
      int64_t d = batch - (r - 2) + i;
      bool broadcast = t.getDimSize(i) == 1 && full[d] != 1;
      exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(d, ctx));
    }
    AffineExpr m = getAffineDimExpr(batch, ctx),
               nn = getAffineDimExpr(batch + 1, ctx),
               k = getAffineDimExpr(batch + 2, ctx);
    exprs.push_back(isLhs ? m : k);
    exprs.push_back(isLhs ? k : nn);
    return AffineMap::get(n, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < batch + 2; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {operandMap(lhsType, true),
                                 operandMap(rhsType, false),
                                 AffineMap::get(n, 0, outExprs, ctx)};
  SmallVector<IteratorType> iterators(n - 1, IteratorType::parallel);
  iterators.push_back(IteratorType::reduction);
  Type elt = resultType.getElementType();
  Type acc = productAccumulator(elt);
  Value init = filled(b, loc, sizes, acc, 0.0);
  Value product =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps, iterators,
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(
                nb, l, multiplyAdd(nb, l, args[0], args[1], args[2]));
          })
          .getResult(0);
  // Back to the element type, without the vectors' unit dimensions.
  RankedTensorType fullType = RankedTensorType::get(full, elt);
  Value result = castTensor(b, loc, product, fullType);
  SmallVector<int64_t> dropped;
  if (lhsVector)
    dropped.push_back(batch);
  if (rhsVector)
    dropped.push_back(batch + 1);
  if (!dropped.empty())
    result = tensor::CollapseShapeOp::create(
        b, loc, resultType, result,
        unitReassociation(fullType.getRank(), dropped));
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return SmallVector<Value>{result};
}

/// Gemm: alpha A' B' + beta C in one contraction and one broadcast map.
Lowered lowerGemm(OpBuilder &b, onnxir::GemmOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(op.getType());
  Type elt = resultType.getElementType();
  Type acc = productAccumulator(elt);
  bool transA = op.getTransA() != 0, transB = op.getTransB() != 0;
  Value a = op.getA(), bm = op.getB();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> maps = {
      AffineMap::get(3, 0,
                     transA ? ArrayRef<AffineExpr>{k, m}
                            : ArrayRef<AffineExpr>{m, k},
                     ctx),
      AffineMap::get(3, 0,
                     transB ? ArrayRef<AffineExpr>{n, k}
                            : ArrayRef<AffineExpr>{k, n},
                     ctx),
      AffineMap::get(3, 0, {m, n}, ctx)};
  SmallVector<OpFoldResult> sizes = {
      transA ? OpFoldResult(getSizes(b, loc, a)[1]) : getSizes(b, loc, a)[0],
      transB ? OpFoldResult(getSizes(b, loc, bm)[0]) : getSizes(b, loc, bm)[1]};
  Value init = filled(b, loc, sizes, acc, 0.0);
  Value product =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{a, bm}, init, maps,
          {IteratorType::parallel, IteratorType::parallel,
           IteratorType::reduction},
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(
                nb, l, multiplyAdd(nb, l, args[0], args[1], args[2]));
          })
          .getResult(0);
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  SmallVector<Value> operands = {product};
  bool hasC = !isNone(op.getC()) && beta != 0.0;
  if (hasC)
    operands.push_back(op.getC());
  FailureOr<Value> result = broadcastGeneric(
      b, loc, op, resultType, operands,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value y = args[0];
        bool isFloat = isa<FloatType>(acc);
        if (alpha != 1.0)
          y = isFloat ? Value(arith::MulFOp::create(
                            nb, l, y, scalarConstant(nb, l, acc, alpha)))
                      : Value(arith::MulIOp::create(
                            nb, l, y, scalarConstant(nb, l, acc, alpha)));
        if (hasC) {
          Value c = convertScalar(nb, l, args[1], acc);
          if (beta != 1.0)
            c = isFloat ? Value(arith::MulFOp::create(
                              nb, l, c, scalarConstant(nb, l, acc, beta)))
                        : Value(arith::MulIOp::create(
                              nb, l, c, scalarConstant(nb, l, acc, beta)));
          y = isFloat ? Value(arith::AddFOp::create(nb, l, y, c))
                      : Value(arith::AddIOp::create(nb, l, y, c));
        }
        return convertScalar(nb, l, y, elt);
      });
  if (failed(result))
    return failure();
  return SmallVector<Value>{*result};
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The axes a Reduce* op reduces, normalized and sorted; none for an
/// identity (empty axes with noop_with_empty_axes).
template <typename ReduceOp>
FailureOr<std::optional<SmallVector<int64_t>>> reducedAxes(ReduceOp op) {
  int64_t rank = ranked(op.getData()).getRank();
  SmallVector<int64_t> axes;
  if (!isNone(op.getAxes())) {
    std::optional<SmallVector<int64_t>> given =
        onnxir::constantInts(op.getAxes());
    if (!given)
      return op.emitOpError("cannot be compiled: its axes are not a constant");
    for (int64_t a : *given) {
      FailureOr<int64_t> axis = axisOf(op, a, rank);
      if (failed(axis))
        return failure();
      if (!llvm::is_contained(axes, *axis))
        axes.push_back(*axis);
    }
  }
  if (axes.empty()) {
    if (op.getNoopWithEmptyAxes() != 0)
      return std::optional<SmallVector<int64_t>>();
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  llvm::sort(axes);
  return std::optional<SmallVector<int64_t>>(axes);
}

/// A reduction of `input` over `axes` into a tensor of its shape without
/// them, in `acc`, starting from `init`; `rows` (shaped like the result)
/// are read at the element's position. `combine(x, rows, acc)`.
Value reduceAxes(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Type acc,
    double init, ValueRange rows,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange, Value)>
        combine) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = ranked(input).getRank();
  SmallVector<OpFoldResult> inSizes = getSizes(b, loc, input), outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? IteratorType::reduction
                                : IteratorType::parallel);
    if (!reduced) {
      outSizes.push_back(inSizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  maps.append(rows.size() + 1, outMap);
  Value start = filled(b, loc, outSizes, acc, init);
  SmallVector<Value> inputs = {input};
  inputs.append(rows.begin(), rows.end());
  return linalg::GenericOp::create(
             b, loc, start.getType(), inputs, start, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l,
                                       combine(nb, l, args.front(),
                                               args.slice(1, rows.size()),
                                               args.back()));
             })
      .getResult(0);
}

/// The result of a reduction over `axes` (shaped without them, in `acc`)
/// as `type`: keepdims puts them back as unit dimensions.
Value finishReduction(OpBuilder &b, Location loc, Value reduced,
                      RankedTensorType type, ArrayRef<int64_t> axes,
                      bool keepDims) {
  auto reducedType = ranked(reduced);
  Value cast = castTensor(
      b, loc, reduced,
      RankedTensorType::get(reducedType.getShape(), type.getElementType()));
  if (keepDims)
    cast = insertUnitDims(b, loc, cast,
                          RankedTensorType::get(
                              [&] {
                                SmallVector<int64_t> shape;
                                int64_t r = 0;
                                for (int64_t d = 0; d < type.getRank(); ++d)
                                  shape.push_back(
                                      llvm::is_contained(axes, d)
                                          ? 1
                                          : reducedType.getDimSize(r++));
                                return shape;
                              }(),
                              type.getElementType()),
                          axes);
  if (cast.getType() != type)
    cast = tensor::CastOp::create(b, loc, type, cast);
  return cast;
}

template <typename ReduceOp> Lowered lowerReduce(OpBuilder &b, ReduceOp op) {
  Location loc = op.getLoc();
  auto axesOr = reducedAxes(op);
  if (failed(axesOr))
    return failure();
  Value data = op.getData();
  auto type = cast<RankedTensorType>(op.getType());
  if (!*axesOr) {
    Value same = data;
    if (same.getType() != type)
      same = tensor::CastOp::create(b, loc, type, same);
    return SmallVector<Value>{same};
  }
  ArrayRef<int64_t> axes = **axesOr;
  Type elt = ranked(data).getElementType();
  bool isFloat = isa<FloatType>(elt);
  Type acc = isFloat ? Type(accumulatorType(elt)) : elt;
  bool keep = op.getKeepdims() != 0;
  auto add = [&](OpBuilder &nb, Location l, Value x, ValueRange,
                 Value a) -> Value {
    x = convertScalar(nb, l, x, acc);
    return isFloat ? Value(arith::AddFOp::create(nb, l, a, x))
                   : Value(arith::AddIOp::create(nb, l, a, x));
  };
  Value reduced;
  if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceMaxOp>) {
    reduced = reduceAxes(
        b, loc, data, axes, acc, lowestOf(elt), {},
        [&](OpBuilder &nb, Location l, Value x, ValueRange, Value a) -> Value {
          x = convertScalar(nb, l, x, acc);
          return isFloat ? Value(arith::MaximumFOp::create(nb, l, a, x))
                         : Value(arith::MaxSIOp::create(nb, l, a, x));
        });
  } else if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceLogSumExpOp>) {
    if (!isFloat)
      return op.emitOpError() << "cannot be compiled: it needs floating-point "
                                 "elements, got "
                              << elt;
    // max, then log(sum(exp(x - max))) + max with an infinite max taken as
    // 0 (a slice of -inf gives -inf, not NaN).
    Value max = reduceAxes(
        b, loc, data, axes, acc, -std::numeric_limits<double>::infinity(), {},
        [&](OpBuilder &nb, Location l, Value x, ValueRange, Value a) -> Value {
          return arith::MaximumFOp::create(nb, l, a, castFloat(nb, l, x, acc));
        });
    auto safe = [&](OpBuilder &nb, Location l, Value m) -> Value {
      Value inf = constF(nb, l, acc, std::numeric_limits<double>::infinity());
      Value isInf = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                          math::AbsFOp::create(nb, l, m), inf);
      return arith::SelectOp::create(nb, l, isInf, constF(nb, l, acc, 0.0), m);
    };
    Value sum =
        reduceAxes(b, loc, data, axes, acc, 0.0, max,
                   [&](OpBuilder &nb, Location l, Value x, ValueRange rows,
                       Value a) -> Value {
                     Value shifted = arith::SubFOp::create(
                         nb, l, castFloat(nb, l, x, acc), safe(nb, l, rows[0]));
                     return arith::AddFOp::create(
                         nb, l, a, math::ExpOp::create(nb, l, shifted));
                   });
    AffineMap id = b.getMultiDimIdentityMap(ranked(sum).getRank());
    reduced = parallelGeneric(
        b, loc, ValueRange{sum, max},
        emptyTensor(b, loc, getSizes(b, loc, sum), acc), {id, id, id},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(
              nb, l,
              Value(arith::AddFOp::create(nb, l,
                                          math::LogOp::create(nb, l, args[0]),
                                          safe(nb, l, args[1]))));
        });
  } else {
    reduced = reduceAxes(b, loc, data, axes, acc, 0.0, {}, add);
    if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceMeanOp>) {
      // Divided by the number of reduced elements.
      IndexMath im{b, loc};
      Value count = im.c(1);
      for (int64_t a : axes)
        count = arith::MulIOp::create(b, loc, count, im.dim(data, a));
      Value countI64 =
          arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
      AffineMap id = b.getMultiDimIdentityMap(ranked(reduced).getRank());
      reduced = parallelGeneric(
          b, loc, reduced, emptyTensor(b, loc, getSizes(b, loc, reduced), acc),
          {id, id}, [&](OpBuilder &nb, Location l, ValueRange args) {
            Value n = convertScalar(nb, l, countI64, acc);
            linalg::YieldOp::create(
                nb, l,
                isFloat ? Value(arith::DivFOp::create(nb, l, args[0], n))
                        : Value(arith::DivSIOp::create(nb, l, args[0], n)));
          });
    }
  }
  return SmallVector<Value>{finishReduction(b, loc, reduced, type, axes, keep)};
}

/// ArgMax: the first index of the largest element (the last with
/// select_last_index), a NaN counting as the largest.
Lowered lowerArgMax(OpBuilder &b, onnxir::ArgMaxOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value data = op.getData();
  RankedTensorType dataType = ranked(data);
  int64_t rank = dataType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  Type elt = dataType.getElementType();
  bool isFloat = isa<FloatType>(elt);
  bool last = op.getSelectLastIndex() != 0;
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, data), outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == *axis ? IteratorType::reduction
                                   : IteratorType::parallel);
    if (d != *axis) {
      outSizes.push_back(sizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  Value best = filled(b, loc, outSizes, elt, lowestOf(elt));
  Value index = filled(b, loc, outSizes, b.getI64Type(), -1);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{best.getType(), index.getType()}, data,
      ValueRange{best, index}, {b.getMultiDimIdentityMap(rank), outMap, outMap},
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0], m = args[1], i = args[2];
        Value at = arith::IndexCastOp::create(
            nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, *axis));
        Value first =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                  arith::ConstantIntOp::create(nb, l, 0, 64));
        Value better;
        if (isFloat) {
          // A NaN wins over numbers; between NaNs the first (or last).
          Value xNan =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, x, x);
          Value mNan =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, m, m);
          Value cmp = arith::CmpFOp::create(nb, l,
                                            last ? arith::CmpFPredicate::OGE
                                                 : arith::CmpFPredicate::OGT,
                                            x, m);
          Value nanWins = arith::AndIOp::create(
              nb, l, xNan,
              last ? Value(arith::ConstantIntOp::create(nb, l, 1, 1))
                   : arith::XOrIOp::create(
                         nb, l, mNan, arith::ConstantIntOp::create(nb, l, 1, 1))
                         .getResult());
          Value numberWins = arith::AndIOp::create(
              nb, l, cmp,
              arith::XOrIOp::create(nb, l, mNan,
                                    arith::ConstantIntOp::create(nb, l, 1, 1)));
          better = arith::OrIOp::create(nb, l, nanWins, numberWins);
        } else {
          better = arith::CmpIOp::create(nb, l,
                                         last ? arith::CmpIPredicate::sge
                                              : arith::CmpIPredicate::sgt,
                                         x, m);
        }
        better = arith::OrIOp::create(nb, l, better, first);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, x, m),
                       arith::SelectOp::create(nb, l, better, at, i)});
      });
  auto type = cast<RankedTensorType>(op.getType());
  return SmallVector<Value>{finishReduction(b, loc, generic.getResult(1), type,
                                            {*axis}, op.getKeepdims() != 0)};
}

/// LayerNormalization over dimensions axis.. in the accumulator type: the
/// mean, the variance of x - mean, then (x - mean) / sqrt(var + eps) *
/// Scale + B; Mean and InvStdDev keep the normalized dimensions as 1.
Lowered lowerLayerNorm(OpBuilder &b, onnxir::LayerNormalizationOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value x = op.getX();
  RankedTensorType xType = ranked(x);
  int64_t rank = xType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  Type elt = xType.getElementType();
  if (!isa<FloatType>(elt))
    return op.emitOpError("cannot be compiled: it needs floating-point "
                          "elements");
  Type acc = accumulatorType(elt);
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
  IndexMath im{b, loc};
  Value count = im.c(1);
  for (int64_t a : axes)
    count = arith::MulIOp::create(b, loc, count, im.dim(x, a));
  Value countF = arith::SIToFPOp::create(
      b, loc, acc, arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
  auto sum = [&](OpBuilder &nb, Location l, Value v, ValueRange,
                 Value a) -> Value {
    return arith::AddFOp::create(nb, l, a, castFloat(nb, l, v, acc));
  };
  Value total = reduceAxes(b, loc, x, axes, acc, 0.0, {}, sum);
  AffineMap rowId = b.getMultiDimIdentityMap(*axis);
  Value mean = parallelGeneric(
      b, loc, total, emptyTensor(b, loc, getSizes(b, loc, total), acc),
      {rowId, rowId}, [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, Value(arith::DivFOp::create(nb, l, args[0], countF)));
      });
  Value squares = reduceAxes(
      b, loc, x, axes, acc, 0.0, mean,
      [&](OpBuilder &nb, Location l, Value v, ValueRange rows,
          Value a) -> Value {
        Value d =
            arith::SubFOp::create(nb, l, castFloat(nb, l, v, acc), rows[0]);
        return arith::AddFOp::create(nb, l, a,
                                     arith::MulFOp::create(nb, l, d, d));
      });
  double eps = op.getEpsilon().convertToDouble();
  Value invStd = parallelGeneric(
      b, loc, squares, emptyTensor(b, loc, getSizes(b, loc, squares), acc),
      {rowId, rowId}, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value var = arith::DivFOp::create(nb, l, args[0], countF);
        linalg::YieldOp::create(
            nb, l,
            Value(math::RsqrtOp::create(
                nb, l,
                arith::AddFOp::create(nb, l, var, constF(nb, l, acc, eps)))));
      });
  // Y over x's shape: rows read at the leading dimensions, Scale and B
  // broadcast against the normalized ones.
  SmallVector<AffineExpr> rowExprs;
  for (int64_t d = 0; d < *axis; ++d)
    rowExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap rowMap = AffineMap::get(rank, 0, rowExprs, ctx);
  auto yType = cast<RankedTensorType>(op.getY().getType());
  SmallVector<Value> inputs = {x, mean, invStd, op.getScale()};
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank), rowMap, rowMap,
      broadcastMap(ctx, ranked(op.getScale()), xType)};
  bool hasBias = !isNone(op.getB());
  if (hasBias) {
    inputs.push_back(op.getB());
    maps.push_back(broadcastMap(ctx, ranked(op.getB()), xType));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value y = parallelGeneric(
      b, loc, inputs,
      emptyTensor(b, loc, getSizes(b, loc, x), yType.getElementType()), maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value v = arith::SubFOp::create(nb, l, castFloat(nb, l, args[0], acc),
                                        args[1]);
        v = arith::MulFOp::create(nb, l, v, args[2]);
        v = arith::MulFOp::create(nb, l, v, castFloat(nb, l, args[3], acc));
        if (hasBias)
          v = arith::AddFOp::create(nb, l, v, castFloat(nb, l, args[4], acc));
        linalg::YieldOp::create(nb, l,
                                castFloat(nb, l, v, yType.getElementType()));
      });
  if (y.getType() != yType)
    y = tensor::CastOp::create(b, loc, yType, y);
  SmallVector<Value> results = {y};
  for (auto [stat, result] :
       llvm::zip(ArrayRef<Value>{mean, invStd},
                 ArrayRef<Value>{op.getMean(), op.getInvStdDev()})) {
    if (isNone(result)) {
      results.push_back(Value()); // An absent output has no uses.
      continue;
    }
    results.push_back(finishReduction(
        b, loc, stat, cast<RankedTensorType>(result.getType()), axes, true));
  }
  return results;
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

Lowered lowerConstant(OpBuilder &b, onnxir::ConstantOp op) {
  auto value = dyn_cast<TypedAttr>(op.getValue());
  if (!value)
    return op.emitOpError("cannot be compiled: its value is no typed "
                          "attribute");
  Value c = arith::ConstantOp::create(b, op.getLoc(), value);
  if (c.getType() != op.getType())
    c = tensor::CastOp::create(b, op.getLoc(), op.getType(), c);
  return SmallVector<Value>{c};
}

/// A constant tensor of `type` filled with `value`'s one element.
Lowered lowerConstantOfShape(OpBuilder &b, onnxir::ConstantOfShapeOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  if (!type.hasStaticShape())
    return op.emitOpError()
           << "cannot be compiled: its shape " << type << " is not static";
  Attribute element = b.getZeroAttr(type.getElementType());
  if (auto value = op.getValueAttr()) {
    auto dense = dyn_cast<DenseElementsAttr>(value);
    if (!dense || dense.getNumElements() != 1)
      return op.emitOpError("cannot be compiled: its value is not one "
                            "element");
    element = dense.getValues<Attribute>()[0];
  }
  return SmallVector<Value>{arith::ConstantOp::create(
      b, op.getLoc(), DenseElementsAttr::get(type, element))};
}

Lowered lowerShape(OpBuilder &b, onnxir::ShapeOp op) {
  Location loc = op.getLoc();
  RankedTensorType dataType = ranked(op.getData());
  int64_t rank = dataType.getRank();
  auto clampDim = [&](int64_t d) {
    if (d < 0)
      d += rank;
    return std::clamp<int64_t>(d, 0, rank);
  };
  int64_t start = clampDim(op.getStart());
  int64_t end = op.getEnd() ? clampDim(*op.getEnd()) : rank;
  SmallVector<Value> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(arith::IndexCastOp::create(
        b, loc, b.getI64Type(), IndexMath{b, loc}.dim(op.getData(), d)));
  auto type = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                    b.getI64Type());
  Value shape = tensor::FromElementsOp::create(b, loc, type, dims);
  if (shape.getType() != op.getType())
    shape = tensor::CastOp::create(b, loc, op.getType(), shape);
  return SmallVector<Value>{shape};
}

Lowered lowerTranspose(OpBuilder &b, onnxir::TransposeOp op) {
  Location loc = op.getLoc();
  RankedTensorType dataType = ranked(op.getData());
  int64_t rank = dataType.getRank();
  SmallVector<int64_t> perm;
  if (auto given = op.getPerm())
    perm = llvm::map_to_vector(given->getAsValueRange<IntegerAttr>(),
                               [](const APInt &i) { return i.getSExtValue(); });
  else
    perm = llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank)));
  SmallVector<OpFoldResult> inSizes = getSizes(b, loc, op.getData()), sizes;
  for (int64_t p : perm)
    sizes.push_back(inSizes[p]);
  Value init = emptyTensor(b, loc, sizes, dataType.getElementType());
  Value t = linalg::TransposeOp::create(b, loc, op.getData(), init, perm)
                .getResult()[0];
  if (t.getType() != op.getType())
    t = tensor::CastOp::create(b, loc, op.getType(), t);
  return SmallVector<Value>{t};
}

/// Reshape and the other ops whose result is the input's elements in a
/// static shape: tensor.reshape to the result type.
Lowered reshapeTo(OpBuilder &b, Operation *op, Value input) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.hasStaticShape())
    return op->emitOpError() << "cannot be compiled: its result shape " << type
                             << " is not static";
  auto shapeType = RankedTensorType::get({type.getRank()}, b.getIndexType());
  SmallVector<Attribute> dims =
      llvm::map_to_vector(type.getShape(), [&](int64_t d) -> Attribute {
        return b.getIndexAttr(d);
      });
  Value shape = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(shapeType, dims));
  return SmallVector<Value>{
      tensor::ReshapeOp::create(b, loc, type, input, shape).getResult()};
}

/// Unsqueeze and Squeeze: unit dimensions inserted or removed.
Lowered lowerUnitDims(OpBuilder &b, Operation *op, Value data, Value axesValue,
                      bool insert) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  RankedTensorType dataType = ranked(data);
  RankedTensorType large = insert ? type : dataType;
  SmallVector<int64_t> axes;
  if (isNone(axesValue)) {
    for (int64_t d = 0; d < dataType.getRank(); ++d)
      if (dataType.getDimSize(d) == 1)
        axes.push_back(d);
  } else {
    std::optional<SmallVector<int64_t>> given = onnxir::constantInts(axesValue);
    if (!given)
      return op->emitOpError("cannot be compiled: its axes are not a "
                             "constant");
    for (int64_t a : *given) {
      FailureOr<int64_t> axis = axisOf(op, a, large.getRank());
      if (failed(axis))
        return failure();
      axes.push_back(*axis);
    }
  }
  for (int64_t a : axes)
    if (!insert && dataType.isDynamicDim(a))
      return op->emitOpError() << "cannot be compiled: dimension " << a
                               << " to squeeze is dynamic";
  Value result;
  if (large.getRank() == 0 || (insert ? dataType : type).getRank() == 0) {
    // To or from a 0-D tensor: every dimension is a unit one.
    SmallVector<ReassociationIndices> none;
    result =
        insert
            ? Value(tensor::ExpandShapeOp::create(b, loc, type, data, none))
            : Value(tensor::CollapseShapeOp::create(b, loc, type, data, none));
  } else if (insert) {
    result = tensor::ExpandShapeOp::create(
        b, loc, type, data, unitReassociation(type.getRank(), axes));
  } else {
    result = tensor::CollapseShapeOp::create(
        b, loc, type, data, unitReassociation(dataType.getRank(), axes));
  }
  return SmallVector<Value>{result};
}

/// The positions of a slice along one axis of static size `size`, clamped
/// as ONNX's Slice does.
struct SliceRange {
  int64_t start, size, step;
};

SliceRange clampSlice(int64_t start, int64_t end, int64_t step, int64_t size) {
  auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0)
      v += size;
    return std::clamp(v, lo, hi);
  };
  if (step > 0) {
    start = clamp(start, 0, size);
    end = clamp(end, 0, size);
    return {start, std::max<int64_t>(0, (end - start + step - 1) / step), step};
  }
  start = clamp(start, 0, size - 1);
  end = clamp(end, -1, size - 1);
  return {start, std::max<int64_t>(0, (start - end - step - 1) / -step), step};
}

Lowered lowerSlice(OpBuilder &b, onnxir::SliceOp op) {
  Location loc = op.getLoc();
  RankedTensorType dataType = ranked(op.getData());
  int64_t rank = dataType.getRank();
  auto starts = onnxir::constantInts(op.getStarts()),
       ends = onnxir::constantInts(op.getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (!isNone(op.getAxes()))
    axes = onnxir::constantInts(op.getAxes());
  else
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts ? starts->size() : 0));
  if (!isNone(op.getSteps()))
    steps = onnxir::constantInts(op.getSteps());
  else
    steps = SmallVector<int64_t>(starts ? starts->size() : 0, 1);
  if (!starts || !ends || !axes || !steps)
    return op.emitOpError("cannot be compiled: its starts, ends, axes and "
                          "steps must be constants");
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size())
    return op.emitOpError("cannot be compiled: starts, ends, axes and steps "
                          "differ in length");
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, op.getData());
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  for (auto [s, e, a, st] : llvm::zip(*starts, *ends, *axes, *steps)) {
    FailureOr<int64_t> axis = axisOf(op, a, rank);
    if (failed(axis))
      return failure();
    if (st == 0)
      return op.emitOpError("cannot be compiled: a step is 0");
    if (dataType.isDynamicDim(*axis))
      return op.emitOpError() << "cannot be compiled: dimension " << *axis
                              << " to slice is dynamic";
    if (st < 0)
      return op.emitOpError("cannot be compiled: negative steps are not "
                            "supported");
    SliceRange r = clampSlice(s, e, st, dataType.getDimSize(*axis));
    offsets[*axis] = b.getIndexAttr(r.start);
    sizes[*axis] = b.getIndexAttr(r.size);
    strides[*axis] = b.getIndexAttr(r.step);
  }
  Value slice = tensor::ExtractSliceOp::create(b, loc, op.getData(), offsets,
                                               sizes, strides);
  if (slice.getType() != op.getType())
    slice = tensor::CastOp::create(b, loc, op.getType(), slice);
  return SmallVector<Value>{slice};
}

Lowered lowerSplit(OpBuilder &b, onnxir::SplitOp op) {
  Location loc = op.getLoc();
  RankedTensorType inType = ranked(op.getInput());
  int64_t rank = inType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  // The parts' sizes come from the result types, which shape inference
  // derived from `split` or num_outputs.
  SmallVector<Value> results;
  int64_t offset = 0;
  for (Value result : op.getOutputs()) {
    auto type = cast<RankedTensorType>(result.getType());
    if (type.isDynamicDim(*axis))
      return op.emitOpError("cannot be compiled: the sizes of its parts are "
                            "not static");
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = getSizes(b, loc, op.getInput());
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    offsets[*axis] = b.getIndexAttr(offset);
    sizes[*axis] = b.getIndexAttr(type.getDimSize(*axis));
    offset += type.getDimSize(*axis);
    Value part = tensor::ExtractSliceOp::create(b, loc, op.getInput(), offsets,
                                                sizes, strides);
    if (part.getType() != type)
      part = tensor::CastOp::create(b, loc, type, part);
    results.push_back(part);
  }
  return results;
}

Lowered lowerConcat(OpBuilder &b, onnxir::ConcatOp op) {
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  IndexMath im{b, loc};
  // The result's size along the axis: the sum of the inputs'.
  Value total = im.c(0);
  for (Value in : op.getInputs())
    total = im.add(total, im.dim(in, *axis));
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, op.getInputs().front());
  sizes[*axis] = total;
  Value result = emptyTensor(b, loc, sizes, type.getElementType());
  Value offset = im.c(0);
  for (Value in : op.getInputs()) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[*axis] = offset;
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    result = tensor::InsertSliceOp::create(b, loc, in, result, offsets,
                                           getSizes(b, loc, in), strides);
    offset = im.add(offset, im.dim(in, *axis));
  }
  if (result.getType() != type)
    result = tensor::CastOp::create(b, loc, type, result);
  return SmallVector<Value>{result};
}

/// An index element as an index into a dimension of size `size`, negative
/// counting from the end.
Value wrapIndex(OpBuilder &b, Location loc, Value index, Value size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                            arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, i, size), i);
}

/// Gather: result[outer..., idx..., inner...] = data[outer...,
/// indices[idx...], inner...].
Lowered lowerGather(OpBuilder &b, onnxir::GatherOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value data = op.getData(), indices = op.getIndices();
  RankedTensorType dataType = ranked(data), indexType = ranked(indices);
  int64_t rank = dataType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  auto type = cast<RankedTensorType>(op.getType());
  int64_t q = indexType.getRank();
  SmallVector<OpFoldResult> dataSizes = getSizes(b, loc, data),
                            indexSizes = getSizes(b, loc, indices), sizes;
  sizes.append(dataSizes.begin(), dataSizes.begin() + *axis);
  sizes.append(indexSizes.begin(), indexSizes.end());
  sizes.append(dataSizes.begin() + *axis + 1, dataSizes.end());
  int64_t n = rank - 1 + q;
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < q; ++d)
    indexExprs.push_back(getAffineDimExpr(*axis + d, ctx));
  Value axisSize = IndexMath{b, loc}.dim(data, *axis);
  Value init = emptyTensor(b, loc, sizes, type.getElementType());
  Value result = parallelGeneric(
      b, loc, indices, init,
      {AffineMap::get(n, 0, indexExprs, ctx), b.getMultiDimIdentityMap(n)},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> at;
        for (int64_t d = 0; d < *axis; ++d)
          at.push_back(linalg::IndexOp::create(nb, l, d));
        at.push_back(wrapIndex(nb, l, args[0], axisSize));
        for (int64_t d = *axis + 1; d < rank; ++d)
          at.push_back(linalg::IndexOp::create(nb, l, d - 1 + q));
        linalg::YieldOp::create(
            nb, l, Value(tensor::ExtractOp::create(nb, l, data, at)));
      });
  if (result.getType() != type)
    result = tensor::CastOp::create(b, loc, type, result);
  return SmallVector<Value>{result};
}

/// GatherElements: result[i] = data[i with its axis entry replaced by
/// indices[i]].
Lowered lowerGatherElements(OpBuilder &b, onnxir::GatherElementsOp op) {
  Location loc = op.getLoc();
  Value data = op.getData(), indices = op.getIndices();
  int64_t rank = ranked(data).getRank();
  std::optional<int64_t> axis = onnxir::normalizeAxis(op.getAxis(), rank);
  if (!axis || ranked(indices).getRank() != rank)
    return op.emitOpError("cannot be compiled: the axis or the indices' rank "
                          "does not fit the data");
  auto type = cast<RankedTensorType>(op.getType());
  Value axisSize = IndexMath{b, loc}.dim(data, *axis);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  Value result = parallelGeneric(
      b, loc, indices,
      emptyTensor(b, loc, getSizes(b, loc, indices), type.getElementType()),
      {id, id}, [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> at;
        for (int64_t d = 0; d < rank; ++d)
          at.push_back(d == *axis ? wrapIndex(nb, l, args[0], axisSize)
                                  : Value(linalg::IndexOp::create(nb, l, d)));
        linalg::YieldOp::create(
            nb, l, Value(tensor::ExtractOp::create(nb, l, data, at)));
      });
  if (result.getType() != type)
    result = tensor::CastOp::create(b, loc, type, result);
  return SmallVector<Value>{result};
}

/// Softmax and LogSoftmax become the attic ops, which the reference
/// lowering or a form computes.
template <typename AtticOp, typename OnnxOp>
Lowered lowerSoftmax(OpBuilder &b, OnnxOp op) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  if (!isa<FloatType>(ranked(input).getElementType()))
    return op.emitOpError("cannot be compiled: it needs floating-point "
                          "elements");
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), ranked(input).getRank());
  if (failed(axis))
    return failure();
  Value result = AtticOp::create(b, loc, input.getType(), input,
                                 b.getI64IntegerAttr(*axis));
  if (result.getType() != op.getType())
    result = tensor::CastOp::create(b, loc, op.getType(), result);
  return SmallVector<Value>{result};
}

/// The lowering of `op`, an onnx op.
Lowered lowerOp(OpBuilder &b, Operation *op) {
  using namespace onnxir;
  if (isa<NoneOp>(op))
    return SmallVector<Value>{}; // Removed once nothing uses it.
  if (auto node = dyn_cast<NodeOp>(op)) {
    std::string type = node.getOpType().str();
    if (!node.getDomain().empty())
      type = node.getDomain().str() + "." + type;
    return op->emitError() << "the ONNX operator '" << type
                           << "' is not supported for compilation";
  }
  if (failed(checkTypes(op)))
    return failure();
  if (isElementwise(op))
    return lowerElementwise(b, op);
  return TypeSwitch<Operation *, Lowered>(op)
      .Case([&](IdentityOp o) -> Lowered {
        Value v = o.getInput();
        if (v.getType() != o.getType())
          v = tensor::CastOp::create(b, o.getLoc(), o.getType(), v);
        return SmallVector<Value>{v};
      })
      .Case([&](ConstantOp o) { return lowerConstant(b, o); })
      .Case([&](ConstantOfShapeOp o) { return lowerConstantOfShape(b, o); })
      .Case([&](ShapeOp o) { return lowerShape(b, o); })
      .Case([&](WhereOp o) { return lowerWhere(b, o); })
      .Case([&](CastOp o) { return lowerCast(b, o); })
      .Case([&](ExpandOp o) { return lowerExpand(b, o); })
      .Case([&](TriluOp o) { return lowerTrilu(b, o); })
      .Case([&](MatMulOp o) { return lowerMatMul(b, o); })
      .Case([&](GemmOp o) { return lowerGemm(b, o); })
      .Case([&](ReduceSumOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceMeanOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceMaxOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceLogSumExpOp o) { return lowerReduce(b, o); })
      .Case([&](ArgMaxOp o) { return lowerArgMax(b, o); })
      .Case([&](LayerNormalizationOp o) { return lowerLayerNorm(b, o); })
      .Case([&](TransposeOp o) { return lowerTranspose(b, o); })
      .Case([&](ReshapeOp o) { return reshapeTo(b, o, o.getData()); })
      .Case([&](UnsqueezeOp o) {
        return lowerUnitDims(b, o, o.getData(), o.getAxes(), true);
      })
      .Case([&](SqueezeOp o) {
        return lowerUnitDims(b, o, o.getData(), o.getAxes(), false);
      })
      .Case([&](SliceOp o) { return lowerSlice(b, o); })
      .Case([&](SplitOp o) { return lowerSplit(b, o); })
      .Case([&](ConcatOp o) { return lowerConcat(b, o); })
      .Case([&](GatherOp o) { return lowerGather(b, o); })
      .Case([&](GatherElementsOp o) { return lowerGatherElements(b, o); })
      .Case([&](onnxir::SoftmaxOp o) {
        return lowerSoftmax<attic::SoftmaxOp>(b, o);
      })
      .Case([&](onnxir::LogSoftmaxOp o) {
        return lowerSoftmax<attic::LogSoftmaxOp>(b, o);
      })
      .Case([&](ErfOp o) -> Lowered {
        // A polynomial in f32 (below); f64 would need more terms.
        Type elt = ranked(o.getX()).getElementType();
        if (!isa<FloatType>(elt) || elt.isF64())
          return op->emitOpError()
                 << "cannot be compiled: Erf is computed in f32 only, got "
                 << elt;
        FailureOr<Value> result = broadcastGeneric(
            b, o.getLoc(), o, cast<RankedTensorType>(o.getType()), o.getX(),
            [](OpBuilder &nb, Location l, ValueRange args) {
              Value x = castFloat(nb, l, args[0], nb.getF32Type());
              return castFloat(nb, l, math::ErfOp::create(nb, l, x),
                               args[0].getType());
            });
        if (failed(result))
          return failure();
        return SmallVector<Value>{*result};
      })
      .Default([&](Operation *) -> Lowered {
        return op->emitOpError("cannot be compiled yet: raise it to an attic "
                               "op first (attic-raise-onnx) or rewrite it");
      });
}

} // namespace

LogicalResult mlir::attic::lowerONNX(RewriterBase &rewriter, Operation *root) {
  // Collected first: lowering inserts ops the walk must not visit.
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<onnxir::ONNXDialect>(op->getDialect()))
      ops.push_back(op);
  });
  SmallVector<Operation *> nones;
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    Lowered lowered = lowerOp(rewriter, op);
    if (failed(lowered))
      return failure();
    if (isa<onnxir::NoneOp>(op)) {
      nones.push_back(op);
      continue;
    }
    rewriter.replaceOp(op, *lowered);
  }
  for (Operation *none : nones) {
    if (!none->use_empty())
      return none->emitOpError("cannot be compiled: an absent value is still "
                               "used");
    rewriter.eraseOp(none);
  }
  // Erf as MLIR's f32 polynomial: LLVM has no error function to call.
  SmallVector<Operation *> erfs;
  root->walk([&](math::ErfOp op) { erfs.push_back(op); });
  if (erfs.empty())
    return success();
  RewritePatternSet patterns(root->getContext());
  populatePolynomialApproximateErfPattern(patterns);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingOps);
  return applyOpPatternsGreedily(erfs, std::move(patterns), config);
}
