"""Progress is drawn only for people: never into a pipe or a log file."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from textmill.progress import progress


@pytest.mark.parametrize("enabled", [None])
def test_progress_off_when_not_a_tty(monkeypatch, enabled):
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    with progress(enabled=enabled) as advance:
        assert advance is None
    assert stderr.getvalue() == ""


@pytest.mark.parametrize(("steps", "total"), [([3, 4], 7), ([1], 1)])
def test_progress_counts_when_enabled(steps, total):
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80)
    with progress(enabled=True, console=console) as advance:
        for n in steps:
            advance(n)
    assert f"{total} documents" in buffer.getvalue()
