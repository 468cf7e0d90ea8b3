//===- Compare.h - Results against expected values --------------*- C++ -*-===//

#ifndef ATTIC_TOOLS_DATA_COMPARE_H
#define ATTIC_TOOLS_DATA_COMPARE_H

#include "codegen/cpu/HostArray.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::attic::run {

/// How results are judged: |got - expected| <= atol + allowance + atolOfMax
/// * max|expected| + rtol |expected| elementwise; an approximation is only
/// required to stay finite where the expected value is.
struct Tolerances {
  double rtol = 1e-5;
  double atol = 1e-6;
  double atolOfMax = 0.0;
  bool approximate = false;
};

/// `tensor<2x3xf32>` for an array of that shape and type.
std::string shapeString(const cpu::HostArray &array);

/// Compares `got` with `expected` and prints, on one line ending in a
/// newline, the largest absolute and relative errors (and the relative l2
/// error of an approximation) and the verdict: "ok", "approximate, not
/// judged", or where it first mismatches. NaN matches NaN, and an infinity
/// the same infinity. Returns whether they agree.
bool compareArrays(const cpu::HostArray &got, const cpu::HostArray &expected,
                   const Tolerances &tolerances, double allowance,
                   llvm::raw_ostream &os);

} // namespace mlir::attic::run

#endif // ATTIC_TOOLS_DATA_COMPARE_H
