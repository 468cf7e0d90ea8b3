#!/usr/bin/python3
"""Writes an MLIR module of seeded random linear attention cases.

`feature` cases: attic.attention with a feature-map kernel (elu_plus_one,
relu, squared_relu), grouped-query heads, causal with more or fewer keys than
queries, boolean key padding masks in several broadcast shapes and
kv_lengths (random integers in [0, 10), so some batches see no key).

`recurrent` cases: attic.linear_attention with every update rule, grouped-
query heads, a past state, per-head and per-key decay, per-head and shared
beta, an explicit scale, and lengths from 1 (one decoding step) to 70. The
raw inputs are uniform in [-1, 1); the function maps them to the ranges
models use: beta = (x + 1) / 2 in [0, 1), log decay (x - 1) / 4 in
[-0.5, 0) or, in some cases, x / 10 of either sign, and for the delta rules
keys scaled by 1 / sqrt(Dk) so that |k|^2 <= 1 keeps the recurrence stable.

Usage: linear_attention_cases.py feature|recurrent COUNT SEED > cases.mlir
"""

import random
import sys


def tensor(shape, elt="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elt + ">"


def affine(name, src, shape, scale, shift):
    """Lines computing %name = (%src + shift) * scale elementwise."""
    t = tensor(shape)
    return [f"  %{name}_s = arith.constant dense<{shift}> : {t}",
            f"  %{name}_m = arith.constant dense<{scale}> : {t}",
            f"  %{name}_a = arith.addf %{src}, %{name}_s : {t}",
            f"  %{name} = arith.mulf %{name}_a, %{name}_m : {t}"]


def feature_case(index, rng):
    b, hkv, group = rng.choice([1, 2]), rng.choice([1, 2]), rng.choice([1, 2, 3])
    hq = hkv * group
    sq = rng.choice([1, 3, 17, 33, 70])
    skv = rng.choice([1, 5, 16, 31, 47, 70, sq])
    d, dv = rng.choice([4, 8, 16]), rng.choice([3, 8])
    kernel = rng.choice(["elu_plus_one", "relu", "squared_relu"])
    attrs = [f"kernel = #attic.kernel<{kernel}>"]
    notes = [kernel]
    causal = rng.random() < 0.6
    if causal:
        attrs.append("causal")
        notes.append("causal, more keys" if skv > sq else
                     "causal, fewer keys" if skv < sq else "causal")
    q_t, k_t, v_t = tensor([b, hq, sq, d]), tensor([b, hkv, skv, d]), tensor([b, hkv, skv, dv])
    o_t = tensor([b, hq, sq, dv])
    args = [f"%q: {q_t}", f"%k: {k_t}", f"%v: {v_t}"]
    operands = ""
    if hq != hkv:
        notes.append("grouped heads")
    if rng.random() < 0.35:
        shape = rng.choice([[b, 1, 1, skv], [1, 1, 1, skv], [skv], [1, skv]])
        m_t = tensor(shape, "i1")
        args.append(f"%m: {m_t}")
        operands += f" mask(%m : {m_t})"
        notes.append(f"key mask {shape}")
    if not causal and rng.random() < 0.4:
        args.append(f"%len: {tensor([b], 'i64')}")
        operands += f" kv_lengths(%len : {tensor([b], 'i64')})"
        notes.append("kv_lengths")
    return "\n".join(
        [f"// case {index}: " + ", ".join(notes),
         f"func.func @case{index}({', '.join(args)}) -> {o_t} {{",
         f"  %o = attic.attention %q, %k, %v{operands} {{{', '.join(attrs)}}} : {q_t}, {k_t}, {v_t} -> {o_t}",
         f"  return %o : {o_t}", "}", ""])


def recurrent_case(index, rng):
    rule = rng.choice(["linear", "gated", "delta", "gated_delta"])
    b, hkv, group = rng.choice([1, 2]), rng.choice([1, 2]), rng.choice([1, 2])
    hq = hkv * group
    t = rng.choice([1, 2, 7, 16, 33, 70])
    dk, dv = rng.choice([4, 8, 16]), rng.choice([3, 8])
    gated = rule in ("gated", "gated_delta")
    delta = rule in ("delta", "gated_delta")
    notes = [rule, f"T = {t}"]
    if hq != hkv:
        notes.append("grouped heads")
    q_t, k_t, v_t = tensor([b, hq, t, dk]), tensor([b, hkv, t, dk]), tensor([b, hkv, t, dv])
    o_t, s_t = tensor([b, hq, t, dv]), tensor([b, hkv, dk, dv])
    args = [f"%q: {q_t}", f"%k0: {k_t}", f"%v: {v_t}"]
    body = []
    operands = ""
    if delta:
        body += affine("k", "k0", [b, hkv, t, dk], (1.0 / dk) ** 0.5, 0.0)
    else:
        body.append(f"  %k = arith.addf %k0, %k0 : {k_t}")
    if rng.random() < 0.5:
        args.append(f"%past: {s_t}")
        operands += f" past(%past : {s_t})"
        notes.append("past state")
    if gated:
        g_shape = [b, hkv, t, dk] if rng.random() < 0.5 else [b, hkv, t]
        args.append(f"%g0: {tensor(g_shape)}")
        if rng.random() < 0.25:
            body += affine("g", "g0", g_shape, 0.1, 0.0)
            notes.append("decay of either sign")
        else:
            body += affine("g", "g0", g_shape, 0.25, -1.0)
        operands += f" decay(%g : {tensor(g_shape)})"
        notes.append("per-key decay" if len(g_shape) == 4 else "per-head decay")
    if delta:
        beta_shape = [b, 1, t] if rng.random() < 0.3 else [b, hkv, t]
        args.append(f"%b0: {tensor(beta_shape)}")
        body += affine("beta", "b0", beta_shape, 0.5, 1.0)
        operands += f" beta(%beta : {tensor(beta_shape)})"
        if beta_shape[1] == 1:
            notes.append("shared beta")
    attrs = [f"update_rule = #attic.update_rule<{rule}>"]
    if rng.random() < 0.3:
        attrs.append("scale = 0.7")
        notes.append("scale")
    return "\n".join(
        [f"// case {index}: " + ", ".join(notes),
         f"func.func @case{index}({', '.join(args)}) -> ({o_t}, {s_t}) {{"]
        + body
        + [f"  %o, %s = attic.linear_attention %q, %k, %v{operands} {{{', '.join(attrs)}}} : {q_t}, {k_t}, {v_t} -> {o_t}, {s_t}",
           f"  return %o, %s : {o_t}, {s_t}", "}", ""])


def main():
    kind, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    make = {"feature": feature_case, "recurrent": recurrent_case}[kind]
    rng = random.Random(seed)
    print("// Generated by test/utils/linear_attention_cases.py", kind, count, seed)
    for i in range(count):
        print(make(i, rng))


if __name__ == "__main__":
    main()
