"""``kg neo4j start|status|stop|import``, ``kg build/stats/serve`` on Neo4j, and clear errors (never a
traceback) when Neo4j cannot be had."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j_support import free_port, require_java_and_maven

from kg import neo4j_local
from kg.cli import main
from kg.neo4j_local import build as launcher_build

PASSWORD = "cli-test-password"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def neo4j_env(neo4j_server, **extra: str) -> dict[str, str]:
    uri, user, password = neo4j_server
    return {"KG_STORE": "neo4j", "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, **extra}


def assert_clear_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


# -- the local server through the CLI ---------------------------------------------------------
def test_start_status_stop(tmp_path):
    require_java_and_maven()
    port, state = free_port(), str(tmp_path / "state")
    started = run("neo4j", "start", "--port", str(port), "--password", PASSWORD, "--state-dir", state,
                  "--data-dir", str(tmp_path / "data"))
    try:
        assert started.exit_code == 0, started.output
        assert "running pid=" in started.output and f"uri=bolt://127.0.0.1:{port}" in started.output
        assert f"NEO4J_URI=bolt://127.0.0.1:{port}" in started.output  # the hint for a non-default port
        status = run("neo4j", "status", "--port", str(port), "--state-dir", state)
        assert status.exit_code == 0 and status.output.startswith("running pid=")
        stats = run("stats", env={"KG_STORE": "neo4j", "NEO4J_URI": f"bolt://127.0.0.1:{port}",
                                  "NEO4J_PASSWORD": PASSWORD})
        assert_clear_error(stats, "kg build")  # it answers, and holds no graph yet
    finally:
        stopped = run("neo4j", "stop", "--port", str(port), "--state-dir", state)
    assert stopped.exit_code == 0 and stopped.output.strip() == "stopped"
    after = run("neo4j", "status", "--port", str(port), "--state-dir", state)
    assert after.exit_code == 3 and after.output.startswith("stopped")
    again = run("neo4j", "stop", "--port", str(port), "--state-dir", state)
    assert again.exit_code == 0 and "no local Neo4j was running" in again.output


def test_start_refuses_a_port_in_use(tmp_path):
    require_java_and_maven()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run("neo4j", "start", "--port", str(port), "--password", PASSWORD, "--state-dir", str(tmp_path))
    assert_clear_error(result, f"port {port}", "already in use")


def test_start_without_java_is_a_clear_error(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run("neo4j", "start", "--port", str(free_port()), "--password", PASSWORD, "--state-dir",
                 str(tmp_path), env={"PATH": str(empty), "JAVA_HOME": ""})
    assert_clear_error(result, "Java 17+ is needed", "JAVA_HOME")


def test_start_without_maven_is_a_clear_error(tmp_path, monkeypatch):
    require_java_and_maven()
    java_only = tmp_path / "bin"
    java_only.mkdir()
    (java_only / "java").symlink_to(os.path.realpath(launcher_build.find_java()))
    monkeypatch.setattr(launcher_build, "_build_is_current", lambda target: False)
    result = run("neo4j", "start", "--port", str(free_port()), "--password", PASSWORD, "--state-dir",
                 str(tmp_path), env={"PATH": str(java_only), "JAVA_HOME": ""})
    assert_clear_error(result, "Maven (mvn) is needed")


def test_short_password_and_bad_port_are_refused(tmp_path):
    short = run("neo4j", "start", "--port", str(free_port()), "--password", "short", "--state-dir", str(tmp_path))
    assert_clear_error(short, "at least 8 characters")
    bad_port = run("neo4j", "start", "--port", "70000")
    assert bad_port.exit_code == 2 and "70000" in bad_port.output


# -- kg build / stats / serve against Neo4j -----------------------------------------------------
def test_build_and_stats_on_neo4j(neo4j_store, neo4j_server, small_dir):
    built = run("build", "--curated-dir", str(small_dir), env=neo4j_env(neo4j_server))
    assert built.exit_code == 0, built.output
    assert "built 13 nodes" in built.output and "into neo4j (bolt://127.0.0.1" in built.output
    stats = run("stats", env=neo4j_env(neo4j_server))
    assert stats.exit_code == 0, stats.output
    assert "store: neo4j" in stats.output and "Study           2" in stats.output
    assert neo4j_store.counts().total_nodes == 13


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_evidence_from_neo4j(neo4j_store, neo4j_server, small_dir, workers):
    """With two workers each forked process opens its own driver (a driver cannot cross a fork)."""
    assert run("build", "--curated-dir", str(small_dir), env=neo4j_env(neo4j_server)).exit_code == 0
    port = free_port()
    env = {**os.environ, **neo4j_env(neo4j_server)}
    server = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--port",
                               str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        health = _get_json(f"http://127.0.0.1:{port}/api/health", server)
        assert health["store"] == "neo4j" and health["nodes"] == 13
        url = f"http://127.0.0.1:{port}/api/evidence?source=ketamine&target=PTSD"
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: _get_json(url, server), range(16)))
        assert answers[0]["target"][0]["id"] == "MONDO:0005146" and answers[0]["chains"] and answers[0]["studies"]
        assert all(answer == answers[0] for answer in answers)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if workers > 1:  # gunicorn's arbiter stops its workers and exits cleanly on SIGTERM
        assert server.returncode == 0, server.stderr.read().decode()


def _get_json(url: str, server: subprocess.Popen, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                raise AssertionError(f"kg serve exited: {server.stderr.read().decode()}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# -- clear errors when Neo4j cannot be reached or refuses the password --------------------------
@pytest.mark.parametrize("command", [["build"], ["stats"], ["serve", "--port", "1"],
                                     ["export", "neo4j-import", "-o", "unused"]])
def test_closed_port_is_a_clear_error(command, small_dir):
    port = free_port()
    env = {"KG_STORE": "neo4j", "NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": PASSWORD,
           "KG_CURATED_DIR": str(small_dir)}
    assert_clear_error(run(*command, env=env), f"cannot reach Neo4j at bolt://127.0.0.1:{port}")


def test_wrong_password_is_a_clear_error(neo4j_server):
    result = run("stats", env=neo4j_env(neo4j_server, NEO4J_PASSWORD="not-the-password"))
    assert_clear_error(result, "refused the credentials of user 'neo4j'", "NEO4J_PASSWORD")


def test_missing_password_says_so(neo4j_server):
    result = run("stats", env=neo4j_env(neo4j_server, NEO4J_PASSWORD=""))
    assert_clear_error(result, "no password was given: set NEO4J_PASSWORD")


# -- bulk import into the local server ----------------------------------------------------------
def test_import_refuses_a_directory_without_export(tmp_path):
    assert_clear_error(run("neo4j", "import", str(tmp_path), "--state-dir", str(tmp_path)),
                       "kg export neo4j-import", "import.json")


def test_import_into_a_database_with_data_says_how_to_replace_it(tmp_path, small_dir):
    require_java_and_maven()
    snapshot, out = str(tmp_path / "g.jsonl"), tmp_path / "csv"
    assert run("--snapshot", snapshot, "build", "--curated-dir", str(small_dir)).exit_code == 0
    assert run("--snapshot", snapshot, "export", "neo4j-import", "-o", str(out)).exit_code == 0
    data = tmp_path / "data"
    first = run("neo4j", "import", str(out), "--data-dir", str(data), "--state-dir", str(tmp_path))
    assert first.exit_code == 0, first.output
    assert "13 nodes" in first.output and "IMPORT DONE" in first.output
    second = run("neo4j", "import", str(out), "--data-dir", str(data), "--state-dir", str(tmp_path))
    assert_clear_error(second, "already contains data", "--overwrite")
    third = run("neo4j", "import", str(out), "--data-dir", str(data), "--state-dir", str(tmp_path), "--overwrite")
    assert third.exit_code == 0, third.output
    assert Path(data, "data", "databases", "neo4j").is_dir()
    assert not neo4j_local.status(neo4j_local.DEFAULT_PORT, state_dir=tmp_path).running
