// What the onnx lowering refuses, each with one error saying why.
// RUN: attic-opt %s --attic-lower-onnx --split-input-file --verify-diagnostics

func.func @other_operator(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the ONNX operator 'com.microsoft.Gelu' is not supported for compilation}}
  %y = onnx.Node "com.microsoft" "Gelu" (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{cannot be compiled: the shape of 'tensor<*xf32>' is unknown (shape inference could not tell its rank)}}
  %y = onnx.Exp %x : (tensor<*xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @axes_at_run_time(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{cannot be compiled: its axes are not a constant}}
  %y = onnx.ReduceSum %x, %axes {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @dynamic_reshape(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> tensor<?x2xf32> {
  // expected-error @+1 {{cannot be compiled: its result shape 'tensor<?x2xf32>' is not static}}
  %y = onnx.Reshape %x, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

func.func @negative_step(%x: tensor<8xf32>) -> tensor<4xf32> {
  %b = onnx.Constant {value = dense<7> : tensor<1xi64>} : tensor<1xi64>
  %e = onnx.Constant {value = dense<-9> : tensor<1xi64>} : tensor<1xi64>
  %a = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %st = onnx.Constant {value = dense<-2> : tensor<1xi64>} : tensor<1xi64>
  // expected-error @+1 {{cannot be compiled: negative steps are not supported}}
  %y = onnx.Slice %x, %b, %e, %a, %st : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @float_only(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{cannot be compiled: it needs floating-point elements, got 'i64'}}
  %y = onnx.Exp %x : (tensor<4xi64>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

func.func @unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{cannot be compiled: element type 'ui8' is not supported}}
  %y = onnx.Neg %x : (tensor<4xui8>) -> tensor<4xui8>
  return %y : tensor<4xui8>
}

// -----

func.func @dynamic_broadcast(%x: tensor<1xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{cannot be compiled: the size of result dimension 0 is dynamic and no operand gives it}}
  %y = onnx.Expand %x, %s : (tensor<1xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

func.func @erf_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{cannot be compiled: Erf is computed in f32 only, got 'f64'}}
  %y = onnx.Erf %x : (tensor<4xf64>) -> tensor<4xf64>
  return %y : tensor<4xf64>
}
