"""The HTML report: structure, escaping of hostile text, no external URLs, partial records, CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from tests.reportdata import build_record, synthetic_corpus
from textmill.report import build_data, embed_json, render_report


class Page(HTMLParser):
    """Tags, attributes, script bodies and the text under each class, as the parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._open: list[str] = []
        self.text_by_class: dict[str, list[str]] = {}
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = attrs
        if tag not in {"meta", "link", "input", "br", "img"}:
            self._open.append(attrs.get("class") or "")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))
            self._script = None
            return
        for cls in self._open:
            for name in cls.split():
                self.text_by_class.setdefault(name, []).append(data)

    def data(self) -> dict:
        (blob,) = [body for attrs, body in self.scripts if attrs.get("type") == "application/json"]
        return json.loads(blob)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k) == v for k, v in attrs.items())]


QUOTE = "These first battles with North Korea open a new chapter of instability in the world."


@pytest.fixture(scope="module")
def seed_record():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "seeds" / "north-korea-ukraine.txt") \
        .read_text(encoding="utf-8")
    return build_record(
        "north-korea-ukraine", text, source="seeds/north-korea-ukraine.txt",
        entities=[("Volodymyr Zelensky", "PERSON"), ("Rustem Umerov", "PERSON"),
                  ("North Korea", "GPE"), ("Russia", "GPE"), ("NATO", "ORG")],
        quotes=[(QUOTE, "Volodymyr Zelensky", "stating", "direct")],
        numbers=[("11,000", 11000, "cardinal", None)],
        stances=[("Volodymyr Zelensky", "North Korea", "against", -0.62, QUOTE)])


@pytest.mark.parametrize("title", ["Seed report"])
def test_report_seed_structure(seed_record, title):
    page = Page(render_report([seed_record], title=title))
    assert page.find("title") and page.text_by_class.get("sub")
    assert [a for t, a in page.tags if t == "h1"]
    # one data blob and one script that runs; nothing else executable
    kinds = [attrs.get("type") for attrs, _ in page.scripts]
    assert kinds == ["application/json", None], kinds
    # the overview: figures, ranked entities, speakers, and the stance matrix
    figures = dict(zip(page.text_by_class["what"], page.text_by_class["n"][:6], strict=False))
    assert figures["document"] == "1" and figures["quotes"] == "1" and figures["stances"] == "1"
    picks = [a["data-search"] for a in page.find("button") if a.get("class") == "pick"]
    assert "North Korea" in picks and picks.count("Volodymyr Zelensky") == 2  # entity + speaker
    assert page.find("table", **{"class": "matrix"})
    (cell,) = [a for a in page.find("td") if "cell" in (a.get("class") or "")]
    assert cell["class"] == "cell against"
    assert cell["title"].startswith("Volodymyr Zelensky \u2192 North Korea: 1 against")
    # the per-document data the script draws: offsets still point at the right words
    (doc,) = page.data()["docs"]
    assert doc["id"] == "north-korea-ukraine" and doc["dropped"] == 0
    for ent in doc["entities"]:
        assert all(doc["text"][s:e] == ent["name"] for s, e in ent["m"]) and ent["m"]
    (quote,) = doc["quotes"]
    assert [doc["text"][s:e] for s, e in quote["spans"]] == [QUOTE]
    assert quote["speaker"]["entity"] == "e1"
    assert page.data()["labels"].keys() == {"PERSON", "GPE", "ORG"}


