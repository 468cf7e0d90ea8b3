//===- HostArray.cpp - Dense arrays in host memory ------------------------===//

#include "codegen/cpu/HostArray.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cpu;

size_t cpu::elementBytes(Type type) {
  if (type.isF16() || type.isBF16())
    return 2;
  if (type.isF32())
    return 4;
  if (type.isF64())
    return 8;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 1:
    case 8:
      return 1;
    case 16:
      return 2;
    case 32:
      return 4;
    case 64:
      return 8;
    default:
      return 0;
    }
  }
  return 0;
}

HostArray::HostArray(Type elementType, ArrayRef<int64_t> shape)
    : elementType(elementType), shape(shape) {
  data.resize(numElements() * elementBytes());
}

int64_t HostArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {
template <typename T> T load(const std::vector<uint8_t> &data, int64_t i) {
  T value;
  std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));
  return value;
}
template <typename T>
void store(std::vector<uint8_t> &data, int64_t i, T value) {
  std::memcpy(data.data() + i * sizeof(T), &value, sizeof(T));
}

const llvm::fltSemantics &halfSemantics(Type type) {
  return type.isF16() ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
}
} // namespace

double HostArray::getAsDouble(int64_t i) const {
  Type t = elementType;
  if (t.isF16() || t.isBF16()) {
    llvm::APFloat value(halfSemantics(t),
                        llvm::APInt(16, load<uint16_t>(data, i)));
    bool lost;
    value.convert(llvm::APFloat::IEEEdouble(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    return value.convertToDouble();
  }
  if (t.isF32())
    return load<float>(data, i);
  if (t.isF64())
    return load<double>(data, i);
  switch (cast<IntegerType>(t).getWidth()) {
  case 1:
    return load<uint8_t>(data, i) != 0;
  case 8:
    return load<int8_t>(data, i);
  case 16:
    return load<int16_t>(data, i);
  case 32:
    return load<int32_t>(data, i);
  default:
    return static_cast<double>(load<int64_t>(data, i));
  }
}

void HostArray::setFromDouble(int64_t i, double value) {
  Type t = elementType;
  if (t.isF16() || t.isBF16()) {
    llvm::APFloat converted(value);
    bool lost;
    converted.convert(halfSemantics(t), llvm::APFloat::rmNearestTiesToEven,
                      &lost);
    store<uint16_t>(data, i, converted.bitcastToAPInt().getZExtValue());
    return;
  }
  if (t.isF32())
    return store<float>(data, i, static_cast<float>(value));
  if (t.isF64())
    return store<double>(data, i, value);
  switch (cast<IntegerType>(t).getWidth()) {
  case 1:
    return store<uint8_t>(data, i, value != 0);
  case 8:
    return store<int8_t>(data, i, static_cast<int8_t>(value));
  case 16:
    return store<int16_t>(data, i, static_cast<int16_t>(value));
  case 32:
    return store<int32_t>(data, i, static_cast<int32_t>(value));
  default:
    return store<int64_t>(data, i, static_cast<int64_t>(value));
  }
}
