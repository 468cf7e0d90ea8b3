//===- Emulate.cpp - Run GPU kernels on the CPU ---------------------------===//
//
// A gpu.launch_func becomes
//
//   workgroup buffers and a shuffle buffer of one word per thread
//   scf.for z, y, x over the grid:
//     omp.parallel num_threads(threads per block) {
//       thread = omp_get_thread_num()
//       <the kernel's body, its gpu ops replaced>
//     }
//
// gpu.barrier becomes omp.barrier; gpu.shuffle xor exchanges 32-bit words
// through the shuffle buffer across one barrier. The buffer has two halves
// used in turn (each thread counts its shuffles, and every thread of a block
// reaches the same shuffles), so a half is written again only two
// shuffles later, after a barrier that every read of it preceded.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::attic {
#define GEN_PASS_DEF_GPUEMULATEPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace {

constexpr StringLiteral kThreadNum = "omp_get_thread_num";

/// The values a kernel's ids and sizes take in one thread.
struct ThreadContext {
  gpu::KernelDim3 block, thread, blockSize, gridSize;
  Value linearThread, threads, shuffleBuffer;
  /// This thread's count of shuffles so far, modulo 2 (memref<1xindex>).
  Value shuffleParity;
};

Value dimOf(const gpu::KernelDim3 &dims, gpu::Dimension d) {
  switch (d) {
  case gpu::Dimension::x:
    return dims.x;
  case gpu::Dimension::y:
    return dims.y;
  case gpu::Dimension::z:
    return dims.z;
  }
  llvm_unreachable("unknown dimension");
}

/// `value` of thread `thread ^ offset` (or its own where that thread does
/// not exist), through the shuffle buffer.
Value emulateShuffle(OpBuilder &b, Location loc, gpu::ShuffleOp shuffle,
                     const ThreadContext &ctx) {
  Value value = shuffle.getValue();
  Type type = value.getType(), i32 = b.getI32Type();
  Value bits =
      type == i32 ? value : arith::BitcastOp::create(b, loc, i32, value);
  Value offset =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), shuffle.getOffset());
  Value partner = arith::XOrIOp::create(b, loc, ctx.linearThread, offset);
  Value exists = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       partner, ctx.threads);
  partner = arith::SelectOp::create(b, loc, exists, partner, ctx.linearThread);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value parity = memref::LoadOp::create(b, loc, ctx.shuffleParity, zero);
  memref::StoreOp::create(
      b, loc,
      arith::XOrIOp::create(b, loc, parity,
                            arith::ConstantIndexOp::create(b, loc, 1)),
      ctx.shuffleParity, zero);
  Value half = arith::MulIOp::create(b, loc, parity, ctx.threads);
  memref::StoreOp::create(
      b, loc, bits, ctx.shuffleBuffer,
      ValueRange{arith::AddIOp::create(b, loc, half, ctx.linearThread)});
  omp::BarrierOp::create(b, loc);
  Value other = memref::LoadOp::create(
      b, loc, ctx.shuffleBuffer,
      ValueRange{arith::AddIOp::create(b, loc, half, partner)});
  return type == i32 ? other : arith::BitcastOp::create(b, loc, type, other);
}

