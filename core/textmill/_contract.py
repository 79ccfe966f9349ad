"""Checks of a step class and of its record values against the plugin contract.

Every check raises AssertionError with the step's name, where the problem is (a dotted path
into the record), what was found, and what the contract expects. ``textmill.testing`` runs
them; they need no spaCy.
"""

from __future__ import annotations

import math
import re
from typing import Any, NoReturn

from pydantic import ValidationError

from .step import Record, Step, StepConfig

#: Keys of every record that belong to the runner, never to a step.
RESERVED_KEYS = ("id", "source", "text", "meta", "provenance", "errors")
#: spaCy components a step may declare in ``components``.
KNOWN_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

#: Fields the contract fixes for the items of the built-in record keys (CONTRACT.md).
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "entities": ("id", "name", "label", "count", "mentions"),
    "quotes": ("id", "kind", "start", "end", "text", "spans", "speaker", "cue"),
    "numbers": ("id", "start", "end", "text", "value", "kind", "unit", "approximate",
                "qualifier", "counted"),
    "stances": ("holder", "target", "label", "score", "evidence"),
}
#: Closed vocabularies of the built-in keys: (record key, item field) -> allowed values.
ITEM_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("quotes", "kind"): frozenset({"direct", "indirect", "mixed"}),
    ("numbers", "kind"): frozenset({"cardinal", "ordinal", "percent", "money", "quantity",
                                    "fraction", "range"}),
    ("stances", "label"): frozenset({"favor", "against", "neutral"}),
}
#: Item fields that link to the ``id`` of another key's items.
LINKS = {"entity": "entities", "quote": "quotes"}


def fail(step: type[Step], message: str) -> NoReturn:
    """Raise the AssertionError every contract check uses."""
    raise AssertionError(f"step {step.name!r} ({step.__module__}.{step.__qualname__}): "
                         f"{message}")


def check_declarations(step: type[Step]) -> None:
    """name, provides, requires, uses and components are well-formed."""
    if not (isinstance(step, type) and issubclass(step, Step)):
        raise AssertionError(f"{step!r} is not a subclass of textmill.Step")
    if not isinstance(step.name, str) or not _NAME.match(step.name):
        fail(step, f"name {step.name!r} is not a snake_case identifier (e.g. 'keywords')")
    if not isinstance(step.provides, str) or not _NAME.match(step.provides):
        fail(step, f"provides {step.provides!r} must be one snake_case record key")
    if step.provides in RESERVED_KEYS:
        fail(step, f"provides {step.provides!r} is a runner key; reserved: {RESERVED_KEYS}")
    for attr in ("requires", "uses", "components"):
        value = getattr(step, attr)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            fail(step, f"{attr} must be a tuple of strings, got {value!r}")
    if step.provides in step.requires + step.uses:
        fail(step, f"provides {step.provides!r} also appears in requires/uses")
    unknown = sorted(set(step.components) - set(KNOWN_COMPONENTS))
    if unknown:
        fail(step, f"unknown components {unknown}; expected a subset of {KNOWN_COMPONENTS}")
    if step.process is Step.process and step.process_doc is Step.process_doc:
        fail(step, "implements neither process_doc nor process")


def check_config(step: type[Step], config: dict[str, Any] | None) -> StepConfig:
    """The config model forbids unknown keys, is frozen, round-trips and has a JSON Schema."""
    model = step.Config
    if not (isinstance(model, type) and issubclass(model, StepConfig)):
        fail(step, f"Config must subclass textmill.StepConfig, got {model!r}")
    if model.model_config.get("extra") != "forbid" or not model.model_config.get("frozen"):
        fail(step, "Config must keep StepConfig's model_config (extra='forbid', frozen=True)")
    try:
        model.model_validate({"__textmill_unknown_key__": 1, **(config or {})})
    except ValidationError as exc:
        if not any(e["type"] == "extra_forbidden" for e in exc.errors()):
            fail(step, f"Config did not reject an unknown key: {exc}")
    else:
        fail(step, "Config accepted an unknown key")
    try:
        cfg = model.model_validate(config or {})
    except ValidationError as exc:
        fail(step, f"config {config or {}!r} is invalid ({exc.error_count()} errors). Hint: "
                   "give every option a default, or pass config={...} to the check.\n"
                   f"{exc}")
    again = model.model_validate(cfg.model_dump(mode="json"))
    if again != cfg:
        fail(step, f"Config does not survive a JSON round trip: {cfg!r} became {again!r}")
    try:
        schema = model.model_json_schema()
    except Exception as exc:  # pydantic raises several types for unrepresentable fields
        fail(step, f"Config has no JSON Schema (needed by `textmill schema`): {exc}")
    if schema.get("additionalProperties") is not False:
        fail(step, "Config's JSON Schema must forbid additional properties")
    return cfg


