//===- LinearAlgebra.cpp - MatMul and Gemm to linalg
//------------------------===//
//
// MatMul (numpy.matmul: vectors, broadcast batch dimensions) and Gemm
// (alpha A' B' + beta C) as contraction generics that accumulate in f32 at
// least.
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
#include <map>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::onnx_lowering;
using namespace mlir::attic::reference;
using utils::IteratorType;

namespace {

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
  return resultAs(b, loc, result, resultType);
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

/// An Einsum term's labels: a letter's character code, or kEllipsis + k
/// for the k-th of the dimensions an ellipsis stands for (counted from
/// the last).
constexpr int kEllipsis = 1 << 10;

/// The labels of `term` for an operand of rank `rank`, its ellipsis (at
/// most one) standing for the dimensions no letter names; failure when
/// `term` does not fit.
FailureOr<SmallVector<int>> einsumLabels(StringRef term, int64_t rank) {
  size_t dots = term.find("...");
  StringRef letters = term;
  std::string joined;
  if (dots != StringRef::npos) {
    joined = (term.take_front(dots) + term.drop_front(dots + 3)).str();
    letters = joined;
  }
  if (StringRef(letters).contains('.') || !llvm::all_of(letters, llvm::isAlpha))
    return failure();
  int64_t fill = rank - static_cast<int64_t>(letters.size());
  if (fill < 0 || (fill > 0 && dots == StringRef::npos))
    return failure();
  SmallVector<int> labels;
  for (char c : term.take_front(dots == StringRef::npos ? term.size() : dots))
    labels.push_back(c);
  if (dots != StringRef::npos) {
    for (int64_t k = fill - 1; k >= 0; --k)
      labels.push_back(kEllipsis + k);
    for (char c : term.drop_front(dots + 3))
      labels.push_back(c);
  }
  return labels;
}

/// Einsum as one contraction generic: a loop per label, the output's
/// parallel (given after `->`, or else the ellipsis's dimensions and the
/// letters that occur once, in alphabetical order), the others reduced;
/// the product of the operands accumulates in f32 at least. A letter
/// repeated in an operand reads its diagonal; an ellipsis's dimensions
/// broadcast (an operand's static 1 against a larger size).
Lowered lowerEinsum(OpBuilder &b, onnxir::NodeOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto equation = op.getNodeAttrs().getAs<StringAttr>("equation");
  if (!equation)
    return op.emitOpError("cannot be compiled: Einsum has no equation");
  std::string text;
  for (char c : equation.getValue())
    if (c != ' ')
      text += c;
  auto bad = [&](const Twine &why) -> Lowered {
    return op.emitOpError() << "cannot be compiled: Einsum equation '"
                            << equation.getValue() << "': " << why;
  };
  auto [lhs, rhs] = StringRef(text).split("->");
  bool explicitOutput = StringRef(text).contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != op.getInputs().size())
    return bad("it names " + Twine(terms.size()) + " operands, the node has " +
               Twine(op.getInputs().size()));
  // Each operand's labels; the ellipsis stands for as many dimensions as
  // the longest one.
  SmallVector<SmallVector<int>> operandLabels;
  int64_t ellipsisDims = 0;
  for (auto [term, operand] : llvm::zip(terms, op.getInputs())) {
    FailureOr<SmallVector<int>> labels =
        einsumLabels(term, ranked(operand).getRank());
    if (failed(labels))
      return bad("operand '" + term + "' does not fit its rank " +
                 Twine(ranked(operand).getRank()));
    for (int label : *labels)
      if (label >= kEllipsis)
        ellipsisDims = std::max<int64_t>(ellipsisDims, label - kEllipsis + 1);
    operandLabels.push_back(std::move(*labels));
  }
  SmallVector<int> output;
  if (explicitOutput) {
    auto rank = [&]() -> int64_t {
      size_t letters = llvm::count_if(rhs, llvm::isAlpha);
      return letters + (rhs.contains("...") ? ellipsisDims : 0);
    }();
    FailureOr<SmallVector<int>> labels = einsumLabels(rhs, rank);
    if (failed(labels))
      return bad("the output '" + rhs + "' is malformed");
    output = std::move(*labels);
  } else {
    for (int64_t k = ellipsisDims - 1; k >= 0; --k)
      output.push_back(kEllipsis + k);
    std::map<int, int> counts;
    for (ArrayRef<int> labels : operandLabels)
      for (int label : labels)
        if (label < kEllipsis)
          ++counts[label];
    for (auto [label, count] : counts)
      if (count == 1)
        output.push_back(label);
  }
  // The loops: the output's labels, then the reduced ones.
  SmallVector<int> loops;
  for (int label : output) {
    if (llvm::is_contained(loops, label))
      return bad("an output label occurs twice");
    loops.push_back(label);
  }
  for (ArrayRef<int> labels : operandLabels)
    for (int label : labels)
      if (!llvm::is_contained(loops, label))
        loops.push_back(label);
  if (llvm::any_of(output, [&](int label) {
        return llvm::none_of(operandLabels, [&](ArrayRef<int> labels) {
          return llvm::is_contained(labels, label);
        });
      }))
    return bad("an output label names no operand dimension");
  // Each loop's size: from an operand dimension that is not a broadcast 1.
  int64_t n = loops.size();
  SmallVector<OpFoldResult> sizes(n);
  SmallVector<AffineMap> maps;
  for (auto [labels, operand] : llvm::zip(operandLabels, op.getInputs())) {
    RankedTensorType type = ranked(operand);
    SmallVector<OpFoldResult> operandSizes = getSizes(b, loc, operand);
    for (auto [i, label] : llvm::enumerate(labels)) {
      int64_t d = llvm::find(loops, label) - loops.begin();
      if (!sizes[d] || (label >= kEllipsis && type.getDimSize(i) != 1))
        sizes[d] = operandSizes[i];
    }
  }
  for (auto [labels, operand] : llvm::zip(operandLabels, op.getInputs())) {
    RankedTensorType type = ranked(operand);
    SmallVector<AffineExpr> exprs;
    for (auto [i, label] : llvm::enumerate(labels)) {
      int64_t d = llvm::find(loops, label) - loops.begin();
      std::optional<int64_t> loopSize = getConstantIntValue(sizes[d]);
      bool broadcast = label >= kEllipsis && type.getDimSize(i) == 1 &&
                       (!loopSize || *loopSize != 1);
      exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(d, ctx));
    }
    maps.push_back(AffineMap::get(n, 0, exprs, ctx));
  }
  SmallVector<AffineExpr> outExprs;
  SmallVector<OpFoldResult> outSizes;
  for (int64_t d = 0; d < static_cast<int64_t>(output.size()); ++d) {
    outExprs.push_back(getAffineDimExpr(d, ctx));
    outSizes.push_back(sizes[d]);
  }
  maps.push_back(AffineMap::get(n, 0, outExprs, ctx));
  SmallVector<IteratorType> iterators(output.size(), IteratorType::parallel);
  iterators.append(n - output.size(), IteratorType::reduction);
  auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
  if (resultType.getRank() != static_cast<int64_t>(output.size()))
    return bad("its output has rank " + Twine(output.size()) +
               ", the node's result " + Twine(resultType.getRank()));
  Type acc = productAccumulator(resultType.getElementType());
  bool isFloat = isa<FloatType>(acc);
  Value init = filled(b, loc, outSizes, acc, 0.0);
  Value product =
      linalg::GenericOp::create(
          b, loc, init.getType(), op.getInputs(), init, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            auto widen = [&](Value x) {
              return isFloat ? castFloat(nb, l, x, acc) : x;
            };
            Value p = widen(args.front());
            for (Value x : args.drop_front().drop_back())
              p = isFloat ? Value(arith::MulFOp::create(nb, l, p, widen(x)))
                          : Value(arith::MulIOp::create(nb, l, p, x));
            Value sum =
                isFloat ? Value(arith::AddFOp::create(nb, l, args.back(), p))
                        : Value(arith::AddIOp::create(nb, l, args.back(), p));
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  Value result =
      castTensor(b, loc, product,
                 RankedTensorType::get(
                     cast<RankedTensorType>(product.getType()).getShape(),
                     resultType.getElementType()));
  return resultAs(b, loc, result, resultType);
}

} // namespace

std::optional<Lowered> onnx_lowering::lowerLinearAlgebraOp(OpBuilder &b,
                                                           Operation *op) {
  using namespace onnxir;
  return TypeSwitch<Operation *, std::optional<Lowered>>(op)
      .Case([&](MatMulOp o) { return lowerMatMul(b, o); })
      .Case([&](GemmOp o) { return lowerGemm(b, o); })
      .Case([&](NodeOp o) -> std::optional<Lowered> {
        if (o.getOpType() == "Einsum")
          return lowerEinsum(b, o);
        return std::nullopt;
      })
      .Default([](Operation *) { return std::nullopt; });
}