/// Replaces the gpu ops of a kernel body cloned into a thread.
LogicalResult replaceGpuOps(Region &body, const ThreadContext &ctx) {
  IRRewriter rewriter(body.getContext());
  SmallVector<Operation *> ops;
  body.walk([&](Operation *op) {
    if (op->getDialect() && isa<gpu::GPUDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    Location loc = op->getLoc();
    if (auto id = dyn_cast<gpu::ThreadIdOp>(op)) {
      rewriter.replaceOp(op, dimOf(ctx.thread, id.getDimension()));
    } else if (auto id = dyn_cast<gpu::BlockIdOp>(op)) {
      rewriter.replaceOp(op, dimOf(ctx.block, id.getDimension()));
    } else if (auto dim = dyn_cast<gpu::BlockDimOp>(op)) {
      rewriter.replaceOp(op, dimOf(ctx.blockSize, dim.getDimension()));
    } else if (auto dim = dyn_cast<gpu::GridDimOp>(op)) {
      rewriter.replaceOp(op, dimOf(ctx.gridSize, dim.getDimension()));
    } else if (isa<gpu::BarrierOp>(op)) {
      rewriter.replaceOpWithNewOp<omp::BarrierOp>(op);
    } else if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
      if (shuffle.getMode() != gpu::ShuffleMode::XOR ||
          shuffle.getValue().getType().getIntOrFloatBitWidth() != 32)
        return op->emitOpError("cannot be emulated: only 32-bit xor "
                               "shuffles are");
      Value result = emulateShuffle(rewriter, loc, shuffle, ctx);
      Value valid =
          arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
      rewriter.replaceOp(op, {result, valid});
    } else if (isa<gpu::ReturnOp>(op)) {
      rewriter.replaceOpWithNewOp<omp::TerminatorOp>(op);
    } else {
      return op->emitOpError("cannot be emulated on the CPU");
    }
  }
  return success();
}

LogicalResult emulateLaunch(gpu::LaunchFuncOp launch, gpu::GPUFuncOp kernel,
                            func::FuncOp threadNum) {
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  Type index = b.getIndexType();
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 blockSize = launch.getBlockSizeOperandValues();
  Value threads = arith::MulIOp::create(
      b, loc, arith::MulIOp::create(b, loc, blockSize.x, blockSize.y),
      blockSize.z);

  // Workgroup memory: a buffer of the same shape per launch (blocks run one
  // after another); the shuffle buffer.
  IRMapping mapping;
  for (auto [arg, operand] : llvm::zip_equal(
           kernel.getArguments().take_front(kernel.getNumArguments()),
           launch.getKernelOperands()))
    mapping.map(arg, operand);
  SmallVector<Value> buffers;
  for (BlockArgument attribution : kernel.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(attribution.getType());
    if (!type.hasStaticShape())
      return kernel.emitOpError("has a dynamic workgroup buffer");
    Value buffer = memref::AllocOp::create(
        b, loc, MemRefType::get(type.getShape(), type.getElementType()));
    buffers.push_back(buffer);
    mapping.map(attribution, buffer);
  }
  Value shuffleBuffer = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
      ValueRange{arith::MulIOp::create(b, loc, threads, c(2))});
  if (!kernel.getPrivateAttributions().empty())
    return kernel.emitOpError("has private attributions");

  Value zero = c(0), one = c(1);
  auto loopZ = scf::ForOp::create(b, loc, zero, grid.z, one);
  b.setInsertionPointToStart(loopZ.getBody());
  auto loopY = scf::ForOp::create(b, loc, zero, grid.y, one);
  b.setInsertionPointToStart(loopY.getBody());
  auto loopX = scf::ForOp::create(b, loc, zero, grid.x, one);
  b.setInsertionPointToStart(loopX.getBody());
  Value teamSize = arith::IndexCastOp::create(b, loc, b.getI32Type(), threads);
  auto team = omp::ParallelOp::create(
      b, loc, /*allocate_vars=*/ValueRange{}, /*allocator_vars=*/ValueRange{},
      /*if_expr=*/nullptr, /*num_threads=*/teamSize,
      /*private_vars=*/ValueRange{}, /*private_syms=*/nullptr,
      /*private_needs_barrier=*/false, /*proc_bind_kind=*/nullptr,
      /*reduction_mod=*/nullptr, /*reduction_vars=*/ValueRange{},
      /*reduction_byref=*/nullptr, /*reduction_syms=*/nullptr);
  kernel.getBody().cloneInto(&team.getRegion(), mapping);
  Block &entry = team.getRegion().front();
  if (entry.getNumArguments() != 0)
    return kernel.emitOpError("has arguments the launch does not give");

  b.setInsertionPointToStart(&entry);
  Value linear = arith::IndexCastOp::create(
      b, loc, index,
      func::CallOp::create(b, loc, threadNum, ValueRange{}).getResult(0));
  ThreadContext ctx;
  ctx.gridSize = grid;
  ctx.blockSize = blockSize;
  ctx.block = {loopX.getInductionVar(), loopY.getInductionVar(),
               loopZ.getInductionVar()};
  Value plane = arith::MulIOp::create(b, loc, blockSize.x, blockSize.y);
  ctx.thread = {arith::RemUIOp::create(b, loc, linear, blockSize.x),
                arith::RemUIOp::create(
                    b, loc, arith::DivUIOp::create(b, loc, linear, blockSize.x),
                    blockSize.y),
                arith::DivUIOp::create(b, loc, linear, plane)};
  ctx.linearThread = linear;
  ctx.threads = threads;
  ctx.shuffleBuffer = shuffleBuffer;
  ctx.shuffleParity =
      memref::AllocaOp::create(b, loc, MemRefType::get({1}, index));
  memref::StoreOp::create(b, loc, c(0), ctx.shuffleParity, ValueRange{c(0)});
  if (failed(replaceGpuOps(team.getRegion(), ctx)))
    return failure();

  b.setInsertionPointAfter(loopZ);
  for (Value buffer : buffers)
    memref::DeallocOp::create(b, loc, buffer);
  memref::DeallocOp::create(b, loc, shuffleBuffer);
  launch.erase();
  return success();
}

} // namespace

namespace mlir::attic {
namespace {

struct GpuEmulatePass final : impl::GpuEmulatePassBase<GpuEmulatePass> {
  using Base::Base;
  void runOnOperation() override {
    auto module = dyn_cast<ModuleOp>(getOperation());
    if (!module) {
      getOperation()->emitError("attic-gpu-emulate runs on a module");
      return signalPassFailure();
    }
    SmallVector<gpu::LaunchFuncOp> launches;
    module.walk([&](gpu::LaunchFuncOp launch) { launches.push_back(launch); });
    if (launches.empty())
      return;
    OpBuilder b(module.getBodyRegion());
    auto threadNum = dyn_cast_or_null<func::FuncOp>(
        SymbolTable::lookupSymbolIn(module, kThreadNum));
    if (!threadNum) {
      threadNum = func::FuncOp::create(b, module.getLoc(), kThreadNum,
                                       b.getFunctionType({}, {b.getI32Type()}));
      threadNum.setPrivate();
    }
    for (gpu::LaunchFuncOp launch : launches) {
      auto kernel = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
          launch, launch.getKernel());
      if (!kernel) {
        launch.emitOpError("launches a kernel that is not in the module");
        return signalPassFailure();
      }
      if (failed(emulateLaunch(launch, kernel, threadNum)))
        return signalPassFailure();
    }
    for (auto gpuModule :
         llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>()))
      gpuModule.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};

} // namespace
} // namespace mlir::attic
