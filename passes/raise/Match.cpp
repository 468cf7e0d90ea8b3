//===- Match.cpp - Shared matchers of the raise patterns ------------------===//

#include "passes/raise/Match.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attic;

RankedTensorType raise::rankedFloat(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType()) ? type
                                                       : RankedTensorType();
}

bool raise::isMaskingFill(double fill) {
  return fill <= -1e4 || (std::isinf(fill) && fill < 0);
}

std::optional<double> raise::constantFloat(Value value) {
  auto constant = value.getDefiningOp<onnxir::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto elements = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  if (!elements || !elements.isSplat())
    return std::nullopt;
  // The shortest decimal that reads back as the constant: an f32 0.7 is
  // 0.7, not 0.699999988.
  APFloat splat = elements.getSplatValue<APFloat>();
  for (unsigned digits = 1; digits <= 17; ++digits) {
    SmallString<32> text;
    splat.toString(text, digits, /*FormatMaxPadding=*/0);
    double decimal;
    if (StringRef(text).getAsDouble(decimal))
      break;
    APFloat back(decimal);
    bool lost;
    back.convert(splat.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    if (back.bitwiseIsEqual(splat))
      return decimal;
  }
  return splat.convertToDouble();
}

Value raise::stripCasts(Value value) {
  while (true) {
    if (auto cast = value.getDefiningOp<tensor::CastOp>())
      value = cast.getSource();
    else if (auto identity = value.getDefiningOp<onnxir::IdentityOp>())
      value = identity.getInput();
    else
      return value;
  }
}

onnxir::SymbolicShapes raise::symbolicShapes() {
  return onnxir::SymbolicShapes(
      [](Operation *op, ArrayRef<std::optional<onnxir::SymbolicShape>> operands)
          -> SmallVector<std::optional<onnxir::SymbolicShape>> {
        auto attention = dyn_cast<AttentionOp>(op);
        if (!attention)
          return {};
        const std::optional<onnxir::SymbolicShape> &q = operands[0],
                                                   &v = operands[2];
        if (!q || !v || q->size() != 4 || v->size() != 4)
          return {std::nullopt};
        return {onnxir::SymbolicShape{(*q)[0], (*q)[1], (*q)[2], (*v)[3]}};
      });
}

Value raise::stripFloatCasts(Value value) {
  while (true) {
    value = stripCasts(value);
    auto cast = value.getDefiningOp<onnxir::CastOp>();
    if (!cast || !isa<FloatType>(getElementTypeOrSelf(cast.getInput())) ||
        !isa<FloatType>(getElementTypeOrSelf(cast.getOutput())))
      return value;
    value = cast.getInput();
  }
}

std::optional<int64_t> raise::keptReductionAxis(Operation *op, int64_t rank) {
  auto axisOf = [&](auto reduce) -> std::optional<int64_t> {
    if (reduce.getKeepdims() != 1)
      return std::nullopt;
    std::optional<SmallVector<int64_t>> axes = constantInts(reduce.getAxes());
    if (!axes || axes->size() != 1)
      return std::nullopt;
    return normalizeAxis(axes->front(), rank);
  };
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(op)
      .Case<onnxir::ReduceMaxOp, onnxir::ReduceSumOp>(axisOf)
      .Default([](Operation *) { return std::nullopt; });
}

bool raise::castsTo(Type from, Type type) {
  return from == type || tensor::CastOp::areCastCompatible(from, type);
}

Value raise::castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  if (!castsTo(value.getType(), type))
    return Value();
  return tensor::CastOp::create(b, loc, type, value);
}

Value raise::i64Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return onnxir::ConstantOp::create(b, loc, type,
                                    DenseIntElementsAttr::get(type, values));
}

bool raise::broadcastsTo(RankedTensorType mask, ArrayRef<int64_t> scores) {
  int64_t r = mask.getRank(), n = scores.size();
  if (r > n)
    return false;
  for (int64_t i = 0; i < r; ++i) {
    int64_t m = mask.getDimSize(i), s = scores[n - r + i];
    if (m != 1 && !ShapedType::isDynamic(m) && !ShapedType::isDynamic(s) &&
        m != s)
      return false;
  }
  return true;
}

SmallVector<int64_t> raise::broadcastShape(ArrayRef<int64_t> a,
                                           ArrayRef<int64_t> b) {
  size_t n = std::max(a.size(), b.size());
  SmallVector<int64_t> shape(n, 1);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    shape[i] = x == 1 ? y : (y == 1 ? x : (ShapedType::isDynamic(x) ? y : x));
  }
  return shape;
}

Value raise::combineMasks(OpBuilder &b, Location loc, Value mask, Value visible,
                          Type elt) {
  if (!mask)
    return visible;
  auto maskType = cast<RankedTensorType>(mask.getType());
  auto visibleType = cast<RankedTensorType>(visible.getType());
  SmallVector<int64_t> shape =
      broadcastShape(maskType.getShape(), visibleType.getShape());
  if (maskType.getElementType().isInteger(1))
    return onnxir::AndOp::create(
        b, loc, RankedTensorType::get(shape, b.getI1Type()), mask, visible);
  auto scalar = RankedTensorType::get({}, elt);
  Value negInf = onnxir::ConstantOp::create(
      b, loc, scalar,
      DenseElementsAttr::get(
          scalar, APFloat::getInf(cast<FloatType>(elt).getFloatSemantics(),
                                  /*Negative=*/true)));
  return onnxir::WhereOp::create(b, loc, RankedTensorType::get(shape, elt),
                                 visible, mask, negInf);
}

