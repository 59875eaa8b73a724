"""Analyst Cypher on both stores (the embedded one and the real local Neo4j, each holding the whole
curated corpus), through the store, POST /api/cypher and `kg cypher`; the embedded store's subset
and its worker process at the end."""

import json
import time
from collections import Counter

import pytest

from kg.errors import CypherRefused, CypherTimeout, CypherUnsupported, QueryError
from kg.model import canonical_json
from kg.settings import Settings
from kg.store import memory_cypher
from service import create_app

# runs for minutes on both stores (a cross product that Neo4j cannot count from its statistics)
RUNAWAY = ("MATCH (a) MATCH (b) MATCH (c) MATCH (d) WHERE a.name <> d.name AND b.name <> c.name "
           "RETURN count(a) AS n")
KETAMINE = "MATCH (d:Drug {id: 'CHEBI:6121'}) RETURN d.name"


@pytest.fixture
def store(each_corpus_store):
    return each_corpus_store


@pytest.fixture
def client(each_corpus_client):
    return each_corpus_client


def fingerprint(store):
    return store.counts(), [n.to_dict() for n in store.iter_nodes()], [e.to_dict() for e in store.iter_edges()]


def test_properties_are_flat_and_labels_are_categories(store):
    result = store.cypher("MATCH (d:Drug) WHERE d.id = $id RETURN d.name, d.id, d.xrefs", {"id": "CHEBI:6121"})
    node = store.get_node("CHEBI:6121")
    assert result.columns == ["d.name", "d.id", "d.xrefs"]
    assert result.rows == [["ketamine", "CHEBI:6121", list(node.xrefs)]]
    assert result.truncated is False and result.elapsed_ms > 0


def test_relationship_types_are_predicates_with_flat_properties(store):
    edges = list(store.iter_edges("INVESTIGATES"))
    result = store.cypher("MATCH (s:Study)-[r:INVESTIGATES]->(d) "
                          "RETURN s.id AS study, r.route AS route, r.publications AS pubs, type(r) AS t "
                          "ORDER BY study, route")
    expected = [[e.subject, e.properties.get("route"), list(e.provenance.publications), "INVESTIGATES"]
                for e in edges]
    assert Counter(map(canonical_json, result.rows)) == Counter(map(canonical_json, expected))
    keys = [(r[0], r[1] is None, r[1] or "") for r in result.rows]
    assert keys == sorted(keys)  # ordered by study, then route with nulls last


def test_whole_nodes_and_relationships_come_back_in_one_shape(store):
    row = store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'})<-[r:INVESTIGATES]-(s:Study) "
                       "RETURN d, r ORDER BY s.id, r.id LIMIT 1").rows[0]
    assert row[0]["labels"] == ["Drug"] and row[0]["properties"]["name"] == "ketamine"
    assert row[1]["type"] == "INVESTIGATES" and row[1]["properties"]["object"] == "CHEBI:6121"
    assert not [k for k in (*row[0]["properties"], *row[1]["properties"]) if k.startswith("_kg_")]


def test_cypher_semantics_kept_where_the_engine_differs(store):
    count = store.counts().nodes["Study"]
    # aggregation with LIMIT still counts every match; DISTINCT with aliases; count(*)
    assert store.cypher("MATCH (s:Study) RETURN count(*) AS n LIMIT 1").rows == [[count]]
    designs = store.cypher("MATCH (s:Study) RETURN DISTINCT s.design AS d ORDER BY d").rows
    assert designs == [[d] for d in sorted({n.properties["design"] for n in store.iter_nodes("Study")})]
    # nulls sort last ascending and first descending, among strings
    asc = store.cypher("MATCH (n) RETURN n.journal AS j ORDER BY j").rows
    assert asc[-1] == [None] and asc[0][0] is not None
    desc = store.cypher("MATCH (n) RETURN n.journal AS j ORDER BY j DESC").rows
    assert desc[0] == [None]
    # aggregation over nothing answers one row; aggregates skip nulls; IS NOT NULL; SKIP
    assert store.cypher("MATCH (s:Study) WHERE s.id = 'none' RETURN count(s) AS n, collect(s.id) AS ids, "
                        "min(s.year) AS y").rows == [[0, [], None]]
    pmids = [n.properties["pmid"] for n in store.iter_nodes("Study") if n.properties.get("pmid") is not None]
    assert store.cypher("MATCH (s:Study) RETURN count(s.pmid) AS n, min(s.pmid) AS lo").rows == [
        [len(pmids), min(pmids)]]
    with_n = store.cypher("MATCH (s:Study) WHERE s.n IS NOT NULL RETURN s.id AS id ORDER BY id").rows
    assert with_n == [[n.id] for n in store.iter_nodes("Study") if n.properties.get("n") is not None]
    ids = [r[0] for r in store.cypher("MATCH (n) RETURN n.id AS id ORDER BY id SKIP 2 LIMIT 3").rows]
    assert ids == sorted(n.id for n in store.iter_nodes())[2:5]


