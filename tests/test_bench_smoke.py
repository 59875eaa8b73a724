"""Smoke test of the benchmark harness: ``python -m bench --quick`` on a tiny scale.

Checks that one run produces every table and row (it asserts no timings: those depend on the
machine). Neo4j is the session's server; the service part runs when ``wrk`` is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bench_run(tmp_path, neo4j_server):
    pytest.importorskip("matplotlib")
    shared_data("hetionet", "hetionet-v1.0-nodes.tsv")  # the scale graphs are drawn from the real files
    uri, _, password = neo4j_server
    out = tmp_path / "results"
    command = [sys.executable, "-m", "bench", "--quick", "--scales", "0.05", "--out", str(out),
               "--neo4j-uri", uri, "--neo4j-password", password, "--naive-rows", "20", "--duration", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    from kg.store.neo4j_store import Neo4jStore

    with Neo4jStore(uri, "neo4j", password) as store:
        store.replace_all([], [])  # leave the session's server empty, as the other tests expect
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _rows(markdown: str, section: str) -> list[list[str]]:
    body = markdown.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("| ") and not line.startswith("|---")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


def test_quick_run_writes_every_table(bench_run):
    markdown = (bench_run / "results.md").read_text()
    assert [row[0] for row in _rows(markdown, "Build (embedded store)")] == ["0.05x"]
    assert [row[0] for row in _rows(markdown, "Neo4j ingest")] == ["0.05x"]
    latency = {(row[2], row[3]) for row in _rows(markdown, "Query latency")}
    assert latency == {(store, op) for store in ("memory", "neo4j")
                       for op in ("evidence", "search", "neighbourhood", "paths")}
    mismatches = [row[8] for row in _rows(markdown, "Query latency") if row[2] == "neo4j"]
    assert mismatches == ["0", "0", "0", "0"]  # both stores gave the same answers
    imported = _rows(markdown, "Neo4j bulk import")
    assert imported[0][0] == "0.05x" and imported[0][8] == "yes"  # neo4j-admin import: same counts as embedded
    assert [(row[0], row[5]) for row in imported[2:]] == [("evidence", "0"), ("neighbourhood", "0"), ("paths", "0")]
    assert [row[0] for row in _rows(markdown, "Evidence query baselines")] == ["0.05x"]
    targets = [row[0] for row in _rows(markdown, "Targets")]
    assert any(t.startswith("embedded build") for t in targets)
    assert any(t.startswith("embedded evidence p50") for t in targets)
    assert re.search(r"^Machine: \d+ cores", markdown, re.MULTILINE)
    assert (bench_run / "scaling.png").stat().st_size > 0
    results = json.loads((bench_run / "results.json").read_text())
    assert set(results["scales"]) == {"0.05x"}
    profile = results["scales"]["0.05x"]["neo4j"]["evidence_profile"]  # a pass of the questions, sampled
    assert profile["queries"] == 12 and profile["reads_per_query"] >= 5  # several store reads per question
    assert "skipped" in profile or 0 <= profile["busy_share"] <= 2
    assert "evidence questions, one pass: " in markdown.split("## Client profile", 1)[1]
    service = results["service"]
    assert "skipped" in service or set(service["levels"]) == {"1", "8", "32"}
    if "skipped" not in service:  # one process and one worker per core, side by side
        assert set(service["configs"]) == {"1", str(os.cpu_count() or 1)}
        assert all(level["requests"] > 0 and level["errors"] == 0
                   for config in service["configs"].values() for level in config["levels"].values())
        servers = {row[0] for row in _rows(markdown, "Service")}
        assert servers == {f"--workers {w}" for w in service["configs"]}
