#!/usr/bin/python3
"""Writes ONNX test directories of Attention (opsets 23-24) and
LinearAttention (27) nodes, with the expected outputs from the naive
float64 references of naive.py, laid out as ONNX's backend tests
(model.onnx, test_data_set_0/{input,output}_<i>.pb).

  attention_packed_gqa_causal_past   3-D inputs, 4 query heads on 2 KV
                                     heads, causal, a past key/value cache
                                     and the present outputs
  attention_bool_mask_softcap        4-D, an i1 mask [B, 1, Sq, Skv] with a
                                     fully masked row, softcap and a scale
  attention_float_mask_nonpad        4-D, a float mask [Sq, Skv] and
                                     nonpad_kv_seqlen (opset 24)
  attention_cross_causal_bool_mask   causal with Sq != Skv: ONNX aligns the
                                     diagonal at the top left (a constant
                                     mask in attic), with an i1 mask
  attention_cross_window_float_mask  the same with a left window (opset 25)
                                     and a float mask
  linear_attention_gated_delta       3-D, per-key decay, shared beta, past
                                     state, present state
  attention_nonpad_causal            nonpad_kv_seqlen with is_causal and
                                     fewer queries than keys: the diagonal
                                     at each row's key count (offset
                                     nonpad[b] - Sq), a row with no visible
                                     key giving zeros (opset 24)
  attention_short_masks              opset-24 masks (bool and float) whose
                                     key dimension is shorter than the
                                     keys: the keys they miss are masked
  attention_qk_mode_<m>              qk_matmul_output in each mode (0 the
                                     scaled products, 1 after the softcap,
                                     2 after the mask and the causal
                                     diagonal, 3 after the softmax), GQA
  linear_attention_default_rule      no update_rule: gated_delta, the
                                     default of LinearAttention-27

Usage: attention_models.py OUTDIR
"""

import math
import os
import sys

import numpy as np
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import naive  # noqa: E402
from onnx_cases import write_case  # noqa: E402

def packed(x):
    """[B, H, S, D] -> [B, S, H * D]."""
    B, H, S, D = x.shape
    return np.ascontiguousarray(x.transpose(0, 2, 1, 3).reshape(B, S, H * D))


def f32(a):
    return np.asarray(a, np.float32)


