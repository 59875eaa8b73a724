"""Scoring of search matches, shared by every store so that rankings agree.

Ranking: exact id (100) > exact xref (95) > exact name (90) > exact synonym (80) >
name prefix (70) > synonym prefix (60) > word prefix (55) > substring (50) > fuzzy (< 40).
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from kg.model import Node
from kg.store.base import SearchHit

__all__ = ["normalise", "score_node", "rank"]

FUZZY_MIN_RATIO = 0.75


def normalise(text: str) -> str:
    """Case-fold and collapse white space, so 'PTSD ' and 'ptsd' compare equal."""
    return " ".join(text.casefold().split())


def _words(text: str) -> list[str]:
    return text.replace("-", " ").replace("(", " ").replace(")", " ").split()


def score_node(node: Node, query: str) -> tuple[float, str] | None:
    """Score how well ``node`` matches ``query`` (already normalised); None if it does not."""
    if not query:
        return None
    if normalise(node.id) == query:
        return 100.0, "id"
    if any(normalise(x) == query for x in node.xrefs):
        return 95.0, "xref"
    name = normalise(node.name)
    synonyms = [normalise(s) for s in node.synonyms]
    if name == query:
        return 90.0, "name"
    if query in synonyms:
        return 80.0, "synonym"
    if name.startswith(query):
        return 70.0, "name prefix"
    if any(s.startswith(query) for s in synonyms):
        return 60.0, "synonym prefix"
    if any(w.startswith(query) for text in (name, *synonyms) for w in _words(text)):
        return 55.0, "word prefix"
    if any(query in text for text in (name, *synonyms)):
        return 50.0, "substring"
    if len(query) < 4:
        return None
    best = max(SequenceMatcher(None, query, text[: len(query) + 3]).ratio() for text in (name, *synonyms))
    if best >= FUZZY_MIN_RATIO:
        return round(40.0 * best, 3), "fuzzy"
    return None


def rank(nodes: Iterable[Node], text: str, category: str | None = None, limit: int = 10) -> list[SearchHit]:
    """Score ``nodes`` against ``text`` and return the best ``limit`` hits, best first."""
    query = normalise(text)
    hits = []
    for node in nodes:
        if category is not None and node.category != category:
            continue
        scored = score_node(node, query)
        if scored is not None:
            hits.append(SearchHit(node, scored[0], scored[1]))
    hits.sort(key=lambda h: (-h.score, normalise(h.node.name), h.node.id))
    return hits[:limit]
