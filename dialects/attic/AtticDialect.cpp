//===- AtticDialect.cpp - Attic dialect registration ----------------------===//
//
// Registers the attic ops and attributes with the dialect.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticDialect.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::attic;

#include "dialects/attic/AtticDialect.cpp.inc"
#include "dialects/attic/AtticEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/attic/AtticAttrs.cpp.inc"

void AtticDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/attic/AtticOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/attic/AtticAttrs.cpp.inc"
      >();
}
