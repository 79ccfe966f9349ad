"""Commands for plugin and pipeline authors: `textmill schema` and `textmill new-plugin`."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("-o", "--output", "output", metavar="FILE",
              help="Write the schema to FILE instead of stdout.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of pipeline files, with every installed step's config.

    \b
    Point your editor's YAML language server at it, in the first line of a pipeline:
      # yaml-language-server: $schema=pipeline.schema.json
    """
    from .schema import pipeline_schema

    text = json.dumps(pipeline_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"wrote {output}", err=True)


@click.command("new-plugin")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help="Where to write the plugin (default: ./textmill-NAME); must be empty.")
def new_plugin(name: str, directory: str | None) -> None:
    """Write a plugin distribution with a working NAME step, tests and a README."""
    from .plugins import get_plugin_manager
    from .scaffold import new_plugin as scaffold

    files = scaffold(name, directory=directory, pm=get_plugin_manager())
    root = files[0].parent
    for path in files:
        click.echo(str(path.relative_to(root.parent)))
    click.echo(f"\nNext: cd {root} && pip install -e '.[test]' && textmill plugins && pytest",
               err=True)


COMMANDS = [schema, new_plugin]
