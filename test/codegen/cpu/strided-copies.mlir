// memref.copy with a strided side becomes linalg.copy; contiguous copies
// stay (they lower to memcpy).
// RUN: attic-opt %s --attic-lower-strided-copies | FileCheck %s

// CHECK-LABEL: func.func @copies
func.func @copies(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  %s = memref.subview %a[0, 2] [4, 3] [1, 1] : memref<4x8xf32> to memref<4x3xf32, strided<[8, 1], offset: 2>>
  %t = memref.alloc() : memref<4x3xf32>
  // CHECK: linalg.copy ins(%{{.*}} : memref<4x3xf32, strided<[8, 1], offset: 2>>) outs(%{{.*}} : memref<4x3xf32>)
  memref.copy %s, %t : memref<4x3xf32, strided<[8, 1], offset: 2>> to memref<4x3xf32>
  // CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x8xf32> to memref<4x8xf32>
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %t : memref<4x3xf32>
  return
}
