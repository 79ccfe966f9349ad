"""Evaluate the `numbers` step on a gold JSON Lines file, through the real textmill Engine.

usage: python tests/eval/eval_numbers.py GOLD.jsonl [--span overlap] [--by kind] [--errors N]
                                         [--raw] [--pred OUT.jsonl]
       python tests/eval/eval_numbers.py --speed TEXTS.jsonl [--repeat 1]

Writes predictions {"id","numbers":[{"start","end","value","kind"}]} to a temporary file and
prints the output of /work/shared/tools/score_numbers.py GOLD PRED --span overlap.

The gold sets write two things differently from the textmill contract; unless --raw is given,
the predictions are translated (the information is in our records, only its shape differs):
  * fractions are filed as "cardinal" in every gold set, so kind "fraction" is scored as cardinal;
  * a bound on a unitless number ("more than 30": value 30, qualifier "more than") is written
    as an open range ([30, null]) in the gold sets, so lower/upper-bound qualifiers become one.
    (Equality, "equal to 30", stays 30: Recognizers-Text's range spec writes [30, 30] but its
    number spec and quantulum3 write 30, so no single translation is right.)
--speed times nlp.pipe with the numbers step's components alone vs. parse + numbers step, and
the step alone on the parsed docs (its share of parse time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textmill import Document, Engine, pipeline_from_dict
from textmill_numbers.extract import Extractor
from textmill_numbers.lexicon import load_lexicon

SCORER = Path("/work/shared/tools/score_numbers.py")
PIPELINE = {"textmill": 1, "name": "eval-numbers", "model": "en_core_web_sm",
            "steps": [{"use": "numbers"}]}


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_gold_shape(number: dict, bounds: dict[str, str]) -> dict:
    """One prediction in the gold sets' conventions."""
    kind, value = number["kind"], number["value"]
    if kind == "fraction":
        kind = "cardinal"
    bound = bounds.get(number["qualifier"] or "")
    if bound and kind == "cardinal" and not isinstance(value, list):
        value = [value, None] if bound == "lower" else [None, value]
        kind = "range"
    return {"start": number["start"], "end": number["end"], "value": value, "kind": kind}


def predict(gold: list[dict], *, raw: bool, batch: int = 64) -> tuple[list[dict], float]:
    engine = Engine(pipeline_from_dict(PIPELINE))
    bounds = {} if raw else {q.phrase: q.bound for q in load_lexicon().hedges.values()
                             if q.bound in ("lower", "upper")}
    bounds.update({} if raw else {"or more": "lower"})
    out: list[dict] = []
    t0 = time.perf_counter()
    for i in range(0, len(gold), batch):
        docs = [Document(id=c["id"], text=c["text"]) for c in gold[i:i + batch]]
        for rec in engine.process(docs):
            nums = rec.get("numbers", [])
            out.append({"id": rec["id"], "numbers": [
                ({k: n[k] for k in ("start", "end", "value", "kind")} if raw
                 else to_gold_shape(n, bounds)) for n in nums]})
    return out, time.perf_counter() - t0


def speed(path: str, repeat: int) -> None:
    """Documents/s of parsing alone vs. parsing plus the numbers step."""
    texts = [c["text"] for c in read_jsonl(path)]
    engine = Engine(pipeline_from_dict(PIPELINE))
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    list(engine.nlp.pipe(texts[:5]))  # warm up
    parse = full = step = 0.0
    extractor = Extractor()
    for _ in range(repeat):
        t0 = time.perf_counter()
        parsed = list(engine.nlp.pipe(texts, batch_size=32))
        parse += time.perf_counter() - t0
        # the step alone on the parsed docs: the ratio below is within the noise of a shared CPU
        t0 = time.perf_counter()
        for doc in parsed:
            extractor.extract(doc.text, doc)
        step += time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(0, len(docs), 32):
            engine.process(docs[i:i + 32])
        full += time.perf_counter() - t0
    n = len(texts) * repeat
    print(f"pipes: {engine.nlp.pipe_names}")
    print(f"parse only: {n / parse:.1f} docs/s; parse + numbers: {n / full:.1f} docs/s; "
          f"ratio {parse / full:.3f} ({len(texts)} docs x {repeat})")
    print(f"numbers step alone: {step:.2f}s = {step / parse:.1%} of parse time ({parse:.1f}s)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?")
    ap.add_argument("--span", default="overlap", choices=["exact", "overlap", "none"])
    ap.add_argument("--by", default="subset", choices=["subset", "kind", "none"])
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--raw", action="store_true", help="score records without translation")
    ap.add_argument("--pred", help="keep the prediction file here")
    ap.add_argument("--speed", metavar="TEXTS.jsonl")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    if a.speed:
        speed(a.speed, a.repeat)
        return
    if not a.gold:
        ap.error("GOLD.jsonl is required (or --speed TEXTS.jsonl)")
    gold = read_jsonl(a.gold)
    preds, seconds = predict(gold, raw=a.raw)
    pred_path = a.pred or tempfile.NamedTemporaryFile(
        "w", suffix=".jsonl", prefix="numbers-pred-", delete=False).name
    with open(pred_path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"system": "textmill numbers" + (" (raw)" if a.raw else ""),
                             "cases_per_s": len(gold) / seconds, "n_cases": len(gold),
                             "seconds": seconds}) + "\n")
        for p in preds:
            fh.write(json.dumps(p) + "\n")
    cmd = [sys.executable, str(SCORER), a.gold, pred_path, "--span", a.span, "--by", a.by,
           "--errors", str(a.errors)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    raise SystemExit(result.returncode)


if __name__ == "__main__":
    main()
