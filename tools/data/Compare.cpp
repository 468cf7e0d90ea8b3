//===- Compare.cpp - Results against expected values ----------------------===//

#include "tools/data/Compare.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::attic;
using cpu::HostArray;

std::string run::shapeString(const HostArray &array) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "tensor<";
  for (int64_t d : array.shape)
    os << d << "x";
  os << array.elementType << ">";
  return s;
}

bool run::compareArrays(const HostArray &got, const HostArray &expected,
                        const Tolerances &tolerances, double allowance,
                        llvm::raw_ostream &os) {
  if (got.shape != expected.shape) {
    os << "shape " << shapeString(got) << " differs from "
       << shapeString(expected) << "\n";
    return false;
  }
  bool approximate = tolerances.approximate;
  double tolerance = tolerances.atol + allowance;
  if (tolerances.atolOfMax > 0) {
    double largest = 0;
    for (int64_t i = 0, n = expected.numElements(); i < n; ++i) {
      double e = std::fabs(expected.getAsDouble(i));
      if (std::isfinite(e))
        largest = std::max(largest, e);
    }
    tolerance += tolerances.atolOfMax * largest;
  }
  double maxAbs = 0, maxRel = 0, squaredError = 0, squaredNorm = 0;
  int64_t bad = 0, firstBad = -1;
  for (int64_t i = 0, n = got.numElements(); i < n; ++i) {
    double a = got.getAsDouble(i), e = expected.getAsDouble(i);
    if ((std::isnan(a) && std::isnan(e)) || (std::isinf(e) && a == e))
      continue;
    double diff = std::fabs(a - e);
    if (std::isnan(diff))
      diff = INFINITY;
    maxAbs = std::max(maxAbs, diff);
    if (e != 0)
      maxRel = std::max(maxRel, diff / std::fabs(e));
    squaredError += diff * diff;
    squaredNorm += e * e;
    // An approximation is judged only on staying finite.
    bool wrong = approximate
                     ? !std::isfinite(a) && std::isfinite(e)
                     : !(diff <= tolerance + tolerances.rtol * std::fabs(e));
    if (wrong) {
      if (firstBad < 0)
        firstBad = i;
      ++bad;
    }
  }
  os << llvm::formatv("max abs error {0:e3}, max rel error {1:e3}", maxAbs,
                      maxRel);
  if (approximate)
    os << llvm::formatv(", relative l2 error {0:e3}",
                        squaredNorm > 0 ? std::sqrt(squaredError / squaredNorm)
                                        : std::sqrt(squaredError));
  os << llvm::formatv(" over {0} elements", got.numElements());
  if (allowance > 0)
    os << llvm::formatv(" (f32 reference: {0:e3})", allowance);
  if (bad && approximate) {
    os << llvm::formatv(": NON-FINITE in {0} elements\n", bad);
    return false;
  }
  if (bad) {
    SmallVector<int64_t> at(got.shape.size());
    int64_t rest = firstBad;
    for (int64_t d = static_cast<int64_t>(at.size()) - 1; d >= 0; --d) {
      at[d] = rest % got.shape[d];
      rest /= got.shape[d];
    }
    os << llvm::formatv(
        ": MISMATCH in {0} elements, first at [{1}]: got {2}, expected {3}\n",
        bad, llvm::make_range(at.begin(), at.end()),
        llvm::format("%.9g", got.getAsDouble(firstBad)),
        llvm::format("%.9g", expected.getAsDouble(firstBad)));
    return false;
  }
  os << (approximate ? ": approximate, not judged\n" : ": ok\n");
  return true;
}
