//===- InitAll.cpp - The one registration entry point of Attic ------------===//

#include "tools/init/InitAll.h"

#include "codegen/cpu/Pipeline.h"
#include "codegen/gpu/Pipeline.h"
#include "dialects/attic/AtticDialect.h"
#include "dialects/onnx/ONNXDialect.h"
#include "passes/Passes.h"
#include "passes/transform/TransformOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/AllInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace mlir::attic {
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

void attic::registerAllDialects(DialectRegistry &registry) {
  registry.insert<attic::AtticDialect, onnxir::ONNXDialect,
                  // Tensor-level IR the reference lowering and forms produce.
                  arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                  // Buffers, vectors and loops of the CPU pipeline.
                  affine::AffineDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, index::IndexDialect,
                  memref::MemRefDialect, ub::UBDialect, vector::VectorDialect,
                  // Inputs from other frontends (attic-raise-tosa).
                  tosa::TosaDialect,
                  // Targets and scripting.
                  gpu::GPUDialect, LLVM::LLVMDialect, NVVM::NVVMDialect,
                  transform::TransformDialect>();
}

void attic::registerAllExtensions(DialectRegistry &registry) {
  mlir::registerAllExtensions(registry);
  // Interface implementations that upstream registers with its dialects
  // (bufferization, tiling) rather than in registerAllExtensions.
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  cf::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerAllDialectInterfaceImplementations(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  registerCudaExtensions(registry);
  // transform.attic.*: the forms for transform scripts.
  registerTransformDialectExtension(registry);
}

void attic::registerAllPasses() {
  mlir::registerAllPasses();
  registerAtticPasses();
  registerCpuPipeline();
  registerCudaPipeline();
}
