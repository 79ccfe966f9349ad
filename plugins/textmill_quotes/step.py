"""The `quotes` step and its options (no spaCy import here: `textmill validate` stays fast)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from textmill import Step, StepConfig

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

Kind = Literal["direct", "indirect", "mixed"]


class QuotesConfig(StepConfig):
    """Options of the `quotes` step."""

    kinds: list[Kind] = Field(
        default_factory=lambda: ["direct", "indirect", "mixed"],
        min_length=1, description="Which kinds of quotes to emit.")
    min_words: int = Field(
        4, ge=1, le=50,
        description="Fewest words for a quotation with no speech cue to count as a quote "
                    "(shorter ones are scare quotes or titles).")
    nested: bool = Field(
        False, description="Also report attributions whose cue lies inside a quotation.")


class QuotesStep(Step):
    """Direct, indirect and mixed quotes with speaker (linked to entities) and cue.

    A quote's ``text`` is its content without the enclosing marks; the fragments of a split
    or multi-paragraph quote (one per ``spans`` entry) are joined with " … ".
    """

    name: ClassVar[str] = "quotes"
    Config: ClassVar[type[StepConfig]] = QuotesConfig
    requires: ClassVar[tuple[str, ...]] = ("entities",)
    provides: ClassVar[str] = "quotes"
    components: ClassVar[tuple[str, ...]] = ("parser", "lemmatizer", "ner")

    def setup(self, nlp: Language) -> None:
        """Load the cue lexicons (verbs and nouns) and role nouns."""
        from .extract import QuoteExtractor
        from .lexicon import load_cues, load_words

        config: QuotesConfig = self.config  # type: ignore[assignment]
        self.extractor = QuoteExtractor(nlp, load_cues(), load_words("nominal_roles.txt"),
                                        kinds=frozenset(config.kinds),
                                        min_words=config.min_words, nested=config.nested,
                                        noun_cues=load_words("noun_cues.txt"),
                                        noun_intents=load_words("noun_intents.txt"),
                                        adjectives=load_words("adjective_cues.txt"))

    def process_doc(self, doc: Doc, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The quotes of one document, in text order."""
        return self.extractor.extract(doc, record)
