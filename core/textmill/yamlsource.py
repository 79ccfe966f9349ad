"""Safe YAML loading that remembers where every key and value came from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import PipelineError, Problem

#: Pipeline files larger than this are refused before parsing.
MAX_FILE_BYTES = 1_000_000
#: Nodes visited while building the data; bounds alias expansion ("billion laughs").
MAX_NODES = 100_000
MAX_DEPTH = 64

_SAFE_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "binary")
}
_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

Path = tuple[str | int, ...]


@dataclass
class Source:
    """Parsed YAML data plus the 1-based (line, column) of each value and key."""

    file: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Problems found while reading (unset variables, unsafe tags), reported with the rest.
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Closest known position of ``path``, walking up to its parents."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return None, None

    def problem(self, path: Path, message: str, *, key: bool = False,
                hint: str | None = None) -> Problem:
        """A Problem located at ``path`` in this file."""
        line, column = self.where(path, key=key)
        return Problem(self.file, dotted(path), message, line, column, hint)


def dotted(path: Path) -> str:
    """('steps', 2, 'config') -> 'steps.2.config'."""
    return ".".join(str(p) for p in path)


def read_source(file: str, text: str | bytes | None = None,
                environ: dict[str, str] | None = None) -> Source:
    """Read and parse a pipeline file, interpolating ``${VAR}`` / ``${VAR:-default}``."""
    if text is None:
        try:
            size = os.path.getsize(file)
        except OSError as exc:
            raise PipelineError([Problem(file, "", f"cannot read pipeline file: {exc.strerror}")])
        if size > MAX_FILE_BYTES:
            raise PipelineError([Problem(file, "", f"file is {size:,} bytes, more than the "
                                         f"{MAX_FILE_BYTES:,} allowed for a pipeline file")])
        with open(file, "rb") as fh:
            # Bounded even when the size lied (a FIFO or /dev/zero reports 0 bytes).
            text = fh.read(MAX_FILE_BYTES + 1)
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise PipelineError([Problem(file, "", f"file is more than the {MAX_FILE_BYTES:,} "
                                         "bytes allowed for a pipeline file")])
        if b"\0" in text:
            raise PipelineError([Problem(file, "", "binary file (NUL bytes), not YAML")])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PipelineError([Problem(file, "", f"not UTF-8 (byte {exc.start}); "
                                         "pipeline files must be UTF-8 text")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise PipelineError([Problem(file, "", f"text is more than the {MAX_FILE_BYTES:,} "
                                     "characters allowed for a pipeline file")])
    try:
        loader = _Loader(text)  # the reader rejects control characters right here
    except yaml.reader.ReaderError as exc:
        raise _unprintable(file, text, exc) from None
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        raise _unprintable(file, text, exc) from None
    except _TooDeep as exc:
        raise PipelineError([Problem(file, "", f"YAML is nested too deeply (more than "
                                     f"{MAX_DEPTH} levels)", exc.line, exc.column,
                                     "pipeline files are small and plain")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise PipelineError([Problem(file, "", f"invalid YAML: {exc.problem}", line,
                                     col)]) from None
    except yaml.YAMLError as exc:
        raise PipelineError([Problem(file, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    src = Source(file, None)
    builder = _Builder(src, loader, os.environ if environ is None else environ)
    src.data = builder.build(node, (), 0) if node is not None else None
    src.problems = builder.problems
    return src


def _unprintable(file: str, text: str, exc: yaml.reader.ReaderError) -> PipelineError:
    """One located line for a character YAML does not allow (control characters)."""
    pos = exc.position
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return PipelineError([Problem(file, "", f"invalid YAML: character U+{code:04X} is not "
                                  "allowed", line, column,
                                  "remove it, or write it as an escape (\\x1f) inside a "
                                  "double-quoted string")])


class _TooDeep(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer stops at MAX_DEPTH: pyyaml composes recursively, so
    thousands of ``[`` would otherwise end in a RecursionError instead of a clear error."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                mark = self.peek_event().start_mark
                raise _TooDeep(mark.line + 1, mark.column + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Builder:
    def __init__(self, src: Source, loader: yaml.SafeLoader, environ: Any) -> None:
        self.src, self.loader, self.environ = src, loader, environ
        self.count = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            what = ("is nested too deeply" if depth > MAX_DEPTH else
                    f"has too many nodes (over {MAX_NODES:,}; alias expansion?)")
            raise PipelineError([Problem(self.src.file, dotted(path), f"YAML {what}",
                                         node.start_mark.line + 1, node.start_mark.column + 1,
                                         "pipeline files are small and plain")])
        self.src.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _SAFE_TAGS:
            self.problems.append(self.src.problem(path, f"YAML tag {node.tag!r} is not allowed",
                                                  hint="only plain YAML data is accepted"))
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node, path)
                sub = (*path, key)
                self.src.keys[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:
                    self.problems.append(self.src.problem(sub, f"duplicate key {key!r}", key=True))
                out[key] = self.build(value_node, sub, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        value = self.scalar(node, path)
        if isinstance(value, str) and "$" in value:
            value = self.interpolate(value, path)
        return value

    def key(self, node: yaml.Node, path: Path) -> Any:
        """A mapping key as a plain scalar; odd keys become strings that validation rejects."""
        if not isinstance(node, yaml.ScalarNode):
            return f"<{node.id} key>"
        if node.tag not in _SAFE_TAGS:  # '<<' merge keys and tagged keys are not data
            self.problems.append(Problem(
                self.src.file, dotted((*path, node.value)),
                f"key {node.value!r} with YAML tag {node.tag!r} is not allowed",
                node.start_mark.line + 1, node.start_mark.column + 1,
                "only plain YAML data is accepted (no merge keys, no tags)"))
            return node.value
        key = self.scalar(node, path)
        return key if isinstance(key, str | int | float | bool) or key is None else str(key)

    def scalar(self, node: yaml.Node, path: Path) -> Any:
        """Construct one scalar; a value its tag cannot hold ('!!int abc') is a problem."""
        try:
            return self.loader.construct_object(node)
        # pyyaml's constructors raise whatever the value makes them raise: ValueError for
        # '!!int abc', KeyError for '!!bool maybe', IndexError for an empty '!!float'.
        except Exception as exc:
            raw = str(node.value)
            shown = repr(raw if len(raw) <= 40 else raw[:40] + "…")
            kind = node.tag.rsplit(":", 1)[-1]
            self.problems.append(self.src.problem(
                path, f"YAML value {shown} is not a valid {kind} ({type(exc).__name__})",
                hint="quote the value to make it a string"))
            return None

    def interpolate(self, value: str, path: Path) -> str:
        def sub(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            name, default = match.group(1), match.group(2)
            if name in self.environ and (self.environ[name] != "" or default is None):
                return self.environ[name]
            if default is not None:
                return default
            self.problems.append(self.src.problem(
                path, f"environment variable {name!r} is not set",
                hint=f"export {name}=..., or give a default: ${{{name}:-value}}"))
            return ""

        return _VAR.sub(sub, value)
