"""`textmill report`: render output records as one self-contained HTML page."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import click

from .errors import UsageError


def _check_exists(path: str) -> None:
    if path != "-" and not os.path.isfile(path):
        raise UsageError(f"{path}: no such results file. Hint: pass the JSON Lines written by "
                         "'textmill run PIPELINE INPUT -o RESULTS.jsonl'.")


def iter_jsonl(path: str) -> Iterator[Any]:
    """Parsed lines of a JSON Lines file ('-' is stdin); blank lines are skipped."""
    name = "<stdin>" if path == "-" else path
    _check_exists(path)
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{name}:{number}:{exc.colno}: not valid JSON ({exc.msg}). "
                                 "Expected one JSON object per line, as 'textmill run' "
                                 "writes.") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}). "
                         "Hint: results files are UTF-8 JSON Lines.") from None
    finally:
        if fh is not sys.stdin:
            fh.close()


def _store_records(store: str) -> Iterator[Any]:
    """The latest record of every document in a store written by `textmill run --store`."""
    from .store_cli import open_existing

    with open_existing(store) as db:
        yield from db.latest_records()


def _write(path: str, page: str) -> None:
    """Write atomically: a temporary beside the target, renamed into place."""
    if path == "-":
        sys.stdout.write(page)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".textmill-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@click.command()
@click.argument("results", nargs=-1, metavar="[RESULTS.jsonl]...")
@click.option("--store", metavar="DB", help="Read the results held in this SQLite store.")
@click.option("-o", "--output", required=True, metavar="REPORT.html",
              help="Where to write the page ('-' for stdout).")
@click.option("--title", help="Page title (default: 'textmill report: <input name>').")
@click.option("--page-size", type=click.IntRange(5, 1000), default=25, show_default=True,
              help="Documents per page of the document list.")
def report(results: tuple[str, ...], store: str | None, output: str, title: str | None,
           page_size: int) -> None:
    """Render RESULTS (JSON Lines from `textmill run`) as a self-contained HTML report."""
    from itertools import chain

    from .report import render_report

    if bool(results) == bool(store):
        raise UsageError("give either RESULTS.jsonl files or --store DB (exactly one source). "
                         "Hint: textmill report out/news.jsonl -o report.html")
    if store:
        records: Any = _store_records(store)
        default = os.path.basename(store)
    else:
        for path in results:  # every named file must exist before any work starts
            _check_exists(path)
        records = chain.from_iterable(iter_jsonl(p) for p in results)
        default = ", ".join("stdin" if p == "-" else os.path.basename(p) for p in results)
    page = render_report(records, title=title or f"textmill report: {default}",
                         page_size=page_size)
    _write(output, page)
    if output != "-" and not click.get_current_context().find_root().params.get("quiet"):
        size = os.path.getsize(output)
        shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        click.echo(f"report: wrote {output} ({shown})", err=True)


COMMANDS = [report]