def test_procedures(store):
    labels = store.cypher("CALL db.labels()")
    assert labels.columns == ["label"] and labels.rows == [[c] for c in sorted(store.counts().nodes)]
    types = store.cypher("CALL db.relationshipTypes()").rows
    assert types == [[p] for p in sorted(store.counts().edges)]
    keys = [r[0] for r in store.cypher("CALL db.propertyKeys()").rows]
    assert {"id", "name", "year", "publications"} <= set(keys)
    assert not [k for k in keys if k.startswith("_kg_")]
    schema = store.cypher("CALL db.schema.visualization()")
    assert schema.columns == ["nodes", "relationships"]
    assert {"type": "INVESTIGATES", "properties": {"end": "Drug", "start": "Study"}} in schema.rows[0][1]
    assert [n["properties"]["name"] for n in schema.rows[0][0]] == [r[0] for r in labels.rows]
    with pytest.raises(CypherUnsupported, match="answered only as a whole query"):
        store.cypher("CALL db.labels() YIELD label RETURN label")


@pytest.mark.parametrize("query", ["MATCH (n:Entity) RETURN count(n) AS n", "MATCH (n) RETURN n._kg_build",
                                   "MATCH (n) WHERE n.`_kg_properties` IS NOT NULL RETURN n.id"])
def test_the_stores_own_names_are_refused(store, query):
    with pytest.raises(CypherRefused, match="internal to the store"):
        store.cypher(query)


def test_full_cypher_on_neo4j_hides_the_internals(neo4j_corpus_store):
    row = neo4j_corpus_store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'}) RETURN labels(d), keys(d) AS k, "
                                    "properties(d) AS p, d {.*} AS m, [x IN keys(d) WHERE x STARTS WITH '_'] AS u")
    assert row.columns == ["labels(d)", "k", "p", "m", "u"]
    labels, keys, props, projected, underscored = row.rows[0]
    node = neo4j_corpus_store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'}) RETURN d").rows[0][0]
    assert labels == ["Drug"] and sorted(keys) == sorted(node["properties"]) and underscored == []
    assert props == projected == node["properties"]


@pytest.mark.parametrize(("query", "feature"), [
    ("MATCH (a)-[:SUBCLASS_OF]-(b) RETURN a.id", "undirected relationship patterns"),
    ("MATCH (a) WITH a RETURN a.id", "WITH"),
    ("OPTIONAL MATCH (a) RETURN a.id", "OPTIONAL MATCH"),
    ("UNWIND [1, 2] AS x RETURN x", "UNWIND"),
    ("MATCH (a) RETURN labels(a)", "the function labels()"),
    ("MATCH (a) RETURN count(DISTINCT a.category)", "count(DISTINCT ...)"),
    ("MATCH (a) WHERE a.x = 1 OR a.y = 2 AND a.z = 3 RETURN a.id", "AND mixed with OR"),
    ("MATCH p = (a)-[:ACTS_ON]->(b) RETURN p", "named paths"),
    ("MATCH (a) RETURN *", "RETURN *"),
    ("MATCH (a) CALL { MATCH (b) RETURN b } RETURN a", "CALL subqueries"),
    ("MATCH (a) RETURN a.name, a..x", "cannot parse this query near"),
])
def test_unsupported_features_are_named(small_store, query, feature):
    with pytest.raises(CypherUnsupported, match="embedded store") as err:
        small_store.cypher(query)
    assert feature in str(err.value)


