"""The accurate scorer: fine-tuned MiniLM over the sentence with the target marked."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from .items import LABELS, Item, Scored
from .minilm import MiniLMModel


class MiniLMScorer:
    """Probabilities over against/neutral/favor; score = P(favor) - P(against)."""

    name = "minilm"

    def __init__(self, *, batch_size: int = 32) -> None:
        delta = resources.files("textmill_stance").joinpath("data", "minilm_stance.npz")
        with resources.as_file(delta) as path:
            self.model = MiniLMModel(path)
        self.batch_size = batch_size

    def score(self, items: Sequence[Item]) -> list[Scored]:
        """Score in [-1, 1] and label for each item."""
        rows = []
        for item in items:
            base = item.sent.start_char
            rows.append((item.sent.text, item.target.start_char - base,
                         item.target.end_char - base))
        probs = self.model.predict(rows, batch=self.batch_size)
        return [Scored(float(p[2] - p[0]), LABELS[int(p.argmax())]) for p in probs]
