"""Pipeline files: the pydantic model, loading, and validation of every step before any text."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import PipelineError, Problem
from .plugins import PluginManager, RegisteredStep, get_plugin_manager
from .step import Step, StepConfig
from .yamlsource import Path, Source, read_source

FORMAT_VERSION = 1
#: Default of ``max_doc_chars``: peak memory grows with the longest document (about 1 GB
#: per 10 million characters with the full news pipeline), so a stray huge file is refused.
MAX_DOC_CHARS = 10_000_000


class StepSpec(BaseModel):
    """One entry of ``steps:``: which step to use and its options."""

    model_config = ConfigDict(extra="forbid")

    use: str = Field(description="Name of a registered step (see `textmill plugins`).")
    config: dict[str, Any] = Field(default_factory=dict, description="The step's options.")


class OutputSpec(BaseModel):
    """One entry of ``output:``: where records are written when no ``-o`` is given."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["jsonl"] = "jsonl"
    path: str


class PipelineSpec(BaseModel):
    """The whole pipeline file."""

    model_config = ConfigDict(extra="forbid")

    textmill: Literal[1] = Field(description="Format version of the pipeline file.")
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    model: str = Field("en_core_web_sm", description="spaCy pipeline package; never downloaded.")
    steps: list[StepSpec] = Field(min_length=1)
    output: list[OutputSpec] = Field(default_factory=list)
    workers: int = Field(1, ge=1, le=256, description="Processes on this machine.")
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = Field(None, description="Dask scheduler address, tcp://HOST:PORT.")
    store: str | None = Field(None, description="SQLite store for incremental runs.")
    batch_size: int = Field(32, ge=1, le=10_000, description="Documents per chunk.")
    max_doc_chars: int | None = Field(
        MAX_DOC_CHARS, ge=1, description="Longer documents are refused (recorded as failed); "
        "shorter ones over 100,000 characters are parsed in segments. null: no limit.")
    doc_timeout: float | None = Field(
        None, gt=0, le=86_400, description="Seconds allowed per document (parsing and every "
        "step); a slower document is recorded as failed. null: no limit.")


