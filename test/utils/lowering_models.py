#!/usr/bin/python3
"""Writes ONNX test directories for the lowering of ONNX operators.

Each directory is laid out as ONNX's backend node tests (model.onnx and
test_data_set_0/ with input_<i>.pb and output_<i>.pb), with the expected
outputs computed by NumPy in float64 from the same inputs, so that
`attic-onnx run DIR` checks the compiled model against an independent
reference. The cases reach the corners of each operator: numpy
broadcasting against unit and missing dimensions, integer arithmetic,
NaN-free extremes (softplus of +-100, log-sum-exp of -inf rows), ties in
ArgMax, negative indices, negative slice starts and steps other than 1,
Reshape with 0 and -1, MatMul of vectors and broadcast batches, Einsum
with diagonals, implicit outputs and broadcast ellipses, Clip without
either bound, Range of a length known only at run time, and a model with
dynamic axes run on two data sets of different shapes.

Usage: lowering_models.py OUTDIR
"""

import math
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_cases  # noqa: E402

RNG = np.random.default_rng(7)


def write_case(*args, **kwargs):
    # ONNX's checker here knows opsets up to 17.
    onnx_cases.write_case(*args, check=kwargs.get("opset", 17) <= 17, **kwargs)


def f32(shape, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, shape).astype(np.float32)


def c(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array))


def i64(*values):
    return np.array(values, dtype=np.int64)


