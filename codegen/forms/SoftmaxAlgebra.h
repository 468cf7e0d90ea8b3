//===- SoftmaxAlgebra.h - Scalar steps of the softmax forms -----*- C++ -*-===//
//
// The online and two-pass softmax forms reduce each row to a pair of
// scalars and then compute every output from its element and that pair.
// These are the scalar steps, shared by the CPU lowering (inside linalg
// bodies) and the GPU kernels (inside thread code): fold one element into
// a pair, merge two pairs (lanes, warps), and finish an output.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_FORMS_SOFTMAXALGEBRA_H
#define ATTIC_CODEGEN_FORMS_SOFTMAXALGEBRA_H

#include "dialects/attic/AtticDialect.h"

#include "mlir/IR/Builders.h"

#include <utility>

namespace mlir::attic {

/// How one softmax form reduces a row. Values are in the accumulator type.
struct SoftmaxAlgebra {
  /// The pair of an empty row.
  double init0, init1;
  /// The pair covering the elements of `(acc0, acc1)` and `x`.
  std::pair<Value, Value> (*element)(OpBuilder &b, Location loc, Value x,
                                     Value acc0, Value acc1);
  /// The pair covering the elements of two pairs.
  std::pair<Value, Value> (*merge)(OpBuilder &b, Location loc, Value acc0,
                                   Value acc1, Value other0, Value other1);
  /// From a row's pair: softmax or log_softmax of its element `x`, or
  /// logsumexp (`x` unused). An all -inf row gives 0, -inf and -inf.
  Value (*finish)(OpBuilder &b, Location loc, SoftmaxKind kind, Value x,
                  Value acc0, Value acc1);
};

/// Online normalizer: the pair is (running maximum, sum of exp(x - max)),
/// one exponential per element.
const SoftmaxAlgebra &onlineSoftmaxAlgebra();

/// Two-pass: the pair is (mantissa sum M, largest exponent N) of the
/// elements' exp(x) = m 2^n, no maximum needed first.
const SoftmaxAlgebra &twoPassSoftmaxAlgebra();

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_FORMS_SOFTMAXALGEBRA_H