HOSTILE = [
    "</script><script>document.title='PWNED'</script>",
    "<!--<script>alert(1)</script>-->",
    '<img src=x onerror="alert(1)"><svg onload=alert(1)>',
    '"\'><iframe src="javascript:alert(1)"></iframe>',
    "{{script}} {{data}} </SCRIPT >",
    "line\u2028separator\u2029 & &amp; \U0001f600 \ud800",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_report_escapes_hostile_input(payload):
    text = f"Eve Hacker said: \u201c{payload}\u201d and left."
    record = build_record(payload, text, meta={payload: payload}, source=payload,
                          entities=[("Eve Hacker", "PERSON")],
                          quotes=[(payload, "Eve Hacker", "said", "direct")],
                          stances=[("Eve Hacker", payload, "favor", 0.4, payload)],
                          errors=[{"step": payload, "type": "X", "message": payload}])
    record["entities"].append({"id": "e9", "name": payload, "label": payload, "count": 0,
                               "mentions": []})
    html = render_report([record], title=payload)
    page = Page(html)
    assert {t for t, _ in page.tags} <= {"html", "head", "meta", "title", "link", "style", "body",
                                         "header", "h1", "p", "main", "section", "div", "h2",
                                         "ol", "li", "button", "span", "table", "thead", "tr",
                                         "th", "tbody", "td", "nav", "input", "article",
                                         "noscript", "footer", "kbd", "script", "i"}
    assert len(page.scripts) == 2
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    (doc,) = page.data()["docs"]
    assert doc["text"] == text and doc["id"] == payload and doc["meta"] == {payload: payload}
    assert page.data()["title"] == payload
    if "<" in payload:  # the raw markup never reaches the page, only its escaped forms
        assert payload not in html


@pytest.mark.parametrize("value, expected", [
    ("</script>", "\\u003c/script>"), ("<!--", "\\u003c!--"), ("\ud800", "\\ud800"),
])
def test_report_embed_json_escapes(value, expected):
    assert expected in embed_json([value])
    assert json.loads(embed_json([value])) == [value]


URL = re.compile(r"(?i)\b(?:https?|ftp|wss?|file):|//[a-z0-9-]+\.[a-z]")


@pytest.mark.parametrize("extra_text", [
    "", "See https://example.org/evil.js and //cdn.example.com/x"])
def test_report_has_no_external_urls(seed_record, extra_text):
    record = dict(seed_record, text=seed_record["text"] + extra_text)
    html = render_report([record], title="urls")
    page = Page(html)
    for _, attrs in page.tags:
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            assert attrs.get(key) in (None, "data:,"), attrs
    outside_data = html.replace(next(b for a, b in page.scripts if a.get("type")), "")
    assert not URL.search(outside_data)
    (csp,) = [a["content"] for a in page.find("meta") if a.get("http-equiv")]
    assert "default-src 'none'" in csp and "connect-src" not in csp
    if not extra_text:
        assert not URL.search(html)


@pytest.mark.parametrize("records", [[{"id": "x", "text": "Plain text only."}]])
def test_report_csp_allows_exactly_the_script(records):
    page = Page(render_report(records, title="t"))
    (body,) = [b for a, b in page.scripts if not a.get("type")]
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    (csp,) = [a["content"] for a in page.find("meta") if a.get("http-equiv")]
    assert f"script-src 'sha256-{digest}'" in csp


PARTIAL = [
    ({"id": "no-stance", "text": "Ann spoke.", "entities": [], "quotes": [], "numbers": []},
     {"has": ["entities", "quotes", "numbers"], "dropped": 0, "errors": 0}),
    ({"id": "failed", "text": "Bob.", "entities": [],
      "errors": [{"step": "quotes", "type": "ValueError", "message": "boom"}]},
     {"has": ["entities"], "dropped": 0, "errors": 1}),
    ({"id": "bad-offsets", "text": "short",
      "entities": [{"id": "e1", "name": "X", "label": "PERSON", "mentions": [
          {"start": 3, "end": 99}, {"start": "0", "end": 1}, {"start": 0, "end": 5}]}],
      "quotes": [{"id": "q1", "spans": [[4, 2]], "start": 9, "end": 1}, "junk"],
      "numbers": [{"start": True, "end": 2}], "stances": [{"holder": None}]},
     {"has": ["entities", "quotes", "numbers", "stances"], "dropped": 6, "errors": 0}),
    ({"text": None, "entities": "nope"}, {"has": [], "dropped": 0, "errors": 1}),
]


@pytest.mark.parametrize("record, expected", PARTIAL)
def test_report_renders_partial_records(record, expected):
    data, overview = build_data([record, ["not", "an", "object"]], title="partial")
    doc, bad = data["docs"]
    assert {"has": doc["has"], "dropped": doc["dropped"], "errors": len(doc["errors"])} == expected
    assert bad["errors"][0]["type"] == "BadRecord" and overview.docs == 2
    assert Page(render_report([record], title="partial")).data()["docs"]


@pytest.mark.parametrize("count, speakers", [(40, 8)])
def test_report_overview_aggregates_across_documents(count, speakers):
    records = synthetic_corpus(count)
    data, overview = build_data(records, title="many", page_size=25)
    assert overview.docs == count and data["pageSize"] == 25
    assert sum(t.count for t in overview.speakers.values()) == 2 * count
    assert len(overview.speakers) <= speakers
    page = Page(overview.render())
    rows = [a for t, a in page.tags if t == "tr"]
    assert 1 < len(rows) <= 11  # header + at most matrix_size holders


def textmill(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "textmill", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("lines, code, message", [
    (None, 0, "report: wrote"),
    (['{"id": "a", "text": "ok"}', "{not json"], 4, "results.jsonl:2:2: not valid JSON"),
])
def test_report_cli_writes_page_or_explains(tmp_path, seed_record, lines, code, message):
    results = tmp_path / "results.jsonl"
    body = lines if lines is not None else [json.dumps(seed_record)]
    results.write_text("\n".join(body) + "\n", encoding="utf-8")
    out = tmp_path / "sub" / "report.html"
    proc = textmill("report", str(results), "-o", str(out))
    assert proc.returncode == code and message in proc.stderr, proc.stderr
    assert out.exists() == (code == 0)
    if code == 0:
        assert Page(out.read_text(encoding="utf-8")).data()["docs"][0]["id"] == seed_record["id"]
    assert not list((tmp_path / "sub").glob(".textmill-*"))


@pytest.mark.parametrize("args, message", [
    (["--store", "missing.db"], "store 'missing.db' does not exist"),
    ([], "exactly one source"),
    (["missing.jsonl"], "missing.jsonl: no such results file"),
])
def test_report_cli_usage_errors(tmp_path, args, message):
    proc = textmill("report", *args, "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 4 and message in proc.stderr, proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("lines", [['{"id": "b", "text": "two words"}',
                                    '{"id": "a", "text": "one EXPLODE"}']])
