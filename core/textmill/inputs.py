"""Turn command-line inputs (files, directories, globs, JSON Lines, stdin) into Documents."""

from __future__ import annotations

import codecs
import glob
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from .document import Document
from .errors import UsageError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
InputFormat = Literal["auto", "text", "jsonl"]
#: ``--encoding auto``: UTF-8 (BOM stripped) when the bytes are valid UTF-8, else CP-1252
#: (its five undefined bytes read as Latin-1), which covers Latin-1 and Windows files.
AUTO = "auto"
_UTF8 = ("utf-8", "utf8", "utf-8-sig", "u8")


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("textmill-latin-1", _latin1_fallback)


@dataclass(frozen=True)
class InputFile:
    """A file to read, with the root its id is relative to."""

    path: Path
    root: Path

    @property
    def id(self) -> str:
        rel = self.path.relative_to(self.root) if self.path != self.root else Path(self.path.name)
        return str(rel.with_suffix("")) if rel.suffix else str(rel)


def check_inputs(inputs: Iterable[str], *, encoding: str = "utf-8") -> None:
    """Raise UsageError for a named path that does not exist or an unknown encoding.

    Cheap: directories are not walked, so a huge corpus costs nothing here.
    """
    if encoding.lower() != AUTO:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {encoding!r}. Hint: utf-8 (default), latin-1, "
                             "cp1252, or auto (UTF-8, else CP-1252).") from None
    for item in inputs:
        if item != "-" and not glob.has_magic(item) and not os.path.exists(item):
            raise UsageError(f"input {item!r} does not exist. Hint: give files, directories, "
                             "globs (quoted), or - for stdin.")


def resolve_inputs(inputs: list[str]) -> list[InputFile | Literal["-"]]:
    """Expand inputs into files, checking up front that every named path exists."""
    return list(iter_input_files(inputs))


def iter_input_files(inputs: list[str]) -> Iterator[InputFile | Literal["-"]]:
    """Expand inputs into files lazily (one directory listing at a time), in sorted order."""
    check_inputs(inputs)
    for item in inputs:
        if item == "-":
            yield "-"
        elif glob.has_magic(item):
            root = Path(_glob_root(item))
            for match in sorted(glob.glob(item, recursive=True)):
                path = Path(match)
                if path.is_file() and path.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES:
                    yield InputFile(path, root)
        elif os.path.isdir(item):
            root = Path(item)
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if path.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES and not name.startswith("."):
                        yield InputFile(path, root)
        else:
            yield InputFile(Path(item), Path(item).parent)


def _glob_root(pattern: str) -> str:
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next(i for i, p in enumerate(parts) if glob.has_magic(p))]]
    return str(Path(*fixed)) if fixed else "."


def iter_documents(inputs: list[str], *, input_format: InputFormat = "auto",
                   encoding: str = "utf-8", stdin: IO[str] | None = None,
                   max_chars: int | None = None) -> Iterator[Document]:
    """Stream documents from ``inputs``; unreadable ones carry ``error`` instead of text.

    Args:
        encoding: of text and JSON Lines inputs; ``auto`` is UTF-8, else CP-1252.
        max_chars: files that certainly hold more characters (over 4 bytes per allowed
            character) are not even read; their document carries an error.
    """
    check_inputs(inputs, encoding=encoding)
    for item in iter_input_files(inputs):
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin
            raw = getattr(stream, "buffer", None)  # bytes, so --encoding applies to stdin too
            if input_format == "jsonl":
                yield from _jsonl_lines(raw if raw is not None else stream, "stdin", "-",
                                        encoding)
            else:
                data = raw.read() if raw is not None else stream.read()
                text, error = decode(data, encoding, "stdin")
                yield Document(id="stdin", text=text, source="-", error=error)
            continue
        source = str(item.path)
        problem = _not_readable(item, max_chars)
        if problem is not None:
            yield Document(id=item.id, text="", source=source, error=problem)
            continue
        as_jsonl = input_format == "jsonl" or (
            input_format == "auto" and item.path.suffix in JSONL_SUFFIXES)
        try:
            if as_jsonl:
                with open(item.path, "rb") as fh:
                    yield from _jsonl_lines(fh, item.id, source, encoding)
            else:
                text, error = decode(item.path.read_bytes(), encoding, source)
                yield Document(id=item.id, text=text, source=source, error=error)
        except OSError as exc:
            yield Document(id=item.id, text="", source=source,
                           error=f"{source}: {exc.strerror or exc}")


