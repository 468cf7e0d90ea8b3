//===- Passes.h - Attic pass declarations -----------------------*- C++ -*-===//
//
// Declarations of every Attic pass (generated from Passes.td) and the one
// function that registers them all.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_PASSES_H
#define ATTIC_PASSES_PASSES_H

#include "passes/forms/Transforms.h"
#include "passes/raise/Transforms.h"

#include "mlir/Pass/Pass.h"

namespace mlir::attic {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

} // namespace mlir::attic

#endif // ATTIC_PASSES_PASSES_H
