"""A search index for the embedded store that ranks exactly as :func:`kg.query.search.rank` does.

``rank`` scores every node; on a graph of 100,000 nodes that is a second per query, mostly in
difflib. The index finds the same hits with far less work:

* every non-fuzzy match (id, xref, name, synonym, prefix, word prefix, substring) has the query
  as its normalised id or an xref (looked up in dicts) or as a substring of its name or a
  synonym (found by ``str.find`` over all texts joined into one string), so these candidates
  are scored with :func:`~kg.query.search.score_node` itself;
* fuzzy matches (score < 40) rank below every other match, so they are needed only when fewer
  than ``limit`` other hits were found. Then a node can match only if, for one of its texts,
  ``2 * common / (len(query) + len(prefix))`` reaches the fuzzy threshold, where ``common``
  bounds difflib's matching characters by the character counts the two strings share
  (computed for all texts at once with numpy). Only nodes passing that bound are scored.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from kg.model import Node
from kg.query.search import FUZZY_MIN_RATIO, normalise, rank, score_node
from kg.store.base import SearchHit

__all__ = ["SearchIndex"]

_SEP = "\x00"
_PREFIXES = (8, 16, 32, 64, 128)  # character counts are kept for text prefixes of these lengths
_BUCKETS = 40


def _bucket(char: str) -> int:
    if "a" <= char <= "z":
        return ord(char) - 97
    if "0" <= char <= "9":
        return 26 + ord(char) - 48
    if char == " ":
        return 36
    return 37 + ord(char) % 3


class SearchIndex:
    """Normalised texts of ``nodes`` and their character counts, for :meth:`search`."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = list(nodes)
        self.by_id: dict[str, list[int]] = {}
        self.by_xref: dict[str, list[int]] = {}
        owners: list[int] = []
        texts: list[str] = []
        for i, node in enumerate(self.nodes):
            self.by_id.setdefault(normalise(node.id), []).append(i)
            for xref in node.xrefs:
                self.by_xref.setdefault(normalise(xref), []).append(i)
            for text in (node.name, *node.synonyms):
                texts.append(normalise(text))
                owners.append(i)
        self.owners = np.array(owners, dtype=np.int64)
        self.blob = _SEP.join(texts)
        self.starts: list[int] = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.lengths = np.array([len(t) for t in texts], dtype=np.int64)
        self.counts = _prefix_counts(texts)

    def _substring_owners(self, query: str) -> set[int]:
        found: set[int] = set()
        blob, starts = self.blob, self.starts
        position = blob.find(query)
        while position >= 0:
            text = bisect_right(starts, position) - 1
            found.add(int(self.owners[text]))
            if text + 1 >= len(starts):
                break
            position = blob.find(query, starts[text + 1])
        return found

    def _fuzzy_owners(self, query: str) -> np.ndarray | None:
        """Nodes with a text that may reach the fuzzy threshold; None when the query is too long to bound."""
        limit = len(query) + 3
        size = next((p for p in _PREFIXES if p >= limit), None)
        if size is None:
            return None
        wanted: dict[int, int] = {}
        for char in query:
            wanted[_bucket(char)] = wanted.get(_bucket(char), 0) + 1
        columns = np.fromiter(wanted, dtype=np.int64)
        need = np.fromiter(wanted.values(), dtype=np.int64)
        common = np.minimum(self.counts[size][:, columns], need).sum(axis=1)
        bound = 2.0 * common / (len(query) + np.minimum(self.lengths, limit))
        return np.unique(self.owners[bound >= FUZZY_MIN_RATIO - 1e-9])

    def search(self, text: str, category: str | None = None, limit: int = 10) -> list[SearchHit]:
        """The hits :func:`kg.query.search.rank` would return over all nodes."""
        query = normalise(text)
        if not query:
            return []
        if _SEP in query:
            return rank(self.nodes, text, category, limit)
        candidates = set(self.by_id.get(query, ())) | set(self.by_xref.get(query, ()))
        candidates |= self._substring_owners(query)
        chosen = [self.nodes[i] for i in sorted(candidates)]
        hits = rank(chosen, text, category, limit)
        if len(hits) >= limit or len(query) < 4:
            return hits
        fuzzy = self._fuzzy_owners(query)
        others = range(len(self.nodes)) if fuzzy is None else (int(i) for i in fuzzy)
        extra = [self.nodes[i] for i in others if i not in candidates]
        more = [SearchHit(n, *scored) for n in extra
                if (category is None or n.category == category) and (scored := score_node(n, query)) is not None]
        merged = hits + more
        merged.sort(key=lambda h: (-h.score, normalise(h.node.name), h.node.id))
        return merged[:limit]


def _prefix_counts(texts: Sequence[str]) -> dict[int, np.ndarray]:
    """For each prefix length, a texts x buckets matrix of character counts of the texts' prefixes."""
    longest = _PREFIXES[-1]
    table = {chr(c): chr(65 + _bucket(chr(c))) for c in range(128)}
    codes = np.full((len(texts), longest), 255, dtype=np.uint8)
    for row, text in enumerate(texts):
        head = text[:longest]
        mapped = "".join(table.get(c) or chr(65 + _bucket(c)) for c in head).encode("ascii")
        codes[row, : len(mapped)] = np.frombuffer(mapped, dtype=np.uint8) - 65
    counts: dict[int, np.ndarray] = {}
    running = np.zeros((len(texts), _BUCKETS), dtype=np.uint8)
    start = 0
    for size in _PREFIXES:
        block = codes[:, start:size]
        for bucket in range(_BUCKETS):
            running[:, bucket] += (block == bucket).sum(axis=1, dtype=np.uint8)
        counts[size] = running.copy()
        start = size
    return counts
