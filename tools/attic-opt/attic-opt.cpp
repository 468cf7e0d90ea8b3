//===- attic-opt.cpp - The Attic optimizer driver -------------------------===//
//
// mlir-opt with the attic dialect and Attic's passes.
//
//===----------------------------------------------------------------------===//

#include "tools/init/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::attic::registerAllDialects(registry);
  mlir::attic::registerAllExtensions(registry);
  mlir::attic::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Attic optimizer driver\n", registry));
}
