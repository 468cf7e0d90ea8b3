//===- CutCrossEntropyGrad.cpp - The cut gradient blocks as a GPU kernel --===//
//
// The blocks of attic.cut_cross_entropy_grad (forms::CutGradientBlocks)
// without the N x V logits. Grid: (token tiles of 64, class tiles of 64).
// A block computes its 64 x 64 logits (LogitTile.h) and from them du, the
// gradient with respect to the pre-softcap logits, entry by entry as the
// reference does (reference::logitGradEntry); with gradient filtering, a
// block none of whose entries passes the threshold stops there. du goes
// to shared memory, and the block adds its products into the gradients
// with atomic adds, a chunk of 16 hidden elements at a time:
//
//   grad_hidden[tokens, chunk]     += du       classifier[classes, chunk]
//   grad_classifier[classes, chunk] += du^T   hidden[tokens, chunk]
//   grad_bias[classes]              += colsum du
//
// the classifier and hidden chunks staged in shared memory as for the
// logits. The gradients start as zeros, written by a first kernel.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/KernelBuilder.h"
#include "codegen/gpu/Kernels.h"
#include "codegen/gpu/LogitTile.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

/// Words of a row of the du tile in shared memory (padded by one).
constexpr int64_t kDuRow = kTile + 1;
/// Threads of the zeroing kernel's blocks.
constexpr int64_t kZeroThreads = 256;

/// Writes zeros into the `size` words of `flat`.
void zeroFill(OpBuilder &b, Location loc, Value flat, Value size, Type type) {
  OpBuilder::InsertionGuard guard(b);
  IndexMath ix{b, loc};
  Value blocks = arith::CeilDivUIOp::create(b, loc, size, ix.c(kZeroThreads));
  gpu::LaunchOp launch =
      createLaunch(b, loc, {blocks, ix.c(1), ix.c(1)}, kZeroThreads);
  IndexMath kx{b, loc};
  Value at = kx.add(kx.mul(launch.getBlockIds().x, kx.c(kZeroThreads)),
                    launch.getThreadIds().x);
  scf::IfOp::create(b, loc, kx.lt(at, size), [&](OpBuilder &nb, Location l) {
    memref::StoreOp::create(nb, l, constF(nb, l, type, 0.0), flat, at);
    scf::YieldOp::create(nb, l);
  });
}

/// flat[at] += value, atomically, where `inside` holds.
void atomicAddWhere(OpBuilder &b, Location loc, Value inside, Value value,
                    Value flat, Value at) {
  scf::IfOp::create(b, loc, inside, [&](OpBuilder &nb, Location l) {
    memref::AtomicRMWOp::create(nb, l, arith::AtomicRMWKind::addf, value, flat,
                                at);
    scf::YieldOp::create(nb, l);
  });
}

} // namespace

