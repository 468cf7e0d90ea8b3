//===- SymbolicShapes.h - Shapes of onnx values as symbols ------*- C++ -*-===//
//
// Models exported with dynamic axes compute their shapes at run time
// (Shape -> Gather -> Concat -> Reshape). This analysis gives every value
// of a function of onnx ops a symbolic shape, and every small integer
// tensor (a shape, an index) symbolic values: integer polynomials over the
// model's symbolic dimensions. A dimension the graph names (`onnx.dims` on
// the function's arguments, from ONNX's dim_param) is one symbol wherever
// it appears, so that two tensors of shape [batch, 8, seq, 64] are known
// to agree and seq - seq is 0; any other unknown dimension is a symbol of
// its own.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECTS_ONNX_SYMBOLICSHAPES_H
#define ATTIC_DIALECTS_ONNX_SYMBOLICSHAPES_H

#include "mlir/IR/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace mlir::onnxir {

/// An integer polynomial over symbols: a sum of coefficient x product of
/// symbols.
class DimExpr {
public:
  DimExpr() = default;
  static DimExpr constant(int64_t c);
  static DimExpr symbol(unsigned id);

  /// The value when the polynomial is a constant.
  std::optional<int64_t> getConstant() const;
  bool isConstant(int64_t c) const { return getConstant() == c; }

  DimExpr operator+(const DimExpr &other) const;
  DimExpr operator-(const DimExpr &other) const;
  DimExpr operator*(const DimExpr &other) const;
  /// The exact quotient by `other`, when `other` is one term dividing each
  /// term of this polynomial (or both are constants and divide exactly).
  std::optional<DimExpr> divide(const DimExpr &other) const;
  /// Whether the polynomial is known to be at least 0 for all sizes of
  /// its symbols (which are dimensions): no coefficient is negative.
  bool isNonNegative() const;
  bool operator==(const DimExpr &other) const { return terms == other.terms; }
  bool operator!=(const DimExpr &other) const { return !(*this == other); }

private:
  /// Monomial (sorted symbols, with repetition) -> nonzero coefficient.
  std::map<std::vector<unsigned>, int64_t> terms;
};

using SymbolicShape = SmallVector<DimExpr, 4>;

/// The symbolic shapes and values of onnx values, computed on demand from
/// their defining ops (and memoized): make one for a query, or for a pass
/// over IR that does not change meanwhile.
class SymbolicShapes {
public:
  /// The shapes of the results of an op of another dialect (which the
  /// analysis has no rules for) from its operands' shapes (none where
  /// unknown); none for a result it cannot tell.
  using ForeignRule = std::function<SmallVector<std::optional<SymbolicShape>>(
      Operation *, ArrayRef<std::optional<SymbolicShape>>)>;

  SymbolicShapes() = default;
  /// An analysis that also sees through other dialects' ops (those that
  /// keep their operands' shape need no rule).
  explicit SymbolicShapes(ForeignRule foreign) : foreign(std::move(foreign)) {}

  /// The shape of a ranked tensor value.
  std::optional<SymbolicShape> shapeOf(Value value);
  /// The elements (row-major) of an integer tensor of at most a few
  /// elements whose values the graph computes from shapes and constants.
  std::optional<SymbolicShape> valuesOf(Value value);

  /// Whether dimension `i` of `a` and `j` of `b` are known equal.
  bool sameDim(Value a, int64_t i, Value b, int64_t j);
  /// Dimension `i` (negative from the end) of `value`, when known.
  std::optional<DimExpr> dimOf(Value value, int64_t i);

private:
  struct Info {
    std::optional<SymbolicShape> shape, values;
  };
  const Info &infoOf(Value value);
  void compute(Operation *op);
  Info fromType(Value value);
  DimExpr fresh(const void *key, unsigned index);
  /// The NumPy broadcast of two shapes; a dimension it cannot tell is a
  /// symbol of `op`'s.
  SymbolicShape broadcastShapes(const SymbolicShape &a, const SymbolicShape &b,
                                Operation *op);
  unsigned named(StringRef name);

  ForeignRule foreign;
  llvm::DenseMap<Value, Info> infos;
  llvm::StringMap<unsigned> names;
  llvm::DenseMap<std::pair<const void *, unsigned>, unsigned> freshSymbols;
  unsigned numSymbols = 0;
};

} // namespace mlir::onnxir

#endif // ATTIC_DIALECTS_ONNX_SYMBOLICSHAPES_H
