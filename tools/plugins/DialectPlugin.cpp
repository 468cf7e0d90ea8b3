//===- DialectPlugin.cpp - Attic's dialects for a stock mlir-opt ----------===//
//
//   mlir-opt --load-dialect-plugin=libAtticDialectPlugin.so in.mlir
//
// registers the attic and onnx dialects, so that a tool built against the
// same libMLIR.so parses, verifies and prints Attic IR, and Attic's
// transform ops (transform.attic.*) for --transform-interpreter.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticDialect.h"
#include "dialects/onnx/ONNXDialect.h"
#include "passes/transform/TransformOps.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {
      MLIR_PLUGIN_API_VERSION, "Attic", LLVM_VERSION_STRING,
      [](mlir::DialectRegistry *registry) {
        registry
            ->insert<mlir::attic::AtticDialect, mlir::onnxir::ONNXDialect>();
        mlir::attic::registerTransformDialectExtension(*registry);
      }};
}
