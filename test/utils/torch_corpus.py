#!/usr/bin/python3
"""Writes a corpus of ONNX models exported by PyTorch (torch.onnx.export,
the TorchScript exporter) the way users export them: attention and loss
modules written as the model families people use write them, with
dynamic batch and sequence axes, at opsets 14 and 17. Each model is an
ONNX test directory (model.onnx, test_data_set_0 and test_data_set_1 at
two different batch and sequence lengths, outputs computed by PyTorch)
named <family>_o<opset>, plus corpus.json listing, for each model, how
many attentions and losses it holds.

Usage: torch_corpus.py OUTDIR [FAMILY...]
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

warnings.filterwarnings("ignore")
torch.manual_seed(2026)

E, H, V = 32, 4, 64
D = E // H
MAX_POSITIONS = 64
SHAPES = [(2, 12), (3, 7)]  # (batch, sequence) of the two data sets


def heads(x, h=H):
    """[B, S, h D] -> [B, h, S, D]"""
    b, s, _ = x.size()
    return x.view(b, s, h, -1).transpose(1, 2)


def tril_buffer(dtype):
    """The [1, 1, MAX, MAX] lower triangle GPT-style models register."""
    ones = torch.ones(MAX_POSITIONS, MAX_POSITIONS, dtype=dtype)
    return torch.tril(ones).view(1, 1, MAX_POSITIONS, MAX_POSITIONS)


def merge(x):
    """[B, H, S, D] -> [B, S, H D]"""
    b, h, s, d = x.size()
    return x.transpose(1, 2).contiguous().view(b, s, h * d)


# --- attention families ------------------------------------------------

class TorchMHA(nn.Module):
    """nn.MultiheadAttention, sequence first, self-attention."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, H)

    def forward(self, x):  # x [S, B, E]
        return self.mha(x, x, x, need_weights=False)[0]


class TorchMHABatchFirstPadding(nn.Module):
    """nn.MultiheadAttention, batch first, with a key padding mask."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, H, batch_first=True)

    def forward(self, x, pad):  # pad [B, S] bool, True = padding
        return self.mha(x, x, x, key_padding_mask=pad, need_weights=False)[0]


class TorchEncoderLayerCausal(nn.Module):
    """nn.TransformerEncoderLayer with a causal float mask built from the
    length."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(E, H, 2 * E, dropout=0.0,
                                                batch_first=True)

    def forward(self, x):
        s = x.size(1)
        mask = torch.triu(torch.full((s, s), float("-inf")), diagonal=1)
        return self.layer(x, src_mask=mask)


