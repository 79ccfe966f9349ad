"""Exceptions raised by textmill, and the exit code each one maps to.

* TextmillError ............ 3  internal error (a bug in textmill)
  + PipelineError .......... 4  bad pipeline file, unknown step, bad config
  + UsageError ............. 4  bad command line, missing input path
  + PluginError ............ 4  a plugin failed to load or to set up
  + NoInputError ........... 5  no input documents found
  + LockedError ............ 75 another run holds the store's lock
  + StepError .............. 1  a step failed on one document (recorded, the run goes on)

The CLI prints ``Error: <message>`` on one line per problem to stderr and exits with
``exit_code``, the way click's ``ClickException.show()`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes of the contract (CONTRACT.md), one name each."""

    OK = 0
    FAILED_DOCUMENTS = 1
    INTERRUPTED = 2
    INTERNAL = 3
    USAGE = 4
    NO_INPUT = 5
    LOCKED = 75


class TextmillError(Exception):
    """Root of textmill's exceptions."""

    exit_code: int = ExitCode.INTERNAL


@dataclass(frozen=True)
class Problem:
    """One problem in a pipeline file: where it is, what is wrong, and a hint."""

    file: str
    path: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class PipelineError(TextmillError):
    """The pipeline file is invalid; carries every problem found, not just the first."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", path="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(TextmillError):
    """The command line asks for something impossible (missing path, bad option)."""

    exit_code = ExitCode.USAGE


class PluginError(TextmillError):
    """A plugin could not be loaded or set up."""

    exit_code = ExitCode.USAGE


class NoInputError(TextmillError):
    """The inputs matched no document."""

    exit_code = ExitCode.NO_INPUT


class LockedError(TextmillError):
    """Another run holds the lock on the same store."""

    exit_code = ExitCode.LOCKED


class StepError(TextmillError):
    """A step failed on one document; recorded in that record's ``errors``."""

    exit_code = ExitCode.FAILED_DOCUMENTS
