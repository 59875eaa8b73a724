"""Neighbourhoods, paths, adverse effects and the evidence consensus and CSV, with answers worked out
from the store's records, on both stores (each holding the whole curated corpus)."""

import csv
import io
from collections import Counter

import pytest

from kg.query.consensus import POOLED_DESIGNS
from service.formats import CONSENSUS_COLUMNS, STUDY_COLUMNS


@pytest.fixture
def store(each_corpus_store):
    return each_corpus_store


@pytest.fixture
def client(each_corpus_client):
    return each_corpus_client


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body == {"error": {"status": status, "message": body["error"]["message"]}}
    return body["error"]["message"]


def joining(store, a, b):
    """The number of edges between ``a`` and ``b``, either way."""
    return sum(1 for e in store.edges_of([a]) if {e.subject, e.object} == {a, b} and a != b)


# -- neighbourhood ----------------------------------------------------------------------------
def test_neighbourhood_depth_one(client, store):
    body = client.get("/api/neighbourhood?id=CHEBI:6121").get_json()
    touching = [e for e in store.iter_edges() if "CHEBI:6121" in (e.subject, e.object)]
    ids = {"CHEBI:6121"} | {e.subject for e in touching} | {e.object for e in touching}
    assert body["centre"]["id"] == "CHEBI:6121" and body["depth"] == 1
    assert [n["id"] for n in body["nodes"]] == sorted(ids)
    inside = {e.id for e in store.iter_edges() if e.subject in ids and e.object in ids}
    assert {e["id"] for e in body["edges"]} == inside


def test_neighbourhood_filters(client, store):
    body = client.get("/api/neighbourhood?id=ketamine&depth=2&category=Study&predicate=INVESTIGATES").get_json()
    studies = {e.subject for e in store.iter_edges("INVESTIGATES") if e.object == "CHEBI:6121"}
    assert {n["id"] for n in body["nodes"]} == studies | {"CHEBI:6121"}
    assert {e["predicate"] for e in body["edges"]} == {"INVESTIGATES"}


@pytest.mark.parametrize(("query", "status", "message"), [
    ("", 400, "'id' is required"), ("id=CHEBI:6121&depth=0", 400, "depth must be between 1 and 3"),
    ("id=CHEBI:6121&depth=4", 400, "between 1 and 3"), ("id=CHEBI:6121&depth=x", 400, "whole number"),
    ("id=CHEBI:6121&category=Durg", 400, "unknown category"),
    ("id=CHEBI:6121&predicate=CURES_ALL", 400, "unknown predicate"),
    ("id=influenza", 404, "no "),
])
def test_neighbourhood_validation(client, query, status, message):
    assert message in _error(client.get(f"/api/neighbourhood?{query}"), status)


# -- paths ----------------------------------------------------------------------------------------
def test_paths_between_drug_and_condition(client, store):
    source, target = "CHEBI:6121", "MONDO:0005146"
    body = client.get(f"/api/paths?source={source}&target={target}&max_hops=2&limit=100").get_json()
    near = {e.object if e.subject == source else e.subject for e in store.edges_of([source])} - {source, target}
    via = +Counter({x: joining(store, source, x) * joining(store, x, target) for x in near})
    assert via and len(body["paths"]) == joining(store, source, target) + sum(via.values()) < 100
    two_hop = [p for p in body["paths"] if p["length"] == 2]
    assert Counter(p["nodes"][1] for p in two_hop) == via
    assert body["distance"] == min(p["length"] for p in body["paths"])
    lengths = [p["length"] for p in body["paths"]]
    assert lengths == sorted(lengths) and max(lengths) <= 2
    known = {e["id"] for e in body["edges"]}
    assert all(set(p["edges"]) <= known for p in body["paths"])
    assert {n["id"] for n in body["nodes"]} == {i for p in body["paths"] for i in p["nodes"]}


def test_paths_limit_and_unreachable(client):
    limited = client.get("/api/paths?source=CHEBI:6121&target=MONDO:0005618&max_hops=5&limit=2").get_json()
    assert len(limited["paths"]) == 2
    none = client.get("/api/paths?source=CHEBI:6121&target=MONDO:0005618&max_hops=1").get_json()
    assert none["paths"] == [] and none["distance"] is None


@pytest.mark.parametrize(("query", "status", "message"), [
    ("target=PTSD", 400, "'source' is required"),
    ("source=ketamine&target=PTSD&max_hops=0", 400, "max_hops must be between 1 and 5"),
    ("source=ketamine&target=PTSD&max_hops=6", 400, "between 1 and 5"),
    ("source=ketamine&target=PTSD&limit=0", 400, "limit must be between 1 and 100"),
    ("source=ketamine&target=PTSD&limit=101", 400, "between 1 and 100"),
    ("source=ketamine&target=nothing-like-it", 404, "no "),
])
def test_paths_validation(client, query, status, message):
    assert message in _error(client.get(f"/api/paths?{query}"), status)


