"""Built-in `stance` step (work in progress: registers nothing yet)."""

from __future__ import annotations

from textmill import hookimpl


@hookimpl
def register_steps(register):  # noqa: ANN001, ANN201
    "Register nothing until the step is implemented"
