"""The local Neo4j really starts, answers Bolt with the official driver, reports and stops."""

from __future__ import annotations

import socket

import pytest
from neo4j import GraphDatabase
from neo4j_support import require_java_and_maven

from kg import neo4j_local
from kg.errors import KGError
from kg.neo4j_local.build import find_java


@pytest.fixture(autouse=True)
def _java_and_maven():
    """Skip without Java or Maven on a developer's machine; in CI (``CI=true``) fail instead."""
    require_java_and_maven()


PASSWORD = "test-password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_bolt(uri: str, password: str) -> bool:
    try:
        with GraphDatabase.driver(uri, auth=("neo4j", password), connection_timeout=2.0) as driver:
            driver.verify_connectivity()
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False
    return True


def test_start_query_status_stop(tmp_path):
    port, state, data = free_port(), tmp_path / "state", tmp_path / "data"
    started = neo4j_local.start(port, data, PASSWORD, state_dir=state, quiet=True)
    try:
        assert started.running and started.pid
        assert started.uri == f"bolt://127.0.0.1:{port}"
        assert started.data_dir == data.resolve()
        with GraphDatabase.driver(started.uri, auth=("neo4j", PASSWORD)) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert [record["one"] for record in records] == [1]
        assert neo4j_local.status(port, state_dir=state) == started
        again = neo4j_local.start(port, data, PASSWORD, state_dir=state, quiet=True)
        assert again.pid == started.pid
    finally:
        was_running = neo4j_local.stop(port, state_dir=state)
    assert was_running
    stopped = neo4j_local.status(port, state_dir=state)
    assert not stopped.running and stopped.pid is None
    assert not answers_bolt(started.uri, PASSWORD)
    assert neo4j_local.stop(port, state_dir=state) is False
    assert "NEO4J_READY" in stopped.log_file.read_text()


def test_port_in_use_is_refused(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(neo4j_local.PortInUseError, match=str(port)):
            neo4j_local.start(port, tmp_path / "data", PASSWORD, state_dir=tmp_path, quiet=True)
    assert not neo4j_local.status(port, state_dir=tmp_path).running


def test_short_password_is_refused(tmp_path):
    with pytest.raises(neo4j_local.Neo4jLocalError, match="at least 8"):
        neo4j_local.start(free_port(), password="short", state_dir=tmp_path)


def test_missing_java_is_reported(tmp_path):
    with pytest.raises(neo4j_local.JavaNotFoundError, match="JAVA_HOME"):
        find_java(tmp_path / "no-java-here")


def test_errors_belong_to_the_project_hierarchy():
    assert issubclass(neo4j_local.Neo4jLocalError, KGError)
    for error in (neo4j_local.JavaNotFoundError, neo4j_local.LauncherBuildError,
                  neo4j_local.PortInUseError, neo4j_local.StartupError):
        assert issubclass(error, neo4j_local.Neo4jLocalError)
