"""The bulk path into Neo4j at one scale: ``kg export neo4j-import`` then ``neo4j-admin database
import full`` (the real import tool, run from the launcher's Maven classpath), then the local
server started on the imported database: its schema (constraints, full-text index) built, its
counts checked against the embedded store, and the evidence, neighbourhood and path mix timed
there with every answer compared with the embedded store's.

``python -m bench.admin_import SNAPSHOT WORKDIR OUT.json [--mix MIX.json] [--quick]``; run in its
own process by ``python -m bench`` for the largest scale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import free_port

if TYPE_CHECKING:
    from bench.mix import Mix

__all__ = ["run"]

PASSWORD = "kg-bench-import-password"  # noqa: S105 - the throwaway local server this module starts
TIMED = ("evidence", "neighbourhood", "paths")



def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def run(snapshot: Path, work: Path, queries: Mix | None, quick: bool = False) -> dict[str, Any]:
    """Export, import, start, index, check and time; the figures as a dict."""
    from kg import neo4j_local
    from kg.export.neo4j_import import write_neo4j_import
    from kg.neo4j_local.admin import admin_import
    from kg.store.memory import MemoryStore
    from kg.store.neo4j_store import Neo4jStore

    memory = MemoryStore(snapshot)
    counts = memory.counts()
    csv_dir, home, state = work / "admin-import-csv", work / "admin-import-data", work / "admin-import-state"
    for path in (csv_dir, home, state):
        shutil.rmtree(path, ignore_errors=True)
    figures: dict[str, Any] = {"nodes": counts.total_nodes, "edges": counts.total_edges}

    started = time.perf_counter()
    files = write_neo4j_import(memory.iter_nodes(), memory.iter_edges(), csv_dir)
    figures["export_s"] = time.perf_counter() - started
    figures["csv_mb"] = sum(p.stat().st_size for p in csv_dir.rglob("*") if p.is_file()) / 2**20
    _say(f"exported {counts.total_edges:,} edges as neo4j-admin CSVs in {figures['export_s']:.1f} s "
         f"({figures['csv_mb']:.0f} MiB)")

    started = time.perf_counter()
    output = admin_import(files.command()[1:], csv_dir, home, heap="2g")
    figures["import_s"] = time.perf_counter() - started
    figures["import_edges_per_s"] = counts.total_edges / figures["import_s"]
    figures["export_import_edges_per_s"] = counts.total_edges / (figures["import_s"] + figures["export_s"])
    figures["import_reported"] = [line.strip() for line in output.splitlines()
                                  if line.strip().startswith(("IMPORT DONE", "Imported:"))
                                  or line.strip().endswith(("nodes", "relationships", "properties"))][:6]
    _say(f"neo4j-admin import: {counts.total_edges:,} edges in {figures['import_s']:.1f} s "
         f"({figures['import_edges_per_s']:,.0f} edges/s)")

    port = free_port()
    status = neo4j_local.start(port, home, PASSWORD, state_dir=state, heap="1g" if quick else "2g",
                               pagecache_mb=256 if quick else 2048, quiet=True)
    try:
        with Neo4jStore(status.uri, neo4j_local.USER, PASSWORD) as store:
            started = time.perf_counter()
            store.ensure_schema()
            figures["schema_s"] = time.perf_counter() - started
            figures["counts_match"] = store.counts() == counts
            _say(f"constraints and full-text index on the imported graph in {figures['schema_s']:.1f} s; "
                 f"counts {'match' if figures['counts_match'] else 'DIFFER from'} the embedded store's")
            if queries is not None:
                figures["latency"], figures["mismatches"] = _time_mix(store, memory, queries, quick)
    finally:
        neo4j_local.stop(port, state_dir=state)
        for path in (csv_dir, home):  # gigabytes at the largest scale
            shutil.rmtree(path, ignore_errors=True)
    return figures


def _time_mix(store: Any, memory: Any, queries: Mix, quick: bool) -> tuple[dict[str, Any], dict[str, int]]:
    from bench import mix

    latency: dict[str, Any] = {}
    mismatches: dict[str, int] = {}
    repeats, budget = (1, 5.0) if quick else (3, 30.0)
    for op in TIMED:
        call = mix.OPERATIONS[op]
        inputs = getattr(queries, op)
        expected = [mix.answers(op, call(memory, item)) for item in inputs]
        got = [mix.answers(op, call(store, item)) for item in inputs]
        mismatches[op] = sum(a != b for a, b in zip(got, expected, strict=True))
        samples = mix.time_calls(lambda item, c=call: c(store, item), inputs, repeats, budget)  # type: ignore[misc]
        latency[op] = mix.summary(samples)
        _say(f"imported neo4j {op:<14} p50 {latency[op].get('p50', 0):8.2f} ms  "
             f"p99 {latency[op].get('p99', 0):8.2f} ms  mismatches {mismatches[op]}")
    return latency, mismatches


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.admin_import", description=__doc__)
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mix", type=Path, help="the scale's query mix (JSON written by the worker)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    queries = None
    if args.mix:
        importlib.import_module("kg.store")  # before bench.mix, whose kg.query import would load it half-way
        from bench import mix

        raw = json.loads(args.mix.read_text())
        queries = mix.Mix(evidence=[tuple(p) for p in raw["evidence"]], search=raw["search"],  # type: ignore[misc]
                          neighbourhood=raw["neighbourhood"], paths=[tuple(p) for p in raw["paths"]])  # type: ignore[misc]
    args.out.write_text(json.dumps(run(args.snapshot, args.workdir, queries, args.quick), default=str))


if __name__ == "__main__":
    main()
