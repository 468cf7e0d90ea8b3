//===- embed.cpp - A host compiler applying Attic's forms -------*- C++ -*-===//
//
// What a compiler with its own MLIR pipeline does to use Attic: put the
// attic dialect (and what its lowering produces) into its registry, then
// choose where each form applies -- a pass over the whole module for
// attention, a single rewrite for one softmax -- and lower the result.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticDialect.h"
#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "tools/init/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static const char *const kInput = R"mlir(
func.func @layer(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xf32>,
                 %v: tensor<1x2x16x8xf32>, %logits: tensor<4x100xf32>)
    -> (tensor<1x2x16x8xf32>, tensor<4x100xf32>, tensor<4x100xf32>) {
  %o = attic.attention %q, %k, %v {causal} : tensor<1x2x16x8xf32>,
      tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  %p = attic.softmax %logits, axis = 1 : tensor<4x100xf32>
  %lp = attic.log_softmax %logits, axis = 1 : tensor<4x100xf32>
  return %o, %p, %lp : tensor<1x2x16x8xf32>, tensor<4x100xf32>,
      tensor<4x100xf32>
}
)mlir";

static int fail(const char *what) {
  llvm::errs() << "attic-embed-example: " << what << "\n";
  return 1;
}

int main() {
  // The host's registry: its own dialects, then Attic's and the extensions
  // its lowering needs.
  DialectRegistry registry;
  registry.insert<func::FuncDialect>();
  attic::registerAllDialects(registry);
  attic::registerAllExtensions(registry);
  MLIRContext context(registry);

  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kInput, ParserConfig(&context));
  if (!module)
    return fail("cannot parse the input");

  // Flash attention everywhere, with the host's block sizes.
  PassManager forms(&context);
  forms.addPass(attic::createFlashAttentionPass({/*blockQ=*/8,
                                                 /*blockKv=*/4}));
  if (failed(forms.run(*module)))
    return fail("the flash attention pass failed");

  // The two-pass form for the softmax alone; the log_softmax stays.
  IRRewriter rewriter(&context);
  WalkResult walk = module->walk([&](attic::SoftmaxOp op) {
    rewriter.setInsertionPoint(op);
    if (failed(attic::rewriteSoftmaxAsForm(rewriter, op,
                                           attic::SoftmaxAlgorithm::TwoPass)))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return fail("rewriteSoftmaxAsForm refused an attic.softmax");
  llvm::outs() << "// forms chosen by the host\n" << *module << "\n";

  // Lower every attic op, forms included, to linalg.
  PassManager lower(&context);
  lower.addPass(attic::createLowerAtticToLinalgPass());
  if (failed(lower.run(*module)))
    return fail("the lowering to linalg failed");
  int64_t attic = 0, generic = 0;
  module->walk([&](Operation *op) {
    StringRef dialect = op->getDialect()->getNamespace();
    attic += dialect == "attic";
    generic += op->getName().getStringRef() == "linalg.generic";
  });
  llvm::outs() << "// lowered: " << attic << " attic ops, " << generic
               << " linalg.generic ops\n";
  return attic == 0 && generic > 0 ? 0 : fail("the lowering left attic ops");
}
