"""Validate records against the schema and report every problem with where it came from.

The validator never raises on bad data: it collects :class:`Problem` entries (file, line,
record, id, what is wrong) into a :class:`Report`. The build pipeline refuses to write
anything when the report has errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.model import Edge, Node, Origin, Provenance
from ontology import Schema, load_schema

__all__ = ["Problem", "Report", "validate"]


@dataclass(frozen=True)
class Problem:
    """One problem: a stable ``code``, a message, the record id and where it came from."""

    severity: str  # "error" or "warning"
    code: str
    message: str
    record_id: str
    origin: Origin | None = None

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"{self.severity}: {where}{self.record_id}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "id": self.record_id,
            "origin": self.origin.to_dict() if self.origin else None,
        }


@dataclass
class Report:
    """All problems found; ``ok`` is true when there are no errors (warnings allowed)."""

    problems: list[Problem] = field(default_factory=list)
    nodes_checked: int = 0
    edges_checked: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, severity: str, code: str, message: str, record_id: str, origin: Origin | None) -> None:
        self.problems.append(Problem(severity, code, message, record_id, origin))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    def codes(self) -> set[str]:
        return {p.code for p in self.problems}

    def __str__(self) -> str:
        head = (f"validated {self.nodes_checked} nodes and {self.edges_checked} edges: "
                f"{len(self.errors)} errors, {len(self.warnings)} warnings")
        return "\n".join([head, *(str(p) for p in self.problems)])


def _check_node(node: Node, schema: Schema, report: Report) -> None:
    where = node.origin
    problem = schema.curie_problem(node.id)
    if problem:
        report.add("error", "bad-curie", problem, node.id, where)
    category = schema.categories.get(node.category)
    if category is None:
        report.add("error", "unknown-category", f"category {node.category!r} is not in the schema", node.id, where)
    else:
        prefix = node.id.partition(":")[0]
        if category.id_prefixes and prefix not in category.id_prefixes:
            report.add("error", "id-prefix", f"prefix {prefix!r} is not allowed for {node.category} "
                       f"(allowed: {', '.join(category.id_prefixes)})", node.id, where)
        extra = set(node.properties) - category.properties
        if extra:
            report.add("error", "unknown-property",
                       f"properties {sorted(extra)} are not defined for {node.category}", node.id, where)
    if not node.name or not node.name.strip():
        report.add("error", "missing-name", "node has no name", node.id, where)
    for xref in node.xrefs:
        problem = schema.curie_problem(xref)
        if problem:
            report.add("error", "bad-curie", f"xref {problem}", node.id, where)


def _provenance_problems(prov: Provenance | None, schema: Schema) -> list[tuple[str, str]]:
    """(code, message) of each error in ``prov``; the same for every edge that shares it."""
    if prov is None:
        return [("missing-provenance", "edge has no provenance")]
    problems = []
    if not prov.primary_knowledge_source.startswith("infores:"):
        problems.append(("bad-provenance", "primary_knowledge_source must be an infores: id"))
    if not prov.source_version:
        problems.append(("bad-provenance", "source_version is empty"))
    if prov.knowledge_level not in schema.knowledge_levels:
        problems.append(("bad-provenance", f"unknown knowledge_level {prov.knowledge_level!r}"))
    if prov.agent_type not in schema.agent_types:
        problems.append(("bad-provenance", f"unknown agent_type {prov.agent_type!r}"))
    for pub in prov.publications:
        problem = schema.curie_problem(pub)
        if problem or pub.partition(":")[0] not in {"PMID", "DOI", "NCT", "PMC", "ketkg"}:
            problems.append(("bad-publication", problem or f"{pub!r} is not a PMID/DOI/NCT/PMC id"))
    if prov.evidence_type is not None and not prov.evidence_type.startswith("ECO:"):
        problems.append(("bad-provenance", f"evidence_type {prov.evidence_type!r} is not an ECO term"))
    return problems


def _rid(edge: Edge) -> str:
    return f"{edge.subject} {edge.predicate} {edge.object}"


class _EdgeChecker:
    """Checks edges against the schema; provenance shared by many edges is checked once."""

    def __init__(self, categories: dict[str, str], schema: Schema, report: Report) -> None:
        self.categories, self.schema, self.report = categories, schema, report
        self.provenance: dict[int, list[tuple[str, str]]] = {}
        self.shared: list[Provenance | None] = []  # keeps checked provenances alive, so ids stay theirs

    def __call__(self, edge: Edge) -> None:
        where, report, categories = edge.origin, self.report, self.categories
        predicate = self.schema.predicates.get(edge.predicate)
        if predicate is None:
            report.add("error", "unknown-predicate", f"predicate {edge.predicate!r} is not in the schema",
                       _rid(edge), where)
        subject_cat, object_cat = categories.get(edge.subject), categories.get(edge.object)
        if subject_cat is None:
            report.add("error", "dangling-edge", f"subject {edge.subject!r} is not a node of this build",
                       _rid(edge), where)
        if object_cat is None:
            report.add("error", "dangling-edge", f"object {edge.object!r} is not a node of this build",
                       _rid(edge), where)
        if predicate is not None:
            if subject_cat is not None and subject_cat not in predicate.domain:
                report.add("error", "domain", f"{edge.predicate} cannot start at a {subject_cat} "
                           f"(domain: {', '.join(sorted(predicate.domain))})", _rid(edge), where)
            if object_cat is not None and object_cat not in predicate.range:
                report.add("error", "range", f"{edge.predicate} cannot end at a {object_cat} "
                           f"(range: {', '.join(sorted(predicate.range))})", _rid(edge), where)
            if edge.properties and not predicate.properties.issuperset(edge.properties):
                extra = set(edge.properties) - predicate.properties
                report.add("error", "unknown-property",
                           f"properties {sorted(extra)} are not defined for {edge.predicate}", _rid(edge), where)
        problems = self.provenance.get(id(edge.provenance))
        if problems is None:
            problems = self.provenance[id(edge.provenance)] = _provenance_problems(edge.provenance, self.schema)
            self.shared.append(edge.provenance)
        for code, message in problems:
            report.add("error", code, message, _rid(edge), where)


def validate(nodes: Iterable[Node], edges: Iterable[Edge], schema: Schema | None = None, *,
             distinct_edges: bool = False) -> Report:
    """Check ``nodes`` and ``edges`` against ``schema``; return a report of every problem.

    ``distinct_edges``: the caller has established that no two edges share an id (the pipeline's
    merge does), so the check for conflicting duplicates is skipped.

    Examples
    --------
    >>> from kg.model import Node
    >>> report = validate([Node("CHEBI:6121", "Drug", "ketamine")], [])
    >>> report.ok
    True
    """
    schema = schema or load_schema()
    report = Report()
    categories: dict[str, str] = {}
    seen: dict[str, Node] = {}
    for node in nodes:
        report.nodes_checked += 1
        _check_node(node, schema, report)
        previous = seen.get(node.id)
        if previous is not None and previous != node:
            report.add("error", "duplicate-id", f"id also defined differently at {previous.origin}",
                       node.id, node.origin)
        seen.setdefault(node.id, node)
        categories.setdefault(node.id, node.category)
    edge_keys: dict[str, Edge] = {}
    check_edge = _EdgeChecker(categories, schema, report)
    for edge in edges:
        report.edges_checked += 1
        check_edge(edge)
        if distinct_edges:
            continue
        previous_edge = edge_keys.setdefault(edge.id, edge)
        if previous_edge is not edge and previous_edge != edge:
            report.add("error", "duplicate-edge", f"edge also stated differently at {previous_edge.origin}",
                       f"{edge.subject} {edge.predicate} {edge.object}", edge.origin)
    return report
