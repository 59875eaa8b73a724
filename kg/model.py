"""Typed graph records: :class:`Node`, :class:`Edge` and their :class:`Provenance`.

Records are small frozen dataclasses. Ids are CURIEs; categories and predicates are schema
terms (checked by :mod:`kg.validate`, which reports every problem at once rather than failing
on the first). Provenance follows Biolink/KGX edge properties so exports need no guessing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Origin", "Provenance", "Node", "Edge", "edge_id", "CURATED_SOURCE"]

CURATED_SOURCE = "infores:ketamine-kg-curated"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from in its input: file, line (1-based) and record label."""

    file: str
    line: int | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return where if self.record is None else f"{where} ({self.record})"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "record": self.record}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Biolink/KGX provenance of an assertion.

    ``publications`` are CURIEs (PMID/DOI/NCT); ``evidence_type`` is an ECO term;
    ``knowledge_level`` and ``agent_type`` use Biolink's enumerations.
    """

    primary_knowledge_source: str
    source_version: str
    knowledge_level: str = "knowledge_assertion"
    agent_type: str = "manual_agent"
    publications: tuple[str, ...] = ()
    evidence_type: str | None = None
    license: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "primary_knowledge_source": self.primary_knowledge_source,
            "source_version": self.source_version,
            "knowledge_level": self.knowledge_level,
            "agent_type": self.agent_type,
            "publications": list(self.publications),
            "evidence_type": self.evidence_type,
            "license": self.license,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        return cls(
            primary_knowledge_source=data["primary_knowledge_source"],
            source_version=data["source_version"],
            knowledge_level=data.get("knowledge_level", "not_provided"),
            agent_type=data.get("agent_type", "not_provided"),
            publications=tuple(data.get("publications") or ()),
            evidence_type=data.get("evidence_type"),
            license=data.get("license"),
        )


@dataclass(frozen=True, slots=True)
class Node:
    """A graph node: a CURIE id, a schema category, a name, synonyms, xrefs and properties."""

    id: str
    category: str
    name: str
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    properties: dict[str, Any] = field(default_factory=dict, hash=False)
    source: str | None = None
    origin: Origin | None = field(default=None, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe form (the origin is build metadata and is left out)."""
        return {
            "id": self.id,
            "category": self.category,
            "name": self.name,
            "synonyms": list(self.synonyms),
            "xrefs": list(self.xrefs),
            "properties": dict(self.properties),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        return cls(
            id=data["id"],
            category=data["category"],
            name=data["name"],
            synonyms=tuple(data.get("synonyms") or ()),
            xrefs=tuple(data.get("xrefs") or ()),
            properties=dict(data.get("properties") or {}),
            source=data.get("source"),
        )


def edge_id(subject: str, predicate: str, object: str, qualifier: str = "") -> str:
    """A deterministic edge id, so rebuilding the same facts yields the same ids."""
    digest = hashlib.sha1(f"{subject}|{predicate}|{object}|{qualifier}".encode(), usedforsecurity=False).hexdigest()
    return f"ketkg:e{digest[:20]}"


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed, typed, provenanced edge between two node ids.

    Slotted, with its id computed once at construction: graphs hold millions of edges, and
    stores, validation and sorting ask for the id many times.
    """

    subject: str
    predicate: str
    object: str
    provenance: Provenance | None
    properties: dict[str, Any] = field(default_factory=dict, hash=False)
    qualifier: str = ""
    origin: Origin | None = field(default=None, compare=False, hash=False)
    _id: str = field(default="", init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_id", edge_id(self.subject, self.predicate, self.object, self.qualifier))

    @property
    def id(self) -> str:
        return self._id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "qualifier": self.qualifier,
            "properties": dict(self.properties),
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edge:
        prov = data.get("provenance")
        return cls(
            subject=data["subject"],
            predicate=data["predicate"],
            object=data["object"],
            provenance=Provenance.from_dict(prov) if prov else None,
            properties=dict(data.get("properties") or {}),
            qualifier=data.get("qualifier") or "",
        )


def canonical_json(value: Any) -> str:
    """Stable JSON text (sorted keys), used for checksums and parity comparisons."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
