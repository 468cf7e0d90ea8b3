#!/usr/bin/python3
"""Deliberately naive float64 references of the attic ops, for the tests.

    naive.py CASE DIR

writes the inputs of CASE as DIR/input_<i>.npy and its expected results as
DIR/output_<i>.npy (the layout of ONNX's test data sets, which
`attic-run --data-set=DIR` reads). Each case matches a function of the same
name in an execution test; its inputs are seeded, so runs are repeatable, and
include the edge cases of the numerics contract (rows of +-1e4, -inf masks,
fully masked rows, ignored labels).

The references follow the op definitions in dialects/attic/AtticOps.td
element by element, with Python loops where that is the plainest statement,
and share no code with the compiler.
"""

import math
import os
import sys

import numpy as np

F32 = np.float32


def rng(seed):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------
# Softmax family
# ----------------------------------------------------------------------------


def softmax(x, axis):
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        row = x[idx]
        if np.all(row == -np.inf):
            continue  # an all -inf row gives zeros
        e = np.exp(row - row.max())
        out[idx] = e / e.sum()
    return np.moveaxis(out, -1, axis)


def logsumexp(x, axis):
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    out = np.empty(x.shape[:-1])
    for idx in np.ndindex(x.shape[:-1]):
        row = x[idx]
        m = row.max()
        out[idx] = -np.inf if m == -np.inf else m + math.log(np.exp(row - m).sum())
    return out


def log_softmax(x, axis):
    lse = np.expand_dims(logsumexp(x, axis), axis)
    with np.errstate(invalid="ignore"):
        out = np.asarray(x, np.float64) - lse
    return np.where(np.isneginf(lse), -np.inf, out)


def extreme_rows(shape, r):
    """Random rows, then: one of +-1e4, one all -inf, one partly -inf."""
    x = r.standard_normal(shape) * 3
    x[1] = r.choice([-1e4, 1e4], size=shape[1:])
    x[2] = -np.inf
    x[3, ..., ::3] = -np.inf
    return x.astype(F32)


# ----------------------------------------------------------------------------
# Attention
# ----------------------------------------------------------------------------


def attention(q, k, v, mask=None, kv_lengths=None, scale=None, causal=False,
              left=None, right=None, softcap=None, kernel="softmax",
              train_length=None, reweight=None):
    q, k, v = (np.asarray(t, np.float64) for t in (q, k, v))
    B, Hq, Sq, D = q.shape
    Hkv, Skv, Dv = k.shape[1], k.shape[2], v.shape[3]
    group = Hq // Hkv
    if scale is None:
        scale = 1 / math.sqrt(D)
    if mask is not None:
        mask = np.broadcast_to(mask, (B, Hq, Sq, Skv))
    out = np.zeros((B, Hq, Sq, Dv))
    phi = {"relu": lambda x: np.maximum(x, 0),
           "squared_relu": lambda x: np.maximum(x, 0) ** 2,
           "elu_plus_one": lambda x: np.where(x > 0, x + 1, np.exp(x))}
    for b in range(B):
        L = Skv if kv_lengths is None else int(kv_lengths[b])
        off = L - Sq
        for h in range(Hq):
            kh = h // group
            for i in range(Sq):
                w = np.zeros(Skv)
                visible = np.zeros(Skv, bool)
                for j in range(Skv):
                    ok = j < L
                    if causal:
                        ok &= j <= i + off
                    if left is not None:
                        ok &= j >= i + off - left
                    if right is not None:
                        ok &= j <= i + off + right
                    if mask is not None and mask.dtype == bool:
                        ok &= bool(mask[b, h, i, j])
                    visible[j] = ok
                    if not ok:
                        continue
                    if kernel in phi:
                        w[j] = phi[kernel](q[b, h, i]) @ phi[kernel](k[b, kh, j])
                        continue
                    if kernel == "gaussian":
                        s = -scale * np.sum((q[b, h, i] - k[b, kh, j]) ** 2) / 2
                    else:
                        s = scale * (q[b, h, i] @ k[b, kh, j])
                        if train_length is not None:
                            # n: the keys the row's position lets it see.
                            n = sum(1 for jj in range(min(max(L, 0), Skv))
                                    if (not causal or jj <= i + off)
                                    and (left is None or jj >= i + off - left)
                                    and (right is None
                                         or jj <= i + off + right))
                            s *= math.log(n) / math.log(train_length)
                        if softcap is not None:
                            s = softcap * math.tanh(s / softcap)
                    if mask is not None and mask.dtype != bool:
                        s += float(mask[b, h, i, j])
                    w[j] = s
                if kernel == "softmax":
                    s = np.where(visible, w, -np.inf)
                    if np.all(s == -np.inf):
                        continue
                    w = np.exp(s - s.max())
                elif kernel == "softplus":
                    w = np.where(visible, np.logaddexp(0, w), 0)
                    if reweight is not None and w.sum() > 0:
                        w = (w / w.sum()) ** reweight
                elif kernel == "gaussian":
                    w = np.where(visible, np.exp(w), 0)
                total = w.sum()
                o = w @ v[b, kh]
                if kernel == "gaussian":
                    out[b, h, i] = o
                elif total != 0:
                    out[b, h, i] = o / total
    return out


