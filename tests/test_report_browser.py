"""The report in a real browser: headless Chromium draws it, runs its script, logs no errors.

Chromium comes from Debian's `chromium` package, installed by `.ci/run` (as root) or by hand
(`apt-get install chromium`); a test never installs anything, and without a browser these
tests skip saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.reportdata import build_record, synthetic_corpus
from textmill.report import render_report

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # gitignored; screenshots are never committed
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]
QUOTE_INK = bytes.fromhex("6741d9")  # --quote in report.css: drawn only by the page's script
AGAINST = bytes.fromhex("d1453b")    # the stance matrix's "against" colour (Python-drawn)
PAYLOAD = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','1')\">"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the Chromium binary; the browser tests skip, saying why, when there is none."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists(
        "/usr/bin/chromium") else None)
    if not found:
        pytest.skip("no chromium on PATH: install it with `apt-get install chromium` "
                    "(.ci/run does this when it runs as root)")
    return found


def browse(chromium, tmp_path, page: Path, *args, fragment=""):
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args,
                           page.as_uri() + fragment], capture_output=True, text=True,
                          timeout=180)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc, console


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, bytes per pixel, rows) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and not interlace, header
    bpp = 3 if color == 2 else 4
    stride, raw = width * bpp, zlib.decompress(b"".join(idat))
    prev, rows = bytes(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        rows.append(prev := _unfilter(kind, line, prev, bpp))
    return width, bpp, rows


def _unfilter(kind: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    if kind == 0:
        return line
    if kind == 2:
        return bytes(map(lambda a, b: (a + b) & 255, line, prev)) if any(line) else prev
    out = bytearray(line)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + a) & 255
            continue
        b = prev[i]
        if kind == 3:
            out[i] = (out[i] + ((a + b) >> 1)) & 255
            continue
        c = prev[i - bpp] if i >= bpp else 0
        pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
        out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    return bytes(out)


def has_pixel(rows: list[bytes], bpp: int, rgb: bytes) -> bool:
    for row in rows:
        at = row.find(rgb)
        while at >= 0:
            if at % bpp == 0:
                return True
            at = row.find(rgb, at + 1)
    return False


def browser_records():
    text = ("Mayor Lena Ortiz said: \u201cThe harbour plan will cost $2.5 billion and create "
            "4,000 jobs.\u201d Critics at the Dock Workers Union disagreed, saying about 40% "
            "of members oppose it.\n")
    first = build_record(
        "harbour-plan", text * 3,
        entities=[("Lena Ortiz", "PERSON"), ("Dock Workers Union", "ORG")],
        quotes=[("The harbour plan will cost $2.5 billion and create 4,000 jobs.", "Lena Ortiz",
                 "said", "direct")],
        numbers=[("$2.5 billion", 2.5e9, "money", "USD"), ("4,000", 4000, "cardinal", None),
                 ("40%", 40, "percent", "%")],
        stances=[("Dock Workers Union", "Lena Ortiz", "against", -0.55, "Critics at the Dock")])
    hostile = build_record(f"evil {PAYLOAD}", f"Eve said: \u201c{PAYLOAD}</script>\u201d",
                           quotes=[(PAYLOAD, "Eve", "said", "direct")],
                           entities=[("Eve", "PERSON")])
    return [first, *synthetic_corpus(40, paragraphs=2), hostile]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(browser_records(), title="Browser test"), encoding="utf-8")
    return path


@pytest.mark.slow
def test_report_browser_screenshot_is_drawn(chromium, tmp_path, report_file):
    png = tmp_path / "report.png"
    proc, console = browse(chromium, tmp_path, report_file, f"--screenshot={png}",
                           "--window-size=1280,2000")
    assert proc.returncode == 0 and png.exists(), proc.stderr[-2000:]
    assert not console, console
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "report-screenshot.png")
    width, bpp, rows = read_png(png)
    colours = {row[x:x + 3] for row in rows[::8] for x in range(0, width * bpp, bpp * 8)}
    assert len(colours) > 50, f"the screenshot looks blank ({len(colours)} colours)"
    assert has_pixel(rows, bpp, AGAINST), "the stance matrix was not drawn"
    assert has_pixel(rows, bpp, QUOTE_INK), "the script did not draw the document's quotes"


def dump_dom(chromium, tmp_path, page, fragment=""):
    proc, console = browse(chromium, tmp_path, page, "--dump-dom", fragment=fragment)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not console, console
    head = proc.stdout[:proc.stdout.index("<head")]
    assert 'data-report-ready="1"' in head and "data-report-error" not in head
    return proc.stdout, head


@pytest.mark.slow
@pytest.mark.parametrize("marks", [[
    'class="quote direct" title="direct quote · Lena Ortiz"',
    'class="num" title="= USD 2,500,000,000 · money"', 'class="num" title="= 40% · percent"',
    'class="ent" title="ORG · Dock Workers Union"', '<span class="id">news/0023</span>',
    "page 1 of 2",
]])
def test_report_browser_draws_first_document(chromium, tmp_path, report_file, marks):
    dom, _ = dump_dom(chromium, tmp_path, report_file)
    for mark in marks:
        assert mark in dom, mark
    assert "news/0024" not in dom.split('id="report-data"')[0]  # page 2 is not drawn


@pytest.mark.slow
def test_report_browser_keeps_hostile_text_inert(chromium, tmp_path, report_file):
    dom, head = dump_dom(chromium, tmp_path, report_file,
                         fragment="#doc=" + quote(f"evil {PAYLOAD}", safe=""))
    assert 'class="doctext"' in dom and 'class="quote direct"' in dom
    assert 'data-pwned="1"' not in head  # the payload never ran...
    assert "&lt;img src=x onerror=" in dom  # ...and is shown as text
    assert dom.count("<img") == 0


@pytest.mark.slow
@pytest.mark.parametrize("query", ["Lakeside harbour"])
def test_report_browser_search_from_link(chromium, tmp_path, report_file, query):
    terms = query.lower().split()
    expected = [r["id"] for r in browser_records()
                if all(t in r["text"].lower() or t in r["id"] for t in terms)]
    assert 0 < len(expected) < 25
    dom, _ = dump_dom(chromium, tmp_path, report_file, fragment="#q=" + quote(query))
    listed = re.findall(r'<span class="id">([^<]*)</span>', dom)
    assert listed == expected
    assert f'<p class="hits" id="hits">{len(expected)} of 42 documents</p>' in dom
    assert "<h3>" + expected[0] + "</h3>" in dom  # the first hit is shown
