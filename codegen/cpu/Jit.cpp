//===- Jit.cpp - Compile and call Attic functions in-process --------------===//
//
// Arguments and results cross into compiled code as memref descriptors
// through the function's C interface (`_mlir_ciface_<name>`):
//   struct { T *allocated, *aligned; int64_t offset, sizes[R], strides[R]; }
// Results come back through a pointer to a struct of such descriptors, one
// per result. All fields are 8 bytes, so both are plain arrays of words here.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Jit.h"
#include "codegen/cpu/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cpu;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Runs `fn`, turning the first error diagnostic it emits into the message
/// of the returned error.
llvm::Error withDiagnostics(MLIRContext *ctx, const llvm::Twine &step,
                            function_ref<LogicalResult()> fn) {
  FirstErrorRecorder recorder(ctx);
  if (succeeded(fn()))
    return llvm::Error::success();
  const std::string &first = recorder.get();
  return error(step + " failed" + (first.empty() ? "" : ": " + first));
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string describe(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

} // namespace

FirstErrorRecorder::FirstErrorRecorder(MLIRContext *ctx)
    : handler(std::make_unique<ScopedDiagnosticHandler>(
          ctx, [this](Diagnostic &diag) {
            if (diag.getSeverity() == DiagnosticSeverity::Error &&
                first.empty()) {
              llvm::raw_string_ostream os(first);
              if (auto loc = dyn_cast<FileLineColLoc>(diag.getLocation()))
                os << loc.getFilename().getValue() << ":" << loc.getLine()
                   << ":" << loc.getColumn() << ": ";
              os << diag.str();
            }
            return success();
          })) {}

FirstErrorRecorder::~FirstErrorRecorder() = default;

llvm::Error cpu::checkArgument(const HostArray &array, RankedTensorType type,
                               const llvm::Twine &what) {
  if (array.elementType != type.getElementType())
    return error(what + " has element type " + describe(array.elementType) +
                 ", expected " + describe(type.getElementType()));
  auto shapeString = [](ArrayRef<int64_t> shape) {
    std::string s = "[";
    for (auto [i, d] : llvm::enumerate(shape))
      s += (i ? ", " : "") +
           (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
    return s + "]";
  };
  bool fits = static_cast<int64_t>(array.shape.size()) == type.getRank();
  for (int64_t i = 0; fits && i < type.getRank(); ++i)
    fits = ShapedType::isDynamic(type.getDimSize(i)) ||
           type.getDimSize(i) == array.shape[i];
  if (!fits)
    return error(what + " has shape " + shapeString(array.shape) +
                 ", expected " + shapeString(type.getShape()));
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, StringRef function,
                     StringRef prePipeline,
                     const CpuPipelineOptions &pipelineOptions) {
  MLIRContext *ctx = module.getContext();
  auto func = dyn_cast_or_null<func::FuncOp>(module.lookupSymbol(function));
  if (!func)
    return error("no function @" + function + " in the module");
  if (func.isExternal())
    return error("function @" + function + " is only declared");

  std::unique_ptr<JitFunction> jit(new JitFunction());
  jit->name = function.str();
  auto collect = [&](TypeRange types, SmallVectorImpl<RankedTensorType> &out,
                     StringRef kind) -> llvm::Error {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !elementBytes(tensor.getElementType()))
        return error("function @" + function + " " + kind + " " +
                     llvm::Twine(i) + " has type " + describe(type) +
                     "; only ranked tensors of f16, bf16, f32, f64, i1, i8, "
                     "i16, i32 or i64 are supported");
      out.push_back(tensor);
    }
    return llvm::Error::success();
  };
  if (llvm::Error e =
          collect(func.getArgumentTypes(), jit->argTypes, "argument"))
    return std::move(e);
  if (llvm::Error e =
          collect(func.getResultTypes(), jit->resultTypes, "result"))
    return std::move(e);

  OwningOpRef<ModuleOp> copy = module.clone();
  cast<func::FuncOp>(copy->lookupSymbol(function))
      ->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(ctx));

  if (!prePipeline.empty()) {
    PassManager pm(ctx);
    std::string parseError;
    llvm::raw_string_ostream os(parseError);
    if (failed(parsePassPipeline(prePipeline, pm, os)))
      return error("invalid pass pipeline '" + prePipeline +
                   "': " + llvm::StringRef(parseError).trim());
    if (llvm::Error e =
            withDiagnostics(ctx, "pass pipeline '" + prePipeline + "'",
                            [&] { return pm.run(*copy); }))
      return std::move(e);
  }
  PassManager lower(ctx);
  buildCpuPipeline(lower, pipelineOptions);
  if (llvm::Error e = withDiagnostics(ctx, "lowering for the CPU",
                                      [&] { return lower.run(*copy); }))
    return std::move(e);

  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
  initializeNativeTarget();

  ExecutionEngineOptions options;
  auto transformer = makeOptimizingTransformer(/*optLevel=*/3,
                                               /*sizeLevel=*/0, nullptr);
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  std::string engineError;
  if (llvm::Error e = withDiagnostics(
          ctx, "compilation for the host", [&]() -> LogicalResult {
            auto engine = ExecutionEngine::create(*copy, options);
            if (!engine) {
              engineError = llvm::toString(engine.takeError());
              return failure();
            }
            jit->engine = std::move(*engine);
            return success();
          }))
    return engineError.empty()
               ? std::move(e)
               : error(llvm::toString(std::move(e)) + ": " + engineError);
  return std::move(jit);
}

