//===- Target.cpp - Compile and run Attic modules on NVIDIA GPUs ----------===//

#include "codegen/gpu/Target.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::attic;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Error cuda::lowerForCuda(ModuleOp module, StringRef prePipeline,
                               const CudaPipelineOptions &options) {
  if (!isCudaChip(options.chip))
    return error("unknown GPU architecture '" + options.chip +
                 "' (expected sm_NN, e.g. sm_80 or sm_90)");
  StringRef format = options.format;
  if (format != "isa" && format != "bin" && format != "fatbin")
    return error("unknown GPU binary format '" + format +
                 "' (expected isa, bin or fatbin)");
  DialectRegistry registry;
  registerCudaExtensions(registry);
  module.getContext()->appendDialectRegistry(registry);
  return cpu::lowerModule(
      module, prePipeline, "lowering for CUDA",
      [&](OpPassManager &pm) { buildCudaPipeline(pm, options); });
}

std::string cuda::cudaRuntimePath() {
  if (const char *path = std::getenv("ATTIC_CUDA_RUNTIME"); path && *path)
    return path;
  std::string program = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  SmallString<256> path(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(program)));
  llvm::sys::path::append(path, "lib", "libAtticCudaRuntime.so");
  return std::string(path);
}

llvm::Expected<cpu::JitTarget>
cuda::cudaTarget(const CudaPipelineOptions &options) {
  std::string path = cudaRuntimePath();
  if (!llvm::sys::fs::exists(path))
    return error("the CUDA runtime " + path +
                 " does not exist (built only where the CUDA toolkit is; "
                 "set ATTIC_CUDA_RUNTIME to use another)");
  std::string why;
  auto library =
      llvm::sys::DynamicLibrary::getPermanentLibrary(path.c_str(), &why);
  if (!library.isValid())
    return error("cannot load the CUDA runtime " + path + ": " + why);
  auto *allocate = reinterpret_cast<void *(*)(size_t)>(
      library.getAddressOfSymbol("atticCudaAlloc"));
  auto *release = reinterpret_cast<void (*)(void *)>(
      library.getAddressOfSymbol("atticCudaFree"));
  auto *takeError = reinterpret_cast<const char *(*)()>(
      library.getAddressOfSymbol("atticCudaTakeError"));
  auto *prefetch = reinterpret_cast<void (*)(void *, size_t)>(
      library.getAddressOfSymbol("atticCudaPrefetch"));
  auto *peakBytes = reinterpret_cast<size_t (*)()>(
      library.getAddressOfSymbol("atticCudaPeakBytes"));
  auto *resetPeak = reinterpret_cast<void (*)()>(
      library.getAddressOfSymbol("atticCudaResetPeak"));
  if (!allocate || !release || !takeError || !prefetch || !peakBytes ||
      !resetPeak)
    return error(path + " is not Attic's CUDA runtime (one of its "
                        "atticCuda* functions is missing)");

  cpu::JitTarget target;
  auto copy = std::make_shared<CudaPipelineOptions>();
  copy->copyOptionValuesFrom(options);
  target.lower = [copy](ModuleOp module) {
    return lowerForCuda(module, "", *copy);
  };
  target.sharedLibraries.push_back(path);
  target.allocate = allocate;
  target.release = release;
  target.prepareArgument = prefetch;
  target.peakBytes = peakBytes;
  target.resetPeak = resetPeak;
  target.takeError = [takeError]() -> std::optional<std::string> {
    if (const char *message = takeError())
      return std::string(message);
    return std::nullopt;
  };
  return target;
}

llvm::Expected<cpu::JitTarget> cuda::cudaEmulatorTarget() {
  const char *libomp = ATTIC_LIBOMP;
  if (!*libomp || !llvm::sys::fs::exists(libomp))
    return error("the CUDA emulator needs LLVM's OpenMP runtime (libomp), "
                 "which was not found when Attic was built");
  // Threads waiting at a barrier sleep at once instead of spinning: the
  // emulated blocks have far more threads than the machine has cores.
  setenv("KMP_BLOCKTIME", "0", /*overwrite=*/0);
  cpu::JitTarget target;
  target.lower = [](ModuleOp module) {
    DialectRegistry registry;
    registerCudaExtensions(registry);
    registerOpenMPDialectTranslation(registry);
    module.getContext()->appendDialectRegistry(registry);
    return cpu::lowerModule(
        module, "", "lowering for the CUDA emulator",
        [](OpPassManager &pm) { buildCudaEmulationPipeline(pm); });
  };
  target.sharedLibraries.push_back(libomp);
  target.release = std::free;
  return target;
}
