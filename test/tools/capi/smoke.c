/* A C host of Attic: registers Attic's dialects, parses attic IR, runs a
 * form pass created through the generated pass C API, then a textual
 * pipeline with an option, and prints the module after each. */

#include "tools/capi/Attic.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>

static void printTo(MlirStringRef text, void *stream) {
  fwrite(text.data, 1, text.length, (FILE *)stream);
}

static const char *ir =
    "func.func @f(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {\n"
    "  %y = attic.softmax %x, axis = 1 : tensor<4x40xf32>\n"
    "  return %y : tensor<4x40xf32>\n"
    "}\n";

static int run(MlirContext ctx, MlirModule module, MlirPassManager pm,
               const char *what) {
  MlirLogicalResult result =
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module));
  mlirPassManagerDestroy(pm);
  if (mlirLogicalResultIsFailure(result)) {
    fprintf(stderr, "smoke: %s failed\n", what);
    return 1;
  }
  printf("// after %s\n", what);
  mlirOperationPrint(mlirModuleGetOperation(module), printTo, stdout);
  printf("\n");
  return 0;
}

int main(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirAtticRegisterAllDialects(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  mlirAtticRegisterAllPasses();

  MlirDialect attic = mlirContextGetOrLoadDialect(
      ctx, mlirDialectHandleGetNamespace(mlirGetDialectHandle__attic__()));
  if (mlirDialectIsNull(attic)) {
    fprintf(stderr, "smoke: no attic dialect\n");
    return 1;
  }

  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(ir));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "smoke: the module does not parse\n");
    return 1;
  }

  /* A pass object from the generated C API: the default (online) form. */
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  mlirPassManagerAddOwnedPass(pm, mlirCreateAtticSoftmaxFormsPass());
  if (run(ctx, module, pm, "mlirCreateAtticSoftmaxFormsPass"))
    return 1;

  /* A textual pipeline naming a pass and the CPU pipeline. */
  MlirModule again =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(ir));
  pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult parsed = mlirOpPassManagerAddPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(
          "attic-softmax-forms{algorithm=two-pass},attic-lower-to-linalg"),
      printTo, stderr);
  if (mlirLogicalResultIsFailure(parsed)) {
    fprintf(stderr, "smoke: the pipeline does not parse\n");
    return 1;
  }
  if (run(ctx, again, pm, "a textual pipeline"))
    return 1;

  mlirModuleDestroy(again);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
