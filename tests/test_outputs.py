"""JSON Lines sinks: atomic files, intact previous output when a run does not finish."""

from __future__ import annotations

import json
import os

import pytest

from textmill.outputs import JsonlSink


@pytest.mark.parametrize("records", [[{"id": "a", "text": "é"}, {"id": "b", "text": "x"}]])
def test_outputs_atomic_rename(tmp_path, records):
    path = tmp_path / "deep" / "out.jsonl"
    sink = JsonlSink(str(path))
    sink.write(records)
    assert not path.exists()  # nothing visible until close
    sink.close()
    assert [json.loads(line) for line in path.read_text().splitlines()] == records
    assert not list(path.parent.glob(".textmill-*"))


@pytest.mark.parametrize("previous", ['{"id": "old"}\n'])
def test_outputs_previous_file_survives_abandoned_run(tmp_path, previous):
    path = tmp_path / "out.jsonl"
    path.write_text(previous)
    sink = JsonlSink(str(path))
    sink.write([{"id": "new"}])
    sink.close(commit=False)
    assert path.read_text() == previous


def test_outputs_removes_temporaries_of_killed_runs(tmp_path):
    import subprocess
    import sys

    # A pid that is gone: a process that has exited and been reaped.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".textmill-out.jsonl-{dead.pid}-abc.part"
    live = tmp_path / f".textmill-out.jsonl-{os.getppid()}-def.part"  # a running process
    other = tmp_path / f".textmill-other.jsonl-{dead.pid}-ghi.part"  # another output's
    for p in (stale, live, other):
        p.write_text("partial\n")
    sink = JsonlSink(str(tmp_path / "out.jsonl"))
    sink.write([{"id": "a"}])
    sink.close()
    assert not stale.exists() and live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, other.name, "out.jsonl"])
