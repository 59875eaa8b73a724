"""The graph as CSV files for ``neo4j-admin database import full``: the bulk path into an empty Neo4j.

One nodes file per label (``nodes_<Label>.csv``, header ``id:ID,name,synonyms:string[],
xrefs:string[],...,:LABEL``) and one relationships file per type (``relationships_<TYPE>.csv``,
header ``:START_ID,:END_ID,:TYPE,...``). The properties are exactly those that
:class:`~kg.store.neo4j_store.Neo4jStore` writes (:mod:`kg.store.neo4j_records`: the flat
properties analysts' Cypher sees, typed ``long``/``double``/``boolean``/``string[]``..., nested
values as JSON text, plus the store's ``_kg_*`` bookkeeping), so the store reads an imported
database as one it wrote itself. Two differences remain: the importer cannot store an empty
list, so empty lists are left out (Cypher reads them as null, the store's records are the
same), and it creates no constraints (the next ``kg build`` into the database adds them).

A label whose records give one property two types (``year`` a number here, text there) is
split into numbered files, one per consistent set of types. Array elements are joined with
``;`` (``--array-delimiter``); an element holding it is refused, as there is no escape.
``import.sh`` runs the import; ``import.json`` lists the files for :meth:`ImportFiles.load`.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError, SchemaError
from kg.model import Edge, Node
from kg.store import neo4j_records as records
from ontology import Schema, load_schema

__all__ = ["ARRAY_DELIMITER", "IMPORT_BUILD", "ImportFiles", "write_neo4j_import", "field_type"]

ARRAY_DELIMITER = ";"
MANIFEST = "import.json"
IMPORT_BUILD = "neo4j-admin-import"  # the ``_kg_build`` mark of imported nodes
_LABEL = re.compile(r"[A-Z][A-Za-z0-9]*")
_TYPE = re.compile(r"[A-Z][A-Z0-9_]*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NODE_FIRST = ("id", "name", "synonyms", "xrefs")
_SCALARS = {bool: "boolean", int: "long", float: "double", str: "string"}
Header = Callable[[dict[str, str]], list[tuple[str, str]]]  # (property key, header column) pairs


@dataclass(frozen=True)
class ImportFiles:
    """The files written and how to import them (paths are inside ``directory``)."""

    directory: Path
    nodes: list[Path]
    relationships: list[Path]
    script: Path
    array_delimiter: str = ARRAY_DELIMITER
    multiline: bool = False

    def command(self, database: str = "neo4j", admin: str = "neo4j-admin") -> list[str]:
        """The import command, with file names relative to ``directory`` (run it from there)."""
        return [admin, "database", "import", "full",
                *(f"--nodes={p.name}" for p in self.nodes),
                *(f"--relationships={p.name}" for p in self.relationships),
                f"--array-delimiter={self.array_delimiter}",
                *(["--multiline-fields=true"] if self.multiline else []),
                database]

    def command_line(self, database: str = "neo4j") -> str:
        """:meth:`command` as one shell line."""
        return shlex.join(self.command(database))

    @classmethod
    def load(cls, directory: Path) -> ImportFiles:
        """The files that :func:`write_neo4j_import` wrote into ``directory`` (from its ``import.json``)."""
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            return cls(directory, [directory / n for n in manifest["nodes"]],
                       [directory / r for r in manifest["relationships"]], directory / "import.sh",
                       manifest["array_delimiter"], manifest["multiline"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise KGError(f"{directory} holds no import files of `kg export neo4j-import` "
                          f"(cannot read {MANIFEST}: {err})") from err

    def _write_manifest(self) -> None:
        manifest = {"nodes": [p.name for p in self.nodes], "relationships": [p.name for p in self.relationships],
                    "array_delimiter": self.array_delimiter, "multiline": self.multiline}
        (self.directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def field_type(value: Any) -> str | None:
    """The neo4j-admin type of a stored property value (``long``, ``string[]``, ...).

    None for an empty list, which fits any array type. Values are those of
    :func:`kg.store.neo4j_records.node_row`: scalars, or lists of one scalar type.

    >>> [field_type(v) for v in ("a", 3, 0.5, True, ["a"], [1, 2], [])]
    ['string', 'long', 'double', 'boolean', 'string[]', 'long[]', None]
    """
    if isinstance(value, list):
        return f"{field_type(value[0])}[]" if value else None
    kind = _SCALARS.get(type(value))
    if kind is None:
        raise KGError(f"value {value!r} of type {type(value).__name__} has no neo4j-admin type")
    return kind


def write_neo4j_import(nodes: Iterable[Node], edges: Iterable[Edge], directory: Path, *,
                       array_delimiter: str = ARRAY_DELIMITER, schema: Schema | None = None) -> ImportFiles:
    """Write the import CSVs and ``import.sh`` into ``directory``; refuse on a record that cannot be written.

    Raises :class:`~kg.errors.KGError` for an edge to a node not written, an array element
    holding the delimiter or a property name unusable in a CSV header, and
    :class:`~kg.errors.SchemaError` for a category or predicate outside the schema.
    """
    if len(array_delimiter) != 1 or array_delimiter in ',"\n\r':
        raise KGError(f"the array delimiter must be one character other than a comma, quote or line break, "
                      f"not {array_delimiter!r}")
    schema = schema or load_schema()
    unique_nodes = {n.id: n for n in nodes}
    unique_edges = {e.id: e for e in edges}
    _check_ends(unique_nodes, unique_edges.values())
    directory.mkdir(parents=True, exist_ok=True)
    writer = _Writer(directory, array_delimiter)
    node_files: list[Path] = []
    for label, group in sorted(_group(unique_nodes.values(), lambda n: _label(schema, n.category)).items()):
        rows = [(n.id, {**records.node_row(n, IMPORT_BUILD)["props"], ":LABEL": [records.COMMON_LABEL, label]})
                for n in sorted(group, key=lambda n: n.id)]
        node_files += writer.write(f"nodes_{label}", rows, _node_header)
    edge_files: list[Path] = []
    shared: dict[int, Any] = {}  # edges sharing a provenance object encode it once
    for rel, group in sorted(_group(unique_edges.values(), lambda e: _rel_type(schema, e.predicate)).items()):
        rows = [(e.id, _edge_row(e, rel, shared)) for e in sorted(group, key=lambda e: e.id)]
        edge_files += writer.write(f"relationships_{rel}", rows, _edge_header)
    files = ImportFiles(directory, node_files, edge_files, directory / "import.sh", array_delimiter,
                        writer.multiline)
    _write_script(files)
    files._write_manifest()
    return files


def _edge_row(edge: Edge, rel: str, shared: dict[int, Any]) -> dict[str, Any]:
    props = records.edge_row(edge, None, shared)["props"]  # unmarked, as after a first build
    return {**props, ":START_ID": edge.subject, ":END_ID": edge.object, ":TYPE": rel}



class _Writer:
    """Writes rows of property maps as typed CSV files, splitting a group whose types conflict."""

    def __init__(self, directory: Path, array_delimiter: str) -> None:
        self.directory, self.delimiter, self.multiline = directory, array_delimiter, False

    def write(self, stem: str, rows: Sequence[tuple[str, dict[str, Any]]], header: Header) -> list[Path]:
        """One file per part of ``rows`` whose types agree: ``stem.csv``, ``stem_2.csv``, ..."""
        paths = []
        for index, (types, part) in enumerate(_split_by_types(rows)):
            path = self.directory / (f"{stem}.csv" if index == 0 else f"{stem}_{index + 1}.csv")
            columns = header(types)
            lines = [",".join(text for _, text in columns)]
            lines += [",".join(self._field(props.get(key), record_id, key) for key, _ in columns)
                      for record_id, props in part]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
        return paths

    def _field(self, value: Any, record_id: str, name: str) -> str:
        if value is None or value == []:
            return ""
        if isinstance(value, list):
            joined = self.delimiter.join(self._item(v, record_id, name) for v in value)
            return _quoted(joined) if isinstance(value[0], str) else joined
        if isinstance(value, str):
            self.multiline = self.multiline or "\n" in value or "\r" in value
            return _quoted(value)
        return _scalar(value)

    def _item(self, value: Any, record_id: str, name: str) -> str:
        text = value if isinstance(value, str) else _scalar(value)
        if self.delimiter in text:
            raise KGError(f"{record_id}: {name} element {value!r} holds the array delimiter {self.delimiter!r}; "
                          "choose another with --array-delimiter")
        self.multiline = self.multiline or "\n" in text or "\r" in text
        return text


def _split_by_types(rows: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[dict[str, str], list[Any]]]:
    """Rows in parts whose property types agree: each row joins the first part it fits.

    A part maps each property to its type; ``""`` marks one seen only as an empty list,
    which fits any type.
    """
    parts: list[tuple[dict[str, str], list[Any]]] = []
    for record_id, props in rows:
        bad = [k for k in props if not k.startswith(":") and not _KEY.fullmatch(k)]
        if bad:
            raise KGError(f"{record_id}: property name {bad[0]!r} cannot be a CSV header column "
                          "(letters, digits and '_' only)")
        kinds = {k: field_type(v) or "" for k, v in props.items() if not k.startswith(":")}
        for types, part in parts:  # noqa: B007 - the loop leaves the part it stopped at
            if all(not kind or not types.get(k) or types[k] == kind for k, kind in kinds.items()):
                break
        else:
            types, part = {}, []
            parts.append((types, part))
        types.update({k: kind for k, kind in kinds.items() if kind or not types.get(k)})
        part.append((record_id, props))
    return parts


def _node_header(types: dict[str, str]) -> list[tuple[str, str]]:
    rest = sorted(k for k in types if k not in _NODE_FIRST)
    return [("id", "id:ID"), ("name", "name"), ("synonyms", "synonyms:string[]"), ("xrefs", "xrefs:string[]"),
            *((k, _typed(k, types[k])) for k in rest), (":LABEL", ":LABEL")]


def _edge_header(types: dict[str, str]) -> list[tuple[str, str]]:
    ends = [(":START_ID", ":START_ID"), (":END_ID", ":END_ID"), (":TYPE", ":TYPE")]
    return [*ends, *((k, _typed(k, types[k])) for k in sorted(types))]


def _typed(name: str, kind: str) -> str:
    """A header column: ``name`` for text, ``name:type`` otherwise (only empty lists seen: ``string[]``)."""
    if kind == "string":
        return name
    return f"{name}:{kind or 'string[]'}"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _scalar(value: bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return repr(value)


def _check_ends(nodes: dict[str, Node], edges: Iterable[Edge]) -> None:
    for edge in edges:
        for end in (edge.subject, edge.object):
            if end not in nodes:
                raise KGError(f"edge {edge.subject} {edge.predicate} {edge.object} refers to node {end}, "
                              "which is not among the nodes written")


def _label(schema: Schema, category: str) -> str:
    schema.category(category)
    if not _LABEL.fullmatch(category):
        raise SchemaError(f"category {category!r} cannot be a Neo4j label (PascalCase)")
    return category


def _rel_type(schema: Schema, predicate: str) -> str:
    schema.predicate(predicate)
    if not _TYPE.fullmatch(predicate):
        raise SchemaError(f"predicate {predicate!r} cannot be a relationship type (UPPER_SNAKE)")
    return predicate


def _group(items: Iterable[Any], key: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _write_script(files: ImportFiles) -> None:
    text = ("#!/bin/sh\n"
            "# Import these files into an empty (or stopped and to be replaced) Neo4j database:\n"
            "#   sh import.sh [database]      (NEO4J_ADMIN=/path/to/neo4j-admin to use another binary)\n"
            "# The database must not be running; add --overwrite-destination=true to replace one.\n"
            "set -eu\n"
            'cd "$(dirname "$0")"\n'
            f'exec "${{NEO4J_ADMIN:-neo4j-admin}}" {shlex.join(files.command(database="")[1:-1])} '
            '"${1:-neo4j}"\n')
    files.script.write_text(text, encoding="utf-8")
    files.script.chmod(0o755)
