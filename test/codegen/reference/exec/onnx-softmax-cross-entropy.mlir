// attic.cross_entropy on ONNX's own SoftmaxCrossEntropyLoss conformance
// tests (libonnx-testdata): every reduction, class weights, ignore_index
// (negative, or above the class count), and up to five spatial dimensions.
// Each function mirrors the node of the test's model.onnx.
// RUN: attic-run %s --function=sce_NCd1_mean_weight_negative_ii --data-set=%onnx_node_data/test_sce_NCd1_mean_weight_negative_ii/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_NCd1d2d3_none_no_weight_negative_ii --data-set=%onnx_node_data/test_sce_NCd1d2d3_none_no_weight_negative_ii/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_NCd1d2d3_sum_weight_high_ii --data-set=%onnx_node_data/test_sce_NCd1d2d3_sum_weight_high_ii/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_NCd1d2d3d4d5_mean_weight --data-set=%onnx_node_data/test_sce_NCd1d2d3d4d5_mean_weight/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_NCd1d2d3d4d5_none_no_weight --data-set=%onnx_node_data/test_sce_NCd1d2d3d4d5_none_no_weight/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean --data-set=%onnx_node_data/test_sce_mean/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_3d --data-set=%onnx_node_data/test_sce_mean_3d/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_no_weight_ii --data-set=%onnx_node_data/test_sce_mean_no_weight_ii/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_no_weight_ii_3d --data-set=%onnx_node_data/test_sce_mean_no_weight_ii_3d/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_no_weight_ii_4d --data-set=%onnx_node_data/test_sce_mean_no_weight_ii_4d/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_weight --data-set=%onnx_node_data/test_sce_mean_weight/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_weight_ii --data-set=%onnx_node_data/test_sce_mean_weight_ii/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_weight_ii_3d --data-set=%onnx_node_data/test_sce_mean_weight_ii_3d/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_mean_weight_ii_4d --data-set=%onnx_node_data/test_sce_mean_weight_ii_4d/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_none --data-set=%onnx_node_data/test_sce_none/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_none_weights --data-set=%onnx_node_data/test_sce_none_weights/test_data_set_0 | FileCheck %s
// RUN: attic-run %s --function=sce_sum --data-set=%onnx_node_data/test_sce_sum/test_data_set_0 | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.pb: {{.*}}: ok

func.func @sce_NCd1_mean_weight_negative_ii(%x: tensor<3x5x6xf32>, %y: tensor<3x6xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {ignore_index = -1 : i64} : tensor<3x5x6xf32>, tensor<3x6xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_NCd1d2d3_none_no_weight_negative_ii(%x: tensor<3x5x6x6x5xf32>, %y: tensor<3x6x6x5xi64>) -> tensor<3x6x6x5xf32> {
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>, ignore_index = -5 : i64} : tensor<3x5x6x6x5xf32>, tensor<3x6x6x5xi64> -> tensor<3x6x6x5xf32>
  return %l : tensor<3x6x6x5xf32>
}

func.func @sce_NCd1d2d3_sum_weight_high_ii(%x: tensor<3x5xf32>, %y: tensor<3xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {reduction = #attic.reduction<sum>, ignore_index = 10 : i64} : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_NCd1d2d3d4d5_mean_weight(%x: tensor<3x5x6x6x5x3x4xf32>, %y: tensor<3x6x6x5x3x4xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) : tensor<3x5x6x6x5x3x4xf32>, tensor<3x6x6x5x3x4xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_NCd1d2d3d4d5_none_no_weight(%x: tensor<3x5x6x6x5x3x4xf32>, %y: tensor<3x6x6x5x3x4xi64>) -> tensor<3x6x6x5x3x4xf32> {
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<3x5x6x6x5x3x4xf32>, tensor<3x6x6x5x3x4xi64> -> tensor<3x6x6x5x3x4xf32>
  return %l : tensor<3x6x6x5x3x4xf32>
}

func.func @sce_mean(%x: tensor<3x5xf32>, %y: tensor<3xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_3d(%x: tensor<3x5x2xf32>, %y: tensor<3x2xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y : tensor<3x5x2xf32>, tensor<3x2xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_no_weight_ii(%x: tensor<3x5xf32>, %y: tensor<3xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y {ignore_index = 2 : i64} : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_no_weight_ii_3d(%x: tensor<3x5x2xf32>, %y: tensor<3x2xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y {ignore_index = 2 : i64} : tensor<3x5x2xf32>, tensor<3x2xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_no_weight_ii_4d(%x: tensor<3x5x2x7xf32>, %y: tensor<3x2x7xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y {ignore_index = 2 : i64} : tensor<3x5x2x7xf32>, tensor<3x2x7xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_weight(%x: tensor<3x5xf32>, %y: tensor<3xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_weight_ii(%x: tensor<3x5xf32>, %y: tensor<3xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {ignore_index = 0 : i64} : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_weight_ii_3d(%x: tensor<3x5x2xf32>, %y: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {ignore_index = 1 : i64} : tensor<3x5x2xf32>, tensor<3x2xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_mean_weight_ii_4d(%x: tensor<3x5x2x7xf32>, %y: tensor<3x2x7xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {ignore_index = 2 : i64} : tensor<3x5x2x7xf32>, tensor<3x2x7xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @sce_none(%x: tensor<3x5xf32>, %y: tensor<3xi64>) -> tensor<3xf32> {
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<3x5xf32>, tensor<3xi64> -> tensor<3xf32>
  return %l : tensor<3xf32>
}

func.func @sce_none_weights(%x: tensor<3x5xf32>, %y: tensor<3xi64>, %w: tensor<5xf32>) -> tensor<3xf32> {
  %l = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {reduction = #attic.reduction<none>} : tensor<3x5xf32>, tensor<3xi64> -> tensor<3xf32>
  return %l : tensor<3xf32>
}

func.func @sce_sum(%x: tensor<3x5xf32>, %y: tensor<3xi64>) -> tensor<f32> {
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<sum>} : tensor<3x5xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}
