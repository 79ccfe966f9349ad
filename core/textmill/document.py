"""The unit of input: one text with its id, source and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``error`` is set when it could not be read (e.g. not UTF-8)."""

    id: str
    text: str
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
