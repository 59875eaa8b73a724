"""The graph as KGX TSV (``nodes.tsv``, ``edges.tsv``): Biolink categories and predicates from the
schema mapping, Biolink provenance columns, and our own terms kept so the files load back
exactly (:mod:`loaders.kgx`).

Columns: Biolink slots first (``category``, ``predicate``, ``primary_knowledge_source``,
``knowledge_level``, ``agent_type``, ``publications``, ``has_evidence``, ``provided_by``,
``license``, ...), then ``ketkg_*`` columns (our category, predicate, qualifier, source version
and a non-commercial mark), then one column per record property. Multivalued Biolink slots
are ``|``-joined. A property value is written as text when it reads back as the same string,
and as JSON otherwise (numbers, booleans, lists, and strings that look like JSON or hold tabs
or line breaks), so types survive the round trip.

Identifiers (``id``, ``subject``, ``object``, ``xref``, ``publications``) are written the way
Biolink and KGX expect them, and read back to ours by :func:`from_kgx_curie`:

- the prefix as the Biolink prefix map spells it (``NCT:NCT02497287`` is written
  ``CLINICALTRIALS:NCT02497287``, ``DOI:`` is ``doi:``, ``DRUGCENTRAL:`` is ``DrugCentral:``;
  the table is the ``biolink`` key of the schema's prefixes);
- the characters KGX's CURIE pattern refuses in a local id (``/``, ``:``, space) percent-encoded,
  as RFC 3986 allows: ``DOI:10.1176/appi.ajp.2017.17060647`` is written
  ``doi:10.1176%2Fappi.ajp.2017.17060647`` (doi.org resolves both forms);
- the prefixes Biolink's prefix map lacks (our own ``ketkg``, ``NDFRT`` of Hetionet's
  pharmacologic classes, ...) declared with their IRIs in ``context.jsonld`` beside the TSVs,
  the JSON-LD context a KGX consumer or validator adds to Biolink's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.iri import expand, schema_prefix_map
from kg.licenses import NON_COMMERCIAL, edge_license, license_class, node_license
from kg.model import Edge, Node
from ontology import Schema, load_schema

__all__ = ["NODE_COLUMNS", "EDGE_COLUMNS", "LIST_DELIMITER", "CONTEXT_FILE", "encode_value", "decode_value",
           "write_kgx", "node_row", "edge_row", "to_kgx_curie", "from_kgx_curie", "kgx_prefixes_in_reverse",
           "kgx_context"]

LIST_DELIMITER = "|"
NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri", "provided_by", "license",
                "ketkg_category", "ketkg_non_commercial")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "primary_knowledge_source", "knowledge_level", "agent_type",
                "publications", "has_evidence", "license", "ketkg_predicate", "ketkg_qualifier",
                "ketkg_source_version", "ketkg_non_commercial")
CONTEXT_FILE = "context.jsonld"
#: characters KGX's CURIE pattern (``^[^ <()>:]*:[^/ :]+$``) refuses in a local id, and '%' so
#: that encoding is reversible; each written as its RFC 3986 percent-encoding
_ESCAPES = {"%": "%25", "/": "%2F", ":": "%3A", " ": "%20"}
_ESCAPED = re.compile("|".join(re.escape(c) for c in _ESCAPES))
_UNESCAPED = {v.lower(): k for k, v in _ESCAPES.items()}
_PERCENT = re.compile(r"%(25|2F|3A|20)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _looks_json(text: str) -> bool:
    return text[:1] in ('[', '{', '"') or text in ("true", "false", "null") or bool(_NUMBER.fullmatch(text))


def encode_value(value: Any) -> str:
    """A property value as one TSV cell (see the module docstring).

    Examples
    --------
    >>> [encode_value(v) for v in ("PTSD", "2019", 2019, True, ["a", "b"])]
    ['PTSD', '"2019"', '2019', 'true', '["a", "b"]']
    """
    if isinstance(value, str) and value and value == value.strip() and not _looks_json(value) \
            and not any(c in value for c in "\t\n\r"):
        return value
    return json.dumps(value, ensure_ascii=False)


def decode_value(text: str) -> Any:
    """The value of a cell written by :func:`encode_value` (text that is not JSON stays text)."""
    if _looks_json(text):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _joined(values: Iterable[str], what: str, record: str) -> str:
    items = list(values)
    for item in items:
        if LIST_DELIMITER in item or any(c in item for c in "\t\n\r"):
            raise KGError(f"{record}: {what} {item!r} holds '|', a tab or a line break and cannot be written as KGX")
    return LIST_DELIMITER.join(items)


def to_kgx_curie(curie: str, schema: Schema) -> str:
    """``curie`` as written to KGX: Biolink's spelling of its prefix, its local id percent-encoded
    where KGX's CURIE pattern needs it (see the module docstring).

    >>> from ontology import load_schema
    >>> to_kgx_curie("DOI:10.1176/appi.ajp.2017.17060647", load_schema())
    'doi:10.1176%2Fappi.ajp.2017.17060647'
    >>> to_kgx_curie("NCT:NCT02497287", load_schema()), to_kgx_curie("CHEBI:6121", load_schema())
    ('CLINICALTRIALS:NCT02497287', 'CHEBI:6121')
    """
    prefix, sep, local = curie.partition(":")
    if not sep:
        return curie
    spelling = schema.biolink_prefixes.get(prefix) or prefix
    return f"{spelling}:{_ESCAPED.sub(lambda m: _ESCAPES[m.group()], local)}"


def kgx_prefixes_in_reverse(schema: Schema) -> dict[str, str]:
    """Biolink's spelling of a prefix -> ours, for the prefixes Biolink spells differently."""
    return {biolink: ours for ours, biolink in schema.biolink_prefixes.items() if biolink and biolink != ours}