FailureOr<forms::LinearLossGradients>
cuda::buildCutGradientBlocksOnGpu(OpBuilder &b, Location loc,
                                  const forms::CutGradientBlocks &spec) {
  const forms::LinearLossOperands &in = spec.in;
  Value hidden = in.hidden, classifier = in.classifier;
  FloatType acc = accumulatorType(
      cast<RankedTensorType>(hidden.getType()).getElementType());
  bool filtering = static_cast<bool>(spec.filterLse);
  bool classWeights = spec.smoothing && in.weights;

  IndexMath hx{b, loc};
  Value tokens = hx.dim(hidden, 0), classes = hx.dim(classifier, 0),
        depth = hx.dim(hidden, 1);
  Value one = hx.c(1);
  Value tokenTiles = arith::CeilDivUIOp::create(b, loc, tokens, hx.c(kTile));
  Value classTiles = arith::CeilDivUIOp::create(b, loc, classes, hx.c(kTile));

  auto flatOrNull = [&](Value v) {
    return v ? flatBuffer(b, loc, v) : Value();
  };
  Value hFlat = flatBuffer(b, loc, hidden),
        wFlat = flatBuffer(b, loc, classifier);
  Value biasFlat = flatOrNull(in.bias);
  Value labelsFlat = flatBuffer(b, loc, in.labels);
  Value weightsFlat = classWeights ? flatBuffer(b, loc, in.weights) : Value();
  Value lseFlat = flatBuffer(b, loc, spec.lse);
  Value alphaFlat = flatBuffer(b, loc, spec.alpha);
  Value gammaFlat = spec.smoothing ? flatBuffer(b, loc, spec.gamma) : Value();
  Value filterFlat = flatOrNull(spec.filterLse);

  // The gradients in the accumulator type, shaped as hidden, classifier
  // and the bias.
  auto allocateLike = [&](Value like, int64_t rank, RankedTensorType &type) {
    auto shape = cast<RankedTensorType>(like.getType()).getShape();
    type = RankedTensorType::get(shape.take_front(rank), acc);
    SmallVector<Value> dynamic;
    for (int64_t i = 0; i < rank; ++i)
      if (type.isDynamicDim(i))
        dynamic.push_back(hx.dim(like, i));
    return allocateResult(b, loc, type, dynamic);
  };
  RankedTensorType hiddenType, classifierType, biasType;
  ResultBuffer gradHidden = allocateLike(hidden, 2, hiddenType);
  ResultBuffer gradClassifier = allocateLike(classifier, 2, classifierType);
  std::optional<ResultBuffer> gradBias;
  if (in.bias)
    gradBias = allocateLike(classifier, 1, biasType);
  zeroFill(b, loc, gradHidden.flat, hx.mul(tokens, depth), acc);
  zeroFill(b, loc, gradClassifier.flat, hx.mul(classes, depth), acc);
  if (gradBias)
    zeroFill(b, loc, gradBias->flat, classes, acc);

  {
    OpBuilder::InsertionGuard guard(b);
    int64_t threads = kSide * kSide;
    gpu::LaunchOp launch =
        createLaunch(b, loc, {tokenTiles, classTiles, one}, threads,
                     {{acc, kTile * kPadded},
                      {acc, kTile * kPadded},
                      {acc, kTile * kDuRow},
                      {b.getI32Type(), threads / kWarpSize}});
    ValueRange shared = launch.getWorkgroupAttributions();
    Value hTile = shared[0], wTile = shared[1], duTile = shared[2];
    Value thread = launch.getThreadIds().x;
    IndexMath ix{b, loc};
    Value tx = arith::RemUIOp::create(b, loc, thread, ix.c(kSide));
    Value ty = arith::DivUIOp::create(b, loc, thread, ix.c(kSide));
    Value firstToken = ix.mul(launch.getBlockIds().x, ix.c(kTile));
    Value firstCol = ix.mul(launch.getBlockIds().y, ix.c(kTile));
    TileContext context{hFlat, wFlat,  biasFlat, hTile, wTile, thread,    tx,
                        ty,    tokens, classes,  depth, acc,   in.softcap};
    LogitTile tile =
        computeLogitTile(b, loc, context, firstToken, firstCol, classes);

    // du of this thread's 4 x 4 entries, 0 outside the tokens and classes;
    // with filtering, whether one of them passes the threshold.
    reference::LogitGradTerms terms;
    terms.labelColumnApart = true;
    terms.smoothing = spec.smoothing;
    terms.exponent = spec.exponent;
    Value zero = constF(b, loc, acc, 0.0);
    Value isTrue = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    Value passes = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    Value noneI32 = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
    SmallVector<Value> classWeight(kPer);
    if (classWeights)
      for (int64_t j = 0; j < kPer; ++j)
        classWeight[j] = castFloat(
            b, loc,
            memref::LoadOp::create(b, loc, weightsFlat, tile.readCols[j]), acc);
    SmallVector<Value> du(kPer * kPer);
    for (int64_t i = 0; i < kPer; ++i) {
      Value row = ix.add(ty, ix.c(i * kSide));
      Value token = ix.add(firstToken, row);
      Value inside = ix.lt(token, tokens);
      Value read = ix.min(token, ix.sub(tokens, one));
      auto load = [&](Value flat) -> Value {
        return flat ? memref::LoadOp::create(b, loc, flat, read).getResult()
                    : Value();
      };
      reference::LogitGradEntry entry;
      entry.lse = load(lseFlat);
      entry.alpha = load(alphaFlat);
      entry.gamma = load(gammaFlat);
      entry.label = load(labelsFlat);
      Value filterLse = load(filterFlat);
      for (int64_t j = 0; j < kPer; ++j) {
        entry.z = tile.z[i * kPer + j];
        entry.column = tile.cols[j];
        entry.weight = classWeight[j];
        Value counts = arith::AndIOp::create(b, loc, inside, tile.valid[j]);
        du[i * kPer + j] = arith::SelectOp::create(
            b, loc, counts,
            logitGradEntry(b, loc, entry, classes, in.softcap, terms), zero);
        if (!filtering)
          continue;
        // Outside the label's column, of a token with alpha != 0, and
        // z - filterLse >= log eps.
        Value other = arith::XOrIOp::create(
            b, loc, isLabelClass(b, loc, entry.column, entry.label, classes),
            isTrue);
        Value takes = arith::AndIOp::create(
            b, loc, arith::AndIOp::create(b, loc, counts, other),
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE,
                                  entry.alpha, zero));
        Value above = arith::CmpFOp::create(
            b, loc, arith::CmpFPredicate::OGE,
            arith::SubFOp::create(b, loc, entry.z, filterLse),
            constF(b, loc, acc, spec.logEps));
        passes = arith::OrIOp::create(
            b, loc, passes, arith::AndIOp::create(b, loc, takes, above));
      }
    }
    // Whether some thread's entry passes (as i32: shuffles move words).
    Value keep = isTrue;
    if (filtering)
      keep = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne,
          reduceBlock(
              b, loc,
              Value(arith::ExtUIOp::create(b, loc, b.getI32Type(), passes)),
              noneI32, thread, threads, shared[3],
              [](OpBuilder &rb, Location rl, ValueRange p,
                 ValueRange q) -> SmallVector<Value> {
                return {arith::OrIOp::create(rb, rl, p[0], q[0])};
              })[0],
          noneI32);

    scf::IfOp::create(b, loc, keep, [&](OpBuilder &kb, Location kl) {
      IndexMath kx{kb, kl};
      for (int64_t i = 0; i < kPer; ++i)
        for (int64_t j = 0; j < kPer; ++j)
          memref::StoreOp::create(
              kb, kl, du[i * kPer + j], duTile,
              kx.add(kx.mul(kx.add(ty, kx.c(i * kSide)), kx.c(kDuRow)),
                     kx.add(tx, kx.c(j * kSide))));
      gpu::BarrierOp::create(kb, kl);
      // grad_bias: the first 64 threads sum a column each.
      if (gradBias)
        scf::IfOp::create(
            kb, kl, kx.lt(thread, kx.c(kTile)), [&](OpBuilder &nb, Location l) {
              IndexMath nx{nb, l};
              Value sum = constF(nb, l, acc, 0.0);
              for (int64_t t = 0; t < kTile; ++t)
                sum = arith::AddFOp::create(
                    nb, l, sum,
                    memref::LoadOp::create(nb, l, duTile,
                                           nx.add(nx.c(t * kDuRow), thread)));
              Value cls = nx.add(firstCol, thread);
              atomicAddWhere(nb, l, nx.lt(cls, classes), sum, gradBias->flat,
                             cls);
              scf::YieldOp::create(nb, l);
            });
      // The products, a chunk of kChunk hidden elements at a time; this
      // thread computes element tx of the chunk for rows ty + 16 i.
      scf::ForOp::create(
          kb, kl, kx.c(0), depth, kx.c(kChunk), ValueRange{},
          [&](OpBuilder &cb, Location cl, Value k0, ValueRange) {
            IndexMath cx{cb, cl};
            gpu::BarrierOp::create(cb, cl);
            stageChunk(cb, cl, context, hFlat, hTile, firstToken, tokens, k0);
            stageChunk(cb, cl, context, wFlat, wTile, firstCol, classes, k0);
            gpu::BarrierOp::create(cb, cl);
            Value d = cx.add(k0, tx);
            Value inDepth = cx.lt(d, depth);
            for (int64_t i = 0; i < kPer; ++i) {
              Value row = cx.add(ty, cx.c(i * kSide));
              Value dh = constF(cb, cl, acc, 0.0), dw = dh;
              for (int64_t t = 0; t < kTile; ++t) {
                // grad_hidden[row] += du[row, t] classifier[t];
                // grad_classifier[row] += du[t, row] hidden[t].
                Value duRow = memref::LoadOp::create(
                    cb, cl, duTile, cx.add(cx.mul(row, cx.c(kDuRow)), cx.c(t)));
                Value duCol = memref::LoadOp::create(
                    cb, cl, duTile, cx.add(cx.c(t * kDuRow), row));
                Value at = cx.add(cx.c(t * kPadded), tx);
                dh = math::FmaOp::create(
                    cb, cl, duRow, memref::LoadOp::create(cb, cl, wTile, at),
                    dh);
                dw = math::FmaOp::create(
                    cb, cl, duCol, memref::LoadOp::create(cb, cl, hTile, at),
                    dw);
              }
              Value token = cx.add(firstToken, row);
              Value cls = cx.add(firstCol, row);
              atomicAddWhere(
                  cb, cl,
                  arith::AndIOp::create(cb, cl, inDepth, cx.lt(token, tokens)),
                  dh, gradHidden.flat, cx.add(cx.mul(token, depth), d));
              atomicAddWhere(
                  cb, cl,
                  arith::AndIOp::create(cb, cl, inDepth, cx.lt(cls, classes)),
                  dw, gradClassifier.flat, cx.add(cx.mul(cls, depth), d));
            }
            scf::YieldOp::create(cb, cl);
          });
      scf::YieldOp::create(kb, kl);
    });
  }

  forms::LinearLossGradients grads;
  grads.hidden = resultTensor(b, loc, gradHidden, hiddenType);
  grads.classifier = resultTensor(b, loc, gradClassifier, classifierType);
  if (gradBias)
    grads.bias = resultTensor(b, loc, *gradBias, biasType);
  return grads;
}
