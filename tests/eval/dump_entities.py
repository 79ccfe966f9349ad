"""Write the `entities` step's output on the seed and a JSON Lines set, for a diff across versions.

    .venv/bin/python tests/eval/dump_entities.py OUT.jsonl [--data ../shared/data/polnear/dev.jsonl]
        [--drop key]

One line per document (the seed article first, then each line of ``--data``) with its id, errors
and entities, keys sorted. ``--drop key`` leaves a field out of every entity row, so output of
a version that adds the field can be compared byte for byte with one that does not:

    git archive OLD_COMMIT plugins/textmill_entities | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/plugins python tests/eval/dump_entities.py /tmp/before.jsonl
    python tests/eval/dump_entities.py /tmp/after.jsonl --drop key
    cmp /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from textmill import Document, Engine, pipeline_from_dict

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    """Run the entities step over the seed and the data file; write sorted JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="JSON Lines file to write")
    parser.add_argument("--data", default=str(ROOT / ".." / "shared" / "data" / "polnear" /
                                              "dev.jsonl"),
                        help="JSON Lines with 'id' and 'text' (default: PolNeAR dev beside the "
                             "repository)")
    parser.add_argument("--drop", action="append", default=[],
                        help="entity field to leave out (repeatable)")
    args = parser.parse_args()

    seed = ROOT / "seeds" / "north-korea-ukraine.txt"
    docs = [Document(id="seed", text=seed.read_text(encoding="utf-8"))]
    with open(args.data, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                docs.append(Document(id=row["id"], text=row["text"]))
    engine = Engine(pipeline_from_dict({"textmill": 1, "name": "dump", "model": "en_core_web_sm",
                                        "steps": [{"use": "entities"}]}))
    records = engine.process(docs)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in records:
            entities = [{k: v for k, v in e.items() if k not in args.drop}
                        for e in r["entities"] or []]
            fh.write(json.dumps({"id": r["id"], "errors": r["errors"], "entities": entities},
                                sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{len(records)} documents, {sum(len(r['entities'] or []) for r in records)} clusters "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
