"""``kg serve --workers N``: gunicorn workers forked after the graph is loaded, served for real on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j_support import free_port
from test_cli_neo4j import _get_json

from kg.cli import main

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
EVIDENCE = "/api/evidence?source=ketamine&target=PTSD"


def children(pid: int) -> list[int]:
    """The pids of ``pid``'s child processes (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("this kernel does not list child processes in /proc")
    return [int(p) for p in path.read_text().split()]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def serve(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([*KG, *args, "serve", "--port", str(port), "--workers", "2"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    _get_json(f"{base}/api/health", server)  # waits until the server answers
    return server, base


def answers_concurrently(base: str, requests: int = 24) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: get(base + EVIDENCE), range(requests)))


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def test_two_workers_serve_the_same_answers_as_the_app(tmp_path, small_dir, client):
    snapshot = tmp_path / "graph.jsonl"
    built = CliRunner().invoke(main, ["--snapshot", str(snapshot), "build", "--curated-dir", str(small_dir)])
    assert built.exit_code == 0, built.output
    expected = client.get(EVIDENCE).get_json()  # the same small corpus, answered in-process
    server, base = serve(["--snapshot", str(snapshot)], {"KG_STORE": "memory"})
    try:
        workers = children(server.pid)
        assert len(workers) == 2, workers  # gunicorn's arbiter is the process we started
        got = answers_concurrently(base)
        assert {status for status, _ in got} == {200}
        assert all(body["chains"] == expected["chains"] and body["studies"] == expected["studies"]
                   for _, body in got)
        assert get(f"{base}/api/health")[1]["nodes"] == 13
    finally:
        stop(server)
    assert server.returncode == 0, server.stderr.read().decode()
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers), "a worker outlived the arbiter"


def test_workers_must_be_positive(tmp_path):
    result = CliRunner().invoke(main, ["--snapshot", str(tmp_path / "g.jsonl"), "serve", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output


def post_cypher(base: str) -> int:
    body = json.dumps({"query": "MATCH (d:Drug) RETURN d.id AS id LIMIT 1"}).encode()
    request = urllib.request.Request(base + "/api/cypher", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback test server
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_rate_limit_holds_across_workers(tmp_path, small_dir):
    snapshot = tmp_path / "graph.jsonl"
    built = CliRunner().invoke(main, ["--snapshot", str(snapshot), "build", "--curated-dir", str(small_dir)])
    assert built.exit_code == 0, built.output
    server, base = serve(["--snapshot", str(snapshot)], {"KG_STORE": "memory", "KG_RATE_LIMIT_PER_MINUTE": "1",
                                                         "KG_RATE_LIMIT_BURST": "4"})
    try:
        assert len(children(server.pid)) == 2
        with ThreadPoolExecutor(4) as pool:  # spread over both workers
            statuses = sorted(pool.map(lambda _: post_cypher(base), range(10)))
    finally:
        stop(server)
    assert statuses == [200] * 4 + [429] * 6  # one burst of 4 for this client, not 4 per worker
