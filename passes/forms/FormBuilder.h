//===- FormBuilder.h - A form op in place of a semantic op ------*- C++ -*-===//
//
// A form op takes every operand and attribute of the semantic op it
// computes, plus its own (block or chunk sizes): building it from the
// semantic op's attribute dictionary keeps every attribute, present and
// future, without listing them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_FORMS_FORMBUILDER_H
#define ATTIC_PASSES_FORMS_FORMBUILDER_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::attic {

/// Creates a `FormOp` before `op` with its operands, result types and
/// attributes, and `extra` attributes of the form.
template <typename FormOp>
FormOp createFormOf(RewriterBase &rewriter, Operation *op,
                    ArrayRef<NamedAttribute> extra) {
  rewriter.setInsertionPoint(op);
  SmallVector<NamedAttribute> attrs(op->getAttrs());
  attrs.append(extra.begin(), extra.end());
  return FormOp::create(rewriter, op->getLoc(), op->getResultTypes(),
                        op->getOperands(), attrs);
}

} // namespace mlir::attic

#endif // ATTIC_PASSES_FORMS_FORMBUILDER_H
