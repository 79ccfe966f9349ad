"""Cost of the `entities` step relative to parsing alone.

    .venv/bin/python tests/eval/bench_entities.py /work/shared/data/polnear/dev.jsonl [--repeat 3]

Parses the texts with exactly the components the step needs (the Engine's own model load),
then times (a) ``nlp.pipe`` alone and (b) ``nlp.pipe`` followed by the step, and prints the
best-of-N wall times and their ratio. Reads the data file by path and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import time

from textmill import Engine, pipeline_from_dict


def main() -> None:
    """Time parse-only against parse+entities and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="JSON Lines with a 'text' field per line")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    with open(args.data, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    engine = Engine(pipeline_from_dict({"textmill": 1, "name": "bench",
                                        "steps": [{"use": "entities"}]}))
    nlp, (step,) = engine.nlp, engine.steps
    list(nlp.pipe(texts[:8]))  # warm up

    def parse() -> list:
        return list(nlp.pipe(texts, batch_size=args.batch_size))

    parse_times, step_times, total_times = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        docs = parse()
        t1 = time.perf_counter()
        records = [{"text": t} for t in texts]
        values = step.process(docs, records)
        t2 = time.perf_counter()
        parse_times.append(t1 - t0)
        step_times.append(t2 - t1)
        total_times.append(t2 - t0)
    parse_s, step_s, total_s = min(parse_times), min(step_times), min(total_times)
    chars = sum(len(t) for t in texts)
    mentions = sum(r["count"] for v in values for r in v)
    print(f"texts={len(texts)} chars={chars:,} components={nlp.pipe_names}")
    print(f"clusters={sum(len(v) for v in values)} mentions={mentions}")
    print(f"parse only      : {parse_s:.3f} s ({len(texts) / parse_s:.1f} docs/s)")
    print(f"entities step   : {step_s * 1000:.1f} ms ({step_s / len(texts) * 1000:.2f} ms/doc)")
    print(f"parse + entities: {total_s:.3f} s")
    print(f"ratio (parse+entities)/parse = {total_s / parse_s:.3f}; "
          f"throughput vs parse alone = {parse_s / total_s:.3f}x")


if __name__ == "__main__":
    main()
