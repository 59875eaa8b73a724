"""A short soak (about 15 s of 32 clients against ``kg serve`` on 127.0.0.1, both stores): no
request fails and memory does not climb. The two-minute run is ``scripts/soak.sh``."""

from __future__ import annotations

import pytest
from soak import run


@pytest.mark.parametrize("store", ["memory", "neo4j"])
def test_short_soak_serves_everything_without_errors(request, tmp_path, monkeypatch, store):
    if store == "neo4j":
        uri, user, password = request.getfixturevalue("neo4j_server")
        monkeypatch.setenv("NEO4J_URI", uri)
        monkeypatch.setenv("NEO4J_USER", user)
        monkeypatch.setenv("NEO4J_PASSWORD", password)
    report = run(duration=15, clients=32, store=store, workdir=tmp_path)
    assert report.errors == 0, report.examples
    assert report.requests >= 100 and set(report.by_kind) >= {"cypher", "sparql", "evidence", "search"}
    assert report.growth() < 0.25, report.summary()  # the two-minute soak holds it within 10 %
