"""Turn output records into the compact, validated shape the report page renders.

Records come from files that anyone may have edited, so nothing is trusted: offsets are
checked against the text, malformed items are dropped (and counted), and every value that
reaches the page is a plain JSON type. Text derivable from offsets is not repeated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: Record keys the report knows how to draw; any other key is listed as "other results".
KNOWN_KEYS = frozenset({"id", "source", "text", "meta", "entities", "quotes", "numbers",
                        "stances", "provenance", "errors"})
STEP_KEYS = ("entities", "quotes", "numbers", "stances")
STANCE_LABELS = ("favor", "against", "neutral")
_META_CHARS = 200


class _Counter:
    """Counts items dropped because they were malformed."""

    def __init__(self) -> None:
        self.dropped = 0

    def drop(self) -> None:
        self.dropped += 1


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _span(start: Any, end: Any, size: int) -> list[int] | None:
    """A [start, end] pair when both are ints with 0 <= start < end <= size."""
    if type(start) is not int or type(end) is not int:  # bools are ints; exclude them
        return None
    return [start, end] if 0 <= start < end <= size else None


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if value == value and abs(value) != float("inf") else None  # no NaN/inf


def _entities(items: Any, size: int, bad: _Counter) -> list[dict[str, Any]]:
    out = []
    for item in _list(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            bad.drop()
            continue
        mentions = []
        for m in _list(item.get("mentions")):
            span = _span(m.get("start"), m.get("end"), size) if isinstance(m, Mapping) else None
            if span is None:
                bad.drop()
            else:
                mentions.append(span)
        count = item.get("count")
        out.append({"id": item["id"], "name": _str(item.get("name"), item["id"]),
                    "label": _str(item.get("label"), "?") or "?",
                    "count": count if type(count) is int else len(mentions), "m": mentions})
    return out


def _anchor(value: Any, size: int) -> dict[str, Any] | None:
    """A speaker or cue: its text, optional span, optional entity/lemma."""
    if not isinstance(value, Mapping):
        return None
    anchor: dict[str, Any] = {"text": _str(value.get("text"))}
    span = _span(value.get("start"), value.get("end"), size)
    if span:
        anchor["s"], anchor["e"] = span
    for key in ("entity", "lemma"):
        if isinstance(value.get(key), str):
            anchor[key] = value[key]
    return anchor


def _quotes(items: Any, size: int, bad: _Counter) -> list[dict[str, Any]]:
    out = []
    for n, item in enumerate(_list(items), start=1):
        if not isinstance(item, Mapping):
            bad.drop()
            continue
        spans = [s for s in (_span(*p, size) if isinstance(p, list) and len(p) == 2 else None
                             for p in _list(item.get("spans"))) if s is not None]
        if not spans:  # fall back on the overall span when fragments are absent or bad
            whole = _span(item.get("start"), item.get("end"), size)
            spans = [whole] if whole else []
        if not spans and not isinstance(item.get("text"), str):
            bad.drop()
            continue
        quote: dict[str, Any] = {"id": _str(item.get("id"), f"q{n}"),
                                 "kind": _str(item.get("kind"), "direct"), "spans": spans,
                                 "speaker": _anchor(item.get("speaker"), size),
                                 "cue": _anchor(item.get("cue"), size)}
        if not spans:
            quote["text"] = item["text"]  # nothing to point at in the text: keep the words
        out.append(quote)
    return out


def _value(value: Any) -> int | float | list[int | float] | None:
    if isinstance(value, list) and len(value) == 2:
        pair = [_number(v) for v in value]
        return pair if None not in pair else None  # type: ignore[return-value]
    return _number(value)


def _numbers(items: Any, size: int, bad: _Counter) -> list[dict[str, Any]]:
    out = []
    for n, item in enumerate(_list(items), start=1):
        span = _span(item.get("start"), item.get("end"), size) \
            if isinstance(item, Mapping) else None
        if span is None:
            bad.drop()
            continue
        out.append({"id": _str(item.get("id"), f"n{n}"), "s": span[0], "e": span[1],
                    "value": _value(item.get("value")), "kind": _str(item.get("kind")),
                    "unit": _opt_str(item.get("unit")),
                    "approx": item.get("approximate") is True,
                    "qual": _opt_str(item.get("qualifier")),
                    "counted": _opt_str(item.get("counted"))})
    return out


def _party(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("text"), str):
        return None
    return {"text": value["text"], "entity": _opt_str(value.get("entity"))}


def _stances(items: Any, size: int, bad: _Counter) -> list[dict[str, Any]]:
    out = []
    for item in _list(items):
        holder = _party(item.get("holder")) if isinstance(item, Mapping) else None
        target = _party(item.get("target")) if isinstance(item, Mapping) else None
        if holder is None or target is None:
            bad.drop()
            continue
        label = item.get("label")
        evidence = []
        for ev in _list(item.get("evidence")):
            span = _span(ev.get("start"), ev.get("end"), size) if isinstance(ev, Mapping) \
                else None
            if span is None:
                bad.drop()
                continue
            evidence.append({"s": span[0], "e": span[1], "quote": _opt_str(ev.get("quote"))})
        score = _number(item.get("score"))
        out.append({"h": holder, "t": target,
                    "label": label if label in STANCE_LABELS else "neutral",
                    "score": score, "ev": evidence})
    return out


def _errors(items: Any) -> list[dict[str, str]]:
    out = []
    for item in _list(items):
        if isinstance(item, Mapping):
            out.append({k: _str(item.get(k)) for k in ("step", "type", "message")})
        else:
            out.append({"step": "", "type": "", "message": str(item)})
    return out


def _meta(meta: Any) -> dict[str, str]:
    """Meta values as short display strings (they can be any JSON)."""
    if not isinstance(meta, Mapping):
        return {}
    out = {}
    for key, value in meta.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out[str(key)] = shown if len(shown) <= _META_CHARS else shown[:_META_CHARS] + "…"
    return out


def compact_record(record: Mapping[str, Any], *, index: int) -> dict[str, Any]:
    """The report's view of one output record (``index`` names records without an id)."""
    text = _str(record.get("text"))
    size = len(text)
    bad = _Counter()
    raw_id = record.get("id")
    doc: dict[str, Any] = {
        "id": raw_id if isinstance(raw_id, str) and raw_id else
        (str(raw_id) if isinstance(raw_id, int | float) else f"#{index + 1}"),
        "source": _opt_str(record.get("source")), "text": text, "meta": _meta(record.get("meta")),
        "entities": _entities(record.get("entities"), size, bad),
        "quotes": _quotes(record.get("quotes"), size, bad),
        "numbers": _numbers(record.get("numbers"), size, bad),
        "stances": _stances(record.get("stances"), size, bad),
        "errors": _errors(record.get("errors")),
        "has": [key for key in STEP_KEYS if isinstance(record.get(key), list)],
        "other": sorted(str(k) for k in record if k not in KNOWN_KEYS),
    }
    if not isinstance(record.get("text"), str):
        doc["errors"].append({"step": "report", "type": "MissingText",
                              "message": "the record has no 'text'; nothing to show"})
    doc["dropped"] = bad.dropped
    return doc
