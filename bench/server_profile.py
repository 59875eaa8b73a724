"""Where the Neo4j server spends a timed section: CPU time of the server and of this client, and
a Java Flight Recorder profile of the server's threads grouped by what they were doing.

The local Neo4j is a JVM, so its profile comes from JFR (``jcmd PID JFR.start``, ``jfr print``),
the JDK's own sampling profiler; the Python side is measured by its CPU time. Only for a server
whose pid is known (the one ``python -m bench`` starts).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["profiled", "summarise", "CATEGORIES"]

#: (category, frame patterns), checked in order against a sample's whole stack; the first that
#: matches any frame names the sample. Commit work is split by its phases; the rest is the Cypher
#: runtime executing the statement, Bolt decoding the parameters, and everything else.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("full-text index (Lucene)", ("org.apache.lucene.",)),
    ("commit: transaction-log serialisation and write", ("LogEntryWriter", "TransactionLogWriter",
                                                         "LogCommandSerialization", "LogEntrySerialization")),
    ("commit: index updates (id constraints)", ("OnlineIndexUpdates", "IndexingService", "IndexUpdater",
                                                "GBPTreeWriter")),
    ("commit: writing records to the store", ("NeoStoreTransactionApplier", "TransactionApplier")),
    ("commit: turning changes into record commands", ("extractCommands", "TransactionRecordState",
                                                      "TransactionToRecordStateVisitor")),
    ("commit: other (locks, id allocation, bookkeeping)", ("commitTransaction", "DefaultCommitter",
                                                           "KernelTransactionImplementation.commit")),
    ("query: unique-index seeks of the endpoints", ("IndexSeek", "nodeLockingUniqueIndexSeek", "EntityIndexSeeker")),
    ("query: setting properties", ("SetPropertyFromMap", "setProperties", "SetPipe", "setProperty")),
    ("query: creating and merging relationships", ("relationshipCreate", "CreatePipe", "MergePipe", "Merge")),
    ("query: other Cypher runtime", ("org.neo4j.cypher.",)),
    ("Bolt: reading the parameters", ("org.neo4j.bolt.", "org.neo4j.packstream.")),
]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _jcmd(pid: int, *args: str) -> None:
    subprocess.run(["jcmd", str(pid), *args], check=True, capture_output=True, timeout=60)


@contextmanager
def profiled(pid: int | None, recording: Path, *, record: bool = True) -> Iterator[dict[str, Any]]:
    """Measure the ``with`` body: fills the yielded dict with wall and CPU seconds of the server
    and this client, and (if ``record`` and ``jcmd``/``jfr`` exist) the grouped JFR profile of
    the server. The recording slows the server, so time a section without it."""
    figures: dict[str, Any] = {}
    recording = recording.resolve()  # jcmd writes it relative to the server's directory otherwise
    jfr = record and pid is not None and shutil.which("jcmd") is not None and shutil.which("jfr") is not None
    if pid is not None and jfr:
        recording.unlink(missing_ok=True)
        _jcmd(pid, "JFR.start", "name=kg-bench", "settings=profile")
    server_before = _cpu_seconds(pid) if pid is not None else None
    client_before, wall_before = time.process_time(), time.perf_counter()
    try:
        yield figures
    finally:
        wall = time.perf_counter() - wall_before
        figures.update(wall_s=wall, client_cpu_s=time.process_time() - client_before)
        if pid is not None and server_before is not None:
            figures["server_cpu_s"] = _cpu_seconds(pid) - server_before
            figures["server_cores"] = figures["server_cpu_s"] / wall
        figures["client_cores"] = figures["client_cpu_s"] / wall
        if pid is not None and jfr:
            try:
                _jcmd(pid, "JFR.dump", "name=kg-bench", f"filename={recording}")
                _jcmd(pid, "JFR.stop", "name=kg-bench")
                figures["profile"] = summarise(recording)
            except (OSError, subprocess.SubprocessError) as err:  # the figures stand without a profile
                figures["profile_error"] = f"{type(err).__name__}: {err}"


def summarise(recording: Path) -> dict[str, Any]:
    """The execution samples of a JFR recording grouped by :data:`CATEGORIES`: share per category."""
    text = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", str(recording)],
                          check=True,
                          capture_output=True, text=True, timeout=600).stdout
    groups: Counter[str] = Counter()
    for sample in text.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", sample, re.MULTILINE)
        groups[_category(frames)] += 1
    total = sum(groups.values())
    return {"samples": total,
            "shares": {name: count / total for name, count in groups.most_common()} if total else {}}


def _category(frames: list[str]) -> str:
    for name, patterns in CATEGORIES:
        if any(pattern in frame for frame in frames for pattern in patterns):
            return name
    return "other (GC, page cache, background)"