def _not_readable(item: InputFile, max_chars: int | None) -> str | None:
    """Why a file must not be read at all (not a regular file, certainly too long), or None."""
    try:
        info = item.path.stat()
    except OSError as exc:
        return f"{item.path}: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        return f"{item.path}: not a regular file; skipped"
    if max_chars is not None and info.st_size > 4 * max_chars:
        return too_long(str(item.path), f"{info.st_size:,} bytes", max_chars)
    return None


def too_long(source: str, size: str, max_chars: int) -> str:
    """The error of a document over ``max_doc_chars``."""
    return (f"{source}: {size}, more than max_doc_chars={max_chars:,}; skipped. Hint: raise "
            "max_doc_chars in the pipeline (or --max-doc-chars); longer texts are parsed in "
            "segments, at about 1 GB of memory per 10 million characters.")


def decode(raw: bytes | str, encoding: str, source: str) -> tuple[str, str | None]:
    """(text, None), or ("", error) for binary data or bytes not in ``encoding``."""
    name = encoding.lower().replace("_", "-")
    try:
        if isinstance(raw, str):  # already text (a test's StringIO as stdin)
            text = raw
        elif name == AUTO:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="textmill-latin-1")
        else:
            text = raw.decode("utf-8-sig" if name in _UTF8 else encoding)
    except UnicodeDecodeError as exc:
        if b"\0" in raw:
            return "", f"{source}: binary file (NUL bytes), not text; skipped"
        return "", (f"{source}: not valid {exc.encoding} (byte {exc.start}). Hint: pass "
                    "--encoding latin-1 (or the file's encoding, or auto), or convert it "
                    "to UTF-8.")
    except LookupError as exc:
        return "", f"{source}: {exc}"
    if "\0" in text:
        return "", f"{source}: binary file (NUL characters), not text; skipped"
    return text, None


def unencodable(value: object) -> bool:
    """True when ``value`` holds a string UTF-8 cannot encode (a lone surrogate from JSON)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):
        return True
    return False


def _jsonl_lines(stream: IO[bytes] | IO[str], base_id: str, source: str,
                 encoding: str = "utf-8") -> Iterator[Document]:
    for lineno, line in enumerate(stream, 1):
        where = f"{source}:{lineno}"
        fallback = f"{base_id}:{lineno}"
        if isinstance(line, bytes):  # each line decoded alone: one bad line spoils only itself
            line, error = decode(line, encoding, where)
            if error is not None:
                yield Document(id=fallback, text="", source=where, error=error)
                continue
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Document(id=fallback, text="", source=where,
                           error=f"{where}: invalid JSON: {exc.msg}")
            continue
        except RecursionError:
            yield Document(id=fallback, text="", source=where,
                           error=f"{where}: JSON nested too deeply")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield Document(id=fallback, text="", source=where,
                           error=f"{where}: expected an object with a string 'text'")
            continue
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        doc_id = obj.get("id")
        doc_id = str(doc_id) if doc_id is not None else fallback
        if unencodable([obj["text"], doc_id, meta]):
            yield Document(id=fallback if unencodable(doc_id) else doc_id, text="", source=where,
                           error=f"{where}: text, id or meta holds an unpaired surrogate "
                                 "(a '\\ud800'-style escape), which is not Unicode text; "
                                 "skipped")
            continue
        yield Document(id=doc_id, text=obj["text"], source=where, meta=meta)
