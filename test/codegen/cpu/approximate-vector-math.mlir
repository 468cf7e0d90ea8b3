// attic-cpu-approximate-vector-math: an f32 vector exponential becomes
// polynomial vector code (clamped argument, reduction by ln 2, FMAs, the
// power of two from the exponent bits); scalar and f64 exponentials keep
// their library call.
// RUN: attic-opt %s --attic-cpu-approximate-vector-math | FileCheck %s

// CHECK-LABEL: func.func @vector_f32(
// CHECK-NOT: math.exp
// CHECK: math.floor {{.*}} : vector<16xf32>
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: arith.shli {{.*}} : vector<16xi32>
// CHECK: arith.bitcast {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @vector_f32(%x: vector<16xf32>) -> vector<16xf32> {
  %y = math.exp %x : vector<16xf32>
  return %y : vector<16xf32>
}

// CHECK-LABEL: func.func @scalar_and_f64(
// CHECK: math.exp %{{.*}} : f32
// CHECK: math.exp %{{.*}} : vector<4xf64>
// CHECK-NOT: math.floor
func.func @scalar_and_f64(%x: f32, %v: vector<4xf64>) -> (f32, vector<4xf64>) {
  %y = math.exp %x : f32
  %w = math.exp %v : vector<4xf64>
  return %y, %w : f32, vector<4xf64>
}
