"""Find entity clusters by offset or by name — for later steps, without spaCy.

Usage (in the ``quotes`` or ``stance`` step)::

    from textmill_entities.lookup import EntityIndex

    index = EntityIndex(record["entities"])
    index.at(812, 840)                     # "e1": a mention overlaps/contains this span
    index.at(812, 840, labels={"PERSON"})  # only PERSON clusters
    index.by_name("Zelensky")              # "e1": surname, given name, alias or acronym
    index.by_name("President Zelensky")    # titles and possessives are ignored
    index.last_before(900, labels={"PERSON"})  # the PERSON mentioned last before 900 ("he")
    index.get("e1")["name"]                # the cluster row itself

This API is stable: the index takes the ``entities`` list as the `entities` step writes it
(None is an empty list) and its methods return cluster ids (``"e1"``) or None.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterator
from typing import Any

from .names import acronym_key, initialisms, is_acronym, norm_key, tables, trim_span


class EntityIndex:
    """Offset and name lookups over one record's ``entities`` list."""

    def __init__(self, entities: list[dict[str, Any]] | None) -> None:
        entities = entities or []
        self._rows = {row["id"]: row for row in entities}
        # (start, end, id, label) of every mention, by start.
        self._spans = sorted((m["start"], m["end"], row["id"], row["label"])
                             for row in entities for m in row["mentions"])
        self._starts = [s[0] for s in self._spans]
        self._longest = max((e - s for s, e, _, _ in self._spans), default=0)
        # The same spans per label, and each cluster's mention starts: lookups by offset
        # bisect these instead of walking every mention of the document.
        self._by_label: dict[str, list[tuple[int, int, str, str]]] = {}
        self._id_starts: dict[str, list[int]] = {}
        for span in self._spans:
            self._by_label.setdefault(span[3], []).append(span)
            self._id_starts.setdefault(span[2], []).append(span[0])
        self._label_starts = {lb: [s[0] for s in spans] for lb, spans in self._by_label.items()}
        self._names: dict[str, list[str]] = {}
        self._words: dict[str, list[str]] = {}
        aliases = tables().aliases
        for row in entities:
            forms = {norm_key(row["name"])} | {norm_key(m["text"]) for m in row["mentions"]}
            for form in list(forms):
                forms.add(aliases.get(form, form))
                forms |= initialisms(form)
            for form in forms:
                self._add(self._names, form.casefold(), row["id"])
                self._add(self._names, acronym_key(form), row["id"]) if is_acronym(form) else None
            if row["label"] == "PERSON":
                words = norm_key(row["name"]).split(" ")
                if len(words) > 1:
                    self._add(self._words, words[-1].casefold(), row["id"])
                    self._add(self._words, words[0].casefold(), row["id"])

    @staticmethod
    def _add(table: dict[str, list[str]], key: str, id_: str) -> None:
        ids = table.setdefault(key, [])
        if id_ not in ids:
            ids.append(id_)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows.values())

    def get(self, id_: str) -> dict[str, Any] | None:
        """The cluster row with id ``id_`` (e.g. "e1"), or None."""
        return self._rows.get(id_)

    def at(self, start: int, end: int, *, labels: Collection[str] | None = None) -> str | None:
        """Id of the cluster with a mention overlapping ``[start, end)``, or None.

        A mention containing the span wins; otherwise the largest overlap, and on a tie the
        rightmost mention (the head of "Ukrainian President Volodymyr Zelensky").
        """
        best: tuple[int, int, int] | None = None
        found = None
        i = bisect_left(self._starts, start - self._longest)
        while i < len(self._spans) and self._spans[i][0] < max(end, start + 1):
            s, e, id_, label = self._spans[i]
            i += 1
            overlap = min(e, end) - max(s, start)
            if overlap <= 0 and not (s <= start < e):
                continue
            if labels is not None and label not in labels:
                continue
            rank = (int(s <= start and end <= e), overlap, s)
            if best is None or rank > best:
                best, found = rank, id_
        return found

    def by_name(self, text: str, *, near: int | None = None) -> str | None:
        """Id of the cluster that ``text`` names, or None when none or several do.

        ``text`` may carry a title or a possessive ("President Zelensky’s"); it matches a
        cluster's name or mention forms, an alias or acronym of them, or a PERSON's surname
        or given name. When a surname fits several people, ``near`` (a character offset)
        picks the one mentioned most often before it (on a tie, the latest), as the step
        does; without ``near`` the answer is None.
        """
        start, end = trim_span(text, 0, len(text), person=True)
        key = norm_key(text[start:end])
        if not key:
            return None
        ids = (self._names.get(key.casefold())
               or (self._names.get(acronym_key(key)) if is_acronym(key) else None)
               or self._names.get(norm_key(tables().aliases.get(key, key)).casefold())
               or self._words.get(key.casefold()) or [])
        if len(ids) == 1:
            return ids[0]
        if ids and near is not None:
            return self._last(ids, near)
        return None

    def last_before(self, offset: int, *, labels: Collection[str] | None = None) -> str | None:
        """Id of the cluster mentioned last before ``offset`` (for pronoun speakers)."""
        if labels is None:
            found = self._last_span(self._spans, self._starts, offset)
            return found[2] if found else None
        best = None
        for label in labels:
            if label in self._by_label:
                found = self._last_span(self._by_label[label], self._label_starts[label],
                                        offset)
                if found is not None and (best is None or found > best):
                    best = found
        return best[2] if best else None

    @staticmethod
    def _last_span(spans: list[tuple[int, int, str, str]], starts: list[int],
                   offset: int) -> tuple[int, int, str, str] | None:
        """The last of ``spans`` (sorted) that ends by ``offset``."""
        i = bisect_left(starts, offset) - 1
        while i >= 0:
            if spans[i][1] <= offset:
                return spans[i]
            i -= 1
        return None

    def _last(self, ids: list[str], offset: int) -> str | None:
        """The cluster named most often before ``offset``; on a tie, the one named last."""
        counts = dict.fromkeys(ids, 0)
        last = dict.fromkeys(ids, -1)
        for id_ in ids:
            starts = self._id_starts.get(id_, [])
            n = bisect_left(starts, offset)  # mentions before ``offset``
            if n:
                counts[id_], last[id_] = n, starts[n - 1]
        best = max(ids, key=lambda i: (counts[i], last[i]))
        return best if last[best] >= 0 else None
