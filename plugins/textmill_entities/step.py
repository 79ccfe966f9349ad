"""The `entities` step and its options (no spaCy import here: validation stays fast)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from textmill import Record, Step, StepConfig

from .names import KNOWN_LABELS, NUMERIC_LABELS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: People, organisations, places, nationalities/groups, facilities, events, laws, works.
DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART")


class EntitiesConfig(StepConfig):
    """Options of the `entities` step."""

    labels: tuple[str, ...] = Field(
        DEFAULT_LABELS, min_length=1,
        description="spaCy NER labels that make entities; numeric labels belong to `numbers`.")
    min_count: int = Field(1, ge=1, description="Drop clusters with fewer mentions than this.")

    @field_validator("labels", mode="before")
    @classmethod
    def _check_labels(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value  # pydantic reports the type error
        out = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"label {item!r} is not a string; expected e.g. 'PERSON'")
            label = item.strip().upper()
            if label in NUMERIC_LABELS:
                raise ValueError(
                    f"label {item!r} is numeric; numbers, dates and times are not entities. "
                    "Hint: use the `numbers` step for them.")
            if label not in KNOWN_LABELS:
                allowed = sorted(KNOWN_LABELS - NUMERIC_LABELS)
                close = difflib.get_close_matches(label, allowed, n=1, cutoff=0.6)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"unknown NER label {item!r}.{hint} "
                                 f"(expected some of: {', '.join(allowed)})")
            if label not in out:
                out.append(label)
        return tuple(out)


class EntitiesStep(Step):
    """Named entities grouped into canonical clusters, one row per real-world thing."""

    name: ClassVar[str] = "entities"
    Config: ClassVar[type[StepConfig]] = EntitiesConfig
    provides: ClassVar[str] = "entities"
    components: ClassVar[tuple[str, ...]] = ("ner",)

    def setup(self, nlp: Language) -> None:
        """Load the alias tables and the model's stop words."""
        from .names import tables

        self.tables = tables()
        self.stop_words = frozenset(w.lower() for w in nlp.Defaults.stop_words)

    def process(self, docs: Sequence[Doc], records: Sequence[Record]) -> list[Any]:
        """Entity clusters of each document."""
        from .cluster import build_clusters
        from .extract import doc_mentions

        config: EntitiesConfig = self.config  # type: ignore[assignment]
        labels = frozenset(config.labels)
        out = []
        for doc, record in zip(docs, records, strict=True):
            text = record.get("text")
            if not isinstance(text, str) or not _same_length(doc, text):
                text = None  # not the parsed text: offsets must index doc.text
            found = doc_mentions(doc, labels=labels, stop_words=self.stop_words, t=self.tables,
                                 text=text)
            out.append(build_clusters(found, labels=labels, min_count=config.min_count,
                                      t=self.tables, stop_words=self.stop_words))
        return out


def _same_length(doc: Doc, text: str) -> bool:
    """Cheap check that ``text`` is the text ``doc`` was parsed from."""
    if not len(doc):
        return text == ""
    last = doc[-1]
    return last.idx + len(last.text_with_ws) == len(text)
