"""What scorers receive and return (pure data; spaCy objects are only referenced)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.tokens import Span

LABELS = ("against", "neutral", "favor")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to score: the stance of ``sent`` (or of ``holder`` in it) toward ``target``."""

    sent: Span
    target: Span
    holder: Span | None = None


class Scored(NamedTuple):
    """A scorer's answer for one item."""

    score: float
    label: str


def label_of(score: float, band: float) -> str:
    """favor / against outside the neutral band around 0, else neutral."""
    if score >= band:
        return "favor"
    if score <= -band:
        return "against"
    return "neutral"
