//===- SimplifyShapes.cpp - Fold what exporters compute from shapes -------===//
//
// Exporters with dynamic axes write shapes, scales and masks as
// computations on `Shape`: a head size becomes
// Pow(Cast(Squeeze(Slice(Shape(v)))), 0.5), a head split
// Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), ..., [8], [-1])). With
// the symbolic shapes of every value (dialects/onnx/SymbolicShapes.h) this
// brings them to what raising matches, and what `compile` lowers:
//
//   1. an integer value whose elements are known constants becomes an
//      onnx.Constant (the head size, whatever the batch);
//   2. an op of constant operands and a small (or splat) result is
//      evaluated (Cast, Pow, Sqrt, Div, ConstantOfShape, Concat, ...);
//   3. a Reshape's target becomes a constant where each entry is known:
//      0 for a dimension copied from the input at the same place, -1 for
//      the one left (the shape still follows the input's dynamic axes);
//   4. result types take every dimension the analysis knows statically;
//   5. ops nothing reads any more are erased.
//
// Repeated until nothing changes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/SymbolicShapes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::attic {
#define GEN_PASS_DEF_SIMPLIFYONNXSHAPESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::onnxir;

namespace {

/// Results evaluated only up to this many elements (or when splat).
constexpr int64_t kMaxFolded = 1024;

/// A small tensor being evaluated: integers (and booleans) as int64,
/// floats as double.
struct Tensor {
  SmallVector<int64_t> shape;
  Type elt;
  SmallVector<double> values;
  bool splat = false;

  int64_t size() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  double at(int64_t i) const { return values[splat ? 0 : i]; }
};

std::optional<Tensor> tensorOf(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                        : DenseElementsAttr();
  if (!dense || !dense.getType().hasStaticShape())
    return std::nullopt;
  Tensor t;
  t.shape = llvm::to_vector(dense.getType().getShape());
  t.elt = dense.getElementType();
  t.splat = dense.isSplat();
  if (!t.splat && dense.getNumElements() > kMaxFolded)
    return std::nullopt;
  if (isa<FloatType>(t.elt)) {
    for (const APFloat &v : dense.getValues<APFloat>()) {
      t.values.push_back(v.convertToDouble());
      if (t.splat)
        break;
    }
  } else if (t.elt.isInteger(1)) {
    for (bool v : dense.getValues<bool>()) {
      t.values.push_back(v);
      if (t.splat)
        break;
    }
  } else if (isa<IntegerType>(t.elt)) {
    for (const APInt &v : dense.getValues<APInt>()) {
      t.values.push_back(static_cast<double>(v.getSExtValue()));
      if (t.splat)
        break;
    }
  } else {
    return std::nullopt;
  }
  return t;
}

/// The attribute of an evaluated tensor, or null when its values do not
/// fit (integers beyond 2^53 are not folded).
DenseElementsAttr attrOf(const Tensor &t) {
  auto type = RankedTensorType::get(t.shape, t.elt);
  int64_t n = t.splat ? 1 : t.size();
  if (isa<FloatType>(t.elt)) {
    auto ft = cast<FloatType>(t.elt);
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < n; ++i) {
      APFloat v(t.values[i]);
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return t.splat ? DenseElementsAttr::get(type, values[0])
                   : DenseElementsAttr::get(type, values);
  }
  unsigned width = t.elt.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < n; ++i) {
    double v = t.values[i];
    if (std::fabs(v) > 9007199254740992.0 || v != std::floor(v))
      return nullptr;
    values.push_back(APInt(width, static_cast<int64_t>(v), /*isSigned=*/true));
  }
  return t.splat ? DenseElementsAttr::get(type, values[0])
                 : DenseElementsAttr::get(type, values);
}

