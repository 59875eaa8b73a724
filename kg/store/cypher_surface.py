"""What analysts' Cypher sees of the graph, the same on every store.

* The store's own names stay hidden: ``Entity``, the common label the Neo4j store gives every
  node, and properties named ``_kg_*``, its bookkeeping (:mod:`kg.store.neo4j_records`). A query
  that names either is refused on every store (:func:`check_visible`); the Neo4j store also
  filters them out of ``labels()``, ``keys()``, maps and nodes in answers
  (:mod:`kg.store.neo4j_cypher`).
* The four allowed ``db.*`` procedures describe the graph analysts see: the categories, the
  predicates, the property keys and the category-to-category patterns present in the data
  (:class:`Outline`), computed by each store from its graph. Neo4j's own procedures would also
  list the hidden label and keys, and every label, type and key the database ever held, so
  both stores answer them only as a whole query (``CALL db.labels()``); with arguments,
  ``YIELD`` or other clauses they are :class:`~kg.errors.CypherUnsupported`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.errors import CypherRefused, CypherUnsupported
from kg.query.cypher_guard import Token
from kg.store.projection import node_json, relationship_json

__all__ = ["HIDDEN_LABEL", "INTERNAL_PREFIX", "Outline", "check_visible", "procedure_call", "procedure_answer"]

HIDDEN_LABEL = "Entity"
INTERNAL_PREFIX = "_kg_"
_COLUMNS = {"db.labels": "label", "db.relationshiptypes": "relationshipType", "db.propertykeys": "propertyKey"}


@dataclass(frozen=True)
class Outline:
    """What the ``db.*`` procedures report: node labels, relationship types, property keys and
    ``(start label, type, end label)`` patterns, as present in the graph."""

    labels: frozenset[str]
    types: frozenset[str]
    keys: frozenset[str]
    triples: frozenset[tuple[str, str, str]]

    @classmethod
    def of(cls, labels: Iterable[str], types: Iterable[str], keys: Iterable[str],
           triples: Iterable[tuple[str, str, str]]) -> Outline:
        """The outline, without the hidden label and the internal keys."""
        return cls(frozenset(label for label in labels if label != HIDDEN_LABEL), frozenset(types),
                   frozenset(k for k in keys if not k.startswith(INTERNAL_PREFIX)),
                   frozenset(t for t in triples if HIDDEN_LABEL not in (t[0], t[2])))


def check_visible(tokens: Sequence[Token]) -> None:
    """Refuse a query that names the hidden label or an internal property (as a word or `name`)."""
    for token in tokens:
        if token.kind not in ("word", "name"):
            continue
        name = token.value if token.kind == "name" else token.text
        if name == HIDDEN_LABEL or name.startswith(INTERNAL_PREFIX):
            raise CypherRefused(f"Cypher refused: {token.text} is internal to the store (the label {HIDDEN_LABEL} and "
                                f"properties named {INTERNAL_PREFIX}* are not part of the analyst graph)")


def _procedure_calls(tokens: Sequence[Token]) -> list[int]:
    """Where ``CALL name`` (a procedure, not a ``CALL {`` or ``CALL (`` subquery) occurs."""
    return [i for i, t in enumerate(tokens[:-1]) if t.upper == "CALL" and tokens[i + 1].kind in ("word", "name")]


def procedure_call(tokens: Sequence[Token]) -> str | None:
    """The procedure (casefolded) a guarded query calls as a whole, or None if it calls none.

    The guard lets only the allowed ``db.*`` procedures through; called any other way than as
    the whole query, with no arguments, they are :class:`~kg.errors.CypherUnsupported`.
    """
    calls = _procedure_calls(tokens)
    if not calls:
        return None
    texts = [t.value if t.kind == "name" else t.text for t in tokens[calls[0] + 1:]]
    cut = texts.index("(") if "(" in texts else len(texts)
    name = "".join(texts[:cut]).casefold()
    if calls != [0] or texts[cut:] not in ([], ["(", ")"]):
        raise CypherUnsupported(f"CALL {name} is answered only as a whole query without arguments, YIELD or other "
                                f"clauses (write CALL {name}())")
    return name


def procedure_answer(name: str, outline: Outline) -> tuple[list[str], list[list[object]]]:
    """The columns and rows of the allowed procedure ``name`` (casefolded) over ``outline``."""
    if name in _COLUMNS:
        values = {"db.labels": outline.labels, "db.relationshiptypes": outline.types,
                  "db.propertykeys": outline.keys}[name]
        return [_COLUMNS[name]], [[value] for value in sorted(values)]
    nodes = [node_json([label], {"name": label}) for label in sorted(outline.labels)]
    rels = [relationship_json(t, {"start": s, "end": e}) for s, t, e in sorted(outline.triples)]
    return ["nodes", "relationships"], [[nodes, rels]]
