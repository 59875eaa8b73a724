"""``neo4j-admin database import full`` for the local Neo4j, from the jars the launcher already uses.

The launcher's classpath holds Neo4j's admin tool (``org.neo4j.cli.AdminTool``, with the
import command of ``org.neo4j:neo4j-import-tool``), so no Neo4j distribution is needed: the
import writes into ``<data_dir>/data/databases/<database>``, the layout the launcher serves
when started with the same ``data_dir``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from kg.neo4j_local.build import find_java, launcher_classpath
from kg.neo4j_local.errors import Neo4jLocalError

__all__ = ["ADMIN_CLASS", "ImportFailed", "admin_import"]

ADMIN_CLASS = "org.neo4j.cli.AdminTool"
IMPORT_TIMEOUT = 3600.0
_TAIL_LINES = 40


class ImportFailed(Neo4jLocalError):
    """neo4j-admin refused or failed the import; the message holds its output tail."""


def admin_import(import_args: Sequence[str], csv_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str], *,
                 heap: str = "2g", quiet: bool = False) -> str:
    """Run ``neo4j-admin`` with ``import_args`` (``database import full ...``) from ``csv_dir``.

    ``data_dir`` is the local Neo4j's data directory (``kg neo4j start --data-dir``); the
    server must not be running on it. Returns the tool's output.
    """
    home = Path(data_dir).expanduser().resolve()
    (home / "conf").mkdir(parents=True, exist_ok=True)
    command = [str(find_java()), f"-Xmx{heap}", "-cp", launcher_classpath(quiet=quiet), ADMIN_CLASS,
               *import_args]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    try:
        result = subprocess.run(command, cwd=csv_dir, env=env, capture_output=True, text=True,
                                timeout=IMPORT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as err:
        raise ImportFailed(f"neo4j-admin import did not finish within {IMPORT_TIMEOUT:.0f} s") from err
    except OSError as err:
        raise ImportFailed(f"cannot run neo4j-admin: {err}") from err
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise ImportFailed(f"neo4j-admin import into {home} failed with exit code {result.returncode}: "
                           f"{_reason(output)}")
    return output


def _reason(output: str) -> str:
    """The root cause that neo4j-admin's (verbose) output gives, else its output tail."""
    causes = [line.split(": ", 1)[-1] for line in output.splitlines() if line.startswith("Caused by: ")]
    if causes and "already contains data" in causes[-1]:
        return f"{causes[-1]} (import into a new data directory, or replace the database with --overwrite)"
    if causes:
        return causes[-1]
    return "\n" + "\n".join(line for line in output.splitlines()[-_TAIL_LINES:] if not line.startswith(".."))
