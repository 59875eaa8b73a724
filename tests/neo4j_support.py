"""What the Neo4j tests share: skip-or-fail when Neo4j cannot be had, free ports, Java/Maven checks."""

from __future__ import annotations

import os
import shutil
import socket

import pytest


def in_ci() -> bool:
    """True when the environment says this is CI (CI runs set ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def neo4j_missing(reason: str) -> None:
    """Skip for want of Neo4j's prerequisites on a developer's machine; fail in CI, which must test Neo4j."""
    if in_ci():
        pytest.fail(f"CI must run the Neo4j tests, but {reason}", pytrace=False)
    pytest.skip(reason)


def require_java_and_maven() -> None:
    """Skip (fail in CI) unless Java and Maven, which the local Neo4j needs, are on PATH."""
    if shutil.which("java") is None or shutil.which("mvn") is None:
        neo4j_missing("the local Neo4j needs Java 17+ and Maven on PATH")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
