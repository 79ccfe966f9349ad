"""JSON Lines sinks: atomic files, intact previous output when a run does not finish."""

from __future__ import annotations

import json

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
