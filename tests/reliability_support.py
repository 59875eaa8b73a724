"""What the reliability tests share: a content checksum of a store, and stores/apps over the small corpus."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kg.model import canonical_json
from kg.store.base import GraphStore

__all__ = ["Fingerprint", "fingerprint"]


@dataclass(frozen=True)
class Fingerprint:
    """Counts and a SHA-256 over every node and edge record, in the contract's order."""

    nodes: int
    edges: int
    sha256: str


def fingerprint(store: GraphStore) -> Fingerprint:
    """The store's content, computed from ``iter_nodes``/``iter_edges`` (the same on both backends)."""
    digest = hashlib.sha256()
    nodes = edges = 0
    for node in store.iter_nodes():
        digest.update(canonical_json(node.to_dict()).encode())
        digest.update(b"\n")
        nodes += 1
    digest.update(b"--edges--\n")
    for edge in store.iter_edges():
        digest.update(canonical_json(edge.to_dict()).encode())
        digest.update(b"\n")
        edges += 1
    return Fingerprint(nodes, edges, digest.hexdigest())
