"""Evaluate the `quotes` step on a gold JSON Lines file with the shared scorer.

Usage:
    .venv/bin/python tests/eval/eval_quotes.py GOLD.jsonl [--scorer PATH] [--limit N]
        [--pred OUT.jsonl] [--bench] [--errors N]

Runs an `entities, quotes` pipeline through the real textmill Engine over the gold file's
texts (read by path; nothing is copied into the repository), converts the records to the
scorer's prediction format and prints the scorer's figures for the kinds direct,
direct+mixed and all. For the direct subsets it prints two rows: every prediction
(unmatched indirect predictions count as false positives) and only predictions of the
kinds being scored (`--filter-pred-kind`, how a direct-quote extractor is compared).
`--bench` also times parsing alone against the whole pipeline (documents per second).
`--errors N` prints up to N speaker errors per gold kind (wrong or missing speaker on a
matched content), with the sentence around the gold speaker, for error analysis.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textmill import Document, Engine, pipeline_from_dict

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "tools" / "score_quotes.py"
STEPS: list[dict[str, Any]] = [{"use": "entities"}, {"use": "quotes"}]


def to_prediction(record: dict[str, Any]) -> dict[str, Any]:
    """One textmill record as the scorer's prediction line."""
    quotes = []
    for q in record.get("quotes", []):
        speaker = q["speaker"] or {}
        cue = q["cue"] or {}
        quotes.append({
            "content_start": q["start"], "content_end": q["end"], "content_spans": q["spans"],
            "speaker": speaker.get("text"), "speaker_start": speaker.get("start"),
            "speaker_end": speaker.get("end"), "cue_start": cue.get("start"),
            "cue_end": cue.get("end"), "kind": q["kind"],
        })
    return {"id": record["id"], "quotes": quotes}


def load_scorer(path: Path) -> Any:
    """Import the shared scorer module from its path."""
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"Error: cannot import the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(name: str, res: dict[str, Any]) -> str:
    """One line of figures."""
    ov, e2e = res["content_overlap50"], res["end_to_end"]
    spk = res["speaker_accuracy_lenient"]
    return (f"{name:<28} overlap P {ov['precision']:.3f} R {ov['recall']:.3f} "
            f"F1 {ov['f1']:.3f} | exact F1 {res['content_exact']['f1']:.3f} | "
            f"speaker acc (lenient) {spk if spk is None else f'{spk:.3f}'} "
            f"(strict {res['speaker_accuracy_strict']}) | end-to-end F1 {e2e['f1']:.3f} | "
            f"cue acc {res['cue_accuracy']} | gold {ov['n_gold']}")


def bench(engine: Engine, docs: list[Document]) -> None:
    """Documents/s of parsing alone and of the whole pipeline, on the same texts."""
    texts = [d.text for d in docs]
    list(engine.nlp.pipe(texts[:8]))  # warm up
    t0 = time.perf_counter()
    list(engine.nlp.pipe(texts))
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.process(docs)
    full = time.perf_counter() - t0
    print(f"parse only: {len(docs) / parse:.2f} docs/s; entities+quotes pipeline: "
          f"{len(docs) / full:.2f} docs/s; ratio {parse / full:.3f}")


def speaker_errors(scorer: Any, gold: list[dict[str, Any]], records: list[dict[str, Any]],
                   limit: int) -> None:
    """Print speaker errors on content-matched quotes, grouped by gold kind."""
    by_id = {r["id"]: to_prediction(r) for r in records}
    errors: dict[str, list[str]] = {}
    counts: dict[str, list[int]] = {}
    for g in gold:
        text = g["text"]
        golds = [q for q in g["quotes"] if scorer.frags(q, "speaker")]
        preds = by_id[g["id"]]["quotes"]
        gsets = [scorer.alnum_set(text, scorer.frags(q, "content")) for q in g["quotes"]]
        psets = [scorer.alnum_set(text, scorer.frags(q, "content")) for q in preds]
        pairs = scorer.greedy_match(psets, gsets, scorer.overlap, 0.5)
        for i, j, _ in pairs:
            gq, pq = g["quotes"][j], preds[i]
            if gq not in golds:
                continue
            gs = scorer.alnum_set(text, scorer.frags(gq, "speaker"))
            ps = scorer.alnum_set(text, scorer.frags(pq, "speaker"))
            ok = bool(gs & ps) or bool(scorer.name_tokens(gq.get("speaker"))
                                       & scorer.name_tokens(pq.get("speaker")))
            if ok:
                continue
            kind = str(gq.get("kind"))
            missing = pq["speaker_start"] is None
            counts.setdefault(kind, [0, 0])[missing] += 1
            lo = max(0, min(gq["speaker_start"], gq["content_start"]) - 60)
            hi = min(len(text), max(gq["speaker_end"], gq["content_start"]) + 80)
            where = text[lo:hi].replace("\n", " / ")
            cue = text[pq["cue_start"]:pq["cue_end"]] if pq["cue_start"] is not None else None
            errors.setdefault(kind, []).append(
                f"  [{g['id']}] gold {gq.get('speaker')!r} pred {pq.get('speaker')!r} "
                f"cue {cue!r}\n      ...{where}...")
    for kind, (wrong, missing) in sorted(counts.items()):
        print(f"speaker errors on gold {kind}: {wrong} wrong, {missing} missing")
        for line in errors[kind][:limit]:
            print(line)


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--pred", type=Path, default=None, help="keep the predictions here")
    ap.add_argument("--bench", action="store_true", help="also time parsing vs the pipeline")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print up to N speaker errors per gold kind")
    args = ap.parse_args(argv)
    with args.gold.open(encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        gold = gold[:args.limit]
    docs = [Document(id=g["id"], text=g["text"]) for g in gold]
    engine = Engine(pipeline_from_dict({"textmill": 1, "name": "eval-quotes",
                                        "steps": STEPS}))
    records = engine.process(docs)
    failed = [r["id"] for r in records if r["errors"]]
    if failed:
        print(f"warning: {len(failed)} documents had errors, e.g. {failed[0]!r}",
              file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        gold_path = Path(tmp) / "gold.jsonl"
        with gold_path.open("w", encoding="utf-8") as fh:
            for g in gold:
                fh.write(json.dumps(g) + "\n")
        pred_path = args.pred or Path(tmp) / "pred.jsonl"
        with pred_path.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(to_prediction(record)) + "\n")
        scorer = load_scorer(args.scorer)
        print(f"{len(gold)} documents, {sum(len(r.get('quotes', [])) for r in records)} "
              f"predicted quotes, model {engine.model}")
        for name, kinds, only in [("direct (direct preds)", {"direct"}, True),
                                  ("direct (all preds)", {"direct"}, False),
                                  ("direct+mixed (d+m preds)", {"direct", "mixed"}, True),
                                  ("direct+mixed (all preds)", {"direct", "mixed"}, False),
                                  ("all", None, False)]:
            res = scorer.score(str(gold_path), str(pred_path), kinds, 0.5, only)
            print(row(name, res))
        res = scorer.score(str(gold_path), str(pred_path), None, 0.5, False)
        print("recall by gold kind:", json.dumps(res["recall_by_gold_kind_overlap50"]))
        if args.errors:
            speaker_errors(scorer, gold, records, args.errors)
    if args.bench:
        bench(engine, docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
