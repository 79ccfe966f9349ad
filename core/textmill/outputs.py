"""Write records as JSON Lines: atomically to files, line-buffered to stdout."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from typing import IO

from .formats import remove_stale_parts
from .step import Record


def dumps(record: Record) -> str:
    """One record as one line of JSON."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class JsonlSink:
    """JSON Lines to a file (a temporary beside it, renamed on close) or to stdout."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._tmp: str | None = None
        self._fh: IO[str]
        if path is None or path == "-":
            self.path = None
            self._fh = sys.stdout
        else:
            directory = os.path.dirname(os.path.abspath(path))
            os.makedirs(directory, exist_ok=True)
            prefix = f".textmill-{os.path.basename(path)}-"
            remove_stale_parts(directory, prefix)
            fd, self._tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=".part",
                                             dir=directory)
            self._fh = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, records: Iterable[Record]) -> None:
        """Write a batch of records, then flush."""
        self._fh.write("".join(dumps(r) + "\n" for r in records))
        self._fh.flush()

    def close(self, *, commit: bool = True) -> None:
        """Finish: rename the temporary into place (or drop it when not committing)."""
        if self._tmp is None:
            self._fh.flush()
            return
        self._fh.close()
        if commit:
            os.chmod(self._tmp, 0o644)
            os.replace(self._tmp, self.path)  # type: ignore[arg-type]
        else:
            os.unlink(self._tmp)
        self._tmp = None
