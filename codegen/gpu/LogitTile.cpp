//===- LogitTile.cpp - The 64 x 64 logit tiles of the cut kernels ---------===//

#include "codegen/gpu/LogitTile.h"

#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

void cuda::stageChunk(OpBuilder &b, Location loc, const TileContext &c,
                      Value source, Value tile, Value first, Value end,
                      Value k0) {
  IndexMath kx{b, loc};
  for (int64_t t = 0; t < kTile * kChunk / (kSide * kSide); ++t) {
    Value e = kx.add(c.thread, kx.c(t * kSide * kSide));
    Value r = arith::DivUIOp::create(b, loc, e, kx.c(kChunk));
    Value k = arith::RemUIOp::create(b, loc, e, kx.c(kChunk));
    Value row = kx.add(first, r), col = kx.add(k0, k);
    Value inside =
        arith::AndIOp::create(b, loc, kx.lt(row, end), kx.lt(col, c.depth));
    Value at = kx.add(kx.mul(kx.min(row, kx.sub(end, kx.c(1))), c.depth),
                      kx.min(col, kx.sub(c.depth, kx.c(1))));
    Value x =
        castFloat(b, loc, memref::LoadOp::create(b, loc, source, at), c.acc);
    x = arith::SelectOp::create(b, loc, inside, x, constF(b, loc, c.acc, 0.0));
    memref::StoreOp::create(b, loc, x, tile,
                            kx.add(kx.mul(r, kx.c(kPadded)), k));
  }
}

LogitTile cuda::computeLogitTile(OpBuilder &b, Location loc,
                                 const TileContext &c, Value firstToken,
                                 Value firstCol, Value endClass) {
  IndexMath cx{b, loc};
  SmallVector<Value> zeros(kPer * kPer, constF(b, loc, c.acc, 0.0));
  auto chunks = scf::ForOp::create(
      b, loc, cx.c(0), c.depth, cx.c(kChunk), zeros,
      [&](OpBuilder &kb, Location kl, Value k0, ValueRange sums) {
        IndexMath kx{kb, kl};
        gpu::BarrierOp::create(kb, kl);
        stageChunk(kb, kl, c, c.hidden, c.hTile, firstToken, c.tokens, k0);
        stageChunk(kb, kl, c, c.classifier, c.wTile, firstCol, endClass, k0);
        gpu::BarrierOp::create(kb, kl);
        SmallVector<Value> next(sums);
        for (int64_t k = 0; k < kChunk; ++k) {
          SmallVector<Value> a, w;
          for (int64_t i = 0; i < kPer; ++i)
            a.push_back(memref::LoadOp::create(
                kb, kl, c.hTile,
                kx.add(kx.mul(kx.add(c.ty, kx.c(i * kSide)), kx.c(kPadded)),
                       kx.c(k))));
          for (int64_t j = 0; j < kPer; ++j)
            w.push_back(memref::LoadOp::create(
                kb, kl, c.wTile,
                kx.add(kx.mul(kx.add(c.tx, kx.c(j * kSide)), kx.c(kPadded)),
                       kx.c(k))));
          for (int64_t i = 0; i < kPer; ++i)
            for (int64_t j = 0; j < kPer; ++j)
              next[i * kPer + j] =
                  math::FmaOp::create(kb, kl, a[i], w[j], next[i * kPer + j]);
        }
        scf::YieldOp::create(kb, kl, next);
      });

  LogitTile tile;
  tile.z.assign(chunks.getResults().begin(), chunks.getResults().end());
  for (int64_t j = 0; j < kPer; ++j) {
    Value col = cx.add(firstCol, cx.add(c.tx, cx.c(j * kSide)));
    tile.cols.push_back(col);
    tile.valid.push_back(cx.lt(col, endClass));
    Value readCol = cx.min(col, cx.sub(c.classes, cx.c(1)));
    tile.readCols.push_back(readCol);
    Value bias =
        c.bias
            ? castFloat(b, loc, memref::LoadOp::create(b, loc, c.bias, readCol),
                        c.acc)
            : Value();
    for (int64_t i = 0; i < kPer; ++i) {
      Value &x = tile.z[i * kPer + j];
      if (bias)
        x = arith::AddFOp::create(b, loc, x, bias);
      if (c.softcap)
        x = applySoftcap(b, loc, x, *c.softcap);
    }
  }
  return tile;
}
