"""The `textmill` command line. Commands import spaCy only when they parse text."""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

import click
from loguru import logger

from .errors import TextmillError, UsageError

EXIT_USAGE = 4


def setup_logging(*, verbose: int = 0, quiet: bool = False, log_file: str | None = None,
                  log_format: str = "text", rotation: str | None = None,
                  retention: str | None = None) -> None:
    """Logs go to stderr only (so stdout stays machine-readable), and to ``log_file`` if given.

    The file gets INFO and up whatever ``quiet`` says, with rotation and retention as loguru
    reads them ("10 MB", "1 week"; retention also a count of files). ``enqueue`` makes it
    safe when worker processes log too.
    """
    logger.remove()
    level = "WARNING" if quiet else ("DEBUG" if verbose else "INFO")
    as_json = log_format == "json"
    logger.add(sys.stderr, level=level, filter=lambda r: not r["extra"].get("summary"),
               format=_json_line if as_json else "{time:HH:mm:ss} {level: <7} {message}")
    if log_file:
        keep: str | int | None = int(retention) if retention and retention.isdigit() else retention
        logger.add(log_file, level="DEBUG" if verbose else "INFO", enqueue=True,
                   rotation=rotation, retention=keep, encoding="utf-8",
                   format=_json_line if as_json else
                   "{time:YYYY-MM-DD HH:mm:ss.SSS Z} {process} {level: <7} {message}")


def _json_line(record: Any) -> str:
    """One log record as one compact JSON object (for log shippers)."""
    line = {"time": record["time"].isoformat(), "level": record["level"].name,
            "message": record["message"], "pid": record["process"].id,
            **{k: v for k, v in record["extra"].items() if k != "_json"}}
    if record["exception"]:
        line["exception"] = "".join(traceback.format_exception(*record["exception"]))
    record["extra"]["_json"] = json.dumps(line, ensure_ascii=False, default=str)
    return "{extra[_json]}\n"


def log_options(command: Any) -> Any:
    """Add --quiet, --log-file, --log-format, --log-rotation, --log-retention to a command."""
    for option in reversed([
        click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr."),
        click.option("--log-file", metavar="PATH", help="Also log to this file (for cron)."),
        click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
                     show_default=True, help="json: one JSON object per log line."),
        click.option("--log-rotation", metavar="WHEN",
                     help="Start a new log file at a size or age, e.g. '10 MB', '1 day'."),
        click.option("--log-retention", metavar="KEEP",
                     help="Delete rotated log files older than this ('4 weeks') or beyond N."),
    ]):
        command = option(command)
    return command


def apply_log_options(*, quiet: bool, log_file: str | None, log_format: str,
                      log_rotation: str | None, log_retention: str | None) -> None:
    """Reconfigure logging from a command's log options and the group's -v / -q."""
    root = click.get_current_context().find_root().params
    if (log_rotation or log_retention) and not log_file:
        raise UsageError("--log-rotation and --log-retention need --log-file PATH.")
    setup_logging(verbose=root.get("verbose", 0), quiet=quiet or root.get("quiet", False),
                  log_file=log_file, log_format=log_format, rotation=log_rotation,
                  retention=log_retention)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textmill")
