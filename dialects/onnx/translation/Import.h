//===- Import.h - ONNX models to the onnx dialect ---------------*- C++ -*-===//
//
// The .onnx -> MLIR translation. Its implementation is the only code that
// sees ONNX's protobuf classes; this header does not.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ONNX_TRANSLATION_IMPORT_H
#define ATTIC_DIALECTS_ONNX_TRANSLATION_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace mlir::onnxir {

/// A shape to give a graph input in place of its declared one (whose
/// symbolic dimensions it fixes): the model is specialized to it before
/// shape inference, so that every shape computed from it is static.
struct InputShape {
  std::string name;
  SmallVector<int64_t> shape;
};

/// Imports an ONNX model, `bytes` being its serialized ModelProto and
/// `modelPath` the file it came from (named in messages; external data is
/// read relative to its folder). The module holds one func.func, named
/// after the graph, whose arguments are the graph's inputs (those without
/// an initializer) and whose results are its outputs; initializers become
/// onnx.Constant ops; each node becomes one onnx op (a typed one when the
/// dialect has it for the node's default-domain type at opsets 13 to 27,
/// onnx.Node otherwise). Value types come from the model's declarations
/// and ONNX shape inference. Every problem is reported as one error
/// naming the node or value and the reason, and gives null. Each of
/// `inputShapes` must name a graph input and agree with its declared rank
/// and static dimensions.
OwningOpRef<ModuleOp> importModel(MLIRContext *context, llvm::StringRef bytes,
                                  llvm::StringRef modelPath,
                                  ArrayRef<InputShape> inputShapes = {});

} // namespace mlir::onnxir

#endif // ATTIC_DIALECTS_ONNX_TRANSLATION_IMPORT_H
