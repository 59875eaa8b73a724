"""Done-when checks of issue 7: Hetionet and SIDER ketamine merge with the curated ketamine."""

from __future__ import annotations

import csv
import gzip

import pytest

from kg.normalize import make_normalizer
from kg.pipeline import collect
from loaders.curated import CuratedLoader
from loaders.hetionet import HetionetLoader
from loaders.sider import SiderLoader
from tests.conftest import shared_data

KETAMINE = "CHEBI:6121"


@pytest.fixture(scope="module")
def combined():
    """Curated + Hetionet (all nodes, 9 full metaedges) + SIDER, normalised with Mondo SSSOM and Biolink prefixes."""
    nodes = shared_data("hetionet", "hetionet-v1.0-nodes.tsv")
    edges = [shared_data("derived", "hetionet-v1.0-edges-partial-9-metaedges.sif.gz"),
             shared_data("derived", "hetionet-v1.0-ketamine-DB01221-edges.tsv")]
    sider = shared_data("sider", "meddra_all_se.tsv.gz")
    sssom = sorted(shared_data("mondo").glob("*.sssom.tsv"))
    normalizer = make_normalizer(sssom, shared_data("biolink", "preferred_prefixes_per_class.json"))
    loaders = [CuratedLoader(), HetionetLoader(nodes, edges), SiderLoader(sider)]
    _, merged_nodes, merged_edges, report = collect(loaders, normalize=normalizer)
    return {n.id: n for n in merged_nodes}, merged_edges, report


def _owner(nodes, curie):
    """The merged node that is ``curie`` or lists it as an xref."""
    return next((n for n in nodes.values() if n.id == curie or curie in n.xrefs), None)


def test_combined_build_validates(combined):
    _, _, report = combined
    assert report.ok, "\n".join(str(p) for p in report.errors[:20])


def test_hetionet_ketamine_merges_into_curated_ketamine(combined):
    nodes, _, _ = combined
    ketamine = nodes[KETAMINE]
    assert ketamine.name == "ketamine" and ketamine.source == "infores:ketamine-kg-curated"
    assert "DRUGBANK:DB01221" in ketamine.xrefs and "Ketamine" in ketamine.synonyms
    assert "DRUGBANK:DB01221" not in nodes and "PUBCHEM.COMPOUND:3821" not in nodes


def test_ketamine_binds_its_19_hetionet_targets(combined):
    nodes, edges, _ = combined
    path = shared_data("derived", "hetionet-v1.0-ketamine-DB01221-edges.tsv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    expected = {r["target"].split("::")[1] for r in rows if r["metaedge"] == "CbG"}
    assert len(expected) == 19
    bound = {e.object for e in edges if e.subject == KETAMINE and e.predicate == "BINDS"
             and e.provenance.primary_knowledge_source == "infores:hetionet"}
    for entrez in expected:
        target = _owner(nodes, f"NCBIGene:{entrez}")
        assert target is not None and target.category == "Target" and target.id in bound, entrez
    assert len(bound) == 19
    grin1 = _owner(nodes, "NCBIGene:2902")
    assert grin1.id == "HGNC:4584"  # the curated GRIN1 wins over Hetionet's Entrez id


def test_ketamine_sider_side_effects_attach_to_curated_ketamine(combined):
    nodes, edges, _ = combined
    with gzip.open(shared_data("sider", "meddra_all_se.tsv.gz"), "rt") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if "CID000003821" in line]
    assert len(rows) == 54 and {r[0] for r in rows} == {"CID100003821"}
    cuis = {r[4] for r in rows}
    caused = {e.object: e for e in edges if e.subject == KETAMINE and e.predicate == "CAUSES_ADVERSE_EFFECT"
              and e.provenance.primary_knowledge_source == "infores:sider"}
    for cui in cuis:
        effect = _owner(nodes, f"UMLS:{cui}")
        assert effect is not None and effect.id in caused, cui
    edge = next(iter(caused.values()))
    assert edge.provenance.license == "CC-BY-NC-SA-4.0" and edge.provenance.source_version == "4.1"
    # Cystitis, cystitis noninfective and bladder pain are all xrefs of the curated cystitis record
    assert _owner(nodes, "UMLS:C0232849").id == "MESH:D003556"


def test_every_source_edge_is_provenanced(combined):
    _, edges, _ = combined
    for edge in edges:
        prov = edge.provenance
        assert prov is not None and prov.primary_knowledge_source.startswith("infores:")
        if prov.primary_knowledge_source != "infores:ketamine-kg-curated":
            assert prov.source_version and prov.license and prov.knowledge_level and prov.agent_type
            assert edge.qualifier == prov.primary_knowledge_source
