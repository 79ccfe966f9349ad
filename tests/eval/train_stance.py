"""Reproduce plugins/textmill_stance/data/linear.npz: the default (linear) stance scorer.

    .venv/bin/python tests/eval/train_stance.py /work/shared/data/newsmtsc/train.jsonl \
        [--dev /work/shared/data/newsmtsc/rw_dev.jsonl ...] [--l2 3e-4] [--min-count 2]

NewsMTSC (Hamborg & Donnay, EACL 2021; MIT licence) is read by path, never copied. Sentences are
parsed with the pipeline's model, features come from textmill_stance.features (the same code the
step runs), and a multinomial logistic regression is fitted with numpy (full-batch Adam).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from textmill.models import load_model
from textmill_stance.features import features
from textmill_stance.items import LABELS, Item
from textmill_stance.lexicon import load_lexicons

OUT = Path(__file__).resolve().parents[2] / "plugins/textmill_stance/data/linear.npz"


def featurize(path: str, nlp: object) -> tuple[list[dict[str, float]], np.ndarray]:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    lex = load_lexicons()
    feats = []
    texts = (r["text"] for r in rows)
    for doc, r in zip(nlp.pipe(texts), rows, strict=True):  # type: ignore[attr-defined]
        target = doc.char_span(r["target_start"], r["target_end"], alignment_mode="expand")
        feats.append(features(Item(target.sent, target), lex))
    return feats, np.array([LABELS.index(r["label"]) for r in rows])


def matrix(feats: list[dict[str, float]], index: dict[str, int]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for name, v in f.items():
            if name in index and v:
                rows.append(r)
                cols.append(index[name])
                vals.append(v)
    return np.array(rows), np.array(cols), np.array(vals, dtype=np.float64)


def logits(x: tuple[np.ndarray, np.ndarray, np.ndarray], n: int, w: np.ndarray,
           b: np.ndarray) -> np.ndarray:
    rows, cols, vals = x
    out = np.tile(b, (n, 1))
    np.add.at(out, rows, vals[:, None] * w[cols])
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def fit(x: tuple, y: np.ndarray, n_feat: int, *, l2: float, steps: int, lr: float
        ) -> tuple[np.ndarray, np.ndarray]:
    rows, cols, vals = x
    n = len(y)
    onehot = np.eye(len(LABELS))[y]
    w = np.zeros((n_feat, len(LABELS)))
    b = np.zeros(len(LABELS))
    m_w, v_w, m_b, v_b = (np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b))
    for t in range(1, steps + 1):
        g = (softmax(logits(x, n, w, b)) - onehot) / n
        gw = np.zeros_like(w)
        np.add.at(gw, cols, vals[:, None] * g[rows])
        gw += l2 * w
        gb = g.sum(0)
        for p, gr, m, v in ((w, gw, m_w, v_w), (b, gb, m_b, v_b)):
            m *= 0.9
            m += 0.1 * gr
            v *= 0.999
            v += 0.001 * gr * gr
            p -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def macro_f1(pred: np.ndarray, gold: np.ndarray) -> float:
    f1s = []
    for c in range(len(LABELS)):
        tp = int(((pred == c) & (gold == c)).sum())
        fp = int(((pred == c) & (gold != c)).sum())
        fn = int(((pred != c) & (gold == c)).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train")
    ap.add_argument("--dev", action="append", default=[])
    ap.add_argument("--l2", type=float, default=3e-4)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--model", default="en_core_web_sm")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    t0 = time.time()
    nlp = load_model(args.model, {"parser", "lemmatizer", "ner"})
    feats, y = featurize(args.train, nlp)
    devs = [(Path(p).stem, *featurize(p, nlp)) for p in args.dev]
    counts = Counter(name for f in feats for name in f)
    vocab = sorted(name for name, c in counts.items() if c >= args.min_count)
    index = {name: i for i, name in enumerate(vocab)}
    print(f"{len(feats)} examples, {len(vocab)} features ({time.time() - t0:.0f}s)", flush=True)
    w, b = fit(matrix(feats, index), y, len(vocab), l2=args.l2, steps=args.steps, lr=args.lr)
    for name, d_feats, d_y in devs:
        pred = logits(matrix(d_feats, index), len(d_y), w, b).argmax(1)
        print(f"{name}: macro-F1 {macro_f1(pred, d_y):.3f}")
    keep = np.abs(w).max(1) > 1e-4
    np.savez_compressed(args.out, vocab=np.array(vocab)[keep], W=w[keep].astype(np.float32),
                        b=b.astype(np.float32))
    print(f"wrote {args.out}: {int(keep.sum())} features, "
          f"{Path(args.out).stat().st_size / 1e6:.2f} MB ({time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
