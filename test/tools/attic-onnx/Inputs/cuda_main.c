/* Calls softmax_rows compiled with attic-onnx compile --target=cuda: its
   argument lives in CUDA managed memory (atticCudaAlloc), and so does its
   result. Checks the answer against plain C, or prints why there is no
   device to run on. */
#include "AtticCudaRuntime.h"
#include "cuda_softmax.h"

#include <math.h>
#include <stdio.h>

enum { ROWS = 64, COLS = 1000 };

int main(void) {
  const char *device = atticCudaDeviceDescription();
  if (!device) {
    printf("no device: %s\n", atticCudaTakeError());
    return 2;
  }
  float *x = atticCudaAlloc(sizeof(float) * ROWS * COLS);
  for (int i = 0; i < ROWS * COLS; ++i)
    x[i] = (float)((i * 7919) % 2003) / 100.0f - 10.0f;
  attic_memref_2d_f32 arg = {x, x, 0, {ROWS, COLS}, {COLS, 1}};
  attic_memref_2d_f32 result;
  _mlir_ciface_softmax_rows(&result, &arg);
  const char *error = atticCudaTakeError();
  if (error) {
    printf("error: %s\n", error);
    return 1;
  }
  double worst = 0;
  for (int r = 0; r < ROWS; ++r) {
    double max = -INFINITY, sum = 0;
    for (int c = 0; c < COLS; ++c)
      max = fmax(max, x[r * COLS + c]);
    for (int c = 0; c < COLS; ++c)
      sum += exp(x[r * COLS + c] - max);
    for (int c = 0; c < COLS; ++c) {
      double want = exp(x[r * COLS + c] - max) / sum;
      double got = result.aligned[result.offset + r * COLS + c];
      worst = fmax(worst, fabs(got - want) / fmax(want, 1e-30));
    }
  }
  printf("device %s: softmax_rows: max relative error %g: %s\n", device, worst,
         worst <= 1e-5 ? "ok" : "FAIL");
  atticCudaFree(result.allocated);
  atticCudaFree(x);
  return worst <= 1e-5 ? 0 : 1;
}