def check_record(step: type[Step], record: Record) -> None:
    """The step's value is JSON-plain, its offsets index ``text``, and it keeps the contract."""
    where = f"record {record.get('id')!r}"
    if record.get("errors"):
        fail(step, f"{where} has errors: {record['errors']}")
    if step.provides not in record:
        fail(step, f"{where} has no key {step.provides!r}")
    value = record[step.provides]
    _plain(step, value, step.provides, where)
    _offsets(step, value, record["text"], step.provides, where)
    _links(step, value, record, step.provides, where)
    if step.provides in ITEM_FIELDS:
        _items(step, value, step.provides, where)


def _plain(step: type[Step], value: Any, path: str, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                fail(step, f"{where}: {path} has a non-string key {k!r} (JSON keys are strings)")
            _plain(step, v, f"{path}.{k}", where)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _plain(step, v, f"{path}.{i}", where)
    elif isinstance(value, float):
        if not math.isfinite(value):
            fail(step, f"{where}: {path} is {value!r}; JSON has no NaN or infinity")
    elif not (value is None or isinstance(value, str | int | bool)):
        fail(step, f"{where}: {path} is a {type(value).__name__}; records hold only dict, list, "
                   "str, int, float, bool and None (a tuple or set would not survive JSON)")


def _offsets(step: type[Step], value: Any, text: str, path: str, where: str) -> None:
    if isinstance(value, list):
        for i, v in enumerate(value):
            _offsets(step, v, text, f"{path}.{i}", where)
        return
    if not isinstance(value, dict):
        return
    if "start" in value or "end" in value:
        start, end = value.get("start"), value.get("end")
        if not (type(start) is int and type(end) is int and 0 <= start <= end <= len(text)):
            fail(step, f"{where}: {path} has start={start!r} end={end!r}; expected ints with "
                       f"0 <= start <= end <= len(text) = {len(text)}")
        spans = value.get("spans")
        if isinstance(spans, list):
            for j, span in enumerate(spans):
                ok = (isinstance(span, list) and len(span) == 2
                      and all(type(x) is int for x in span) and start <= span[0] <= span[1] <= end)
                if not ok:
                    fail(step, f"{where}: {path}.spans.{j} is {span!r}; expected [start, end] "
                               f"inside [{start}, {end}]")
        fragments = len(spans) if isinstance(spans, list) else 1
        if isinstance(value.get("text"), str) and fragments <= 1 \
                and text[start:end] != value["text"]:
            fail(step, f"{where}: {path}.text is {value['text']!r} but text[{start}:{end}] is "
                       f"{text[start:end]!r}; offsets are str indices into the record's text")
    for k, v in value.items():
        if k != "spans":
            _offsets(step, v, text, f"{path}.{k}", where)


def _links(step: type[Step], value: Any, record: Record, path: str, where: str) -> None:
    if isinstance(value, list):
        for i, v in enumerate(value):
            _links(step, v, record, f"{path}.{i}", where)
        return
    if not isinstance(value, dict):
        return
    for k, v in value.items():
        target = LINKS.get(k)
        if target is not None and isinstance(v, str):
            ids = {item.get("id") for item in record.get(target) or [] if isinstance(item, dict)}
            if v not in ids:
                fail(step, f"{where}: {path}.{k} links to {v!r}, which is not an id in "
                           f"{target!r} (have: {sorted(i for i in ids if i)})")
        else:
            _links(step, v, record, f"{path}.{k}", where)


def _items(step: type[Step], value: Any, key: str, where: str) -> None:
    if not isinstance(value, list):
        fail(step, f"{where}: {key} must be a list, got {type(value).__name__}")
    ids: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            fail(step, f"{where}: {key}.{i} must be an object, got {type(item).__name__}")
        missing = [f for f in ITEM_FIELDS[key] if f not in item]
        if missing:
            fail(step, f"{where}: {key}.{i} lacks {missing}; the contract's fields are "
                       f"{list(ITEM_FIELDS[key])}")
        for (k, field), allowed in ITEM_VALUES.items():
            if k == key and item[field] not in allowed:
                fail(step, f"{where}: {key}.{i}.{field} is {item[field]!r}; expected one of "
                           f"{sorted(allowed)}")
        if "id" in item:
            if item["id"] in ids:
                fail(step, f"{where}: {key}.{i}.id {item['id']!r} is not unique")
            ids.add(item["id"])
    if key == "stances":
        for i, item in enumerate(value):
            score = item["score"]
            if not (isinstance(score, int | float) and -1 <= score <= 1):
                fail(step, f"{where}: stances.{i}.score is {score!r}; expected -1 <= score <= 1")


def first_difference(a: Any, b: Any, path: str = "") -> str:
    """Dotted path and values of the first place where ``a`` and ``b`` differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                where = f"{path}.{k}".lstrip(".")
                return f"{where}: present in only one ({'first' if k in a else 'second'})"
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return first_difference(x, y, f"{path}.{i}")
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
    return f"{path.lstrip('.') or '<value>'}: {a!r:.80} vs {b!r:.80}"
