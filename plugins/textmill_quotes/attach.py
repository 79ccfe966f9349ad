"""Attach quotation runs to cues: direct quotes, split quotes, follow-ons and mixed quotes."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import TYPE_CHECKING

from .clauses import Attribution, cue_span
from .marks import QuoteRun
from .subjects import adjacent_speaker, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: "…" ― Jane Doe: a dash line names the speaker of the quote before it.
_DASH_SPEAKER = re.compile(r"[^\S\n]*[―—–][^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})")
#: Jane Doe -- “…”: a name and a dash right before a quote introduce its speaker.
_NAME_DASH = re.compile(r"([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\S\n]*(--|[―—–])"
                        r"[^\S\n]*$")
#: "PENCE: Well, look, ..." — a transcript's speaker label opening the quotation.
_LABEL = re.compile(r"([A-Z][A-Z.'’ -]{1,30}[A-Z]):\s+")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s")
_WORD_BEFORE = re.compile(r"[A-Za-z]+$")
_ABBREVIATIONS = frozenset("""Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Sgt Capt Maj Adm Cmdr Jr Sr St
Prof Rev Inc Co Corp No Mt Ft Calif Fla Ky Va Wis Ill Mass Md Pa Tenn Tex Wash Del Ariz""".split())
_AFTER_LIMIT = 90
_GAP_LIMIT = 300
#: Quotations at least this long count as speech whatever their first letter.
_LONG_QUOTE = 8
_SMALL_WORDS = frozenset("a an and as at but by for in of on or the to with from".split())
_BEFORE_LIMIT = 120


def _sentence_ends(text: str, lo: int, hi: int) -> Iterator[int]:
    """Positions of sentence-ending punctuation in text[lo:hi], skipping "Mr." and "D.C."."""
    for match in _SENTENCE_END.finditer(text, lo, hi):
        word = _WORD_BEFORE.search(text, max(0, match.start() - 12), match.start())
        if match.group()[0] == "." and word and (word.group() in _ABBREVIATIONS
                                                 or len(word.group()) == 1):
            continue
        yield match.start()


def _reported_inside(att: Attribution, others: list[Attribution]) -> bool:
    """The cue sits inside another report's content ("Lynch said she recalled, “…”")."""
    return att.cue is not None and any(
        o is not att and o.start <= att.cue[0] < o.end and o.start < att.start for o in others)


