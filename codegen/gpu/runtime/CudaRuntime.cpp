//===- CudaRuntime.cpp - Attic's runtime over the CUDA driver API ---------===//
//
// See AtticCudaRuntime.h. The mgpu* functions are those MLIR's gpu-to-llvm
// conversion and gpu.binary translation (LLVM 22) emit calls to; their
// signatures are fixed by that release.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/runtime/AtticCudaRuntime.h"

#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#define ATTIC_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

std::mutex mutex;
std::string pendingError, takenError;
/// Host allocations handed out when managed memory failed.
std::unordered_set<void *> hostFallbacks;
/// Managed allocations and their sizes; the bytes held now and at most.
std::unordered_map<void *, size_t> allocations;
size_t heldBytes = 0, peakBytes = 0;
CUdevice device = 0;
CUcontext context = nullptr;
CUstream stream = nullptr;

void recordError(const char *call, const std::string &what) {
  std::lock_guard<std::mutex> lock(mutex);
  if (pendingError.empty())
    pendingError = std::string(call) + ": " + what;
}

bool hasError() {
  std::lock_guard<std::mutex> lock(mutex);
  return !pendingError.empty();
}

/// The name of a result the driver cannot name itself (the toolkit's stub
/// libcuda.so names nothing).
const char *knownErrorName(CUresult result) {
  switch (result) {
#define NAME(e)                                                                \
  case e:                                                                      \
    return #e;
    NAME(CUDA_ERROR_INVALID_VALUE)
    NAME(CUDA_ERROR_OUT_OF_MEMORY)
    NAME(CUDA_ERROR_NOT_INITIALIZED)
    NAME(CUDA_ERROR_STUB_LIBRARY)
    NAME(CUDA_ERROR_NO_DEVICE)
    NAME(CUDA_ERROR_INVALID_DEVICE)
    NAME(CUDA_ERROR_INVALID_IMAGE)
    NAME(CUDA_ERROR_INVALID_CONTEXT)
    NAME(CUDA_ERROR_NO_BINARY_FOR_GPU)
    NAME(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
    NAME(CUDA_ERROR_INVALID_PTX)
    NAME(CUDA_ERROR_NOT_FOUND)
    NAME(CUDA_ERROR_ILLEGAL_ADDRESS)
    NAME(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
    NAME(CUDA_ERROR_LAUNCH_TIMEOUT)
    NAME(CUDA_ERROR_LAUNCH_FAILED)
    NAME(CUDA_ERROR_UNKNOWN)
#undef NAME
  default:
    return nullptr;
  }
}

/// Records a failed driver call; true when `result` is success.
bool check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return true;
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName(result, &name) != CUDA_SUCCESS)
    name = knownErrorName(result);
  if (cuGetErrorString(result, &text) != CUDA_SUCCESS)
    text = nullptr;
  std::string what = name ? name : "CUDA error " + std::to_string(result);
  if (text)
    what += std::string(": ") + text;
  recordError(call, what);
  return false;
}

/// The primary context of device 0, current on this thread.
bool ensureContext() {
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] {
    ready = check(cuInit(0), "cuInit") &&
            check(cuDeviceGet(&device, 0), "cuDeviceGet") &&
            check(cuDevicePrimaryCtxRetain(&context, device),
                  "cuDevicePrimaryCtxRetain");
  });
  return ready && check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

} // namespace

//===----------------------------------------------------------------------===//
// Attic's interface
//===----------------------------------------------------------------------===//

namespace {

/// Moves `bytes` at `pointer` (managed) to the device, or places them there
/// when they were never touched.
void prefetch(void *pointer, size_t bytes) {
  CUmemLocation location = {};
  location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  location.id = device;
  check(cuMemPrefetchAsync(reinterpret_cast<CUdeviceptr>(pointer), bytes,
                           location, 0, nullptr),
        "cuMemPrefetchAsync");
}

} // namespace

ATTIC_EXPORT void *atticCudaAlloc(size_t bytes) {
  CUdeviceptr pointer = 0;
  // Zero bytes are valid for a memref; managed memory wants at least one.
  size_t size = bytes ? bytes : 1;
  if (ensureContext() &&
      check(cuMemAllocManaged(&pointer, size, CU_MEM_ATTACH_GLOBAL),
            "cuMemAllocManaged")) {
    void *result = reinterpret_cast<void *>(pointer);
    // Kernels write most buffers first: their pages start on the device.
    prefetch(result, size);
    std::lock_guard<std::mutex> lock(mutex);
    allocations[result] = size;
    heldBytes += size;
    peakBytes = std::max(peakBytes, heldBytes);
    return result;
  }
  void *host = std::malloc(bytes ? bytes : 1);
  std::lock_guard<std::mutex> lock(mutex);
  hostFallbacks.insert(host);
  return host;
}

