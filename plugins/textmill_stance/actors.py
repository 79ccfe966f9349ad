"""Which entity cluster a holder or target is reported as: demonyms and capitals fold into
their country ("North Korean troops" and "Pyongyang" act for North Korea)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from textmill_entities.lookup import EntityIndex

#: Labels of the clusters a demonym or a capital can fold into.
PLACE_LABELS = frozenset({"GPE", "LOC"})


@cache
def capitals() -> dict[str, str]:
    """The packaged capital -> country table."""
    text = resources.files("textmill_stance").joinpath("data", "capitals.tsv").read_text(
        encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#"))
    return {city: country for city, country in rows}


def folded(entities: list[dict[str, Any]]) -> dict[str, str]:
    """Cluster id -> the id of the place it stands for, for the clusters that fold.

    A NORP cluster folds into the place its ``related`` link names (``demonym_of``); a GPE
    named in the capitals table folds into its country when the document names the country.
    """
    rows = {row["id"]: row for row in entities}
    out: dict[str, str] = {}
    index: EntityIndex | None = None
    for row in entities:
        if row["label"] == "NORP":
            for rel in row.get("related") or ():
                place = rows.get(rel.get("entity"))
                if rel.get("relation") == "demonym_of" and place and \
                        place["label"] in PLACE_LABELS:
                    out[row["id"]] = place["id"]
                    break
        elif row["label"] == "GPE" and row["name"] in capitals():
            index = index or EntityIndex(entities)
            country = index.by_name(capitals()[row["name"]])
            if country is not None and country != row["id"] and \
                    rows[country]["label"] in PLACE_LABELS:
                out[row["id"]] = country
    return out
