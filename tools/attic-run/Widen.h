//===- Widen.h - A module's f32 computation in f64 --------------*- C++ -*-===//
//
// attic-run's --wide-reference compiles the reference with every f32 value
// widened to f64, so that a candidate is compared with a result whose own
// rounding error is about 2^-29 times smaller: the comparison then measures
// the candidate's error alone instead of the sum of two f32 errors.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_TOOLS_ATTIC_RUN_WIDEN_H
#define ATTIC_TOOLS_ATTIC_RUN_WIDEN_H

#include "codegen/cpu/HostArray.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::attic::run {

/// Rewrites `module` in place so that every f32 type (as a scalar or as the
/// element of a shaped type) becomes f64: function signatures, results,
/// block arguments and arith.constant values. Conversions that become
/// f64 to f64 disappear. Fails, with a diagnostic, when the result does not
/// verify (an op that requires f32 itself, such as a bitcast to i32).
LogicalResult widenF32ToF64(ModuleOp module);

/// `array` with its element type changed to `elementType`, values converted
/// through double; `array` itself when the types already agree.
cpu::HostArray convertArray(const cpu::HostArray &array, Type elementType);

} // namespace mlir::attic::run

#endif // ATTIC_TOOLS_ATTIC_RUN_WIDEN_H
