//===- ONNXOps.td - ONNX dialect ops -----------------------*- tablegen -*-===//
//
// Typed ops for the ONNX operators Attic matches, raises or lowers, and
// onnx.Node for every other node. Operand, result and attribute names are
// ONNX's; attributes with an ONNX default have it here too.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_ONNX_OPS_TD
#define ATTIC_ONNX_OPS_TD

include "dialects/onnx/ONNXDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

// Every typed op prints as `onnx.X %a, %b {attrs} : (types) -> types`.
class ONNX_TypedOp<string mnemonic, list<Trait> traits = []>
    : ONNX_Op<mnemonic, !listconcat([Pure], traits)> {
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class ONNX_UnaryOp<string mnemonic, string what>
    : ONNX_TypedOp<mnemonic> {
  let summary = "Elementwise " # what;
  let description = [{
    ONNX `}] # mnemonic # [{`: `Y = }] # what # [{(X)` elementwise.

    ```mlir
    %y = onnx.}] # mnemonic # [{ %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$X);
  let results = (outs ONNX_Tensor:$Y);
}

def ONNX_ExpOp : ONNX_UnaryOp<"Exp", "exp">;
def ONNX_LogOp : ONNX_UnaryOp<"Log", "log">;
def ONNX_NegOp : ONNX_UnaryOp<"Neg", "-">;
def ONNX_SqrtOp : ONNX_UnaryOp<"Sqrt", "sqrt">;
def ONNX_NotOp : ONNX_UnaryOp<"Not", "not">;
def ONNX_SoftplusOp : ONNX_UnaryOp<"Softplus", "log(1 + exp(X))">;
def ONNX_ReluOp : ONNX_UnaryOp<"Relu", "max(0, X)">;
def ONNX_TanhOp : ONNX_UnaryOp<"Tanh", "tanh">;
def ONNX_ErfOp : ONNX_UnaryOp<"Erf", "erf">;
def ONNX_SigmoidOp : ONNX_UnaryOp<"Sigmoid", "1 / (1 + exp(-X))">;
def ONNX_ReciprocalOp : ONNX_UnaryOp<"Reciprocal", "1 / X">;

def ONNX_IdentityOp : ONNX_TypedOp<"Identity"> {
  let summary = "The input, unchanged";
  let description = [{
    ONNX `Identity`: `output = input`. Folds away when the two have the same
    type.

    ```mlir
    %y = onnx.Identity %x : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input);
  let results = (outs ONNX_Tensor:$output);
  let hasFolder = 1;
}

def ONNX_EluOp : ONNX_TypedOp<"Elu"> {
  let summary = "Elementwise exponential linear unit";
  let description = [{
    ONNX `Elu`: `Y = X` where `X >= 0`, `alpha (exp(X) - 1)` elsewhere.

    ```mlir
    %y = onnx.Elu %x {alpha = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$X,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
  let results = (outs ONNX_Tensor:$Y);
}

class ONNX_BinaryOp<string mnemonic, string what>
    : ONNX_TypedOp<mnemonic> {
  let summary = "Elementwise " # what # " with multidirectional broadcasting";
  let description = [{
    ONNX `}] # mnemonic # [{`: `C = A }] # what # [{ B` elementwise, `A` and
    `B` broadcast against each other as numpy does.

    ```mlir
    %c = onnx.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$A, ONNX_Tensor:$B);
  let results = (outs ONNX_Tensor:$C);
}

def ONNX_AddOp : ONNX_BinaryOp<"Add", "+">;
def ONNX_SubOp : ONNX_BinaryOp<"Sub", "-">;
def ONNX_MulOp : ONNX_BinaryOp<"Mul", "*">;
def ONNX_DivOp : ONNX_BinaryOp<"Div", "/">;
def ONNX_EqualOp : ONNX_BinaryOp<"Equal", "==">;
def ONNX_LessOp : ONNX_BinaryOp<"Less", "<">;
def ONNX_OrOp : ONNX_BinaryOp<"Or", "or">;
def ONNX_AndOp : ONNX_BinaryOp<"And", "and">;

def ONNX_PowOp : ONNX_TypedOp<"Pow"> {
  let summary = "Elementwise power with multidirectional broadcasting";
  let description = [{
    ONNX `Pow`: `Z = X ^ Y` elementwise, broadcast as numpy does.

    ```mlir
    %z = onnx.Pow %x, %y : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$X, ONNX_Tensor:$Y);
  let results = (outs ONNX_Tensor:$Z);
}

def ONNX_WhereOp : ONNX_TypedOp<"Where"> {
  let summary = "Elementwise select";
  let description = [{
    ONNX `Where`: `output = condition ? X : Y`, the three broadcast against
    each other.

    ```mlir
    %o = onnx.Where %m, %x, %f : (tensor<4x4xi1>, tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$condition, ONNX_Tensor:$X,
                       ONNX_Tensor:$Y);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_CastOp : ONNX_TypedOp<"Cast"> {
  let summary = "Element type conversion";
  let description = [{
    ONNX `Cast`: `input` converted to the element type `to`, an ONNX
    `TensorProto.DataType` code (1 float, 7 int64, 9 bool, 10 float16, 11
    double, 16 bfloat16, ...); the result type says the same.

    ```mlir
    %o = onnx.Cast %x {to = 1 : i64} : (tensor<4xi64>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, ONNX_I64Attr:$to,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$saturate);
  let results = (outs ONNX_Tensor:$output);
  // A cast to the input's own type is the input.
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def ONNX_MatMulOp : ONNX_TypedOp<"MatMul"> {
  let summary = "Matrix product with numpy's batching";
  let description = [{
    ONNX `MatMul`: `Y = A B` as `numpy.matmul`: the last two dimensions
    multiply, the others broadcast; a 1-D operand is a vector.

    ```mlir
    %y = onnx.MatMul %a, %b : (tensor<2x8x16x64xf32>, tensor<2x8x64x16xf32>) -> tensor<2x8x16x16xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$A, ONNX_Tensor:$B);
  let results = (outs ONNX_Tensor:$Y);
}

def ONNX_GemmOp : ONNX_TypedOp<"Gemm"> {
  let summary = "General matrix product: alpha op(A) op(B) + beta C";
  let description = [{
    ONNX `Gemm`: `Y = alpha A' B' + beta C` with `A'` = `A` transposed when
    `transA` is 1 (likewise `B`), both 2-D; `C` (optional, `none` when
    absent) broadcasts to the result.

    ```mlir
    %y = onnx.Gemm %a, %b, %c {transB = 1 : i64} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$A, ONNX_Tensor:$B, ONNX_OptTensor:$C,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$transA,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$transB);
  let results = (outs ONNX_Tensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

class ONNX_SoftmaxLikeOp<string mnemonic, string what>
    : ONNX_TypedOp<mnemonic> {
  let summary = what # " along one axis";
  let description = [{
    ONNX `}] # mnemonic # [{` (opset 13 and later): }] # what # [{ of
    `input` along `axis` (negative counts from the end).

    ```mlir
    %o = onnx.}] # mnemonic # [{ %x {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input,
                       DefaultValuedAttr<ONNX_I64Attr, "-1">:$axis);
  let results = (outs ONNX_Tensor:$output);
  let hasVerifier = 1;
}

def ONNX_SoftmaxOp : ONNX_SoftmaxLikeOp<"Softmax", "Softmax">;
def ONNX_LogSoftmaxOp : ONNX_SoftmaxLikeOp<"LogSoftmax", "Log-softmax">;

class ONNX_ReduceOp<string mnemonic, string what> : ONNX_TypedOp<mnemonic> {
  let summary = what # " over the given axes";
  let description = [{
    ONNX `}] # mnemonic # [{` (opset 18 and later): }] # what # [{ of `data`
    over the axes in the optional 1-D input `axes` (all of them when it is
    `none` or empty, unless `noop_with_empty_axes` is 1), keeping them as
    size 1 when `keepdims` is 1.

    ```mlir
    %r = onnx.}] # mnemonic # [{ %x, %axes {keepdims = 1 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_OptTensor:$axes,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs ONNX_Tensor:$reduced);
}

def ONNX_ReduceMaxOp : ONNX_ReduceOp<"ReduceMax", "The maximum">;
def ONNX_ReduceSumOp : ONNX_ReduceOp<"ReduceSum", "The sum">;
def ONNX_ReduceMeanOp : ONNX_ReduceOp<"ReduceMean", "The mean">;
def ONNX_ReduceLogSumExpOp
    : ONNX_ReduceOp<"ReduceLogSumExp", "The log of the sum of exponentials">;

def ONNX_TopKOp : ONNX_TypedOp<"TopK"> {
  let summary = "The k largest (or smallest) elements along an axis";
  let description = [{
    ONNX `TopK`: the `K` (a 1-element i64 tensor) largest elements of `X`
    along `axis` (smallest with `largest` = 0), sorted when `sorted` is 1,
    and their indices.

    ```mlir
    %v, %i = onnx.TopK %x, %k {axis = -1 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$X, ONNX_Tensor:$K,
                       DefaultValuedAttr<ONNX_I64Attr, "-1">:$axis,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$largest,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$sorted);
  let results = (outs ONNX_Tensor:$Values, ONNX_Tensor:$Indices);
}

def ONNX_ArgMaxOp : ONNX_TypedOp<"ArgMax"> {
  let summary = "Index of the largest element along an axis";
  let description = [{
    ONNX `ArgMax`: the index (i64) of the largest element of `data` along
    `axis`, the first one on ties (the last with `select_last_index` = 1),
    the axis kept as size 1 when `keepdims` is 1.

    ```mlir
    %i = onnx.ArgMax %x {axis = 1 : i64, keepdims = 0 : i64} : (tensor<4x10xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$axis,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$select_last_index);
  let results = (outs ONNX_Tensor:$reduced);
}

//===----------------------------------------------------------------------===//
// Shapes, constants and data movement
//===----------------------------------------------------------------------===//

def ONNX_NoneOp : ONNX_TypedOp<"None"> {
  let summary = "The value of an optional input a node leaves out";
  let description = [{
    Not an ONNX operator: it stands for an empty input name, so that every
    op keeps its inputs at their ONNX positions.

    ```mlir
    %none = onnx.None : none
    %y = onnx.Gemm %a, %b, %none : (tensor<4x8xf32>, tensor<8x16xf32>, none) -> tensor<4x16xf32>
    ```
  }];
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict `:` type($none)";
}

def ONNX_ConstantOp : ONNX_TypedOp<"Constant", [ConstantLike]> {
  let summary = "A constant tensor";
  let description = [{
    ONNX `Constant` with its value as a tensor, whichever of `value`,
    `value_float`, `value_ints`, ... the node used; initializers become
    constants too.

    ```mlir
    %c = onnx.Constant {value = dense<[0, 2, 1, 3]> : tensor<4xi64>} : tensor<4xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs ONNX_Tensor:$output);
  let assemblyFormat = "attr-dict `:` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ONNX_ConstantOfShapeOp : ONNX_TypedOp<"ConstantOfShape"> {
  let summary = "A tensor of the given shape filled with one value";
  let description = [{
    ONNX `ConstantOfShape`: a tensor of shape `input` (1-D i64) filled with
    `value` (a one-element tensor; 0.0 f32 when absent).

    ```mlir
    %m = onnx.ConstantOfShape %s {value = dense<1> : tensor<1xi1>} : (tensor<2xi64>) -> tensor<?x?xi1>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, OptionalAttr<ElementsAttr>:$value);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_ShapeOp : ONNX_TypedOp<"Shape"> {
  let summary = "The shape of a tensor as a 1-D i64 tensor";
  let description = [{
    ONNX `Shape`: the dimensions `[start, end)` of `data` (all by default;
    negative values count from the end).

    ```mlir
    %s = onnx.Shape %x {start = -1 : i64} : (tensor<2x?xf32>) -> tensor<1xi64>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, OptionalAttr<ONNX_I64Attr>:$end,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$start);
  let results = (outs ONNX_Tensor:$shape);
}

def ONNX_TransposeOp : ONNX_TypedOp<"Transpose"> {
  let summary = "Permutation of dimensions";
  let description = [{
    ONNX `Transpose`: dimension `i` of the result is dimension `perm[i]` of
    `data` (reversed when `perm` is absent).

    ```mlir
    %t = onnx.Transpose %x {perm = [0, 2, 1, 3]} : (tensor<2x16x8x64xf32>) -> tensor<2x8x16x64xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, OptionalAttr<I64ArrayAttr>:$perm);
  let results = (outs ONNX_Tensor:$transposed);
  let hasVerifier = 1;
}

def ONNX_ReshapeOp : ONNX_TypedOp<"Reshape"> {
  let summary = "The same elements in another shape";
  let description = [{
    ONNX `Reshape` to `shape` (1-D i64): 0 copies the input's dimension
    (unless `allowzero` is 1) and one -1 is inferred.

    ```mlir
    %r = onnx.Reshape %x, %s : (tensor<2x16x512xf32>, tensor<4xi64>) -> tensor<2x16x8x64xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_Tensor:$shape,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$allowzero);
  let results = (outs ONNX_Tensor:$reshaped);
}

def ONNX_ExpandOp : ONNX_TypedOp<"Expand"> {
  let summary = "Broadcast to a shape";
  let description = [{
    ONNX `Expand`: `input` broadcast against `shape` (1-D i64).

    ```mlir
    %e = onnx.Expand %k, %s : (tensor<1x2x1x16x64xf32>, tensor<5xi64>) -> tensor<1x2x4x16x64xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, ONNX_Tensor:$shape);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_UnsqueezeOp : ONNX_TypedOp<"Unsqueeze"> {
  let summary = "Insert dimensions of size 1";
  let description = [{
    ONNX `Unsqueeze` (opset 13 and later): size-1 dimensions inserted at
    the positions in `axes` (1-D i64) of the result.

    ```mlir
    %u = onnx.Unsqueeze %x, %axes : (tensor<4xf32>, tensor<1xi64>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_Tensor:$axes);
  let results = (outs ONNX_Tensor:$expanded);
}

def ONNX_SqueezeOp : ONNX_TypedOp<"Squeeze"> {
  let summary = "Remove dimensions of size 1";
  let description = [{
    ONNX `Squeeze` (opset 13 and later): the size-1 dimensions in `axes`
    (every size-1 dimension when `axes` is `none`) removed.

    ```mlir
    %s = onnx.Squeeze %x, %axes : (tensor<4x1xf32>, tensor<1xi64>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_OptTensor:$axes);
  let results = (outs ONNX_Tensor:$squeezed);
}

def ONNX_ConcatOp : ONNX_TypedOp<"Concat"> {
  let summary = "Concatenation along an axis";
  let description = [{
    ONNX `Concat` of `inputs` along `axis`.

    ```mlir
    %c = onnx.Concat %a, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Variadic<ONNX_Tensor>:$inputs, ONNX_I64Attr:$axis);
  let results = (outs ONNX_Tensor:$concat_result);
  let hasVerifier = 1;
}

def ONNX_SliceOp : ONNX_TypedOp<"Slice"> {
  let summary = "A strided slice";
  let description = [{
    ONNX `Slice` (opset 13 and later): `data[starts:ends:steps]` along
    `axes` (all from the first when `none`; steps 1 when `none`), the four
    1-D index tensors of equal length.

    ```mlir
    %none = onnx.None : none
    %s = onnx.Slice %x, %b, %e, %a, %none : (tensor<8x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_Tensor:$starts,
                       ONNX_Tensor:$ends, ONNX_OptTensor:$axes,
                       ONNX_OptTensor:$steps);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_SplitOp : ONNX_TypedOp<"Split"> {
  let summary = "Split into parts along an axis";
  let description = [{
    ONNX `Split` (opset 18 and later): `input` cut along `axis` into the
    sizes in `split` (1-D i64), or into `num_outputs` equal parts (the last
    smaller when the size does not divide).

    ```mlir
    %none = onnx.None : none
    %q, %k, %v = onnx.Split %x, %none {axis = 2 : i64, num_outputs = 3 : i64} : (tensor<2x16x192xf32>, none) -> (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, ONNX_OptTensor:$split,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$axis,
                       OptionalAttr<ONNX_I64Attr>:$num_outputs);
  let results = (outs Variadic<ONNX_Tensor>:$outputs);
  let hasVerifier = 1;
}

def ONNX_GatherOp : ONNX_TypedOp<"Gather"> {
  let summary = "Take entries along an axis";
  let description = [{
    ONNX `Gather`: the slices of `data` along `axis` at `indices`
    (negative count from the end); the result's shape is `data`'s with
    `axis` replaced by `indices`' shape.

    ```mlir
    %g = onnx.Gather %s, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_Tensor:$indices,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$axis);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_GatherElementsOp : ONNX_TypedOp<"GatherElements"> {
  let summary = "Take one entry per index along an axis";
  let description = [{
    ONNX `GatherElements`: `output[i][j] = data[indices[i][j]][j]` for
    `axis` = 0, and likewise for other axes; `indices` has `data`'s rank.

    ```mlir
    %g = onnx.GatherElements %lp, %y {axis = 1 : i64} : (tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$data, ONNX_Tensor:$indices,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$axis);
  let results = (outs ONNX_Tensor:$output);
}

def ONNX_TriluOp : ONNX_TypedOp<"Trilu"> {
  let summary = "Upper or lower triangle of the last two dimensions";
  let description = [{
    ONNX `Trilu`: the entries of `input` on and above the `k`-th diagonal
    (`upper` = 1) or on and below it (`upper` = 0), zero elsewhere; `k`
    (a 0-D i64 tensor) is 0 when `none`.

    ```mlir
    %none = onnx.None : none
    %l = onnx.Trilu %ones, %none {upper = 0 : i64} : (tensor<16x16xf32>, none) -> tensor<16x16xf32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, ONNX_OptTensor:$k,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$upper);
  let results = (outs ONNX_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Normalization and losses
//===----------------------------------------------------------------------===//

def ONNX_LayerNormalizationOp : ONNX_TypedOp<"LayerNormalization"> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    ONNX `LayerNormalization`: `X` normalized over dimensions `axis` and
    after (mean and variance, `epsilon` added to the variance), times
    `Scale` plus `B` (optional). The optional outputs `Mean` and
    `InvStdDev` are `none` when the node does not have them.

    ```mlir
    %none = onnx.None : none
    %y, %m, %r = onnx.LayerNormalization %x, %s, %b {axis = -1 : i64} : (tensor<2x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<2x16x64xf32>, none, none)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$X, ONNX_Tensor:$Scale, ONNX_OptTensor:$B,
                       DefaultValuedAttr<ONNX_I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<ONNX_I64Attr, "1">:$stash_type);
  let results = (outs ONNX_Tensor:$Y, ONNX_OptTensor:$Mean,
                      ONNX_OptTensor:$InvStdDev);
}

// The reduction attribute of the ONNX loss operators.
def ONNX_LossReductionAttr
    : DefaultValuedAttr<StrAttr, "\"mean\"">;

def ONNX_NegativeLogLikelihoodLossOp
    : ONNX_TypedOp<"NegativeLogLikelihoodLoss"> {
  let summary = "Negative log-likelihood of log-probabilities";
  let description = [{
    ONNX `NegativeLogLikelihoodLoss`: `-input[n, target[n], d...]`, times
    the optional class `weight` of the target, 0 where the target is
    `ignore_index`; `reduction` is `none`, `sum` or `mean` (the weighted
    mean).

    ```mlir
    %none = onnx.None : none
    %l = onnx.NegativeLogLikelihoodLoss %lp, %y, %none {reduction = "mean"} : (tensor<4x10xf32>, tensor<4xi64>, none) -> tensor<f32>
    ```
  }];
  let arguments = (ins ONNX_Tensor:$input, ONNX_Tensor:$target,
                       ONNX_OptTensor:$weight,
                       OptionalAttr<ONNX_I64Attr>:$ignore_index,
                       ONNX_LossReductionAttr:$reduction);
  let results = (outs ONNX_Tensor:$loss);
  let hasVerifier = 1;
}

def ONNX_SoftmaxCrossEntropyLossOp : ONNX_TypedOp<"SoftmaxCrossEntropyLoss"> {
  let summary = "Cross-entropy of logits against class labels";
  let description = [{
    ONNX `SoftmaxCrossEntropyLoss`: `NegativeLogLikelihoodLoss` of
    `LogSoftmax(scores, axis = 1)`, with the same `weights`, `ignore_index`
    and `reduction`; the optional second output `log_prob` is the
    log-softmax (`none` when the node does not have it).

    ```mlir
    %none = onnx.None : none
    %l, %lp = onnx.SoftmaxCrossEntropyLoss %x, %y, %none {ignore_index = -100 : i64} : (tensor<4x10xf32>, tensor<4xi64>, none) -> (tensor<f32>, none)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$scores, ONNX_Tensor:$labels,
                       ONNX_OptTensor:$weights,
                       OptionalAttr<ONNX_I64Attr>:$ignore_index,
                       ONNX_LossReductionAttr:$reduction);
  let results = (outs ONNX_Tensor:$output, ONNX_OptTensor:$log_prob);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def ONNX_AttentionOp : ONNX_TypedOp<"Attention"> {
  let summary = "Scaled dot-product attention (opsets 23 to 25)";
  let description = [{
    ONNX `Attention`: `Q`, `K`, `V` 4-D `[B, H, S, D]`, or 3-D
    `[B, S, H * D]` with `q_num_heads` and `kv_num_heads`; the optional
    inputs `attn_mask` (bool: true attends; or float, added to the
    scores), `past_key` and `past_value` (prepended to K and V) and, from
    opset 24, `nonpad_kv_seqlen` (`[B]`, the valid keys per batch row) are
    `none` when absent. `scale` defaults to 1/sqrt(head size); `softcap`
    (0 = off) caps the scores before the mask; `is_causal` makes the mask
    bottom-right aligned; from opset 25, `left_window_size` and
    `right_window_size` (-1 = unbounded) bound a sliding window.
    Grouped-query heads share K/V when `q_num_heads` is a multiple of
    `kv_num_heads`. Outputs: `Y`, then `present_key`, `present_value` and
    `qk_matmul_output` (selected by `qk_matmul_output_mode`, 0 to 3), each
    `none` when the node does not have it.

    ```mlir
    %none = onnx.None : none
    %y, %pk, %pv, %qk = onnx.Attention %q, %k, %v, %none, %none, %none, %none {is_causal = 1 : i64}
        : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, none, none, none, none)
        -> (tensor<1x8x16x64xf32>, none, none, none)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$Q, ONNX_Tensor:$K, ONNX_Tensor:$V,
                       ONNX_OptTensor:$attn_mask, ONNX_OptTensor:$past_key,
                       ONNX_OptTensor:$past_value,
                       ONNX_OptTensor:$nonpad_kv_seqlen,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$is_causal,
                       OptionalAttr<ONNX_I64Attr>:$q_num_heads,
                       OptionalAttr<ONNX_I64Attr>:$kv_num_heads,
                       DefaultValuedAttr<ONNX_I64Attr, "0">:$qk_matmul_output_mode,
                       OptionalAttr<F32Attr>:$scale,
                       DefaultValuedAttr<F32Attr, "0.0">:$softcap,
                       OptionalAttr<ONNX_I64Attr>:$softmax_precision,
                       DefaultValuedAttr<ONNX_I64Attr, "-1">:$left_window_size,
                       DefaultValuedAttr<ONNX_I64Attr, "-1">:$right_window_size);
  let results = (outs ONNX_Tensor:$Y, ONNX_OptTensor:$present_key,
                      ONNX_OptTensor:$present_value,
                      ONNX_OptTensor:$qk_matmul_output);
  let hasVerifier = 1;
}

def ONNX_LinearAttentionOp : ONNX_TypedOp<"LinearAttention"> {
  let summary = "Recurrent linear attention (opset 27)";
  let description = [{
    ONNX `LinearAttention`: `query`, `key`, `value` 3-D `[B, T, H * D]` with
    `q_num_heads` and `kv_num_heads`; optional `past_state`
    `[B, H_kv, d_k, d_v]`, `decay` (log space, per head or per key
    dimension) and `beta` (`none` when absent). `update_rule` is `linear`,
    `gated`, `delta` or `gated_delta` (the default); the gated rules need
    `decay`, the delta rules `beta`. `scale` defaults to 1/sqrt(d_k);
    `chunk_size` is a hint that does not change the result. Outputs the
    result and `present_state` (`none` when the node does not have it).

    ```mlir
    %none = onnx.None : none
    %o, %s = onnx.LinearAttention %q, %k, %v, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64}
        : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none)
        -> (tensor<1x16x256xf32>, none)
    ```
  }];
  let arguments = (ins ONNX_Tensor:$query, ONNX_Tensor:$key,
                       ONNX_Tensor:$value, ONNX_OptTensor:$past_state,
                       ONNX_OptTensor:$decay, ONNX_OptTensor:$beta,
                       ONNX_I64Attr:$q_num_heads, ONNX_I64Attr:$kv_num_heads,
                       DefaultValuedAttr<StrAttr, "\"gated_delta\"">:$update_rule,
                       OptionalAttr<F32Attr>:$scale,
                       DefaultValuedAttr<ONNX_I64Attr, "64">:$chunk_size);
  let results = (outs ONNX_Tensor:$output, ONNX_OptTensor:$present_state);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Any other node
//===----------------------------------------------------------------------===//

def ONNX_NodeOp : ONNX_Op<"Node"> {
  let summary = "Any ONNX node, kept exactly";
  let description = [{
    A node of a type this dialect has no op for (or of a domain other than
    the default one), kept so that it goes back out unchanged: `domain`
    (empty for the default domain), `op_type`, the node's attributes
    (`node_attrs`) under their ONNX names (a subgraph as the serialized
    `GraphProto` in a string), and its inputs and outputs in order (`none`
    for the empty names). It may have side effects as far as Attic knows.

    ```mlir
    %y = onnx.Node "com.microsoft" "FusedMatMul" (%a, %b) {transB = 1 : i64}
           : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins StrAttr:$domain, StrAttr:$op_type,
                       DictionaryAttr:$node_attrs,
                       Variadic<ONNX_OptTensor>:$inputs);
  let results = (outs Variadic<ONNX_OptTensor>:$outputs);
  let assemblyFormat = [{
    $domain $op_type `(` $inputs `)` $node_attrs attr-dict `:`
    functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

#endif // ATTIC_ONNX_OPS_TD