/// NumPy broadcasting of tensors, element by element through `fn`.
std::optional<Tensor> broadcast(ArrayRef<Tensor> in, Type elt,
                                function_ref<double(ArrayRef<double>)> fn) {
  Tensor out;
  out.elt = elt;
  size_t rank = 0;
  for (const Tensor &t : in)
    rank = std::max(rank, t.shape.size());
  out.shape.assign(rank, 1);
  for (const Tensor &t : in)
    for (size_t d = 0; d < t.shape.size(); ++d) {
      int64_t &o = out.shape[rank - t.shape.size() + d];
      int64_t s = t.shape[d];
      if (o != s && o != 1 && s != 1)
        return std::nullopt;
      o = o == 1 ? s : o;
    }
  out.splat = llvm::all_of(in, [](const Tensor &t) { return t.splat; });
  int64_t n = out.splat ? 1 : out.size();
  if (n > kMaxFolded)
    return std::nullopt;
  SmallVector<double> args(in.size());
  for (int64_t i = 0; i < n; ++i) {
    for (auto [k, t] : llvm::enumerate(in)) {
      if (t.splat) {
        args[k] = t.values[0];
        continue;
      }
      // The source index of output index i.
      int64_t rest = i, index = 0, stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        int64_t coord = rest % out.shape[d];
        rest /= out.shape[d];
        int64_t td = d - (rank - t.shape.size());
        if (td >= 0) {
          if (t.shape[td] != 1)
            index += coord * stride;
          stride *= t.shape[td];
        }
      }
      args[k] = t.values[index];
    }
    out.values.push_back(fn(args));
  }
  return out;
}

Type resultElt(Operation *op) {
  return getElementTypeOrSelf(op->getResult(0).getType());
}

