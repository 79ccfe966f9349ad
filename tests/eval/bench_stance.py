"""Time the `stance` step alone on parsed documents and give its share of spaCy parse time.

    .venv/bin/python tests/eval/bench_stance.py TEXTS.jsonl [--repeat 3] [--dump OUT.json]
        [--scorer linear] [--profile]

Parses the texts once with the news pipeline's model components (via an Engine of
pipelines/news.yaml), runs the steps before `stance` once, then times the stance step alone on
the parsed docs and records (best of --repeat) in batches of --batch documents. --dump writes
every document's stances, to check that a speed-up leaves the output unchanged.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

from textmill import Document, Engine, load_pipeline
from textmill.engine import new_record

NEWS = Path(__file__).resolve().parents[2] / "pipelines" / "news.yaml"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--scorer", default="linear", choices=["lexicon", "linear", "minilm"])
    ap.add_argument("--dump", help="write {id: stances} here")
    ap.add_argument("--profile", action="store_true", help="cProfile one stance run")
    args = ap.parse_args()
    with open(args.texts, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    pipeline = load_pipeline(str(NEWS))
    engine = Engine(pipeline)
    stance = next(s for s in engine.steps if s.provides == "stances")
    if args.scorer != stance.config.scorer:
        from textmill_stance.scorers import load_scorer

        stance.scorer = load_scorer(args.scorer)
    before = [s for s in engine.steps if s is not stance]
    texts = [r["text"] for r in rows]
    list(engine.nlp.pipe(texts[:3]))  # warm up
    records = [new_record(Document(id=r["id"], text=r["text"])) for r in rows]
    errors: list[list[dict[str, str]]] = [[] for _ in rows]
    t0 = time.perf_counter()
    docs = engine._parse(texts, errors)
    parse = time.perf_counter() - t0
    pairs = [(d, r, e) for d, r, e in zip(docs, records, errors, strict=True)]
    for step in before:
        engine._run_step(step, pairs)
    batches = [(docs[i:i + args.batch], records[i:i + args.batch])
               for i in range(0, len(docs), args.batch)]

    def run() -> list[list[dict]]:
        out = []
        for d, r in batches:
            out.extend(stance.process(d, r))
        return out

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    best = min(times)
    n = sum(len(s) for s in result)
    print(f"pipes: {engine.nlp.pipe_names}; {len(docs)} docs, {n} stances")
    print(f"parse {parse:.2f}s; stance step ({args.scorer}) best of {args.repeat} {best:.3f}s "
          f"= {best / parse:.2%} of parse time (runs: {', '.join(f'{t:.3f}' for t in times)})")
    if args.dump:
        Path(args.dump).write_text(json.dumps({r["id"]: s for r, s in zip(records, result,
                                                                           strict=True)},
                                              indent=1, sort_keys=True), encoding="utf-8")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
