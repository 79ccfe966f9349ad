"""Progress is drawn only for people: never into a pipe or a log file."""

from __future__ import annotations

import io

import pytest

from textmill.progress import progress


@pytest.mark.parametrize("enabled", [None])
def test_progress_off_when_not_a_tty(monkeypatch, enabled):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with progress(enabled=enabled) as advance:
        assert advance is None


@pytest.mark.parametrize("steps", [[3, 4]])
def test_progress_counts_when_enabled(steps):
    with progress(enabled=True) as advance:
        for n in steps:
            advance(n)
