//===- SoftmaxFree.cpp - Softmax attention with another kernel ------------===//
//
// The softmax-free rewrite changes the model: softmax attention becomes
// softplus (optionally length-scaled and re-weighted), a feature-map kernel
// or the gaussian kernel. It never runs unless asked for, and then only on
// the attention ops a filter selects.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/Transforms.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlir::attic {
#define GEN_PASS_DEF_SOFTMAXFREEPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

/// `x` as printf's %g writes it.
static std::string formatG(double x) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", x);
  return text;
}

/// Why `options` are invalid, or nullopt.
static std::optional<std::string>
softmaxFreeOptionsError(const SoftmaxFreeOptions &options) {
  std::string name = stringifyAttentionKernel(options.kernel).str();
  if (options.kernel == AttentionKernel::softmax)
    return "kernel must be softplus, elu_plus_one, relu, squared_relu or "
           "gaussian, got '" +
           name + "'";
  if ((options.trainLength || options.reweightPower) &&
      options.kernel != AttentionKernel::softplus)
    return "train_length and reweight_power apply to the softplus kernel, "
           "not '" +
           name + "'";
  if (options.trainLength && *options.trainLength < 2)
    return "train_length must be at least 2, got " +
           std::to_string(*options.trainLength);
  if (std::optional<double> p = options.reweightPower;
      p && !(*p > 0 && std::isfinite(*p)))
    return "reweight_power must be positive and finite, got " + formatG(*p);
  return std::nullopt;
}

std::optional<std::string> attic::parseSoftmaxFreeOptions(
    StringRef kernel, std::optional<int64_t> trainLength,
    std::optional<double> reweightPower, SoftmaxFreeOptions &options) {
  std::optional<AttentionKernel> parsed = symbolizeAttentionKernel(kernel);
  options = {parsed.value_or(AttentionKernel::softmax), trainLength,
             reweightPower};
  if (!parsed)
    return "kernel must be softplus, elu_plus_one, relu, squared_relu or "
           "gaussian, got '" +
           kernel.str() + "'";
  return softmaxFreeOptionsError(options);
}

std::optional<std::string>
attic::softmaxFreeBlocker(Operation *op, const SoftmaxFreeOptions &options) {
  if (std::optional<std::string> invalid = softmaxFreeOptionsError(options))
    return invalid;
  auto attention = dyn_cast<AttentionOp>(op);
  if (!attention)
    return std::string("not an attic.attention");
  if (attention.getKernel() != AttentionKernel::softmax)
    return ("its kernel is '" +
            stringifyAttentionKernel(attention.getKernel()) + "', not softmax")
        .str();
  AttentionKernel kernel = options.kernel;
  std::string name = stringifyAttentionKernel(kernel).str();
  if (attention.getTrainLength() && kernel != AttentionKernel::softplus)
    return "its train_length scales logits, which the '" + name +
           "' kernel does not have";
  if (isFeatureMapKernel(kernel) || kernel == AttentionKernel::gaussian) {
    if (attention.getSoftcap())
      return "its softcap caps logits, which the '" + name +
             "' kernel does not have";
  }
  if (isFeatureMapKernel(kernel)) {
    if (Value mask = attention.getMask();
        mask && !getElementTypeOrSelf(mask.getType()).isInteger(1))
      return "its float mask adds to logits, which the '" + name +
             "' kernel does not have";
  }
  return std::nullopt;
}

FailureOr<Operation *>
attic::rewriteAttentionKernel(RewriterBase &rewriter, Operation *op,
                              const SoftmaxFreeOptions &options) {
  if (softmaxFreeBlocker(op, options))
    return failure();
  auto attention = cast<AttentionOp>(op);
  rewriter.modifyOpInPlace(attention, [&] {
    MLIRContext *ctx = rewriter.getContext();
    attention.setKernelAttr(AttentionKernelAttr::get(ctx, options.kernel));
    if (isFeatureMapKernel(options.kernel))
      attention.removeScaleAttr();
    if (options.trainLength)
      attention.setTrainLengthAttr(
          rewriter.getI64IntegerAttr(*options.trainLength));
    if (options.reweightPower)
      attention.setReweightPowerAttr(
          rewriter.getF64FloatAttr(*options.reweightPower));
  });
  return op;
}

/// The names a filter is matched against: those of the op's location (its
/// NameLocs, as importers name nodes) and of the function holding it.
static SmallVector<std::string> selectableNames(Operation *op) {
  SmallVector<std::string> names;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc))
      names.push_back(named.getName().str());
    return WalkResult::advance();
  });
  if (auto func = op->getParentOfType<FunctionOpInterface>())
    names.push_back(func.getName().str());
  return names;
}

namespace mlir::attic {
namespace {
struct SoftmaxFreePass final : impl::SoftmaxFreePassBase<SoftmaxFreePass> {
  using Base::Base;

  void runOnOperation() override {
    Operation *root = getOperation();
    auto fail = [&](const Twine &message) {
      emitError(root->getLoc()) << "attic-softmax-free: " << message;
      signalPassFailure();
    };
    // 0 leaves the softplus attributes out.
    SoftmaxFreeOptions options;
    if (std::optional<std::string> invalid = parseSoftmaxFreeOptions(
            kernel,
            trainLength ? std::optional<int64_t>(trainLength) : std::nullopt,
            reweightPower ? std::optional<double>(reweightPower) : std::nullopt,
            options))
      return fail(*invalid);
    llvm::Regex selector(filter);
    std::string why;
    if (!filter.empty() && !selector.isValid(why))
      return fail("filter '" + filter +
                  "' is not a regular expression: " + why);

    IRRewriter rewriter(&getContext());
    root->walk([&](AttentionOp op) {
      if (op.getKernel() != AttentionKernel::softmax)
        return;
      if (!filter.empty() &&
          llvm::none_of(selectableNames(op), [&](const std::string &name) {
            return selector.match(name);
          }))
        return;
      if (std::optional<std::string> blocker =
              softmaxFreeBlocker(op, options)) {
        op.emitWarning() << "attic-softmax-free: left alone: " << *blocker;
        return;
      }
      (void)rewriteAttentionKernel(rewriter, op, options);
    });
  }
};
} // namespace
} // namespace mlir::attic
