//===- ONNXOps.cpp - ONNX dialect and op verifiers
//-------------------------===//
//
// The verifiers check what an ONNX model must satisfy for Attic to read the
// node as ONNX defines it: attribute values in range and, where shapes are
// known, ranks and axes. They never require a shape to be known.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/Matchers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::onnxir;

#include "dialects/onnx/ONNXDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/onnx/ONNXTypes.cpp.inc"

void ONNXDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/onnx/ONNXTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/onnx/ONNXOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.cpp.inc"

namespace {

/// The rank of `value`, when it is a ranked tensor.
std::optional<int64_t> rankOf(Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    return type.getRank();
  return std::nullopt;
}

/// Checks that `axis` names a dimension of a rank-`rank` tensor (negative
/// counting from the end).
LogicalResult checkAxis(Operation *op, StringRef name, int64_t axis,
                        std::optional<int64_t> rank, StringRef of) {
  if (!rank || (axis >= -*rank && axis < *rank))
    return success();
  return op->emitOpError() << name << " " << axis << " is out of range for "
                           << of << " of rank " << *rank << " (must be in ["
                           << -*rank << ", " << *rank << "))";
}

/// Checks that a 0/1 flag attribute is 0 or 1.
LogicalResult checkFlag(Operation *op, StringRef name, int64_t value) {
  if (value == 0 || value == 1)
    return success();
  return op->emitOpError() << name << " must be 0 or 1, got " << value;
}

/// Checks an ONNX loss reduction.
LogicalResult checkReduction(Operation *op, StringRef reduction) {
  if (llvm::is_contained({"none", "sum", "mean"}, reduction))
    return success();
  return op->emitOpError() << "reduction must be 'none', 'sum' or 'mean', got '"
                           << reduction << "'";
}

/// Checks head counts: both positive, the query heads a multiple of the
/// key/value heads.
LogicalResult checkHeads(Operation *op, int64_t qHeads, int64_t kvHeads) {
  if (qHeads < 1 || kvHeads < 1)
    return op->emitOpError()
           << "q_num_heads and kv_num_heads must be positive, got " << qHeads
           << " and " << kvHeads;
  if (qHeads % kvHeads != 0)
    return op->emitOpError()
           << "q_num_heads " << qHeads << " is not a multiple of kv_num_heads "
           << kvHeads;
  return success();
}

} // namespace

