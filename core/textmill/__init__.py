"""textmill: plugin-based extraction of entities, quotes, numbers and stance from English text."""

from __future__ import annotations

from .document import Document
from .engine import Engine
from .errors import (
    LockedError,
    NoInputError,
    PipelineError,
    PluginError,
    Problem,
    StepError,
    TextmillError,
    UsageError,
)
from .hookspecs import hookimpl
from .pipeline import Pipeline, load_pipeline, pipeline_from_dict, pipeline_from_yaml
from .plugins import get_plugin_manager
from .step import Record, Step, StepConfig

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Engine",
    "LockedError",
    "NoInputError",
    "Pipeline",
    "PipelineError",
    "PluginError",
    "Problem",
    "Record",
    "Step",
    "StepConfig",
    "StepError",
    "TextmillError",
    "UsageError",
    "get_plugin_manager",
    "hookimpl",
    "load_pipeline",
    "pipeline_from_dict",
    "pipeline_from_yaml",
]
