"""Evaluate the `stance` step on a gold file (NewsMTSC or DSE format), through the real Engine.

    .venv/bin/python tests/eval/eval_stance.py GOLD.jsonl [--scorer linear|lexicon|minilm]
        [--pipeline pipelines/stance-accurate.yaml] [--split all|even|odd] [--limit N]
        [--pred OUT.jsonl]

Gold targets (and DSE holders) go to the step in ``meta.stance_targets`` /
``meta.stance_holders``. NewsMTSC: the text's stance toward the target, macro-F1 over
favor/against/neutral. DSE: both directions (e1->e2, e2->e1) are scored; the stronger
non-neutral one is the prediction, and favor/against counts only with the gold holder
(directed); the five-class macro-F1 is printed too. Gold files are read by path only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textmill import Document, Engine, load_pipeline, pipeline_from_dict

LABELS = ("favor", "against", "neutral")


def span(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {"start": row[key + "_start"], "end": row[key + "_end"], "text": row[key]}


def document(row: dict[str, Any]) -> Document:
    if "label5" in row:  # DSE: ask for both directions
        meta = {"stance_targets": [span(row, "e2"), span(row, "e1")],
                "stance_holders": [span(row, "e1"), span(row, "e2")]}
    else:
        meta = {"stance_targets": [span(row, "target")]}
    return Document(id=row["id"], text=row["text"], meta=meta)


def predict(row: dict[str, Any], stances: list[dict[str, Any]]) -> dict[str, Any]:
    if "label5" not in row:
        return {"id": row["id"], "label": stances[0]["label"], "score": stances[0]["score"]}
    best = max((s for s in stances if s["label"] != "neutral"),
               key=lambda s: abs(s["score"]), default=None)
    if best is None:
        return {"id": row["id"], "label": "neutral", "label5": "neutral", "score": 0.0}
    forward = best is stances[0]
    sign = "pos" if best["label"] == "favor" else "neg"
    return {"id": row["id"], "label": best["label"], "score": best["score"],
            "label5": f"{sign}_{'e1_e2' if forward else 'e2_e1'}"}


def f1_table(gold: list[str], pred: list[str], classes: tuple[str, ...],
             same: list[bool] | None = None) -> dict[str, float]:
    """Per-class F1; with ``same``, a non-neutral hit also needs the right direction."""
    out = {}
    for c in classes:
        hit = [g == c and p == c and (same is None or c == "neutral" or s)
               for g, p, s in zip(gold, pred, same or [True] * len(gold), strict=True)]
        tp = sum(hit)
        fp = sum(1 for p, h in zip(pred, hit, strict=True) if p == c and not h)
        fn = sum(1 for g, h in zip(gold, hit, strict=True) if g == c and not h)
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out



def _timed(fn: Any, total: list[float]) -> Any:
    """``fn`` that adds its wall time to ``total[0]``."""
    def wrapper(*args: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args)
        finally:
            total[0] += time.perf_counter() - t

    return wrapper

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("--scorer", default="linear", choices=["lexicon", "linear", "minilm"])
    ap.add_argument("--pipeline", help="a pipeline file to use instead of entities + stance")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--split", choices=["all", "even", "odd"], default="all",
                    help="score only the even or odd rows (0-based): the stance rules were "
                    "written looking at DSE's even rows, so its odd rows are held out")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--pred", help="where to write predictions (default: a temp file)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.gold, encoding="utf-8")]
    rows = rows[{"all": 0, "even": 0, "odd": 1}[args.split]::1 if args.split == "all" else 2]
    rows = rows[:args.limit] if args.limit else rows
    if args.pipeline:
        pipeline = load_pipeline(args.pipeline)
    else:
        pipeline = pipeline_from_dict({"textmill": 1, "name": "eval-stance", "steps": [
            {"use": "entities"}, {"use": "stance", "config": {"scorer": args.scorer}}]})
    engine = Engine(pipeline)
    step = next(s for s in engine.steps if s.provides == "stances")
    step_time, parse_time = [0.0], [0.0]
    step.process = _timed(step.process, step_time)  # type: ignore[method-assign]
    engine._parse = _timed(engine._parse, parse_time)  # type: ignore[method-assign]
    preds, failures = [], 0
    t0 = time.perf_counter()
    for k in range(0, len(rows), args.batch):
        chunk = rows[k:k + args.batch]
        for row, record in zip(chunk, engine.process([document(r) for r in chunk]), strict=True):
            if "stances" not in record:
                failures += 1
                print(f"{row['id']}: {record['errors']}", file=sys.stderr)
                preds.append({"id": row["id"], "label": "neutral", "label5": "neutral"})
                continue
            preds.append(predict(row, record["stances"]))
    total = time.perf_counter() - t0
    out = Path(args.pred) if args.pred else Path(tempfile.mkstemp(suffix=".jsonl")[1])
    out.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    gold = [r["label"] for r in rows]
    pred = [p["label"] for p in preds]
    name = Path(args.gold).parent.name + "/" + Path(args.gold).name
    name += "" if args.split == "all" else f" ({args.split} rows)"
    scorer = args.pipeline or args.scorer
    if "label5" in rows[0]:
        same = [p.get("label5") == r["label5"] for p, r in zip(preds, rows, strict=True)]
        table = f1_table(gold, pred, LABELS, same)
        g5 = [r["label5"] for r in rows]
        p5 = [p.get("label5", "neutral") for p in preds]
        t5 = f1_table(g5, p5, tuple(sorted(set(g5))))
        print(f"{name} [{scorer}] five-class macro-F1 {sum(t5.values()) / len(t5):.3f}")
        kind = "directed macro-F1"
    else:
        table = f1_table(gold, pred, LABELS)
        kind = "macro-F1"
    per_class = " ".join(f"{c}={v:.3f}" for c, v in table.items())
    print(f"{name} [{scorer}] n={len(rows)} {kind} {sum(table.values()) / 3:.3f} ({per_class})")
    pairs = len(rows) * (2 if "label5" in rows[0] else 1)
    print(f"speed: stance step {pairs / step_time[0]:.0f} pairs/s; whole pipeline "
          f"{len(rows) / total:.0f} sentences/s; stance step = {step_time[0] / parse_time[0]:.1%} "
          f"of spaCy parsing; failures={failures}; predictions: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
