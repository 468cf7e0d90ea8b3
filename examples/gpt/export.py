#!/usr/bin/python3
"""A small but complete GPT-style language model, exported to ONNX the way
users export theirs: torch.onnx.export with dynamic batch and sequence
axes. Token and position embeddings, pre-LayerNorm blocks of causal
multi-head attention (a registered tril buffer sliced to the sequence, as
GPT-2 writes it) and a GELU MLP, a final LayerNorm and a head tied to the
token embedding, trained with the shifted language-model loss:
cross_entropy(logits[:, :-1], ids[:, 1:]). The model's one output is the
loss.

Writes OUT/model.onnx, OUT/test_data_set_0 (input ids and the loss PyTorch
computes, for attic-onnx run) and OUT/ort/ (the same inputs as raw data
with a manifest, for ort_time.js).

Usage: export.py OUT [--batch=B] [--seq=S]   (needs python3-torch)
"""

import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

VOCAB, DIM, HEADS, LAYERS, MAX_POSITIONS = 32000, 64, 4, 2, 1024


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        tril = torch.tril(torch.ones(MAX_POSITIONS, MAX_POSITIONS, dtype=torch.bool))
        self.register_buffer("bias", tril.view(1, 1, MAX_POSITIONS, MAX_POSITIONS))

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.qkv(x).split(DIM, dim=2)
        q, k, v = (t.view(b, s, HEADS, DIM // HEADS).transpose(1, 2) for t in (q, k, v))
        w = q @ k.transpose(-2, -1) / math.sqrt(DIM // HEADS)
        w = w.masked_fill(~self.bias[:, :, :s, :s], float("-inf"))
        y = F.softmax(w, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, s, DIM))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.attn = CausalSelfAttention()
        self.mlp = nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, DIM)
        self.wpe = nn.Embedding(MAX_POSITIONS, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln_f = nn.LayerNorm(DIM)
        for p in self.parameters():  # GPT-2's initialization
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1])
        x = self.wte(ids) + self.wpe(pos)
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()  # the tied head
        return F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), ids[:, 1:].reshape(-1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seq", type=int, default=128)
    args = parser.parse_args()
    os.makedirs(os.path.join(args.out, "test_data_set_0"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "ort"), exist_ok=True)
    torch.manual_seed(0)
    model = GPT().eval()
    ids = torch.randint(0, VOCAB, (args.batch, args.seq))
    with torch.no_grad():
        loss = model(ids)
        torch.onnx.export(model, (ids,), os.path.join(args.out, "model.onnx"),
                          input_names=["input_ids"], output_names=["loss"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}},
                          opset_version=17)
    data = os.path.join(args.out, "test_data_set_0")
    for name, array in (("input_0", ids.numpy()), ("output_0", loss.numpy())):
        with open(os.path.join(data, name + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(array)).SerializeToString())
    ids.numpy().astype(np.int64).tofile(os.path.join(args.out, "ort", "0.bin"))
    with open(os.path.join(args.out, "ort", "manifest.json"), "w") as f:
        json.dump({"inputs": [{"name": "input_ids", "type": "int64",
                               "dims": list(ids.shape), "file": "0.bin"}]}, f)
    print(f"wrote {args.out}/model.onnx ({sum(p.numel() for p in model.parameters())} "
          f"parameters; loss {loss.item():.4f} on ids {list(ids.shape)})")


if __name__ == "__main__":
    main()