/// Evaluates `op` on constant operands, when it is one of the ops folded.
std::optional<Tensor> evaluate(Operation *op) {
  if (op->getNumResults() != 1 || isa<ConstantOp>(op))
    return std::nullopt;
  SmallVector<Tensor> in;
  for (Value operand : op->getOperands()) {
    if (isa<NoneType>(operand.getType()))
      continue;
    std::optional<Tensor> t = tensorOf(operand);
    if (!t)
      return std::nullopt;
    in.push_back(std::move(*t));
  }
  Type elt = resultElt(op);
  if (!elt.isIntOrFloat())
    return std::nullopt;
  auto unary = [&](double (*fn)(double)) -> std::optional<Tensor> {
    return broadcast(in, elt, [&](ArrayRef<double> a) { return fn(a[0]); });
  };
  auto binary = [&](double (*fn)(double, double)) -> std::optional<Tensor> {
    return broadcast(in, elt,
                     [&](ArrayRef<double> a) { return fn(a[0], a[1]); });
  };
  bool isInt = !isa<FloatType>(elt);
  auto integral = [&](double v) { return isInt ? std::trunc(v) : v; };
  return llvm::TypeSwitch<Operation *, std::optional<Tensor>>(op)
      .Case([&](CastOp) -> std::optional<Tensor> {
        if (in.size() != 1)
          return std::nullopt;
        Tensor t = in[0];
        t.elt = elt;
        for (double &v : t.values)
          v = elt.isInteger(1) ? (v != 0) : integral(v);
        return t;
      })
      .Case([&](IdentityOp) { return std::optional<Tensor>(in[0]); })
      .Case(
          [&](SqrtOp) { return unary([](double x) { return std::sqrt(x); }); })
      .Case([&](NegOp) { return unary([](double x) { return -x; }); })
      .Case([&](ReciprocalOp) { return unary([](double x) { return 1 / x; }); })
      .Case(
          [&](NotOp) { return unary([](double x) { return double(x == 0); }); })
      .Case([&](AddOp) {
        return binary([](double a, double b) { return a + b; });
      })
      .Case([&](SubOp) {
        return binary([](double a, double b) { return a - b; });
      })
      .Case([&](MulOp) {
        return binary([](double a, double b) { return a * b; });
      })
      .Case([&](DivOp) -> std::optional<Tensor> {
        if (isInt)
          return binary([](double a, double b) {
            return b == 0 ? 0.0 : std::trunc(a / b);
          });
        return binary([](double a, double b) { return a / b; });
      })
      .Case([&](PowOp) {
        return binary([](double a, double b) { return std::pow(a, b); });
      })
      .Case([&](EqualOp) {
        return binary([](double a, double b) { return double(a == b); });
      })
      .Case([&](LessOp) {
        return binary([](double a, double b) { return double(a < b); });
      })
      .Case([&](AndOp) {
        return binary([](double a, double b) { return double(a && b); });
      })
      .Case([&](OrOp) {
        return binary([](double a, double b) { return double(a || b); });
      })
      .Case([&](WhereOp) {
        return broadcast(in, elt, [](ArrayRef<double> a) {
          return a[0] != 0 ? a[1] : a[2];
        });
      })
      .Case([&](ConstantOfShapeOp c) -> std::optional<Tensor> {
        Tensor t;
        t.elt = elt;
        t.splat = true;
        for (int64_t i = 0; i < in[0].size(); ++i)
          t.shape.push_back(static_cast<int64_t>(in[0].at(i)));
        double v = 0;
        if (auto value = c.getValue())
          if (auto dense = dyn_cast<DenseElementsAttr>(*value)) {
            if (isa<FloatType>(dense.getElementType()))
              v = (*dense.getValues<APFloat>().begin()).convertToDouble();
            else if (dense.getElementType().isInteger(1))
              v = *dense.getValues<bool>().begin();
            else
              v = static_cast<double>(
                  (*dense.getValues<APInt>().begin()).getSExtValue());
          }
        t.values = {v};
        return t;
      })
      .Case<UnsqueezeOp, SqueezeOp, ReshapeOp>(
          [&](Operation *) -> std::optional<Tensor> {
            // The elements unchanged, in the result's (static) shape.
            auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
            if (!type || !type.hasStaticShape())
              return std::nullopt;
            Tensor t = in[0];
            t.shape = llvm::to_vector(type.getShape());
            if (!t.splat && t.size() != static_cast<int64_t>(t.values.size()))
              return std::nullopt;
            return t;
          })
      .Case([&](ConcatOp c) -> std::optional<Tensor> {
        if (in.empty() || in[0].shape.size() != 1)
          return std::nullopt;
        Tensor t;
        t.elt = elt;
        for (const Tensor &part : in) {
          if (part.shape.size() != 1)
            return std::nullopt;
          for (int64_t i = 0; i < part.size(); ++i)
            t.values.push_back(part.at(i));
        }
        t.shape = {static_cast<int64_t>(t.values.size())};
        return t;
      })
      .Case([&](GatherOp g) -> std::optional<Tensor> {
        if (in.size() != 2 || in[0].shape.size() != 1 || in[1].shape.size() > 1)
          return std::nullopt;
        Tensor t;
        t.elt = elt;
        t.shape = in[1].shape;
        for (int64_t i = 0; i < in[1].size(); ++i) {
          int64_t k = static_cast<int64_t>(in[1].at(i));
          if (k < 0)
            k += in[0].size();
          if (k < 0 || k >= in[0].size())
            return std::nullopt;
          t.values.push_back(in[0].at(k));
        }
        return t;
      })
      .Case([&](NodeOp node) -> std::optional<Tensor> {
        StringRef type = node.getOpType();
        if (!node.getDomain().empty() && node.getDomain() != "ai.onnx")
          return std::nullopt;
        if (type == "Greater")
          return binary([](double a, double b) { return double(a > b); });
        if (type == "GreaterOrEqual")
          return binary([](double a, double b) { return double(a >= b); });
        if (type == "LessOrEqual")
          return binary([](double a, double b) { return double(a <= b); });
        if (type == "Cos")
          return unary([](double x) { return std::cos(x); });
        if (type == "Sin")
          return unary([](double x) { return std::sin(x); });
        if (type == "Range" && in.size() == 3) {
          double b = in[0].at(0), e = in[1].at(0), d = in[2].at(0);
          if (d == 0)
            return std::nullopt;
          int64_t n = std::max<int64_t>(
              0, static_cast<int64_t>(std::ceil((e - b) / d)));
          if (n > kMaxFolded)
            return std::nullopt;
          Tensor t;
          t.elt = elt;
          t.shape = {n};
          for (int64_t i = 0; i < n; ++i)
            t.values.push_back(b + i * d);
          return t;
        }
        return std::nullopt;
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// The result type of `value` with the static dimensions `shape` knows.
Type refined(Value value, const SymbolicShape &shape) {
  auto type = dyn_cast<TensorType>(value.getType());
  if (!type)
    return value.getType();
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (ranked && ranked.getRank() != static_cast<int64_t>(shape.size()))
    return value.getType();
  SmallVector<int64_t> dims;
  for (auto [i, d] : llvm::enumerate(shape)) {
    std::optional<int64_t> c = d.getConstant();
    int64_t old = ranked ? ranked.getDimSize(i) : ShapedType::kDynamic;
    if (!ShapedType::isDynamic(old))
      dims.push_back(old);
    else
      dims.push_back(c && *c >= 0 ? *c : ShapedType::kDynamic);
  }
  if (isa<UnknownType>(type.getElementType()))
    return value.getType();
  return RankedTensorType::get(dims, type.getElementType());
}

/// One round of the rewrites; whether anything changed.
bool simplifyOnce(func::FuncOp func) {
  SymbolicShapes shapes;
  OpBuilder b(func.getContext());
  bool changed = false;
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    if (!isa_and_nonnull<ONNXDialect>(op.getDialect()) ||
        isa<ConstantOp, NoneOp>(op))
      continue;
    b.setInsertionPoint(&op);
    // 1 + 2: known values and folded ops become constants.
    if (op.getNumResults() == 1 && !op.use_empty()) {
      Value result = op.getResult(0);
      auto type = dyn_cast<RankedTensorType>(result.getType());
      DenseElementsAttr folded;
      if (std::optional<Tensor> t = evaluate(&op))
        folded = attrOf(*t);
      else if (type && type.hasStaticShape() &&
               isa<IntegerType>(type.getElementType()) &&
               !type.getElementType().isInteger(1))
        if (std::optional<SymbolicShape> values = shapes.valuesOf(result)) {
          SmallVector<int64_t> ints;
          for (const DimExpr &v : *values)
            if (std::optional<int64_t> c = v.getConstant())
              ints.push_back(*c);
          if (static_cast<int64_t>(ints.size()) == type.getNumElements() &&
              ints.size() == values->size()) {
            SmallVector<APInt> bits;
            for (int64_t v : ints)
              bits.push_back(APInt(type.getElementTypeBitWidth(), v, true));
            folded = DenseElementsAttr::get(type, bits);
          }
        }
      // (A folded value of a more precise type waits for step 4 to
      // refine the result's type.)
      if (folded && folded.getType() == result.getType()) {
        result.replaceAllUsesWith(
            ConstantOp::create(b, op.getLoc(), folded.getType(), folded));
        changed = true;
        continue;
      }
    }
    // 3: a Reshape's target as a constant of 0s, sizes and one -1.
    if (auto reshape = dyn_cast<ReshapeOp>(op);
        reshape && reshape.getAllowzero() == 0 &&
        !reshape.getShape().getDefiningOp<ConstantOp>()) {
      std::optional<SymbolicShape> target = shapes.valuesOf(reshape.getShape());
      std::optional<SymbolicShape> in = shapes.shapeOf(reshape.getData());
      std::optional<SymbolicShape> out = shapes.shapeOf(reshape.getReshaped());
      if (target && in && out && out->size() == target->size()) {
        SmallVector<int64_t> ints;
        int unknown = 0;
        for (auto [i, d] : llvm::enumerate(*out)) {
          if (std::optional<int64_t> c = d.getConstant()) {
            ints.push_back(*c);
          } else if (i < in->size() && (*in)[i] == d) {
            ints.push_back(0);
          } else {
            ints.push_back(-1);
            ++unknown;
          }
        }
        if (unknown <= 1) {
          reshape.getShapeMutable().assign(
              raise::i64Constant(b, op.getLoc(), ints));
          changed = true;
        }
      }
    }
    // 4: the types the analysis knows better.
    for (Value result : op.getResults()) {
      if (isa<NoneType>(result.getType()))
        continue;
      std::optional<SymbolicShape> shape = shapes.shapeOf(result);
      if (!shape)
        continue;
      Type type = refined(result, *shape);
      if (type != result.getType()) {
        result.setType(type);
        changed = true;
      }
    }
  }
  // 5: what nothing reads.
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    if (isa_and_nonnull<ONNXDialect>(op->getDialect()) && op->use_empty() &&
        !isa<NoneOp>(op)) {
      op->erase();
      changed = true;
    }
  return changed;
}

} // namespace

void mlir::attic::simplifyONNXShapes(func::FuncOp func) {
  if (func.getBody().empty())
    return;
  for (int round = 0; round < 8 && simplifyOnce(func); ++round) {
  }
  // The function returns what its body now computes (the outputs'
  // dynamic axes keep their names in `onnx.dims`).
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  func.setFunctionType(FunctionType::get(
      func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
}

namespace mlir::attic {
namespace {
struct SimplifyONNXShapesPass final
    : impl::SimplifyONNXShapesPassBase<SimplifyONNXShapesPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation()->walk([](func::FuncOp func) { simplifyONNXShapes(func); });
  }
};
} // namespace
} // namespace mlir::attic