ATTIC_EXPORT void atticCudaFree(void *pointer) {
  if (!pointer)
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (hostFallbacks.erase(pointer)) {
      std::free(pointer);
      return;
    }
    auto it = allocations.find(pointer);
    if (it != allocations.end()) {
      heldBytes -= it->second;
      allocations.erase(it);
    }
  }
  if (ensureContext())
    check(cuMemFree(reinterpret_cast<CUdeviceptr>(pointer)), "cuMemFree");
}

ATTIC_EXPORT void atticCudaPrefetch(void *pointer, size_t bytes) {
  if (pointer && bytes && ensureContext()) {
    prefetch(pointer, bytes);
    check(cuCtxSynchronize(), "cuCtxSynchronize");
  }
}

ATTIC_EXPORT size_t atticCudaPeakBytes(void) {
  std::lock_guard<std::mutex> lock(mutex);
  return peakBytes;
}

ATTIC_EXPORT void atticCudaResetPeak(void) {
  std::lock_guard<std::mutex> lock(mutex);
  peakBytes = heldBytes;
}

ATTIC_EXPORT int atticCudaSynchronize(void) {
  return ensureContext() && check(cuCtxSynchronize(), "cuCtxSynchronize") ? 0
                                                                          : 1;
}

ATTIC_EXPORT const char *atticCudaTakeError(void) {
  std::lock_guard<std::mutex> lock(mutex);
  if (pendingError.empty())
    return nullptr;
  takenError = std::move(pendingError);
  pendingError.clear();
  return takenError.c_str();
}

ATTIC_EXPORT const char *atticCudaDeviceDescription(void) {
  static std::string description;
  if (!ensureContext())
    return nullptr;
  char name[256] = {0};
  int major = 0, minor = 0;
  if (!check(cuDeviceGetName(name, sizeof(name) - 1, device),
             "cuDeviceGetName") ||
      !check(cuDeviceGetAttribute(
                 &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
             "cuDeviceGetAttribute") ||
      !check(cuDeviceGetAttribute(
                 &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
             "cuDeviceGetAttribute"))
    return nullptr;
  description = std::string(name) + " (sm_" + std::to_string(major) +
                std::to_string(minor) + ")";
  return description.c_str();
}

//===----------------------------------------------------------------------===//
// MLIR's interface
//===----------------------------------------------------------------------===//

ATTIC_EXPORT void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  return atticCudaAlloc(bytes);
}

ATTIC_EXPORT void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                      size_t bytes) {
  // Managed allocations are aligned to at least 256 bytes.
  (void)alignment;
  return atticCudaAlloc(bytes);
}

ATTIC_EXPORT void _mlir_memref_to_llvm_free(void *pointer) {
  atticCudaFree(pointer);
}

ATTIC_EXPORT void *mgpuModuleLoad(void *data, size_t size) {
  (void)size;
  CUmodule module = nullptr;
  if (!ensureContext() ||
      !check(cuModuleLoadData(&module, data), "cuModuleLoadData"))
    return nullptr;
  return module;
}

ATTIC_EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel) {
  CUmodule module = nullptr;
  CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  if (!ensureContext() ||
      !check(cuModuleLoadDataEx(&module, data, 1, options, values),
             "cuModuleLoadDataEx"))
    return nullptr;
  return module;
}

ATTIC_EXPORT void mgpuModuleUnload(void *module) {
  if (module && ensureContext())
    check(cuModuleUnload(static_cast<CUmodule>(module)), "cuModuleUnload");
}

ATTIC_EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module) {
    recordError("cuModuleGetFunction", std::string("no module holds kernel ") +
                                           name + " (its module did not load)");
    return nullptr;
  }
  CUfunction function = nullptr;
  if (!ensureContext() ||
      !check(
          cuModuleGetFunction(&function, static_cast<CUmodule>(module), name),
          "cuModuleGetFunction"))
    return nullptr;
  return function;
}

/// One stream serves every launch; creating one per launch, as the
/// generated code asks, would cost more than small kernels.
ATTIC_EXPORT void *mgpuStreamCreate() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (ensureContext())
      check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  });
  return stream;
}

ATTIC_EXPORT void mgpuStreamDestroy(void *) {}

ATTIC_EXPORT void mgpuStreamSynchronize(void *s) {
  if (ensureContext())
    check(cuStreamSynchronize(static_cast<CUstream>(s)), "cuStreamSynchronize");
}

ATTIC_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX,
                                   intptr_t gridY, intptr_t gridZ,
                                   intptr_t blockX, intptr_t blockY,
                                   intptr_t blockZ, int32_t sharedBytes,
                                   void *s, void **params, void **extra,
                                   size_t /*paramsCount*/) {
  // After an error (or without a kernel) nothing more runs; an empty grid
  // has nothing to do.
  if (!function || hasError() || !ensureContext())
    return;
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0 || blockX <= 0 || blockY <= 0 ||
      blockZ <= 0)
    return;
  check(cuLaunchKernel(static_cast<CUfunction>(function), gridX, gridY, gridZ,
                       blockX, blockY, blockZ, sharedBytes,
                       static_cast<CUstream>(s), params, extra),
        "cuLaunchKernel");
}
