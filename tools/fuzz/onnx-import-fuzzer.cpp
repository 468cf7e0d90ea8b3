//===- onnx-import-fuzzer.cpp - libFuzzer target of the ONNX importer -----===//
//
// Feeds arbitrary bytes to the .onnx importer as a model file: each input
// must give a verified module or an error, never a crash, a hang or a
// memory error (the importer is built with AddressSanitizer and coverage
// instrumentation here). Errors are swallowed; the test command runs this
// for a bounded time on a corpus of small models.
//
//   onnx-import-fuzzer -max_total_time=30 CORPUS_DIR
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/translation/Import.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: what one import uniques does not pile up.
  mlir::MLIRContext context;
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::onnxir::importModel(
      &context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx");
  return 0;
}
