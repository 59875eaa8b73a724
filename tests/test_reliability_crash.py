"""Crash safety of the embedded store: SIGKILL at random points never corrupts the snapshot."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kg.store.memory import MemoryStore

WRITER = r"""
import sys
from kg.model import Edge, Node, Provenance
from kg.store.memory import MemoryStore

path, generation = sys.argv[1], int(sys.argv[2])
prov = Provenance("infores:test", f"v{generation}")
nodes = [Node(f"MONDO:{i:07d}", "Condition", f"condition {i} gen {generation}") for i in range(20000)]
edges = [Edge(f"MONDO:{i:07d}", "SUBCLASS_OF", f"MONDO:{i - 1:07d}", prov) for i in range(1, 20000)]
print("ready", flush=True)
MemoryStore(path).replace_all(nodes, edges)
print("done", flush=True)
"""


def _fingerprint(path: Path) -> tuple[int, int, str]:
    store = MemoryStore(path)
    names = "".join(n.name for n in store.iter_nodes())
    counts = store.counts()
    return counts.total_nodes, counts.total_edges, hashlib.sha256(names.encode()).hexdigest()


def _write(path: Path, generation: int, kill_after: float | None) -> bool:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(generation)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=120)
    return proc.returncode == 0


def test_sigkill_during_writes_leaves_a_loadable_snapshot(tmp_path):
    path = tmp_path / "graph.jsonl"
    assert _write(path, 0, None)
    assert _fingerprint(path) == _expected(0)
    current = 0
    rng = random.Random(20261124)
    kills = 0
    for generation in range(1, 13):
        finished = _write(path, generation, rng.uniform(0.0, 0.6))
        fingerprint = _fingerprint(path)  # raises if the snapshot were corrupt
        if finished:
            current = generation
        else:
            kills += 1
        # the snapshot is exactly the last completed generation, or the one being written
        # if the kill landed after the atomic rename
        assert fingerprint[:2] == (20000, 19999)
        expected_names = {current, generation}
        assert any(fingerprint == _expected(g) for g in expected_names)
        if fingerprint == _expected(generation):
            current = generation
    assert kills >= 3, "the random schedule should interrupt several writes"
    assert _write(path, 99, None)
    assert _fingerprint(path) == _expected(99)
    # temporary files of killed writers are swept by the next successful write
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonl"]


def _expected(generation: int) -> tuple[int, int, str]:
    names = "".join(f"condition {i} gen {generation}" for i in range(20000))
    return 20000, 19999, hashlib.sha256(names.encode()).hexdigest()
