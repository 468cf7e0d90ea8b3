/*===- AtticCudaRuntime.h - What Attic's CUDA programs call -------*- C -*-===*\
|*                                                                            *|
|* libAtticCudaRuntime.so serves code compiled by Attic for NVIDIA GPUs. It   *|
|* is written over the CUDA driver API and linked against libcuda.so.1.       *|
|*                                                                            *|
|* The compiled host code calls MLIR's runtime interface (mgpuModuleLoad,     *|
|* mgpuLaunchKernel, ...) and allocates every buffer through                  *|
|* _mlir_memref_to_llvm_alloc/_free, which this library serves with CUDA      *|
|* managed memory: host and device share all buffers. Kernels run on one     *|
|* stream and each launch is waited for, so the host may read any buffer     *|
|* after a call returns.                                                      *|
|*                                                                            *|
|* A CUDA call that fails records an error naming the call and the CUDA       *|
|* error (e.g. "cuModuleLoadData: CUDA_ERROR_NO_BINARY_FOR_GPU: no kernel     *|
|* image is available for execution on the device"); once an error is        *|
|* recorded, launches are skipped until it is taken. Callers of compiled      *|
|* functions check atticCudaTakeError() after each call.                     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTIC_CUDA_RUNTIME_H
#define ATTIC_CUDA_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Managed memory (host and device), its pages placed on the device; a
   failed allocation records an error and returns host memory so that host
   code does not crash. */
void *atticCudaAlloc(size_t bytes);
void atticCudaFree(void *pointer);

/* Moves managed memory to the device (e.g. after the host wrote it) and
   waits until it is there. */
void atticCudaPrefetch(void *pointer, size_t bytes);

/* The most managed memory held at once since the last reset, in bytes, and
   the reset (to what is held now). */
size_t atticCudaPeakBytes(void);
void atticCudaResetPeak(void);

/* Waits for the device; 0 on success. */
int atticCudaSynchronize(void);

/* The first error recorded since the last call, or NULL; the message stays
   valid until the next call. */
const char *atticCudaTakeError(void);

/* The device's name and compute capability as "NAME (sm_XY)", or NULL with
   an error recorded when there is none. */
const char *atticCudaDeviceDescription(void);

#ifdef __cplusplus
}
#endif

#endif /* ATTIC_CUDA_RUNTIME_H */