def attention_inputs(r, B, Hq, Hkv, Sq, Skv, D, Dv):
    return (r.standard_normal((B, Hq, Sq, D)).astype(F32),
            r.standard_normal((B, Hkv, Skv, D)).astype(F32),
            r.standard_normal((B, Hkv, Skv, Dv)).astype(F32))


# ----------------------------------------------------------------------------
# Linear attention: the recurrence, one token at a time
# ----------------------------------------------------------------------------


def linear_attention(q, k, v, past=None, decay=None, beta=None,
                     rule="linear", scale=None):
    q, k, v = (np.asarray(t, np.float64) for t in (q, k, v))
    B, Hq, T, Dk = q.shape
    Hkv, Dv = k.shape[1], v.shape[3]
    group = Hq // Hkv
    if scale is None:
        scale = 1 / math.sqrt(Dk)
    S = np.zeros((B, Hkv, Dk, Dv)) if past is None else np.array(past, np.float64)
    out = np.zeros((B, Hq, T, Dv))
    for b in range(B):
        for h in range(Hkv):
            for t in range(T):
                kt, vt = k[b, h, t], v[b, h, t]
                if rule in ("gated", "gated_delta"):
                    g = np.asarray(decay[b, h, t], np.float64)
                    # per head: one factor; per key: row d scaled by exp(g[d])
                    S[b, h] = S[b, h] * (np.exp(g)[:, None] if g.ndim else np.exp(g))
                if rule in ("delta", "gated_delta"):
                    bt = float(beta[b, h if beta.shape[1] > 1 else 0, t])
                    S[b, h] = S[b, h] + bt * np.outer(kt, vt - S[b, h].T @ kt)
                else:
                    S[b, h] = S[b, h] + np.outer(kt, vt)
                for hq in range(h * group, (h + 1) * group):
                    out[b, hq, t] = scale * (S[b, h].T @ q[b, hq, t])
    return out, S


def linear_attention_case(seed, rule, B, Hq, Hkv, T, Dk, Dv, past=False,
                          decay=None, beta=None, scale=None, unit_keys=False):
    """unit_keys: keys of L2 norm 1 (as DeltaNet normalizes them), which keeps
    long delta-rule recurrences stable."""
    r = rng(seed)
    u = lambda *s: r.uniform(-1, 1, s).astype(F32)
    ins = [u(B, Hq, T, Dk), u(B, Hkv, T, Dk), u(B, Hkv, T, Dv)]
    if unit_keys:
        ins[1] = (ins[1] / np.linalg.norm(ins[1], axis=-1, keepdims=True)).astype(F32)
    kw = {}
    if past:
        kw["past"] = u(B, Hkv, Dk, Dv)
    if decay == "head":
        kw["decay"] = -r.uniform(0, 1, (B, Hkv, T)).astype(F32)
    if decay == "key":
        kw["decay"] = -r.uniform(0, 1, (B, Hkv, T, Dk)).astype(F32)
    if beta == "head":
        kw["beta"] = r.uniform(0, 1, (B, Hkv, T)).astype(F32)
    if beta == "shared":
        kw["beta"] = r.uniform(0, 1, (B, 1, T)).astype(F32)
    for name in ("past", "decay", "beta"):
        if name in kw:
            ins.append(kw[name])
    return ins, list(linear_attention(*ins[:3], rule=rule, scale=scale, **kw))


# ----------------------------------------------------------------------------
# Losses
# ----------------------------------------------------------------------------


LOSS_EXPONENTS = {"cross_entropy": 0.0, "mean_absolute_error": 1.0,
                  "sum_exponential": -1.0}


def comp_sum(log_p, kind="cross_entropy", q=None):
    """The comp-sum loss of a class of log-probability log_p: -log p, or
    (1 - p^e) / e with e = q (generalized cross-entropy), 1 (mean absolute
    error, 1 - p) or -1 (sum-exponential, 1/p - 1)."""
    e = q if kind == "generalized_cross_entropy" else LOSS_EXPONENTS[kind]
    if e == 0.0:
        return -log_p
    return -np.expm1(e * log_p) / e


