"""``python -m bench``: every benchmark of issue 8 in one run; see ``python -m bench --help``.

Writes ``results.json``, ``results.md`` and ``scaling.png`` to ``--out`` (default
``bench/results``). ``--quick`` is the smoke-test mode (a fraction of 1x, short runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import free_port, report
from bench.scales import scale_label

FULL_SCALES = "real,1,10,100"
QUICK_SCALES = "0.1"


def _machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": memory / 2**20, "python": platform.python_version(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}



def _start_neo4j(args: argparse.Namespace, work: Path) -> tuple[str | None, Any]:
    """(uri, stop function), or (None, reason) when there is no Neo4j to use. Sets
    ``args.neo4j_pid`` when it starts the server (so the ingest can be profiled)."""
    args.neo4j_pid = None
    if args.neo4j_uri:
        return args.neo4j_uri, None
    if args.no_neo4j:
        return None, "--no-neo4j"
    if shutil.which("java") is None or shutil.which("mvn") is None:
        return None, "no NEO4J_URI and no Java 17 + Maven for the local Neo4j"
    from kg import neo4j_local

    port = free_port()
    state = work / "neo4j-state"
    shutil.rmtree(state, ignore_errors=True)
    print(f"starting the local Neo4j on 127.0.0.1:{port} ...", file=sys.stderr, flush=True)
    status = neo4j_local.start(port, state / "data", args.neo4j_password, state_dir=state,
                               heap="2g" if not args.quick else "1g", pagecache_mb=2048 if not args.quick else 256)
    args.neo4j_pid = status.pid
    return status.uri, lambda: neo4j_local.stop(port, state_dir=state)


def _settle() -> None:
    """Flush the previous step's dirty pages (a Neo4j store, CSVs, a snapshot: gigabytes at the
    large scales) before the next timed step, so the kernel's write-back does not run inside it."""
    os.sync()


def _worker(args: argparse.Namespace, scale: str, work: Path, uri: str | None) -> dict[str, Any]:
    out = work / f"scale-{scale}.json"
    command = [sys.executable, "-m", "bench.worker", "build", scale, str(out), "--workdir", str(work),
               "--seed", str(args.seed), "--naive-rows", str(args.naive_rows), "--batch-size", str(args.batch_size),
               "--neo4j-max-edges", str(args.neo4j_max_edges)]
    command += ["--quick"] if args.quick else []
    command += ["--neo4j-uri", uri, "--neo4j-password", args.neo4j_password] if uri else []
    command += ["--neo4j-pid", str(args.neo4j_pid)] if uri and args.neo4j_pid else []
    subprocess.run(command, check=True)
    figures: dict[str, Any] = json.loads(out.read_text())
    opened = work / f"open-{scale}.json"
    subprocess.run([sys.executable, "-m", "bench.worker", "load", figures["snapshot"], str(opened)], check=True)
    figures["open"] = json.loads(opened.read_text())
    print(f"  opened the snapshot in {figures['open']['open_s']:.2f} s, store RSS "
          f"{figures['open']['store_rss_mb']:.0f} MiB", file=sys.stderr, flush=True)
    return figures


def _admin_import(args: argparse.Namespace, results: dict[str, Any], work: Path) -> dict[str, Any]:
    """``neo4j-admin import`` of the largest scale (see :mod:`bench.admin_import`), in its own process."""
    if args.no_neo4j or args.no_admin_import:
        return {"skipped": "--no-neo4j" if args.no_neo4j else "--no-admin-import"}
    if shutil.which("java") is None or shutil.which("mvn") is None:
        return {"skipped": "no Java 17 + Maven for the Neo4j import tool"}
    built = [(label, s) for label, s in results["scales"].items() if "edges" in s]
    if not built:
        return {"skipped": "no scale was built"}
    label, largest = max(built, key=lambda item: item[1]["edges"])
    print(f"== neo4j-admin import of scale {label}", file=sys.stderr, flush=True)
    mix_path, out = work / f"mix-{label}.json", work / f"admin-import-{label}.json"
    mix_path.write_text(json.dumps(largest["mix"]))
    command = [sys.executable, "-m", "bench.admin_import", largest["snapshot"], str(work), str(out),
               "--mix", str(mix_path), *(["--quick"] if args.quick else [])]
    subprocess.run(command, check=True)
    return {"scale": label, **json.loads(out.read_text())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke-test mode: a small scale, short runs")
    parser.add_argument("--scales", help=f"comma-separated: real and/or multiples of 1x (default {FULL_SCALES}; "
                                         f"quick: {QUICK_SCALES})")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"))
    parser.add_argument("--neo4j-password", default=os.environ.get("NEO4J_PASSWORD") or "kg-bench-password")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--naive-rows", type=int, default=None, help="edges written one per transaction")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--neo4j-max-edges", type=int, default=400_000,
                        help="skip Neo4j on larger scales (default 400,000: the 10x and real graphs)")
    parser.add_argument("--service-scale", help="the scale the service is loaded with (default: the largest)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 10; quick 2)")
    parser.add_argument("--no-service", action="store_true")
    parser.add_argument("--no-admin-import", action="store_true",
                        help="skip the neo4j-admin import of the largest scale")
    args = parser.parse_args(argv)
    scales = (args.scales or (QUICK_SCALES if args.quick else FULL_SCALES)).split(",")
    args.naive_rows = args.naive_rows if args.naive_rows is not None else (50 if args.quick else 1000)
    duration = args.duration or (2.0 if args.quick else 10.0)
    out: Path = args.out
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {"quick": args.quick, "machine": _machine(), "scales": {}, "args": vars(args)}
    uri, stop = _start_neo4j(args, work)
    if uri is None:
        results["neo4j_skipped"] = stop
        print(f"Neo4j benchmarks skipped: {stop}", file=sys.stderr)
    try:
        for scale in scales:
            print(f"== scale {scale_label(scale)}", file=sys.stderr, flush=True)
            _settle()
            results["scales"][scale_label(scale)] = _worker(args, scale, work, uri)
    finally:
        if callable(stop):
            stop()
    if not args.no_service:
        from bench import service_bench

        label = scale_label(args.service_scale) if args.service_scale else None
        chosen = results["scales"].get(label) if label else max(results["scales"].values(), key=lambda s: s["edges"])
        results["service_scale"] = next(k for k, v in results["scales"].items() if v is chosen)
        print(f"== service on scale {results['service_scale']}", file=sys.stderr, flush=True)
        _settle()
        results["service"] = service_bench.run(Path(chosen["snapshot"]), [tuple(p) for p in chosen["mix"]["evidence"]],
                                               work, duration)
        if "skipped" in results["service"]:
            print(f"service benchmark skipped: {results['service']['skipped']}", file=sys.stderr)
    _settle()
    results["admin_import"] = _admin_import(args, results, work)
    if "skipped" in results["admin_import"]:
        print(f"neo4j-admin import skipped: {results['admin_import']['skipped']}", file=sys.stderr)
    results["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["seconds"] = time.perf_counter() - started
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    report.write_markdown(results, out / "results.md")
    plots = report.write_plots(results, out)
    print((out / "results.md").read_text())
    print(f"wrote {out / 'results.md'}, {out / 'results.json'} and {', '.join(map(str, plots))}", file=sys.stderr)


if __name__ == "__main__":
    main()