Value raise::diagonalMaskOf(OpBuilder &b, Location loc, int64_t sq, int64_t skv,
                            int64_t past, bool causal, int64_t left,
                            int64_t right) {
  SmallVector<bool> visible;
  for (int64_t i = 0; i < sq; ++i)
    for (int64_t j = 0; j < skv; ++j)
      visible.push_back((!causal || j <= i + past) &&
                        (left < 0 || j >= i + past - left) &&
                        (right < 0 || j <= i + past + right));
  auto type = RankedTensorType::get({sq, skv}, b.getI1Type());
  return onnxir::ConstantOp::create(b, loc, type,
                                    DenseElementsAttr::get(type, visible));
}

Value raise::dimOf(OpBuilder &b, Location loc, Value x, int64_t d) {
  Type i64 = b.getI64Type();
  Value dim = onnxir::ShapeOp::create(b, loc, RankedTensorType::get({1}, i64),
                                      x, b.getI64IntegerAttr(d + 1),
                                      b.getI64IntegerAttr(d));
  return onnxir::SqueezeOp::create(b, loc, RankedTensorType::get({}, i64), dim,
                                   i64Constant(b, loc, {0}));
}

Value raise::visibilityMask(OpBuilder &b, Location loc, Value query, Value key,
                            Value offset, Value lengths, bool causal,
                            std::optional<int64_t> left,
                            std::optional<int64_t> right) {
  Type i64 = b.getI64Type();
  int64_t dyn = ShapedType::kDynamic;
  auto scalar = RankedTensorType::get({}, i64);
  auto constant = [&](int64_t v) {
    return onnxir::ConstantOp::create(
        b, loc, scalar, DenseElementsAttr::get(scalar, b.getI64IntegerAttr(v)));
  };
  auto node = [&](StringRef type, Type result, ValueRange operands) -> Value {
    return onnxir::NodeOp::create(b, loc, TypeRange{result},
                                  b.getStringAttr(""), b.getStringAttr(type),
                                  b.getDictionaryAttr({}), operands)
        .getResult(0);
  };
  auto positions = [&](Value n, int64_t axis, ArrayRef<int64_t> shape) {
    Value range = node("Range", RankedTensorType::get({dyn}, i64),
                       {constant(0), n, constant(1)});
    return onnxir::UnsqueezeOp::create(b, loc,
                                       RankedTensorType::get(shape, i64), range,
                                       i64Constant(b, loc, {axis}));
  };
  // A [B] tensor as [B, 1, 1, 1], to broadcast over heads, rows and keys.
  auto perRow = [&](Value v) -> Value {
    return onnxir::ReshapeOp::create(b, loc,
                                     RankedTensorType::get({dyn, 1, 1, 1}, i64),
                                     v, i64Constant(b, loc, {-1, 1, 1, 1}));
  };
  Value sq = dimOf(b, loc, query, 2), skv = dimOf(b, loc, key, 2);
  if (!offset)
    offset = onnxir::SubOp::create(b, loc, scalar, skv, sq);
  bool batched = cast<RankedTensorType>(offset.getType()).getRank() == 1;
  // Row i moved to the diagonal, i + off: [Sq, 1], or [B, 1, Sq, 1].
  Value rows = positions(sq, 1, {dyn, 1});
  rows =
      batched
          ? Value(onnxir::AddOp::create(
                b, loc, RankedTensorType::get({dyn, 1, dyn, 1}, i64), rows,
                perRow(offset)))
          : Value(onnxir::AddOp::create(b, loc, rows.getType(), rows, offset));
  Value cols = positions(skv, 0, {1, dyn});
  bool full = batched || lengths;
  auto maskType =
      RankedTensorType::get(full ? SmallVector<int64_t>{dyn, 1, dyn, dyn}
                                 : SmallVector<int64_t>{dyn, dyn},
                            b.getI1Type());
  Value visible;
  auto require = [&](StringRef compare, Value bound) {
    Value term =
        compare == "Less"
            ? Value(onnxir::LessOp::create(b, loc, maskType, cols, bound))
            : node(compare, maskType, {cols, bound});
    visible =
        visible ? Value(onnxir::AndOp::create(b, loc, maskType, visible, term))
                : term;
  };
  auto shifted = [&](int64_t shift) -> Value {
    return shift == 0 ? rows
                      : Value(onnxir::AddOp::create(b, loc, rows.getType(),
                                                    rows, constant(shift)));
  };
  if (causal)
    require("LessOrEqual", shifted(0));
  if (left)
    require("GreaterOrEqual", shifted(-*left));
  if (right)
    require("LessOrEqual", shifted(*right));
  if (lengths)
    require("Less", perRow(lengths));
  return visible;
}

Value raise::buildTranspose(OpBuilder &b, Location loc, Value x,
                            ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return onnxir::TransposeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x,
      b.getI64ArrayAttr(perm));
}

LogicalResult raise::nearMiss(PatternRewriter &rewriter, Operation *op,
                              const Twine &reason) {
  return rewriter.notifyMatchFailure(
      op, [&](Diagnostic &diag) { diag << kNearMiss << reason; });
}
