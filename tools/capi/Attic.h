/*===- Attic.h - C API of Attic ----------------------------------*- C -*-===*\
|*                                                                            *|
|* What a host embedding Attic from C (or any language with a C FFI) needs   *|
|* beside MLIR's own C API: the attic dialect's handle, the registration of  *|
|* every dialect Attic's pipelines use, and each Attic pass (generated from  *|
|* Passes.td: mlirCreateAttic<Pass>(), mlirRegisterAttic<Pass>() and         *|
|* mlirRegisterAtticPasses()). Link libAtticCAPI.so, which also carries      *|
|* MLIR's core C API.                                                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTIC_TOOLS_CAPI_ATTIC_H
#define ATTIC_TOOLS_CAPI_ATTIC_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__attic__(): the attic dialect alone.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Attic, attic);

/// Inserts into `registry` the attic and onnx dialects, the upstream
/// dialects Attic's lowerings produce, and their interface implementations
/// (bufferization, tiling, conversion to LLVM).
MLIR_CAPI_EXPORTED void
mlirAtticRegisterAllDialects(MlirDialectRegistry registry);

/// Registers Attic's passes and pipelines (attic-cpu-pipeline) by name, for
/// mlirParsePassPipeline and mlirOpPassManagerAddPipeline.
MLIR_CAPI_EXPORTED void mlirAtticRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#include "passes/Passes.capi.h.inc"

#endif // ATTIC_TOOLS_CAPI_ATTIC_H