def _overlap(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    return sum(max(0, min(e, hi) - max(s, lo)) for s, e in spans)


def _reach(att: Attribution) -> int:
    """Where an attribution ends with its speaker and cue."""
    return max(att.end, att.speaker[1] if att.speaker else 0, att.cue[1] if att.cue else 0)


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


class Attacher:
    """Walks the quotation runs of one document in order and attaches each to an attribution."""

    def __init__(self, doc: Doc, text: str, runs: list[QuoteRun], atts: list[Attribution],
                 speech_cues: list[int], *, min_words: int,
                 is_inside_run: Callable[[int], bool]) -> None:
        self.doc, self.text, self.runs, self.atts = doc, text, runs, atts
        self.speech_cues = speech_cues
        self.cue_starts = [doc[i].idx for i in speech_cues]
        self.by_cue = {a.cue_token: a for a in atts if a.cue_token is not None}
        self.min_words = min_words
        self.is_inside_run = is_inside_run
        # Index of attributions by start, so a run meets only those near it, not all of them
        # (all pairs made long documents quadratic). Entries may be stale after a change of
        # spans: every change adds a fresh one, and candidates are re-checked exactly.
        self._pos: dict[int, int] = {}
        self._starts: list[tuple[int, int]] = []
        self._width = 0  # widest (reach - start) ever indexed: bounds the window of a query
        for att in atts:
            self._track(att)
        self.run_starts = [r.start for r in runs]
        self.run_ends = [r.end for r in runs]
        ordered = all(a <= b for a, b in zip(self.run_ends, self.run_starts[1:]))
        self._runs_ordered = ordered and all(r.start <= r.end for r in runs)
        self._alnum: list[int] | None = None

    def run(self) -> list[Attribution]:
        """Every attribution: cue-driven ones updated with quotes, plus quote-driven ones."""
        for index, run in enumerate(self.runs):
            self._attach(index, run)
        return self.atts

    def _add(self, att: Attribution) -> None:
        self.atts.append(att)
        self._track(att)

    def _track(self, att: Attribution) -> None:
        """Index ``att`` under its current start (call after every change of its spans)."""
        pos = self._pos.setdefault(id(att), len(self._pos))
        if not att.spans:
            return
        insort(self._starts, (att.start, pos))
        self._width = max(self._width, _reach(att) - att.start)

    def _near(self, lo: int, hi: int) -> list[Attribution]:
        """Attributions (in list order) whose start lies in [lo, hi); stale entries included."""
        i = bisect_left(self._starts, (lo, -1))
        j = bisect_left(self._starts, (hi, -1))
        return [self.atts[p] for p in sorted({p for _, p in self._starts[i:j]})]

    def _attach(self, index: int, run: QuoteRun) -> None:
        lo, hi = run.start, run.end
        label = _LABEL.match(self.text, lo, hi)
        if label is not None:
            att = Attribution("direct", [], (label.end(1), label.end(1) + 1, ":"))
            att.speaker = (label.start(1), label.end(1))
            self._add(att)
            self._make_direct(att, index, run)
            att.spans[0] = (label.end(), att.spans[0][1])
            self._track(att)
            return
        direct, mixed = None, None
        # an overlapping attribution starts before hi and at most _width before lo
        overlapping = [a for a in self._near(lo - self._width, hi) if _overlap(a.spans, lo, hi)]
        for att in overlapping:
            if att.kind == "direct" and att.runs and att.runs[-1] != index:
                continue
            ov = _overlap(att.spans, lo, hi)
            quoted = self._quoted(att.spans)
            if quoted >= 0.7 * self._words(*att.spans[0], skip_that=True) + 0.7 * sum(
                    self._words(s, e) for s, e in att.spans[1:]) \
                    and not _reported_inside(att, overlapping):
                if direct is None or self._distance(att, run) < self._distance(direct, run):
                    direct = att
            elif mixed is None and (ov >= 0.5 * (hi - lo) or att.start < lo < att.end < hi):
                # a quotation opened inside the content runs on to its closing mark
                mixed = att
        speechlike = self._speechlike(lo, hi)
        if direct is not None and (speechlike or direct.kind == "direct"):
            self._make_direct(direct, index, run)
            return
        if direct is not None and direct.kind == "indirect":
            mixed = direct
        if mixed is not None:
            mixed.kind = "mixed"
            mixed.runs.append(index)
            if hi > mixed.end:  # keep the closing mark with the fragment it closes
                mixed.spans[-1] = (mixed.spans[-1][0], run.after if run.closed else hi)
                self._track(mixed)
            return
        cue = self._cue_near(run) if speechlike else None
        if cue is not None:
            att = self.by_cue.get(cue)
            if att is None or att.kind == "mixed":
                att = self._new_direct(cue)
            self._make_direct(att, index, run)
            return
        dash = _DASH_SPEAKER.match(self.text, run.after) if run.closed else None
        if dash is not None:
            att = Attribution("direct", [], (dash.start(), dash.start(1), "―"))
            att.speaker = (dash.start(1), dash.end(1))
            self._add(att)
            self._make_direct(att, index, run)
            return
        lead = _NAME_DASH.search(self.text[max(0, run.open_mark - 60):run.open_mark])
        if lead is not None and speechlike:
            base = max(0, run.open_mark - 60)
            att = Attribution("direct", [], (base + lead.start(2), base + lead.end(2), "―"))
            att.speaker = (base + lead.start(1), base + lead.end(1))
            self._add(att)
            self._make_direct(att, index, run)
            return
        prev = self._previous(run)
        if prev is not None and (speechlike or prev.kind != "direct" or self.text[
                :run.open_mark].rstrip().endswith((",", ":"))):  # not a title after a direct
            # quote ("..., he said on “Fox and Friends.”"), but the rest of a split one
            if prev.kind == "direct":
                self._make_direct(prev, index, run)
            else:  # "..., Schiff said. “The other factor ...”": one attribution, now mixed
                prev.kind = "mixed"
                prev.spans.extend(run.spans)
                prev.runs.append(index)
                self._track(prev)
            return
        words = len(self.text[lo:hi].split())
        if speechlike and words >= self.min_words:
            att = Attribution("direct", [], None)
            self._colon_speaker(att, run)
            self._add(att)
            self._make_direct(att, index, run)

    def _colon_speaker(self, att: Attribution, run: QuoteRun) -> None:
        """A quote introduced by a colon without a cue ("Jones made this comment:", "the
        report opens with a line:") takes the introducing sentence's subject as speaker."""
        before = self.text[:run.open_mark].rstrip()
        if not before.endswith(":"):
            return
        colon = self.doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
        if colon is None:
            return
        subject = subject_of(colon[0].sent.root)
        if subject is None or self.is_inside_run(subject.idx):
            return
        att.set_speaker(subject)

    def _words(self, lo: int, hi: int, *, skip_that: bool = False) -> int:
        """Letters and digits in text[lo:hi] (marks and spaces never decide), without a
        leading complementizer "that" when asked."""
        if hi <= lo:
            return 0
        if skip_that and hi - lo >= 5 and self.text[lo:lo + 5].lower() == "that ":
            lo += 5
        if self._alnum is None:  # prefix counts: O(1) per call instead of O(characters)
            self._alnum = list(accumulate((c.isalnum() for c in self.text), initial=0))
        return self._alnum[hi] - self._alnum[lo]

    def _quoted(self, spans: list[tuple[int, int]]) -> int:
        """Letters and digits of ``spans`` that lie inside quotation runs."""
        if not self._runs_ordered:
            return sum(self._words(max(s, r.start), min(e, r.end)) for r in self.runs
                       for s, e in spans if r.start < e and s < r.end)
        total = 0
        for s, e in spans:  # runs are ordered and disjoint: those meeting (s, e) are a slice
            first = bisect_right(self.run_ends, s)
            last = bisect_left(self.run_starts, e)
            total += sum(self._words(max(s, r.start), min(e, r.end))
                         for r in self.runs[first:last])
        return total

    def _speechlike(self, lo: int, hi: int) -> bool:
        """Looks like quoted speech, not a scare quote or a title ("aggression", "Morning Joe")."""
        content = self.text[lo:hi]
        words = content.split()
        if len(words) >= _LONG_QUOTE:
            return True
        first = next((c for c in content if c.isalpha()), "")
        if not first.isupper():
            return False
        if len(words) < 2 and not content.rstrip("”\"'’").endswith(("!", "?")):
            return False
        content_words = [w for w in words if w.lower() not in _SMALL_WORDS]
        titled = all(w[0].isupper() or not w[0].isalpha() for w in content_words)
        return not (titled and len(words) <= 5)

    def _previous(self, run: QuoteRun) -> Attribution | None:
        """The attribution ending in the sentence just before ``run``, in its paragraph."""
        best, reach = None, -1
        # only an attribution reaching within _GAP_LIMIT of the mark can be returned, and
        # its start is at most _width before its reach
        for att in self._near(run.open_mark - _GAP_LIMIT - self._width, run.open_mark + 1):
            if att.speaker is None or not att.spans or att.cls != "speech":
                continue
            end = _reach(att)
            if reach < end <= run.open_mark:
                best, reach = att, end
        if best is None:
            return None
        gap = self.text[reach:run.open_mark]
        if len(gap) > _GAP_LIMIT or any(  # a title in between ("on “Fox and Friends.”") is fine
                reach <= r.open_mark < run.open_mark and self._speechlike(r.start, r.end)
                for r in self.runs) or gap.count("\"") % 2:
            return None
        if "\n" in gap:  # '..., he said.' closing a paragraph, the next one opening a quote
            return best if best.kind == "direct" and not gap.strip(" .,\n\t\u00a0") else None
        return best if len(list(_sentence_ends(gap, 0, len(gap)))) <= 1 else None

    def _distance(self, att: Attribution, run: QuoteRun) -> int:
        if att.cue is None:
            return 10**9
        return min(abs(att.cue[0] - run.open_mark), abs(att.cue[0] - (run.close_mark or run.end)))

    def _make_direct(self, att: Attribution, index: int, run: QuoteRun) -> None:
        if att.kind != "direct" or not att.runs:
            att.spans = []
        att.kind = "direct"
        att.spans.extend(run.spans)
        att.runs.append(index)
        self._track(att)

    def _new_direct(self, cue: int) -> Attribution:
        tok = self.doc[cue]
        att = Attribution("direct", [], cue_span(tok), cue_token=cue)
        subject = subject_of(tok)
        if subject is None or self.is_inside_run(subject.idx):
            subject = adjacent_speaker(tok, self.is_inside_run)
        if subject is not None:
            att.set_speaker(subject)
        self.by_cue[cue] = att
        self._add(att)
        return att

    def _cue_near(self, run: QuoteRun) -> int | None:
        """A speech cue just after the closing mark or just before the opening one."""
        text = self.text
        if run.close_mark is not None:
            lo = run.after
            hi = min(len(text), lo + _AFTER_LIMIT)
            end = next(_sentence_ends(text, lo, hi), None)
            hi = end + 1 if end is not None else hi
            for stop in ('"', "“", "”", "\n"):
                k = text.find(stop, lo, hi)
                if k >= 0:
                    hi = k
            found = self._cues_between(lo, hi)
            if found:
                return found[0]
        hi = run.open_mark
        lo = max(0, hi - _BEFORE_LIMIT)
        para_start = text.rfind("\n", lo, hi)
        lo = max(lo, para_start + 1)
        before = text[:hi].rstrip()
        if not text[lo:hi].strip() and before.endswith(":"):  # "He said:" closing the paragraph
            lo = text.rfind("\n", 0, len(before)) + 1
        for end in _sentence_ends(text, lo, hi):
            lo = end + 1
        for stop in ('"', "”", "“"):
            k = text.rfind(stop, lo, hi)
            if k >= 0:
                lo = k + 1
        lead = text[lo:hi].rstrip()
        found = self._cues_between(lo, hi)
        if found and (lead.endswith((",", ":")) or self.doc[found[-1]].idx + 12 >= len(
                text[:hi].rstrip())):
            return found[-1]
        return None

    def _cues_between(self, lo: int, hi: int) -> list[int]:
        i = bisect_left(self.cue_starts, lo)
        out = []
        while i < len(self.cue_starts) and self.cue_starts[i] < hi:
            out.append(self.speech_cues[i])
            i += 1
        return out