def position_losses(y, wc, ignore_index, loss_at):
    """The loss loss_at(idx, label) of every position of the labels y and
    the weight w_label it applies (both 0 where the label is ignored)."""
    losses = np.zeros(y.shape)
    applied = np.zeros(y.shape)
    for idx in np.ndindex(y.shape):
        label = int(y[idx])
        if ignore_index is not None and label == ignore_index:
            continue
        losses[idx] = loss_at(idx, label)
        applied[idx] = wc[label]
    return losses, applied


def reduce_losses(losses, applied, reduction):
    """none: the losses; sum; mean: their sum over the weights applied."""
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.array(losses.sum())
    return np.array(losses.sum() / applied.sum())


def cross_entropy(x, y, w=None, reduction="mean", ignore_index=None,
                  label_smoothing=0.0, z_loss=0.0, kind="cross_entropy",
                  q=None):
    """Per position: l = a (1-eps) phi(x_y - lse) + (eps/C) sum_c w_c
    phi(x_c - lse) + z lse^2, with a = w_y (0 if ignored) and phi the
    comp-sum loss of `kind`; mean = sum(l) / sum(a)."""
    x = np.asarray(x, np.float64)
    C = x.shape[1]
    xs = np.moveaxis(x, 1, -1)  # [N, d..., C]
    lse = logsumexp(xs, -1)
    wc = np.ones(C) if w is None else np.asarray(w, np.float64)

    def loss_at(idx, label):
        row = xs[idx]
        l = wc[label] * (1 - label_smoothing) * comp_sum(row[label] - lse[idx], kind, q)
        l += label_smoothing / C * np.sum(wc * comp_sum(row - lse[idx], kind, q))
        return l + z_loss * lse[idx] ** 2

    loss = reduce_losses(*position_losses(y, wc, ignore_index, loss_at), reduction)
    return loss, lse


def spherical_z_loss(x, y, a, b, w=None, reduction="mean", ignore_index=None):
    """Per position: standardize the logits over the classes by their mean
    and population standard deviation, zhat = (x_y - mean) / std (0 when the
    std is 0), l = w_y softplus(a (b - zhat)) / a; mean = sum(l) / sum(w_y)
    over the counted positions."""
    x = np.asarray(x, np.float64)
    xs = np.moveaxis(x, 1, -1)
    wc = np.ones(xs.shape[-1]) if w is None else np.asarray(w, np.float64)

    def loss_at(idx, label):
        row = xs[idx]
        mean = row.mean()
        std = math.sqrt(np.mean((row - mean) ** 2))
        zhat = (row[label] - mean) / std if std > 0 else 0.0
        t = a * (b - zhat)
        return wc[label] * (max(t, 0.0) + math.log1p(math.exp(-abs(t)))) / a

    return reduce_losses(*position_losses(y, wc, ignore_index, loss_at), reduction)


def labels(r, shape, classes, ignore=None):
    y = r.integers(0, classes, shape).astype(np.int64)
    if ignore is not None:
        y.flat[::4] = ignore
    return y


def linear_logits(h, W, bias=None, softcap=None):
    z = np.asarray(h, np.float64) @ np.asarray(W, np.float64).T
    if bias is not None:
        z = z + bias
    if softcap is not None:
        z = softcap * np.tanh(z / softcap)
    return z


# ----------------------------------------------------------------------------
# Top-k of a softmax
# ----------------------------------------------------------------------------


def topk_softmax(x, k, axis, renormalize=False):
    """Greater value first, lower index first among equals."""
    p = softmax(x, axis)
    xm = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    pm = np.moveaxis(p, axis, -1)
    values = np.zeros(xm.shape[:-1] + (k,))
    indices = np.zeros(xm.shape[:-1] + (k,), np.int64)
    for idx in np.ndindex(xm.shape[:-1]):
        order = sorted(range(xm.shape[-1]), key=lambda j: (-xm[idx][j], j))[:k]
        chosen = pm[idx][order]
        if renormalize and chosen.sum() > 0:
            chosen = chosen / chosen.sum()
        values[idx] = chosen
        indices[idx] = order
    return np.moveaxis(values, -1, axis), np.moveaxis(indices, -1, axis)


# ----------------------------------------------------------------------------
# Cases: name -> () -> (inputs, expected outputs)
# ----------------------------------------------------------------------------


def case_softmax_rows():
    x = extreme_rows((5, 37), rng(1))
    return [x], [softmax(x, 1)]


def case_softmax_axis0():
    x = rng(2).standard_normal((5, 3, 4)).astype(F32)
    return [x], [softmax(x, 0)]


def case_log_softmax_rows():
    x = extreme_rows((5, 37), rng(3))
    return [x], [log_softmax(x, 1)]


def case_logsumexp_keep_dim():
    x = extreme_rows((4, 6, 3), rng(4)).transpose(1, 0, 2).copy()
    return [x], [np.expand_dims(logsumexp(x, 1), 1)]


