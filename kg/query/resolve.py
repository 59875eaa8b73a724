"""Turn what a user typed (a CURIE, an xref, a name or synonym) into node ids."""

from __future__ import annotations

from collections.abc import Iterable

from kg.errors import NotFound
from kg.model import Node
from kg.store.base import GraphStore

__all__ = ["resolve"]

# A search hit at or above this score is an exact id, xref, name or synonym match.
EXACT_SCORE = 80.0


def resolve(store: GraphStore, text: str, categories: Iterable[str], role: str) -> list[Node]:
    """Nodes of ``categories`` that ``text`` names exactly; else the best prefix match.

    Raises :class:`NotFound` with the closest suggestions when nothing fits.
    """
    wanted = set(categories)
    text = text.strip()
    if not text:
        raise NotFound(f"{role} is empty")
    node = store.get_node(text)
    if node is not None and node.category in wanted:
        return [node]
    hits = [h for h in store.search(text, None, 50) if h.node.category in wanted]
    exact = [h.node for h in hits if h.score >= EXACT_SCORE]
    if exact:
        best = max(h.score for h in hits)
        return [h.node for h in hits if h.score == best]
    if hits and hits[0].score >= 55.0:
        return [hits[0].node]
    suggestions = ", ".join(f"{h.node.name} ({h.node.id})" for h in hits[:5])
    kinds = "/".join(sorted(wanted))
    hint = f"; did you mean: {suggestions}" if suggestions else ""
    raise NotFound(f"no {kinds} matches {role} {text!r}{hint}")
