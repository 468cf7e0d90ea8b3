/* Calls the AOT-compiled functions of kernels.mlir through the generated
 * header and checks them against plain double-precision C. */
#include "kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void report(const char *what, double error, double tolerance) {
  int ok = error <= tolerance;
  printf("%s: max error %.3g: %s\n", what, error, ok ? "ok" : "MISMATCH");
  failures += !ok;
}

static void check_softmax(void) {
  float x[3][37];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 37; ++j)
      x[i][j] = (float)((i * 37 + j) % 11) * 0.7f - 3.0f + (i == 2 ? 1e4f : 0);
  attic_memref_2d_f32 in = {&x[0][0], &x[0][0], 0, {3, 37}, {37, 1}};
  attic_memref_2d_f32 out;
  _mlir_ciface_softmax_rows(&out, &in);

  double error = 0;
  for (int i = 0; i < 3; ++i) {
    double max = -INFINITY, sum = 0;
    for (int j = 0; j < 37; ++j)
      max = fmax(max, x[i][j]);
    for (int j = 0; j < 37; ++j)
      sum += exp(x[i][j] - max);
    for (int j = 0; j < 37; ++j) {
      double want = exp(x[i][j] - max) / sum;
      float got = out.aligned[out.offset + i * out.strides[0] +
                              j * out.strides[1]];
      error = fmax(error, fabs(got - want));
    }
  }
  report("softmax_rows", error, 1e-6);
  if (out.sizes[0] != 3 || out.sizes[1] != 37)
    report("softmax_rows sizes", 1, 0);
  free(out.allocated);
}

static void check_loss(int64_t n) {
  float *x = malloc(sizeof(float) * n * 10);
  int64_t *labels = malloc(sizeof(int64_t) * n);
  for (int64_t i = 0; i < n * 10; ++i)
    x[i] = (float)sin(0.37 * i) * 4;
  for (int64_t i = 0; i < n; ++i)
    labels[i] = (i * 7) % 10;
  attic_memref_2d_f32 in = {x, x, 0, {n, 10}, {10, 1}};
  attic_memref_1d_i64 lab = {labels, labels, 0, {n}, {1}};
  attic_loss_and_lse_results out;
  _mlir_ciface_loss_and_lse(&out, &in, &lab);

  double loss = 0, error = 0;
  for (int64_t i = 0; i < n; ++i) {
    double max = -INFINITY, sum = 0;
    for (int j = 0; j < 10; ++j)
      max = fmax(max, x[i * 10 + j]);
    for (int j = 0; j < 10; ++j)
      sum += exp(x[i * 10 + j] - max);
    double lse = max + log(sum);
    loss += lse - x[i * 10 + labels[i]];
    float got = out.r1.aligned[out.r1.offset + i * out.r1.strides[0]];
    error = fmax(error, fabs(got - lse) / fabs(lse));
  }
  loss /= n;
  report("logsumexp", error, 1e-6);
  report("mean cross-entropy",
         fabs(out.r0.aligned[out.r0.offset] - loss) / fabs(loss), 1e-6);
  if (out.r1.sizes[0] != n)
    report("logsumexp size", 1, 0);
  free(out.r0.allocated);
  free(out.r1.allocated);
  free(x);
  free(labels);
}

int main(void) {
  check_softmax();
  check_loss(5);
  check_loss(40);
  return failures != 0;
}