def test_parameters_and_their_errors(store):
    q = "MATCH (d:Drug) WHERE d.name IN $names RETURN d.id AS id ORDER BY id"
    assert store.cypher(q, {"names": ["ketamine", 'odd " \\ name']}).rows == [["CHEBI:6121"]]
    with pytest.raises(QueryError, match=r"missing parameter \$names|Expected parameter\(s\): names"):
        store.cypher(q)
    with pytest.raises(QueryError, match=r"parameter \$names must be|Type mismatch for parameter 'names'"):
        store.cypher(q, {"names": {"a": 1}})


def test_row_cap_truncates(store):
    result = store.cypher("MATCH (n) RETURN n.id AS id ORDER BY id", row_cap=3)
    assert result.truncated and len(result.rows) == 3
    assert result.rows == [[i] for i in sorted(n.id for n in store.iter_nodes())[:3]]


def test_runaway_query_is_stopped(store):
    started = time.perf_counter()
    with pytest.raises(CypherTimeout, match="did not finish within 0.5 s"):
        store.cypher(RUNAWAY, timeout=0.5)
    assert time.perf_counter() - started < 5
    assert store.cypher(KETAMINE).rows == [["ketamine"]]


def test_thread_fallback_where_processes_cannot_fork(small_store, monkeypatch):
    monkeypatch.setattr(memory_cypher.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert small_store.cypher(KETAMINE).rows == [["ketamine"]]

    def slow(*args):
        time.sleep(1.0)
        return "ok", []

    monkeypatch.setattr(memory_cypher, "_answer", slow)
    with pytest.raises(CypherTimeout):
        small_store.cypher("MATCH (d) RETURN d.id", timeout=0.2)


# -- the HTTP endpoint ------------------------------------------------------------------------
def test_post_cypher(client, store):
    body = {"query": "MATCH (s:Study)-[:STUDIES]->(c:Condition {id: $c}) RETURN s.id AS study ORDER BY study",
            "params": {"c": "MONDO:0005146"}}
    answer = client.post("/api/cypher", json=body).get_json()
    expected = sorted(e.subject for e in store.iter_edges("STUDIES") if e.object == "MONDO:0005146")
    assert answer["columns"] == ["study"] and answer["rows"] == [[s] for s in expected] and expected
    assert answer["truncated"] is False and isinstance(answer["elapsed_ms"], float)
    csv = client.post("/api/cypher?format=csv", json=body)
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).splitlines() == ["study", *expected]


HOSTILE = ["MATCH (n) DETACH DELETE n", "CREATE (n:Drug {id: 'x', name: 'x'})",
           "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r", "CALL dbms.killQueries(['1'])",
           "CALL dbms.security.createUser('evil', 'evil-password', false)",
           "MATCH (n) RETURN n; MATCH (n) DELETE n", "MATCH (n) SET n.name = 'pwned' RETURN n"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_cypher_is_refused_and_the_graph_unchanged(client, store, query):
    before = fingerprint(store)
    response = client.post("/api/cypher", json={"query": query})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["message"].startswith("Cypher refused")
    assert fingerprint(store) == before


def test_hostile_cypher_leaves_the_snapshot_unchanged(small_store, tmp_path):
    app = create_app(Settings(snapshot=tmp_path / "graph.jsonl"), store=small_store, test_config={"TESTING": True})
    before = (tmp_path / "graph.jsonl").read_bytes()
    for query in HOSTILE:
        assert app.test_client().post("/api/cypher", json={"query": query}).status_code == 400
    assert (tmp_path / "graph.jsonl").read_bytes() == before


@pytest.mark.parametrize(("body", "message"), [
    ("not json", "send a JSON object"),
    ({"query": ""}, "non-empty string"),
    ({"query": "MATCH (n) RETURN n", "params": [1]}, "params must be a JSON object"),
    ({"query": "MATCH (n) RETURN n", "limit": 3}, "unknown fields"),
    ({"query": "MATCH (n) RETURN n", "row_cap": 0}, "row_cap must be"),
    ({"query": "MATCH (n) RETURN n " + "x" * 20_000}, "longer than"),
])
def test_bad_requests(client, body, message):
    kwargs = {"data": body, "content_type": "text/plain"} if isinstance(body, str) else {"json": body}
    response = client.post("/api/cypher", **kwargs)
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]


