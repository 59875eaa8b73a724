"""The embedded store's snapshot file: JSON lines written atomically, read back with shared provenance.

A header line, one line per node, one per edge, and a footer with the counts. The file is
written to a temporary file in the same directory, flushed, fsynced and renamed over the old
one, so a crash at any point leaves either the old or the new snapshot, never a mix. Edge lines
are assembled from pre-encoded pieces (each distinct provenance is encoded once), byte for byte
what ``json.dumps({"edge": edge.to_dict()}, ensure_ascii=False)`` gives, because a snapshot of
millions of edges is otherwise mostly time spent re-encoding the same provenance.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from kg.errors import StoreUnavailable
from kg.model import Edge, Node, Provenance

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_VERSION", "write_snapshot", "read_snapshot"]

SNAPSHOT_FORMAT = "ketamine-kg-snapshot"
SNAPSHOT_VERSION = 1
_BUFFER = 1 << 20
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps(..., ensure_ascii=False) without its per-call set-up


def _edge_lines(edges: Iterable[Edge]) -> Iterable[str]:
    provenances: dict[int, str] = {}
    keep: list[Provenance] = []  # holds the encoded provenances alive, so their ids stay theirs
    texts: dict[str, str] = {}  # ids, predicates and qualifiers recur: each is encoded once
    dumps = _ENCODER.encode
    for edge in edges:
        prov = edge.provenance
        if prov is None:
            prov_text = "null"
        else:
            prov_text = provenances.get(id(prov), "")
            if not prov_text:
                prov_text = provenances[id(prov)] = dumps(prov.to_dict())
                keep.append(prov)
        subject, predicate, obj, qualifier = edge.subject, edge.predicate, edge.object, edge.qualifier
        s_text = texts.get(subject) or texts.setdefault(subject, encode_basestring(subject))
        p_text = texts.get(predicate) or texts.setdefault(predicate, encode_basestring(predicate))
        o_text = texts.get(obj) or texts.setdefault(obj, encode_basestring(obj))
        q_text = texts.get(qualifier) or texts.setdefault(qualifier, encode_basestring(qualifier))
        props = dumps(edge.properties) if edge.properties else "{}"
        yield (f'{{"edge": {{"id": "{edge.id}", "subject": {s_text}, "predicate": {p_text}, '
               f'"object": {o_text}, "qualifier": {q_text}, "properties": {props}, "provenance": {prov_text}}}}}\n')


def write_snapshot(path: Path, nodes: Iterable[Node], edges: Iterable[Edge], counts: tuple[int, int]) -> None:
    """Write the records to ``path`` atomically (``counts`` = nodes, edges, for the footer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", buffering=_BUFFER) as out:
            header = {"format": SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION}
            out.write(json.dumps(header) + "\n")
            out.writelines(_ENCODER.encode({"node": node.to_dict()}) + "\n" for node in nodes)
            out.writelines(_edge_lines(edges))
            footer = {"end": {"nodes": counts[0], "edges": counts[1]}}
            out.write(json.dumps(footer) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
        _sweep_stale_temporaries(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _sweep_stale_temporaries(path: Path) -> None:
    """Remove temporary files left by writers that were killed before their rename."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def _provenance(data: dict[str, Any], shared: dict[tuple[Any, ...], Provenance]) -> Provenance:
    """One Provenance object per distinct value, as the loaders that wrote the records had."""
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in data.items())
    prov = shared.get(key)
    if prov is None:
        prov = shared[key] = Provenance.from_dict(data)
    return prov


def read_snapshot(path: Path) -> tuple[list[Node], list[Edge], dict[str, Any] | None]:
    """The records of the snapshot at ``path`` and its footer (None if missing).

    Raises :class:`StoreUnavailable` when the file cannot be read or parsed.
    """
    nodes: list[Node] = []
    edges: list[Edge] = []
    shared: dict[tuple[Any, ...], Provenance] = {}
    footer: dict[str, Any] | None = None
    loads = json.loads
    try:
        with path.open(encoding="utf-8", buffering=_BUFFER) as lines:
            header = loads(next(lines, "{}"))
            if header.get("format") != SNAPSHOT_FORMAT:
                raise StoreUnavailable(f"{path}: not a ketamine-kg snapshot")
            for number, line in enumerate(lines, start=2):
                record = loads(line)
                data = record.get("edge")
                if data is not None:
                    prov = data.get("provenance")
                    edges.append(Edge(data["subject"], data["predicate"], data["object"],
                                      _provenance(prov, shared) if prov else None,
                                      dict(data.get("properties") or {}), data.get("qualifier") or ""))
                elif "node" in record:
                    nodes.append(Node.from_dict(record["node"]))
                elif "end" in record:
                    footer = record["end"]
                else:
                    raise StoreUnavailable(f"{path}:{number}: unknown snapshot record")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as err:
        raise StoreUnavailable(f"{path}: cannot read snapshot: {err}") from err
    return nodes, edges, footer