JitFunction::~JitFunction() = default;

llvm::Expected<SmallVector<HostArray>>
JitFunction::call(ArrayRef<HostArray> args) {
  if (args.size() != argTypes.size())
    return error("function @" + name + " takes " +
                 llvm::Twine(argTypes.size()) + " arguments, got " +
                 llvm::Twine(args.size()));
  for (auto [i, arg] : llvm::enumerate(args))
    if (llvm::Error e =
            checkArgument(arg, argTypes[i], "argument " + llvm::Twine(i)))
      return std::move(e);

  // Argument descriptors (the compiled code does not write inputs).
  SmallVector<SmallVector<int64_t>> descriptors;
  for (const HostArray &arg : args) {
    SmallVector<int64_t> &d = descriptors.emplace_back();
    auto data = reinterpret_cast<int64_t>(arg.data.data());
    d.append({data, data, 0});
    d.append(arg.shape.begin(), arg.shape.end());
    SmallVector<int64_t> strides(arg.shape.size(), 1);
    for (int64_t i = static_cast<int64_t>(arg.shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * arg.shape[i + 1];
    d.append(strides.begin(), strides.end());
  }
  size_t resultWords = 0;
  for (RankedTensorType type : resultTypes)
    resultWords += 3 + 2 * type.getRank();
  SmallVector<int64_t> results(resultWords, 0);

  SmallVector<void *> pointers;
  pointers.push_back(results.data());
  for (SmallVector<int64_t> &d : descriptors)
    pointers.push_back(d.data());
  SmallVector<void *> packed;
  if (!resultTypes.empty())
    packed.push_back(&pointers[0]);
  for (size_t i = 1; i < pointers.size(); ++i)
    packed.push_back(&pointers[i]);
  if (llvm::Error e = engine->invokePacked("_mlir_ciface_" + name, packed))
    return std::move(e);

  // Copy the results out (honouring their strides) and free their buffers.
  // A buffer is freed once, and never when it is an argument's.
  llvm::DenseSet<int64_t> inputs, freed;
  for (const HostArray &arg : args)
    inputs.insert(reinterpret_cast<int64_t>(arg.data.data()));
  SmallVector<HostArray> out;
  const int64_t *word = results.data();
  for (RankedTensorType type : resultTypes) {
    int64_t rank = type.getRank();
    int64_t allocated = word[0], aligned = word[1], offset = word[2];
    ArrayRef<int64_t> sizes(word + 3, rank), strides(word + 3 + rank, rank);
    HostArray &array = out.emplace_back(type.getElementType(), sizes);
    size_t bytes = array.elementBytes();
    const auto *base = reinterpret_cast<const uint8_t *>(aligned);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t i = 0, n = array.numElements(); i < n; ++i) {
      int64_t at = offset;
      for (int64_t d = 0; d < rank; ++d)
        at += index[d] * strides[d];
      std::memcpy(array.data.data() + i * bytes, base + at * bytes, bytes);
      for (int64_t d = rank - 1; d >= 0 && ++index[d] == sizes[d]; --d)
        index[d] = 0;
    }
    if (allocated && !inputs.contains(allocated) &&
        freed.insert(allocated).second)
      std::free(reinterpret_cast<void *>(allocated));
    word += 3 + 2 * rank;
  }
  return out;
}
