//===- Attic.cpp - C API of Attic -----------------------------------------===//

#include "tools/capi/Attic.h"

#include "dialects/attic/AtticDialect.h"
#include "passes/Passes.h"
#include "tools/init/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::attic {
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Attic, attic, attic::AtticDialect)

void mlirAtticRegisterAllDialects(MlirDialectRegistry registry) {
  DialectRegistry *cpp = unwrap(registry);
  attic::registerAllDialects(*cpp);
  attic::registerAllExtensions(*cpp);
}

void mlirAtticRegisterAllPasses(void) { attic::registerAllPasses(); }

#include "passes/Passes.capi.cpp.inc"
