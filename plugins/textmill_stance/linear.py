"""The default scorer: multinomial logistic regression over target-aware sparse features.

Weights (``data/linear.npz``) are trained on NewsMTSC (Hamborg & Donnay, EACL 2021, MIT) by
``tests/eval/train_stance.py``; only numpy is needed at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from importlib import resources
from pathlib import Path

import numpy as np

from .features import features
from .items import LABELS, Item, Scored
from .lexicon import clear_sentence_cache, load_lexicons


class LinearScorer:
    """Probabilities over against/neutral/favor; score = P(favor) - P(against)."""

    name = "linear"

    def __init__(self, weights: str | Path | None = None) -> None:
        self.lex = load_lexicons()
        packaged = resources.files("textmill_stance").joinpath("data", "linear.npz")
        with (resources.as_file(packaged) if weights is None else nullcontext(Path(weights))) as p:
            with np.load(p) as data:
                names = [str(n) for n in data["vocab"]]
                self.weights = data["W"].astype(np.float64)
                self.bias = data["b"].astype(np.float64)
        self.index = {name: i for i, name in enumerate(names)}

    def probabilities(self, items: Sequence[Item]) -> np.ndarray:
        """(n, 3) probabilities in LABELS order."""
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        index = self.index
        for k, item in enumerate(items):
            for name, value in features(item, self.lex).items():
                i = index.get(name)
                if i is not None:
                    rows.append(k)
                    cols.append(i)
                    values.append(value)
        clear_sentence_cache()
        logits = np.tile(self.bias, (len(items), 1))
        # Unbuffered adds in feature order: the same sums, bit for bit, as one item at a time.
        np.add.at(logits, np.asarray(rows, dtype=np.intp),
                  np.asarray(values)[:, None] * self.weights[np.asarray(cols, dtype=np.intp)])
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def score(self, items: Sequence[Item]) -> list[Scored]:
        """Score in [-1, 1] and label for each item."""
        return [Scored(float(p[2] - p[0]), LABELS[int(p.argmax())])
                for p in self.probabilities(items)]

