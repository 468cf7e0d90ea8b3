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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cpu;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

JitTarget cpu::cpuTarget(const CpuPipelineOptions &options) {
  JitTarget target;
  // The options are copied: the target may outlive the caller's.
  auto copy = std::make_shared<CpuPipelineOptions>();
  copy->copyOptionValuesFrom(options);
  target.lower = [copy](ModuleOp module) {
    return lowerForCpu(module, "", *copy);
  };
  target.release = std::free;
  return target;
}

llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
JitFunction::compileFunctions(ModuleOp module, ArrayRef<func::FuncOp> funcs,
                              StringRef prePipeline,
                              const JitTarget &jitTarget) {
  MLIRContext *ctx = module.getContext();
  SmallVector<std::unique_ptr<JitFunction>> jits;
  for (func::FuncOp func : funcs) {
    if (llvm::Error e = checkCallable(func))
      return std::move(e);
    std::unique_ptr<JitFunction> jit(new JitFunction());
    jit->name = func.getSymName().str();
    for (Type type : func.getArgumentTypes())
      jit->argTypes.push_back(cast<RankedTensorType>(type));
    for (Type type : func.getResultTypes())
      jit->resultTypes.push_back(cast<RankedTensorType>(type));
    jits.push_back(std::move(jit));
  }

  OwningOpRef<ModuleOp> copy = module.clone();
  // The functions asked for get a C interface even when private.
  for (func::FuncOp func : funcs)
    cast<func::FuncOp>(copy->lookupSymbol(func.getSymName())).setPublic();
  if (!prePipeline.empty())
    if (llvm::Error e = runPassPipeline(*copy, prePipeline))
      return std::move(e);
  if (llvm::Error e = jitTarget.lower(*copy))
    return std::move(e);

  ExecutionEngineOptions options;
  SmallVector<StringRef> libraries(jitTarget.sharedLibraries.begin(),
                                   jitTarget.sharedLibraries.end());
  options.sharedLibPaths = libraries;
  auto transformer = makeOptimizingTransformer(/*optLevel=*/3,
                                               /*sizeLevel=*/0, nullptr);
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  FirstErrorRecorder recorder(ctx);
  auto engine = ExecutionEngine::create(*copy, options);
  if (!engine) {
    std::string message = "compilation for the host failed";
    if (!recorder.get().empty())
      message += ": " + recorder.get();
    return error(message + ": " + llvm::toString(engine.takeError()));
  }
  std::shared_ptr<ExecutionEngine> shared = std::move(*engine);
  auto target = std::make_shared<const JitTarget>(jitTarget);
  for (std::unique_ptr<JitFunction> &jit : jits) {
    jit->engine = shared;
    jit->target = target;
  }
  return std::move(jits);
}

llvm::Expected<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, StringRef function, StringRef prePipeline,
                     const CpuPipelineOptions &pipelineOptions) {
  return compile(module, function, prePipeline, cpuTarget(pipelineOptions));
}

llvm::Expected<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, StringRef function, StringRef prePipeline,
                     const JitTarget &target) {
  auto func = dyn_cast_or_null<func::FuncOp>(module.lookupSymbol(function));
  if (!func)
    return error("no function @" + function + " in the module");
  auto jits = compileFunctions(module, func, prePipeline, target);
  if (!jits)
    return jits.takeError();
  return std::move(jits->front());
}

llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
JitFunction::compileAll(ModuleOp module, StringRef prePipeline,
                        const CpuPipelineOptions &pipelineOptions) {
  return compileAll(module, prePipeline, cpuTarget(pipelineOptions));
}

llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
JitFunction::compileAll(ModuleOp module, StringRef prePipeline,
                        const JitTarget &target) {
  SmallVector<func::FuncOp> funcs;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      funcs.push_back(func);
  if (funcs.empty())
    return error("the module defines no public function");
  return compileFunctions(module, funcs, prePipeline, target);
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

  // Argument buffers: the host arrays, or copies where the target wants
  // its own memory (freed when the call is done).
  SmallVector<void *> copies;
  llvm::scope_exit freeCopies([&] {
    for (void *copy : copies)
      target->release(copy);
  });
  SmallVector<const void *> buffers;
  for (const HostArray &arg : args) {
    if (!target->allocate) {
      buffers.push_back(arg.data.data());
      continue;
    }
    void *copy = target->allocate(arg.data.size());
    copies.push_back(copy);
    if (!arg.data.empty())
      std::memcpy(copy, arg.data.data(), arg.data.size());
    if (target->prepareArgument)
      target->prepareArgument(copy, arg.data.size());
    buffers.push_back(copy);
  }

  // Argument descriptors (the pipeline marks arguments read-only, so the
  // compiled code does not write them).
  SmallVector<SmallVector<int64_t>> descriptors;
  for (auto [arg, buffer] : llvm::zip_equal(args, buffers)) {
    SmallVector<int64_t> &d = descriptors.emplace_back();
    auto data = reinterpret_cast<int64_t>(buffer);
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
  auto start = std::chrono::steady_clock::now();
  if (llvm::Error e = engine->invokePacked("_mlir_ciface_" + name, packed))
    return std::move(e);
  lastCallMs = std::chrono::duration<double, std::milli>(
                   std::chrono::steady_clock::now() - start)
                   .count();
  std::optional<std::string> failure =
      target->takeError ? target->takeError() : std::nullopt;

  // Copy the results out (honouring their strides) and free their buffers.
  // A buffer is freed once, and never when it is an argument's.
  llvm::DenseSet<int64_t> inputs, freed;
  for (const void *buffer : buffers)
    inputs.insert(reinterpret_cast<int64_t>(buffer));
  SmallVector<HostArray> out;
  const int64_t *word = results.data();
  for (RankedTensorType type : resultTypes) {
    int64_t rank = type.getRank();
    int64_t allocated = word[0], aligned = word[1], offset = word[2];
    ArrayRef<int64_t> sizes(word + 3, rank), strides(word + 3 + rank, rank);
    HostArray &array = out.emplace_back(type.getElementType(), sizes);
    size_t bytes = array.elementBytes();
    const auto *base = reinterpret_cast<const uint8_t *>(aligned);
    // Row-major results (the usual case) are one copy.
    bool contiguous = true;
    for (int64_t d = rank - 1, stride = 1; d >= 0; stride *= sizes[d--])
      contiguous &= sizes[d] == 1 || strides[d] == stride;
    if (contiguous) {
      if (!array.data.empty())
        std::memcpy(array.data.data(), base + offset * bytes,
                    array.data.size());
    } else {
      SmallVector<int64_t> index(rank, 0);
      for (int64_t i = 0, n = array.numElements(); i < n; ++i) {
        int64_t at = offset;
        for (int64_t d = 0; d < rank; ++d)
          at += index[d] * strides[d];
        std::memcpy(array.data.data() + i * bytes, base + at * bytes, bytes);
        for (int64_t d = rank - 1; d >= 0 && ++index[d] == sizes[d]; --d)
          index[d] = 0;
      }
    }
    if (allocated && !inputs.contains(allocated) &&
        freed.insert(allocated).second)
      target->release(reinterpret_cast<void *>(allocated));
    word += 3 + 2 * rank;
  }
  if (failure)
    return error("@" + name + " failed: " + *failure);
  return out;
}
