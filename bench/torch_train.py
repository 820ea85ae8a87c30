#!/usr/bin/python3
"""PyTorch side of the training benchmark: the same transformer-small,
the same batches (written by bench_train), label smoothing 0.1, dropout 0.1,
clipping at 1.0 and Adam, one update per batch.

usage: torch_train.py BATCHES.txt VOCAB_SIZE THREADS
prints: updates, seconds, target tok/s, source+target tok/s, peak RSS MB
"""
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2


class Layer(nn.Module):
    def __init__(self, d, h, f, cross):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, h, dropout=0.0, batch_first=True)
        self.cross = nn.MultiheadAttention(d, h, dropout=0.0, batch_first=True) if cross else None
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(3 if cross else 2))
        self.fc1, self.fc2 = nn.Linear(d, f), nn.Linear(f, d)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, pad_mask, memory=None, mem_mask=None, causal=None):
        a = self.norms[0](x)
        x = x + self.drop(self.self_attn(a, a, a, key_padding_mask=pad_mask, attn_mask=causal, need_weights=False)[0])
        if self.cross is not None:
            a = self.norms[1](x)
            x = x + self.drop(self.cross(a, memory, memory, key_padding_mask=mem_mask, need_weights=False)[0])
        a = self.norms[-1](x)
        return x + self.drop(self.fc2(F.relu(self.fc1(a))))


class Model(nn.Module):
    def __init__(self, vocab, d=256, h=4, f=1024, layers=3):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(vocab, d, padding_idx=PAD)
        self.enc = nn.ModuleList(Layer(d, h, f, False) for _ in range(layers))
        self.dec = nn.ModuleList(Layer(d, h, f, True) for _ in range(layers))
        self.enc_norm, self.dec_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.drop = nn.Dropout(0.1)
        pe = torch.zeros(1024, d)
        pos = torch.arange(1024).float()[:, None]
        div = torch.pow(10000.0, torch.arange(0, d, 2).float() / d)
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos / div), torch.cos(pos / div)
        self.register_buffer("pe", pe)

    def forward(self, src, tgt_in):
        sm, tm = src == PAD, tgt_in == PAD
        x = self.drop(self.embed(src) * math.sqrt(self.d) + self.pe[: src.shape[1]])
        for l in self.enc:
            x = l(x, sm)
        memory = self.enc_norm(x)
        t = tgt_in.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        y = self.drop(self.embed(tgt_in) * math.sqrt(self.d) + self.pe[:t])
        for l in self.dec:
            y = l(y, tm, memory, sm, causal)
        return self.dec_norm(y) @ self.embed.weight.T


def read_batches(path):
    batches, cur = [], []
    for line in open(path):
        line = line.strip()
        if not line:
            if cur:
                batches.append(cur)
            cur = []
            continue
        s, t = line.split("|||")
        cur.append(([int(x) for x in s.split()], [int(x) for x in t.split()]))
    if cur:
        batches.append(cur)
    return batches


def pad(rows):
    out = torch.full((len(rows), max(map(len, rows))), PAD)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


def main():
    path, vocab, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # "bf16": CPU autocast to bfloat16 (PyTorch's own mixed precision: matmuls
    # in bf16, fp32 master weights), the like-for-like peer of train.precision: bf16.
    bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    batches = [(pad([s for s, _ in b]), pad([[BOS] + t for _, t in b]), pad([t + [EOS] for _, t in b]))
               for b in read_batches(path)]
    model = Model(vocab)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.98), eps=1e-9)

    def update(src, tin, tout):
        opt.zero_grad()
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(src, tin)
            loss = F.cross_entropy(logits.reshape(-1, vocab).float(), tout.reshape(-1), ignore_index=PAD,
                                   label_smoothing=0.1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for b in batches[:3]:
        update(*b)  # warm-up, untimed (the timed batches follow, as in bench_train)
    tgt = sum(int((b[2] != PAD).sum()) for b in batches)
    src = sum(int((b[0] != PAD).sum()) for b in batches)
    start = time.time()
    for b in batches:
        update(*b)
    seconds = time.time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(batches)}\t{seconds:.2f}\t{tgt / seconds:.0f}\t{(src + tgt) / seconds:.0f}\t{rss:.0f}")


if __name__ == "__main__":
    main()