def case_logsumexp_last():
    x = extreme_rows((4, 2, 9), rng(5))
    return [x], [logsumexp(x, 2)]


def case_softmax_f16():
    x = (rng(6).standard_normal((4, 50)) * 4).astype(np.float16)
    return [x], [softmax(x, 1).astype(np.float16)]


def case_softmax_bf16():
    # NumPy has no bfloat16: inputs travel as f32 holding bf16 values (the
    # low 16 bits cleared), and the result comes back as f32.
    x = (rng(7).standard_normal((4, 50)) * 4).astype(F32)
    x = (x.view(np.uint32) & 0xFFFF0000).view(F32)
    return [x], [softmax(x, 1)]


def case_attn_gqa():
    q, k, v = attention_inputs(rng(10), 2, 4, 2, 5, 7, 8, 6)
    return [q, k, v], [attention(q, k, v)]


def case_attn_causal():
    q, k, v = attention_inputs(rng(11), 2, 2, 1, 5, 7, 8, 8)
    return [q, k, v], [attention(q, k, v, causal=True)]


def case_attn_window():
    q, k, v = attention_inputs(rng(12), 1, 2, 2, 6, 6, 4, 4)
    return [q, k, v], [attention(q, k, v, left=2, right=1)]


def case_attn_kv_lengths():
    q, k, v = attention_inputs(rng(13), 3, 2, 2, 4, 8, 4, 4)
    lengths = np.array([8, 5, 2], np.int64)  # the last batch: 2 - 4 < 0 rows
    return [q, k, v, lengths], [attention(q, k, v, kv_lengths=lengths,
                                          causal=True, left=3)]


def case_attn_bool_mask():
    r = rng(14)
    q, k, v = attention_inputs(r, 2, 2, 2, 4, 6, 4, 3)
    mask = r.uniform(size=(2, 1, 4, 6)) < 0.6
    mask[0, 0, 1, :] = False  # a fully masked row gives 0
    return [q, k, v, mask], [attention(q, k, v, mask=mask)]


def case_attn_float_mask():
    r = rng(15)
    q, k, v = attention_inputs(r, 1, 2, 1, 4, 6, 4, 4)
    q *= 4
    mask = (r.standard_normal((4, 6)) * 2).astype(F32)
    mask[:, 0] = -np.inf
    mask[2, :] = -np.inf  # fully masked by -inf
    return [q, k, v, mask], [attention(q, k, v, mask=mask, scale=0.3,
                                       softcap=2.0)]


def case_attn_softplus():
    r = rng(16)
    q, k, v = attention_inputs(r, 1, 2, 2, 5, 5, 4, 4)
    return [q, k, v], [attention(q, k, v, kernel="softplus", causal=True)]


def case_attn_softplus_length():
    """Softplus with the length scale (causal, a left window and kv_lengths,
    so rows see different key counts) and re-weighting."""
    r = rng(27)
    q, k, v = attention_inputs(r, 2, 4, 2, 6, 9, 4, 3)
    q *= 3
    lengths = np.array([9, 4], np.int64)
    return [q, k, v, lengths], [attention(q, k, v, kv_lengths=lengths,
                                          causal=True, left=5,
                                          kernel="softplus", train_length=3,
                                          reweight=3.0)]


def case_attn_softmax_length():
    """Softmax with the length scale and softcap: n_i from the causal bound,
    more keys than queries."""
    q, k, v = attention_inputs(rng(28), 1, 2, 1, 5, 12, 4, 4)
    q *= 2
    return [q, k, v], [attention(q, k, v, causal=True, softcap=4.0,
                                 train_length=4)]


def case_attn_elu_plus_one():
    q, k, v = attention_inputs(rng(17), 1, 4, 2, 5, 6, 4, 3)
    return [q, k, v], [attention(q, k, v, kernel="elu_plus_one")]


def case_attn_relu():
    q, k, v = attention_inputs(rng(18), 1, 2, 2, 5, 5, 4, 3)
    return [q, k, v], [attention(q, k, v, kernel="relu", causal=True)]


def case_attn_squared_relu():
    q, k, v = attention_inputs(rng(20), 2, 4, 1, 6, 7, 4, 3)
    return [q, k, v], [attention(q, k, v, kernel="squared_relu", causal=True)]


def case_attn_gaussian():
    r = rng(19)
    q, k, v = attention_inputs(r, 1, 2, 2, 4, 5, 3, 3)
    q, k = q * 0.5, k * 0.5
    mask = (r.standard_normal((1, 2, 4, 5)) * 0.5).astype(F32)
    return [q, k, v, mask], [attention(q, k, v, mask=mask, kernel="gaussian")]


