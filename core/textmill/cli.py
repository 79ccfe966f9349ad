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


def setup_logging(*, verbose: int = 0, quiet: bool = False) -> None:
    """Logs go to stderr only, so stdout stays machine-readable."""
    logger.remove()
    level = "WARNING" if quiet else ("DEBUG" if verbose else "INFO")
    logger.add(sys.stderr, level=level, format="{time:HH:mm:ss} {level: <7} {message}")


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
              help="Write JSON Lines here (atomically); default: the pipeline's output, or stdout.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes on this machine (default: the pipeline's, else 1).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default=None,
              help="local (default) or dask.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address.")
@click.option("--input-format", type=click.Choice(["auto", "text", "jsonl"]), default="auto",
              show_default=True, help="How to read inputs; auto decides by file suffix.")
@click.option("--encoding", default="utf-8", show_default=True,
              help="Encoding of text inputs (e.g. latin-1).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="Documents per chunk (default: the pipeline's, else 32).")
def run(pipeline: str, inputs: tuple[str, ...], output: str | None, workers: int | None,
        executor: str | None, scheduler: str | None, input_format: str, encoding: str,
        batch_size: int | None) -> None:
    """Run PIPELINE over INPUT files, directories, globs, or - (stdin)."""
    from .inputs import iter_documents, resolve_inputs
    from .outputs import JsonlSink
    from .pipeline import load_pipeline
    from .plugins import get_plugin_manager
    from .runner import print_summary, run_pipeline

    pm = get_plugin_manager()
    pipe = load_pipeline(pipeline, pm)
    if batch_size is not None:
        pipe = _with(pipe, pm, batch_size=batch_size)
    if not inputs:
        raise UsageError("no INPUT given. Hint: name files, directories or globs, or - for stdin.")
    resolve_inputs(list(inputs))  # every named path must exist before any work starts
    paths = [output] if output else [o.path for o in pipe.spec.output] or [None]
    sinks = [JsonlSink(p) for p in paths]
    docs = iter_documents(list(inputs), input_format=input_format,  # type: ignore[arg-type]
                          encoding=encoding)
    summary = run_pipeline(pipe, docs, sinks, pm=pm,
                           workers=workers or pipe.spec.workers,
                           executor=executor or pipe.spec.executor,
                           scheduler=scheduler or pipe.spec.scheduler)
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
COMMAND_MODULES: tuple[str, ...] = ("textmill.report_cli", "textmill.kit_cli")


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
