//===- PassPlugin.cpp - Attic's passes for a stock mlir-opt ---------------===//
//
//   mlir-opt --load-dialect-plugin=libAtticDialectPlugin.so \
//            --load-pass-plugin=libAtticPassPlugin.so \
//            --attic-flash-attention in.mlir
//
// registers every Attic pass and the attic-cpu-pipeline and
// attic-cuda-pipeline pipelines. The
// dialects Attic's passes produce are loaded by the passes themselves; the
// attic dialect needed to parse the input comes from the dialect plugin.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Pipeline.h"
#include "codegen/gpu/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

namespace mlir::attic {
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace mlir::attic

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "AtticPasses", LLVM_VERSION_STRING, [] {
            mlir::attic::registerAtticPasses();
            mlir::attic::registerCpuPipeline();
            mlir::attic::registerCudaPipeline();
          }};
}
