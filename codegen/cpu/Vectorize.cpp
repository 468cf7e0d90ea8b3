//===- Vectorize.cpp - Tile linalg ops to vectors and vectorize them ------===//
//
// A tile is one vector along the op's innermost non-unit loop; every other
// loop steps by one. An innermost reduction is split into partial
// accumulators (one vector of them), merged by a short reduction after the
// loop, so the loop body is whole-vector arithmetic. A reduction loop that
// is not innermost is tiled to one iteration per tile; the tile without it
// is elementwise, which also vectorizes reductions whose combiner the
// vectorizer does not know (the softmax forms' running pairs).
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attic {
#define GEN_PASS_DEF_CPUVECTORIZEPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace {

/// Whether vectors of `type` load and store like its tensors and need no
/// runtime library. A vector of i1 is packed in bits while a buffer of i1
/// holds a byte per element, so transfers would read the wrong bits; masked
/// loads and stores of bf16 vectors are legalized through f32 with calls to
/// __truncsfbf2, which the host's runtime may lack.
bool hasVectorizableStorage(Type type) {
  if (type.isBF16())
    return false;
  return !type.isIntOrFloat() || type.getIntOrFloatBitWidth() >= 8;
}

/// Whether a reduction of `op` combines its accumulator with a term that is
/// the same on every iteration (a count, a sum of a constant): the
/// vectorizer folds such a term in once per vector instead of once per
/// element, so `sum_i 1` over 5 elements would give 1.
bool hasInvariantReductionTerm(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  Block *body = op.getBlock();
  // The values that change from one iteration to the next: the block
  // arguments, linalg.index, and what is computed from them.
  DenseSet<Value> varying(llvm::from_range, body->getArguments());
  for (Operation &inner : body->without_terminator())
    if (isa<linalg::IndexOp>(inner) ||
        llvm::any_of(inner.getOperands(),
                     [&](Value v) { return varying.contains(v); }))
      varying.insert_range(inner.getResults());
  Operation *yield = body->getTerminator();
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument acc = op.getMatchingBlockArgument(&init);
    Value yielded =
        yield->getOperand(init.getOperandNumber() - op.getNumDpsInputs());
    Operation *combiner = yielded.getDefiningOp();
    if (!combiner || combiner->getBlock() != body ||
        !llvm::is_contained(combiner->getOperands(), acc))
      continue;
    for (Value operand : combiner->getOperands())
      if (operand != acc && !varying.contains(operand))
        return true;
  }
  return false;
}

/// The innermost loop of `op` that is not statically of size one.
std::optional<unsigned> innermostNonUnitLoop(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned dim = ranges.size(); dim-- > 0;)
    if (ranges[dim] != 1)
      return dim;
  return std::nullopt;
}

/// Whether every accumulator of `op` is updated by one operation the
/// partial-reduction tiling knows a neutral element of (a sum, a maximum).
bool hasStandardCombiners(linalg::LinalgOp op) {
  SmallVector<BlockArgument> accs(op.getRegionOutputArgs());
  for (unsigned i = 0; i < accs.size(); ++i) {
    SmallVector<Operation *, 4> combiners;
    if (!matchReduction(accs, i, combiners) || combiners.size() != 1 ||
        !arith::getNeutralElement(combiners.front()))
      return false;
  }
  return true;
}

/// `op` without its unit loops, when it has reduction loops and all of them
/// are statically of size one; the op is replaced.
std::optional<linalg::LinalgOp> dropUnitReductions(RewriterBase &rewriter,
                                                   linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || op.getNumReductionLoops() == 0)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [range, iterator] :
       llvm::zip_equal(ranges, op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction && range != 1)
      return std::nullopt;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, generic, linalg::ControlDropUnitDims());
  if (failed(dropped))
    return std::nullopt;
  rewriter.replaceOp(op, dropped->replacements);
  auto result = dyn_cast<linalg::LinalgOp>(dropped->resultOp.getOperation());
  if (!result || result.getNumReductionLoops() != 0)
    return std::nullopt;
  return result;
}

