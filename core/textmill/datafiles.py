"""Read a plugin's data files (word lists, tab-separated tables) with file:line errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from .errors import PluginError


class DataFileError(PluginError):
    """A plugin's data file has a malformed line; the message names file:line."""


@dataclass(frozen=True, slots=True)
class DataLine:
    """One content line of a data file: where it is and its fields."""

    file: str
    line: int
    fields: tuple[str, ...]

    @property
    def text(self) -> str:
        """The whole line (fields joined by tabs)."""
        return "\t".join(self.fields)

    def error(self, message: str) -> DataFileError:
        """A DataFileError for this line: ``file:line: message``."""
        return DataFileError(f"{self.file}:{self.line}: {message}")


def data_file(package: str, *parts: str) -> Traversable:
    """The data file ``parts`` inside an installed ``package`` (works from wheels and zips)."""
    return resources.files(package).joinpath(*parts)


def read_data_file(path: str | os.PathLike[str] | Traversable, *, sep: str | None = "\t",
                   columns: int | tuple[int, int] | None = None,
                   name: str | None = None) -> list[DataLine]:
    """The content lines of a UTF-8 data file: blank lines and ``#`` comment lines skipped.

    Args:
        sep: field separator; ``None`` keeps each stripped line as one field.
        columns: the exact number of fields, or an inclusive ``(min, max)`` range; a line
            outside it raises DataFileError naming ``file:line``.
        name: how errors name the file (default: its path).

    Raises:
        DataFileError: a line with the wrong number of fields.
    """
    text = path.read_text(encoding="utf-8") if not isinstance(path, str | os.PathLike) \
        else open(path, encoding="utf-8").read()
    where = name or str(path)
    return list(_lines(text, where, sep, columns))


def parse_data_text(text: str, *, name: str, sep: str | None = "\t",
                    columns: int | tuple[int, int] | None = None) -> list[DataLine]:
    """Like ``read_data_file`` for text already in memory (tests, user-supplied tables)."""
    return list(_lines(text, name, sep, columns))


def _lines(text: str, where: str, sep: str | None,
           columns: int | tuple[int, int] | None) -> Iterator[DataLine]:
    low, high = (columns, columns) if isinstance(columns, int) else (columns or (0, 1 << 30))
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = (line.strip(),) if sep is None else tuple(f.strip() for f in line.split(sep))
        if not low <= len(fields) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise DataFileError(f"{where}:{number}: expected {want} fields separated by "
                                f"{sep!r}, got {len(fields)}: {line[:80]!r}")
        yield DataLine(where, number, fields)
