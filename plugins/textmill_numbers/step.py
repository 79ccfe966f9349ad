"""The `numbers` step: every number in the text, normalised (no spaCy import at module level)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from textmill import Record, Step, StepConfig

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

Kind = Literal["cardinal", "ordinal", "percent", "money", "quantity", "fraction", "range"]
KINDS: tuple[str, ...] = ("cardinal", "ordinal", "percent", "money", "quantity", "fraction",
                          "range")


class NumbersConfig(StepConfig):
    """Options of the `numbers` step."""

    kinds: list[Kind] = Field(default_factory=lambda: list(KINDS),
                              description="Kinds of numbers to emit.")
    counted: bool = Field(True, description="Find the counted noun in the dependency parse.")

    @field_validator("kinds")
    @classmethod
    def _kinds_not_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(f"must name at least one kind (have: {', '.join(KINDS)})")
        if len(set(value)) != len(value):
            raise ValueError("lists a kind twice")
        return value


class NumbersStep(Step):
    """Numbers with value, kind, unit, hedge and counted noun (see CONTRACT.md)."""

    name: ClassVar[str] = "numbers"
    Config: ClassVar[type[StepConfig]] = NumbersConfig
    provides: ClassVar[str] = "numbers"
    # tags tell plural nouns and pronoun "one"; the parse gives `counted`; NER marks names
    components: ClassVar[tuple[str, ...]] = ("tagger", "parser", "ner")

    def setup(self, nlp: Language) -> None:
        """Load the lexicons once."""
        from .extract import Extractor

        config = self.config
        assert isinstance(config, NumbersConfig)
        self._extractor = Extractor(kinds=frozenset(config.kinds), counted=config.counted)

    def process_doc(self, doc: Doc, record: Record) -> list[dict[str, Any]]:
        """The numbers of one document, in text order."""
        return self._extractor.extract(doc.text, doc)
