//===- TransformOps.h - Transform-dialect ops for Attic's forms -*- C++ -*-===//
//
// transform.attic.flash_attention, transform.attic.softmax_form and
// transform.attic.cut_cross_entropy: the form rewrites as transform ops.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_H
#define ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/IR/OpDefinition.h"

#define GET_OP_CLASSES
#include "passes/transform/TransformOps.h.inc"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::attic {

/// Adds Attic's ops to the transform dialect.
void registerTransformDialectExtension(DialectRegistry &registry);

} // namespace mlir::attic

#endif // ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_H
