"""Where this Python process spends a section, sampled by py-spy (the client side of a Neo4j step).

``py-spy record`` attaches to this process from outside (no change to the code it samples, every
thread) and writes each sampled stack. Stacks of threads that are waiting (on the server's
answer, on a lock) are left out, so the samples are the client's own work: their count over the
section's length says how busy the client was, and the rest of the wall time it waited. Each
sample is put in the group of its innermost frame that :data:`GROUPS` knows.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["sampled", "summarise", "GROUPS", "RATE"]

RATE = 100  # samples per second
ROOT = Path(__file__).resolve().parents[1]
STDLIB = sysconfig.get_paths()["stdlib"]
#: (group, path fragments), checked for each frame from the innermost out; the first group one
#: of whose fragments is in a frame's file names the sample (so the standard library's work,
#: e.g. ``json``, counts for the code that called it)
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("driver: encoding and decoding messages (PackStream)", ("/packstream/", "/_codec/")),
    ("driver: sockets and Bolt protocol", ("/_async_compat/", "/_bolt", "/io/_", "socket.py", "selectors.py",
                                           "ssl.py")),
    ("driver: sessions, transactions, results", ("/neo4j/",)),
    ("kg: records to rows and back (kg/store/neo4j_records.py)", ("neo4j_records.py", "projection.py")),
    ("kg: Neo4j store logic (kg/store/)", ("/kg/store/",)),
    ("kg: query logic (kg/query/)", ("/kg/query/",)),
    ("kg: model and other", ("/kg/",)),
    ("benchmark harness and Python runtime", ("/bench/", "/concurrent/", "threading.py")),
]


def _py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def sampled(output: Path) -> Iterator[dict[str, Any]]:
    """Sample this process while the ``with`` body runs; fills the yielded dict with
    :func:`summarise`'s figures, or ``skipped`` with the reason when py-spy cannot run here
    (not installed, or not allowed to read this process's memory)."""
    figures: dict[str, Any] = {}
    spy = _py_spy()
    if spy is None:
        figures["skipped"] = "py-spy is not installed (scripts/bench.sh installs it)"
        yield figures
        return
    output.unlink(missing_ok=True)
    process = subprocess.Popen(  # noqa: S603 - py-spy from the environment, with our own pid
        [spy, "record", "--pid", str(os.getpid()), "--rate", str(RATE), "--format", "raw", "--output", str(output),
         "--nonblocking", "--full-filenames"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)  # attached, or failed to
    if process.poll() is not None:
        message = (process.stdout.read() if process.stdout else "").strip().splitlines()
        figures["skipped"] = f"py-spy could not sample this process: {message[-1] if message else process.returncode}"
        yield figures
        return
    started = time.perf_counter()
    try:
        yield figures
    finally:
        wall = time.perf_counter() - started
        process.send_signal(signal.SIGINT)  # py-spy writes its output and exits
        try:
            process.wait(timeout=120)
            figures.update(summarise(output.read_text(), wall))
        except (OSError, subprocess.TimeoutExpired) as err:
            process.kill()
            figures["skipped"] = f"py-spy did not finish: {type(err).__name__}: {err}"


def summarise(raw: str, wall_s: float, rate: int = RATE) -> dict[str, Any]:
    """Figures of py-spy's ``raw`` output (a stack and its count per line) for ``wall_s`` seconds
    sampled at ``rate``: samples, the client's busy share of the wall time (the rest it waited),
    the share of samples per group and the most frequent innermost functions."""
    groups: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        total += n
        groups[_group(frames)] += n
        leaves[_short(frames[-1])] += n
    return {
        "samples": total, "wall_s": wall_s,
        "busy_share": total / (rate * wall_s) if wall_s > 0 else 0.0,
        "groups": {name: count / total for name, count in groups.most_common()} if total else {},
        "top": [[frame, count / total] for frame, count in leaves.most_common(8)] if total else [],
    }


def _short(frame: str) -> str:
    """A frame without the machine's directories: paths from site-packages, the repository or
    the standard library.

    >>> _short("pack (/x/.venv/lib/python3.11/site-packages/neo4j/_codec/packstream/v1/__init__.py:76)")
    'pack (neo4j/_codec/packstream/v1/__init__.py:76)'
    """
    name, _, where = frame.partition(" (")
    for root in ("site-packages/", f"{ROOT}/", f"{STDLIB}/"):
        if root in where:
            where = where.split(root, 1)[1]
            break
    return f"{name} ({where}" if where else name


def _group(frames: list[str]) -> str:
    for frame in reversed(frames):
        where = frame[frame.rfind("(") + 1:]
        for name, fragments in GROUPS:
            if any(fragment in where for fragment in fragments):
                return name
    return "other"
