"""Readers and writers: the public base classes of input and output formats.

A plugin adds a format the way it adds a step: it subclasses ``Reader`` or ``Writer``, gives it
a ``name`` and a pydantic ``Config``, and registers the class from the ``register_readers`` /
``register_writers`` hooks. Pipelines pick them with ``input: {format: NAME, config: {...}}``
and ``output: [{format: NAME, path: ..., config: {...}}]``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from .document import Document
from .step import Record

if TYPE_CHECKING:
    from .pipeline import Pipeline


class ReaderConfig(BaseModel):
    """Base of every reader's options model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class WriterConfig(BaseModel):
    """Base of every writer's options model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class InputSource:
    """One input handed to a reader: a file, or standard input.

    ``name`` is what records show as ``source`` (the path as found, or ``-``); ``id`` is
    the default document id (the path relative to its input root without the claimed
    suffix, or ``stdin``); ``encoding`` is the run's ``--encoding``; ``max_chars`` the
    run's ``max_doc_chars`` (None: no limit).
    """

    name: str
    id: str
    path: Path | None = None
    encoding: str = "utf-8"
    max_chars: int | None = None
    stream: IO[bytes] | None = None

    @property
    def is_stdin(self) -> bool:
        """True for standard input (no path)."""
        return self.path is None

    def open(self) -> IO[bytes]:
        """The input as a binary stream; use it in a ``with`` block (stdin is not closed)."""
        if self.path is not None:
            return open(self.path, "rb")
        stream = self.stream if self.stream is not None else sys.stdin.buffer
        return _Unclosed(stream)  # type: ignore[return-value]

    def decode(self, raw: bytes | str, where: str | None = None) -> tuple[str, str | None]:
        """``(text, None)``, or ``("", error)`` for bytes that are not text in ``encoding``."""
        from .inputs import decode

        return decode(raw, self.encoding, where or self.name)

    def failed(self, error: str, *, id: str | None = None, where: str | None = None) -> Document:
        """A document that could not be read: recorded as failed with ``error``."""
        return Document(id=id or self.id, text="", source=where or self.name, error=error)


class _Unclosed:
    """A stream wrapper whose ``close`` (and ``with`` exit) leaves the stream open."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._stream)

    def __enter__(self) -> _Unclosed:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass


class Reader:
    """An input format: turns one input (file or stdin) into a stream of Documents.

    Subclasses set ``name`` (and ``suffixes`` to be picked by ``format: auto``) and
    implement ``read``. A reader streams (memory bounded by one document, not by the file)
    and never raises for bad data: a record it cannot read becomes a Document with
    ``error`` set, which the run records as failed while the others go on.
    """

    #: Format name in pipeline files (``input: {format: <name>}``) and ``--input-format``.
    name: ClassVar[str] = ""
    #: Lower-case file suffixes this reader claims for ``format: auto`` (".html",
    #: ".warc.gz"); the longest matching suffix wins. Empty: only picked by name.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: pydantic model of the reader's ``config:`` mapping.
    Config: ClassVar[type[ReaderConfig]] = ReaderConfig

    def __init__(self, config: ReaderConfig | None = None) -> None:
        self.config = config if config is not None else self.Config()

    def read(self, source: InputSource) -> Iterator[Document]:
        """Yield the documents of one input, in order."""
        raise NotImplementedError(f"{type(self).__name__} must implement read")


class Writer:
    """An output format: receives the records of a run batch by batch, in input order.

    ``open`` is called once before the first batch, ``write`` per batch, and ``close``
    once at the end: with ``commit=True`` the output must appear complete and atomically
    (write to a ``Staging`` temporary and commit it), with ``commit=False`` (a failed or
    empty run) any previous output at the path is left as it was.
    """

    #: Format name in pipeline files (``output: [{format: <name>, path: ...}]``).
    name: ClassVar[str] = ""
    #: Suffixes of ``-o PATH`` that pick this writer (".jsonl", ".csv"). Empty: by name only.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: True when the path names a directory (a set of tables) rather than one file.
    directory: ClassVar[bool] = False
    #: True when the writer can write to standard output (no path, or ``-``).
    stdout: ClassVar[bool] = False
    #: pydantic model of the writer's ``config:`` mapping.
    Config: ClassVar[type[WriterConfig]] = WriterConfig

    def __init__(self, config: WriterConfig | None = None) -> None:
        self.config = config if config is not None else self.Config()

    def open(self, path: str | None, pipeline: Pipeline) -> None:
        """Prepare to write to ``path`` (None: standard output) for ``pipeline``'s records."""

    def write(self, records: list[Record]) -> None:
        """Write one batch of records."""
        raise NotImplementedError(f"{type(self).__name__} must implement write")

    def close(self, *, commit: bool = True) -> None:
        """Finish: make the output appear (``commit``), or drop what was written."""


class Staging:
    """A temporary file or directory beside ``path`` that replaces ``path`` on ``commit``.

    A killed run never leaves half an output: readers of ``path`` see the previous
    complete output until the rename. Temporaries of killed runs (their pid is gone) are
    deleted when the next run stages the same path.
    """

    def __init__(self, path: str, *, directory: bool = False) -> None:
        self.path = path
        self.directory = directory
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        prefix = f".textmill-{os.path.basename(os.path.normpath(path))}-"
        remove_stale_parts(parent, prefix)
        if directory:
            self.tmp = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", suffix=".part",
                                        dir=parent)
        else:
            fd, self.tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=".part",
                                            dir=parent)
            os.close(fd)
        self.done = False

    def commit(self) -> None:
        """Move the temporary into place (a directory replaces the old one whole)."""
        if self.done:
            return
        if self.directory:
            os.chmod(self.tmp, 0o755)
            old = None
            if os.path.isdir(self.path):
                old = f"{self.tmp}.old"
                os.replace(self.path, old)
            os.replace(self.tmp, self.path)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        self.done = True

    def discard(self) -> None:
        """Delete the temporary; ``path`` keeps its previous content."""
        if self.done:
            return
        if self.directory:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
        self.done = True


def remove_stale_parts(directory: str, prefix: str) -> list[str]:
    """Delete temporaries ``<prefix><pid>-*.part`` left by runs that were killed (their pid is
    gone); a live run's temporary is left alone. Returns the names removed."""
    removed = []
    for name in os.listdir(directory):
        if not (name.startswith(prefix) and (name.endswith(".part") or name.endswith(".old"))):
            continue
        pid = name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        path = os.path.join(directory, name)
        try:
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed.append(name)
        except FileNotFoundError:
            pass  # another run cleaned it first
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
