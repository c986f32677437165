#!/usr/bin/env python3
"""The PyTorch reference for mbench's training-step benchmark (scripts/bench-native-train.ts runs both).

One MLM pretraining step of the same BERT-style encoder mbench builds (src/model): post-LayerNorm layers,
bert = learned positions + GELU MLP + attention dropout 0.1; mosaic = ALiBi (slopes 2^(-8h/H), symmetric |i-j|)
+ GeGLU (gelu(x·Wg) ⊙ x·Wv, no bias) + unpadding (linear layers on real tokens only, re-padded around the
attention core) + no attention dropout. Hidden dropout 0.1. The MLM head (dense + GELU + LayerNorm, decoder
tied to the word embeddings) runs on masked tokens only; AdamW lr 5e-4, betas (0.9, 0.98), eps 1e-6, wd 1e-5.
Synthetic token ids; rows of random length when --fill < 1 (fill = mean fraction of real positions).

Prints one JSON line: {"msPerStep": median, "tokensPerSecond": real tokens / median step, ...}.
Debian's python3-torch (1.13) is enough: /usr/bin/python3 scripts/bench-native-torch.py --size tiny.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

SIZES = {"tiny": (2, 128, 2, 512), "mini": (4, 256, 4, 1024), "small": (4, 512, 8, 2048)}


def alibi_bias(heads, seq):
    """[heads, seq, seq]: −m_h·|i − j| with m_h = 2^(−8h/H) (heads a power of two)."""
    slopes = torch.tensor([2 ** (-8 * (h + 1) / heads) for h in range(heads)])
    pos = torch.arange(seq)
    dist = (pos[None, :] - pos[:, None]).abs().float()
    return -slopes[:, None, None] * dist


class Layer(torch.nn.Module):
    def __init__(self, hidden, heads, inter, geglu, attn_dropout):
        super().__init__()
        self.heads, self.geglu, self.attn_dropout = heads, geglu, attn_dropout
        self.q, self.k, self.v, self.o = (torch.nn.Linear(hidden, hidden) for _ in range(4))
        self.ln1, self.ln2 = torch.nn.LayerNorm(hidden, eps=1e-12), torch.nn.LayerNorm(hidden, eps=1e-12)
        if geglu:
            self.wg = torch.nn.Linear(hidden, inter, bias=False)
            self.wv = torch.nn.Linear(hidden, inter, bias=False)
        else:
            self.w1 = torch.nn.Linear(hidden, inter)
        self.w2 = torch.nn.Linear(inter, hidden)

    def forward(self, x, bias, batch, seq, real):
        # x: [N, H] rows (all B·T rows, or the real tokens only when `real` is given).
        hidden = x.shape[1]
        d = hidden // self.heads

        def padded(t):
            if real is None:
                return t
            out = t.new_zeros(batch * seq, hidden)
            return out.index_copy(0, real, t)

        def heads(t):  # [B·T, H] → [B, h, T, d]
            return t.view(batch, seq, self.heads, d).transpose(1, 2)

        q, k, v = heads(padded(self.q(x))), heads(padded(self.k(x))), heads(padded(self.v(x)))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        probs = F.dropout(scores.softmax(-1), self.attn_dropout, self.training)
        ctx = (probs @ v).transpose(1, 2).reshape(batch * seq, hidden)
        if real is not None:
            ctx = ctx.index_select(0, real)
        x = self.ln1(x + F.dropout(self.o(ctx), 0.1, self.training))
        if self.geglu:
            ff = self.w2(F.gelu(self.wg(x), approximate="tanh") * self.wv(x))
        else:
            ff = self.w2(F.gelu(self.w1(x), approximate="tanh"))
        return self.ln2(x + F.dropout(ff, 0.1, self.training))


class Encoder(torch.nn.Module):
    def __init__(self, recipe, size, vocab, seq):
        super().__init__()
        layers, hidden, heads, inter = SIZES[size]
        mosaic = recipe == "mosaic"
        self.mosaic, self.heads, self.seq = mosaic, heads, seq
        self.word = torch.nn.Embedding(vocab, hidden)
        self.pos = None if mosaic else torch.nn.Embedding(seq, hidden)
        self.token_type = torch.nn.Embedding(2, hidden)
        self.ln = torch.nn.LayerNorm(hidden, eps=1e-12)
        self.layers = torch.nn.ModuleList(Layer(hidden, heads, inter, mosaic, 0.0 if mosaic else 0.1) for _ in range(layers))
        self.head = torch.nn.Linear(hidden, hidden)
        self.head_ln = torch.nn.LayerNorm(hidden, eps=1e-12)
        self.head_bias = torch.nn.Parameter(torch.zeros(vocab))
        self.register_buffer("alibi", alibi_bias(heads, seq) if mosaic else torch.zeros(heads, seq, seq))

    def forward(self, ids, mask, labels, unpad):
        batch, seq = ids.shape
        x = self.word(ids) + self.token_type(torch.zeros_like(ids))
        if self.pos is not None:
            x = x + self.pos(torch.arange(seq))[None]
        x = F.dropout(self.ln(x), 0.1, self.training).reshape(batch * seq, -1)
        bias = self.alibi[None] + (1.0 - mask[:, None, None, :].float()) * -1e4  # [B, h, T, T]
        real = mask.reshape(-1).nonzero().squeeze(1) if unpad else None
        if real is not None:
            x = x.index_select(0, real)
        for layer in self.layers:
            x = layer(x, bias, batch, seq, real)
        flat_labels = labels.reshape(-1) if real is None else labels.reshape(-1).index_select(0, real)
        picked = (flat_labels >= 0).nonzero().squeeze(1)
        h = self.head_ln(F.gelu(self.head(x.index_select(0, picked)), approximate="tanh"))
        logits = h @ self.word.weight.t() + self.head_bias
        return F.cross_entropy(logits, flat_labels.index_select(0, picked))


def make_batch(gen, batch, seq, vocab, fill, mask_ratio):
    low = 2 * fill - 1  # lengths uniform in [low, 1] × seq: mean fill
    lengths = ((low + (1 - low) * torch.rand(batch, generator=gen)) * seq).long().clamp(min=2, max=seq)
    pos = torch.arange(seq)[None]
    mask = (pos < lengths[:, None]).long()
    ids = torch.randint(5, vocab, (batch, seq), generator=gen) * mask
    chosen = (torch.rand(batch, seq, generator=gen) < mask_ratio) & (mask > 0)
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    return ids, mask, labels, int(mask.sum())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--recipe", choices=["bert", "mosaic"], default="mosaic")
    p.add_argument("--size", choices=list(SIZES), default="tiny")
    p.add_argument("--vocab", type=int, default=4096)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--fill", type=float, default=1.0)
    p.add_argument("--mask-ratio", type=float, default=0.15)
    p.add_argument("--unpad", choices=["auto", "true", "false"], default="auto", help="auto: the recipe's choice (mosaic unpads)")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: all cores)")
    a = p.parse_args()
    import os
    torch.set_num_threads(a.threads or os.cpu_count())
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(1)
    unpad = a.recipe == "mosaic" if a.unpad == "auto" else a.unpad == "true"
    model = Encoder(a.recipe, a.size, a.vocab, a.seq)
    for name, param in model.named_parameters():  # BERT's initialisation: N(0, 0.02) weights, zero biases
        if param.dim() >= 2:
            torch.nn.init.normal_(param, std=0.02)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, betas=(0.9, 0.98), eps=1e-6, weight_decay=1e-5)
    times, cpu, tokens = [], [], []
    for step in range(a.warmup_steps + a.steps):
        ids, mask, labels, real = make_batch(gen, a.batch, a.seq, a.vocab, a.fill, a.mask_ratio)
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        loss = model(ids, mask, labels, unpad)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if step >= a.warmup_steps:
            times.append(dt)
            cpu.append(dc)
            tokens.append(real)
    ms = statistics.median(times) * 1000
    print(json.dumps({
        "framework": f"torch {torch.__version__}", "threads": torch.get_num_threads(), "recipe": a.recipe, "size": a.size,
        "unpad": unpad, "fill": a.fill, "msPerStep": round(ms, 2), "minMs": round(min(times) * 1000, 2),
        "cpuMsPerStep": round(statistics.median(cpu) * 1000, 2),
        "tokensPerSecond": round(statistics.median(tokens) / (ms / 1000), 1), "loss": float(loss),
    }))


if __name__ == "__main__":
    main()
