"""ClinicalTrials.gov and PubMed records: parsers on saved records (tests/data/records), downloads
with a stand-in for the network (nothing here touches the internet)."""

from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.fetch import FetchError, fetch_clinicaltrials, fetch_pubmed
from kg.normalize import Normalizer
from kg.pipeline import collect
from loaders.clinicaltrials import ClinicalTrialsLoader
from loaders.curated import CuratedLoader
from loaders.pubmed import PubMedLoader

RECORDS = Path(__file__).parent / "data" / "records"
TITLE = "Efficacy of intravenous ketamine for treatment of chronic posttraumatic stress disorder: " \
        "a randomized clinical trial"


def test_clinicaltrials_study_record(corpus_records):
    batch = ClinicalTrialsLoader.from_paths([RECORDS]).load()
    assert batch.report.problems == []
    study = next(n for n in batch.nodes if n.category == "Study")
    assert study.id == "NCT:NCT00749203" and study.xrefs == ("PMID:24740528",)
    assert study.properties == {"title": TITLE, "nct": "NCT00749203", "design": "crossover_rct",
                                "evidence_level": 2, "n": 41, "pmid": "24740528"}
    assert sorted((e.predicate, e.object, e.properties.get("n")) for e in batch.edges) == [
        ("INVESTIGATES", "MESH:D007649", None), ("INVESTIGATES", "MESH:D008874", None),
        ("STUDIES", "MESH:D013313", 41)]
    curated = {n.id: n for n in corpus_records[0]}["PMID:24740528"]  # the record agrees with the corpus
    assert curated.properties["title"] == TITLE and curated.properties["nct"] == "NCT00749203"
    assert curated.properties["n"] == 41


def test_pubmed_records():
    batch = PubMedLoader.from_paths([RECORDS]).load()
    assert batch.report.problems == []
    feder, bloch = batch.nodes
    assert feder.id == "PMID:24740528" and feder.name == TITLE
    assert feder.properties == {"title": TITLE, "pmid": "24740528", "journal": "JAMA Psychiatry", "year": 2014,
                                "first_author": "Feder A", "doi": "10.1001/jamapsychiatry.2014.62",
                                "design": "rct", "evidence_level": 2}
    assert feder.xrefs == ("DOI:10.1001/jamapsychiatry.2014.62", "NCT:NCT00749203")
    assert bloch.xrefs == ("DOI:10.1016/j.biopsych.2012.05.028", "PMC:PMC3667652")
    assert "design" not in bloch.properties and bloch.properties["year"] == 2012


def test_bad_records_are_reported(tmp_path):
    (tmp_path / "NCT00000000.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "x.xml").write_text("<?xml version='1.0'?><eSearchResult/>", encoding="utf-8")
    (tmp_path / "bomb.xml").write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                                       "<PubmedArticleSet>&a;</PubmedArticleSet>", encoding="utf-8")
    assert ClinicalTrialsLoader.from_paths([tmp_path]).load().report.codes() == {"bad-record"}
    report = PubMedLoader.from_paths([tmp_path]).load().report
    assert len(report.errors) == 2 and report.codes() == {"bad-record"}  # entities refused by defusedxml


def test_records_merge_with_the_curated_study():
    loaders = [CuratedLoader(), ClinicalTrialsLoader.from_paths([RECORDS]), PubMedLoader.from_paths([RECORDS])]
    _, nodes, edges, report = collect(loaders, normalize=Normalizer())
    assert report.errors == []
    by_id = {n.id: n for n in nodes}
    assert "NCT:NCT00749203" not in by_id and "NCT:NCT00749203" in by_id["PMID:24740528"].xrefs
    trial_edges = {(e.subject, e.predicate, e.object) for e in edges if e.qualifier == "infores:clinicaltrials"}
    assert ("PMID:24740528", "STUDIES", "MONDO:0005146") in trial_edges
    assert ("PMID:24740528", "INVESTIGATES", "CHEBI:6121") in trial_edges


def _serving(files: dict[str, bytes]):
    def opener(request, timeout):
        for key, body in files.items():
            if key in request.full_url:
                return body
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)
    return opener


def test_fetch_writes_checked_records(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.fetch.PAUSE", 0)
    study = (RECORDS / "NCT00749203.json").read_bytes()
    two_articles = (RECORDS / "pubmed-efetch.xml").read_bytes()
    [path] = fetch_clinicaltrials(["NCT00749203"], tmp_path, opener=_serving({"NCT00749203": study}))
    assert path.name == "NCT00749203.json" and path.read_bytes() == study
    one = (RECORDS / "pubmed-efetch.xml").read_text(encoding="utf-8")
    single = one[:one.index("<PubmedArticle>", one.index("</PubmedArticle>"))] + "</PubmedArticleSet>\n"
    [path] = fetch_pubmed(["24740528"], tmp_path, opener=_serving({"id=24740528": single.encode()}))
    assert path.name == "PMID24740528.xml" and PubMedLoader([path]).load().nodes[0].id == "PMID:24740528"
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_clinicaltrials(["NCT00000001"], tmp_path, opener=_serving({}))
    with pytest.raises(FetchError, match="no such PubMed article"):
        fetch_pubmed(["1"], tmp_path, opener=_serving({"id=1": two_articles}))


def test_fetch_without_network_says_so(tmp_path):
    def offline(request, timeout):
        raise urllib.error.URLError("[Errno -2] Name or service not known")
    with pytest.raises(FetchError, match="cannot reach .*connected to the internet"):
        fetch_pubmed(["24740528"], tmp_path, opener=offline)
    assert list(tmp_path.iterdir()) == []


def test_fetch_cli_refuses_bad_ids(tmp_path):
    result = CliRunner().invoke(main, ["fetch", "clinicaltrials", "NCT123", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "not ClinicalTrials.gov ids" in result.output
    result = CliRunner().invoke(main, ["fetch", "pubmed", "PMID:abc", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "not PubMed ids" in result.output
