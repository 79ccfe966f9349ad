"""Group mentions into one cluster per real-world thing, and build the record's rows."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection

from .extract import Candidates, Mention
from .names import (
    PARTIAL_LABELS,
    PLACE_LABELS,
    Tables,
    acronym_key,
    initialisms,
    is_acronym,
    norm_key,
)
from .rescan import rescan
from .rows import rows

_PAREN_ACRONYM = re.compile(r"\s*\(\s*((?:[A-Z]\.){2,}|[A-Z][A-Za-z&]{1,7})\s*\)")


class _Union:
    """Union-find over name keys; the root is the earliest-mentioned key of a set.

    ``members`` lists the keys of each set by its root, so a set's mentions are found
    without scanning every key.
    """

    def __init__(self, first: dict[str, int]) -> None:
        self.parent = {k: k for k in first}
        self.first = first
        self.members = {k: [k] for k in first}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self.first[rb] < self.first[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra
            small, big = sorted((self.members.pop(rb), self.members[ra]), key=len)
            big.extend(small)
            self.members[ra] = big


class _Linker:
    """Links the body's name keys: aliases, acronyms, partial person names."""

    def __init__(self, body: list[Mention], text: str, t: Tables) -> None:
        self.t = t
        self.by_key: dict[str, list[Mention]] = defaultdict(list)
        for m in body:
            self.by_key[m.key].append(m)
        #: Sorted mention starts per key, for "named how often before this offset".
        self.starts = {k: sorted(m.start for m in ms) for k, ms in self.by_key.items()}
        self.uf = _Union({k: ms[0].start for k, ms in self.by_key.items()})
        self.assigned: dict[int, str] = {}  # id(mention) -> key, for ambiguous partial names
        self._acronyms: dict[str, str] = {}
        self._link_capitals()
        self._link_aliases()
        self._link_parentheses(body, text)
        self._persons = self._full_person_keys()
        self._link_partials()
        self._link_org_words()

    def _linkable(self, m: Mention) -> bool:
        """Whether ``m`` may be a partial person name: a place only as an unknown surname."""
        if m.label in PARTIAL_LABELS:
            return True
        return m.label in PLACE_LABELS and " " not in m.key and m.key not in self.t.places

    def _link_capitals(self) -> None:
        """An all-capitals form joins its ordinary spelling ("WASHINGTON" dateline)."""
        ordinary = {k.casefold(): k for k in self.by_key if not k.isupper()}
        for key in self.by_key:
            if key.isupper() and (len(key) > 4 or " " in key) and key.casefold() in ordinary:
                self.uf.union(ordinary[key.casefold()], key)

    def _link_aliases(self) -> None:
        expansions: dict[str, set[str]] = defaultdict(set)
        for key in self.by_key:
            for acr in initialisms(key):
                expansions[acr].add(key)
        same_alias: dict[str, str] = {}
        for key in self.by_key:
            canonical = self.t.aliases.get(key)
            if canonical in self.by_key:
                self.uf.union(canonical, key)
            if canonical is not None:
                # "US" and "U.S." with no expansion: every key with this canonical is one set.
                self.uf.union(same_alias.setdefault(canonical, key), key)
            if is_acronym(key):
                found = expansions.get(acronym_key(key), set())
                if len(found) == 1:
                    self.uf.union(next(iter(found)), key)
        self._acronyms = {a: next(iter(ks)) for a, ks in expansions.items() if len(ks) == 1}

    def _link_parentheses(self, body: list[Mention], text: str) -> None:
        for m in body:
            match = _PAREN_ACRONYM.match(text, m.end)
            if match and " " in m.key:
                acr = norm_key(match.group(1))
                if acr in self.by_key:
                    self.uf.union(m.key, acr)

    def _full_person_keys(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Full person names (two words or more) by their last word and by their first word."""
        by_last: dict[str, list[str]] = defaultdict(list)
        by_first: dict[str, list[str]] = defaultdict(list)
        for k, ms in self.by_key.items():
            if " " in k and any(m.label == "PERSON" for m in ms):
                words = k.split(" ")
                by_last[words[-1]].append(k)
                by_first[words[0]].append(k)
        return by_last, by_first

    def partial_candidates(self, key: str, *, surname_only: bool = False) -> list[str]:
        """Full person names that ``key`` is a surname, given name or shorter form of."""
        words = key.split(" ")
        by_last, by_first = self._persons
        # Only names ending in the same word, or (a lone given name) starting with it.
        fulls = dict.fromkeys(by_last.get(words[-1], ()))
        if len(words) == 1 and not surname_only:
            fulls.update(dict.fromkeys(by_first.get(words[0], ())))
        out = []
        for full in fulls:
            fw = full.split(" ")
            if full == key or len(fw) <= len(words):
                continue
            if words[-1] == fw[-1] or (len(words) == 1 and words[0] == fw[0]
                                       and not surname_only):
                it = iter(fw)
                if all(w in it for w in words):  # an ordered subsequence
                    out.append(full)
        return out

    def _link_partials(self) -> None:
        # Longest first, so "Hillary Clinton" joins "Hillary Rodham Clinton" before a bare
        # "Clinton" asks which of them it means.
        for key in sorted(self.by_key, key=lambda k: (-k.count(" "), k)):
            mentions = [m for m in self.by_key[key] if self._linkable(m)]
            if not mentions:
                continue
            places = all(m.label in PLACE_LABELS for m in mentions)
            roots = sorted({self.uf.find(f) for f in self.partial_candidates(
                key, surname_only=places)} - {self.uf.find(key)}, key=lambda r: self.uf.first[r])
            if len(roots) == 1 and len(mentions) == len(self.by_key[key]):
                self.uf.union(roots[0], key)
            elif roots:
                for m in mentions:
                    self.assigned[id(m)] = self.nearest(roots, m.start)

    def _link_org_words(self) -> None:
        """A one-word ORG that is the first or last word of one longer ORG ("Hofstra")."""
        words: dict[str, set[str]] = defaultdict(set)
        for key, ms in self.by_key.items():
            if " " in key and any(m.label == "ORG" for m in ms):
                parts = key.split(" ")
                for w in (parts[0], parts[-1]):
                    if w not in self.t.org_generic and w[:1].isupper():
                        words[w].add(self.uf.find(key))
        for key, ms in self.by_key.items():
            roots = words.get(key, set()) - {self.uf.find(key)}
            if len(roots) == 1 and all(m.label == "ORG" for m in ms):
                self.uf.union(next(iter(roots)), key)

    def nearest(self, roots: list[str], offset: int) -> str:
        """Of several candidate clusters, the one named most often before ``offset``.

        Ties go to the one named last: a bare "Clinton" after "Hillary Clinton" (three times)
        and "Chelsea Clinton" (once) is Hillary; after one of each, the latest.
        """
        best, best_rank = roots[0], (-1, -1)
        for root in roots:
            count, last = 0, -1
            for key in self.uf.members[root]:
                starts = self.starts[key]
                i = bisect_left(starts, offset)  # mentions of this key before ``offset``
                if i:
                    count += i
                    last = max(last, starts[i - 1])
            rank = (count, last)
            if rank > best_rank:
                best, best_rank = root, rank
        return best

    def cluster_of(self, m: Mention) -> str:
        """Root key of a body mention's cluster."""
        return self.uf.find(self.assigned.get(id(m), m.key))

    def resolve(self, m: Mention) -> str | None:
        """Root key of an existing cluster that a headline mention names, or None."""
        key = m.key
        if key in self.by_key:
            return self.uf.find(key)
        canonical = self.t.aliases.get(key)
        if canonical in self.by_key:
            return self.uf.find(canonical)
        if is_acronym(key) and acronym_key(key) in self._acronyms:
            return self.uf.find(self._acronyms[acronym_key(key)])
        if self._linkable(m):
            roots = sorted({self.uf.find(f) for f in self.partial_candidates(
                key, surname_only=m.label in PLACE_LABELS)}, key=lambda r: self.uf.first[r])
            if roots:
                return self.nearest(roots, m.start)
        return None


def build_clusters(found: Candidates, *, labels: Collection[str], min_count: int, t: Tables,
                   stop_words: Collection[str] = ()) -> list[dict]:
    """The ``entities`` rows of one document from its candidate mentions.

    Args:
        found: candidates from ``doc_mentions``.
        labels: the configured labels; a cluster's label is voted among these.
        min_count: clusters with fewer mentions are dropped.
        t: the plugin's tables.
        stop_words: lowercase stop words, for the rescan of untagged repeats.
    """
    text, mentions = found.text, found.mentions
    body = [m for m in mentions if not m.headline]
    linker = _Linker(body, text, t)
    members: dict[str, list[Mention]] = defaultdict(list)
    for m in body:
        members[linker.cluster_of(m)].append(m)
    blocked = list(found.numeric)
    for m in mentions:
        root = linker.resolve(m) if m.headline else None
        if root is not None:
            members[root].append(m)
        if not m.headline or root is not None:
            blocked.append((m.ent_start, m.ent_end))
    strong = {root for root, ms in members.items()
              if any(not m.weak and m.label in labels for m in ms)}
    forms = _forms(members, strong)
    for m, key in rescan(text, forms, sorted(blocked), found.lines, t=t, stop_words=stop_words,
                         choose=lambda keys, at: linker.nearest([linker.uf.find(k) for k in keys],
                                                                at)):
        members[linker.uf.find(key)].append(m)
    return rows(members, text, labels=labels, min_count=min_count, t=t)


def _forms(members: dict[str, list[Mention]], strong: set[str]) -> dict[str, list[str]]:
    """Surface forms worth searching for: tagged forms, and surnames of full person names."""
    forms: dict[str, list[str]] = defaultdict(list)
    for root in sorted(strong):
        ms = members[root]
        for m in ms:
            if not m.weak and not m.headline and len(m.text) > 1 and root not in forms[m.text]:
                forms[m.text].append(root)
        if any(m.label == "PERSON" for m in ms):
            for m in ms:
                if " " in m.key and not m.headline:
                    surname = m.text.rsplit(None, 1)[-1]
                    if len(surname) > 2 and surname[0].isupper() and root not in forms[surname]:
                        forms[surname].append(root)
    return forms
