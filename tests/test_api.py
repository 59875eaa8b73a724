def test_health(client, small_store):
    body = client.get("/api/health").get_json()
    assert body == {"status": "ok", "store": "memory", "nodes": 13,
                    "edges": len(list(small_store.iter_edges()))}


def test_search_ranks_exact_id_name_synonym_prefix(client):
    results = client.get("/api/search?q=PTSD").get_json()["results"]
    assert results[0]["id"] == "MONDO:0005146" and results[0]["category"] == "Condition"
    assert list(results[0]) == ["id", "name", "category", "score", "matched"]
    by_id = client.get("/api/search?q=MONDO:0005146").get_json()["results"][0]
    assert (by_id["id"], by_id["score"]) == ("MONDO:0005146", 100.0)
    by_xref = client.get("/api/search?q=MESH:D013313").get_json()["results"][0]
    assert (by_xref["id"], by_xref["matched"]) == ("MONDO:0005146", "xref")
    prefix = client.get("/api/search?q=post-traum").get_json()["results"][0]
    assert (prefix["id"], prefix["matched"]) == ("MONDO:0005146", "name prefix")
    scores = [r["score"] for r in client.get("/api/search?q=keta").get_json()["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_category_and_errors(client):
    results = client.get("/api/search?q=NMDA&category=Mechanism").get_json()["results"]
    assert [r["id"] for r in results] == ["ketkg:nmda-receptor-antagonism"]
    assert client.get("/api/search").status_code == 400
    bad = client.get("/api/search?q=x&category=Durg")
    assert bad.status_code == 400 and "unknown category" in bad.get_json()["error"]["message"]
    assert client.get("/api/search?q=x&limit=abc").status_code == 400


def test_entity_with_iris_and_neighbours(client):
    body = client.get("/api/entities/CHEBI:6121").get_json()
    assert body["name"] == "ketamine"
    assert body["iri"] == "http://purl.obolibrary.org/obo/CHEBI_6121"
    xrefs = {x["id"]: x["iri"] for x in body["xrefs"]}
    assert xrefs["DRUGBANK:DB01221"] == "https://go.drugbank.com/drugs/DB01221"
    groups = {(g["predicate"], g["direction"]): g for g in body["neighbours"]}
    assert groups[("INVESTIGATES", "in")]["count"] == 3
    assert groups[("HAS_MECHANISM", "out")]["neighbours"][0]["id"] == "ketkg:nmda-receptor-antagonism"


def test_entity_not_found_is_json_404(client):
    response = client.get("/api/entities/CHEBI:0000")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": "no entity with id 'CHEBI:0000'"}}


def test_evidence_endpoint(client):
    body = client.get("/api/evidence?source=NMDA%20receptor%20antagonism&target=PTSD").get_json()
    assert [s["id"] for s in body["source"]] == ["ketkg:nmda-receptor-antagonism"]
    assert all(c["nodes"][-1]["id"] == "MONDO:0005146" for c in body["chains"])
    assert len(body["chains"]) == 3
    first = body["studies"][0]
    assert {"id", "title", "year", "design", "evidence_level", "n", "pmid", "doi", "nct"} <= set(first)
    feder = next(s for s in body["studies"] if s["id"] == "PMID:24740528")
    assert (feder["pmid"], feder["doi"], feder["nct"]) == ("24740528", "10.1001/jamapsychiatry.2014.62",
                                                           "NCT00749203")
    edge = body["chains"][0]["edges"][1]
    assert edge["predicate"] == "INVESTIGATES" and "PMID:24740528" in edge["publications"]


def test_evidence_errors(client):
    assert client.get("/api/evidence?source=ketamine").status_code == 400
    missing = client.get("/api/evidence?source=ketamine&target=influenza")
    assert missing.status_code == 404 and "influenza" in missing.get_json()["error"]["message"]
    assert client.get("/api/evidence?source=ketamine&target=PTSD&design=anecdote").status_code == 400
    assert client.get("/api/evidence?source=ketamine&target=PTSD&year_from=1").status_code == 400


def test_unknown_route_is_json(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
