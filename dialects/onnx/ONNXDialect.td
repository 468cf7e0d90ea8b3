//===- ONNXDialect.td - The ONNX dialect -------------------*- tablegen -*-===//
//
// ONNX graphs as MLIR: one op per node, named as ONNX names it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_ONNX_DIALECT_TD
#define ATTIC_ONNX_DIALECT_TD

include "mlir/IR/OpBase.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  // Not ::mlir::onnx: code that also includes ONNX's protobuf classes
  // (namespace ::onnx) would find both.
  let cppNamespace = "::mlir::onnxir";
  let summary = "ONNX graphs: typed ops for what Attic matches or lowers";
  let description = [{
    An ONNX graph as MLIR, node for node: each node becomes one op whose
    mnemonic is the node's `op_type` (`onnx.MatMul`, `onnx.Softmax`, ...),
    whose operands and results are its inputs and outputs in order, and
    whose attributes carry the node's attributes under their ONNX names.
    The semantics are those of the ONNX operator at the latest opset this
    dialect knows (axes of the reductions, `Squeeze` and `Unsqueeze` as
    inputs, `Split`'s `num_outputs`); the importer brings older opsets to
    it. An optional input or output that a node leaves out is a value of
    type `none` (from `onnx.None` for inputs).

    Typed ops exist for the operators Attic matches, raises or lowers; any
    other node is an `onnx.Node`, which keeps its domain, type, attributes,
    inputs and outputs exactly, so that a model goes back out unchanged.
  }];
}

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits>;

// A tensor of any element type and shape.
def ONNX_Tensor : AnyTypeOf<[AnyTensor]>;
// An optional input or output: a tensor, or none where the node has none.
def ONNX_OptTensor : AnyTypeOf<[AnyTensor, NoneType]>;

#endif // ATTIC_ONNX_DIALECT_TD
