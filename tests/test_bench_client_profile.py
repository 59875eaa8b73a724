"""The benchmark's client profiler (bench/client_profile.py) on a real py-spy recording of this process."""

from __future__ import annotations

import time

import pytest

from bench import client_profile


def _spin(seconds: float) -> int:
    total, until = 0, time.perf_counter() + seconds
    while time.perf_counter() < until:
        total += sum(range(200))
    return total


def test_a_busy_section_is_sampled_and_a_waiting_one_is_not(tmp_path):
    with client_profile.sampled(tmp_path / "busy.pyspy") as busy:
        _spin(1.5)
    if "skipped" in busy:
        pytest.skip(f"py-spy cannot sample here: {busy['skipped']}")
    assert busy["samples"] > 0 and busy["busy_share"] > 0.5
    assert any("_spin" in frame for frame, _ in busy["top"])
    with client_profile.sampled(tmp_path / "idle.pyspy") as idle:
        time.sleep(1.5)  # waiting, as for a server's answer
    assert idle["busy_share"] < 0.2


def test_samples_are_grouped_by_their_innermost_known_frame():
    raw = "\n".join([
        "<module> (/x/bench/neo4j_bench.py:1);evidence (/x/kg/query/evidence.py:9);"
        "_read (/x/kg/store/neo4j_store.py:5);run (/v/neo4j/_sync/work/session.py:3);"
        "pack (/v/neo4j/_codec/packstream/v1/__init__.py:7) 3",
        "<module> (/x/bench/neo4j_bench.py:1);evidence (/x/kg/query/evidence.py:9) 1",
        "<module> (/x/bench/neo4j_bench.py:1);edge_from (/x/kg/store/neo4j_records.py:120);"
        "JSONDecoder.decode (/usr/lib/python3.11/json/decoder.py:337) 4",  # the standard library counts for its caller
        "garbage line",
    ])
    figures = client_profile.summarise(raw, wall_s=0.1, rate=100)
    assert figures["samples"] == 8 and figures["busy_share"] == pytest.approx(0.8)
    assert figures["groups"] == {"kg: records to rows and back (kg/store/neo4j_records.py)": 0.5,
                                 "driver: encoding and decoding messages (PackStream)": 0.375,
                                 "kg: query logic (kg/query/)": 0.125}
