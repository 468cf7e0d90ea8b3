//===- ONNXDialect.h - The ONNX dialect -------------------------*- C++ -*-===//
//
// The onnx dialect class. It knows nothing of the attic dialect.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ONNX_ONNXDIALECT_H
#define ATTIC_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/Types.h"

#include "dialects/onnx/ONNXDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/onnx/ONNXTypes.h.inc"

#endif // ATTIC_DIALECTS_ONNX_ONNXDIALECT_H