@dataclass(frozen=True)
class BoundStep:
    """A step of a validated pipeline: registered class plus validated config."""

    index: int
    registered: RegisteredStep
    config: StepConfig

    @property
    def name(self) -> str:
        return self.registered.cls.name

    def instantiate(self) -> Step:
        return self.registered.cls(self.config)

    def config_hash(self) -> str:
        blob = json.dumps(self.config.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Pipeline:
    """A validated pipeline, ready to run; rebuildable in another process from ``data``."""

    spec: PipelineSpec
    file: str
    data: dict[str, Any]
    steps: tuple[BoundStep, ...]

    @property
    def components(self) -> set[str]:
        """spaCy components some step reads."""
        return {c for s in self.steps for c in s.registered.cls.components}

    def fingerprint(self, extra: dict[str, Any] | None = None) -> str:
        """Hash of everything that changes results: interpolated pipeline, step configs, plugins."""
        payload = {
            "model": self.spec.model,
            "steps": [[s.name, s.registered.distribution, s.registered.version,
                       s.config.model_dump(mode="json")] for s in self.steps],
            **(extra or {}),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def load_pipeline(file: str, pm: PluginManager | None = None,
                  environ: dict[str, str] | None = None) -> Pipeline:
    """Read, interpolate and validate a pipeline file; raise PipelineError with every problem."""
    return validate_source(read_source(file, environ=environ), pm)


def pipeline_from_dict(data: dict[str, Any], pm: PluginManager | None = None,
                       file: str = "<dict>") -> Pipeline:
    """Validate a pipeline given as a Python mapping (tests, worker processes)."""
    return validate_source(Source(file, data), pm)


def pipeline_from_yaml(text: str, pm: PluginManager | None = None,
                       file: str = "<string>") -> Pipeline:
    """Validate a pipeline given as a YAML string."""
    return validate_source(read_source(file, text=text), pm)


def validate_source(src: Source, pm: PluginManager | None = None) -> Pipeline:
    """Validate parsed YAML data: the file model, each step's name, config and order."""
    if pm is None:
        pm = get_plugin_manager()
    data = src.data
    if not isinstance(data, dict):
        raise PipelineError([src.problem((), "expected a mapping with keys textmill, name, "
                                         f"steps; got {type(data).__name__}")])
    problems: list[Problem] = list(src.problems)
    spec: PipelineSpec | None = None
    try:
        spec = PipelineSpec.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems(src, (), exc, PipelineSpec))
    registry = pm.steps()
    steps: list[BoundStep] = []
    raw_steps = data.get("steps")
    if isinstance(raw_steps, list):
        steps = _validate_steps(src, raw_steps, registry, problems)
    if problems or spec is None:
        raise PipelineError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return Pipeline(spec, src.file, data, tuple(steps))


def _validate_steps(src: Source, raw_steps: list[Any], registry: dict[str, RegisteredStep],
                    problems: list[Problem]) -> list[BoundStep]:
    bound: list[BoundStep] = []
    for i, raw in enumerate(raw_steps):
        if not isinstance(raw, dict) or not isinstance(raw.get("use"), str):
            continue  # PipelineSpec already reported the shape
        name = raw["use"]
        if name not in registry:
            close = difflib.get_close_matches(name, list(registry), n=1, cutoff=0.6)
            hint = f"Did you mean {close[0]!r}?" if close else None
            have = ", ".join(sorted(registry)) or "none installed"
            problems.append(src.problem(("steps", i, "use"), f"unknown step {name!r}. "
                                        + (hint + " " if hint else "") + f"(have: {have})"))
            continue
        reg = registry[name]
        config = raw.get("config") or {}
        if not isinstance(config, dict):
            continue
        try:
            bound.append(BoundStep(i, reg, reg.cls.Config.model_validate(config)))
        except ValidationError as exc:
            problems.extend(_problems(src, ("steps", i, "config"), exc, reg.cls.Config))
    _check_order(src, bound, registry, problems)
    return bound


def _check_order(src: Source, bound: list[BoundStep], registry: dict[str, RegisteredStep],
                 problems: list[Problem]) -> None:
    provided: dict[str, BoundStep] = {}
    for step in bound:
        cls = step.registered.cls
        for key in cls.requires:
            if key in provided:
                continue
            later = next((s for s in bound if s.index > step.index
                          and s.registered.cls.provides == key), None)
            if later is not None:
                problems.append(src.problem(
                    ("steps", step.index, "use"),
                    f"step {cls.name!r} requires {key!r}, but step {later.name!r} that provides "
                    f"it comes later (steps.{later.index})",
                    hint=f"move {later.name!r} before {cls.name!r}."))
            else:
                makers = sorted(n for n, r in registry.items() if r.cls.provides == key)
                problems.append(src.problem(
                    ("steps", step.index, "use"),
                    f"step {cls.name!r} requires {key!r}, which no earlier step provides",
                    hint=f"add {' or '.join(repr(m) for m in makers)} before it."
                    if makers else None))
        if cls.provides in provided:
            problems.append(src.problem(
                ("steps", step.index, "use"),
                f"step {cls.name!r} writes {cls.provides!r}, already written by step "
                f"{provided[cls.provides].name!r} (steps.{provided[cls.provides].index})"))
        provided[cls.provides] = step


def _problems(src: Source, prefix: Path, exc: ValidationError,
              model: type[BaseModel]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc: Path = (*prefix, *err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            parent = _model_at(model, err["loc"][:-1])
            fields = sorted(parent.model_fields) if parent else []
            close = difflib.get_close_matches(str(err["loc"][-1]), fields, n=1, cutoff=0.6)
            msg = f"unknown key {err['loc'][-1]!r}."
            msg += f" Did you mean {close[0]!r}?" if close else ""
            msg += f" (expected one of: {', '.join(fields)})" if fields else " (it takes no keys)"
            out.append(src.problem(loc, msg, key=True))
        elif kind == "missing":
            out.append(src.problem(loc[:-1], f"missing required key {loc[-1]!r}"))
        else:
            got = err.get("input")
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            out.append(src.problem(loc, f"{err['msg']} (got {shown[:60]})"))
    return out


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` (for "did you mean" on nested keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args)
                        if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            return None
    return current
