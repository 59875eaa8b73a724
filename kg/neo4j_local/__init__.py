"""A local Neo4j Community 5.26 server for development and CI, with no Docker engine needed.

The server is Neo4j embedded in a small Java launcher (``launcher/``) that Maven builds on
first use, started in the background with a Bolt connector on 127.0.0.1. Clients talk to it
with the official ``neo4j`` driver, exactly as to any other Neo4j.

Examples
--------
>>> from kg import neo4j_local
>>> status = neo4j_local.start(port=7688)                      # doctest: +SKIP
>>> status.uri                                                 # doctest: +SKIP
'bolt://127.0.0.1:7688'
>>> neo4j_local.stop(port=7688)                                # doctest: +SKIP
True
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.neo4j_local.errors import (
    JavaNotFoundError,
    LauncherBuildError,
    Neo4jLocalError,
    PortInUseError,
    StartupError,
)
from kg.neo4j_local.process import (
    HOST,
    USER,
    Instance,
    Neo4jLocalStatus,
    instance_status,
    start_instance,
    stop_instance,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_PORT",
    "JavaNotFoundError",
    "LauncherBuildError",
    "Neo4jLocalError",
    "Neo4jLocalStatus",
    "PortInUseError",
    "StartupError",
    "USER",
    "default_password",
    "default_state_dir",
    "start",
    "status",
    "stop",
]

DEFAULT_PORT = 7687
DEFAULT_PASSWORD = "ketamine-kg-dev"  # noqa: S105 - the documented development default
MIN_PASSWORD_LENGTH = 8


def default_state_dir() -> Path:
    """``$KG_NEO4J_STATE_DIR`` if set, else ``~/.cache/ketamine-kg/neo4j``."""
    configured = os.environ.get("KG_NEO4J_STATE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache/ketamine-kg/neo4j"


def default_password() -> str:
    """``$NEO4J_PASSWORD`` if set, else the development password ``ketamine-kg-dev``."""
    return os.environ.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD


def start(
    port: int = DEFAULT_PORT,
    data_dir: str | os.PathLike[str] | None = None,
    password: str | None = None,
    timeout: float = 180.0,
    *,
    state_dir: str | os.PathLike[str] | None = None,
    heap: str = "1g",
    pagecache_mb: int = 256,
    quiet: bool = False,
) -> Neo4jLocalStatus:
    """Start the local Neo4j on ``127.0.0.1:port`` and return once Bolt answers.

    Builds the launcher on first use (progress on stderr unless ``quiet``). If our launcher
    already runs on that port, only waits for it. ``data_dir`` defaults to
    ``<state_dir>/<port>/data``; the ``neo4j`` user's password is set to ``password``.

    Raises
    ------
    JavaNotFoundError, LauncherBuildError, PortInUseError, StartupError
        With the Maven output tail or the server log tail where there is one.
    """
    password = default_password() if password is None else password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Neo4jLocalError(f"the Neo4j password needs at least {MIN_PASSWORD_LENGTH} characters")
    instance = _instance(port, state_dir)
    data = Path(data_dir).expanduser().resolve() if data_dir else instance.default_data_dir
    return start_instance(
        instance, data, password, timeout, heap=heap, pagecache_mb=pagecache_mb, quiet=quiet
    )


def status(
    port: int = DEFAULT_PORT, *, state_dir: str | os.PathLike[str] | None = None
) -> Neo4jLocalStatus:
    """Report whether the local Neo4j on ``port`` runs, with its pid, uri and data dir."""
    return instance_status(_instance(port, state_dir))


def stop(
    port: int = DEFAULT_PORT, *, state_dir: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
) -> bool:
    """Stop the local Neo4j on ``port`` cleanly; return False if it was not running."""
    return stop_instance(_instance(port, state_dir), timeout)


def _instance(port: int, state_dir: str | os.PathLike[str] | None) -> Instance:
    if not 0 < port < 65536:
        raise Neo4jLocalError(f"port must be in 1..65535, got {port}")
    return Instance.at(Path(state_dir) if state_dir else default_state_dir(), port)


def uri(port: int = DEFAULT_PORT) -> str:
    """The Bolt URI of the local Neo4j on ``port``."""
    return f"bolt://{HOST}:{port}"
