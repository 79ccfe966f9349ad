"""Executors: the same records in the same order, whatever the number of workers."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "The minister said on Monday that 40% of the 1,200 schools would reopen.",
    "“We will not back down,” Mayor Ana Lopez told reporters in Madrid.",
    "Germany condemned Russia for the attack, according to a statement.",
    "Prices rose by about $2.5 billion, or 3 percent, last year.",
    "Apple and Microsoft praised the new rules.",
    "",
    "Nothing much happens here.",
]


def run(pipeline, corpus, out, workers, env=None):
    proc = subprocess.run([sys.executable, "-m", "textmill", "run", str(pipeline), str(corpus),
                           "-o", str(out), "--workers", str(workers), "--batch-size", "2"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    return [json.dumps(json.loads(line), sort_keys=True) for line in out.read_text().splitlines()]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [3])
def test_executors_pool_keeps_input_order(tmp_path, blank_model, demo_plugin, workers):
    import os

    pipe = tmp_path / "w.yaml"
    pipe.write_text(f"textmill: 1\nname: w\nmodel: {blank_model}\nsteps:\n  - use: words\n")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": "word " * (i % 7)}) + "\n"
                              for i in range(40)))
    env = dict(os.environ)
    one = run(pipe, corpus, tmp_path / "one.jsonl", 1, env)
    many = run(pipe, corpus, tmp_path / "many.jsonl", workers, env)
    assert one == many
    assert [json.loads(r)["id"] for r in many] == [f"d{i}" for i in range(40)]


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize("pipeline", ["news.yaml"])
def test_executors_one_and_two_workers_byte_identical(tmp_path, seed_text, pipeline):
    corpus = tmp_path / "c.jsonl"
    docs = [{"id": "seed", "text": seed_text}] + [{"id": f"t{i}", "text": t}
                                                  for i, t in enumerate(TEXTS)]
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    path = ROOT / "pipelines" / pipeline
    one = run(path, corpus, tmp_path / "one.jsonl", 1)
    two = run(path, corpus, tmp_path / "two.jsonl", 2)
    assert len(one) == len(docs)
    assert one == two, textwrap.shorten(str(set(one) ^ set(two)), 500)
