#!/usr/bin/python3
"""PyTorch side of the decoding benchmark: the same transformer (weights read
from a tandem model file with h5py), its own KV cache, batched beam search and
greedy decoding with every hypothesis forced to OUT_LEN tokens, as
bench/bench_decode.cc does. One configuration per process.

usage: torch_decode.py MODEL.h5 INPUT.txt BEAM BATCH THREADS OUT_LEN [MAX_SENTENCES]
prints: sentences, seconds, sentences/s, generated tok/s, peak RSS MB (tab-separated)
"""
import math
import resource
import sys
import time

import h5py
import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F
import yaml


def load(path):
    with h5py.File(path, "r") as f:
        cfg = yaml.safe_load(f["config"][()].decode())["model"]
        params = {}
        f["params"].visititems(lambda n, o: params.__setitem__(n, torch.from_numpy(o[()])) if isinstance(o, h5py.Dataset) else None)
        vocab = bytes(f["vocab/src"][()])
    return cfg, params, vocab


class Model:
    def __init__(self, cfg, p):
        self.c, self.p = cfg, p
        self.d, self.h = cfg["d_model"], cfg["heads"]
        self.src_embed = p["encoder/embed_tokens/weight"]
        self.tgt_embed = p.get("decoder/embed_tokens/weight", self.src_embed)
        self.out_proj = p.get("decoder/output_projection/weight", self.tgt_embed)
        n = cfg["max_positions"]
        pe = torch.zeros(n, self.d)
        pos = torch.arange(n, dtype=torch.float64)[:, None]
        for i in range(0, self.d, 2):
            a = pos[:, 0] / (10000.0 ** (i / self.d))
            pe[:, i] = torch.sin(a).float()
            if i + 1 < self.d:
                pe[:, i + 1] = torch.cos(a).float()
        self.pe = pe

    def lin(self, x, n):
        return F.linear(x, self.p[n + "/weight"], self.p.get(n + "/bias"))

    def ln(self, x, n):
        return F.layer_norm(x, (self.d,), self.p[n + "/weight"], self.p[n + "/bias"], 1e-5)

    def heads(self, x):
        b, l, _ = x.shape
        return x.view(b, l, self.h, self.d // self.h).transpose(1, 2)

    def attend(self, q, k, v, mask=None):
        s = q @ k.transpose(-1, -2) / math.sqrt(self.d // self.h)
        if mask is not None:
            s = s.masked_fill(mask, float("-inf"))
        out = s.softmax(-1) @ v
        b, h, l, dh = out.shape
        return out.transpose(1, 2).reshape(b, l, h * dh)

    def ffn(self, x, p):
        act = F.relu if self.c["ffn_activation"] == "relu" else F.gelu
        return self.lin(act(self.lin(x, p + "/fc1")), p + "/fc2")

    def sub(self, x, norm, f):
        if self.c["norm"] == "pre":
            return x + f(self.ln(x, norm))
        return self.ln(x + f(x), norm)

    def encode(self, src, pad_mask):
        x = self.src_embed[src] * math.sqrt(self.d) + self.pe[: src.shape[1]]
        mask = pad_mask[:, None, None, :]
        for i in range(self.c["encoder_layers"]):
            p = f"encoder/layers/{i}"
            def sa(a):
                return self.lin(self.attend(self.heads(self.lin(a, p + "/self_attn/q_proj")),
                                            self.heads(self.lin(a, p + "/self_attn/k_proj")),
                                            self.heads(self.lin(a, p + "/self_attn/v_proj")), mask), p + "/self_attn/out_proj")
            x = self.sub(x, p + "/self_attn_layer_norm", sa)
            x = self.sub(x, p + "/final_layer_norm", lambda a: self.ffn(a, p))
        return self.ln(x, "encoder/layer_norm") if self.c["norm"] == "pre" else x

    def start(self, memory, capacity):
        # Keys/values preallocated for every step (written in place, attended
        # over their filled prefix); the self-attention projections fused into
        # one [3d, d] product per layer.
        cache = []
        rows, dh = memory.shape[0], self.d // self.h
        for i in range(self.c["decoder_layers"]):
            p = f"decoder/layers/{i}"
            if p + "/qkv" not in self.p:
                names = [p + f"/self_attn/{x}_proj" for x in "qkv"]
                self.p[p + "/qkv/weight"] = torch.cat([self.p[n + "/weight"] for n in names])
                if names[0] + "/bias" in self.p:
                    self.p[p + "/qkv/bias"] = torch.cat([self.p[n + "/bias"] for n in names])
                self.p[p + "/qkv"] = True
            cache.append({"k": torch.empty(rows, self.h, capacity, dh),
                          "v": torch.empty(rows, self.h, capacity, dh),
                          "ck": self.heads(self.lin(memory, p + "/encoder_attn/k_proj")),
                          "cv": self.heads(self.lin(memory, p + "/encoder_attn/v_proj"))})
        return cache

    def step(self, tokens, t, cache, src_mask):
        x = self.tgt_embed[tokens][:, None, :] * math.sqrt(self.d) + self.pe[t]
        for i, c in enumerate(cache):
            p = f"decoder/layers/{i}"
            def sa(a):
                q, k, v = self.lin(a, p + "/qkv").split(self.d, -1)
                c["k"][:, :, t] = self.heads(k)[:, :, 0]
                c["v"][:, :, t] = self.heads(v)[:, :, 0]
                return self.lin(self.attend(self.heads(q), c["k"][:, :, : t + 1], c["v"][:, :, : t + 1]),
                                p + "/self_attn/out_proj")
            def ca(a):
                return self.lin(self.attend(self.heads(self.lin(a, p + "/encoder_attn/q_proj")), c["ck"], c["cv"],
                                            src_mask[:, None, None, :]), p + "/encoder_attn/out_proj")
            x = self.sub(x, p + "/self_attn_layer_norm", sa)
            x = self.sub(x, p + "/encoder_attn_layer_norm", ca)
            x = self.sub(x, p + "/final_layer_norm", lambda a: self.ffn(a, p))
        if self.c["norm"] == "pre":
            x = self.ln(x, "decoder/layer_norm")
        return F.linear(x[:, 0], self.out_proj).log_softmax(-1)


def decode(model, batch, beam, out_len, pad, bos, eos):
    n = len(batch)
    src = torch.full((n, max(map(len, batch))), pad)
    for i, s in enumerate(batch):
        src[i, : len(s)] = torch.tensor(s)
    mask = src == pad
    memory = model.encode(src, mask)
    # Beams as rows: sentence i owns rows i*beam .. i*beam+beam-1.
    memory = memory.repeat_interleave(beam, 0)
    mask = mask.repeat_interleave(beam, 0)
    cache = model.start(memory, out_len + 1)
    scores = torch.zeros(n, beam)
    scores[:, 1:] = float("-inf")  # start from one live hypothesis per sentence
    tokens = torch.full((n * beam,), bos)
    for t in range(out_len + 1):
        logp = model.step(tokens, t, cache, mask)
        logp[:, pad] = logp[:, bos] = float("-inf")
        if t < out_len:
            logp[:, eos] = float("-inf")  # fixed length, as in the C++ benchmark
        else:
            keep = logp[:, eos].clone()
            logp.fill_(float("-inf"))
            logp[:, eos] = keep
        vocab = logp.shape[1]
        cand = (scores.view(-1, 1) + logp).view(n, beam * vocab)
        scores, idx = cand.topk(beam, dim=1)
        parent = (idx // vocab) + torch.arange(n)[:, None] * beam
        tokens = (idx % vocab).view(-1)
        if beam > 1:  # only the filled prefix moves
            rows = parent.view(-1)
            for c in cache:
                c["k"][:, :, : t + 1] = c["k"][rows, :, : t + 1]
                c["v"][:, :, : t + 1] = c["v"][rows, :, : t + 1]
    return n * (out_len + 1)


def main():
    path, inp, beam, batch, threads, out_len = sys.argv[1:7]
    beam, batch, threads, out_len = int(beam), int(batch), int(threads), int(out_len)
    torch.set_num_threads(threads)
    cfg, params, vocab = load(path)
    sp = spm.SentencePieceProcessor(model_proto=vocab)
    lines = [l.rstrip("\n") for l in open(inp, encoding="utf-8")]
    if len(sys.argv) > 7:
        lines = lines[: int(sys.argv[7])]
    sources = [sp.encode(l) + [sp.eos_id()] for l in lines]
    model = Model(cfg, params)
    generated = 0
    start = time.time()
    with torch.inference_mode():
        for i in range(0, len(sources), batch):
            generated += decode(model, sources[i:i + batch], beam, out_len, sp.pad_id(), sp.bos_id(), sp.eos_id())
    seconds = time.time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(sources)}\t{seconds:.2f}\t{len(sources) / seconds:.1f}\t{generated / seconds:.0f}\t{rss:.0f}")


if __name__ == "__main__":
    main()
