"""Cost of the `entities` step per 10,000 characters as documents grow (issue: linear time).

    nice .venv/bin/python tests/bench/bench_entities_scale.py [--rounds 3] [--sizes 50000,...]

Builds two kinds of long documents, parses each once (the Engine's own components, long texts
in segments as a run does), then times the step alone on the parsed Doc in interleaved rounds
and prints the median cost per 10,000 characters and its ratio to the smallest size:

- dense: N copies of "Officials said that about 3,000 troops had arrived." (N = 2,000,
  4,000, 8,000 by default);
- news: seeds/north-korea-ukraine.txt repeated to about 50 kB, 500 kB and 5 MB;
- names: N copies of a sentence naming two people who share a surname, then the bare surname
  (N = 500, 1,000, 2,000): every bare "Clinton" asks which Clinton was named most so far.

Parsing 5 MB takes minutes; the step itself is what is timed. Writes nothing.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textmill import Engine, pipeline_from_dict
from textmill.longdocs import parse_long

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Officials said that about 3,000 troops had arrived."
NAMES = ("Hillary Clinton met Bill Clinton in Ohio. "
         "Clinton said that about 3,000 troops had arrived.")


def _texts(dense: list[int], sizes: list[int], seed: str,
           names: list[int] = ()) -> list[tuple[str, str]]:
    out = [(f"dense N={n:,}", " ".join([SENTENCE] * n)) for n in dense]
    out += [(f"names N={n:,}", " ".join([NAMES] * n)) for n in names]
    for size in sizes:
        copies = max(1, round(size / (len(seed) + 2)))
        out.append((f"news {size / 1e6:g} MB", "\n\n".join([seed] * copies)))
    return out


def _parse(nlp: Language, text: str, cache: str | None) -> Doc:
    """The parsed Doc of ``text``, from ``cache`` when it holds one for the same text."""
    from spacy.tokens import DocBin

    if not cache:
        return parse_long(nlp, text)
    digest = hashlib.sha256(("|".join(nlp.pipe_names) + text).encode()).hexdigest()[:16]
    path = Path(cache) / f"{digest}.spacy"
    if path.exists():
        return next(DocBin().from_disk(path).get_docs(nlp.vocab))
    doc = parse_long(nlp, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=[doc]).to_disk(path)
    return doc


def main() -> None:
    """Parse each text once, time the step in interleaved rounds, print cost per 10k chars."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--dense", default="2000,4000,8000", help="copies of the sentence")
    parser.add_argument("--sizes", default="50000,500000,5000000", help="news text sizes")
    parser.add_argument("--names", default="500,1000,2000", help="copies of the names sentence")
    parser.add_argument("--seed", default=str(ROOT / "seeds" / "north-korea-ukraine.txt"))
    parser.add_argument("--cache", help="directory to keep the parsed Docs in between runs")
    args = parser.parse_args()

    seed = Path(args.seed).read_text(encoding="utf-8")
    texts = _texts([int(n) for n in args.dense.split(",") if n],
                   [int(n) for n in args.sizes.split(",") if n], seed,
                   [int(n) for n in args.names.split(",") if n])
    engine = Engine(pipeline_from_dict({"textmill": 1, "name": "bench",
                                        "steps": [{"use": "entities"}]}))
    nlp, (step,) = engine.nlp, engine.steps
    parsed = []
    for name, text in texts:
        t0 = time.perf_counter()
        parsed.append((name, text, _parse(nlp, text, args.cache)))
        print(f"parsed {name}: {len(text):,} chars in {time.perf_counter() - t0:.1f} s",
              flush=True)
    step.process([parsed[0][2]], [{"text": parsed[0][1]}])  # warm up: lazy imports, caches
    times: dict[str, list[float]] = {name: [] for name, _, _ in parsed}
    clusters: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, text, doc in parsed:
            gc.collect()  # the previous document's garbage is not this one's cost
            t0 = time.perf_counter()
            (rows,) = step.process([doc], [{"text": text}])
            times[name].append(time.perf_counter() - t0)
            clusters[name] = len(rows)
            del rows
    print(f"{'document':<16} {'chars':>10} {'clusters':>8} {'step s':>8} "
          f"{'ms/10k chars':>12} {'ratio':>6}")
    base: dict[str, float] = {}
    for name, text, _ in parsed:
        seconds = statistics.median(times[name])
        per10k = seconds * 1000 / (len(text) / 10_000)
        kind = name.split()[0]
        base.setdefault(kind, per10k)
        print(f"{name:<16} {len(text):>10,} {clusters[name]:>8} {seconds:>8.3f} {per10k:>12.2f} "
              f"{per10k / base[kind]:>6.2f}")


if __name__ == "__main__":
    main()
