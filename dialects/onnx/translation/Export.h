//===- Export.h - The onnx dialect to ONNX models ---------------*- C++ -*-===//
//
// The MLIR -> .onnx translation, the reverse of Import.h. Its
// implementation sees ONNX's protobuf classes; this header does not.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ONNX_TRANSLATION_EXPORT_H
#define ATTIC_DIALECTS_ONNX_TRANSLATION_EXPORT_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::onnxir {

/// Serializes `module` as an ONNX ModelProto into `bytes`. The module holds
/// one func.func of onnx ops (as importModel makes it): its arguments and
/// results become the graph's inputs and outputs (named by their
/// `onnx.name` attributes), onnx.Constant ops initializers, every other op
/// a node (onnx.Node as it was read), typed values value_info. The default
/// domain's opset is the module's `onnx.opset_import`, raised to at least
/// 18 (the dialect's ops have the latest spellings: reductions take their
/// axes as an input) and to what the ops need (Attention: 23, or 24 with
/// nonpad_kv_seqlen, 25 with windows; LinearAttention: 27); the IR version
/// follows. Any other op, or a value of a type ONNX cannot hold, is one
/// error on it, and the function fails.
LogicalResult exportModel(ModuleOp module, std::string &bytes);

} // namespace mlir::onnxir

#endif // ATTIC_DIALECTS_ONNX_TRANSLATION_EXPORT_H