def test_report_cli_reads_a_store(tmp_path, blank_model, demo_plugin, lines):
    pipeline = tmp_path / "words.yaml"
    pipeline.write_text(f"textmill: 1\nname: words\nmodel: {blank_model}\n"
                        "steps:\n  - use: words\n")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n")
    db = tmp_path / "store.db"
    run = textmill("run", str(pipeline), str(corpus), "--store", str(db), "-o", "-")
    assert run.returncode == 1, run.stderr  # "a" fails on purpose
    out = tmp_path / "report.html"
    proc = textmill("report", "--store", str(db), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    docs = Page(out.read_text(encoding="utf-8")).data()["docs"]
    assert [d["id"] for d in docs] == ["a", "b"]
    assert docs[0]["errors"] and docs[1]["other"] == ["words"]


@pytest.mark.parametrize("text", ["Mia Kent said: \u201cHello there.\u201d"])
def test_report_cli_reads_stdin_to_stdout(text):
    proc = textmill("report", "-", "-o", "-", stdin=json.dumps({"id": "s", "text": text}) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert Page(proc.stdout).data()["docs"][0]["text"] == text


NEWS_STEPS = ["entities", "quotes", "numbers", "stance"]


@pytest.mark.model
@pytest.mark.parametrize("steps", [NEWS_STEPS, ["entities", "quotes"]])
def test_report_renders_news_pipeline_output(run_steps, seed_text, steps):
    # The built-in steps are always installed: a step that fails to set up fails this test.
    records = run_steps([{"use": s} for s in steps], [seed_text])
    page = Page(render_report(records, title="news"))
    (doc,) = page.data()["docs"]
    assert doc["dropped"] == 0, "the pipeline wrote offsets the report had to drop"
    assert doc["entities"] and doc["quotes"]
    assert set(doc["has"]) == {"stances" if s == "stance" else s for s in steps}
    assert page.text_by_class.get("name")  # top entities / speakers were drawn
