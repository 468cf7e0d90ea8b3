//===- Widen.cpp - A module's f32 computation in f64 ----------------------===//

#include "tools/attic-run/Widen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::attic;

namespace {

Type widen(Type type) {
  Builder b(type.getContext());
  if (type.isF32())
    return b.getF64Type();
  if (auto shaped = dyn_cast<ShapedType>(type))
    if (shaped.getElementType().isF32())
      return shaped.clone(b.getF64Type());
  if (auto fn = dyn_cast<FunctionType>(type)) {
    auto widenAll = [](TypeRange types) {
      return llvm::map_to_vector(types, [](Type t) { return widen(t); });
    };
    return b.getFunctionType(widenAll(fn.getInputs()),
                             widenAll(fn.getResults()));
  }
  return type;
}

/// The f64 form of an arith.constant value of f32 type; null otherwise.
TypedAttr widenConstant(TypedAttr value) {
  Builder b(value.getContext());
  if (auto f = dyn_cast<FloatAttr>(value); f && f.getType().isF32())
    return b.getF64FloatAttr(f.getValueAsDouble());
  if (auto dense = dyn_cast<DenseFPElementsAttr>(value);
      dense && dense.getElementType().isF32())
    return dense.mapValues(b.getF64Type(), [](const APFloat &v) {
      bool lost;
      APFloat wide = v;
      wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      return wide.bitcastToAPInt();
    });
  return {};
}

} // namespace

LogicalResult run::widenF32ToF64(ModuleOp module) {
  module.walk([](Operation *op) {
    if (auto func = dyn_cast<func::FuncOp>(op))
      func.setFunctionType(cast<FunctionType>(widen(func.getFunctionType())));
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      if (TypedAttr wide = widenConstant(constant.getValue()))
        constant.setValueAttr(wide);
    for (Value result : op->getResults())
      result.setType(widen(result.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(widen(arg.getType()));
  });
  // An extension or truncation between f32 and f64 is now the identity.
  module.walk([](Operation *op) {
    if (isa<arith::ExtFOp, arith::TruncFOp>(op) &&
        op->getOperand(0).getType() == op->getResult(0).getType()) {
      op->getResult(0).replaceAllUsesWith(op->getOperand(0));
      op->erase();
    }
  });
  return verify(module);
}

cpu::HostArray run::convertArray(const cpu::HostArray &array,
                                 Type elementType) {
  if (array.elementType == elementType)
    return array;
  cpu::HostArray converted(elementType, array.shape);
  for (int64_t i = 0, n = array.numElements(); i < n; ++i)
    converted.setFromDouble(i, array.getAsDouble(i));
  return converted;
}
