"""``bench/results/results.md`` (Markdown tables, targets met or not) and the plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import client_profile

__all__ = ["write_markdown", "write_plots", "targets"]

OPS = ("evidence", "search", "neighbourhood", "paths")


def _n(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, int | float) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_n(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _largest(results: dict[str, Any]) -> dict[str, Any] | None:
    scales = [s for s in results["scales"].values() if "edges" in s]
    return max(scales, key=lambda s: s["edges"]) if scales else None


def targets(results: dict[str, Any]) -> list[list[Any]]:
    """[target, measured, met, margin] for each target of issue 8."""
    rows: list[list[Any]] = []
    big = _largest(results)

    def add(name: str, value: float | None, limit: float, higher: bool, unit: str) -> None:
        if value is None:
            rows.append([name, "not measured", "–", "–"])
            return
        met = value >= limit if higher else value <= limit
        margin = value / limit if higher else limit / value if value else float("inf")
        rows.append([name, f"{value:,.2f} {unit}", "met" if met else "NOT met", f"{margin:.2f}x of target"])

    if big is None:
        return rows
    add("embedded build ≥ 200,000 edges/s (largest scale, validate + write)", big.get("store_edges_per_s"),
        200_000, True, "edges/s")
    add("peak RSS ≤ 1.5 KB/edge at the largest scale (whole build process)", big.get("bytes_per_edge", 0) / 1000,
        1.5, False, "KB/edge")
    with_neo4j = [s for s in results["scales"].values() if (s.get("neo4j") or {}).get("ingest")]
    neo = max(with_neo4j, key=lambda s: s["edges"]) if with_neo4j else {}
    at = f" (at {neo['edges']:,} edges)" if neo else ""
    ingest = (neo.get("neo4j") or {}).get("ingest") or {}
    add(f"Neo4j batched ingest ≥ 50,000 edges/s{at}", ingest.get("edges_per_s"), 50_000, True, "edges/s")
    add(f"Neo4j batched ≥ 20x naive{at}", ingest.get("speedup"), 20, True, "x")
    lat = big.get("latency", {})
    add("embedded evidence p50 ≤ 5 ms", lat.get("memory/evidence", {}).get("p50"), 5, False, "ms")
    add("embedded evidence p99 ≤ 50 ms", lat.get("memory/evidence", {}).get("p99"), 50, False, "ms")
    add(f"Neo4j evidence p50 ≤ 25 ms{at}", neo.get("latency", {}).get("neo4j/evidence", {}).get("p50"), 25, False,
        "ms")
    admin = results.get("admin_import") or {}
    if (admin.get("latency") or {}).get("evidence"):
        add(f"Neo4j evidence p50 ≤ 25 ms (at {admin['edges']:,} edges, bulk-imported)",
            admin["latency"]["evidence"].get("p50"), 25, False, "ms")
    level = ((results.get("service") or {}).get("levels") or {}).get("32")
    add("service ≥ 500 req/s at 32 clients", level and level["requests_per_s"], 500, True, "req/s")
    add("service p99 ≤ 100 ms at 32 clients", level and level.get("p99"), 100, False, "ms")
    if level:
        status = "met" if not level["errors"] else "NOT met"
        rows.append(["service: no errors at 32 clients", f"{level['errors']} errors", status, ""])
    return rows


def _profile_lines(scales: dict[str, Any]) -> list[str]:
    """Where the server spent the largest profiled batched ingest (JFR samples by category)."""
    profiled = [(label, s) for label, s in scales.items()
                if (((s.get("neo4j") or {}).get("ingest") or {}).get("profile") or {}).get("profile")]
    if not profiled:
        return []
    label, s = max(profiled, key=lambda item: item[1]["edges"])
    figures = s["neo4j"]["ingest"]["profile"]
    profile = figures["profile"]
    speed = figures.get("profiled_edges_per_s")
    lines = [f"Server profile of the first build at {label}, repeated under Java Flight Recorder "
             f"({profile['samples']:,} samples of the server's threads, grouped by `bench/server_profile.py`"
             + (f"; {speed:,.0f} edges/s while recording, not the timed figure" if speed else "") + "):", ""]
    return lines + _table(["server work", "share of samples"],
                          [[name, f"{share * 100:.1f} %"] for name, share in profile["shares"].items()])


def _client_lines(scales: dict[str, Any]) -> list[str]:
    """What the Python client did during the largest scale's profiled first build and a pass of
    the evidence questions on Neo4j (py-spy samples, :mod:`bench.client_profile`)."""
    with_neo4j = [(label, s["neo4j"]) for label, s in scales.items() if s.get("neo4j")]
    if not with_neo4j:
        return []
    label, neo = max(with_neo4j, key=lambda item: scales[item[0]]["edges"])
    ingest = ((neo.get("ingest") or {}).get("profile") or {}).get("client_profile") or {}
    evidence = neo.get("evidence_profile") or {}
    lines = ["## Client profile (py-spy, the Neo4j steps)", "",
             f"At {label} (py-spy, {client_profile.RATE} samples/s of every thread of the "
             "benchmark process; a thread waiting for the server is not sampled, so busy = the share of "
             "wall time the client worked, the rest it waited):", ""]
    sections = [("first build (the recorded one)", ingest), ("evidence questions, one pass", evidence)]
    rows, groups = [], sorted({g for _, p in sections for g in (p.get("groups") or {})})
    for name, p in sections:
        if p.get("skipped"):
            lines.append(f"- {name}: skipped, {p['skipped']}")
        elif p.get("samples"):
            extra = f", {p['reads_per_query']:.1f} reads (round trips) per question" if "reads_per_query" in p else ""
            lines.append(f"- {name}: client busy {p['busy_share'] * 100:.0f} % of {p['wall_s']:.1f} s{extra}")
            rows.append(name)
    lines.append("")
    if rows:
        profiles = dict(sections)
        lines += _table(["client work", *rows],
                        [[g, *(f"{(profiles[r].get('groups') or {}).get(g, 0) * 100:.1f} %" for r in rows)]
                         for g in groups])
    return lines


def _admin_lines(admin: dict[str, Any]) -> list[str]:
    """The neo4j-admin import section: the bulk path, measured at the largest scale."""
    lines = ["## Neo4j bulk import (kg export neo4j-import + neo4j-admin database import full, largest scale)", ""]
    if "skipped" in admin:
        return [*lines, f"Skipped: {admin['skipped']}", ""]
    lines += _table(["scale", "nodes", "edges", "export s", "import s", "import edges/s", "export+import edges/s",
                     "schema s", "counts = embedded"],
                    [[admin["scale"], admin["nodes"], admin["edges"], admin["export_s"], admin["import_s"],
                      admin["import_edges_per_s"], admin["export_import_edges_per_s"], admin.get("schema_s"),
                      "yes" if admin.get("counts_match") else "NO"]])
    latency = admin.get("latency") or {}
    if latency:
        lines += [f"Queries on the imported graph ({admin['edges']:,} edges, ms):", ""]
        lines += _table(["query", "p50", "p95", "p99", "samples", "answers ≠ embedded"],
                        [[op, st.get("p50"), st.get("p95"), st.get("p99"), st.get("n"),
                          (admin.get("mismatches") or {}).get(op)] for op, st in latency.items()])
    return lines


def write_markdown(results: dict[str, Any], path: Path) -> None:
    machine = results["machine"]
    lines = [f"# ketamine-kg benchmarks ({'quick' if results['quick'] else 'full'} run)", "",
             f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['memory_gib']:.1f} GiB, "
             f"Python {machine['python']}; load average {machine['load_before']} before, "
             f"{machine.get('load_after', '?')} after. Run took {results.get('seconds', 0):.0f} s.", ""]
    scales = results["scales"]
    lines += ["## Build (embedded store)", ""]
    rows = [[label, s["nodes"], s["edges"], s["build_s"], s["edges_per_s"], s["store_build_s"],
             s["store_edges_per_s"], s["peak_rss_mb"], s["bytes_per_edge"], s.get("open", {}).get("open_s"),
             s.get("open", {}).get("store_rss_mb"), s.get("open", {}).get("store_bytes_per_edge")]
            for label, s in scales.items() if "edges" in s]
    lines += _table(["scale", "nodes", "edges", "build s", "edges/s", "validate+write s", "validate+write edges/s",
                     "peak RSS MiB", "peak B/edge", "open snapshot s", "store RSS MiB", "store B/edge"], rows)
    lines += ["## Neo4j ingest (batched UNWIND, first build and rebuild, vs one row per transaction)", ""]
    ingests = [(s.get("neo4j") or {}).get("ingest") or {} for s in scales.values()]
    if any(i.get("writers") for i in ingests):
        first = next(i for i in ingests if i.get("writers"))
        lines += [f"Batches of {first.get('batch_size')} rows, {first['writers']} concurrent writer transactions "
                  "(`Neo4jStore(batch_size=..., writers=...)`). The first build into an emptied database is "
                  "timed warmed up (run once before: the cold column, the server's first heavy write at that "
                  "scale), without the flight recorder.", ""]
    rows = []
    for label, s in scales.items():
        ingest = (s.get("neo4j") or {}).get("ingest")
        if ingest:
            naive, profile = ingest.get("naive", {}), ingest.get("profile") or {}
            rows.append([label, ingest["edges"], ingest["seconds"], ingest["edges_per_s"],
                         (ingest.get("cold") or {}).get("edges_per_s"),
                         (ingest.get("rebuild") or {}).get("edges_per_s"), naive.get("edges"),
                         naive.get("edges_per_s"), ingest.get("speedup"), profile.get("server_cores"),
                         profile.get("client_cores")])
    lines += _table(["scale", "edges", "first build s", "first build edges/s", "cold first build edges/s",
                     "rebuild (MERGE) edges/s",
                     "naive rows", "naive edges/s", "batched/naive", "server cores busy", "client cores busy"],
                    rows) if rows else [f"Skipped: {results.get('neo4j_skipped', 'no Neo4j')}", ""]
    lines += _profile_lines(scales)
    lines += _client_lines(scales)
    lines += _admin_lines(results.get("admin_import") or {"skipped": "not run"})
    lines += ["## Query latency (ms, fixed seeded mix)", ""]
    rows = []
    for label, s in scales.items():
        mismatches = (s.get("neo4j") or {}).get("mismatches", {})
        for key, st in s.get("latency", {}).items():
            store, op = key.split("/")
            rows.append([label, s.get("edges"), store, op, st.get("p50"), st.get("p95"), st.get("p99"), st.get("n"),
                         mismatches.get(op, "–") if store == "neo4j" else ""])
    lines += _table(["scale", "edges", "store", "query", "p50", "p95", "p99", "samples", "answers ≠ embedded"], rows)
    lines += ["## Evidence query baselines (ms)", ""]
    rows = []
    for label, s in scales.items():
        b = s.get("baselines", {})
        nxb, cy = b.get("networkx_all_simple_paths", {}), b.get("embedded_cypher", {})
        rows.append([label, s.get("latency", {}).get("memory/evidence", {}).get("p50"), nxb.get("p50"), nxb.get("p99"),
                     f"{nxb.get('capped', 0)}/{nxb.get('n', 0)}", cy.get("p50"), cy.get("p99"),
                     cy.get("skipped", "")[:60]])
    lines += _table(["scale", "embedded evidence p50", "networkx paths p50", "networkx p99", "capped",
                     "embedded Cypher p50", "Cypher p99", "Cypher skipped"], rows)
    service = results.get("service") or {}
    lines += [f"## Service (kg serve, wrk, evidence endpoint, scale {results.get('service_scale')})", ""]
    configs = service.get("configs") or ({"1": service} if service.get("levels") else {})
    if configs:
        production = str(service.get("workers", 1))
        lines += [f"`kg serve --workers 1` is one process (waitress, 8 threads); `--workers {production}` is "
                  f"gunicorn with one sync worker per core, forked after the graph is loaded (the production "
                  f"setting the targets are judged on).", ""]
        rows = [[f"--workers {w}", c, v["requests_per_s"], v.get("p50"), v.get("p99"), v["requests"], v["errors"]]
                for w, config in configs.items() for c, v in config["levels"].items()]
        lines += _table(["server", "clients", "req/s", "p50 ms", "p99 ms", "requests", "errors"], rows)
        one, many = (configs.get(w, {}).get("levels", {}).get("32") for w in ("1", production))
        if one and many and production != "1":
            ratio = many["requests_per_s"] / one["requests_per_s"]
            lines += [f"At 32 clients, {production} workers serve {ratio:.2f}x the requests/s of one process.", ""]
    else:
        lines += [f"Skipped: {service.get('skipped', 'not run')}", ""]
    lines += ["## Targets", ""] + _table(["target", "measured", "status", "margin"], targets(results))
    path.write_text("\n".join(lines), encoding="utf-8")


def write_plots(results: dict[str, Any], out: Path) -> list[Path]:
    """Latency, build time and memory against graph size (log-log, with a linear reference)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = sorted((s for s in results["scales"].values() if "edges" in s), key=lambda s: s["edges"])
    if not data:
        return []
    edges = [s["edges"] for s in data]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    ax = axes[0]
    for store, style in (("memory", "o-"), ("neo4j", "s--")):
        for pct in ("p50", "p99"):
            ys = [s.get("latency", {}).get(f"{store}/evidence", {}).get(pct) for s in data]
            points = [(x, y) for x, y in zip(edges, ys, strict=True) if y]
            if points:
                ax.plot(*zip(*points, strict=True), style, label=f"{store} evidence {pct}")
    ax.set(xscale="log", yscale="log", xlabel="edges", ylabel="ms", title="Evidence query latency")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(edges, [s["build_s"] for s in data], "o-", label="build (load+validate+write) s")
    ax.plot(edges, [s["store_build_s"] for s in data], "o-", label="validate+write s")
    ax.plot(edges, [edges[0] and s["edges"] / edges[-1] * data[-1]["build_s"] for s in data], ":", label="linear")
    ax.set(xscale="log", yscale="log", xlabel="edges", ylabel="seconds", title="Embedded build time")
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.plot(edges, [s["peak_rss_mb"] for s in data], "o-", label="peak RSS of build (MiB)")
    opened = [(s["edges"], s["open"]["rss_mb"]) for s in data if s.get("open")]
    if opened:
        ax.plot(*zip(*opened, strict=True), "s-", label="RSS after opening snapshot (MiB)")
    ax.plot(edges, [s["edges"] / edges[-1] * data[-1]["peak_rss_mb"] for s in data], ":", label="linear")
    ax.set(xscale="log", yscale="log", xlabel="edges", ylabel="MiB", title="Memory")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "scaling.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
