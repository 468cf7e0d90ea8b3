//===- Softmax.cpp - The softmax forms as GPU kernels ---------------------===//
//
// The input is viewed as [outer, length, inner] around the axis; a thread
// block handles the row (o, :, i). Its threads stride over the row folding
// elements into their pair (SoftmaxAlgebra), the block merges the pairs,
// and a second strided pass writes the outputs from the row's pair.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/SoftmaxAlgebra.h"
#include "codegen/gpu/KernelBuilder.h"
#include "codegen/gpu/Kernels.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

/// Threads per row: enough for four elements each, a power of two from one
/// warp to 1024; 256 when the length is not known.
int64_t threadsForRow(int64_t length) {
  if (ShapedType::isDynamic(length))
    return 256;
  int64_t perFour = llvm::PowerOf2Ceil(llvm::divideCeil(length, 4));
  return std::clamp<int64_t>(perFour, kWarpSize, 1024);
}

struct SoftmaxFormInfo {
  Value input;
  int64_t axis;
  SoftmaxKind kind;
  bool keepDim;
  RankedTensorType resultType;
  const SoftmaxAlgebra *algebra;
};

FailureOr<SoftmaxFormInfo> getInfo(Operation *op) {
  if (auto online = dyn_cast<OnlineSoftmaxOp>(op))
    return SoftmaxFormInfo{online.getInput(), online.getAxisIndex(),
                           online.getKind(),  online.getKeepDim(),
                           online.getType(),  &onlineSoftmaxAlgebra()};
  if (auto twoPass = dyn_cast<TwoPassSoftmaxOp>(op))
    return SoftmaxFormInfo{twoPass.getInput(), twoPass.getAxisIndex(),
                           twoPass.getKind(),  twoPass.getKeepDim(),
                           twoPass.getType(),  &twoPassSoftmaxAlgebra()};
  return failure();
}

} // namespace

LogicalResult cuda::lowerSoftmaxFormToGpu(RewriterBase &rewriter,
                                          Operation *op) {
  FailureOr<SoftmaxFormInfo> info = getInfo(op);
  if (failed(info))
    return failure();
  Location loc = op->getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Value input = info->input;
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank(), axis = info->axis;
  Type elt = inputType.getElementType();
  FloatType acc = accumulatorType(elt);
  const SoftmaxAlgebra &algebra = *info->algebra;
  bool rowResult = info->kind == SoftmaxKind::logsumexp;

  Value outer = sizeProduct(rewriter, loc, input, 0, axis);
  Value length = sizeProduct(rewriter, loc, input, axis, axis + 1);
  Value inner = sizeProduct(rewriter, loc, input, axis + 1, rank);
  Value rows = arith::MulIOp::create(rewriter, loc, outer, inner);
  Value stride = arith::MulIOp::create(rewriter, loc, length, inner);

  // The result's dynamic sizes: the input's, without the axis for a
  // logsumexp that does not keep it.
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!inputType.isDynamicDim(d))
      continue;
    if (rowResult && d == axis)
      continue;
    dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
  }
  Value in = flatBuffer(rewriter, loc, input);
  ResultBuffer out =
      allocateResult(rewriter, loc, info->resultType, dynamicSizes);

  int64_t threads = threadsForRow(inputType.getDimSize(axis));
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  SmallVector<std::pair<Type, int64_t>> shared(2, {acc, threads / kWarpSize});
  gpu::LaunchOp launch =
      createLaunch(rewriter, loc, {rows, one, one}, threads, shared);
  OpBuilder &b = rewriter;
  Value thread = launch.getThreadIds().x, row = launch.getBlockIds().x;
  Value step = arith::ConstantIndexOp::create(b, loc, threads);
  Value base = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, row, inner),
                            stride),
      arith::RemUIOp::create(b, loc, row, inner));
  auto at = [&](OpBuilder &nb, Location l, Value k) -> Value {
    return arith::AddIOp::create(nb, l, base,
                                 arith::MulIOp::create(nb, l, k, inner));
  };

  // Pass 1: this thread's pair, then the row's.
  SmallVector<Value> init = {constF(b, loc, acc, algebra.init0),
                             constF(b, loc, acc, algebra.init1)};
  auto fold = scf::ForOp::create(
      b, loc, thread, length, step, init,
      [&](OpBuilder &nb, Location l, Value k, ValueRange pair) {
        Value x = castFloat(
            nb, l, memref::LoadOp::create(nb, l, in, at(nb, l, k)), acc);
        auto [a0, a1] = algebra.element(nb, l, x, pair[0], pair[1]);
        scf::YieldOp::create(nb, l, ValueRange{a0, a1});
      });
  SmallVector<Value> pair =
      reduceBlock(b, loc, fold.getResults(), init, thread, threads,
                  launch.getWorkgroupAttributions(),
                  [&](OpBuilder &nb, Location l, ValueRange x,
                      ValueRange y) -> SmallVector<Value> {
                    auto [a0, a1] =
                        algebra.merge(nb, l, x[0], x[1], y[0], y[1]);
                    return {a0, a1};
                  });

  // Pass 2: the outputs.
  if (rowResult) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value first =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, thread, zero);
    scf::IfOp::create(b, loc, first, [&](OpBuilder &nb, Location l) {
      Value r = algebra.finish(nb, l, info->kind, Value(), pair[0], pair[1]);
      memref::StoreOp::create(nb, l, castFloat(nb, l, r, elt), out.flat, row);
      scf::YieldOp::create(nb, l);
    });
  } else {
    scf::ForOp::create(
        b, loc, thread, length, step, ValueRange{},
        [&](OpBuilder &nb, Location l, Value k, ValueRange) {
          Value index = at(nb, l, k);
          Value x =
              castFloat(nb, l, memref::LoadOp::create(nb, l, in, index), acc);
          Value y = algebra.finish(nb, l, info->kind, x, pair[0], pair[1]);
          memref::StoreOp::create(nb, l, castFloat(nb, l, y, elt), out.flat,
                                  index);
          scf::YieldOp::create(nb, l);
        });
  }

  rewriter.setInsertionPointAfter(launch);
  rewriter.replaceOp(op, resultTensor(rewriter, loc, out, info->resultType));
  return success();
}
