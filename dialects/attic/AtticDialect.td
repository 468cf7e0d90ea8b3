//===- AtticDialect.td - Attic dialect and attributes ------*- tablegen -*-===//
//
// The attic dialect: attention, softmax and loss operations at the level of
// what they compute (semantic ops) and, later, how (form ops).
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_DIALECT_TD
#define ATTIC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Attic_Dialect : Dialect {
  let name = "attic";
  let cppNamespace = "::mlir::attic";
  let summary = "Attention, softmax and loss operations";
  let description = [{
    The `attic` dialect represents the operations that dominate the memory and
    time of modern models — attention, softmax and losses — as single ops that
    carry every attribute a user can set. Rewrites turn these semantic ops into
    efficient forms (online softmax, flash attention, linear attention, cut
    cross-entropy); codegen lowers both to upstream dialects.

    All ops work on ranked tensors. Dimensions may be dynamic; verifiers check
    every dimension that is known statically. Floating-point element types of
    any width are accepted; reductions accumulate in at least f32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let hasCanonicalizer = 1;
  let useDefaultAttributePrinterParser = 1;
}

class Attic_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attic_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

def Attic_AttentionKernel : I32EnumAttr<"AttentionKernel",
    "how attention turns query-key pairs into weights", [
      I32EnumAttrCase<"softmax", 0>,
      I32EnumAttrCase<"softplus", 1>,
      I32EnumAttrCase<"elu_plus_one", 2>,
      I32EnumAttrCase<"relu", 3>,
      I32EnumAttrCase<"gaussian", 4>,
      I32EnumAttrCase<"squared_relu", 5>
    ]> {
  let cppNamespace = "::mlir::attic";
  let genSpecializedAttr = 0;
}
def Attic_AttentionKernelAttr
    : EnumAttr<Attic_Dialect, Attic_AttentionKernel, "kernel"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attic_Reduction : I32EnumAttr<"Reduction",
    "how per-element losses are combined", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"mean", 1>,
      I32EnumAttrCase<"sum", 2>
    ]> {
  let cppNamespace = "::mlir::attic";
  let genSpecializedAttr = 0;
}
def Attic_ReductionAttr
    : EnumAttr<Attic_Dialect, Attic_Reduction, "reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attic_LossKind : I32EnumAttr<"LossKind",
    "the comp-sum loss a cross-entropy op computes from p_y", [
      I32EnumAttrCase<"cross_entropy", 0>,
      I32EnumAttrCase<"generalized_cross_entropy", 1>,
      I32EnumAttrCase<"mean_absolute_error", 2>,
      I32EnumAttrCase<"sum_exponential", 3>
    ]> {
  let cppNamespace = "::mlir::attic";
  let genSpecializedAttr = 0;
}
def Attic_LossKindAttr
    : EnumAttr<Attic_Dialect, Attic_LossKind, "loss_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attic_UpdateRule : I32EnumAttr<"UpdateRule",
    "state update of recurrent linear attention", [
      I32EnumAttrCase<"linear", 0>,
      I32EnumAttrCase<"gated", 1>,
      I32EnumAttrCase<"delta", 2>,
      I32EnumAttrCase<"gated_delta", 3>
    ]> {
  let cppNamespace = "::mlir::attic";
  let genSpecializedAttr = 0;
}
def Attic_UpdateRuleAttr
    : EnumAttr<Attic_Dialect, Attic_UpdateRule, "update_rule"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attic_SoftmaxKind : I32EnumAttr<"SoftmaxKind",
    "the member of the softmax family a softmax form computes", [
      I32EnumAttrCase<"softmax", 0>,
      I32EnumAttrCase<"log_softmax", 1>,
      I32EnumAttrCase<"logsumexp", 2>
    ]> {
  let cppNamespace = "::mlir::attic";
  let genSpecializedAttr = 0;
}
def Attic_SoftmaxKindAttr
    : EnumAttr<Attic_Dialect, Attic_SoftmaxKind, "softmax_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // ATTIC_DIALECT_TD