# -- adverse effects --------------------------------------------------------------------------
def test_adverse_effects_of_esketamine(client, store):
    body = client.get("/api/adverse-effects?drug=esketamine").get_json()
    assert [d["id"] for d in body["drug"]] == ["CHEBI:60799"]
    studies = {e.subject for e in store.iter_edges("INVESTIGATES") if e.object == "CHEBI:60799"}
    reports = [e for e in store.iter_edges("REPORTS_ADVERSE_EFFECT") if e.subject in studies]
    by_effect = {}
    for e in reports:
        by_effect.setdefault(e.object, []).append((e.subject, e.properties.get("incidence"), e.properties.get("arm")))
    got = {g["adverse_effect"]["id"]: g for g in body["adverse_effects"] if g["studies"]}
    assert set(got) == set(by_effect)
    for effect, rows in by_effect.items():
        assert sorted((s["id"], s["incidence"], s["arm"]) for s in got[effect]["studies"]) == sorted(rows)
        assert got[effect]["study_count"] == len({r[0] for r in rows})
    counts = [g["study_count"] for g in body["adverse_effects"]]
    assert counts == sorted(counts, reverse=True)
    assert any(s["incidence"] for g in got.values() for s in g["studies"])


def test_adverse_effects_validation(client):
    assert "'drug' is required" in _error(client.get("/api/adverse-effects"), 400)
    assert "no Drug/Product matches drug" in _error(client.get("/api/adverse-effects?drug=influenza"), 404)


# -- evidence: consensus and CSV ------------------------------------------------------------------
def test_evidence_consensus_per_drug_and_condition(client, store):
    body = client.get("/api/evidence?source=ketamine&target=major depressive disorder").get_json()
    nodes = {n.id: n for n in store.iter_nodes()}
    conditions = set(body["conditions"])
    investigating = {e.subject for e in store.iter_edges("INVESTIGATES") if e.object == "CHEBI:6121"}
    expected = {}
    for e in store.iter_edges("STUDIES"):
        if e.subject in investigating and e.object in conditions:
            expected.setdefault(e.object, set()).add(e.subject)
    got = {c["condition"]["id"]: c for c in body["consensus"] if c["drug"]["id"] == "CHEBI:6121"}
    assert {k for k, c in got.items() if c["studies"]} == set(expected)
    for condition, studies in expected.items():
        summary, props = got[condition], [nodes[s].properties for s in studies]
        assert summary["studies"] == len(studies)
        assert summary["by_design"] == dict(Counter(str(p.get("design")) for p in props))
        primary = [p for p in props if p.get("design") not in POOLED_DESIGNS]
        assert summary["participants"] == sum(p["n"] for p in primary if p.get("n") is not None)
        directions = Counter(e.properties["direction"] for e in store.iter_edges("REPORTS_OUTCOME")
                             if e.subject in studies and e.object == condition and e.properties.get("direction"))
        assert summary["directions"] == dict(directions)
        assert summary["directions_agree"] == (None if not directions else len(directions) == 1)
    assert any(c["studies"] > 1 for c in got.values())


def test_evidence_consensus_follows_the_filters(client):
    body = client.get("/api/evidence?source=ketamine&target=major depressive disorder&design=rct").get_json()
    assert body["consensus"] and all(set(c["by_design"]) <= {"rct"} for c in body["consensus"] if c["studies"])


def test_evidence_csv(client):
    url = "/api/evidence?source=esketamine&target=treatment-resistant depression"
    studies = client.get(url).get_json()["studies"]
    for response in (client.get(url + "&format=csv"), client.get(url, headers={"Accept": "text/csv"})):
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == list(STUDY_COLUMNS)
        assert [r[0] for r in rows[1:]] == [s["id"] for s in studies]
        assert rows[1][STUDY_COLUMNS.index("year")] == str(studies[0]["year"])
    consensus = client.get(url + "&format=csv&table=consensus")
    rows = list(csv.reader(io.StringIO(consensus.get_data(as_text=True))))
    assert rows[0] == list(CONSENSUS_COLUMNS) and len(rows) > 1
    assert "format must be" in _error(client.get(url + "&format=xml"), 400)
    assert client.get(url, headers={"Accept": "text/html,*/*"}).mimetype == "application/json"
