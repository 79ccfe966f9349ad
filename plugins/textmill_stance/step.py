"""The `stance` step and its options (no spaCy import here: `textmill validate` stays fast)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from textmill import Record, Step, StepConfig

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ScorerName = Literal["lexicon", "linear", "minilm"]


class StanceConfig(StepConfig):
    """Options of the `stance` step."""

    scorer: ScorerName = Field(
        "linear", description="lexicon: dependency rules + lexicon; linear: trained sparse "
        "model (default, fast); minilm: fine-tuned MiniLM averaged with the linear model "
        "(accurate, slower; needs the stance-minilm extra).")
    targets: Literal["auto"] | tuple[str, ...] = Field(
        "auto", description="'auto': every entity cluster with a target label; or a list of "
        "entity names (matched like the entities step's aliases).")
    target_labels: tuple[str, ...] = Field(
        ("PERSON", "ORG", "GPE", "NORP"), min_length=1,
        description="Entity labels that can be holders or targets in 'auto' mode.")
    threshold: float = Field(
        0.2, gt=0.0, lt=1.0,
        description="|score| at or above which the text's own stance toward a given target "
        "(no holder) is favor/against.")
    holder_threshold: float = Field(
        0.6, gt=0.0, lt=1.0,
        description="|score| at or above which a holder's stance (found, or given in "
        "meta.stance_holders) is favor/against: a directed stance needs more than the "
        "sentence's tone.")
    fold_places: bool = Field(
        True, description="Report demonyms ('North Korean troops') and capitals acting for "
        "their country ('Pyongyang') as that country, when the document names it.")
    neutral: bool = Field(
        False, description="Also emit holder-target pairs whose stance is neutral ('auto').")
    batch_size: int = Field(32, ge=1, le=1024, description="Pairs per model batch (minilm).")

    @field_validator("targets", mode="before")
    @classmethod
    def _check_targets(cls, value: Any) -> Any:
        if isinstance(value, list) and not value:
            raise ValueError("empty list of targets; expected 'auto' or a list of entity "
                             "names. Hint: leave `targets` out for 'auto'.")
        return value


class StanceStep(Step):
    """Who is for or against whom: holder -> target, label, score and evidence."""

    name: ClassVar[str] = "stance"
    Config: ClassVar[type[StepConfig]] = StanceConfig
    requires: ClassVar[tuple[str, ...]] = ("entities",)
    uses: ClassVar[tuple[str, ...]] = ("quotes",)
    provides: ClassVar[str] = "stances"
    components: ClassVar[tuple[str, ...]] = ("parser", "lemmatizer", "ner")

    def setup(self, nlp: Language) -> None:
        """Load the lexicons and the configured scorer's weights."""
        from .scorers import load_scorer

        config: StanceConfig = self.config  # type: ignore[assignment]
        self.scorer = load_scorer(config.scorer, batch_size=config.batch_size)

    def process(self, docs: Sequence[Doc], records: Sequence[Record]) -> list[Any]:
        """Stances of each document: given pairs first (meta), else found holder-target pairs."""
        from .run import stances_for_batch

        config: StanceConfig = self.config  # type: ignore[assignment]
        return stances_for_batch(docs, records, self.scorer, config)