class GPT2Attention(nn.Module):
    """GPT-2 (Hugging Face): packed Conv1D projection split in three, the
    scale from v's size, a causal mask sliced from a registered tril
    buffer, torch.where with the dtype's lowest value."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(E, 3 * E)
        self.c_proj = nn.Linear(E, E)
        self.register_buffer("bias", tril_buffer(torch.bool))

    def forward(self, x):
        q, k, v = self.c_attn(x).split(E, dim=2)
        q, k, v = heads(q), heads(k), heads(v)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        qlen, klen = q.size(-2), k.size(-2)
        causal = self.bias[:, :, klen - qlen:klen, :klen]
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        w = F.softmax(w, dim=-1)
        return self.c_proj(merge(torch.matmul(w, v)))


class NanoGPTAttention(nn.Module):
    """nanoGPT: one Linear, .split, masked_fill(-inf) of a float tril
    buffer compared with 0, scale 1/sqrt(k.size(-1))."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(E, 3 * E)
        self.c_proj = nn.Linear(E, E)
        self.register_buffer("bias", tril_buffer(torch.float32))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(E, dim=2)
        k = k.view(b, t, H, c // H).transpose(1, 2)
        q = q.view(b, t, H, c // H).transpose(1, 2)
        v = v.view(b, t, H, c // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class BertSelfAttention(nn.Module):
    """BERT (Hugging Face): three Linears, heads split by a view of
    size()[:-1] + (H, D), scores / sqrt(D), the extended padding mask
    (1 - m) * lowest added."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(E, E) for _ in range(3))

    def split(self, x):
        shape = x.size()[:-1] + (H, D)
        return x.view(shape).permute(0, 2, 1, 3)

    def forward(self, x, mask):  # mask [B, S] float, 1 = attend
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        ext = (1.0 - mask[:, None, None, :]) * torch.finfo(x.dtype).min
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(D)
        probs = F.softmax(scores + ext, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size()[:-2] + (E,))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class LlamaAttention(nn.Module):
    """Llama: grouped-query heads repeated by expand + reshape, rotary
    embeddings from positions, a causal mask built by triu of the lowest
    value, softmax in float32 with casts around it, scale on the scores."""
    attentions = 1
    KV = 2

    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(E, E, bias=False)
        self.k_proj = nn.Linear(E, self.KV * D, bias=False)
        self.v_proj = nn.Linear(E, self.KV * D, bias=False)
        self.o_proj = nn.Linear(E, E, bias=False)
        inv = 1.0 / (10000 ** (torch.arange(0, D, 2).float() / D))
        self.register_buffer("inv_freq", inv)

    def repeat_kv(self, x, n):
        b, h, s, d = x.shape
        return x[:, :, None, :, :].expand(b, h, n, s, d).reshape(b, h * n, s, d)

    def forward(self, x):
        b, s, _ = x.size()
        q = self.q_proj(x).view(b, s, H, D).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.KV, D).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.KV, D).transpose(1, 2)
        t = torch.arange(s, dtype=torch.float32)
        freqs = torch.outer(t, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = self.repeat_kv(k, H // self.KV), self.repeat_kv(v, H // self.KV)
        mask = torch.full((s, s), torch.finfo(x.dtype).min).triu(1)
        w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D) + mask
        w = F.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        return self.o_proj(merge(torch.matmul(w, v)))


class MistralSlidingAttention(nn.Module):
    """Mistral: grouped-query heads repeated by expand + reshape (repeat_kv;
    PyTorch 1.13 exports repeat_interleave with a Reshape that is wrong for
    dynamic sequence lengths), a sliding-window causal mask of the lowest
    value built from triu and tril and added, the scale on the scores."""
    attentions = 1
    KV, WINDOW = 2, 3

    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(E, E, bias=False)
        self.kv_proj = nn.Linear(E, 2 * self.KV * D, bias=False)

    def forward(self, x):
        b, s, _ = x.size()
        q = self.q_proj(x).view(b, s, H, D).transpose(1, 2)
        k, v = (t.view(b, s, self.KV, D).transpose(1, 2)
                for t in self.kv_proj(x).chunk(2, dim=-1))
        g = H // self.KV
        k, v = (t[:, :, None].expand(b, self.KV, g, s, D).reshape(b, H, s, D)
                for t in (k, v))
        lowest = torch.finfo(x.dtype).min
        full = torch.full((s, s), lowest)
        mask = torch.triu(full, diagonal=1) + torch.tril(full, diagonal=-self.WINDOW)
        w = q @ k.transpose(-2, -1) * D ** -0.5 + mask[None, None]
        return merge(F.softmax(w, dim=-1) @ v)


class GemmaSoftcapAttention(nn.Module):
    """Gemma 2: query scaled before the product, logits soft-capped with
    tanh, a causal bool mask applied with torch.where and the lowest
    value."""
    attentions = 1
    CAP = 50.0

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E, bias=False)

    def forward(self, x):
        s = x.size(1)
        q, k, v = (heads(t) for t in self.qkv(x).chunk(3, dim=-1))
        q = q * D ** -0.5
        w = q @ k.transpose(2, 3)
        w = torch.tanh(w / self.CAP) * self.CAP
        causal = torch.ones(s, s, dtype=torch.bool).tril()
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        return merge(torch.softmax(w, dim=-1) @ v)


class AlibiAttention(nn.Module):
    """ALiBi (BLOOM, MPT): a per-head linear bias of the key distance added
    to the scores, and a causal mask."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E)
        slopes = torch.tensor([2 ** (-8 * (h + 1) / H) for h in range(H)])
        self.register_buffer("slopes", slopes)

    def forward(self, x):
        s = x.size(1)
        q, k, v = (heads(t) for t in self.qkv(x).chunk(3, dim=-1))
        pos = torch.arange(s)
        distance = (pos[None, :] - pos[:, None]).float()
        bias = self.slopes[:, None, None] * distance[None]
        w = q @ k.transpose(-1, -2) / math.sqrt(D) + bias[None]
        causal = pos[None, :] <= pos[:, None]
        w = w.masked_fill(~causal, float("-inf"))
        return merge(w.softmax(dim=-1) @ v)


class FalconMultiQuery(nn.Module):
    """Falcon: multi-query attention, one key/value head broadcast by the
    products themselves (no repetition), a causal bool mask from triu."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, E + 2 * D, bias=False)

    def forward(self, x):
        b, s, _ = x.size()
        q, k, v = self.qkv(x).split([E, D, D], dim=-1)
        q = q.view(b, s, H, D).transpose(1, 2)
        k, v = k.view(b, s, 1, D).transpose(1, 2), v.view(b, s, 1, D).transpose(1, 2)
        future = torch.ones(s, s, dtype=torch.bool).triu(1)
        w = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        w = w.masked_fill(future, float("-inf"))
        return merge(F.softmax(w, dim=-1) @ v)


class BloomBaddbmm(nn.Module):
    """BLOOM: ALiBi added by baddbmm on [B*H, S, D] products (beta 1, alpha
    the scale), the causal mask applied with the lowest value, softmax in
    float32."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E)
        slopes = torch.tensor([2 ** (-8 * (h + 1) / H) for h in range(H)])
        self.register_buffer("slopes", slopes)

    def forward(self, x):
        b, s, _ = x.size()
        q, k, v = (t.view(b, s, H, D).transpose(1, 2).reshape(b * H, s, D)
                   for t in self.qkv(x).chunk(3, dim=-1))
        alibi = (self.slopes[:, None] * torch.arange(s)[None, :].float())  # [H, S]
        alibi = alibi[None].expand(b, H, s).reshape(b * H, 1, s)
        w = torch.baddbmm(alibi, q, k.transpose(1, 2), beta=1.0, alpha=1 / math.sqrt(D))
        w = w.view(b, H, s, s)
        causal = torch.ones(s, s, dtype=torch.bool).tril()
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        p = F.softmax(w, dim=-1, dtype=torch.float32).to(v.dtype).view(b * H, s, s)
        return merge((p @ v).view(b, H, s, D))


class CrossAttention(nn.Module):
    """Encoder-decoder cross-attention: keys of another length, a key
    padding mask applied by masked_fill, the scale on Q first."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(E, E) for _ in range(3))

    def forward(self, x, memory, pad):  # pad [B, Sk] bool, True = attend
        q = heads(self.q(x)) * D ** -0.5
        k, v = heads(self.k(memory)), heads(self.v(memory))
        w = q @ k.transpose(-1, -2)
        w = w.masked_fill(~pad[:, None, None, :], float("-inf"))
        return merge(w.softmax(-1) @ v)


class WindowAttention(nn.Module):
    """Sliding-window causal attention, the mask built from index
    comparisons, combined with a key padding mask."""
    attentions = 1
    WINDOW = 4

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E)

    def forward(self, x, pad):  # pad [B, S] bool, True = attend
        q, k, v = (heads(t) for t in self.qkv(x).chunk(3, dim=-1))
        s = x.size(1)
        i = torch.arange(s)[:, None]
        j = torch.arange(s)[None, :]
        allowed = (j <= i) & (j > i - self.WINDOW)
        allowed = allowed[None, None] & pad[:, None, None, :]
        w = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(D)
        w = w.masked_fill(~allowed, float("-inf"))
        return merge(torch.softmax(w, -1) @ v)


class RelativeBiasAttention(nn.Module):
    """T5-style: no scale, a relative-position bias from an embedding of
    clipped relative distances added to the scores."""
    attentions = 1
    BUCKETS = 9

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E, bias=False)
        self.rel = nn.Embedding(self.BUCKETS, H)

    def forward(self, x):
        q, k, v = (heads(t) for t in self.qkv(x).chunk(3, dim=-1))
        s = x.size(1)
        pos = torch.arange(s)
        rel = (pos[None, :] - pos[:, None]).clamp(-(self.BUCKETS // 2), self.BUCKETS // 2)
        bias = self.rel(rel + self.BUCKETS // 2).permute(2, 0, 1)[None]
        w = q @ k.transpose(-1, -2) + bias
        return merge(F.softmax(w.float(), dim=-1).type_as(w) @ v)


class BatchedHeadsAttention(nn.Module):
    """Heads folded into the batch: [B*H, S, D] products through bmm, the
    scale applied by baddbmm-free multiplication of Q, a causal mask by
    Trilu of ones."""
    attentions = 1

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(E, 3 * E)

    def forward(self, x):
        b, s, _ = x.size()
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        fold = lambda t: t.reshape(b, s, H, D).transpose(1, 2).reshape(b * H, s, D)
        q, k, v = fold(q) * (1.0 / math.sqrt(D)), fold(k), fold(v)
        w = torch.bmm(q, k.transpose(1, 2))
        keep = torch.ones(s, s, dtype=torch.bool).tril()
        w = w.masked_fill(~keep, float("-inf"))
        y = torch.bmm(torch.softmax(w, dim=-1), v)
        return y.reshape(b, H, s, D).transpose(1, 2).reshape(b, s, E)


# --- loss families -----------------------------------------------------

class ClassifierCE(nn.Module):
    """A classifier and F.cross_entropy (mean)."""
    losses = 1
    classifier_losses = 1

    def __init__(self, **kw):
        super().__init__()
        self.head = nn.Linear(E, V)
        self.kw = kw

    def forward(self, h, y):
        return F.cross_entropy(self.head(h), y, **self.kw)


class ClassifierCEIgnoreSum(ClassifierCE):
    """ignore_index, summed (PyTorch 1.13 does not export label
    smoothing)."""

    def __init__(self):
        super().__init__(ignore_index=0, reduction="sum")


class ClassifierCENone(ClassifierCE):
    """Per-token losses (reduction none) with an ignore index."""

    def __init__(self):
        super().__init__(ignore_index=3, reduction="none")


class ShiftedLMLoss(nn.Module):
    """A language-model head without bias and the shifted loss:
    logits[:, :-1], labels[:, 1:], flattened."""
    losses = 1
    classifier_losses = 1

    def __init__(self):
        super().__init__()
        self.lm_head = nn.Linear(E, V, bias=False)

    def forward(self, h, labels):
        logits = self.lm_head(h)
        shift_logits = logits[:, :-1, :].contiguous()
        shift_labels = labels[:, 1:].contiguous()
        return F.cross_entropy(shift_logits.view(-1, shift_logits.size(-1)),
                               shift_labels.view(-1))


class GPTLanguageModel(nn.Module):
    """A whole two-layer GPT: token and position embeddings, pre-LayerNorm
    blocks (causal attention from a registered tril buffer per block, which
    the exporter shares through Identity, and a GELU MLP), a final
    LayerNorm, a head tied to the token embedding and the shifted loss."""
    attentions = 2
    losses = 1
    classifier_losses = 1

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(E), nn.LayerNorm(E)
            self.qkv, self.proj = nn.Linear(E, 3 * E), nn.Linear(E, E)
            self.mlp = nn.Sequential(nn.Linear(E, 4 * E), nn.GELU(), nn.Linear(4 * E, E))
            self.register_buffer("bias", tril_buffer(torch.bool))

        def forward(self, x):
            s = x.size(1)
            q, k, v = (heads(t) for t in self.qkv(self.ln1(x)).split(E, dim=2))
            w = (q @ k.transpose(-2, -1)) / math.sqrt(D)
            w = w.masked_fill(~self.bias[:, :, :s, :s], float("-inf"))
            x = x + self.proj(merge(F.softmax(w, dim=-1) @ v))
            return x + self.mlp(self.ln2(x))

    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, E), nn.Embedding(MAX_POSITIONS, E)
        self.blocks = nn.ModuleList([self.Block(), self.Block()])
        self.ln_f = nn.LayerNorm(E)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.size(1)))
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))


class LabelSmoothingCE(nn.Module):
    """Label smoothing written out (PyTorch 1.13 does not export
    F.cross_entropy's label_smoothing), as timm's
    LabelSmoothingCrossEntropy: (1 - eps) nll + eps * -mean_c log p_c."""
    losses = 1
    EPS = 0.1

    def forward(self, logits, y):
        logp = F.log_softmax(logits, dim=-1)
        nll = -logp.gather(dim=-1, index=y.unsqueeze(1)).squeeze(1)
        smooth = -logp.mean(dim=-1)
        return ((1 - self.EPS) * nll + self.EPS * smooth).mean()


class LogSoftmaxNLL(nn.Module):
    """log_softmax then nll_loss, on logits given as an input."""
    losses = 1

    def forward(self, logits, y):
        return F.nll_loss(F.log_softmax(logits, dim=-1), y)


class GatherNLL(nn.Module):
    """The hand-written -gather(log_softmax).mean()."""
    losses = 1

    def forward(self, logits, y):
        lp = torch.log_softmax(logits, dim=-1)
        return -lp.gather(-1, y.unsqueeze(-1)).squeeze(-1).mean()


class MaskedGatherNLL(nn.Module):
    """The hand-written loss averaged over the tokens a mask keeps."""
    losses = 1

    def forward(self, logits, y, keep):  # keep [N] float
        lp = torch.log_softmax(logits, dim=-1)
        nll = -lp.gather(-1, y.unsqueeze(-1)).squeeze(-1)
        return (nll * keep).sum() / keep.sum()


class ZLoss(nn.Module):
    """Cross-entropy plus a z-loss written with logsumexp."""
    losses = 1

    def forward(self, logits, y):
        z = torch.logsumexp(logits, dim=-1)
        return F.cross_entropy(logits, y) + 1e-4 * (z ** 2).mean()


class TopKRouter(nn.Module):
    """A mixture-of-experts gate: softmax, top-k, renormalized."""
    losses = 1
    EXPERTS, K = 8, 2

    def __init__(self, renormalize=True):
        super().__init__()
        self.gate = nn.Linear(E, self.EXPERTS, bias=False)
        self.renormalize = renormalize

    def forward(self, x):
        probs = F.softmax(self.gate(x), dim=-1)
        w, idx = torch.topk(probs, self.K, dim=-1)
        if self.renormalize:
            w = w / w.sum(dim=-1, keepdim=True)
        return w, idx


class TopKRouterPlain(TopKRouter):
    """The gate without renormalization."""

    def __init__(self):
        super().__init__(renormalize=False)


# --- inputs ------------------------------------------------------------

def hidden(b, s):
    return torch.randn(b, s, E)


def padding(b, s, attend=True, shortest=1):
    """[B, S] bool: True = attend (or = padding with attend=False); each
    row keeps at least its first `shortest` keys."""
    lengths = torch.randint(shortest, s + 1, (b,))
    keep = torch.arange(s)[None, :] < lengths[:, None]
    return keep if attend else ~keep


FAMILIES = {
    # name: (module, inputs(b, s) -> tuple, input names, dynamic axes)
    "torch_mha": (TorchMHA, lambda b, s: (torch.randn(s, b, E),), ["x"],
                  {"x": {0: "seq", 1: "batch"}}),
    "torch_mha_padding": (TorchMHABatchFirstPadding,
                          lambda b, s: (hidden(b, s), padding(b, s, attend=False)),
                          ["x", "pad"], {"x": {0: "batch", 1: "seq"},
                                         "pad": {0: "batch", 1: "seq"}}),
    "encoder_layer_causal": (TorchEncoderLayerCausal, lambda b, s: (hidden(b, s),),
                             ["x"], {"x": {0: "batch", 1: "seq"}}),
    "gpt2": (GPT2Attention, lambda b, s: (hidden(b, s),), ["x"],
             {"x": {0: "batch", 1: "seq"}}),
    "nanogpt": (NanoGPTAttention, lambda b, s: (hidden(b, s),), ["x"],
                {"x": {0: "batch", 1: "seq"}}),
    "bert": (BertSelfAttention,
             lambda b, s: (hidden(b, s), padding(b, s).float()), ["x", "mask"],
             {"x": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"}}),
    "llama_gqa_rope": (LlamaAttention, lambda b, s: (hidden(b, s),), ["x"],
                       {"x": {0: "batch", 1: "seq"}}),
    "cross_attention": (CrossAttention,
                        lambda b, s: (hidden(b, s), hidden(b, s + 3), padding(b, s + 3)),
                        ["x", "memory", "pad"],
                        {"x": {0: "batch", 1: "seq"}, "memory": {0: "batch", 1: "mem"},
                         "pad": {0: "batch", 1: "mem"}}),
    # Keys kept so that every query sees one (PyTorch gives NaN rows where
    # none is, Attic's fused attention 0).
    "window_padding": (WindowAttention,
                       lambda b, s: (hidden(b, s), padding(b, s, shortest=s - 2)),
                       ["x", "pad"], {"x": {0: "batch", 1: "seq"},
                                      "pad": {0: "batch", 1: "seq"}}),
    "mistral_sliding": (MistralSlidingAttention, lambda b, s: (hidden(b, s),), ["x"],
                        {"x": {0: "batch", 1: "seq"}}),
    "gemma_softcap": (GemmaSoftcapAttention, lambda b, s: (hidden(b, s),), ["x"],
                      {"x": {0: "batch", 1: "seq"}}),
    "falcon_mqa": (FalconMultiQuery, lambda b, s: (hidden(b, s),), ["x"],
                   {"x": {0: "batch", 1: "seq"}}),
    "bloom_baddbmm": (BloomBaddbmm, lambda b, s: (hidden(b, s),), ["x"],
                      {"x": {0: "batch", 1: "seq"}}),
    "alibi": (AlibiAttention, lambda b, s: (hidden(b, s),), ["x"],
              {"x": {0: "batch", 1: "seq"}}),
    "relative_bias": (RelativeBiasAttention, lambda b, s: (hidden(b, s),), ["x"],
                      {"x": {0: "batch", 1: "seq"}}),
    "batched_heads": (BatchedHeadsAttention, lambda b, s: (hidden(b, s),), ["x"],
                      {"x": {0: "batch", 1: "seq"}}),
    "classifier_ce": (ClassifierCE,
                      lambda b, s: (torch.randn(b * s, E), torch.randint(0, V, (b * s,))),
                      ["h", "y"], {"h": {0: "n"}, "y": {0: "n"}}),
    "classifier_ce_ignore_sum": (
        ClassifierCEIgnoreSum,
        lambda b, s: (torch.randn(b * s, E), torch.randint(0, 4, (b * s,))),
        ["h", "y"], {"h": {0: "n"}, "y": {0: "n"}}),
    "classifier_ce_none": (
        ClassifierCENone,
        lambda b, s: (torch.randn(b * s, E), torch.randint(0, 6, (b * s,))),
        ["h", "y"], {"h": {0: "n"}, "y": {0: "n"}}),
    "lm_shifted_loss": (ShiftedLMLoss,
                        lambda b, s: (hidden(b, s), torch.randint(0, V, (b, s))),
                        ["h", "labels"], {"h": {0: "batch", 1: "seq"},
                                          "labels": {0: "batch", 1: "seq"}}),
    "gpt_lm": (GPTLanguageModel, lambda b, s: (torch.randint(0, V, (b, s)),), ["ids"],
               {"ids": {0: "batch", 1: "seq"}}),
    "log_softmax_nll": (LogSoftmaxNLL,
                        lambda b, s: (torch.randn(b * s, V), torch.randint(0, V, (b * s,))),
                        ["logits", "y"], {"logits": {0: "n"}, "y": {0: "n"}}),
    "label_smoothing": (LabelSmoothingCE,
                        lambda b, s: (torch.randn(b * s, V), torch.randint(0, V, (b * s,))),
                        ["logits", "y"], {"logits": {0: "n"}, "y": {0: "n"}}),
    "gather_nll": (GatherNLL,
                   lambda b, s: (torch.randn(b * s, V), torch.randint(0, V, (b * s,))),
                   ["logits", "y"], {"logits": {0: "n"}, "y": {0: "n"}}),
    "gather_nll_masked": (
        MaskedGatherNLL,
        lambda b, s: (torch.randn(b * s, V), torch.randint(0, V, (b * s,)),
                      (torch.rand(b * s) > 0.3).float()),
        ["logits", "y", "keep"], {"logits": {0: "n"}, "y": {0: "n"}, "keep": {0: "n"}}),
    "z_loss": (ZLoss,
               lambda b, s: (torch.randn(b * s, V), torch.randint(0, V, (b * s,))),
               ["logits", "y"], {"logits": {0: "n"}, "y": {0: "n"}}),
    "topk_router": (TopKRouter, lambda b, s: (hidden(b, s),), ["x"],
                    {"x": {0: "batch", 1: "seq"}}),
    "topk_router_plain": (TopKRouterPlain, lambda b, s: (hidden(b, s),), ["x"],
                          {"x": {0: "batch", 1: "seq"}}),
}

OPSETS = (14, 17)


def export(name, opset, out):
    make, inputs, names, axes = FAMILIES[name]
    torch.manual_seed(hash(name) % 1000)
    module = make().eval()
    data = [inputs(b, s) for b, s in SHAPES]
    with torch.no_grad():
        results = [module(*d) for d in data]
    outputs = ["out"] if not isinstance(results[0], tuple) else \
        [f"out_{i}" for i in range(len(results[0]))]
    dynamic = dict(axes)
    for o in outputs:
        dynamic[o] = {}
    directory = os.path.join(out, f"{name}_o{opset}")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "model.onnx")
    torch.onnx.export(module, data[0], path, input_names=names,
                      output_names=outputs, dynamic_axes=axes,
                      opset_version=opset, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    for i, (d, r) in enumerate(zip(data, results)):
        folder = os.path.join(directory, f"test_data_set_{i}")
        os.makedirs(folder, exist_ok=True)
        for j, (n, t) in enumerate(zip(names, d)):
            write_tensor(os.path.join(folder, f"input_{j}.pb"), n, t)
        for j, (n, t) in enumerate(zip(outputs, r if isinstance(r, tuple) else (r,))):
            write_tensor(os.path.join(folder, f"output_{j}.pb"), n, t)
    cls = make
    return {"attentions": getattr(cls, "attentions", 0),
            "losses": getattr(cls, "losses", 0),
            "classifier_losses": getattr(cls, "classifier_losses", 0)}


def write_tensor(path, name, t):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(t.numpy(), name).SerializeToString())


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(FAMILIES)
    path = os.path.join(out, "corpus.json")
    listing = json.load(open(path)) if os.path.exists(path) else {}
    for name in names:
        for opset in OPSETS:
            listing[f"{name}_o{opset}"] = export(name, opset, out)
    with open(path, "w") as f:
        json.dump(listing, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
