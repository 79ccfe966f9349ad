"""The plugin host: one factory builds the manager; entry points load one at a time."""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass, field
from typing import Any

import pluggy
from loguru import logger

from . import hookspecs
from .errors import PluginError
from .formats import Reader, Writer
from .step import Step

ENTRYPOINT_GROUP = "textmill"
LOAD_PLUGINS_ENV = "TEXTMILL_LOAD_PLUGINS"


@dataclass
class PluginInfo:
    """What `textmill plugins` shows about one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    steps: list[str] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class RegisteredStep:
    """A step class with the plugin and distribution that registered it."""

    cls: type[Step]
    plugin: str
    distribution: str | None
    version: str | None


@dataclass(frozen=True)
class RegisteredFormat:
    """A reader or writer class with the plugin and distribution that registered it."""

    cls: type[Reader] | type[Writer]
    plugin: str
    distribution: str | None
    version: str | None


class PluginManager(pluggy.PluginManager):
    """pluggy's manager plus what textmill needs to report: load errors and distributions."""

    def __init__(self) -> None:
        super().__init__(ENTRYPOINT_GROUP)
        self.add_hookspecs(hookspecs)
        #: Entry-point name -> one-line error, for plugins that failed to import.
        self.load_errors: dict[str, str] = {}
        #: Plugin name -> (distribution name, version).
        self.distributions: dict[str, tuple[str, str]] = {}
        self._steps: dict[str, RegisteredStep] | None = None
        self._formats: dict[str, dict[str, RegisteredFormat]] = {}

    def load_entrypoints(self, names: set[str] | None = None) -> None:
        """Load every `textmill` entry point (or only ``names``), each on its own."""
        seen: set[str] = set()
        for ep in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
            if ep.name in seen or (names is not None and ep.name not in names):
                continue
            seen.add(ep.name)
            if self.get_plugin(ep.name) is not None or self.is_blocked(ep.name):
                continue
            dist = ep.dist
            if dist is not None:
                self.distributions[ep.name] = (dist.metadata["Name"], dist.version)
            try:
                plugin = ep.load()
                self.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not stop the others
                message = f"{type(exc).__name__}: {exc}".splitlines()[0]
                self.load_errors[ep.name] = message
                logger.warning("plugin {!r} failed to load: {}", ep.name, message)
        if names:
            for missing in sorted(names - seen):
                self.load_errors[missing] = f"no entry point named {missing!r} in group 'textmill'"

    def steps(self) -> dict[str, RegisteredStep]:
        """Collect registered steps once; two plugins claiming one name is an error."""
        if self._steps is not None:
            return self._steps
        steps: dict[str, RegisteredStep] = {}
        for impl in reversed(self.hook.register_steps.get_hookimpls()):
            plugin = impl.plugin_name
            dist, version = self.distributions.get(plugin, (None, None))

            def register(cls: type[Step], *, _plugin: str = plugin, _dist: str | None = dist,
                         _version: str | None = version) -> None:
                if not (isinstance(cls, type) and issubclass(cls, Step)) or not cls.name:
                    raise PluginError(
                        f"plugin {_plugin!r} registered {cls!r}, which is not a Step subclass "
                        f"with a name. Hint: subclass textmill.Step and set name = '...'."
                    )
                if cls.name in steps:
                    other = steps[cls.name]
                    raise PluginError(
                        f"step {cls.name!r} is registered twice: by plugin {other.plugin!r} "
                        f"(distribution {other.distribution!r}) and by plugin {_plugin!r} "
                        f"(distribution {_dist!r}). Hint: uninstall one, or pin the set with "
                        f"{LOAD_PLUGINS_ENV}."
                    )
                steps[cls.name] = RegisteredStep(cls, _plugin, _dist, _version)

            _call_impl(impl, register=register)
        self._steps = steps
        return steps

    def readers(self) -> dict[str, RegisteredFormat]:
        """Collect registered readers once, by format name."""
        return self._collect_formats("register_readers", Reader, "reader")

    def writers(self) -> dict[str, RegisteredFormat]:
        """Collect registered writers once, by format name."""
        return self._collect_formats("register_writers", Writer, "writer")

    def _collect_formats(self, hook: str, base: type, kind: str) -> dict[str, RegisteredFormat]:
        if hook in self._formats:
            return self._formats[hook]
        found: dict[str, RegisteredFormat] = {}
        for impl in reversed(getattr(self.hook, hook).get_hookimpls()):
            plugin = impl.plugin_name
            dist, version = self.distributions.get(plugin, (None, None))

            def register(cls: Any, *, _plugin: str = plugin, _dist: str | None = dist,
                         _version: str | None = version) -> None:
                if not (isinstance(cls, type) and issubclass(cls, base)) or not cls.name:
                    raise PluginError(
                        f"plugin {_plugin!r} registered {cls!r} as a {kind}, which is not a "
                        f"{base.__name__} subclass with a name. Hint: subclass "
                        f"textmill.{base.__name__} and set name = '...'.")
                if cls.name in found:
                    other = found[cls.name]
                    raise PluginError(
                        f"{kind} {cls.name!r} is registered twice: by plugin {other.plugin!r} "
                        f"(distribution {other.distribution!r}) and by plugin {_plugin!r} "
                        f"(distribution {_dist!r}). Hint: uninstall one, or pin the set with "
                        f"{LOAD_PLUGINS_ENV}.")
                found[cls.name] = RegisteredFormat(cls, _plugin, _dist, _version)

            _call_impl(impl, register=register)
        self._formats[hook] = found
        return found

    def plugin_infos(self) -> list[PluginInfo]:
        """Every plugin, loaded or not, with its steps, hooks and load error."""
        infos: dict[str, PluginInfo] = {}
        for name, error in self.load_errors.items():
            dist, version = self.distributions.get(name, (None, None))
            infos[name] = PluginInfo(name, dist, version, error=error)
        try:
            steps = self.steps()
        except PluginError as exc:
            steps = {}
            for info in infos.values():
                info.error = info.error or str(exc)
        for plugin in self.get_plugins():
            name = self.get_name(plugin) or repr(plugin)
            dist, version = self.distributions.get(name, (None, None))
            hooks = sorted(c.name for c in self.get_hookcallers(plugin) or [])
            infos[name] = PluginInfo(name, dist, version, hooks=hooks)
        for step_name, reg in steps.items():
            if reg.plugin in infos:
                infos[reg.plugin].steps.append(step_name)
        for attr, collect in (("readers", self.readers), ("writers", self.writers)):
            try:
                formats = collect()
            except PluginError as exc:
                formats = {}
                for info in infos.values():
                    info.error = info.error or str(exc)
            for format_name, fmt in formats.items():
                if fmt.plugin in infos:
                    getattr(infos[fmt.plugin], attr).append(format_name)
        return sorted(infos.values(), key=lambda i: i.name)


def _call_impl(impl: Any, **kwargs: Any) -> Any:
    """Call one hook implementation with the subset of arguments it accepts."""
    return impl.function(*[kwargs[name] for name in impl.argnames])


def get_plugin_manager(load_entrypoints: bool = True) -> PluginManager:
    """Build a plugin manager; with entry points unless told not to.

    ``TEXTMILL_LOAD_PLUGINS=entities,quotes`` loads only the named entry points, so that
    production runs use a fixed set of plugins.
    """
    pm = PluginManager()
    if load_entrypoints:
        raw = os.environ.get(LOAD_PLUGINS_ENV)
        names = {n.strip() for n in raw.split(",") if n.strip()} if raw is not None else None
        pm.load_entrypoints(names)
    return pm