def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    # Arithmetic with numpy broadcasting: [2,3,4] against [3,1], a scalar and
    # a missing leading dimension; then the float functions.
    a, b, s = f32([2, 3, 4]), f32([3, 1], 0.5, 2.0), np.array(1.5, np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    big = np.array([-100.0, -1.0, 0.0, 1.0, 100.0], np.float32)
    # Erf from the tails to the tiny values where only a relative error shows.
    e = np.array([-10, -3, -1, -1e-3, -1e-6, 0, 1e-7, 1e-3, 0.25, 0.5, 0.9, 2, 4, 10],
                 np.float32)
    write_case(out, "elementwise_float", [
        helper.make_node("Add", ["a", "b"], ["add"]),
        helper.make_node("Sub", ["s", "a"], ["sub"]),
        helper.make_node("Mul", ["a", "b"], ["mul"]),
        helper.make_node("Div", ["a", "b"], ["div"]),
        helper.make_node("Pow", ["b", "s"], ["pow"]),
        helper.make_node("Sqrt", ["b"], ["sqrt"]),
        helper.make_node("Exp", ["a"], ["exp"]),
        helper.make_node("Log", ["b"], ["log"]),
        helper.make_node("Neg", ["a"], ["neg"]),
        helper.make_node("Relu", ["a"], ["relu"]),
        helper.make_node("Tanh", ["a"], ["tanh"]),
        helper.make_node("Sigmoid", ["big"], ["sigmoid"]),
        helper.make_node("Softplus", ["big"], ["softplus"]),
        helper.make_node("Reciprocal", ["b"], ["reciprocal"]),
        helper.make_node("Elu", ["a"], ["elu"], alpha=0.7),
        helper.make_node("Erf", ["e"], ["erf"]),
    ], [("a", a), ("b", b), ("s", s), ("big", big), ("e", e)], [
        ("add", (a64 + b64).astype(np.float32)),
        ("sub", (1.5 - a64).astype(np.float32)),
        ("mul", (a64 * b64).astype(np.float32)),
        ("div", (a64 / b64).astype(np.float32)),
        ("pow", (b64 ** 1.5).astype(np.float32)),
        ("sqrt", np.sqrt(b64).astype(np.float32)),
        ("exp", np.exp(a64).astype(np.float32)),
        ("log", np.log(b64).astype(np.float32)),
        ("neg", (-a64).astype(np.float32)),
        ("relu", np.maximum(a64, 0).astype(np.float32)),
        ("tanh", np.tanh(a64).astype(np.float32)),
        ("sigmoid", (1 / (1 + np.exp(-big.astype(np.float64)))).astype(np.float32)),
        ("softplus", softplus(big.astype(np.float64)).astype(np.float32)),
        ("reciprocal", (1 / b64).astype(np.float32)),
        ("elu", np.where(a64 < 0, 0.7 * np.expm1(a64), a64).astype(np.float32)),
        ("erf", np.array([math.erf(v) for v in e.astype(np.float64)], np.float32)),
    ])

    # Integers and booleans: integer division truncates toward zero, casts
    # truncate and test != 0, comparisons broadcast.
    x = i64(7, -7, 9, -9, 0, 5).reshape(2, 3)
    y = i64(2, 3, -4)
    xf = np.array([[1.7, -1.7, 0.0], [0.2, -0.0, 3.9]], np.float32)
    write_case(out, "integers_and_booleans", [
        c("zero", np.array(0.0, np.float32)), c("ax1", i64(1)),
        helper.make_node("Div", ["x", "y"], ["div"]),
        helper.make_node("Mul", ["x", "y"], ["mul"]),
        helper.make_node("Equal", ["x", "y"], ["eq"]),
        helper.make_node("Less", ["xf", "zero"], ["lt"]),
        helper.make_node("Not", ["lt"], ["not"]),
        helper.make_node("And", ["eq", "lt"], ["and"]),
        helper.make_node("Or", ["eq", "lt"], ["or"]),
        helper.make_node("Cast", ["xf"], ["toint"], to=TensorProto.INT64),
        helper.make_node("Cast", ["xf"], ["tobool"], to=TensorProto.BOOL),
        helper.make_node("Cast", ["lt"], ["tofloat"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["x"], ["toi32"], to=TensorProto.INT32),
        helper.make_node("Where", ["lt", "xf", "zero"], ["where"]),
        helper.make_node("ReduceSum", ["x", "ax1"], ["isum"], keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["imax"], axes=[0], keepdims=1),
    ], [("x", x), ("y", y), ("xf", xf)], [
        ("div", np.trunc(x / y).astype(np.int64)),
        ("mul", x * y),
        ("eq", x == y),
        ("lt", xf < 0),
        ("not", ~(xf < 0)),
        ("and", (x == y) & (xf < 0)),
        ("or", (x == y) | (xf < 0)),
        ("toint", np.trunc(xf).astype(np.int64)),
        ("tobool", xf != 0),
        ("tofloat", (xf < 0).astype(np.float32)),
        ("toi32", x.astype(np.int32)),
        ("where", np.where(xf < 0, xf, 0).astype(np.float32)),
        ("isum", x.sum(axis=1)),
        ("imax", x.max(axis=0, keepdims=True)),
    ])

    # Matrix products: broadcast batches, vectors on either side, Gemm with
    # both transposes, alpha, beta and a row bias.
    p, q = f32([2, 1, 3, 4]), f32([5, 4, 6])
    v, m3 = f32([4]), f32([2, 4, 3])
    ga, gb, gc = f32([4, 3]), f32([5, 4]), f32([5])
    write_case(out, "matrix_products", [
        helper.make_node("MatMul", ["p", "q"], ["batched"]),
        helper.make_node("MatMul", ["v", "m3"], ["vec_mat"]),
        helper.make_node("MatMul", ["p", "v"], ["mat_vec"]),
        helper.make_node("Gemm", ["ga", "gb", "gc"], ["gemm"], transA=1, transB=1,
                         alpha=0.5, beta=2.0),
    ], [("p", p), ("q", q), ("v", v), ("m3", m3), ("ga", ga), ("gb", gb), ("gc", gc)], [
        ("batched", np.matmul(p.astype(np.float64), q).astype(np.float32)),
        ("vec_mat", np.matmul(v.astype(np.float64), m3).astype(np.float32)),
        ("mat_vec", np.matmul(p.astype(np.float64), v).astype(np.float32)),
        ("gemm", (0.5 * ga.T.astype(np.float64) @ gb.T + 2.0 * gc).astype(np.float32)),
    ])

    # Reductions: several axes, negative axes, keepdims both ways, the empty
    # axes of noop_with_empty_axes, a log-sum-exp over rows of -inf and of
    # large values, ArgMax with ties (first and last index).
    r = f32([3, 4, 5])
    lse_in = np.array([[-np.inf, -np.inf, -np.inf], [1000.0, 1000.0, -np.inf],
                       [0.5, -1.0, 2.0]], np.float32)
    ties = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0]], np.float32)
    r64 = r.astype(np.float64)

    @np.errstate(divide="ignore")
    def lse(t, axis, keep):
        t = t.astype(np.float64)
        mx = np.max(t, axis=axis, keepdims=True)
        mx = np.where(np.isinf(mx), 0, mx)
        out = np.log(np.sum(np.exp(t - mx), axis=axis, keepdims=True)) + mx
        return (out if keep else np.squeeze(out, axis=axis)).astype(np.float32)

    write_case(out, "reductions", [
        c("axes02", i64(0, -1)), c("none", np.array([], np.int64)),
        helper.make_node("ReduceSum", ["r", "axes02"], ["sum"], keepdims=0),
        helper.make_node("ReduceMean", ["r"], ["mean"], axes=[1], keepdims=1),
        helper.make_node("ReduceMax", ["r"], ["max"], keepdims=0),
        helper.make_node("ReduceSum", ["r", "none"], ["noop"], noop_with_empty_axes=1),
        helper.make_node("ReduceLogSumExp", ["lse_in"], ["lse"], axes=[1], keepdims=0),
        helper.make_node("ArgMax", ["ties"], ["first"], axis=1, keepdims=0),
        helper.make_node("ArgMax", ["ties"], ["last"], axis=-1, keepdims=1,
                         select_last_index=1),
    ], [("r", r), ("lse_in", lse_in), ("ties", ties)], [
        ("sum", np.sum(r64, axis=(0, 2)).astype(np.float32)),
        ("mean", np.mean(r64, axis=1, keepdims=True).astype(np.float32)),
        ("max", np.array(np.max(r), np.float32)),
        ("noop", r),
        ("lse", lse(lse_in, 1, False)),
        ("first", i64(1, 0)),
        ("last", i64(2, 3).reshape(2, 1)),
    ])

    # Layer normalization over the last two dimensions, with all outputs.
    ln, sc, bi = f32([2, 3, 4]), f32([3, 4]), f32([4])
    ln64 = ln.astype(np.float64)
    mean = ln64.mean(axis=(1, 2), keepdims=True)
    inv = 1 / np.sqrt(((ln64 - mean) ** 2).mean(axis=(1, 2), keepdims=True) + 1e-5)
    write_case(out, "layer_normalization", [
        helper.make_node("LayerNormalization", ["x", "scale", "bias"],
                         ["y", "mean", "inv_std"], axis=-2, epsilon=1e-5),
    ], [("x", ln), ("scale", sc), ("bias", bi)], [
        ("y", ((ln64 - mean) * inv * sc + bi).astype(np.float32)),
        ("mean", mean.astype(np.float32)),
        ("inv_std", inv.astype(np.float32)),
    ])

    # Data movement.
    t, u1, g3, tri = f32([2, 3, 4]), f32([1, 4]), f32([2, 1, 3]), f32([2, 4, 5])
    idx = i64(-1, 0, 2, 1).reshape(2, 2)
    gidx = np.array([[[0, 2, -1, 1]], [[1, 1, 0, 2]]], np.int64)
    rows, cols = np.indices((4, 5))
    # (Opset 17: the newest that this ONNX release's checker knows.)
    write_case(out, "data_movement", [
        c("shape", i64(0, -1, 2)), c("ax13", i64(1, 3)), c("eshape", i64(2, 1, 3, 4)),
        c("starts", i64(-3, 0)), c("ends", i64(100, 4)), c("axes", i64(1, 2)),
        c("steps", i64(1, 2)), c("halves", i64(2, 2)), c("k1", np.array(1, np.int64)),
        c("km1", np.array(-1, np.int64)),
        helper.make_node("Transpose", ["t"], ["transposed"], perm=[2, 0, 1]),
        helper.make_node("Reshape", ["t", "shape"], ["reshaped"]),
        helper.make_node("Unsqueeze", ["t", "ax13"], ["unsqueezed"]),
        helper.make_node("Squeeze", ["unsqueezed", "ax13"], ["squeezed"]),
        helper.make_node("Expand", ["u1", "eshape"], ["expanded"]),
        helper.make_node("Concat", ["t", "t"], ["concat"], axis=-1),
        helper.make_node("Slice", ["t", "starts", "ends", "axes", "steps"], ["sliced"]),
        helper.make_node("Split", ["t", "halves"], ["part0", "part1"], axis=2),
        helper.make_node("Gather", ["t", "idx"], ["gathered"], axis=1),
        helper.make_node("GatherElements", ["g3", "gidx"], ["gathered_elements"], axis=2),
        helper.make_node("Trilu", ["tri", "k1"], ["upper"], upper=1),
        helper.make_node("Trilu", ["tri", "km1"], ["lower"], upper=0),
        helper.make_node("Shape", ["t"], ["shape_of"], start=1),
        helper.make_node("ConstantOfShape", ["eshape"], ["filled"],
                         value=numpy_helper.from_array(np.array([0.25], np.float32))),
    ], [("t", t), ("u1", u1), ("idx", idx), ("g3", g3), ("gidx", gidx), ("tri", tri)], [
        ("transposed", np.transpose(t, (2, 0, 1))),
        ("reshaped", t.reshape(2, 6, 2)),
        ("unsqueezed", t.reshape(2, 1, 3, 1, 4)),
        ("squeezed", t),
        ("expanded", np.broadcast_to(u1, (2, 1, 3, 4)).copy()),
        ("concat", np.concatenate([t, t], axis=-1)),
        ("sliced", t[:, -3:100, 0:4:2]),
        ("part0", t[:, :, :2]),
        ("part1", t[:, :, 2:]),
        ("gathered", np.take(t, idx, axis=1)),
        ("gathered_elements", np.take_along_axis(g3, np.where(gidx < 0, gidx + 3, gidx), axis=2)),
        ("upper", np.where(cols - rows >= 1, tri, 0).astype(np.float32)),
        ("lower", np.where(cols - rows <= -1, tri, 0).astype(np.float32)),
        ("shape_of", i64(3, 4)),
        ("filled", np.full((2, 1, 3, 4), 0.25, np.float32)),
    ])

    # The operators the dialect has no typed op for: trigonometry, rounding,
    # comparisons, variadic Max/Min with broadcasting, Clip with either bound
    # absent (an empty input name), Gelu both ways (opset 20).
    w = np.array([[-2.5, -1.0, -0.5, 0.0], [0.5, 1.5, 2.5, 3.0]], np.float32)
    lo, hi = np.array(-0.75, np.float32), np.array(1.25, np.float32)
    m1, m2 = f32([2, 1]), f32([4])
    wi = i64(-3, 0, 4, 7).reshape(2, 2)
    w64 = w.astype(np.float64)
    write_case(out, "more_elementwise", [
        helper.make_node("Sin", ["w"], ["sin"]),
        helper.make_node("Cos", ["w"], ["cos"]),
        helper.make_node("Abs", ["w"], ["abs"]),
        helper.make_node("Abs", ["wi"], ["iabs"]),
        helper.make_node("Floor", ["w"], ["floor"]),
        helper.make_node("Ceil", ["w"], ["ceil"]),
        helper.make_node("Greater", ["w", "m2"], ["gt"]),
        helper.make_node("GreaterOrEqual", ["w", "lo"], ["ge"]),
        helper.make_node("LessOrEqual", ["m1", "w"], ["le"]),
        helper.make_node("Max", ["w", "m1", "m2"], ["max"]),
        helper.make_node("Min", ["w", "m2"], ["min"]),
        helper.make_node("Min", ["wi"], ["imin"]),
        helper.make_node("Clip", ["w", "lo", "hi"], ["clip"]),
        helper.make_node("Clip", ["w", "lo"], ["clip_min"]),
        helper.make_node("Clip", ["w", "", "hi"], ["clip_max"]),
        helper.make_node("Clip", ["w"], ["clip_none"]),
        helper.make_node("Clip", ["wi", "", "ki"], ["iclip"]),
    ], [("w", w), ("wi", wi), ("m1", m1), ("m2", m2), ("lo", lo), ("hi", hi),
        ("ki", np.array(2, np.int64))], [
        ("sin", np.sin(w64).astype(np.float32)),
        ("cos", np.cos(w64).astype(np.float32)),
        ("abs", np.abs(w)),
        ("iabs", np.abs(wi)),
        ("floor", np.floor(w)),
        ("ceil", np.ceil(w)),
        ("gt", w > m2),
        ("ge", w >= lo),
        ("le", m1 <= w),
        ("max", np.maximum(np.maximum(w, m1), m2)),
        ("min", np.minimum(w, m2)),
        ("imin", wi),
        ("clip", np.clip(w, lo, hi)),
        ("clip_min", np.maximum(w, lo)),
        ("clip_max", np.minimum(w, hi)),
        ("clip_none", w),
        ("iclip", np.minimum(wi, 2)),
    ])
    gx = np.linspace(-5, 5, 21).astype(np.float32)
    g64 = gx.astype(np.float64)
    write_case(out, "gelu", [
        helper.make_node("Gelu", ["x"], ["exact"]),
        helper.make_node("Gelu", ["x"], ["tanh"], approximate="tanh"),
    ], [("x", gx)], [
        ("exact", (0.5 * g64 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in g64])))
         .astype(np.float32)),
        ("tanh", (0.5 * g64 * (1 + np.tanh(math.sqrt(2 / math.pi)
                                           * (g64 + 0.044715 * g64 ** 3)))).astype(np.float32)),
    ], opset=20)

    # Einsum: a matrix product, an implicit output (letters once, sorted),
    # a trace and a diagonal, an outer product, a broadcast ellipsis and a
    # three-operand contraction.
    ea, eb, ec = f32([3, 4]), f32([4, 5]), f32([5, 2])
    sq = f32([3, 3])
    ba, bb = f32([2, 1, 3, 4]), f32([3, 4, 2])
    e64 = lambda t: t.astype(np.float64)
    write_case(out, "einsum", [
        helper.make_node("Einsum", ["ea", "eb"], ["matmul"], equation="ij,jk->ik"),
        helper.make_node("Einsum", ["eb", "ea"], ["implicit"], equation="jk,ij"),
        helper.make_node("Einsum", ["sq"], ["trace"], equation="ii"),
        helper.make_node("Einsum", ["sq"], ["diagonal"], equation="ii->i"),
        helper.make_node("Einsum", ["ea", "ec"], ["outer"], equation="i j , k l -> i l k j"),
        helper.make_node("Einsum", ["ba", "bb"], ["ellipsis"], equation="...ij,...jk->...ik"),
        helper.make_node("Einsum", ["ea", "eb", "ec"], ["chain"], equation="ij,jk,kl->il"),
    ], [("ea", ea), ("eb", eb), ("ec", ec), ("sq", sq), ("ba", ba), ("bb", bb)], [
        ("matmul", np.einsum("ij,jk->ik", e64(ea), e64(eb)).astype(np.float32)),
        ("implicit", np.einsum("jk,ij", e64(eb), e64(ea)).astype(np.float32)),
        ("trace", np.array(np.einsum("ii", e64(sq)), np.float32)),
        ("diagonal", np.einsum("ii->i", e64(sq)).astype(np.float32)),
        ("outer", np.einsum("ij,kl->ilkj", e64(ea), e64(ec)).astype(np.float32)),
        ("ellipsis", np.einsum("...ij,...jk->...ik", e64(ba), e64(bb)).astype(np.float32)),
        ("chain", np.einsum("ij,jk,kl->il", e64(ea), e64(eb), e64(ec)).astype(np.float32)),
    ])

    # Range of constant bounds (static length) and of bounds read at run
    # time (a length the compiled code computes), Size and Flatten.
    fl = f32([2, 3, 4])
    write_case(out, "range_size_flatten", [
        c("start", np.array(1.5, np.float32)), c("limit", np.array(-1.0, np.float32)),
        c("delta", np.array(-0.75, np.float32)),
        helper.make_node("Range", ["start", "limit", "delta"], ["frange"]),
        helper.make_node("Range", ["istart", "ilimit", "idelta"], ["irange"]),
        helper.make_node("Size", ["fl"], ["size"]),
        helper.make_node("Flatten", ["fl"], ["flat0"], axis=0),
        helper.make_node("Flatten", ["fl"], ["flat2"], axis=-1),
    ], [("istart", np.array(7, np.int64)), ("ilimit", np.array(-4, np.int64)),
        ("idelta", np.array(-3, np.int64)), ("fl", fl)], [
        ("frange", np.array([1.5, 0.75, 0.0, -0.75], np.float32)),
        ("irange", np.arange(7, -4, -3, dtype=np.int64)),
        ("size", np.array(24, np.int64)),
        ("flat0", fl.reshape(1, 24)),
        ("flat2", fl.reshape(6, 4)),
    ], dims={"irange": ["n"]})

    # Dynamic axes, as exporters write them: the batch and sequence
    # dimensions are named, the head split's shape is computed with Shape,
    # Gather and Concat; run specializes the model to each data set.
    def heads(x):
        b, s, _ = x.shape
        return np.transpose(x.reshape(b, s, 2, 3), (0, 2, 1, 3)).astype(np.float32)

    hx, hx2 = f32([2, 5, 6]), f32([3, 2, 6])
    write_case(out, "dynamic_axes", [
        c("i0", i64(0)), c("i1", i64(1)), c("tail", i64(2, 3)),
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "i0"], ["batch"], axis=0),
        helper.make_node("Gather", ["shape", "i1"], ["seq"], axis=0),
        helper.make_node("Concat", ["batch", "seq", "tail"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["split"]),
        helper.make_node("Transpose", ["split"], ["y"], perm=[0, 2, 1, 3]),
    ], [("x", hx)], [("y", heads(hx))],
        dims={"x": ["batch", "seq", 6], "y": ["batch", 2, "seq", 3]},
        more_sets=[([hx2], [heads(hx2)])])


if __name__ == "__main__":
    main()
