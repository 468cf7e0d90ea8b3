//===- InitAll.h - The one registration entry point of Attic ----*- C++ -*-===//
//
// Every Attic tool registers dialects, passes and extensions through these
// functions, so all of them accept the same IR and the same pass names.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_TOOLS_INIT_INITALL_H
#define ATTIC_TOOLS_INIT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::attic {

/// The attic dialect and the upstream dialects Attic produces or consumes.
void registerAllDialects(DialectRegistry &registry);

/// External models and extensions those dialects need (bufferization,
/// inlining, conversion to LLVM, ...).
void registerAllExtensions(DialectRegistry &registry);

/// Attic's passes and the upstream passes.
void registerAllPasses();

} // namespace mlir::attic

#endif // ATTIC_TOOLS_INIT_INITALL_H
