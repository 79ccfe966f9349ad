"""Built-in `entities` step: named entities grouped into canonical clusters.

Each record gets ``entities``: one row per real-world thing, in order of first mention::

    {"id": "e1", "name": "Volodymyr Zelensky", "label": "PERSON", "count": 2,
     "mentions": [{"start": 626, "end": 644, "text": "Volodymyr Zelensky"}, ...],
     "salience": 0.41,
     "related": [{"entity": "e5", "relation": "demonym_of"}]}

``related`` links are ``demonym_of`` (a NORP cluster to its place) and the reverse
``has_demonym``. Later steps link to clusters with ``textmill_entities.lookup.EntityIndex``,
which needs no spaCy. See README.md in this package for the rules.
"""

from __future__ import annotations

from textmill import hookimpl


@hookimpl
def register_steps(register):  # noqa: ANN001, ANN201
    "Register the entities step"
    from .step import EntitiesStep

    register(EntitiesStep)
