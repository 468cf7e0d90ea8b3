//===- AtticOps.h - Attic operations ----------------------------*- C++ -*-===//
//
// The semantic ops of the attic dialect: softmax family, attention, linear
// attention, losses and top-k softmax.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ATTIC_ATTICOPS_H
#define ATTIC_DIALECTS_ATTIC_ATTICOPS_H

#include "dialects/attic/AtticDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/attic/AtticOps.h.inc"

#endif // ATTIC_DIALECTS_ATTIC_ATTICOPS_H
