"""One scale's benchmarks, run in a fresh process so its peak RSS belongs to that scale alone.

``python -m bench.worker build SCALE WORKDIR OUT.json [options]`` builds the scale into an
embedded snapshot (load, validate, write, timed; peak RSS read right after), then times the
query mix on the embedded store and the baselines, and, given a Neo4j URI, ingests the same
records into Neo4j (batched and naive) and times the mix there, comparing every answer.
``python -m bench.worker load SNAPSHOT OUT.json`` only opens a snapshot (what ``kg serve``
does at start) and reports the time and the RSS of the loaded store.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main", "rss_mb"]


def rss_mb() -> float:
    """Current resident set size in MiB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(scale: str, snapshot: Path) -> tuple[Any, dict[str, Any]]:
    from bench.scales import scale_loaders
    from kg.pipeline import build
    from kg.store.memory import MemoryStore

    snapshot.unlink(missing_ok=True)
    base = rss_mb()
    loaders, normalizer, generated = scale_loaders(scale)
    phases: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(message: str) -> None:
        now = time.perf_counter()
        phases[str(last[1])] = phases.get(str(last[1]), 0.0) + now - float(last[0])
        last[:] = [now, message.split(" ")[0] if not message.startswith(" ") else last[1]]

    store = MemoryStore(snapshot)
    started = time.perf_counter()
    result = build(loaders, store, progress=progress, normalize=normalizer)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    progress("done")
    edges, nodes = len(result.edges), len(result.nodes)
    written = result.written
    store_s = written.seconds if written else 0.0
    validate_s = phases.get("validating", 0.0)
    figures = {
        "nodes": nodes, "edges": edges, "build_s": seconds, "edges_per_s": edges / seconds,
        "store_build_s": store_s + validate_s, "store_edges_per_s": edges / max(store_s + validate_s, 1e-9),
        "load_s": phases.get("loading", 0.0), "normalise_s": phases.get("normalising", 0.0),
        "validate_s": validate_s, "write_s": store_s, "snapshot_mb": snapshot.stat().st_size / 2**20,
        "peak_rss_mb": peak_rss_mb(), "rss_before_mb": base, **generated,
    }
    figures["bytes_per_edge"] = figures["peak_rss_mb"] * 2**20 / max(edges, 1)
    return (store, result), figures


def _load(snapshot: Path) -> dict[str, Any]:
    from kg.store.memory import MemoryStore

    base = rss_mb()
    started = time.perf_counter()
    store = MemoryStore(snapshot)
    seconds = time.perf_counter() - started
    gc.collect()
    counts = store.counts()
    return {"open_s": seconds, "rss_mb": rss_mb(), "store_rss_mb": rss_mb() - base,
            "edges": counts.total_edges, "peak_rss_mb": peak_rss_mb(),
            "store_bytes_per_edge": (rss_mb() - base) * 2**20 / max(counts.total_edges, 1)}


def _queries(args: argparse.Namespace, store: Any, edges: list[Any], figures: dict[str, Any]) -> None:
    from bench import baselines, mix

    quick = args.quick
    queries = mix.query_mix(store, size=12 if quick else 40, seed=args.seed)
    figures["mix"] = queries.to_dict()
    repeats, budget = (1, 5.0) if quick else (5, 20.0)
    latency: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[str]] = {}
    for op, call in mix.OPERATIONS.items():
        inputs = getattr(queries, op)
        answers[op] = [mix.answers(op, call(store, item)) for item in inputs]
        samples = mix.time_calls(lambda item, c=call: c(store, item), inputs, repeats, budget)  # type: ignore[misc]
        latency[f"memory/{op}"] = mix.summary(samples)
        print(f"  memory {op:<14} {_fmt(latency[f'memory/{op}'])}", file=sys.stderr, flush=True)
    figures["latency"] = latency
    figures["baselines"] = baselines.run(store, edges, queries, quick)
    if args.neo4j_uri and len(edges) > args.neo4j_max_edges:
        figures["neo4j_skipped"] = (f"{len(edges):,} edges is over --neo4j-max-edges {args.neo4j_max_edges:,} "
                                    "(the ingest would take too long for one run on this machine)")
        print(f"  neo4j skipped: {figures['neo4j_skipped']}", file=sys.stderr)
    elif args.neo4j_uri:
        from bench import neo4j_bench

        figures["neo4j"] = neo4j_bench.run(args, store, queries, answers, latency)


def _fmt(stats: dict[str, float]) -> str:
    if not stats.get("n"):
        return "no samples"
    return f"p50 {stats['p50']:8.2f} ms  p95 {stats['p95']:8.2f} ms  p99 {stats['p99']:8.2f} ms  (n={stats['n']})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("mode", choices=["build", "load"])
    parser.add_argument("target", help="scale (build) or snapshot path (load)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("bench/results/work"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-user", default="neo4j")
    parser.add_argument("--neo4j-password")
    parser.add_argument("--neo4j-pid", type=int, help="the local server's pid: profile its ingest (JFR)")
    parser.add_argument("--naive-rows", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--neo4j-max-edges", type=int, default=10**9)
    args = parser.parse_args(argv)
    if args.mode == "load":
        args.out.write_text(json.dumps(_load(Path(args.target))))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    snapshot = args.workdir / f"graph-{args.target}.jsonl"
    (store, result), figures = _build(args.target, snapshot)
    figures["snapshot"] = str(snapshot)
    print(f"  built {figures['edges']:,} edges in {figures['build_s']:.2f} s "
          f"({figures['edges_per_s']:,.0f} edges/s), peak RSS {figures['peak_rss_mb']:.0f} MiB", file=sys.stderr)
    _queries(args, store, result.edges, figures)
    args.out.write_text(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
