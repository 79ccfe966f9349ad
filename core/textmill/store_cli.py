"""Commands that read (and retry from) a store: `export`, `runs` and `failures`."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from typing import IO, Any

import click

from .cli import apply_log_options, log_options
from .errors import UsageError

STORE_HELP = "The SQLite store written by `textmill run --store DB`."
#: Columns of `runs`, with their headings.
RUN_COLUMNS = [("id", "run"), ("started", "started"), ("took", "took"),
               ("processed", "processed"), ("skipped", "skipped"), ("failed", "failed"),
               ("exit_code", "exit"), ("fingerprint", "fingerprint")]


def open_existing(path: str) -> Any:
    """Open a store that must already exist (reading never creates one)."""
    from .store import Store

    if not os.path.isfile(path):
        raise UsageError(f"store {path!r} does not exist. Hint: it is created by "
                         f"`textmill run PIPELINE INPUT --store {path}`.")
    return Store(path)


@click.command()
@click.option("--store", "store_path", metavar="DB", required=True, help=STORE_HELP)
@click.option("-o", "--output", metavar="FILE.jsonl|FILE.csv",
              help="Write here (atomically); default: JSON Lines on stdout.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Output format (default: from the suffix of -o, else jsonl).")
def export(store_path: str, output: str | None, fmt: str | None) -> None:
    """Write the latest result of every document in the store, ordered by id."""
    fmt = fmt or ("csv" if output and output.lower().endswith(".csv") else "jsonl")
    with open_existing(store_path) as store:
        n = write_records(store.latest_records(), output, fmt)
    click.echo(f"textmill: exported {n} documents from {store_path}", err=True)


def write_records(records: Iterable[dict[str, Any]], output: str | None, fmt: str) -> int:
    """Write records as JSON Lines or CSV to ``output`` (atomically) or stdout; return count."""
    if output is None or output == "-":
        return _write(records, sys.stdout, fmt)
    directory = os.path.dirname(os.path.abspath(output))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".textmill-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            n = _write(records, fh, fmt)
        os.chmod(tmp, 0o644)
        os.replace(tmp, output)
    except BaseException:
        os.unlink(tmp)
        raise
    return n


def _write(records: Iterable[dict[str, Any]], fh: IO[str], fmt: str) -> int:
    from .outputs import dumps

    n = 0
    if fmt == "jsonl":
        for n, record in enumerate(records, 1):
            fh.write(dumps(record) + "\n")
        return n
    # CSV: one row per document; nested values (lists, dicts) as JSON in their cell.
    rows = list(records)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.writer(fh)
    writer.writerow(columns)
    for record in rows:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return len(rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float | bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@click.command()
@click.option("--store", "store_path", metavar="DB", required=True, help=STORE_HELP)
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True,
              help="How many recent runs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def runs(store_path: str, limit: int, as_json: bool) -> None:
    """List recent runs, newest first: counts, exit code, pipeline fingerprint."""
    from .lock import is_locked

    with open_existing(store_path) as store:
        rows = store.runs(limit)
    running = is_locked(store_path)
    for row in rows:
        row["state"] = "finished" if row["finished_at"] else (
            "running" if running and row is rows[0] else "killed")  # no end: running or killed
    if as_json:
        for row in rows:
            row["versions"], row["options"] = json.loads(row["versions"]), json.loads(
                row["options"])
            row.pop("pipeline_data")
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        row["started"] = row["started_at"][:16].replace("T", " ")
        row["took"] = _took(row["started_at"], row["finished_at"]) or row["state"]
        row["fingerprint"] = row["fingerprint"][:8]
    table = [[_text(row[key]) for key, _ in RUN_COLUMNS] for row in rows]
    names = ", ".join(sorted({row["pipeline"] for row in rows}))
    print_table([head for _, head in RUN_COLUMNS], table,
                title=f"Runs of {names or '-'} in {store_path}")


def print_table(headers: list[str], rows: list[list[str]], *, title: str = "") -> None:
    """A table on stdout: rich when it is a terminal, plain aligned text otherwise."""
    if sys.stdout.isatty():
        from rich import box
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title or None, box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0),
                      show_edge=False)
        for header in headers:
            table.add_column(header, no_wrap=True)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    if title:
        click.echo(title)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    for line in [headers, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def _took(started: str, finished: str | None) -> str | None:
    from datetime import datetime

    if finished is None:
        return None
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).seconds
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _text(value: Any) -> str:
    return "-" if value is None else str(value)


@click.command()
@click.option("--store", "store_path", metavar="DB", required=True, help=STORE_HELP)
@click.option("--retry", is_flag=True,
              help="Reprocess only the failed documents, with the pipeline of the run that "
                   "failed them (or --pipeline), and record the new results.")
@click.option("--pipeline", "pipeline_file", type=click.Path(dir_okay=False),
              help="With --retry: use this pipeline file instead of the stored one.")
@click.option("-o", "--output", metavar="OUT.jsonl",
              help="With --retry: also write the retried records here (atomically).")
@click.option("--traceback", "show_traceback", is_flag=True, help="Show each traceback.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@log_options
def failures(store_path: str, retry: bool, pipeline_file: str | None, output: str | None,
             show_traceback: bool, as_json: bool, **log: Any) -> None:
    """List the documents whose latest result has errors; --retry reprocesses them."""
    apply_log_options(**log)
    if retry:
        _retry(store_path, pipeline_file, output)
        return
    if pipeline_file or output:
        raise UsageError("--pipeline and -o go with --retry.")
    with open_existing(store_path) as store:
        rows = store.failures()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    headers = ["document", "step", "type", "message", "run", "when"]
    print_table(headers, [[r["doc_id"], r["step"], r["type"], r["message"][:100],
                           str(r["run_id"]), r["created_at"]] for r in rows],
                title=f"Failures in {store_path}")
    if show_traceback:
        for r in rows:
            click.echo(f"\n{r['doc_id']} ({r['step']}):\n{r['traceback'] or '(no traceback)'}")
    click.echo(f"textmill: {len({r['doc_id'] for r in rows})} failed documents", err=True)


def _retry(store_path: str, pipeline_file: str | None, output: str | None) -> None:
    from itertools import groupby

    from .lock import StoreLock
    from .outputs import JsonlSink
    from .pipeline import load_pipeline, pipeline_from_dict
    from .plugins import get_plugin_manager
    from .runner import Summary, print_summary, run_pipeline

    total = Summary()
    with StoreLock(store_path), open_existing(store_path) as store:
        pm = get_plugin_manager()
        failed = store.failed_documents()
        sinks = [JsonlSink(output)] if output else []
        try:
            for run_id, group in groupby(sorted(failed, key=lambda f: f[0]), key=lambda f: f[0]):
                if pipeline_file:
                    pipe = load_pipeline(pipeline_file, pm)
                else:
                    file, data = store.run_pipeline_data(run_id)
                    pipe = pipeline_from_dict(data, pm, file=file)
                summary = run_pipeline(pipe, [doc for _, doc in group], [_Keep(s) for s in sinks],
                                       pm=pm, store=store, force=True)
                total.processed += summary.processed
                total.failed += summary.failed
                total.seconds += summary.seconds
                total.interrupted |= summary.interrupted
                if summary.interrupted:
                    break
        finally:
            for sink in sinks:
                sink.close()
    print_summary(total)
    sys.exit(total.exit_code)


class _Keep:
    """A sink shared by several runs: writes go through, the runs' closes do not."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink

    def write(self, records: list[dict[str, Any]]) -> None:
        self.sink.write(records)

    def close(self, *, commit: bool = True) -> None:
        pass


COMMANDS = [export, runs, failures]
