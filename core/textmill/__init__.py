"""textmill: plugin-based extraction of entities, quotes, numbers and stance from English text."""

from __future__ import annotations

from .datafiles import DataFileError, DataLine, data_file, parse_data_text, read_data_file
from .document import Document
from .engine import Engine
from .errors import (
    ExitCode,
    LockedError,
    NoInputError,
    PipelineError,
    PluginError,
    Problem,
    StepError,
    TextmillError,
    UsageError,
)
from .formats import InputSource, Reader, ReaderConfig, Staging, Writer, WriterConfig
from .hookspecs import hookimpl
from .pipeline import Pipeline, load_pipeline, pipeline_from_dict, pipeline_from_yaml
from .plugins import get_plugin_manager
from .step import Record, Step, StepConfig

__version__ = "0.1.0"

__all__ = [
    "DataFileError",
    "DataLine",
    "Document",
    "Engine",
    "ExitCode",
    "InputSource",
    "LockedError",
    "NoInputError",
    "Pipeline",
    "PipelineError",
    "PluginError",
    "Problem",
    "Reader",
    "ReaderConfig",
    "Record",
    "Staging",
    "Step",
    "StepConfig",
    "StepError",
    "TextmillError",
    "UsageError",
    "Writer",
    "WriterConfig",
    "data_file",
    "get_plugin_manager",
    "hookimpl",
    "load_pipeline",
    "parse_data_text",
    "pipeline_from_dict",
    "pipeline_from_yaml",
    "read_data_file",
]
