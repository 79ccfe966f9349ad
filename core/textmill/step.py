"""The public base class of pipeline steps and their configuration models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:  # spaCy is imported only where documents are parsed
    from spacy.language import Language
    from spacy.tokens import Doc

Record = dict[str, Any]


class StepConfig(BaseModel):
    """Base of every step's options model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Step:
    """A pipeline step: declares what it reads and writes, then annotates parsed documents.

    Subclasses set the class attributes and implement ``process_doc`` (or ``process``
    for a whole batch at once). A step returns the value of its one record key; the
    runner stores it under ``provides``. Steps must not import spaCy at module level,
    so that ``textmill validate`` stays fast. Read ``record["text"]`` rather than
    ``doc.text`` (spaCy rebuilds that string from the tokens on every access), and
    ``doc.to_array`` rather than Python loops over tokens in hot paths.
    """

    #: Name used in pipeline files (``use: <name>``).
    name: ClassVar[str] = ""
    #: pydantic model of the step's ``config:`` mapping.
    Config: ClassVar[type[StepConfig]] = StepConfig
    #: Record keys that an earlier step must provide.
    requires: ClassVar[tuple[str, ...]] = ()
    #: Record keys read when an earlier step provides them (optional inputs).
    uses: ClassVar[tuple[str, ...]] = ()
    #: The one record key this step writes.
    provides: ClassVar[str] = ""
    #: spaCy pipeline components whose annotations this step reads ("ner", "parser", ...).
    components: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: StepConfig | None = None) -> None:
        self.config = config if config is not None else self.Config()

    def setup(self, nlp: Language) -> None:
        """Prepare once per process (load lexicons, register Doc extensions idempotently)."""

    def process(self, docs: Sequence[Doc], records: Sequence[Record]) -> list[Any]:
        """Return this step's value for each document of a batch, in order."""
        return [self.process_doc(doc, record) for doc, record in zip(docs, records, strict=True)]

    def process_doc(self, doc: Doc, record: Record) -> Any:
        """Return this step's value for one document."""
        raise NotImplementedError(f"{type(self).__name__} must implement process_doc or process")
