"""The corpus overview: totals, top entities, top speakers and the stance matrix, as HTML."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from .colors import LabelColors
from .records import STANCE_LABELS

STANCE_COLORS = {"favor": "#2e9e5b", "against": "#d1453b", "neutral": "#9aa0a6"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass
class _Tally:
    """Mentions (or quotes) and the documents they occur in, for one name."""

    count: int = 0
    docs: set[int] = field(default_factory=set)


@dataclass
class Overview:
    """Accumulates corpus figures document by document, then renders them."""

    top: int = 15
    matrix_size: int = 10
    colors: LabelColors | None = None
    steps: set[str] = field(default_factory=set)
    docs: int = 0
    docs_with_errors: int = 0
    totals: Counter[str] = field(default_factory=Counter)
    quote_kinds: Counter[str] = field(default_factory=Counter)
    entities: dict[tuple[str, str], _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    speakers: dict[tuple[str, str], _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    stances: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    scores: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, doc: dict[str, Any]) -> None:
        """Count one compact document (see ``records.compact_record``)."""
        index = self.docs
        self.docs += 1
        self.docs_with_errors += bool(doc["errors"])
        by_id = {ent["id"]: ent for ent in doc["entities"]}
        for ent in doc["entities"]:
            tally = self.entities[(ent["name"], ent["label"])]
            tally.count += len(ent["m"]) or ent["count"]
            tally.docs.add(index)
        self.totals["entities"] += len(doc["entities"])
        for quote in doc["quotes"]:
            self.quote_kinds[quote["kind"]] += 1
            speaker = quote["speaker"]
            if not speaker:
                self.totals["unattributed"] += 1
                continue
            tally = self.speakers[_name(speaker.get("entity"), speaker["text"], by_id)]
            tally.count += 1
            tally.docs.add(index)
        self.totals["quotes"] += len(doc["quotes"])
        self.totals["numbers"] += len(doc["numbers"])
        for stance in doc["stances"]:
            pair = (_name(stance["h"]["entity"], stance["h"]["text"], by_id)[0],
                    _name(stance["t"]["entity"], stance["t"]["text"], by_id)[0])
            self.stances[pair][stance["label"]] += 1
            if stance["score"] is not None:
                self.scores[pair].append(stance["score"])
        self.totals["stances"] += len(doc["stances"])
        self.steps.update(doc["has"])

    def render(self) -> str:
        """The overview section's HTML (every value escaped)."""
        return "\n".join([
            '<section class="overview" aria-label="Corpus overview">',
            self._figures(),
            '<div class="panels">',
            self._entity_panel(), self._speaker_panel(), self._matrix_panel(),
            "</div>", "</section>"])

    def _figures(self) -> str:
        kinds = ", ".join(f"{n} {_e(k)}" for k, n in sorted(self.quote_kinds.items()))
        items = [("documents" if self.docs != 1 else "document", self.docs),
                 ("entities", self.totals["entities"]),
                 ("quotes", self.totals["quotes"]), ("numbers", self.totals["numbers"]),
                 ("stances", self.totals["stances"]),
                 ("with errors", self.docs_with_errors)]
        cells = "".join(
            f'<div class="figure{" warn" if name == "with errors" and n else ""}">'
            f'<span class="n">{n:,}</span><span class="what">{name}</span></div>'
            for name, n in items)
        note = f'<p class="note">Quotes: {kinds}' if kinds else '<p class="note">No quotes'
        note += f'; {self.totals["unattributed"]:,} without a speaker.</p>' \
            if self.totals["unattributed"] else ".</p>"
        return f'<div class="figures">{cells}</div>{note}'

    def _ranked(self, tallies: dict[tuple[str, str], _Tally], colors: LabelColors | None,
                unit: str) -> str:
        ranked = sorted(tallies.items(), key=lambda kv: (-kv[1].count, kv[0]))[:self.top]
        if not ranked:
            return '<p class="empty">None found.</p>'
        peak = ranked[0][1].count or 1
        rows = []
        for (name, label), tally in ranked:
            chip = colors.chip(label) if colors and label else ""
            width = max(2, round(100 * tally.count / peak))
            docs = len(tally.docs)
            rows.append(
                f'<li><button type="button" class="pick" data-search="{_e(name)}" '
                f'title="Show the documents that mention {_e(name)}">'
                f'<span class="row"><span class="name">{_e(name)}</span>{chip}'
                f'<span class="count">{_plural(tally.count, unit)}</span>'
                f'<span class="docs">{_plural(docs, "doc")}</span></span>'
                f'<span class="bar"><span style="width:{width}%"></span></span>'
                "</button></li>")
        return f'<ol class="ranked">{"".join(rows)}</ol>'

    def _entity_panel(self) -> str:
        return ('<div class="panel"><h2>Top entities</h2>'
                f'{self._ranked(self.entities, self.colors, "mention")}</div>')

    def _speaker_panel(self) -> str:
        return ('<div class="panel"><h2>Top speakers</h2>'
                f'{self._ranked(self.speakers, self.colors, "quote")}</div>')

    def _matrix_panel(self) -> str:
        head = '<div class="panel wide"><h2>Who stands where</h2>'
        if not self.stances:
            why = "No stances found." if "stances" in self.steps else \
                "No stances: the records hold no stance results (no stance step ran)."
            return f'{head}<p class="empty">{why}</p></div>'
        holders = _top_keys(self.stances, 0, self.matrix_size)
        # Targets that the shown holders talk about, so no row comes out empty.
        chosen = {pair: c for pair, c in self.stances.items() if pair[0] in holders}
        targets = _top_keys(chosen, 1, self.matrix_size)
        holders = [h for h in holders if any((h, t) in chosen for t in targets)]
        cols = "".join(f'<th scope="col"><span>{_e(t)}</span></th>' for t in targets)
        rows = []
        for holder in holders:
            cells = "".join(self._cell((holder, target)) for target in targets)
            rows.append(f'<tr><th scope="row">{_e(holder)}</th>{cells}</tr>')
        legend = "".join(f'<span class="key"><i style="background:{STANCE_COLORS[k]}"></i>{k}'
                         "</span>" for k in STANCE_LABELS)
        shown = ""
        all_holders = len({h for h, _ in self.stances})
        all_targets = len({t for _, t in self.stances})
        if (len(holders), len(targets)) != (all_holders, all_targets):
            shown = (f" Showing the {len(holders)} most frequent of {all_holders} holders and "
                     f"{len(targets)} of {all_targets} targets.")
        return (f'{head}<p class="note">Rows hold a stance towards columns; each cell shows '
                f'the share of favor, against and neutral.{shown} {legend}</p>'
                f'<div class="matrix-wrap"><table class="matrix"><thead><tr>'
                f'<th class="corner">holder \u2193 \u00b7 target \u2192</th>{cols}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div></div>')

    def _cell(self, pair: tuple[str, str]) -> str:
        counts = self.stances.get(pair)
        if not counts:
            return '<td class="none"></td>'
        total = sum(counts.values())
        scores = self.scores.get(pair) or []
        mean = f"; mean score {sum(scores) / len(scores):+.2f}" if scores else ""
        title = f"{pair[0]} \u2192 {pair[1]}: " + ", ".join(
            f"{counts[k]} {k}" for k in STANCE_LABELS if counts[k]) + mean
        bars = "".join(f'<span style="flex:{counts[k]};background:{STANCE_COLORS[k]}"></span>'
                       for k in STANCE_LABELS if counts[k])
        top = max(STANCE_LABELS, key=lambda k: counts[k])
        return (f'<td class="cell {top}" title="{_e(title)}"><span class="stack">{bars}</span>'
                f'<span class="n">{total}</span></td>')


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _name(entity: str | None, text: str, by_id: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(name, label) of a speaker or stance party: its entity's name when linked."""
    ent = by_id.get(entity) if entity else None
    return (ent["name"], ent["label"]) if ent else (text, "")


def _top_keys(stances: dict[tuple[str, str], Counter[str]], side: int, limit: int) -> list[str]:
    totals: Counter[str] = Counter()
    for pair, counts in stances.items():
        totals[pair[side]] += sum(counts.values())
    return [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
