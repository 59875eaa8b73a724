"""Which version of the graph a store holds, so views derived from it (RDF, SPARQL, licence
summaries) are built once per version and rebuilt only when the graph changes.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Generic, TypeVar

from kg.model import canonical_json
from kg.store.base import GraphStore

__all__ = ["store_generation", "GenerationCache"]

T = TypeVar("T")


def store_generation(store: GraphStore) -> str:
    """A token that changes whenever the store's graph is replaced.

    Stores with a ``generation()`` method (both built-in backends) answer it themselves; for any
    other store the node and edge counts stand in, which misses a rewrite of equal size.
    """
    method = getattr(store, "generation", None)
    if callable(method):
        return str(method())
    counts = store.counts()
    return "counts:" + canonical_json([counts.nodes, counts.edges])


class GenerationCache(Generic[T]):
    """One value derived from a store, rebuilt when :func:`store_generation` changes.

    Thread-safe: concurrent requests for a stale value build it once.
    """

    def __init__(self, build: Callable[[GraphStore], T]) -> None:
        self._build = build
        self._lock = Lock()
        self._key: str | None = None
        self._value: T | None = None

    def get(self, store: GraphStore) -> tuple[T, str]:
        """The value for the store's current generation, and that generation."""
        key = store_generation(store)
        with self._lock:
            if self._key != key or self._value is None:
                self._value = self._build(store)
                self._key = key
            return self._value, key