def main():
    out = sys.argv[1]
    r = naive.rng(81)
    u = lambda *s: r.uniform(-1, 1, s).astype(np.float32)

    # 3-D GQA, causal over a cache of 3 past keys and 5 new ones.
    B, Hq, Hkv, S, P, D = 2, 4, 2, 5, 3, 8
    q, k, v = u(B, Hq, S, D), u(B, Hkv, S, D), u(B, Hkv, S, D)
    pk, pv = u(B, Hkv, P, D), u(B, Hkv, P, D)
    kk, vv = np.concatenate([pk, k], 2), np.concatenate([pv, v], 2)
    y = naive.attention(q, kk, vv, causal=True)
    write_case(out, "attention_packed_gqa_causal_past", [helper.make_node(
        "Attention", ["q", "k", "v", "", "past_key", "past_value"],
        ["y", "present_key", "present_value"], is_causal=1, q_num_heads=Hq,
        kv_num_heads=Hkv)],
        [("q", packed(q)), ("k", packed(k)), ("v", packed(v)), ("past_key", pk),
         ("past_value", pv)],
        [("y", f32(packed(y))), ("present_key", kk), ("present_value", vv)], opset=23, ir_version=10)

    # 4-D, a boolean mask with one fully masked row (zeros), softcap, scale.
    B, H, Sq, Skv, D = 2, 3, 4, 6, 8
    q, k, v = u(B, H, Sq, D) * 4, u(B, H, Skv, D) * 4, u(B, H, Skv, D)
    mask = r.uniform(0, 1, (B, 1, Sq, Skv)) < 0.7
    mask[1, 0, 2, :] = False
    y = naive.attention(q, k, v, mask=mask, scale=0.5, softcap=2.0)
    write_case(out, "attention_bool_mask_softcap", [helper.make_node(
        "Attention", ["q", "k", "v", "mask"], ["y"], scale=0.5, softcap=2.0)],
        [("q", q), ("k", k), ("v", v), ("mask", mask)], [("y", f32(y))], opset=23, ir_version=10)

    # 4-D, a float mask broadcast over batch and heads, valid key counts.
    q, k, v = u(B, H, Sq, D), u(B, H, Skv, D), u(B, H, Skv, D)
    fmask = r.uniform(-2, 0, (Sq, Skv)).astype(np.float32)
    lengths = np.array([6, 3], np.int64)
    y = naive.attention(q, k, v, mask=fmask, kv_lengths=lengths)
    write_case(out, "attention_float_mask_nonpad", [helper.make_node(
        "Attention", ["q", "k", "v", "mask", "", "", "nonpad"], ["y"])],
        [("q", q), ("k", k), ("v", v), ("mask", fmask), ("nonpad", lengths)],
        [("y", f32(y))], opset=24, ir_version=10)

    # Causal cross-attention, top-left in ONNX (j <= i), with a boolean
    # mask; then with a float mask and a left window of 1 (opset 25).
    tril = np.tril(np.ones((Sq, Skv), bool))
    bmask = r.uniform(0, 1, (B, 1, 1, Skv)) < 0.8
    y = naive.attention(q, k, v, mask=np.logical_and(bmask, tril))
    write_case(out, "attention_cross_causal_bool_mask", [helper.make_node(
        "Attention", ["q", "k", "v", "mask"], ["y"], is_causal=1)],
        [("q", q), ("k", k), ("v", v), ("mask", bmask)], [("y", f32(y))], opset=23, ir_version=10)
    band = np.logical_and(tril, np.triu(np.ones((Sq, Skv), bool), -1))
    fmask4 = r.uniform(-1, 0, (B, H, Sq, Skv)).astype(np.float32)
    y = naive.attention(q, k, v, mask=np.where(band, fmask4, -np.inf))
    write_case(out, "attention_cross_window_float_mask", [helper.make_node(
        "Attention", ["q", "k", "v", "mask"], ["y"], is_causal=1,
        left_window_size=1)],
        [("q", q), ("k", k), ("v", v), ("mask", fmask4)], [("y", f32(y))], opset=25, ir_version=10)

    # Gated delta rule: per-key decay [B, T, Hkv * Dk], beta shared by the
    # heads [B, T, 1], unit keys, a past state.
    B, Hq, Hkv, T, Dk, Dv = 1, 4, 2, 6, 4, 5
    q, k, v = u(B, Hq, T, Dk), u(B, Hkv, T, Dk), u(B, Hkv, T, Dv)
    k = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    past = u(B, Hkv, Dk, Dv)
    decay = -r.uniform(0, 1, (B, Hkv, T, Dk)).astype(np.float32)
    beta = r.uniform(0, 1, (B, 1, T)).astype(np.float32)
    o, state = naive.linear_attention(q, k, v, past=past, decay=decay, beta=beta,
                                      rule="gated_delta")
    write_case(out, "linear_attention_gated_delta", [helper.make_node(
        "LinearAttention", ["q", "k", "v", "past", "decay", "beta"],
        ["o", "state"], q_num_heads=Hq, kv_num_heads=Hkv, update_rule="gated_delta")],
        [("q", packed(q)), ("k", packed(k)), ("v", packed(v)), ("past", past),
         ("decay", packed(decay)), ("beta", np.ascontiguousarray(beta.transpose(0, 2, 1)))],
        [("o", f32(packed(o))), ("state", f32(state))], opset=27, ir_version=10)


    # nonpad_kv_seqlen with is_causal (ONNX Attention-24, no cache): query i
    # of row b sees key j <= i + nonpad[b] - Sq; a row whose offset leaves
    # a query nothing to see gives zeros.
    B, H, Sq, Skv, D = 3, 2, 3, 6, 8
    q, k, v = u(B, H, Sq, D), u(B, H, Skv, D), u(B, H, Skv, D)
    lengths = np.array([6, 4, 2], np.int64)
    y = naive.attention(q, k, v, kv_lengths=lengths, causal=True)
    assert np.all(y[2, :, 0] == 0)  # L - Sq = -1: the first query sees nothing
    write_case(out, "attention_nonpad_causal", [helper.make_node(
        "Attention", ["q", "k", "v", "", "", "", "nonpad"], ["y"], is_causal=1)],
        [("q", q), ("k", k), ("v", v), ("nonpad", lengths)], [("y", f32(y))],
        opset=24, ir_version=10)

    # Opset-24 masks shorter than the keys (with nonpad_kv_seqlen, the keys
    # past the mask are padding): a bool [Sq, 4] and a float [B, 1, Sq, 5]
    # over 6 keys; the keys past them are masked out.
    bshort = r.uniform(0, 1, (Sq, 4)) < 0.8
    bshort[:, 0] = True
    fshort = r.uniform(-1, 0, (B, 1, Sq, 5)).astype(np.float32)
    bfull = np.concatenate([bshort, np.zeros((Sq, 2), bool)], 1)
    ffull = np.concatenate([fshort, np.full((B, 1, Sq, 1), -np.inf, np.float32)], 3)
    nonpad = np.array([6, 5, 4], np.int64)
    write_case(out, "attention_short_masks", [
        helper.make_node("Attention", ["q", "k", "v", "bmask", "", "", "nonpad"], ["yb"]),
        helper.make_node("Attention", ["q", "k", "v", "fmask", "", "", "nonpad"], ["yf"])],
        [("q", q), ("k", k), ("v", v), ("bmask", bshort), ("fmask", fshort),
         ("nonpad", nonpad)],
        [("yb", f32(naive.attention(q, k, v, mask=bfull, kv_lengths=nonpad))),
         ("yf", f32(naive.attention(q, k, v, mask=ffull, kv_lengths=nonpad)))],
        opset=24, ir_version=10)

    # qk_matmul_output in each mode, grouped-query heads (4 on 2), causal,
    # a float mask and a softcap: scale * Q K^T, then softcap * tanh(x /
    # softcap), then the mask added and the diagonal's masked keys at -inf,
    # then the softmax.
    B, Hq, Hkv, S, D = 2, 4, 2, 5, 8
    q, k, v = u(B, Hq, S, D) * 3, u(B, Hkv, S, D) * 3, u(B, Hkv, S, D)
    fmask = r.uniform(-1, 0, (S, S)).astype(np.float32)
    cap = 2.5
    krep = np.repeat(k.astype(np.float64), Hq // Hkv, axis=1)
    scores = [q.astype(np.float64) @ krep.transpose(0, 1, 3, 2) / math.sqrt(D)]
    scores.append(cap * np.tanh(scores[0] / cap))
    scores.append(np.where(np.tril(np.ones((S, S), bool)), scores[1] + fmask, -np.inf))
    scores.append(naive.softmax(scores[2], -1))
    y = naive.attention(q, k, v, mask=fmask, causal=True, softcap=cap)
    for mode in range(4):
        write_case(out, f"attention_qk_mode_{mode}", [helper.make_node(
            "Attention", ["q", "k", "v", "mask"], ["y", "", "", "qk"], is_causal=1,
            softcap=cap, qk_matmul_output_mode=mode)],
            [("q", q), ("k", k), ("v", v), ("mask", fmask)],
            [("y", f32(y)), ("qk", f32(scores[mode]))], opset=23, ir_version=10)

    # LinearAttention without update_rule: gated_delta, per-head decay.
    B, Hq, Hkv, T, Dk, Dv = 2, 2, 2, 5, 4, 3
    q, k, v = u(B, Hq, T, Dk), u(B, Hkv, T, Dk), u(B, Hkv, T, Dv)
    k = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    decay = -r.uniform(0, 1, (B, Hkv, T)).astype(np.float32)
    beta = r.uniform(0, 1, (B, Hkv, T)).astype(np.float32)
    o, state = naive.linear_attention(q, k, v, decay=decay, beta=beta, rule="gated_delta")
    write_case(out, "linear_attention_default_rule", [helper.make_node(
        "LinearAttention", ["q", "k", "v", "", "decay", "beta"], ["o", "state"],
        q_num_heads=Hq, kv_num_heads=Hkv)],
        [("q", packed(q)), ("k", packed(k)), ("v", packed(v)),
         ("decay", np.ascontiguousarray(decay.transpose(0, 2, 1))),
         ("beta", np.ascontiguousarray(beta.transpose(0, 2, 1)))],
        [("o", f32(packed(o))), ("state", f32(state))], opset=27, ir_version=10)


if __name__ == "__main__":
    main()
