"""Benchmark: size of the HTML report and its load time in headless Chromium, for N documents.

    python tests/bench/bench_report.py [--docs 1000] [--pipeline pipelines/news.yaml]
        [--source /work/shared/data/polnear/dev.jsonl] [--unique 84] [--steps entities,quotes]
    python tests/bench/bench_report.py --synthetic [--docs 1000]

Records come from running the pipeline over --unique texts of --source (read by path; nothing is
copied into the repository), repeated with fresh ids to --docs records; --synthetic makes up
contract-shaped records instead (no model). Chromium loads the page from a file; "ready" is the
page's own performance.now() when its script has drawn the overview, list and first document.
Prints one JSON object; the report itself goes to bench-results/ (gitignored).
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def pipeline_records(pipeline: str, steps: str | None, source: Path, unique: int) -> list[dict]:
    """Run the pipeline (or only --steps of it) over the first ``unique`` texts of source."""
    import yaml

    from textmill import Document, Engine, pipeline_from_dict

    spec = yaml.safe_load(Path(pipeline).read_text(encoding="utf-8"))
    spec.pop("output", None)
    if steps:
        spec["steps"] = [{"use": s} for s in steps.split(",")]
    with source.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, unique)]
    engine = Engine(pipeline_from_dict(spec))
    docs = [Document(id=f"u{i}", text=t) for i, t in enumerate(texts)]
    return [r for i in range(0, len(docs), 16) for r in engine.process(docs[i:i + 16])]


def repeat(records: list[dict], docs: int) -> list[dict]:
    return [dict(r, id=f"doc{i:05d}/{r['id']}")
            for i, r in zip(range(docs), itertools.cycle(records), strict=False)]


def chromium_load(page: Path, profile: Path, *extra: str) -> tuple[float, str, list[str]]:
    """Wall seconds of one headless Chromium run, its stdout, and its console lines."""
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    start = time.perf_counter()
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *extra,
                           page.as_uri()], capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, proc.stdout, [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--pipeline", default=str(ROOT / "pipelines" / "news.yaml"))
    parser.add_argument("--steps", help="comma-separated steps to run instead of the pipeline's")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--unique", type=int, default=84, help="distinct texts to process")
    parser.add_argument("--synthetic", action="store_true", help="made-up records, no model")
    args = parser.parse_args()

    from textmill.report import render_report

    start = time.perf_counter()
    if args.synthetic:
        from tests.reportdata import synthetic_corpus

        base, origin = synthetic_corpus(min(args.docs, 200), paragraphs=16), "synthetic"
    else:
        base = pipeline_records(args.pipeline, args.steps, args.source, args.unique)
        origin = f"{args.pipeline} steps={args.steps or 'all'} on {len(base)} texts of " \
                 f"{args.source.name}"
    records = repeat(base, args.docs)
    made = time.perf_counter() - start

    start = time.perf_counter()
    html = render_report(records, title=f"bench: {args.docs} documents")
    rendered = time.perf_counter() - start
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    page = out / f"report-{args.docs}.html"
    page.write_text(html, encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank.html"
        blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
        baseline, _, _ = chromium_load(blank, Path(tmp) / "p0", "--dump-dom")
        wall, dom, console = chromium_load(page, Path(tmp) / "p1", "--dump-dom")
        shot_wall, _, _ = chromium_load(page, Path(tmp) / "p2", f"--screenshot={tmp}/s.png",
                                        "--window-size=1280,2000")
    head = dom[:dom.find("<head")]
    ready = head.split('data-ready-ms="')[1].split('"')[0] if "data-ready-ms" in head else None
    print(json.dumps({
        "docs": len(records), "records_from": origin, "records_seconds": round(made, 2),
        "text_mb": round(sum(len(r["text"]) for r in records) / 1e6, 2),
        "render_seconds": round(rendered, 2),
        "html_mb": round(len(html.encode("utf-8")) / 1e6, 2),
        "chromium_blank_wall_s": round(baseline, 2), "chromium_dump_dom_wall_s": round(wall, 2),
        "chromium_screenshot_wall_s": round(shot_wall, 2),
        "page_ready_ms": int(ready) if ready else None,
        "script_ok": 'data-report-ready="1"' in head, "console_lines": console[:5],
        "report": str(page.relative_to(ROOT)),
    }, indent=2))


if __name__ == "__main__":
    main()
