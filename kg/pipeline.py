"""The build: run loaders, merge their records, validate everything, then write or refuse.

Nothing reaches the store unless the whole build validates: a store is never half-written.
Writing the same records twice yields the same graph (ids are deterministic and the store
replaces its contents).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import ValidationFailed
from kg.model import CURATED_SOURCE, Edge, Node
from kg.store.base import GraphStore, WriteSummary
from kg.validate import Problem, Report, validate
from loaders import Batch, Loader
from ontology import Schema, load_schema

__all__ = ["BuildResult", "collect", "build"]

Progress = Callable[[str], None]
# A normalisation step: records in, merged records and a report of what it could not merge out.
Normalize = Callable[[Sequence[Node], Sequence[Edge]], tuple[list[Node], list[Edge], Report]]


@dataclass(frozen=True)
class BuildResult:
    """What a build read, what validation found and what was written (None when refused)."""

    batches: list[Batch]
    report: Report
    nodes: list[Node]
    edges: list[Edge]
    written: WriteSummary | None
    seconds: float


def _quiet(_: str) -> None:
    """Default progress sink: say nothing."""


def _merge(batches: Sequence[Batch]) -> tuple[list[Node], list[Edge], bool]:
    """Concatenate records; identical duplicates collapse, conflicting ones stay for the validator.
    The flag says whether every edge id is now distinct (no conflicting duplicates)."""
    node_list: list[Node] = []
    edge_list: list[Edge] = []
    _keep_distinct((n for b in batches for n in b.nodes), node_list)
    distinct = _keep_distinct((e for b in batches for e in b.edges), edge_list)
    return node_list, edge_list, distinct


def _keep_distinct(records: Iterable[Node] | Iterable[Edge], out: list[Any]) -> bool:
    """Append each record to ``out`` unless an equal record with its id came before; return
    whether the records appended have distinct ids."""
    first: dict[str, Any] = {}
    others: dict[str, list[Any]] = {}
    for record in records:
        seen = first.get(record.id)
        if seen is None:
            first[record.id] = record
            out.append(record)
        elif seen is not record and seen != record:
            more = others.setdefault(record.id, [])
            if record not in more:
                more.append(record)
                out.append(record)
    return not others


def _normalize(normalize: Normalize, nodes: list[Node], edges: list[Edge],
               progress: Progress) -> tuple[list[Node], list[Edge], Report]:
    """The optional step between collecting and validating: merge ids of the same entity."""
    progress(f"normalising identifiers of {len(nodes)} nodes and {len(edges)} edges ...")
    nodes, edges, report = normalize(nodes, edges)
    progress(f"  {len(nodes)} nodes, {len(edges)} edges after merging, {len(report.problems)} problems")
    return nodes, edges, report


#: loader error codes that ``skip_invalid`` turns into warnings: a source record with an invalid
#: id, which the loader leaves out (validation still refuses any such record that got through)
SKIPPABLE_CODES = frozenset({"bad-id"})


def _skip_invalid(report: Report) -> None:
    """Turn the report's record-level id errors into warnings saying the record was skipped."""
    report.problems[:] = [
        Problem("warning", p.code, f"{p.message}; skipped (--skip-invalid)", p.record_id, p.origin)
        if p.severity == "error" and p.code in SKIPPABLE_CODES else p for p in report.problems]


def collect(loaders: Sequence[Loader], schema: Schema | None = None, progress: Progress = _quiet,
            normalize: Normalize | None = None, skip_invalid: bool = False
            ) -> tuple[list[Batch], list[Node], list[Edge], Report]:
    """Run every loader, normalise ids if asked (see :mod:`kg.normalize`), validate; write nothing.

    ``skip_invalid``: a public source's records with invalid ids (:data:`SKIPPABLE_CODES`) are
    left out with a warning instead of failing the build; never the curated corpus's.
    """
    schema = schema or load_schema()
    batches = []
    for loader in loaders:
        progress(f"loading {loader.name} ...")
        batch = loader.load()
        if skip_invalid and loader.name != CURATED_SOURCE:
            _skip_invalid(batch.report)
        progress(f"  {len(batch.nodes)} nodes, {len(batch.edges)} edges, {len(batch.report.problems)} problems")
        batches.append(batch)
    nodes, edges, distinct = _merge(batches)
    normalized = Report()
    if normalize is not None:  # merging ids can make two edges one id: the validator looks again
        nodes, edges, normalized = _normalize(normalize, nodes, edges, progress)
        distinct = False
    progress(f"validating {len(nodes)} nodes and {len(edges)} edges ...")
    report = validate(nodes, edges, schema, distinct_edges=distinct)
    report.problems[:0] = normalized.problems
    for batch in reversed(batches):
        report.problems[:0] = batch.report.problems
    return batches, nodes, edges, report


def build(loaders: Sequence[Loader], store: GraphStore, schema: Schema | None = None,
          progress: Progress = _quiet, strict: bool = True, normalize: Normalize | None = None,
          skip_invalid: bool = False) -> BuildResult:
    """Load, validate and, if there are no errors, replace the store's contents.

    Raises :class:`ValidationFailed` (carrying the report) when ``strict`` and any error was
    found; the store is untouched in that case. ``normalize`` (e.g. a :class:`kg.normalize.Normalizer`)
    merges records of the same entity before validation; without it records are kept as loaded.
    """
    started = time.perf_counter()
    batches, nodes, edges, report = collect(loaders, schema, progress, normalize, skip_invalid)
    if not report.ok:
        if strict:
            raise ValidationFailed(report)
        return BuildResult(batches, report, nodes, edges, None, time.perf_counter() - started)
    progress(f"writing to the {store.backend} store ...")
    written = store.replace_all(nodes, edges)
    progress(f"  wrote {written.nodes} nodes and {written.edges} edges in {written.seconds:.2f}s")
    return BuildResult(batches, report, nodes, edges, written, time.perf_counter() - started)
