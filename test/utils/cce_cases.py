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

With --spherical, every case is an attic.linear_spherical_z_loss instead,
with a and b drawn from a few values (b beyond and within the standardized
logits' range), hidden also scaled by 0 (every logit equal without a bias,
so sigma = 0), and a bias shifted by 100 in some cases without a softcap (an
offset the row's logits share). No label smoothing, z_loss or lse.

With --grad, each function computes the gradient instead: it runs
attic.linear_cross_entropy for the lse (passed on to the gradient op in
about half of the cases, recomputed by it in the others), then
attic.linear_cross_entropy_grad with a random grad_loss, and returns the
gradients with respect to hidden, classifier and bias. With --spherical the
forward is attic.linear_spherical_z_loss and its per-token loss seeds the
grad_loss of attic.linear_spherical_z_loss_grad.

Usage: cce_cases.py [--grad] [--kind K | --spherical] COUNT SEED > cases.mlir
"""

import random
import sys


def tensor(shape, elt="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elt + ">"


def case(index, rng, grad=False, kind=None, spherical=False):
    n = rng.choice([1, 5, 17, 64, 100])
    v = rng.choice([1, 7, 33, 100, 257])
    d = rng.choice([3, 16])
    # Gradients of logits near 100 carry f32 errors near 1e-5 in p = exp(z -
    # lse) on any schedule, so their cases stop at logits near 30. So do the
    # comp-sum kinds: their losses are functions of p, O(1), and log p = z -
    # lse carries the absolute f32 error of lse, 3e-5 for logits near 500.
    # The spherical Z-loss standardizes the logits, so any scale works.
    big = 8.0 if grad or kind else 30.0
    scale = rng.choice([0.0, 1.0, 30.0] if spherical else [1.0, 1.0, big])
    reduction = rng.choice(["none", "mean", "sum"])
    attrs = [f"reduction = #attic.reduction<{reduction}>"]
    notes = [reduction, f"scale {scale:g}"]
    if spherical:
        a, b = rng.choice([0.1, 1.0, 4.0]), rng.choice([-1.0, 2.0, 20.0])
        attrs += [f"a = {a}", f"b = {b}"]
        notes += [f"a {a}", f"b {b}"]
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
    if rng.random() < 0.3 and kind != "sum_exponential" and not spherical:
        attrs.append("label_smoothing = 0.1")
        notes.append("label_smoothing")
    if rng.random() < 0.3 and not spherical:
        attrs.append("z_loss = 0.001")
        notes.append("z_loss")
    if rng.random() < 0.3:
        attrs.append(f"softcap = {rng.choice([2.0, 15.0])}")
        notes.append("softcap")
    bias, weights, lse = rng.random() < 0.3, rng.random() < 0.3, rng.random() < 0.5
    shift = 0.0
    if spherical:
        lse = False
        # A softcap is no shift of the logits: the shift only without one.
        shift = rng.choice([0.0, 100.0]) if bias and "softcap" not in notes else 0.0
    h_t, w_t, r_t, y_t = tensor([n, d]), tensor([v, d]), tensor([n]), tensor([n], "i64")
    loss_t = tensor([n]) if reduction == "none" else "tensor<f32>"
    args = [f"%h: {h_t}", f"%w: {w_t}", f"%r: {r_t}"]
    operands = ""
    if bias:
        args.append(f"%b{'0' if shift else ''}: {tensor([v])}")
        operands += f" bias(%b : {tensor([v])})"
        notes.append("bias" + (f" shifted by {shift:g}" if shift else ""))
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
    if bias and shift:
        lines += shifted(tensor([v]), "%b", "%b0", shift)
    if weights:
        lines += shifted(tensor([v]), "%cw", "%cw0", 1.5)
    op = "attic.linear_spherical_z_loss" if spherical else "attic.linear_cross_entropy"
    if grad:
        return "\n".join(lines + grad_lines(
            op, attrs, operands, h_t, w_t, y_t, loss_t, n, v, bias, lse))
    names = "%l, %lse" if lse else "%l"
    lines += [
        f"  {names} = {op} %hs, %w, %y{operands} {{{', '.join(attrs)}}} "
        f": {h_t}, {w_t}, {y_t} -> {', '.join(results)}",
        f"  return {names} : {', '.join(results)}",
        "}",
        "",
    ]
    return "\n".join(lines)


def shifted(t, name, source, shift):
    """Lines computing `name` = `source` + shift, both of type `t` [V]."""
    return [
        f"  {name}e = tensor.empty() : {t}",
        f"  {name} = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], "
        f"iterator_types = [\"parallel\"]}} ins({source} : {t}) outs({name}e : {t}) {{",
        "  ^bb0(%a: f32, %o: f32):",
        f"    %c = arith.constant {shift:e} : f32",
        "    %s = arith.addf %a, %c : f32",
        "    linalg.yield %s : f32",
        f"  }} -> {t}",
    ]


def grad_lines(op, attrs, operands, h_t, w_t, y_t, loss_t, n, v, bias, pass_lse):
    """The rest of a gradient case: the forward lse (the per-token loss for
    the spherical Z-loss), then the gradient of a grad_loss derived from it,
    random but needing no argument: per token 1 + lse / 8, or its mean."""
    lse_t = tensor([n])
    results = [h_t, w_t] + ([tensor([v])] if bias else [])
    names = ["%dh", "%dc"] + (["%db"] if bias else [])
    fwd_attrs = [a for a in attrs if not a.startswith("reduction")]
    fwd_attrs.append("reduction = #attic.reduction<none>")
    per_token = loss_t != "tensor<f32>"
    if op == "attic.linear_cross_entropy":
        fwd = f"  %unused, %lse = {op}"
        fwd_results = f"{lse_t}, {lse_t}"
    else:
        fwd, fwd_results = f"  %lse = {op}", lse_t
        pass_lse = False
    lines = [
        f"{fwd} %hs, %w, %y{operands} "
        f"{{{', '.join(fwd_attrs)}}} : {h_t}, {w_t}, {y_t} -> {fwd_results}",
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
        f"  {', '.join(names)} = {op}_grad %hs, %w, %y, %g{grad_operands} "
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
    spherical = args[:1] == ["--spherical"]
    if spherical:
        args = args[1:]
    count, seed = int(args[0]), int(args[1])
    rng = random.Random(seed)
    print("// Generated by test/utils/cce_cases.py", " ".join(sys.argv[1:]))
    for i in range(count):
        print(case(i, rng, grad, kind, spherical))


if __name__ == "__main__":
    main()
