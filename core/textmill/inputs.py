"""Turn command-line inputs (files, directories, globs, JSON Lines, stdin) into Documents."""

from __future__ import annotations

import glob
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from .document import Document
from .errors import UsageError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
InputFormat = Literal["auto", "text", "jsonl"]


@dataclass(frozen=True)
class InputFile:
    """A file to read, with the root its id is relative to."""

    path: Path
    root: Path

    @property
    def id(self) -> str:
        rel = self.path.relative_to(self.root) if self.path != self.root else Path(self.path.name)
        return str(rel.with_suffix("")) if rel.suffix else str(rel)


def resolve_inputs(inputs: list[str]) -> list[InputFile | Literal["-"]]:
    """Expand inputs into files, checking up front that every named path exists."""
    out: list[InputFile | Literal["-"]] = []
    for item in inputs:
        if item == "-":
            out.append("-")
        elif glob.has_magic(item):
            root = Path(_glob_root(item))
            for match in sorted(glob.glob(item, recursive=True)):
                path = Path(match)
                if path.is_file() and path.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES:
                    out.append(InputFile(path, root))
        elif os.path.isdir(item):
            root = Path(item)
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if path.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES and not name.startswith("."):
                        out.append(InputFile(path, root))
        elif os.path.isfile(item):
            out.append(InputFile(Path(item), Path(item).parent))
        else:
            raise UsageError(f"input {item!r} does not exist. Hint: give files, directories, "
                             "globs (quoted), or - for stdin.")
    return out


def _glob_root(pattern: str) -> str:
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next(i for i, p in enumerate(parts) if glob.has_magic(p))]]
    return str(Path(*fixed)) if fixed else "."


def iter_documents(inputs: list[str], *, input_format: InputFormat = "auto",
                   encoding: str = "utf-8", stdin: IO[str] | None = None) -> Iterator[Document]:
    """Stream documents from ``inputs``; unreadable ones carry ``error`` instead of text."""
    for item in resolve_inputs(inputs):
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin
            if input_format == "jsonl":
                yield from _jsonl_lines(stream, "stdin", "-")
            else:
                yield Document(id="stdin", text=stream.read(), source="-")
            continue
        as_jsonl = input_format == "jsonl" or (
            input_format == "auto" and item.path.suffix in JSONL_SUFFIXES)
        if as_jsonl:
            try:
                with open(item.path, encoding=encoding, errors="strict") as fh:
                    yield from _jsonl_lines(fh, item.id, str(item.path))
            except (OSError, UnicodeDecodeError) as exc:
                yield Document(id=item.id, text="", source=str(item.path), error=_why(exc, item))
        else:
            yield _read_text(item, encoding)


def _read_text(item: InputFile, encoding: str) -> Document:
    source = str(item.path)
    try:
        raw = item.path.read_bytes()
    except OSError as exc:
        return Document(id=item.id, text="", source=source, error=_why(exc, item))
    if b"\0" in raw:
        return Document(id=item.id, text="", source=source,
                        error=f"{source}: binary file (NUL bytes), not text; skipped")
    try:
        text = raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in
                          ("utf-8", "utf8") else encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return Document(id=item.id, text="", source=source, error=_why(exc, item))
    return Document(id=item.id, text=text, source=source)


def _why(exc: BaseException, item: InputFile) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return (f"{item.path}: not valid {exc.encoding} (byte {exc.start}). "
                "Hint: pass --encoding latin-1 (or the file's encoding), or convert it to UTF-8.")
    if isinstance(exc, LookupError):
        return f"{item.path}: {exc}"
    return f"{item.path}: {getattr(exc, 'strerror', None) or exc}"


def _jsonl_lines(stream: IO[str], base_id: str, source: str) -> Iterator[Document]:
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        fallback = f"{base_id}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Document(id=fallback, text="", source=f"{source}:{lineno}",
                           error=f"{source}:{lineno}: invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield Document(id=fallback, text="", source=f"{source}:{lineno}",
                           error=f"{source}:{lineno}: expected an object with a string 'text'")
            continue
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        doc_id = obj.get("id")
        yield Document(id=str(doc_id) if doc_id is not None else fallback, text=obj["text"],
                       source=f"{source}:{lineno}", meta=meta)
