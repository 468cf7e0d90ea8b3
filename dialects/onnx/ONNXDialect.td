//===- ONNXDialect.td - The ONNX dialect -------------------*- tablegen -*-===//
//
// ONNX graphs as MLIR: one op per node, named as ONNX names it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_ONNX_DIALECT_TD
#define ATTIC_ONNX_DIALECT_TD

include "mlir/IR/AttrTypeBase.td"
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

    A value whose element type the model does not say and shape inference
    cannot tell (the output of a node of another domain, say) has the
    element type `!onnx.unknown`.
  }];
  let useDefaultTypePrinterParser = 1;
}

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits>;

def ONNX_UnknownType : TypeDef<ONNX_Dialect, "Unknown"> {
  let mnemonic = "unknown";
  let summary = "An element type the model leaves unknown";
  let description = [{
    The element type of a tensor whose type neither the model's value_info
    nor ONNX shape inference gives: `tensor<*x!onnx.unknown>`.
  }];
}

def ONNX_GraphType : TypeDef<ONNX_Dialect, "Graph"> {
  let mnemonic = "graph";
  let summary = "The type of a subgraph attribute";
  let description = [{
    A node's subgraph attribute (the branches of `If`, the body of `Loop`)
    is kept opaque: a string attribute of this type holding the serialized
    `GraphProto`, so that the node goes back out unchanged.
  }];
}

// An ONNX int attribute: signless i64 storage, read back signed.
def ONNX_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
    "64-bit signless integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

// A tensor of any element type and shape.
def ONNX_Tensor : AnyTypeOf<[AnyTensor]>;
// An optional input or output: a tensor, or none where the node has none.
def ONNX_OptTensor : AnyTypeOf<[AnyTensor, NoneType]>;

#endif // ATTIC_ONNX_DIALECT_TD
