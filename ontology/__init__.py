"""The ketamine-kg schema: categories, predicates, prefixes and study designs.

The schema lives in ``schema.yaml`` beside this module; :func:`load_schema` parses it once
into a frozen :class:`Schema` whose lookups fail loudly on unknown terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kg.errors import SchemaError

__all__ = ["Category", "Predicate", "Design", "Schema", "load_schema"]


@dataclass(frozen=True)
class Category:
    """A node category: a Neo4j label mapped to a Biolink class."""

    name: str
    biolink: str
    match: str
    description: str
    id_prefixes: tuple[str, ...]
    properties: frozenset[str]


@dataclass(frozen=True)
class Predicate:
    """An edge predicate: a relationship type with domain, range and Biolink slot."""

    name: str
    biolink: str
    match: str
    domain: frozenset[str]
    range: frozenset[str]
    properties: frozenset[str]


@dataclass(frozen=True)
class Design:
    """A study design with its evidence level (1 strongest) and ECO evidence term."""

    name: str
    level: int
    label: str
    eco: str


@dataclass(frozen=True)
class Schema:
    """The whole schema. Use :func:`load_schema` rather than building one by hand."""

    name: str
    version: str
    base_iri: str
    project_prefix: str
    prefixes: dict[str, re.Pattern[str]]
    #: our prefix -> its spelling in the Biolink Model prefix map, or None when Biolink lacks it
    biolink_prefixes: dict[str, str | None]
    categories: dict[str, Category]
    predicates: dict[str, Predicate]
    designs: dict[str, Design]
    knowledge_levels: frozenset[str]
    agent_types: frozenset[str]
    directions: frozenset[str]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def category(self, name: str) -> Category:
        """Return the category called ``name`` or raise :class:`SchemaError`."""
        try:
            return self.categories[name]
        except KeyError:
            raise SchemaError(f"unknown category {name!r}; known: {sorted(self.categories)}") from None

    def predicate(self, name: str) -> Predicate:
        """Return the predicate called ``name`` or raise :class:`SchemaError`."""
        try:
            return self.predicates[name]
        except KeyError:
            raise SchemaError(f"unknown predicate {name!r}; known: {sorted(self.predicates)}") from None

    def design(self, name: str) -> Design:
        """Return the study design called ``name`` or raise :class:`SchemaError`."""
        try:
            return self.designs[name]
        except KeyError:
            raise SchemaError(f"unknown study design {name!r}; known: {sorted(self.designs)}") from None

    def curie_problem(self, curie: str) -> str | None:
        """Say what is wrong with ``curie`` (unknown prefix, bad local id), or None if valid."""
        prefix, sep, local = curie.partition(":")
        if not sep or not prefix or not local:
            return f"{curie!r} is not a CURIE (PREFIX:local)"
        pattern = self.prefixes.get(prefix)
        if pattern is None:
            return f"{curie!r} has unknown prefix {prefix!r}"
        if not pattern.fullmatch(local):
            return f"{curie!r}: local id {local!r} does not match the {prefix} pattern {pattern.pattern!r}"
        hidden = next((c for c in curie if c.isspace() or not c.isprintable()), None)
        if hidden is not None:
            return f"{curie!r} contains the white-space or control character U+{ord(hidden):04X}"
        return None


def _category(name: str, spec: dict[str, Any]) -> Category:
    return Category(
        name=name,
        biolink=spec["biolink"],
        match=spec["match"],
        description=spec.get("description", ""),
        id_prefixes=tuple(spec.get("id_prefixes", ())),
        properties=frozenset(spec.get("properties", ())),
    )


def _biolink_prefix(prefix: str, spec: dict[str, Any]) -> str | None:
    """Biolink's spelling of ``prefix``: the ``biolink`` key, None for ``biolink: false``, else the prefix."""
    spelling = spec.get("biolink", prefix)
    if spelling is False:
        return None
    if not isinstance(spelling, str) or not spelling:
        raise SchemaError(f"prefix {prefix!r}: biolink must be a prefix or false, not {spelling!r}")
    return spelling


def _predicate(name: str, spec: dict[str, Any], categories: dict[str, Category]) -> Predicate:
    ends = set(spec["domain"]) | set(spec["range"])
    unknown = ends - set(categories)
    if unknown:
        raise SchemaError(f"predicate {name}: unknown categories {sorted(unknown)} in domain/range")
    return Predicate(
        name=name,
        biolink=spec["biolink"],
        match=spec["match"],
        domain=frozenset(spec["domain"]),
        range=frozenset(spec["range"]),
        properties=frozenset(spec.get("properties", ())),
    )


def parse_schema(raw: dict[str, Any]) -> Schema:
    """Build a :class:`Schema` from its parsed YAML, checking names and references."""
    categories = {n: _category(n, s) for n, s in raw["categories"].items()}
    for name in categories:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
            raise SchemaError(f"category {name!r} is not PascalCase")
    predicates = {n: _predicate(n, s, categories) for n, s in raw["predicates"].items()}
    for name in predicates:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise SchemaError(f"predicate {name!r} is not UPPER_SNAKE")
    designs = {n: Design(n, int(s["level"]), s["label"], s["eco"]) for n, s in raw["designs"].items()}
    # ASCII: a \d of a prefix pattern means 0-9, never other scripts' digits (PMID:١٢٣ is not a PMID)
    prefixes = {p: re.compile(s["pattern"], re.ASCII) for p, s in raw["prefixes"].items()}
    biolink_prefixes = {p: _biolink_prefix(p, s) for p, s in raw["prefixes"].items()}
    return Schema(
        name=raw["name"],
        version=str(raw["version"]),
        base_iri=raw["base_iri"],
        project_prefix=raw["project_prefix"],
        prefixes=prefixes,
        biolink_prefixes=biolink_prefixes,
        categories=categories,
        predicates=predicates,
        designs=designs,
        knowledge_levels=frozenset(raw["knowledge_levels"]),
        agent_types=frozenset(raw["agent_types"]),
        directions=frozenset(raw["directions"]),
        raw=raw,
    )


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """Load and check the packaged ``schema.yaml`` (cached: the schema is immutable)."""
    text = resources.files(__package__).joinpath("schema.yaml").read_text(encoding="utf-8")
    return parse_schema(yaml.safe_load(text))