@click.option("-v", "--verbose", count=True, help="More log output (debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Extract entities, quotes, numbers and stance from English text with YAML pipelines.

    \b
    Exit codes: 0 ok, 1 some documents failed, 2 interrupted, 3 internal error,
    4 usage or pipeline error, 5 no input documents, 75 store locked by another run.
    """
    setup_logging(verbose=verbose, quiet=quiet)


@cli.command()
@click.argument("pipeline", type=click.Path(dir_okay=False))
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", "output", metavar="OUT.jsonl",
              help="Write JSON Lines here (atomically); default: the pipeline's output, or stdout. "
                   "With a store: only the documents processed in this run.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes on this machine (default: the pipeline's, else 1).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default=None,
              help="local (default) or dask.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address.")
@click.option("--input-format", type=click.Choice(["auto", "text", "jsonl"]), default="auto",
              show_default=True, help="How to read inputs; auto decides by file suffix.")
@click.option("--encoding", default="utf-8", show_default=True,
              help="Encoding of text inputs (e.g. latin-1), or auto: UTF-8, else CP-1252.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="Documents per chunk (default: the pipeline's, else 32).")
@click.option("--doc-timeout", type=click.FloatRange(0, 86_400, min_open=True), default=None,
              metavar="SECONDS", help="Time allowed per document; a slower one is recorded as "
              "failed (default: the pipeline's doc_timeout, else no limit).")
@click.option("--max-doc-chars", type=click.IntRange(0), default=None, metavar="N",
              help="Refuse longer documents, per document (default: the pipeline's "
                   "max_doc_chars, else 10,000,000; 0: no limit).")
@click.option("--store", "store_path", metavar="DB",
              help="SQLite store: skip unchanged documents, record runs and failures, and lock "
                   "against overlapping runs (default: the pipeline's store).")
@click.option("--force", is_flag=True, help="Reprocess documents the store already has.")
@log_options
def run(pipeline: str, inputs: tuple[str, ...], output: str | None, workers: int | None,
        executor: str | None, scheduler: str | None, input_format: str, encoding: str,
        batch_size: int | None, doc_timeout: float | None, max_doc_chars: int | None,
        store_path: str | None, force: bool, **log: Any) -> None:
    """Run PIPELINE over INPUT files, directories, globs, or - (stdin)."""
    from contextlib import ExitStack

    from .inputs import check_inputs, iter_documents
    from .lock import StoreLock
    from .outputs import JsonlSink
    from .pipeline import validate_source
    from .plugins import get_plugin_manager
    from .progress import progress
    from .runner import print_summary, run_pipeline
    from .store import Store
    from .yamlsource import read_source

    apply_log_options(**log)
    src = read_source(pipeline)
    if store_path is None and isinstance(src.data, dict) and isinstance(src.data.get("store"), str):
        store_path = src.data["store"]
    if force and not store_path:
        raise UsageError("--force needs a store. Hint: pass --store DB or set store: in the "
                         "pipeline file.")
    with ExitStack() as stack:
        if store_path:  # first of all, so an overlapping cron run exits 75 at once
            stack.enter_context(StoreLock(store_path))
        pm = get_plugin_manager()
        pipe = validate_source(src, pm)
        changes: dict[str, Any] = {k: v for k, v in (("batch_size", batch_size),
                                                     ("doc_timeout", doc_timeout)) if v is not None}
        if max_doc_chars is not None:
            changes["max_doc_chars"] = max_doc_chars or None  # 0: no limit
        if changes:
            pipe = _with(pipe, pm, **changes)
        if not inputs:
            raise UsageError("no INPUT given. Hint: name files, directories or globs, or - for "
                             "stdin.")
        # Every named path must exist before any work starts (directories are walked later).
        check_inputs(inputs, encoding=encoding)
        store = stack.enter_context(Store(store_path)) if store_path else None
        paths = [output] if output else [o.path for o in pipe.spec.output] or [None]
        sinks = [JsonlSink(p) for p in paths]
        docs = iter_documents(list(inputs), input_format=input_format,  # type: ignore[arg-type]
                              encoding=encoding, max_chars=pipe.spec.max_doc_chars)
        quiet = log.get("quiet") or click.get_current_context().find_root().params.get("quiet")
        advance = stack.enter_context(progress(enabled=None if not quiet else False))
        summary = run_pipeline(pipe, docs, sinks, pm=pm,
                               workers=workers or pipe.spec.workers,
                               executor=executor or pipe.spec.executor,
                               scheduler=scheduler or pipe.spec.scheduler,
                               store=store, force=force, progress=advance)
    print_summary(summary)
    sys.exit(summary.exit_code)


def _with(pipe: Any, pm: Any, **changes: Any) -> Any:
    from .pipeline import pipeline_from_dict

    return pipeline_from_dict({**pipe.data, **changes}, pm, file=pipe.file)


@cli.command()
@click.argument("pipelines", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(pipelines: tuple[str, ...]) -> None:
    """Check pipeline files without loading a model or reading input."""
    from .errors import PipelineError
    from .pipeline import load_pipeline
    from .plugins import get_plugin_manager

    pm = get_plugin_manager()
    failed: list[PipelineError] = []
    for path in pipelines:
        try:
            pipe = load_pipeline(path, pm)
        except PipelineError as exc:
            failed.append(exc)
            for problem in exc.problems:
                click.echo(f"Error: {problem if problem.file else f'{path}: {problem}'}",
                           err=True)
        else:
            steps = ", ".join(s.name for s in pipe.steps)
            click.echo(f"{path}: ok ({pipe.spec.name}: {steps})")
    if failed:
        sys.exit(EXIT_USAGE)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def plugins(as_json: bool) -> None:
    """List plugins: distribution, version, steps, hooks and load errors."""
    from dataclasses import asdict

    from .plugins import get_plugin_manager

    infos = get_plugin_manager().plugin_infos()
    if as_json:
        click.echo(json.dumps([asdict(i) for i in infos], indent=2))
        return
    for info in infos:
        where = f"{info.distribution or '-'} {info.version or ''}".strip()
        line = f"{info.name}: {where}; steps: {', '.join(info.steps) or '-'}; " \
               f"hooks: {', '.join(info.hooks) or '-'}"
        if info.error:
            line += f"; LOAD ERROR: {info.error}"
        click.echo(line)


#: Modules that each define ``COMMANDS``, a list of click commands added to the group.
#: They must import nothing heavy at module level (no spaCy), to keep `--help` fast.
COMMAND_MODULES: tuple[str, ...] = ("textmill.report_cli", "textmill.store_cli",
                                     "textmill.kit_cli")


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            cli.add_command(command)
    _register_plugin_commands()


def _register_plugin_commands() -> None:
    from .plugins import get_plugin_manager

    try:
        get_plugin_manager().hook.register_commands(cli=cli)
    except Exception as exc:  # a plugin's command must not break the CLI
        logger.warning("a plugin failed to register commands: {}", exc)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: map every failure to the contract's exit codes."""
    _register_commands()
    try:
        code = cli.main(args=argv, prog_name="textmill", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.UsageError as exc:
        ctx_help = f"\nTry '{exc.ctx.command_path} --help'." if exc.ctx else ""
        click.echo(f"Error: {exc.format_message()}{ctx_help}", err=True)
        code = EXIT_USAGE
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = 2
    except TextmillError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            click.echo(f"Error: {line}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = 2
    except BrokenPipeError:
        code = 0
    except Exception as exc:
        traceback.print_exc()
        click.echo(f"Error: internal error: {type(exc).__name__}: {exc}. This is a bug in "
                   "textmill; please report it with the traceback above.", err=True)
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