LogicalResult GemmOp::verify() {
  if (failed(checkFlag(*this, "transA", getTransA())) ||
      failed(checkFlag(*this, "transB", getTransB())))
    return failure();
  for (auto [name, value] : {std::pair<StringRef, Value>{"A", getA()},
                             std::pair<StringRef, Value>{"B", getB()}})
    if (std::optional<int64_t> rank = rankOf(value); rank && *rank != 2)
      return emitOpError() << name << " must be 2-D, got rank " << *rank;
  auto a = dyn_cast<RankedTensorType>(getA().getType());
  auto b = dyn_cast<RankedTensorType>(getB().getType());
  if (!a || !b)
    return success();
  int64_t ka = a.getDimSize(getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(getTransB() ? 1 : 0);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return emitOpError() << "inner dimensions differ: " << ka << " (A) and "
                         << kb << " (B)";
  return success();
}

template <typename OpTy> static LogicalResult verifySoftmaxLike(OpTy op) {
  return checkAxis(op, "axis", op.getAxis(), rankOf(op.getInput()), "input");
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getOutput().getType())
    return emitOpError() << "value of type " << getValue().getType()
                         << " does not match the result type "
                         << getOutput().getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

LogicalResult TransposeOp::verify() {
  std::optional<ArrayAttr> perm = getPerm();
  if (!perm)
    return success();
  std::optional<int64_t> rank = rankOf(getData());
  if (rank && static_cast<int64_t>(perm->size()) != *rank)
    return emitOpError() << "perm has " << perm->size()
                         << " entries for data of rank " << *rank;
  int64_t size = perm->size();
  llvm::SmallBitVector seen(size);
  for (Attribute attr : *perm) {
    int64_t d = cast<IntegerAttr>(attr).getInt();
    if (d < 0 || d >= size || seen.test(d))
      return emitOpError() << "perm is not a permutation of [0, " << size
                           << ")";
    seen.set(d);
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  return checkAxis(*this, "axis", getAxis(), rankOf(getInputs().front()),
                   "the inputs");
}

LogicalResult SplitOp::verify() {
  bool sizes = !isa<NoneType>(getSplit().getType());
  if (sizes && getNumOutputs())
    return emitOpError()
           << "has both the split input and num_outputs; ONNX allows one";
  if (std::optional<int64_t> n = getNumOutputs();
      n && *n != static_cast<int64_t>(getOutputs().size()))
    return emitOpError() << "num_outputs is " << *n << " but the node has "
                         << getOutputs().size() << " outputs";
  return checkAxis(*this, "axis", getAxis(), rankOf(getInput()), "input");
}

LogicalResult NegativeLogLikelihoodLossOp::verify() {
  return checkReduction(*this, getReduction());
}

LogicalResult SoftmaxCrossEntropyLossOp::verify() {
  return checkReduction(*this, getReduction());
}

LogicalResult AttentionOp::verify() {
  if (failed(checkFlag(*this, "is_causal", getIsCausal())))
    return failure();
  if (getQkMatmulOutputMode() < 0 || getQkMatmulOutputMode() > 3)
    return emitOpError() << "qk_matmul_output_mode must be 0, 1, 2 or 3, got "
                         << getQkMatmulOutputMode();
  if (getSoftcap().convertToDouble() < 0)
    return emitOpError() << "softcap must be 0 (off) or positive, got "
                         << getSoftcap().convertToDouble();
  for (auto [name, size] :
       {std::pair<StringRef, int64_t>{"left_window_size", getLeftWindowSize()},
        {"right_window_size", getRightWindowSize()}})
    if (size < -1)
      return emitOpError() << name << " must be -1 (unbounded) or at least "
                           << "0, got " << size;
  std::optional<int64_t> rank = rankOf(getQ());
  if (rank && *rank != 3 && *rank != 4)
    return emitOpError() << "Q must be 3-D [B, S, H * D] or 4-D "
                         << "[B, H, S, D], got rank " << *rank;
  std::optional<int64_t> qHeads = getQNumHeads(), kvHeads = getKvNumHeads();
  if (rank == 3 && (!qHeads || !kvHeads))
    return emitOpError() << "3-D inputs need q_num_heads and kv_num_heads";
  if (qHeads && kvHeads)
    return checkHeads(*this, *qHeads, *kvHeads);
  return success();
}

LogicalResult LinearAttentionOp::verify() {
  if (!llvm::is_contained({"linear", "gated", "delta", "gated_delta"},
                          getUpdateRule()))
    return emitOpError() << "update_rule must be 'linear', 'gated', 'delta' "
                         << "or 'gated_delta', got '" << getUpdateRule() << "'";
  if (getChunkSize() < 1)
    return emitOpError() << "chunk_size must be positive, got "
                         << getChunkSize();
  StringRef rule = getUpdateRule();
  auto absent = [](Value v) { return isa<NoneType>(v.getType()); };
  if (rule.starts_with("gated") && absent(getDecay()))
    return emitOpError() << "update_rule '" << rule
                         << "' (gated_delta is the default) needs the decay "
                            "input";
  if (rule.ends_with("delta") && absent(getBeta()))
    return emitOpError() << "update_rule '" << rule
                         << "' (gated_delta is the default) needs the beta "
                            "input";
  if (std::optional<int64_t> rank = rankOf(getQuery()); rank && *rank != 3)
    return emitOpError() << "query must be 3-D [B, T, H * D], got rank "
                         << *rank;
  return checkHeads(*this, getQNumHeads(), getKvNumHeads());
}

LogicalResult NodeOp::verify() {
  if (getOpType().empty())
    return emitOpError() << "needs an op_type";
  return success();
}

Type mlir::onnxir::elementTypeOfDataType(MLIRContext *ctx, int64_t code) {
  Builder b(ctx);
  switch (code) {
  case 1: // FLOAT
    return b.getF32Type();
  case 2: // UINT8
    return b.getIntegerType(8, /*isSigned=*/false);
  case 3: // INT8
    return b.getIntegerType(8);
  case 4: // UINT16
    return b.getIntegerType(16, /*isSigned=*/false);
  case 5: // INT16
    return b.getIntegerType(16);
  case 6: // INT32
    return b.getIntegerType(32);
  case 7: // INT64
    return b.getIntegerType(64);
  case 9: // BOOL
    return b.getI1Type();
  case 10: // FLOAT16
    return b.getF16Type();
  case 11: // DOUBLE
    return b.getF64Type();
  case 12: // UINT32
    return b.getIntegerType(32, /*isSigned=*/false);
  case 13: // UINT64
    return b.getIntegerType(64, /*isSigned=*/false);
  case 16: // BFLOAT16
    return b.getBF16Type();
  default:
    return {};
  }
}

std::string mlir::onnxir::nodeNameOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = nodeNameOf(inner); !name.empty())
        return name;
  return "";
}

std::optional<SmallVector<int64_t>> mlir::onnxir::constantInts(Value value) {
  DenseIntElementsAttr elements;
  if (!value || !matchPattern(value, m_Constant(&elements)))
    return std::nullopt;
  return llvm::map_to_vector(elements.getValues<APInt>(),
                             [](const APInt &i) { return i.getSExtValue(); });
}

std::optional<int64_t> mlir::onnxir::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}
