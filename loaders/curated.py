"""Loader for the hand-curated corpus in ``data/curated/`` (format: docs/curation-format.md).

Two passes: first every entity becomes a node and its id and xrefs go into a reference
index; then relations (study arms, mechanism targets, condition parents, ...) become edges,
each reference resolved through that index. Unknown keys, unresolved or ambiguous
references and malformed values are reported with file, line and record, never dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.model import CURATED_SOURCE, Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.curated_fields import ENTITY_SECTIONS, RELATION_KEYS, SECTION_KEYS, STUDY_IDS
from loaders.yamlfile import LINE_KEY, read_yaml
from ontology import Schema, load_schema

__all__ = ["CuratedLoader", "DEFAULT_DIR"]

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "data" / "curated"
LICENSE = "CC-BY-4.0"


@dataclass
class _Record:
    section: str
    data: dict[str, Any]
    origin: Origin


@dataclass
class _State:
    batch: Batch
    schema: Schema
    version: str
    index: dict[str, str] = field(default_factory=dict)
    owners: dict[str, Origin] = field(default_factory=dict)

    def error(self, code: str, message: str, record_id: str, origin: Origin) -> None:
        self.batch.report.add("error", code, message, record_id, origin)

    def resolve(self, ref: Any, rec: _Record, what: str) -> str | None:
        if not isinstance(ref, str) or ref not in self.index:
            self.error("unresolved-reference", f"{what} {ref!r} is not the id or xref of any curated entity",
                       str(rec.data.get("id")), rec.origin)
            return None
        return self.index[ref]

    def provenance(self, publications: list[str], evidence: str | None) -> Provenance:
        return Provenance(CURATED_SOURCE, self.version, "knowledge_assertion", "manual_agent",
                          tuple(publications), evidence, LICENSE)


class CuratedLoader:
    """Read every ``*.yaml`` below ``directory`` into nodes and edges."""

    name = CURATED_SOURCE
    license = LICENSE

    def __init__(self, directory: str | Path = DEFAULT_DIR, schema: Schema | None = None) -> None:
        self.directory = Path(directory)
        self.schema = schema or load_schema()

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            raise SourceError(f"{self.directory}: curated data directory does not exist")
        root = self.directory.resolve()
        files = sorted(p for p in self.directory.rglob("*.yaml") if p.is_file())
        escaping = [p for p in files if not p.resolve().is_relative_to(root)]
        if escaping:
            raise SourceError(f"{escaping[0]}: resolves outside the data directory {root}; refusing to read it")
        return files

    def load(self) -> Batch:
        files = self.files()
        state = _State(Batch(self.name, license=self.license), self.schema, _version(files))
        records = list(self._records(files, state))
        for rec in records:
            _add_entity(rec, state)
        for rec in records:
            _add_relations(rec, state)
        return state.batch

    def _records(self, files: list[Path], state: _State) -> Iterator[_Record]:
        for path in files:
            shown = _shown(path, self.directory)
            try:
                doc = read_yaml(path)
            except SourceError as err:
                state.error("unreadable-file", str(err), shown, Origin(shown))
                continue
            if doc is None:
                continue
            if not isinstance(doc, dict):
                state.error("bad-file", "top level must be a mapping of sections", shown, Origin(shown, 1))
                continue
            yield from _section_records(doc, shown, state)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent.parent))
    except ValueError:
        return str(path)


def _version(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()[:12]}"


def _section_records(doc: dict[str, Any], shown: str, state: _State) -> Iterator[_Record]:
    for section, items in doc.items():
        if section == LINE_KEY:
            continue
        if section not in SECTION_KEYS:
            state.error("unknown-section", f"unknown section {section!r}; known: {sorted(SECTION_KEYS)}",
                        shown, Origin(shown, doc[LINE_KEY]))
            continue
        if not isinstance(items, list):
            state.error("bad-section", f"section {section!r} must be a list", shown, Origin(shown, doc[LINE_KEY]))
            continue
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                state.error("bad-record", f"{section} entry {position} is not a mapping", shown, Origin(shown))
                continue
            origin = Origin(shown, item.get(LINE_KEY), f"{section}[{position}] {item.get('id', '?')}")
            rec = _Record(section, item, origin)
            if _check_keys(rec, state):
                yield rec


def _check_keys(rec: _Record, state: _State) -> bool:
    allowed = SECTION_KEYS[rec.section]
    unknown = set(rec.data) - allowed - {LINE_KEY}
    if unknown:
        state.error("unknown-key", f"unknown keys {sorted(unknown)} in {rec.section}", str(rec.data.get("id")),
                    rec.origin)
    for key in ("id", "name") if rec.section != "studies" else ("id", "title"):
        if not isinstance(rec.data.get(key), str) or not rec.data[key].strip():
            state.error("missing-field", f"{key!r} is required", str(rec.data.get("id")), rec.origin)
            return False
    return True


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value]


def _register(node_id: str, refs: list[str], rec: _Record, state: _State) -> None:
    for ref in [node_id, *refs]:
        owner = state.index.get(ref)
        if owner is not None and owner != node_id:
            state.error("ambiguous-reference", f"{ref!r} already names {owner} (at {state.owners[ref]})",
                        node_id, rec.origin)
            continue
        state.index[ref] = node_id
        state.owners.setdefault(ref, rec.origin)


def _add_entity(rec: _Record, state: _State) -> None:
    if rec.section == "studies":
        node = _study_node(rec, state)
    else:
        data = rec.data
        props = {"description": data.get("description"), "verified_at": _strings(data.get("verified_at")),
                 "manufacturer": data.get("manufacturer"), "route": data.get("route")}
        node = Node(data["id"], ENTITY_SECTIONS[rec.section], data["name"].strip(),
                    tuple(_strings(data.get("synonyms"))), tuple(_strings(data.get("xrefs"))),
                    {k: v for k, v in props.items() if v not in (None, [], "")}, CURATED_SOURCE, rec.origin)
    if node is None:
        return
    state.batch.nodes.append(node)
    _register(node.id, list(node.xrefs), rec, state)


def _study_node(rec: _Record, state: _State) -> Node | None:
    from loaders.curated_studies import study_node

    return study_node(rec.data, rec.origin, state.schema, state.batch.report)


def _add_relations(rec: _Record, state: _State) -> None:
    from loaders.curated_studies import study_edges

    data, subject = rec.data, rec.data["id"]
    if subject not in state.index:
        return  # the entity itself was rejected; its problems are already reported
    if rec.section == "studies":
        state.batch.edges.extend(study_edges(rec.data, rec.origin, state))
        return
    for key, (predicate, target_key) in RELATION_KEYS.items():
        for item in _relation_items(data.get(key), target_key, rec, state):
            obj = state.resolve(item.get(target_key), rec, f"{key} reference")
            if obj is None:
                continue
            pubs = _strings(item.get("publications"))
            props = {k: v for k, v in item.items() if k not in (target_key, "publications", LINE_KEY)}
            evidence = "ECO:0000304" if pubs else None
            state.batch.edges.append(Edge(subject, predicate, obj, state.provenance(pubs, evidence), props,
                                          origin=rec.origin))


def _relation_items(value: Any, target_key: str, rec: _Record, state: _State) -> list[dict[str, Any]]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append({target_key: item})
        elif isinstance(item, dict):
            out.append(item)
        else:
            state.error("bad-record", f"cannot read relation {item!r}", rec.data["id"], rec.origin)
    return out


__all__ += ["STUDY_IDS"]
