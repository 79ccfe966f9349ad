"""Built-in `quotes` step: direct, indirect and mixed quotes with speaker and cue."""

from __future__ import annotations

from textmill import hookimpl


@hookimpl
def register_steps(register):  # noqa: ANN001, ANN201
    "Register the quotes step"
    from .step import QuotesStep

    register(QuotesStep)
