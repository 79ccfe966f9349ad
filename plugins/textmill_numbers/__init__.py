"""Built-in `numbers` step: every number in news text, normalised."""

from __future__ import annotations

from textmill import hookimpl


@hookimpl
def register_steps(register):  # noqa: ANN001, ANN201
    "Register the numbers step"
    from .step import NumbersStep

    register(NumbersStep)
