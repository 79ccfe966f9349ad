"""`textmill new-plugin`: write a plugin distribution that installs, registers and passes its tests.

The layout follows datasette's and llm's plugin templates: a pyproject with the ``textmill``
entry point, one package with a working step, tests that use the test kit, and a README.
"""

from __future__ import annotations

import keyword
import re
from importlib import resources
from pathlib import Path

from ._contract import RESERVED_KEYS
from .errors import UsageError
from .plugins import PluginManager

#: Output path (with placeholders) -> template file in textmill/templates.
FILES: dict[str, str] = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    ".gitignore": "gitignore.tmpl",
    "src/{{package}}/__init__.py": "init.py.tmpl",
    "src/{{package}}/step.py": "step.py.tmpl",
    "tests/test_{{name}}.py": "test_step.py.tmpl",
    "pipelines/example.yaml": "pipeline.yaml.tmpl",
}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def plugin_names(name: str) -> dict[str, str]:
    """The names a plugin called ``name`` uses: step, package, distribution, class."""
    step = name.strip().lower().replace("-", "_")
    step = re.sub(r"^textmill_", "", step)
    if not _NAME.match(step) or keyword.iskeyword(step) or step in RESERVED_KEYS:
        raise UsageError(
            f"plugin name {name!r} is not usable: expected a lowercase identifier such as "
            "'keywords' or 'sentiment_lexicon' (letters, digits, _ or -), not a Python keyword "
            f"or one of the record's own keys {', '.join(RESERVED_KEYS)}.")
    from . import __version__

    return {
        "name": step,
        "package": f"textmill_{step}",
        "dist": f"textmill-{step.replace('_', '-')}",
        "cls": "".join(part.capitalize() for part in step.split("_")),
        "initial": step[0],
        "textmill_version": __version__,
    }


def render(template: str, names: dict[str, str]) -> str:
    """Fill every ``{{key}}`` of ``template``; an unknown key is a bug in the template."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in names:
            raise KeyError(f"template placeholder {{{{{key}}}}} has no value")
        return names[key]

    return _PLACEHOLDER.sub(fill, template)


def new_plugin(name: str, *, directory: str | Path | None = None,
               pm: PluginManager | None = None) -> list[Path]:
    """Write the plugin distribution for ``name``; return the files written.

    Args:
        name: the step name (``keywords``); ``textmill-keywords`` is accepted too.
        directory: where to write (default: ``./textmill-<name>``); must be empty or absent.
        pm: checks that no installed step has the name already (None: skip the check).

    Raises:
        UsageError: the name is not an identifier, is taken, or the directory is not empty.
    """
    names = plugin_names(name)
    if pm is not None:
        taken = pm.steps().get(names["name"])
        if taken is not None:
            raise UsageError(
                f"a step named {names['name']!r} is already installed (plugin {taken.plugin!r}, "
                f"distribution {taken.distribution!r}). Hint: choose another name; two plugins "
                "cannot register one step name.")
    root = Path(directory) if directory is not None else Path.cwd() / names["dist"]
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{str(root)!r} already exists and is not an empty directory. "
                         "Hint: pass --dir with a new path.")
    templates = resources.files("textmill.templates")
    written = []
    for target, template in FILES.items():
        path = root / render(target, names)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(templates.joinpath(template).read_text(encoding="utf-8"), names),
                        encoding="utf-8")
        written.append(path)
    return written
