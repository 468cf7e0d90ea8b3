//===- ONNXOps.h - ONNX dialect ops -----------------------------*- C++ -*-===//

#ifndef ATTIC_DIALECTS_ONNX_ONNXOPS_H
#define ATTIC_DIALECTS_ONNX_ONNXOPS_H

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.h.inc"

#include <optional>
#include <string>

namespace mlir::onnxir {

/// The integers of `value` when an onnx.Constant (or another constant op)
/// defines it.
std::optional<SmallVector<int64_t>> constantInts(Value value);

/// An ONNX axis in [0, rank) (negative counting from the end), or none when
/// out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The element type of an ONNX TensorProto data type code (FLOAT = 1,
/// UINT8 = 2, ..., BFLOAT16 = 16), or null for codes Attic does not take
/// (strings, complex numbers, 8-bit floats, UNDEFINED).
Type elementTypeOfDataType(MLIRContext *ctx, int64_t code);

/// The name of the ONNX node an op came from, as its location carries it
/// (a NameLoc, also inside a FusedLoc); empty when it has none.
std::string nodeNameOf(Location loc);

} // namespace mlir::onnxir

#endif // ATTIC_DIALECTS_ONNX_ONNXOPS_H
