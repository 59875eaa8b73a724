"""Soak: ``kg serve`` (waitress) on 127.0.0.1 under a bounded mixed load; requests, errors and RSS.

Builds the curated corpus into a temporary store, serves it with ``kg serve`` on a free port on
127.0.0.1, and runs ``--clients`` threads of keep-alive HTTP clients for ``--duration`` seconds
over a mixed query set (search, entities, evidence, neighbourhoods, paths, adverse effects, the
analyst Cypher library, SPARQL). The server's resident memory is sampled every second. Exits
non-zero when any request failed or memory was not flat (the last quarter's mean RSS more than
``--rss-tolerance`` above the second quarter's). Only 127.0.0.1 is ever contacted.

    python -m tests.soak --duration 120 --clients 32            # scripts/soak.sh
    python -m tests.soak --store neo4j                          # against NEO4J_URI (or the local Neo4j)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
LIBRARY = REPO / "docs" / "queries.cypher"
SPARQL = ("PREFIX ketkg: <https://w3id.org/ketamine-kg/schema/> SELECT ?s ?t WHERE { ?s a ketkg:Study ; "
          "ketkg:title ?t } ORDER BY ?s LIMIT 20")


@dataclass
class Report:
    """What one soak run did: requests, errors (with examples), throughput and the RSS samples."""

    store: str
    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    @property
    def quarters(self) -> list[float]:
        n = len(self.rss_mb)
        if n < 4:
            return [sum(self.rss_mb) / n] * 4 if n else [0.0] * 4
        return [sum(q) / len(q) for q in (self.rss_mb[i * n // 4:(i + 1) * n // 4] for i in range(4))]

    def growth(self) -> float:
        """Last quarter's mean RSS over the second quarter's, minus one (0.05 = 5 % more)."""
        second, last = self.quarters[1], self.quarters[3]
        return last / second - 1 if second else 0.0

    def summary(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("rss_mb")
        body.update(requests_per_second=round(self.requests / self.seconds, 1),
                    rss_quarters_mb=[round(q, 1) for q in self.quarters], rss_growth=round(self.growth(), 4))
        return body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _requests() -> list[tuple[str, str, str, dict[str, Any] | None]]:
    """The mixed query set: (kind, method, path, JSON body)."""
    from kg.query.library import load_library

    q = urllib.parse.quote
    out: list[tuple[str, str, str, dict[str, Any] | None]] = [
        ("health", "GET", "/api/health", None),
        ("search", "GET", "/api/search?q=ketamine", None),
        ("search", "GET", "/api/search?q=depres&category=Condition&limit=5", None),
        ("search", "GET", f"/api/search?q={q('nmda antagonism')}", None),
        ("entity", "GET", "/api/entities/CHEBI:6121", None),
        ("entity", "GET", "/api/entities/MONDO:0005146", None),
        ("evidence", "GET", f"/api/evidence?source={q('NMDA receptor antagonism')}&target=PTSD", None),
        ("evidence", "GET", "/api/evidence?source=esketamine&target=" + q("treatment-resistant depression"), None),
        ("neighbourhood", "GET", "/api/neighbourhood?id=CHEBI:60799&depth=2", None),
        ("paths", "GET", "/api/paths?source=HGNC:4586&target=MONDO:0005146&max_hops=3", None),
        ("adverse", "GET", "/api/adverse-effects?drug=esketamine", None),
        ("sparql", "GET", f"/api/sparql?query={q(SPARQL)}", None),
        ("sources", "GET", "/api/sources", None),
    ]
    for query in load_library(LIBRARY)[:6]:
        out.append(("cypher", "POST", "/api/cypher", {"query": query.query, "params": dict(query.params)}))
    return out


def _client(port: int, deadline: float, mix: list[Any], offset: int, report: Report, lock: threading.Lock,
            once: bool = False) -> None:
    """Send the mix round-robin from ``offset`` until ``deadline`` (or once through, when ``once``)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    i = offset
    counts: dict[str, int] = {}
    done = errors = 0
    examples: list[str] = []
    while time.monotonic() < deadline and not (once and i >= offset + len(mix)):
        kind, method, path, body = mix[i % len(mix)]
        i += 1
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
            response = conn.getresponse()
            response.read()
            ok = 200 <= response.status < 300
            detail = f"{response.status} {method} {path[:80]}"
        except (OSError, http.client.HTTPException) as err:
            ok, detail = False, f"{type(err).__name__}: {err} ({method} {path[:80]})"
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        done += 1
        counts[kind] = counts.get(kind, 0) + 1
        if not ok:
            errors += 1
            if len(examples) < 5:
                examples.append(detail)
    conn.close()
    with lock:
        report.requests += done
        report.errors += errors
        for kind, n in counts.items():
            report.by_kind[kind] = report.by_kind.get(kind, 0) + n
        report.examples.extend(examples[: 10 - len(report.examples)])


def _wait_ready(port: int, server: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if server.poll() is not None:
            raise RuntimeError(f"kg serve exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"kg serve did not answer on {HOST}:{port} within {limit:g} s")


def run(duration: float = 120.0, clients: int = 32, store: str = "memory", workdir: Path | None = None) -> Report:
    """Build, serve and load the service; return the report (the server is always stopped)."""
    work = Path(workdir or tempfile.mkdtemp(prefix="kg-soak-"))
    env = {**os.environ, "KG_STORE": store, "KG_SNAPSHOT": str(work / "graph.jsonl"), "KG_RATE_LIMIT_PER_MINUTE": "0"}
    kg = [sys.executable, "-c", "from kg.cli import main; main()"]
    subprocess.run([*kg, "build"], env=env, check=True, capture_output=True, cwd=REPO)
    port = _free_port()
    server = subprocess.Popen([*kg, "serve", "--host", HOST, "--port", str(port)], env=env, cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = Report(store, clients, duration)
    try:
        _wait_ready(port, server)
        mix, lock = _requests(), threading.Lock()
        _client(port, time.monotonic() + 60, mix[:], 0, Report(store, 1, 0), lock, once=True)  # warm the caches
        deadline = time.monotonic() + duration
        threads = [threading.Thread(target=_client, args=(port, deadline, mix, n * 3, report, lock), daemon=True)
                   for n in range(clients)]
        for thread in threads:
            thread.start()
        process = psutil.Process(server.pid)
        while any(t.is_alive() for t in threads):
            report.rss_mb.append(process.memory_info().rss / 2**20)
            time.sleep(1.0)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--store", choices=["memory", "neo4j"], default="memory")
    parser.add_argument("--rss-tolerance", type=float, default=0.10, help="allowed RSS growth (default 0.10)")
    args = parser.parse_args(argv)
    report = run(args.duration, args.clients, args.store)
    print(json.dumps(report.summary(), indent=2))
    flat = report.growth() <= args.rss_tolerance
    if report.errors or not flat or not report.requests:
        print(f"FAILED: {report.errors} errors, RSS growth {report.growth():.1%}", file=sys.stderr)
        return 1
    print(f"soak passed: {report.requests} requests, 0 errors, RSS growth {report.growth():.1%}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
