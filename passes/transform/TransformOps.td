//===- TransformOps.td - Transform ops for Attic's forms -*- tablegen -*-===//
//
// Each op applies one form rewrite of passes/forms/Transforms.h to the ops
// a handle points to, so a transform script chooses where each form goes.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_TD
#define ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_TD

include "mlir/Dialect/Transform/IR/TransformDialect.td"
include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

class Attic_FormTransformOp<string mnemonic, list<Trait> traits = []>
    : Op<Transform_Dialect, "attic." # mnemonic,
         !listconcat([FunctionalStyleTransformOpTrait, MemoryEffectsOpInterface,
                      TransformOpInterface, TransformEachOpTrait,
                      ReportTrackingListenerFailuresOpTrait], traits)> {
  let cppNamespace = "::mlir::attic";
  let results = (outs TransformHandleTypeInterface:$transformed);
  let assemblyFormat =
      "$target attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    ::mlir::DiagnosedSilenceableFailure applyToOne(
        ::mlir::transform::TransformRewriter &rewriter,
        ::mlir::Operation *target,
        ::mlir::transform::ApplyToEachResultList &results,
        ::mlir::transform::TransformState &state);
  }];
  let hasVerifier = 1;
}

def Attic_FlashAttentionTransformOp
    : Attic_FormTransformOp<"flash_attention"> {
  let summary = "Rewrite attention ops as flash attention";
  let description = [{
    Replaces each `attic.attention` with the `softmax` or `softplus` kernel
    that `target` points to by `attic.flash_attention` with blocks of
    `block_q` queries and `block_kv` keys (as `attic-flash-attention`
    does), and returns the new ops.

    #### Return modes

    The handle is consumed. A targeted op that is not such an attention is a
    silenceable failure naming it; the ops rewritten before it stay
    rewritten.

    ```mlir
    %flash = transform.attic.flash_attention %attention
        {block_q = 32, block_kv = 64}
        : (!transform.any_op) -> !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       DefaultValuedAttr<I64Attr, "64">:$block_q,
                       DefaultValuedAttr<I64Attr, "64">:$block_kv);
}

def Attic_LinearAttentionTransformOp
    : Attic_FormTransformOp<"linear_attention"> {
  let summary = "Rewrite linear attention ops as their chunked forms";
  let description = [{
    Replaces each op that `target` points to by its linear attention form
    with chunks of `chunk_size` steps (as `attic-linear-attention` does,
    without its length threshold): an `attic.attention` with a feature-map
    kernel becomes `attic.linearized_attention`, an `attic.linear_attention`
    becomes `attic.chunked_linear_attention`. Returns the new ops.

    #### Return modes

    The handle is consumed. A targeted op the forms do not take (another op,
    another kernel, a sliding window, a query-dependent mask, dynamic
    shapes) is a silenceable failure naming it and the reason; the ops
    rewritten before it stay rewritten.

    ```mlir
    %chunked = transform.attic.linear_attention %ops {chunk_size = 32}
        : (!transform.any_op) -> !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       DefaultValuedAttr<I64Attr, "64">:$chunk_size);
}

def Attic_SoftmaxFormTransformOp : Attic_FormTransformOp<"softmax_form"> {
  let summary = "Rewrite softmax ops in the online or two-pass form";
  let description = [{
    Replaces each `attic.softmax`, `attic.log_softmax` or `attic.logsumexp`
    that `target` points to by `attic.online_softmax` (`algorithm =
    "online"`, the default) or `attic.two_pass_softmax` (`"two-pass"`), as
    `attic-softmax-forms` does, and returns the new ops.

    #### Return modes

    The handle is consumed. A targeted op outside the softmax family is a
    silenceable failure naming it.

    ```mlir
    %form = transform.attic.softmax_form %softmax {algorithm = "two-pass"}
        : (!transform.any_op) -> !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       DefaultValuedAttr<StrAttr, "\"online\"">:$algorithm);
}

def Attic_CutCrossEntropyTransformOp
    : Attic_FormTransformOp<"cut_cross_entropy"> {
  let summary = "Rewrite linear losses in cut form";
  let description = [{
    Replaces each `attic.linear_cross_entropy`,
    `attic.linear_cross_entropy_grad`, `attic.linear_spherical_z_loss` or
    `attic.linear_spherical_z_loss_grad` that `target` points to by its cut
    form over blocks of `block_n` tokens and `block_v` classes (as
    `attic-cut-cross-entropy` does), and returns the new ops. The gradients
    of cross-entropy also take `filter_eps` (skip blocks whose softmax
    entries all fall below it; 0 disables; absent: the element type's
    machine epsilon / 32) and `sort_vocab` (order the classes by average
    logit first).

    #### Return modes

    The handle is consumed. A targeted op that is not one of the four is a
    silenceable failure naming it.

    ```mlir
    %cut = transform.attic.cut_cross_entropy %loss
        {block_n = 64, block_v = 1024, sort_vocab}
        : (!transform.any_op) -> !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       DefaultValuedAttr<I64Attr, "128">:$block_n,
                       DefaultValuedAttr<I64Attr, "512">:$block_v,
                       OptionalAttr<F64Attr>:$filter_eps,
                       UnitAttr:$sort_vocab);
}

def Attic_SoftmaxFreeTransformOp : Attic_FormTransformOp<"softmax_free"> {
  let summary = "Replace softmax in attention ops by another kernel";
  let description = [{
    The softmax-free rewrite (as `attic-softmax-free` does) on the
    `attic.attention` ops with the `softmax` kernel that `target` points to:
    each gets `kernel` instead (`"softplus"`, the default, `"elu_plus_one"`,
    `"relu"`, `"squared_relu"` or `"gaussian"`), softplus with the length
    scale `train_length` and the re-weighting power `reweight_power` when
    given. This changes what the model computes. Returns the rewritten ops.

    #### Return modes

    The handle is consumed. A targeted op the rewrite does not take (another
    op, another kernel, a softcap or float mask the new kernel cannot
    express) is a silenceable failure naming it and the reason; the ops
    rewritten before it stay rewritten.

    ```mlir
    %softplus = transform.attic.softmax_free %attention
        {kernel = "softplus", train_length = 1024, reweight_power = 3.0}
        : (!transform.any_op) -> !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       DefaultValuedAttr<StrAttr, "\"softplus\"">:$kernel,
                       OptionalAttr<I64Attr>:$train_length,
                       OptionalAttr<F64Attr>:$reweight_power);
}

#endif // ATTIC_PASSES_TRANSFORM_TRANSFORMOPS_TD
