"""Baselines for the evidence query: plain networkx path search, and the same question as embedded Cypher.

* ``networkx all_simple_paths``: what answering "how is X linked to Y" with a general graph
  library costs: every simple path of at most 4 edges, ignoring direction and type, from the
  source to the condition or any of its subclasses, on an undirected ``nx.Graph`` of the same
  edges. Each query runs in a forked child (the graph is shared copy-on-write) that is killed
  at a time cap, which then counts as its latency: networkx can search a hub's neighbourhood
  for minutes between two paths, so a cap checked between paths would not hold.
* ``embedded Cypher``: the drug shape of the evidence query (drug <-INVESTIGATES- study
  -STUDIES-> condition) as analyst Cypher on the embedded store (grand-cypher), for the mix's
  drug sources; skipped on graphs too large for its in-memory copy.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from typing import Any

import networkx as nx

from bench.mix import Mix, summary

__all__ = ["run", "NX_CUTOFF", "CYPHER_MAX_EDGES"]

NX_CUTOFF = 4
NX_CAP_S = 2.0
CYPHER_MAX_EDGES = 300_000
CYPHER_QUERY = ("MATCH (d)<-[:INVESTIGATES]-(s)-[:STUDIES]->(c) WHERE d.id = $start AND c.id IN $conditions "
                "RETURN d.id, s.id, c.id")


_GRAPH: nx.Graph | None = None  # the forked children's graph (set before forking)


def _count_paths(source: str, targets: set[str], out: Any) -> None:
    """In a forked child: enumerate the paths, send (milliseconds, paths) when done."""
    started = time.perf_counter()
    paths = sum(1 for _ in nx.all_simple_paths(_GRAPH, source, targets, cutoff=NX_CUTOFF))
    out.send(((time.perf_counter() - started) * 1000, paths))


def _networkx(store: Any, edges: list[Any], queries: Mix, quick: bool) -> dict[str, Any]:
    global _GRAPH
    _GRAPH = nx.Graph()
    _GRAPH.add_edges_from((e.subject, e.object) for e in edges)
    cap = 0.5 if quick else NX_CAP_S
    context = multiprocessing.get_context("fork")
    samples, capped, paths = [], 0, 0
    try:
        for source, condition in queries.evidence[: 6 if quick else 12]:
            targets = store.descendants([condition]) & _GRAPH.nodes.keys()
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_count_paths, args=(source, targets, send))
            child.start()
            if receive.poll(cap):
                millis, found = receive.recv()
                samples.append(millis)
                paths += found
            else:
                capped += 1
                samples.append(cap * 1000)
            child.kill()
            child.join()
            receive.close()
    finally:
        _GRAPH = None
    return {**summary(samples), "capped": capped, "cap_ms": cap * 1000, "paths": paths}


def _cypher(store: Any, edges: list[Any], queries: Mix, quick: bool) -> dict[str, Any]:
    if not hasattr(store, "cypher"):
        return {"skipped": "the store has no cypher()"}
    if len(edges) > CYPHER_MAX_EDGES:
        return {"skipped": f"{len(edges):,} edges: the embedded Cypher engine's copy of the graph would not fit "
                           f"the run (run up to {CYPHER_MAX_EDGES:,} edges)"}
    drugs = [(s, c) for s, c in queries.evidence if (n := store.get_node(s)) and n.category in ("Drug", "Product")]
    samples, failed = [], 0
    timeout = 2.0 if quick else 10.0
    for source, condition in drugs[: 4 if quick else 10]:
        params = {"start": source, "conditions": sorted(store.descendants([condition]))}
        started = time.perf_counter()
        try:
            store.cypher(CYPHER_QUERY, params, timeout=timeout)
        except Exception as err:  # noqa: BLE001 - a timeout or an engine limit is a result here
            failed += 1
            print(f"  embedded cypher failed: {type(err).__name__}: {err}", file=sys.stderr)
        samples.append((time.perf_counter() - started) * 1000)
    return {**summary(samples), "failed": failed, "query": CYPHER_QUERY}


def run(store: Any, edges: list[Any], queries: Mix, quick: bool) -> dict[str, Any]:
    """Both baselines, with their latency summaries."""
    result = {"networkx_all_simple_paths": _networkx(store, edges, queries, quick),
              "embedded_cypher": _cypher(store, edges, queries, quick)}
    for name, stats in result.items():
        shown = stats.get("skipped") or f"p50 {stats.get('p50', 0):.2f} ms p99 {stats.get('p99', 0):.2f} ms"
        print(f"  baseline {name}: {shown}", file=sys.stderr, flush=True)
    return result
