"""Search ranking and entity pages on the real curated corpus, on both stores.

The ranking rule (exact id > exact xref > exact name > exact synonym > name prefix > synonym
prefix > word prefix > substring > fuzzy) is re-derived here from the records, independently of
kg.query.search, and every answer must follow it.
"""

import re

import pytest

KINDS = ["id", "xref", "name", "synonym", "name prefix", "synonym prefix", "word prefix", "substring", "fuzzy"]


def norm(text):
    return " ".join(text.casefold().split())


def kind_of(node, query):
    """The best way ``node`` matches ``query`` by the documented rule (None for fuzzy or no match)."""
    q, name, syns = norm(query), norm(node.name), [norm(s) for s in node.synonyms]
    words = [w for t in (name, *syns) for w in re.split(r"[\s\-()]+", t) if w]
    checks = [norm(node.id) == q, q in [norm(x) for x in node.xrefs], name == q, q in syns, name.startswith(q),
              any(s.startswith(q) for s in syns), any(w.startswith(q) for w in words),
              any(q in t for t in (name, *syns))]
    return next((KINDS[i] for i, hit in enumerate(checks) if hit), None)


@pytest.fixture
def store(each_corpus_store):
    return each_corpus_store


@pytest.fixture
def client(each_corpus_client):
    return each_corpus_client


def search(client, q, **params):
    response = client.get("/api/search", query_string={"q": q, "limit": 100, **params})
    assert response.status_code == 200
    return response.get_json()["results"]


@pytest.mark.parametrize("query", ["Spravato", "esketamine", "MESH:D013313", "post-traumatic", "MONDO:0005146",
                                   "ketamine", "eskatamine"])
def test_results_follow_the_ranking_rule(client, store, query):
    results = search(client, query)
    assert results
    nodes = {n.id: n for n in store.iter_nodes()}
    ranks = [KINDS.index(kind_of(nodes[r["id"]], query) or "fuzzy") for r in results]
    assert ranks == sorted(ranks), [(r["id"], r["matched"]) for r in results]
    assert [r["matched"] for r in results] == [KINDS[i] for i in ranks]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    # every node that matches exactly (id, xref, name or synonym) is found, and ahead of the rest
    exact = {i for i, n in nodes.items() if kind_of(n, query) in KINDS[:4]}
    assert {r["id"] for r in results[:len(exact)]} == exact


def test_named_queries_find_the_right_entity_first(client):
    spravato = search(client, "Spravato")
    assert {r["id"] for r in spravato[:2]} == {"CHEBI:60799", "ketkg:spravato-nasal-spray"}
    assert all(r["matched"] == "synonym" for r in spravato[:2])
    esketamine = search(client, "esketamine")
    assert (esketamine[0]["id"], esketamine[0]["matched"]) == ("CHEBI:60799", "name")
    assert search(client, "MESH:D013313")[0] == {
        "id": "MONDO:0005146", "name": "post-traumatic stress disorder", "category": "Condition",
        "score": 95.0, "matched": "xref"}
    ptsd = search(client, "post-traumatic")
    assert (ptsd[0]["id"], ptsd[0]["matched"]) == ("MONDO:0005146", "name prefix")
    assert search(client, "MONDO:0005146")[0]["matched"] == "id"
    typo = search(client, "eskatamine", category="Drug")
    assert typo[0]["id"] == "CHEBI:60799" and typo[0]["matched"] == "fuzzy"


def test_category_filter(client):
    results = search(client, "esketamine", category="Study")
    assert results and all(r["category"] == "Study" for r in results)


@pytest.mark.parametrize("curie", ["CHEBI:6121", "CHEBI:60799", "MONDO:0005146", "ketkg:nmda-receptor-antagonism"])
def test_entity_properties_xrefs_and_neighbour_counts(client, store, curie):
    node = store.get_node(curie)
    body = client.get(f"/api/entities/{curie}").get_json()
    assert (body["id"], body["name"], body["category"]) == (node.id, node.name, node.category)
    assert body["properties"] == node.properties and body["synonyms"] == list(node.synonyms)
    assert [x["id"] for x in body["xrefs"]] == list(node.xrefs)
    assert all(x["iri"] and x["iri"].startswith(("http://", "https://")) for x in body["xrefs"])
    assert body["iri"].startswith(("http://", "https://"))
    expected = {}
    for e in store.iter_edges():
        if e.subject == curie:
            expected[(e.predicate, "out")] = expected.get((e.predicate, "out"), 0) + 1
        if e.object == curie:
            expected[(e.predicate, "in")] = expected.get((e.predicate, "in"), 0) + 1
    groups = {(g["predicate"], g["direction"]): g for g in body["neighbours"]}
    assert {k: g["count"] for k, g in groups.items()} == expected
    assert all(len(g["neighbours"]) == g["count"] for g in groups.values())


def test_every_corpus_xref_resolves_to_an_iri(corpus_store):
    from kg.iri import expand

    missing = sorted({x for n in corpus_store.iter_nodes() for x in (n.id, *n.xrefs) if not expand(x)})
    assert missing == []


def test_unknown_entity_is_404(client):
    response = client.get("/api/entities/CHEBI:0")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
