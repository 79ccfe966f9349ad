"""A live document counter on stderr, only when a person is watching (a TTY)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@contextmanager
def progress(*, enabled: bool | None = None,
             console: Console | None = None) -> Iterator[Callable[[int], None] | None]:
    """Yield ``advance(n)`` drawing a rich progress line, or None when stderr is not a TTY.

    ``console`` replaces the stderr console (tests draw into a buffer).
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from rich.console import Console as RichConsole
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.completed} documents"),
               TextColumn("[dim]{task.fields[rate]}"), TimeElapsedColumn())
    with Progress(*columns, console=console or RichConsole(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=None, rate="")

        def advance(n: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, advance=n, rate=f"{speed:.1f} docs/s" if speed else "")

        yield advance
