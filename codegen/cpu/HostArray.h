//===- HostArray.h - Dense arrays in host memory ----------------*- C++ -*-===//
//
// The values compiled Attic functions take and return on the CPU: a dense,
// row-major array whose element type is an MLIR scalar type.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_CPU_HOSTARRAY_H
#define ATTIC_CODEGEN_CPU_HOSTARRAY_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace mlir::attic::cpu {

/// Bytes one element of `type` takes in memory (i1 takes a byte, as in
/// memrefs), or 0 when `type` is not a supported scalar (f16, bf16, f32, f64,
/// i1, i8, i16, i32, i64).
size_t elementBytes(Type type);

/// A dense row-major array: `data` holds `numElements() * elementBytes()`
/// bytes.
struct HostArray {
  Type elementType;
  SmallVector<int64_t> shape;
  std::vector<uint8_t> data;

  HostArray() = default;
  HostArray(Type elementType, ArrayRef<int64_t> shape);

  int64_t numElements() const;
  size_t elementBytes() const { return cpu::elementBytes(elementType); }
  /// Element `i` (row-major) widened to double (integers and i1 exactly
  /// where they fit).
  double getAsDouble(int64_t i) const;
  /// Stores `value` at element `i`, rounded to the element type.
  void setFromDouble(int64_t i, double value);
};

} // namespace mlir::attic::cpu

#endif // ATTIC_CODEGEN_CPU_HOSTARRAY_H
