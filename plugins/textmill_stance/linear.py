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
        clear_sentence_cache()
        out = np.zeros((len(items), len(LABELS)))
        for k, item in enumerate(items):
            logits = self.bias.copy()
            for name, value in features(item, self.lex).items():
                i = self.index.get(name)
                if i is not None:
                    logits += value * self.weights[i]
            e = np.exp(logits - logits.max())
            out[k] = e / e.sum()
        clear_sentence_cache()
        return out

    def score(self, items: Sequence[Item]) -> list[Scored]:
        """Score in [-1, 1] and label for each item."""
        return [Scored(float(p[2] - p[0]), LABELS[int(p.argmax())])
                for p in self.probabilities(items)]

