"""Neo4j: batched ingest against a naive one-row-per-transaction baseline, then the query mix.

The batched path is :meth:`kg.store.neo4j_store.Neo4jStore.replace_all` into an emptied
database (a first build: ``UNWIND $rows CREATE`` per label and type), twice: cold (the
server's first heavy write at that scale) and warmed up, the timed figure, with the server's
and the client's CPU use; then once more under Java Flight Recorder for the profile
(:mod:`bench.server_profile`: the recording slows the server, so it is not the timed run); then
again over the same records (a rebuild: ``UNWIND $rows MERGE`` and the sweep for leftovers).
The naive baseline then deletes a subset of the relationships and writes them back with a
``MERGE`` statement, one row per transaction, into a graph of the same size. Every answer of
the query mix is compared with the embedded store's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench import client_profile, mix, server_profile

__all__ = ["run"]


def _naive(store: Any, edges: list[Any], count: int) -> dict[str, Any]:
    from kg.store import neo4j_records as records

    subset = sorted(edges, key=lambda e: e.id)[:count]
    build = store.generation().split(":")[1]
    rows = [{"subject": e.subject, "id": e.id} for e in subset]
    store._write("UNWIND $rows AS row MATCH (:Entity {id: row.subject})-[r]->() WHERE r.id = row.id "  # noqa: SLF001
                 "DELETE r", rows=rows)
    started = time.perf_counter()
    with store.driver.session(database=store.database) as session:
        for edge in subset:
            rel = store._rel_type(edge.predicate)  # noqa: SLF001 - the store's own schema check
            query = (f"UNWIND $rows AS row MATCH (s:Entity {{id: row.subject}}) MATCH (o:Entity {{id: row.object}}) "
                     f"MERGE (s)-[r:{rel} {{id: row.id}}]->(o) SET r = row.props")
            row = records.edge_row(edge, build)
            session.execute_write(lambda tx, q=query, r=row: tx.run(q, rows=[r]).consume())
    seconds = time.perf_counter() - started
    return {"edges": len(subset), "seconds": seconds, "edges_per_s": len(subset) / seconds}


def _evidence_profile(store: Any, queries: mix.Mix, stem: Path) -> dict[str, Any]:
    """One more (untimed) pass of the evidence questions with the client sampled by py-spy and
    the store's reads counted: how much of a query's time the client works, and how many round
    trips to the server it makes."""
    reads = 0
    read = store._read  # noqa: SLF001 - counted, not changed

    def counted(query: str, **params: Any) -> Any:
        nonlocal reads
        reads += 1
        return read(query, **params)

    store._read = counted  # noqa: SLF001
    try:
        with client_profile.sampled(stem.with_suffix(".pyspy")) as figures:
            for item in queries.evidence:
                mix.OPERATIONS["evidence"](store, item)
    finally:
        del store._read  # noqa: SLF001 - the method again
    return {**figures, "queries": len(queries.evidence),
            "reads_per_query": reads / len(queries.evidence) if queries.evidence else 0.0}


def run(args: argparse.Namespace, memory: Any, queries: mix.Mix, expected: dict[str, list[str]],
        latency: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Ingest ``memory``'s graph into Neo4j, time the mix there and compare the answers."""
    from kg.store.neo4j_store import Neo4jStore

    nodes, edges = list(memory.iter_nodes()), list(memory.iter_edges())
    store = Neo4jStore(args.neo4j_uri, args.neo4j_user, args.neo4j_password, batch_size=args.batch_size)
    try:
        cleared = time.perf_counter()
        store.replace_all([], [])
        clear_s = time.perf_counter() - cleared
        recording = Path(args.workdir) / f"neo4j-ingest-{len(edges)}.jfr"
        pid = getattr(args, "neo4j_pid", None)

        def first_build(record: bool = False) -> tuple[Any, dict[str, Any]]:
            store.replace_all([], [])
            if not record:
                with server_profile.profiled(pid, recording, record=False) as figures:
                    return store.replace_all(nodes, edges), figures
            with client_profile.sampled(recording.with_suffix(".pyspy")) as client, \
                    server_profile.profiled(pid, recording) as figures:
                written = store.replace_all(nodes, edges)
            return written, {**figures, "client": client}

        cold, _ = first_build()  # the server's first heavy write at this scale: JIT compiling, files growing
        written, profile = first_build()  # the timed figure: the same first build, warmed up, no recording
        ingest = {"nodes": written.nodes, "edges": written.edges, "seconds": written.seconds,
                  "edges_per_s": written.edges / written.seconds, "batch_size": args.batch_size,
                  "writers": store.writers, "clear_s": clear_s, "profile": profile,
                  "cold": {"seconds": cold.seconds, "edges_per_s": cold.edges / cold.seconds}}
        print(f"  neo4j first build, cold: {cold.edges / cold.seconds:,.0f} edges/s", file=sys.stderr, flush=True)
        if pid is not None and not args.quick:  # once more under Java Flight Recorder, for the profile
            recorded_build, recorded = first_build(record=True)
            profile["profile"] = recorded.get("profile")
            profile["client_profile"] = recorded["client"]
            profile["profiled_edges_per_s"] = recorded_build.edges / recorded_build.seconds
        again = store.replace_all(nodes, edges)  # MERGE over the same records, then the (empty) sweep
        ingest["rebuild"] = {"seconds": again.seconds, "edges_per_s": again.edges / again.seconds}
        print(f"  neo4j rebuild (MERGE): {again.edges:,} edges in {again.seconds:.1f} s "
              f"({ingest['rebuild']['edges_per_s']:,.0f} edges/s)", file=sys.stderr, flush=True)
        if "server_cores" in profile:
            print(f"  neo4j server busy {profile['server_cores']:.2f} cores, client {profile['client_cores']:.2f} "
                  f"cores during the ingest", file=sys.stderr, flush=True)
        print(f"  neo4j batched ingest: {written.edges:,} edges in {written.seconds:.1f} s "
              f"({ingest['edges_per_s']:,.0f} edges/s)", file=sys.stderr, flush=True)
        naive = _naive(store, edges, 0 if args.quick and args.naive_rows > 200 else args.naive_rows) \
            if args.naive_rows else {"edges": 0}
        if naive.get("edges"):
            ingest["naive"] = naive
            ingest["speedup"] = ingest["edges_per_s"] / naive["edges_per_s"]
            print(f"  neo4j naive ingest: {naive['edges_per_s']:,.0f} edges/s -> batched is "
                  f"{ingest['speedup']:.0f}x", file=sys.stderr, flush=True)
        mismatches: dict[str, int] = {}
        repeats, budget = (1, 5.0) if args.quick else (3, 30.0)
        for op, call in mix.OPERATIONS.items():
            inputs = getattr(queries, op)
            got = [mix.answers(op, call(store, item)) for item in inputs]
            mismatches[op] = sum(a != b for a, b in zip(got, expected[op], strict=True))
            samples = mix.time_calls(lambda item, c=call: c(store, item), inputs, repeats, budget)  # type: ignore[misc]
            latency[f"neo4j/{op}"] = mix.summary(samples)
            print(f"  neo4j  {op:<14} p50 {latency[f'neo4j/{op}'].get('p50', 0):8.2f} ms  "
                  f"p99 {latency[f'neo4j/{op}'].get('p99', 0):8.2f} ms  mismatches {mismatches[op]}",
                  file=sys.stderr, flush=True)
        stem = Path(args.workdir) / f"neo4j-evidence-{len(edges)}"
        return {"ingest": ingest, "mismatches": mismatches, "evidence_profile": _evidence_profile(store, queries, stem)}
    finally:
        store.close()
