//===- AtticDialect.h - Attic dialect and attributes ------------*- C++ -*-===//
//
// The attic dialect class and its enumeration attributes.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ATTIC_ATTICDIALECT_H
#define ATTIC_DIALECTS_ATTIC_ATTICDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "dialects/attic/AtticDialect.h.inc"
#include "dialects/attic/AtticEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/attic/AtticAttrs.h.inc"

namespace mlir::attic {

/// Whether `kernel` factorizes as phi(q).phi(k) (linear attention).
inline bool isFeatureMapKernel(AttentionKernel kernel) {
  return kernel == AttentionKernel::elu_plus_one ||
         kernel == AttentionKernel::relu ||
         kernel == AttentionKernel::squared_relu;
}

} // namespace mlir::attic

#endif // ATTIC_DIALECTS_ATTIC_ATTICDIALECT_H