# ----------------------------------------------------------------------------
# SOFT: gaussian attention through Nystrom landmarks
# ----------------------------------------------------------------------------


def gaussian_kernel(x, y, scale):
    """P(x, y) = exp(-scale |x - y|^2 / 2) for rows x [r, D], y [c, D]."""
    d2 = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    return np.exp(-scale * d2 / 2)


def landmark_pool(x, m):
    """Adaptive average pooling of the rows of x [n, D] into m segments."""
    n = x.shape[0]
    return np.stack([x[(l * n) // m:-(-((l + 1) * n) // m)].mean(0)
                     for l in range(m)])


def symmetric_normalize(w):
    """D_r^-1/2 W D_c^-1/2, a sum that is not positive weighing 0."""
    def rsqrt(s):
        return np.where(s > 0, 1 / np.sqrt(np.maximum(s, 1e-300)), 0)
    return rsqrt(w.sum(1))[:, None] * w * rsqrt(w.sum(0))[None, :]


def soft_attention(q, k, v, scale, landmarks=None, symmetric=False):
    """Gaussian attention, exact (landmarks None) or Nystrom with the direct
    inverse of the landmark matrix, whose condition number must stay under
    10 (a well-conditioned case). Returns (out, largest condition)."""
    q, k, v = (np.asarray(t, np.float64) for t in (q, k, v))
    B, Hq, Sq, _ = q.shape
    group = Hq // k.shape[1]
    out = np.zeros((B, Hq, Sq, v.shape[3]))
    worst = 0.0
    for b in range(B):
        for h in range(Hq):
            qh, kh, vh = q[b, h], k[b, h // group], v[b, h // group]
            if landmarks is None:
                w = gaussian_kernel(qh, kh, scale)
            else:
                ql, kl = landmark_pool(qh, landmarks), landmark_pool(kh, landmarks)
                lm = gaussian_kernel(ql, kl, scale)
                worst = max(worst, np.linalg.cond(lm))
                w = (gaussian_kernel(qh, kl, scale) @ np.linalg.inv(lm)
                     @ gaussian_kernel(ql, kh, scale))
            if symmetric:
                w = symmetric_normalize(w)
            out[b, h] = w @ vh
    if landmarks is not None:
        assert worst < 10, f"landmark matrix condition {worst}"
    return out


def soft_inputs(r, B, Hq, Hkv, S, D, Dv, noise):
    """Keys, and queries near the key of their key/value head (noise), so
    that the landmark matrices are well conditioned."""
    k = r.standard_normal((B, Hkv, S, D))
    q = np.repeat(k, Hq // Hkv, axis=1) + noise * r.standard_normal((B, Hq, S, D))
    v = r.standard_normal((B, Hkv, S, Dv))
    return q.astype(F32), k.astype(F32), v.astype(F32)


def case_soft_inverse():
    q, k, v = soft_inputs(rng(30), 1, 2, 2, 48, 8, 4, 0.0)
    return [q, k, v], [soft_attention(q, k, v, 2.0, landmarks=12)]


def case_soft_inverse_symmetric():
    q, k, v = soft_inputs(rng(31), 2, 4, 2, 40, 8, 3, 0.05)
    return [q, k, v], [soft_attention(q, k, v, 2.0, landmarks=10,
                                      symmetric=True)]


def case_soft_exact_symmetric():
    q, k, v = soft_inputs(rng(32), 1, 4, 2, 16, 8, 4, 0.05)
    return [q, k, v], [soft_attention(q, k, v, 2.0, symmetric=True)]


def case_la_linear():
    return linear_attention_case(20, "linear", 1, 2, 1, 5, 3, 4)


def case_la_gated_head():
    return linear_attention_case(21, "gated", 2, 2, 2, 5, 3, 2, past=True,
                                 decay="head", scale=0.5)


def case_la_gated_key():
    return linear_attention_case(22, "gated", 1, 4, 2, 4, 3, 2, decay="key")


def case_la_delta():
    return linear_attention_case(23, "delta", 1, 2, 2, 5, 3, 3, past=True,
                                 beta="head")


def case_la_delta_shared_beta():
    return linear_attention_case(24, "delta", 2, 4, 2, 3, 2, 3,
                                 beta="shared")


def case_la_gated_delta():
    return linear_attention_case(25, "gated_delta", 2, 2, 1, 4, 3, 2,
                                 past=True, decay="head", beta="head")


def case_la_gated_delta_step():
    return linear_attention_case(26, "gated_delta", 1, 2, 2, 1, 3, 2,
                                 past=True, decay="key", beta="shared",
                                 scale=1.0)


# Long sequences for the chunked form: several chunks, a padded last one.
def case_la_long_linear():
    return linear_attention_case(27, "linear", 1, 4, 2, 70, 8, 5, past=True)


def case_la_long_gated_key():
    return linear_attention_case(28, "gated", 2, 2, 2, 70, 8, 4, decay="key",
                                 scale=0.5)


def case_la_long_delta():
    return linear_attention_case(29, "delta", 1, 2, 2, 70, 8, 6, past=True,
                                 beta="head", unit_keys=True)


def case_la_long_gated_delta():
    return linear_attention_case(30, "gated_delta", 1, 4, 2, 70, 16, 8,
                                 past=True, decay="head", beta="shared",
                                 unit_keys=True)


def case_la_long_gated_delta_key():
    return linear_attention_case(31, "gated_delta", 1, 2, 1, 45, 8, 4,
                                 decay="key", beta="head", unit_keys=True)


def ce_case(seed, shape, reduction, weights=False, ignore=None, smoothing=0.0,
            z=0.0, extreme=False):
    r = rng(seed)
    x = r.standard_normal(shape).astype(F32) * 3
    if extreme:
        x[0] = r.choice([-1e4, 1e4], size=shape[1:])
    y = labels(r, (shape[0],) + shape[2:], shape[1], ignore)
    ins = [x, y]
    w = None
    if weights:
        w = r.uniform(0.5, 2, shape[1]).astype(F32)
        ins.append(w)
    loss, lse = cross_entropy(x, y, w, reduction, ignore, smoothing, z)
    return ins, [loss, lse]


def case_ce_none():
    return ce_case(30, (6, 11), "none", weights=True, ignore=-100,
                   smoothing=0.1, z=1e-3)


def case_ce_mean():
    return ce_case(31, (8, 11), "mean", weights=True, ignore=-100)


def case_ce_mean_plain():
    return ce_case(32, (7, 13), "mean", extreme=True)


def case_ce_sum():
    return ce_case(33, (6, 9), "sum", smoothing=0.2, z=1e-2)


def case_ce_spatial():
    return ce_case(34, (3, 5, 2, 4), "mean", weights=True, ignore=2,
                   smoothing=0.05)


def case_ce_all_ignored():
    # mean over no applied weight is 0/0: NaN, as in ONNX and PyTorch.
    x = rng(35).standard_normal((3, 4)).astype(F32)
    y = np.full(3, -1, np.int64)
    loss, lse = cross_entropy(x, y, None, "mean", -1)
    return [x, y], [np.array(np.nan), lse]


def nll_loss(lp, y, w=None, reduction="mean", ignore_index=None):
    """Per position: -w_y lp[n, y, d...] (0 if ignored); mean = sum / sum(w_y)."""
    lp = np.moveaxis(np.asarray(lp, np.float64), 1, -1)  # [N, d..., C]
    wc = np.ones(lp.shape[-1]) if w is None else np.asarray(w, np.float64)
    return reduce_losses(
        *position_losses(y, wc, ignore_index,
                         lambda idx, label: -wc[label] * lp[idx][label]),
        reduction)


def case_nll_none():
    # Log-probabilities that are no log-softmax; -inf where the label is
    # ignored (and elsewhere off the labels), which must give exactly 0.
    r = rng(36)
    lp = (-r.exponential(2.0, (6, 5, 3))).astype(F32)
    y = labels(r, (6, 3), 5, ignore=-100)
    for idx in np.ndindex(y.shape):
        if y[idx] == -100:
            lp[idx[0], :, idx[1]] = -np.inf
    w = r.uniform(0.5, 2.0, 5).astype(F32)
    return [lp, y, w], [nll_loss(lp, y, w, "none", -100)]


def case_nll_mean():
    r = rng(37)
    lp = r.standard_normal((9, 7)).astype(F32) * 100
    y = labels(r, (9,), 7, ignore=3)
    w = r.uniform(0.5, 2.0, 7).astype(F32)
    return [lp, y, w], [nll_loss(lp, y, w, "mean", 3)]


def case_nll_sum():
    r = rng(38)
    lp = r.standard_normal((4, 6, 2, 3)).astype(F32)
    y = labels(r, (4, 2, 3), 6)
    return [lp, y], [nll_loss(lp, y, None, "sum")]


def case_nll_all_ignored():
    lp = rng(39).standard_normal((3, 4)).astype(F32)
    y = np.full(3, -1, np.int64)
    return [lp, y], [np.array(np.nan)]


def lce_case(seed, N, D, V, reduction, bias=False, softcap=None, weights=False,
             ignore=None, smoothing=0.0, z=0.0, kind="cross_entropy", q=None):
    r = rng(seed)
    h = r.standard_normal((N, D)).astype(F32)
    W = (r.standard_normal((V, D)) / math.sqrt(D)).astype(F32) * 4
    y = labels(r, (N,), V, ignore)
    ins = [h, W, y]
    b = None
    if bias:
        b = r.standard_normal(V).astype(F32)
        ins.append(b)
    w = None
    if weights:
        w = r.uniform(0.5, 2, V).astype(F32)
        ins.append(w)
    z_ = linear_logits(h, W, b, softcap)
    loss, lse = cross_entropy(z_, y, w, reduction, ignore, smoothing, z, kind,
                              q)
    return ins, [loss, lse]


def case_lce_mean():
    return lce_case(40, 6, 8, 17, "mean", ignore=-100)


def case_lce_bias_softcap():
    return lce_case(41, 5, 8, 16, "none", bias=True, softcap=3.0,
                    weights=True, smoothing=0.1, z=1e-3)


def lce_grad_case(seed, N, D, V, reduction, bias=False, softcap=None,
                  weights=False, ignore=None, smoothing=0.0, z=0.0,
                  with_lse=False, kind="cross_entropy", q=None):
    """The gradient of linear cross-entropy by central finite differences of
    the float64 loss above: inputs (hidden, classifier, labels[, bias]
    [, weights], grad_loss[, lse]), outputs (grad_hidden, grad_classifier
    [, grad_bias])."""
    ins, (_, lse) = lce_case(seed, N, D, V, reduction, bias, softcap, weights,
                             ignore, smoothing, z, kind, q)
    h, W, y = ins[0], ins[1], ins[2]
    b = ins[3] if bias else None
    w = ins[-1] if weights else None
    r = rng(seed + 1000)
    shape = (N,) if reduction == "none" else ()
    g = r.uniform(0.5, 2, shape).astype(F32)

    def loss(h_, W_, b_):
        return cross_entropy(linear_logits(h_, W_, b_, softcap), y, w,
                             reduction, ignore, smoothing, z, kind, q)[0]

    grads = linear_loss_fd(loss, g, h, W, b)
    ins = ins + [g] + ([lse.astype(F32)] if with_lse else [])
    return ins, grads


def linear_loss_fd(loss, g, h, W, b=None):
    """Central finite differences of sum(g * loss(h, W, b)) with respect to
    h, W and, when given, b."""
    def total(*args):
        return float(np.sum(np.asarray(g, np.float64) * loss(*args)))

    params = [np.asarray(h, np.float64), np.asarray(W, np.float64)]
    if b is not None:
        params.append(np.asarray(b, np.float64))
    grads = []
    for param in params:
        grad = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            step = 1e-5 * max(1.0, abs(param[idx]))
            saved = param[idx]
            param[idx] = saved + step
            up = total(*params, *([] if b is not None else [None]))
            param[idx] = saved - step
            down = total(*params, *([] if b is not None else [None]))
            param[idx] = saved
            grad[idx] = (up - down) / (2 * step)
        grads.append(grad)
    return grads


def case_lce_grad_mean():
    return lce_grad_case(42, 6, 8, 17, "mean", ignore=-100)


def case_lce_grad_full():
    return lce_grad_case(43, 5, 8, 16, "none", bias=True, softcap=3.0,
                         weights=True, smoothing=0.1, z=1e-3, with_lse=True)


def case_lce_grad_sum():
    return lce_grad_case(44, 7, 4, 11, "sum", bias=True, weights=True,
                         smoothing=0.2, z=1e-2)


def case_lce_grad_mean_weights():
    return lce_grad_case(45, 9, 5, 13, "mean", weights=True, ignore=3,
                         smoothing=0.05, softcap=2.0, with_lse=True)


def case_lce_gce():
    return lce_case(46, 6, 8, 17, "none", bias=True, weights=True,
                    ignore=-100, smoothing=0.1, z=1e-3,
                    kind="generalized_cross_entropy", q=0.7)


def case_lce_mae():
    return lce_case(47, 7, 8, 13, "mean", softcap=3.0, weights=True,
                    smoothing=0.2, kind="mean_absolute_error")


def case_lce_sum_exponential():
    return lce_case(48, 5, 8, 11, "sum", bias=True, ignore=2, z=1e-2,
                    kind="sum_exponential")


def case_lce_grad_gce():
    return lce_grad_case(49, 6, 8, 17, "none", bias=True, weights=True,
                         ignore=-100, smoothing=0.1, z=1e-3, with_lse=True,
                         kind="generalized_cross_entropy", q=0.7)


def case_lce_grad_gce_softcap():
    return lce_grad_case(50, 5, 6, 12, "mean", softcap=2.0, smoothing=0.05,
                         kind="generalized_cross_entropy", q=0.3)


def case_lce_grad_mae():
    return lce_grad_case(51, 7, 8, 13, "mean", softcap=3.0, weights=True,
                         smoothing=0.2, kind="mean_absolute_error")


def case_lce_grad_sum_exponential():
    return lce_grad_case(52, 5, 8, 11, "sum", bias=True, ignore=2, z=1e-2,
                         with_lse=True, kind="sum_exponential")


def sz_case(seed, shape, reduction, a, b, weights=False, ignore=None,
            scale=3.0):
    r = rng(seed)
    x = (r.standard_normal(shape) * scale).astype(F32)
    y = labels(r, (shape[0],) + shape[2:], shape[1], ignore)
    ins = [x, y]
    w = None
    if weights:
        w = r.uniform(0.5, 2, shape[1]).astype(F32)
        ins.append(w)
    return ins, x, y, w


def case_sz_none():
    # Row 1 has every logit equal (std 0: zhat = 0); row 2 shares an offset
    # of 1e4, which must cancel.
    ins, x, y, w = sz_case(60, (6, 11), "none", 0.5, 2.0, weights=True,
                           ignore=-100)
    x[1] = 1.5
    x[2] = (1e4 + x[2]).astype(F32)
    return ins, [spherical_z_loss(x, y, 0.5, 2.0, w, "none", -100)]


def case_sz_mean():
    ins, x, y, w = sz_case(61, (5, 9), "mean", 0.1, 20.0, ignore=3)
    return ins, [spherical_z_loss(x, y, 0.1, 20.0, None, "mean", 3)]


def case_sz_spatial():
    ins, x, y, w = sz_case(62, (3, 5, 2, 4), "sum", 2.0, -1.0, weights=True)
    return ins, [spherical_z_loss(x, y, 2.0, -1.0, w, "sum")]


def lsz_case(seed, N, D, V, reduction, a, b, bias=False, softcap=None,
             weights=False, ignore=None, grad=False):
    """The linear spherical Z-loss: inputs (hidden, classifier, labels
    [, bias][, weights]) and the loss; with `grad`, inputs and grad_loss,
    and the gradients by central finite differences."""
    r = rng(seed)
    h = r.standard_normal((N, D)).astype(F32)
    W = (r.standard_normal((V, D)) / math.sqrt(D)).astype(F32) * 4
    y = labels(r, (N,), V, ignore)
    bv = r.standard_normal(V).astype(F32) if bias else None
    w = r.uniform(0.5, 2, V).astype(F32) if weights else None
    ins = [h, W, y] + ([bv] if bias else []) + ([w] if weights else [])

    def loss(h_, W_, b_):
        return spherical_z_loss(linear_logits(h_, W_, b_, softcap), y, a, b,
                                w, reduction, ignore)

    if not grad:
        return ins, [loss(h, W, bv)]
    g = rng(seed + 1000).uniform(0.5, 2, (N,) if reduction == "none"
                                  else ()).astype(F32)
    return ins + [g], linear_loss_fd(loss, g, h, W, bv)


def case_lsz():
    return lsz_case(63, 7, 8, 19, "mean", 0.7, 1.5, bias=True, softcap=3.0,
                    weights=True, ignore=-100)


def case_lsz_grad_none():
    return lsz_case(64, 6, 8, 17, "none", 0.5, 2.0, bias=True, weights=True,
                    ignore=-100, grad=True)


def case_lsz_grad_mean():
    return lsz_case(65, 7, 5, 13, "mean", 0.1, 20.0, softcap=3.0,
                    weights=True, ignore=3, grad=True)


def case_lsz_grad_sum():
    return lsz_case(66, 5, 6, 11, "sum", 2.0, -1.0, bias=True, softcap=2.0,
                    grad=True)


def case_topk_rows():
    x = rng(50).integers(-3, 4, (5, 9)).astype(F32)  # many ties
    x[2] = -np.inf
    x[3, :7] = -np.inf
    return [x], list(topk_softmax(x, 4, 1))


def case_topk_renormalize():
    x = (rng(51).standard_normal((6, 8)) * 2).astype(F32)
    return [x], list(topk_softmax(x, 2, 1, renormalize=True))


def case_topk_axis0():
    x = (rng(52).standard_normal((7, 3, 2)) * 2).astype(F32)
    return [x], list(topk_softmax(x, 3, 0))


CASES = {name[len("case_"):]: fn for name, fn in globals().items()
         if name.startswith("case_")}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CASES:
        sys.exit("usage: naive.py CASE DIR\ncases: " + " ".join(sorted(CASES)))
    inputs, outputs = CASES[sys.argv[1]]()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for i, a in enumerate(inputs):
        np.save(os.path.join(out, f"input_{i}.npy"), np.asarray(a))
    for i, a in enumerate(outputs):
        a = np.asarray(a)
        if a.dtype == np.float64:
            a = a.astype(F32)
        np.save(os.path.join(out, f"output_{i}.npy"), a)


if __name__ == "__main__":
    main()
