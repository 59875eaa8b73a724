"""Open the store the settings ask for."""

from __future__ import annotations

from kg.settings import Settings
from kg.store.base import GraphStore
from kg.store.memory import MemoryStore

__all__ = ["open_store"]


def open_store(settings: Settings) -> GraphStore:
    """The configured store: the embedded snapshot, or Neo4j (local launcher when no URI is set)."""
    if settings.store == "neo4j":
        from kg.store.neo4j_store import Neo4jStore

        return Neo4jStore.from_settings(settings)
    return MemoryStore(settings.snapshot)
