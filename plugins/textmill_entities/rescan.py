"""Find repeats of known names that the model did not tag ("Umerov met", "Musk’s company")."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator

from .extract import Lines, Mention
from .names import Tables, norm_key

_PREV_WORD = re.compile(r"(\S+)\s+$")
_NEXT_WORD = re.compile(r"\s+(\S+)")
_CLOSERS = tuple(".!?:;\"“”")


def _capitalised_name_word(word: str, t: Tables, stop_words: Collection[str]) -> bool:
    """A neighbouring word that would make the match part of a longer, different name."""
    word = word.strip("\"“”‘’'(),")
    return (word[:1].isupper() and word.lower() not in stop_words and word not in t.titles
            and word not in t.modifiers and norm_key(word) not in t.demonyms)


def rescan(text: str, forms: dict[str, list[str]], blocked: list[tuple[int, int]],
           lines: Lines, *, t: Tables, stop_words: Collection[str],
           choose: Callable[[list[str], int], str]) -> Iterator[tuple[Mention, str]]:
    """Yield ``(mention, cluster key)`` for each untagged occurrence of a known form.

    Args:
        text: the document text.
        forms: surface form -> keys of the clusters it may name (several for a shared
            surname; ``choose`` then picks one).
        blocked: sorted, non-overlapping spans the model already tagged.
        lines: headline lookup; in headlines every word is capitalised, so the neighbour
            checks are skipped there.
        t: the plugin's tables.
        stop_words: lowercase stop words ("In Ukraine" is fine, "Kim Jong Un" is a name).
        choose: picks a cluster key among several for an offset.
    """
    if not forms:
        return
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?!\w|-[A-Z])")
    starts = [b[0] for b in blocked]
    for match in pattern.finditer(text):
        s, e = match.span()
        i = bisect_right(starts, e - 1) - 1
        if i >= 0 and blocked[i][1] > s:
            continue  # inside (or overlapping) a span the model tagged
        if s and text[s - 1] == "-" and not (i >= 0 and blocked[i][1] >= s - 1):
            continue  # "-Smith" of "Jones-Smith"; "North Korea-Russia" is fine
        if not lines.headline(s):
            prev = _PREV_WORD.search(text, max(0, s - 40), s)
            if prev and "\n" not in text[prev.start():s] and not prev.group(1).endswith(
                    _CLOSERS) and _capitalised_name_word(prev.group(1), t, stop_words):
                continue
            nxt = _NEXT_WORD.match(text, e)
            if nxt and "\n" not in nxt.group(0) and _capitalised_name_word(
                    nxt.group(1), t, stop_words):
                continue
        surface = match.group()
        keys = forms[surface]
        key = keys[0] if len(keys) == 1 else choose(keys, s)
        yield Mention(s, e, surface, norm_key(surface), "", False, lines.headline(s)), key
