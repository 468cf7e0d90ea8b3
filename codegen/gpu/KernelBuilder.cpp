//===- KernelBuilder.cpp - Pieces of Attic's GPU kernels ------------------===//

#include "codegen/gpu/KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;

namespace {

/// A row-major buffer viewed as one dimension.
Value flatten(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 1)
    return buffer;
  if (type.getRank() == 0)
    return memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({1}, type.getElementType()), buffer,
        ArrayRef<ReassociationIndices>{},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return memref::CollapseShapeOp::create(b, loc, buffer,
                                         ArrayRef<ReassociationIndices>{all});
}

} // namespace

Value cuda::flatBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  Value buffer = bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                                   /*read_only=*/true);
  return flatten(b, loc, buffer);
}

ResultBuffer cuda::allocateResult(OpBuilder &b, Location loc,
                                  RankedTensorType type,
                                  ValueRange dynamicSizes) {
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  Value buffer = memref::AllocOp::create(b, loc, memrefType, dynamicSizes);
  return {buffer, flatten(b, loc, buffer)};
}

Value cuda::resultTensor(OpBuilder &b, Location loc, const ResultBuffer &result,
                         RankedTensorType type) {
  return bufferization::ToTensorOp::create(b, loc, type, result.buffer,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

Value cuda::sizeProduct(OpBuilder &b, Location loc, Value tensor, int64_t from,
                        int64_t to) {
  auto type = cast<RankedTensorType>(tensor.getType());
  int64_t known = 1;
  Value product;
  for (int64_t d = from; d < to; ++d) {
    if (!type.isDynamicDim(d)) {
      known *= type.getDimSize(d);
      continue;
    }
    Value size = tensor::DimOp::create(b, loc, tensor, d);
    product = product ? arith::MulIOp::create(b, loc, product, size) : size;
  }
  Value constant = arith::ConstantIndexOp::create(b, loc, known);
  if (!product)
    return constant;
  return known == 1 ? product
                    : arith::MulIOp::create(b, loc, product, constant);
}

gpu::LaunchOp cuda::createLaunch(OpBuilder &b, Location loc,
                                 std::array<Value, 3> grid, int64_t threads,
                                 ArrayRef<std::pair<Type, int64_t>> shared) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value blockSize = arith::ConstantIndexOp::create(b, loc, threads);
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  SmallVector<Type> sharedTypes;
  for (auto [type, size] : shared)
    sharedTypes.push_back(
        MemRefType::get({size}, type, AffineMap(), workgroup));
  auto launch = gpu::LaunchOp::create(
      b, loc, grid[0], grid[1], grid[2], blockSize, one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, sharedTypes);
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  auto terminator = gpu::TerminatorOp::create(b, loc);
  b.setInsertionPoint(terminator);
  return launch;
}

void cuda::fillTile(
    OpBuilder &b, Location loc, Value tile, int64_t rows, int64_t cols,
    Value thread, int64_t threads,
    function_ref<Value(OpBuilder &, Location, Value, Value)> element) {
  scf::ForOp::create(
      b, loc, thread, arith::ConstantIndexOp::create(b, loc, rows * cols),
      arith::ConstantIndexOp::create(b, loc, threads), ValueRange{},
      [&](OpBuilder &nb, Location l, Value e, ValueRange) {
        Value width = arith::ConstantIndexOp::create(nb, l, cols);
        Value row = arith::DivUIOp::create(nb, l, e, width);
        Value col = arith::RemUIOp::create(nb, l, e, width);
        memref::StoreOp::create(nb, l, element(nb, l, row, col), tile,
                                ValueRange{e});
        scf::YieldOp::create(nb, l);
      });
}

SmallVector<ThreadEntry> cuda::threadEntries(OpBuilder &b, Location loc,
                                             Value thread, int64_t threads,
                                             int64_t rows, int64_t cols) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  int64_t n = rows * cols;
  SmallVector<ThreadEntry> entries;
  for (int64_t i = 0, e = llvm::divideCeil(n, threads); i < e; ++i) {
    Value index = arith::AddIOp::create(b, loc, thread, c(i * threads));
    Value at = arith::MinUIOp::create(b, loc, index, c(n - 1));
    entries.push_back({arith::DivUIOp::create(b, loc, at, c(cols)),
                       arith::RemUIOp::create(b, loc, at, c(cols)),
                       arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             index, c(n))});
  }
  return entries;
}

