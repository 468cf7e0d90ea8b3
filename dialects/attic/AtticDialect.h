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

#endif // ATTIC_DIALECTS_ATTIC_ATTICDIALECT_H