/// Vectorizes `op` whose loops are all static except possibly `vectorDim`,
/// which is at most `width` long. Ops the vectorizer rejects are left as
/// they are.
void vectorizeTile(RewriterBase &rewriter, linalg::LinalgOp op,
                   std::optional<unsigned> vectorDim, int64_t width) {
  if (llvm::any_of(op->getOperandTypes(), [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return shaped && !hasVectorizableStorage(shaped.getElementType());
      }))
    return;
  if (hasInvariantReductionTerm(op))
    return;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  for (auto [dim, size] : llvm::enumerate(sizes)) {
    if (!ShapedType::isDynamic(size))
      continue;
    if (dim != vectorDim)
      return;
    size = width;
  }
  // Fixed-length vectors; the flags must be spelled out, one per loop, or
  // the vectorizer builds mask types that differ from the ops' own.
  SmallVector<bool> scalable(sizes.size(), false);
  if (failed(linalg::vectorizeOpPrecondition(op, sizes, scalable,
                                             /*vectorizeNDExtract=*/true))) {
    // A reduction the vectorizer cannot recognize (several accumulators,
    // a combiner of its own) whose reduction loops were tiled to one
    // iteration is elementwise once those loops are gone.
    if (std::optional<linalg::LinalgOp> elementwise =
            dropUnitReductions(rewriter, op))
      vectorizeTile(rewriter, *elementwise, innermostNonUnitLoop(*elementwise),
                    width);
    return;
  }
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
      rewriter, op, sizes, scalable, /*vectorizeNDExtract=*/true);
  if (succeeded(result))
    rewriter.replaceOp(op, result->replacements);
}

} // namespace

LogicalResult attic::tileAndVectorize(RewriterBase &rewriter,
                                      linalg::LinalgOp op, int64_t width) {
  if (!op.hasPureTensorSemantics() || width < 1)
    return failure();
  std::optional<unsigned> vectorDim = innermostNonUnitLoop(op);
  if (!vectorDim) {
    vectorizeTile(rewriter, op, std::nullopt, width);
    return success();
  }

  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool tileVectorDim =
      ShapedType::isDynamic(ranges[*vectorDim]) || ranges[*vectorDim] > width;
  SmallVector<OpFoldResult> tileSizes;
  for (auto [dim, range] : llvm::enumerate(ranges)) {
    int64_t size = range == 1 ? 0 : 1;
    if (dim == *vectorDim)
      size = tileVectorDim ? width : 0;
    tileSizes.push_back(rewriter.getIndexAttr(size));
  }
  if (llvm::all_of(tileSizes,
                   [](OpFoldResult size) { return isZeroInteger(size); })) {
    vectorizeTile(rewriter, op, vectorDim, width);
    return success();
  }

  auto tile =
      [&](Operation *target, ArrayRef<OpFoldResult> sizes,
          scf::SCFTilingOptions options) -> FailureOr<scf::SCFTilingResult> {
    options.setTileSizes(sizes);
    rewriter.setInsertionPoint(target);
    FailureOr<scf::SCFTilingResult> result =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(target), options);
    if (succeeded(result))
      rewriter.replaceOp(target, result->replacements);
    return result;
  };

  // An innermost reduction is tiled in two steps, since upstream tiles
  // partial reductions only when no parallel loop is tiled with them: the
  // parallel loops first, then the reduction of each tile. Not for a body
  // that reads linalg.index: upstream's partial reduction tiles do not
  // offset it by the tile's position (each tile would see columns from 0).
  bool partialReduction = tileVectorDim &&
                          op.getIteratorTypesArray()[*vectorDim] ==
                              utils::IteratorType::reduction &&
                          isa<PartialReductionOpInterface>(*op) &&
                          hasStandardCombiners(op) && !op.hasIndexSemantics();
  SmallVector<OpFoldResult> outerSizes = tileSizes;
  if (partialReduction)
    outerSizes[*vectorDim] = rewriter.getIndexAttr(0);
  SmallVector<Operation *> tiles = {op};
  if (!llvm::all_of(outerSizes, isZeroInteger)) {
    FailureOr<scf::SCFTilingResult> outer =
        tile(op, outerSizes, scf::SCFTilingOptions());
    if (failed(outer))
      return failure();
    tiles = outer->tiledOps;
  }
  if (partialReduction) {
    SmallVector<OpFoldResult> innerSizes(tileSizes.size(),
                                         rewriter.getIndexAttr(0));
    innerSizes[*vectorDim] = tileSizes[*vectorDim];
    scf::SCFTilingOptions options;
    options.setReductionTilingStrategy(
        ReductionTilingStrategy::PartialReductionOuterReduction);
    options.setReductionDims({*vectorDim});
    SmallVector<Operation *> innerTiles;
    for (Operation *target : tiles) {
      FailureOr<scf::SCFTilingResult> inner = tile(target, innerSizes, options);
      if (failed(inner))
        return failure();
      llvm::append_range(innerTiles, inner->tiledOps);
      llvm::append_range(innerTiles, inner->mergeOps);
    }
    tiles = std::move(innerTiles);
  }

  for (Operation *tiledOp : tiles)
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(tiledOp))
      vectorizeTile(rewriter, linalgOp, innermostNonUnitLoop(linalgOp), width);
  return success();
}

namespace mlir::attic {
namespace {
struct CpuVectorizePass final : impl::CpuVectorizePassBase<CpuVectorizePass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops)
      (void)tileAndVectorize(rewriter, op, vectorWidth);
  }
};
} // namespace
} // namespace mlir::attic
