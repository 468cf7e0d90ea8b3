//===- Shapes.cpp - Shapes, indexing and data movement
//----------------------===//
//
// Constant, ConstantOfShape and Shape as constants (Shape of a dynamic
// dimension reads it); Transpose, Reshape, Squeeze and Unsqueeze as
// linalg.transpose and tensor reshapes; Slice, Split and Concat as extract
// and insert slices; Gather and GatherElements as generics that read the
// data with tensor.extract.
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

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::onnx_lowering;
using namespace mlir::attic::reference;
using utils::IteratorType;

namespace {

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
  return resultAs(b, loc, shape, op.getType());
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
  return resultAs(b, loc, t, op.getType());
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
  return resultAs(b, loc, slice, op.getType());
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
  return resultAs(b, loc, result, type);
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
  return resultAs(b, loc, result, type);
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
  return resultAs(b, loc, result, type);
}

/// Size: the number of elements, an i64 scalar.
Lowered lowerSize(OpBuilder &b, onnxir::NodeOp op) {
  Location loc = op.getLoc();
  if (op.getInputs().size() != 1 || op.getNumResults() != 1)
    return op.emitOpError("cannot be compiled: Size takes one input and "
                          "gives one output");
  Value data = op.getInputs()[0];
  IndexMath math{b, loc};
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d < ranked(data).getRank(); ++d)
    count = arith::MulIOp::create(b, loc, count, math.dim(data, d));
  Value size = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({}, b.getI64Type()),
      ValueRange{arith::IndexCastOp::create(b, loc, b.getI64Type(), count)});
  Type type = op.getResult(0).getType();
  return resultAs(b, loc, size, type);
}

/// One element of a tensor of one element (0-D or [1]).
Value onlyElement(OpBuilder &b, Location loc, Value tensor) {
  SmallVector<Value> at(ranked(tensor).getRank(),
                        arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, at);
}

/// Range: start + i * delta for i below max(ceil((limit - start) / delta),
/// 0), that length taken from the result type when it is static.
Lowered lowerRange(OpBuilder &b, onnxir::NodeOp op) {
  Location loc = op.getLoc();
  if (op.getInputs().size() != 3 || op.getNumResults() != 1)
    return op.emitOpError("cannot be compiled: Range takes start, limit and "
                          "delta and gives one output");
  auto type = cast<RankedTensorType>(op.getResult(0).getType());
  Type elt = type.getElementType();
  for (Value v : op.getInputs())
    if (ranked(v).getNumElements() != 1 || ranked(v).getElementType() != elt)
      return op.emitOpError() << "cannot be compiled: Range's inputs must be "
                                 "scalars of its output's type "
                              << elt;
  if (type.getRank() != 1)
    return op.emitOpError("cannot be compiled: Range's output must be 1-D");
  bool isFloat = isa<FloatType>(elt);
  Value start = onlyElement(b, loc, op.getInputs()[0]);
  Value limit = onlyElement(b, loc, op.getInputs()[1]);
  Value delta = onlyElement(b, loc, op.getInputs()[2]);
  OpFoldResult size = b.getIndexAttr(type.getDimSize(0));
  if (type.isDynamicDim(0)) {
    Value count;
    if (isFloat) {
      Value steps = math::CeilOp::create(
          b, loc,
          arith::DivFOp::create(
              b, loc, arith::SubFOp::create(b, loc, limit, start), delta));
      count = arith::FPToSIOp::create(b, loc, b.getI64Type(), steps);
    } else {
      count = arith::CeilDivSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, limit, start), delta);
    }
    Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), count);
    size = Value(arith::MaxSIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, 0)));
  }
  Value init = emptyTensor(b, loc, {size}, elt);
  AffineMap id = b.getMultiDimIdentityMap(1);
  Value result =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{}, init, {id},
          {IteratorType::parallel},
          [&](OpBuilder &nb, Location l, ValueRange) {
            Value i = linalg::IndexOp::create(nb, l, 0);
            Value value;
            if (isFloat) {
              Value x = arith::SIToFPOp::create(
                  nb, l, elt,
                  arith::IndexCastOp::create(nb, l, nb.getI64Type(), i));
              value = arith::AddFOp::create(
                  nb, l, start, arith::MulFOp::create(nb, l, x, delta));
            } else {
              Value x = arith::IndexCastOp::create(nb, l, elt, i);
              value = arith::AddIOp::create(
                  nb, l, start, arith::MulIOp::create(nb, l, x, delta));
            }
            linalg::YieldOp::create(nb, l, value);
          })
          .getResult(0);
  return resultAs(b, loc, result, type);
}

} // namespace

std::optional<Lowered> onnx_lowering::lowerShapeOp(OpBuilder &b,
                                                   Operation *op) {
  using namespace onnxir;
  return TypeSwitch<Operation *, std::optional<Lowered>>(op)
      .Case([&](IdentityOp o) -> std::optional<Lowered> {
        Value v = o.getInput();
        if (v.getType() != o.getType())
          v = tensor::CastOp::create(b, o.getLoc(), o.getType(), v);
        return Lowered(SmallVector<Value>{v});
      })
      .Case([&](ConstantOp o) { return lowerConstant(b, o); })
      .Case([&](ConstantOfShapeOp o) { return lowerConstantOfShape(b, o); })
      .Case([&](ShapeOp o) { return lowerShape(b, o); })
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
      .Case([&](NodeOp o) -> std::optional<Lowered> {
        if (o.getOpType() == "Range")
          return lowerRange(b, o);
        if (o.getOpType() == "Size")
          return lowerSize(b, o);
        // Flatten: the input's elements as the result's 2-D shape.
        if (o.getOpType() == "Flatten" && o.getInputs().size() == 1 &&
            o.getNumResults() == 1)
          return reshapeTo(b, o, o.getInputs()[0]);
        return std::nullopt;
      })
      .Default([](Operation *) { return std::nullopt; });
}