def from_kgx_curie(curie: str, reverse: dict[str, str]) -> str:
    """The CURIE a KGX ``curie`` stands for in our graph: our spelling of its prefix (``reverse``
    from :func:`kgx_prefixes_in_reverse`) and its local id percent-decoded.

    >>> from ontology import load_schema
    >>> from_kgx_curie("doi:10.1176%2Fappi.ajp.2017.17060647", kgx_prefixes_in_reverse(load_schema()))
    'DOI:10.1176/appi.ajp.2017.17060647'
    """
    prefix, sep, local = curie.partition(":")
    if not sep:
        return curie
    return f"{reverse.get(prefix, prefix)}:{_PERCENT.sub(lambda m: _UNESCAPED[m.group().lower()], local)}"


def _biolink(term: str) -> str:
    return term if term.startswith("biolink:") else f"biolink:{term}"


def _non_commercial(licence: str | None) -> str:
    return "true" if license_class(licence) == NON_COMMERCIAL else "false"


def node_row(node: Node, schema: Schema) -> dict[str, str]:
    """One ``nodes.tsv`` row (property columns included)."""
    props = dict(node.properties)
    description = props.pop("description", None)
    licence = node_license(node)
    curie = partial(to_kgx_curie, schema=schema)
    row = {"id": curie(node.id), "category": _biolink(schema.category(node.category).biolink), "name": node.name,
           "description": encode_value(description) if description is not None else "",
           "synonym": _joined(node.synonyms, "synonym", node.id),
           "xref": _joined(map(curie, node.xrefs), "xref", node.id),
           "iri": expand(node.id) or "", "provided_by": node.source or "", "license": licence or "",
           "ketkg_category": node.category, "ketkg_non_commercial": _non_commercial(licence)}
    row.update({key: encode_value(value) for key, value in props.items()})
    return row


def edge_row(edge: Edge, schema: Schema) -> dict[str, str]:
    """One ``edges.tsv`` row (property columns included)."""
    prov = edge.provenance
    licence = edge_license(edge)
    curie = partial(to_kgx_curie, schema=schema)
    row = {"id": edge.id, "subject": curie(edge.subject),
           "predicate": _biolink(schema.predicate(edge.predicate).biolink), "object": curie(edge.object),
           "primary_knowledge_source": prov.primary_knowledge_source if prov else "",
           "knowledge_level": prov.knowledge_level if prov else "not_provided",
           "agent_type": prov.agent_type if prov else "not_provided",
           "publications": _joined(map(curie, prov.publications), "publication", edge.id) if prov else "",
           "has_evidence": (prov.evidence_type or "") if prov else "", "license": licence or "",
           "ketkg_predicate": edge.predicate,
           "ketkg_qualifier": encode_value(edge.qualifier) if edge.qualifier else "",
           "ketkg_source_version": prov.source_version if prov else "",
           "ketkg_non_commercial": _non_commercial(licence)}
    row.update({key: encode_value(value) for key, value in edge.properties.items()})
    return row


def _write_table(path: Path, fixed: Sequence[str], rows: list[dict[str, str]]) -> None:
    extra = sorted({key for row in rows for key in row} - set(fixed))
    columns = [*fixed, *extra]
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(row.get(c, "") for c in columns) + "\n")
    tmp.replace(path)


def _check_columns(records: Iterable[Node | Edge], fixed: Sequence[str]) -> None:
    for record in records:
        clash = set(record.properties) & (set(fixed) - {"description"})
        if clash:
            raise KGError(f"{record.id}: properties {sorted(clash)} clash with KGX columns")


def kgx_context(nodes: Iterable[Node], edges: Iterable[Edge], schema: Schema) -> dict[str, str]:
    """The prefixes Biolink's prefix map lacks that the written identifiers use -> their IRIs."""
    used = {i.partition(":")[0] for n in nodes for i in (n.id, *n.xrefs)}
    used |= {i.partition(":")[0] for e in edges
             for i in (e.subject, e.object, *(e.provenance.publications if e.provenance else ()))}
    iris = schema_prefix_map()
    return {p: iris[p] for p in sorted(used)
            if p in iris and p in schema.biolink_prefixes and schema.biolink_prefixes[p] is None}


def write_kgx(nodes: Iterable[Node], edges: Iterable[Edge], directory: str | Path,
              schema: Schema | None = None) -> tuple[Path, Path]:
    """Write ``nodes.tsv``, ``edges.tsv`` and ``context.jsonld`` (the prefixes Biolink lacks) into
    ``directory`` (created if needed); return the two TSV paths."""
    schema = schema or load_schema()
    node_list, edge_list = list(nodes), list(edges)
    _check_columns(node_list, NODE_COLUMNS)
    _check_columns(edge_list, EDGE_COLUMNS)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    node_path, edge_path = out / "nodes.tsv", out / "edges.tsv"
    node_rows = [node_row(n, schema) for n in node_list]
    edge_rows = [edge_row(e, schema) for e in edge_list]
    context = json.dumps({"@context": kgx_context(node_list, edge_list, schema)}, indent=1) + "\n"
    _write_table(node_path, NODE_COLUMNS, node_rows)
    _write_table(edge_path, EDGE_COLUMNS, edge_rows)
    context_tmp = out / f".{CONTEXT_FILE}.tmp"
    context_tmp.write_text(context, encoding="utf-8")
    context_tmp.replace(out / CONTEXT_FILE)
    return node_path, edge_path
