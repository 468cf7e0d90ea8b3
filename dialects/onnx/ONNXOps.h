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

#endif // ATTIC_DIALECTS_ONNX_ONNXOPS_H