Value cuda::shuffleXor(OpBuilder &b, Location loc, Value value,
                       int64_t offset) {
  Type type = value.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 32)
    return gpu::ShuffleOp::create(b, loc, value, offset, kWarpSize,
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  // 64 bits: the two halves, one shuffle each.
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Value bits = type.isInteger(64)
                   ? value
                   : arith::BitcastOp::create(b, loc, i64, value).getResult();
  Value shift = arith::ConstantIntOp::create(b, loc, i64, 32);
  Value low = arith::TruncIOp::create(b, loc, i32, bits);
  Value high = arith::TruncIOp::create(
      b, loc, i32, arith::ShRUIOp::create(b, loc, bits, shift));
  auto shuffle = [&](Value half) -> Value {
    Value other = gpu::ShuffleOp::create(b, loc, half, offset, kWarpSize,
                                         gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    return arith::ExtUIOp::create(b, loc, i64, other);
  };
  Value combined =
      arith::OrIOp::create(b, loc, shuffle(low),
                           arith::ShLIOp::create(b, loc, shuffle(high), shift));
  return type.isInteger(64)
             ? combined
             : arith::BitcastOp::create(b, loc, type, combined).getResult();
}

SmallVector<Value> cuda::reduceLanes(OpBuilder &b, Location loc,
                                     ValueRange values, int64_t width,
                                     MergeFn merge) {
  SmallVector<Value> current(values);
  for (int64_t offset = width / 2; offset >= 1; offset /= 2) {
    SmallVector<Value> others;
    for (Value v : current)
      others.push_back(shuffleXor(b, loc, v, offset));
    current = merge(b, loc, current, others);
  }
  return current;
}

SmallVector<Value> cuda::reduceBlock(OpBuilder &b, Location loc,
                                     ValueRange values, ValueRange identity,
                                     Value thread, int64_t threads,
                                     ValueRange shared, MergeFn merge) {
  SmallVector<Value> inWarp = reduceLanes(b, loc, values, kWarpSize, merge);
  int64_t warps = threads / kWarpSize;
  if (warps == 1)
    return inWarp;
  Value warpSize = arith::ConstantIndexOp::create(b, loc, kWarpSize);
  Value lane = arith::RemUIOp::create(b, loc, thread, warpSize);
  Value warp = arith::DivUIOp::create(b, loc, thread, warpSize);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  // Lane 0 of each warp publishes the warp's values.
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, zero);
  scf::IfOp::create(b, loc, first, [&](OpBuilder &nb, Location l) {
    for (auto [v, buffer] : llvm::zip(inWarp, shared))
      memref::StoreOp::create(nb, l, v, buffer, ValueRange{warp});
    scf::YieldOp::create(nb, l);
  });
  gpu::BarrierOp::create(b, loc);
  // Every warp merges the published values (identity past the last warp).
  Value lastWarp = arith::ConstantIndexOp::create(b, loc, warps - 1);
  Value at = arith::MinUIOp::create(b, loc, lane, lastWarp);
  Value valid =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, lane, lastWarp);
  SmallVector<Value> published;
  for (auto [buffer, none] : llvm::zip(shared, identity)) {
    Value v = memref::LoadOp::create(b, loc, buffer, ValueRange{at});
    published.push_back(arith::SelectOp::create(b, loc, valid, v, none));
  }
  // Over the whole warp, so that every lane (not only the first `warps`)
  // ends with the total.
  SmallVector<Value> result = reduceLanes(b, loc, published, kWarpSize, merge);
  // The buffers may be reused once every warp has read them.
  gpu::BarrierOp::create(b, loc);
  return result;
}
