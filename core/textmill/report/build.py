"""Assemble the self-contained report page: template, CSS, script and the embedded data."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from .colors import LabelColors
from .overview import STANCE_COLORS, Overview
from .records import compact_record

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON that is safe inside <script type="application/json">.

    Every "<" becomes "\\u003c", so no "</script", "<!--" or "<script" can end or bend the
    script element; lone surrogates (legal in JSON text, not in UTF-8) are escaped too.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _bad_record(value: object, index: int) -> dict[str, Any]:
    """Stand-in for an input item that is not a JSON object."""
    return compact_record({"id": f"#{index + 1}", "text": "", "errors": [
        {"step": "report", "type": "BadRecord",
         "message": f"expected a JSON object, got {type(value).__name__}"}]}, index=index)


def build_data(records: Iterable[Mapping[str, Any]], *, title: str,
               page_size: int = 25) -> tuple[dict[str, Any], Overview]:
    """The page's data blob and the corpus overview, in one pass over ``records``."""
    colors = LabelColors()
    overview = Overview(colors=colors)
    docs = []
    for index, record in enumerate(records):
        doc = compact_record(record, index=index) if isinstance(record, Mapping) \
            else _bad_record(record, index)
        for ent in doc["entities"]:
            colors.get(ent["label"])
        overview.add(doc)
        docs.append(doc)
    data = {"title": title, "pageSize": page_size, "labels": colors.table,
            "stanceColors": STANCE_COLORS, "docs": docs}
    return data, overview


def render_report(records: Iterable[Mapping[str, Any]], *, title: str = "textmill report",
                  page_size: int = 25) -> str:
    """One self-contained HTML page (inline CSS and script, no external requests).

    Args:
        records: output records (see the contract); malformed parts are skipped and counted.
        title: the page's title and heading.
        page_size: documents per page in the document list.
    Returns:
        The HTML text.
    """
    data, overview = build_data(records, title=title, page_size=page_size)
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    # Only our own script may run, even if some markup slipped through; nothing is fetched.
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    values = {"title": escape(title, quote=True), "csp": csp, "css": _asset("report.css"),
              "overview": overview.render(), "data": embed_json(data), "script": script,
              "count": f"{overview.docs:,} document{'' if overview.docs == 1 else 's'}"}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("template.html"))
