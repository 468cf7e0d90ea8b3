#!/usr/bin/python3
"""Writes an MLIR module of seeded random attic.linear_cross_entropy cases.

Each function takes random hidden [N, D] and classifier [V, D] (uniform in
[-1, 1); hidden scaled by 1 or 30 for large logits), a random float r [N]
turned into labels floor((r + 1) / 2 * (V + 2)) - 1 in [-1, V] (so some are
out of range and clamped, and -1 can be the ignore_index), and when the
case has them a bias and class weights. Attributes: every reduction,
ignore_index, label_smoothing, z_loss, softcap, and the lse result.

With --kind K, every case uses the comp-sum loss kind K
(generalized_cross_entropy with q drawn from 0.3, 0.7 and 1; no label
smoothing with sum_exponential) and logits up to about 40, as the
gradient cases do.

With --grad, each function computes the gradient instead: it runs
attic.linear_cross_entropy for the lse (passed on to the gradient op in
about half of the cases, recomputed by it in the others), then
attic.linear_cross_entropy_grad with a random grad_loss, and returns the
gradients with respect to hidden, classifier and bias.

Usage: cce_cases.py [--grad] [--kind K] COUNT SEED > cases.mlir
"""

import random
import sys


def tensor(shape, elt="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elt + ">"


def case(index, rng, grad=False, kind=None):
    n = rng.choice([1, 5, 17, 64, 100])
    v = rng.choice([1, 7, 33, 100, 257])
    d = rng.choice([3, 16])
    # Gradients of logits near 100 carry f32 errors near 1e-5 in p = exp(z -
    # lse) on any schedule, so their cases stop at logits near 30. So do the
    # comp-sum kinds: their losses are functions of p, O(1), and log p = z -
    # lse carries the absolute f32 error of lse, 3e-5 for logits near 500.
    big = 8.0 if grad or kind else 30.0
    scale = rng.choice([1.0, 1.0, big])
    reduction = rng.choice(["none", "mean", "sum"])
    attrs = [f"reduction = #attic.reduction<{reduction}>"]
    notes = [reduction, f"scale {scale:g}"]
    if kind:
        attrs.append(f"kind = #attic.loss_kind<{kind}>")
        notes.append(kind)
        if kind == "generalized_cross_entropy":
            q = rng.choice([0.3, 0.7, 1.0])
            attrs.append(f"q = {q}")
            notes.append(f"q {q}")
    if rng.random() < 0.5:
        attrs.append(f"ignore_index = {rng.choice([-1, 0, v - 1])} : i64")
        notes.append("ignore_index")
    if rng.random() < 0.3 and kind != "sum_exponential":
        attrs.append("label_smoothing = 0.1")
        notes.append("label_smoothing")
    if rng.random() < 0.3:
        attrs.append("z_loss = 0.001")
        notes.append("z_loss")
    if rng.random() < 0.3:
        attrs.append(f"softcap = {rng.choice([2.0, 15.0])}")
        notes.append("softcap")
    bias, weights, lse = rng.random() < 0.3, rng.random() < 0.3, rng.random() < 0.5
    h_t, w_t, r_t, y_t = tensor([n, d]), tensor([v, d]), tensor([n]), tensor([n], "i64")
    loss_t = tensor([n]) if reduction == "none" else "tensor<f32>"
    args = [f"%h: {h_t}", f"%w: {w_t}", f"%r: {r_t}"]
    operands = ""
    if bias:
        args.append(f"%b: {tensor([v])}")
        operands += f" bias(%b : {tensor([v])})"
        notes.append("bias")
    if weights:
        # Positive weights: the random input in [-1, 1) shifted to [0.5, 2.5).
        args.append(f"%cw0: {tensor([v])}")
        operands += f" weights(%cw : {tensor([v])})"
        notes.append("weights")
    results = [loss_t] + ([tensor([n])] if lse else [])
    if lse:
        notes.append("lse")
    if grad:
        results = [h_t, w_t] + ([tensor([v])] if bias else [])
        notes.append("grad")
    lines = [
        f"// case {index}: " + ", ".join(notes),
        f"func.func @case{index}({', '.join(args)}) -> ({', '.join(results)}) {{",
        f"  %he = tensor.empty() : {h_t}",
        f"  %hs = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], "
        f"iterator_types = [\"parallel\", \"parallel\"]}} ins(%h : {h_t}) outs(%he : {h_t}) {{",
        "  ^bb0(%a: f32, %o: f32):",
        f"    %s = arith.constant {scale:e} : f32",
        "    %m = arith.mulf %a, %s : f32",
        "    linalg.yield %m : f32",
        f"  }} -> {h_t}",
        f"  %ye = tensor.empty() : {y_t}",
        f"  %y = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], "
        f"iterator_types = [\"parallel\"]}} ins(%r : {r_t}) outs(%ye : {y_t}) {{",
        "  ^bb0(%a: f32, %o: i64):",
        "    %one = arith.constant 1.0 : f32",
        "    %half = arith.constant 0.5 : f32",
        f"    %span = arith.constant {v + 2}.0 : f32",
        "    %u = arith.mulf %half, %span : f32",
        "    %p = arith.addf %a, %one : f32",
        "    %q = arith.mulf %p, %u : f32",
        "    %f = math.floor %q : f32",
        "    %g = arith.subf %f, %one : f32",
        "    %i = arith.fptosi %g : f32 to i64",
        "    linalg.yield %i : i64",
        f"  }} -> {y_t}",
    ]
    if weights:
        wt = tensor([v])
        lines += [
            f"  %cwe = tensor.empty() : {wt}",
            f"  %cw = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], "
            f"iterator_types = [\"parallel\"]}} ins(%cw0 : {wt}) outs(%cwe : {wt}) {{",
            "  ^bb0(%a: f32, %o: f32):",
            "    %c = arith.constant 1.5 : f32",
            "    %s = arith.addf %a, %c : f32",
            "    linalg.yield %s : f32",
            f"  }} -> {wt}",
        ]
    if grad:
        return "\n".join(lines + grad_lines(
            attrs, operands, h_t, w_t, y_t, loss_t, n, v, bias, lse))
    names = "%l, %lse" if lse else "%l"
    lines += [
        f"  {names} = attic.linear_cross_entropy %hs, %w, %y{operands} {{{', '.join(attrs)}}} "
        f": {h_t}, {w_t}, {y_t} -> {', '.join(results)}",
        f"  return {names} : {', '.join(results)}",
        "}",
        "",
    ]
    return "\n".join(lines)


def grad_lines(attrs, operands, h_t, w_t, y_t, loss_t, n, v, bias, pass_lse):
    """The rest of a gradient case: the forward lse, then the gradient of a
    grad_loss derived from the lse, random but needing no argument: per
    token 1 + lse / 8, or its mean."""
    lse_t = tensor([n])
    results = [h_t, w_t] + ([tensor([v])] if bias else [])
    names = ["%dh", "%dc"] + (["%db"] if bias else [])
    fwd_attrs = [a for a in attrs if not a.startswith("reduction")]
    fwd_attrs.append("reduction = #attic.reduction<none>")
    per_token = loss_t != "tensor<f32>"
    lines = [
        f"  %unused, %lse = attic.linear_cross_entropy %hs, %w, %y{operands} "
        f"{{{', '.join(fwd_attrs)}}} : {h_t}, {w_t}, {y_t} -> {lse_t}, {lse_t}",
    ]
    if per_token:
        lines += [
            f"  %ge = tensor.empty() : {lse_t}",
            f"  %g = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], "
            f"iterator_types = [\"parallel\"]}} ins(%lse : {lse_t}) outs(%ge : {lse_t}) {{",
            "  ^bb0(%a: f32, %o: f32):",
            "    %k = arith.constant 0.125 : f32",
            "    %c = arith.constant 1.0 : f32",
            "    %t = arith.mulf %a, %k : f32",
            "    %gr = arith.addf %t, %c : f32",
        ]
    else:
        lines += [
            "  %g0 = arith.constant dense<0.0> : tensor<f32>",
            f"  %g = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>], "
            f"iterator_types = [\"reduction\"]}} ins(%lse : {lse_t}) outs(%g0 : tensor<f32>) {{",
            "  ^bb0(%a: f32, %o: f32):",
            f"    %k = arith.constant {0.125 / n:e} : f32",
            f"    %c = arith.constant {1.0 / n:e} : f32",
            "    %t = arith.mulf %a, %k : f32",
            "    %u = arith.addf %t, %c : f32",
            "    %gr = arith.addf %o, %u : f32",
        ]
    grad_operands = operands + (f" lse(%lse : {lse_t})" if pass_lse else "")
    lines += [
        "    linalg.yield %gr : f32",
        f"  }} -> {loss_t}",
        f"  {', '.join(names)} = attic.linear_cross_entropy_grad %hs, %w, %y, %g{grad_operands} "
        f"{{{', '.join(attrs)}}} : {h_t}, {w_t}, {y_t}, {loss_t} -> {', '.join(results)}",
        f"  return {', '.join(names)} : {', '.join(results)}",
        "}",
        "",
    ]
    return lines


def main():
    args = sys.argv[1:]
    grad = args[:1] == ["--grad"]
    if grad:
        args = args[1:]
    kind = None
    if args[:1] == ["--kind"]:
        kind, args = args[1], args[2:]
    count, seed = int(args[0]), int(args[1])
    rng = random.Random(seed)
    print("// Generated by test/utils/cce_cases.py", " ".join(sys.argv[1:]))
    for i in range(count):
        print(case(i, rng, grad, kind))


if __name__ == "__main__":
    main()
