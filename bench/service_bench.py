"""The service under load: ``kg serve`` on 127.0.0.1, driven by ``wrk``.

The server is started exactly as a user starts it (``kg serve --port P --workers W``, the
snapshot named by ``KG_SNAPSHOT``), twice side by side: one process (waitress, threads) and one
gunicorn worker per core, the documented production setting; ``wrk`` (Debian package ``wrk``)
cycles through the evidence URLs of the query mix (``bench/wrk_paths.lua``) at 1, 8 and 32
concurrent connections for a bounded duration each. Only the loopback address is ever targeted.
The targets are judged on the production setting (``levels``); ``configs`` holds both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import free_port

__all__ = ["run", "CONCURRENCY"]

CONCURRENCY = (1, 8, 32)
HOST = "127.0.0.1"
LUA = Path(__file__).with_name("wrk_paths.lua")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}



def _wait(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback only
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"kg serve did not answer {url} within {timeout:.0f} s")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(text: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), requests and errors from ``wrk --latency`` output."""
    result: dict[str, Any] = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.MULTILINE)
        if match:
            result[f"p{pct}"] = _ms(match.group(1))
    total = re.search(r"(\d+) requests in", text)
    result["requests"] = int(total.group(1)) if total else 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return result


def run(snapshot: Path, evidence: list[tuple[str, str]], workdir: Path, duration: float,
        workers: int | None = None) -> dict[str, Any]:
    """Serve ``snapshot`` with one process and with ``workers`` (default: one per core) and load
    each with ``wrk``; a ``skipped`` reason when that cannot be done."""
    beside = Path(sys.executable).with_name("kg")  # this environment's kg first, not another one on PATH
    wrk, kg = shutil.which("wrk"), str(beside) if beside.exists() else shutil.which("kg") or str(beside)
    if wrk is None:
        return {"skipped": "wrk is not installed (apt-get install wrk; scripts/bench.sh does)"}
    if not Path(kg).exists():
        return {"skipped": "the kg command is not installed (pip install -e .)"}
    paths = workdir / "wrk-paths.txt"
    paths.write_text("".join(f"/api/evidence?{urlencode({'source': s, 'target': t})}\n" for s, t in evidence))
    env = {**os.environ, "KG_STORE": "memory", "KG_SNAPSHOT": str(snapshot), "KG_BENCH_PATHS": str(paths)}
    production = workers or os.cpu_count() or 1
    result: dict[str, Any] = {"duration_s": duration, "workers": production, "configs": {}}
    for count in sorted({1, production}):
        print(f"  service with --workers {count}", file=sys.stderr, flush=True)
        result["configs"][str(count)] = _load(kg, wrk, count, env, workdir / f"serve-{count}.log", duration)
    result.update(result["configs"][str(production)])
    return result


def _load(kg: str, wrk: str, workers: int, env: dict[str, str], log_path: Path, duration: float) -> dict[str, Any]:
    """Start ``kg serve --workers``, run wrk at each concurrency, stop the server."""
    port = free_port()
    log = log_path.open("wb")
    server = subprocess.Popen([kg, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=log, stderr=log)
    try:
        started = time.perf_counter()
        _wait(f"http://{HOST}:{port}/api/health", 600, server)
        result: dict[str, Any] = {"startup_s": time.perf_counter() - started, "levels": {}}
        for clients in CONCURRENCY:
            command = [wrk, f"-t{min(clients, 2)}", f"-c{clients}", f"-d{duration:g}s", "--timeout", "10s",
                       "--latency", "-s", str(LUA), f"http://{HOST}:{port}"]
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=duration + 60, check=True)
            result["levels"][str(clients)] = parse_wrk(done.stdout)
            level = result["levels"][str(clients)]
            print(f"  service c={clients:<3} {level['requests_per_s']:8.1f} req/s  p50 {level.get('p50', 0):7.2f} ms"
                  f"  p99 {level.get('p99', 0):7.2f} ms  errors {level['errors']}", file=sys.stderr, flush=True)
        return result
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