def test_features_beyond_the_embedded_subset(client, store):
    response = client.post("/api/cypher", json={"query": "MATCH (d:Drug {id: 'CHEBI:6121'}) WITH d RETURN d.name"})
    if store.backend == "memory":
        assert response.status_code == 400
        assert "not supported on the embedded store: WITH" in response.get_json()["error"]["message"]
    else:
        assert response.get_json()["rows"] == [["ketamine"]]


def test_runaway_query_times_out_and_the_service_keeps_answering(store, tmp_path):
    settings = Settings(snapshot=tmp_path / "g.jsonl", cypher_timeout=0.5)
    client = create_app(settings, store=store, test_config={"TESTING": True}).test_client()
    started = time.perf_counter()
    response = client.post("/api/cypher", json={"query": RUNAWAY})
    assert response.status_code == 400 and "did not finish within 0.5 s" in response.get_json()["error"]["message"]
    assert time.perf_counter() - started < 5
    assert client.get("/api/health").get_json()["status"] == "ok"
    again = client.post("/api/cypher", json={"query": "MATCH (d:Drug {id: 'CHEBI:60799'}) RETURN d.name AS n"})
    assert again.get_json()["rows"] == [["esketamine"]]


def test_library_endpoint(client):
    queries = client.get("/api/cypher/library").get_json()["queries"]
    assert len(queries) >= 12 and {"name", "description", "query", "params"} == set(queries[0])


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def cli_env(request, store, corpus_records, tmp_path, monkeypatch):
    """`kg cypher`'s settings pointing at the corpus on the store under test."""
    for name in ("KG_STORE", "KG_CONFIG", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    if store.backend == "memory":
        from kg.store.memory import MemoryStore

        MemoryStore(tmp_path / "graph.jsonl").replace_all(*corpus_records)
        monkeypatch.setenv("KG_SNAPSHOT", str(tmp_path / "graph.jsonl"))
    else:
        uri, user, password = request.getfixturevalue("neo4j_server")
        for name, value in (("KG_STORE", "neo4j"), ("NEO4J_URI", uri), ("NEO4J_USER", user),
                            ("NEO4J_PASSWORD", password)):
            monkeypatch.setenv(name, value)
    return store


def test_cli_prints_a_table(cli_env):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["cypher", "MATCH (d:Drug) RETURN d.name AS drug ORDER BY drug"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    drugs = sorted(n.name for n in cli_env.iter_nodes("Drug"))
    assert lines[0].rstrip() == "drug" and set(lines[1]) == {"-"} and [x.rstrip() for x in lines[2:]] == drugs
    as_json = CliRunner().invoke(main, ["cypher", "--format", "json", "-p", "id=\"CHEBI:6121\"",
                                        "MATCH (d:Drug {id: $id}) RETURN d.name AS n"])
    assert json.loads(as_json.stdout)["rows"] == [["ketamine"]]


def test_cli_library_and_refusal(cli_env):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.query.library import get_query

    listed = CliRunner().invoke(main, ["cypher", "--list"])
    assert "targets_of_drug_mechanisms" in listed.output
    named = CliRunner().invoke(main, ["cypher", "-n", "targets_of_drug_mechanisms", "--format", "json"])
    entry = get_query("targets_of_drug_mechanisms")
    assert named.exit_code == 0 and json.loads(named.stdout)["rows"] == cli_env.cypher(entry.query, entry.params).rows
    as_csv = CliRunner().invoke(main, ["cypher", "-n", "targets_of_drug_mechanisms", "--format", "csv"])
    assert as_csv.exit_code == 0 and as_csv.stdout.startswith("mechanism,target,target_id")
    before = fingerprint(cli_env)
    refused = CliRunner().invoke(main, ["cypher", "MATCH (n) DETACH DELETE n"])
    assert refused.exit_code == 1 and "Cypher refused" in refused.output
    assert fingerprint(cli_env) == before


def test_refusal_type():
    assert issubclass(CypherRefused, QueryError) and issubclass(CypherTimeout, QueryError)
