"""Graph stores: the :class:`~kg.store.base.GraphStore` protocol and its backends."""

from kg.store.base import GraphStore
from kg.store.memory import MemoryStore

__all__ = ["GraphStore", "MemoryStore"]
