"""Built-in `stance` step: who is for or against whom, with evidence."""

from __future__ import annotations

from collections.abc import Callable

from textmill import hookimpl


@hookimpl
def register_steps(register: Callable[..., None]) -> None:
    "Register the stance step"
    from .step import StanceStep

    register(StanceStep)
