"""Hostile input files for every public-source loader, as data: one :class:`Case` per file set.

Each case is a directory of files given to ``kg build --source NAME=DIR`` (through
:func:`loaders.sources.make_loader`), and the error the build must report: its code, the file
it names and, where the format has lines, the line. Used by ``test_reliability_sources``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

__all__ = ["Case", "CASES"]


@dataclass(frozen=True)
class Case:
    """``files`` (name -> bytes) for source ``source``; the build must fail with ``code`` at ``file:line``."""

    name: str
    source: str
    files: dict[str, bytes]
    code: str
    file: str
    line: int | None = None


def _b(text: str) -> bytes:
    return text.encode("utf-8")


def _truncated_gz(text: str) -> bytes:
    packed = gzip.compress(_b(text * 400))
    return packed[: len(packed) // 2]


HUGE = "x" * 1_200_000  # longer than loaders.tabular.MAX_LINE_CHARS

# -- Hetionet -------------------------------------------------------------------------------------
HET_NODES = "id\tname\tkind\nCompound::DB01221\tKetamine\tCompound\nGene::2902\tGRIN1\tGene\n"
HET_EDGES = "source\tmetaedge\ttarget\nCompound::DB01221\tCbG\tGene::2902\n"


def _het(nodes: str | bytes = HET_NODES, edges: str | bytes = HET_EDGES, edges_name: str = "h-edges.tsv",
         nodes_name: str = "h-nodes.tsv") -> dict[str, bytes]:
    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else _b(value)
    return {nodes_name: raw(nodes), edges_name: raw(edges)}


HETIONET = [
    Case("malformed-row", "hetionet", _het(HET_NODES + "Gene::1\tonly two fields\n"), "bad-line", "h-nodes.tsv", 4),
    Case("missing-columns", "hetionet", _het("id\tkind\nGene::1\tGene\n"), "bad-header", "h-nodes.tsv", 1),
    Case("truncated-gzip", "hetionet", _het(edges=_truncated_gz(HET_EDGES), edges_name="h.sif.gz"),
         "truncated-file", "h.sif.gz"),
    Case("not-gzip", "hetionet", _het(edges=b"plain text", edges_name="h.sif.gz"), "truncated-file", "h.sif.gz", 1),
    Case("utf16", "hetionet", _het(HET_NODES.encode("utf-16")), "bad-encoding", "h-nodes.tsv", 1),
    Case("latin1", "hetionet", _het((HET_NODES + "Gene::4\tcaf\xe9\tGene\n").encode("latin-1")), "bad-encoding",
         "h-nodes.tsv", 4),
    Case("enormous-line", "hetionet", _het(HET_NODES + f"Gene::3\t{HUGE}\tGene\n"), "long-line", "h-nodes.tsv", 4),
    Case("nul-byte", "hetionet", _het(HET_NODES + "Gene::5\tGR\x00IN\tGene\n"), "bad-line", "h-nodes.tsv", 4),
    Case("duplicate-id", "hetionet", _het(HET_NODES + "Gene::2902\tother\tGene\n"), "duplicate-id", "h-nodes.tsv", 4),
    Case("edge-to-unknown-node", "hetionet", _het(edges=HET_EDGES + "Compound::DB01221\tCbG\tGene::999\n"),
         "unknown-node", "h-edges.tsv", 3),
    Case("invalid-id", "hetionet", _het(HET_NODES + "Gene::12;DROP\tx\tGene\n"), "bad-id", "h-nodes.tsv", 4),
    Case("empty-file", "hetionet", _het(""), "empty-file", "h-nodes.tsv", 1),
]

# -- SIDER ----------------------------------------------------------------------------------------
SE = "CID100003821\tCID000003821\tC0000001\tPT\tC0000001\tnausea\n"
SIDER = [
    Case("malformed-row", "sider", {"meddra_all_se.tsv": _b(SE + "CID1\tCID0\tC1\n")}, "bad-line",
         "meddra_all_se.tsv", 2),
    Case("bad-stitch-id", "sider", {"meddra_all_se.tsv": _b(SE + SE.replace("CID000003821", "CID0000x3821"))},
         "bad-line", "meddra_all_se.tsv", 2),
    Case("truncated-gzip", "sider", {"meddra_all_se.tsv.gz": _truncated_gz(SE)}, "truncated-file",
         "meddra_all_se.tsv.gz"),
    Case("latin1", "sider", {"meddra_all_se.tsv": (SE + SE.replace("nausea", "naus\xe9e")).encode("latin-1")},
         "bad-encoding", "meddra_all_se.tsv", 2),
    Case("enormous-line", "sider", {"meddra_all_se.tsv": _b(SE + SE.replace("nausea", HUGE))}, "long-line",
         "meddra_all_se.tsv", 2),
    Case("empty-file", "sider", {"meddra_all_se.tsv": b""}, "empty-file", "meddra_all_se.tsv", 1),
]

# -- DrugCentral ----------------------------------------------------------------------------------
IDS = "DRUG_ID\tDRUG_NAME\tID_TYPE\tIDENTIFIER\n1\tketamine\tCHEBI\tCHEBI:6121\n"
TARGETS = "DRUG_ID\tDRUG_NAME\tUNIPROT\tGENE\tACTION_TYPE\n1\tketamine\tQ05586\tGRIN1\tBLOCKER\n"
DRUGCENTRAL = [
    Case("malformed-row", "drugcentral", {"identifiers.tsv": _b(IDS + "2\tx\n")}, "bad-line", "identifiers.tsv", 3),
    Case("missing-columns", "drugcentral", {"identifiers.tsv": _b("DRUG_ID\tDRUG_NAME\n1\tk\n")}, "bad-header",
         "identifiers.tsv", 1),
    Case("duplicate-id", "drugcentral", {"identifiers.tsv": _b(IDS + "1\tmidazolam\tCHEBI\tCHEBI:6931\n")},
         "duplicate-id", "identifiers.tsv", 3),
    Case("invalid-accession", "drugcentral", {"drug_target.tsv": _b(TARGETS + "1\tketamine\tQ0558;6\tX\tBLOCKER\n")},
         "bad-id", "drug_target.tsv", 3),
    Case("utf16", "drugcentral", {"identifiers.tsv": IDS.encode("utf-16")}, "bad-encoding", "identifiers.tsv", 1),
    Case("nul-byte", "drugcentral", {"drug_target.tsv": _b(TARGETS + "2\tx\x00\tQ05586\tGRIN1\t\n")}, "bad-line",
         "drug_target.tsv", 3),
]

# -- OBO ------------------------------------------------------------------------------------------
OBO = "format-version: 1.2\nontology: test\n\n[Term]\nid: CHEBI:6121\nname: ketamine\nis_a: CHEBI:1 ! parent\n\n" \
      "[Term]\nid: CHEBI:1\nname: parent\n"
OBO_CASES = [
    Case("truncated", "obo", {"t.obo": _b(OBO + "\n[Term]\nid: CHEBI:7\nname: x\nis_a: CHEBI:")}, "bad-id", "t.obo",
         14),
    Case("malformed-tag", "obo", {"t.obo": _b(OBO + "\n[Term]\nid: CHEBI:7\nno colon here\n")}, "bad-obo", "t.obo",
         15),
    Case("duplicate-id", "obo", {"t.obo": _b(OBO + "\n[Term]\nid: CHEBI:6121\nname: again\n")}, "duplicate-id",
         "t.obo", 14),
    Case("invalid-curie", "obo", {"t.obo": _b(OBO + "\n[Term]\nid: CHEBI:abc\nname: x\n")}, "bad-id", "t.obo", 14),
    Case("binary", "obo", {"t.obo": bytes(range(256)) * 20}, "bad-line", "t.obo", 1),
    Case("latin1", "obo", {"t.obo": (OBO + "synonym: \"k\xe9tamine\" EXACT []\n").encode("latin-1")},
         "bad-encoding", "t.obo", 12),
    Case("enormous-line", "obo", {"t.obo": _b(OBO + f"\n[Term]\nid: CHEBI:7\nname: {HUGE}\n")}, "long-line", "t.obo",
         15),
]

# -- Disease Ontology -----------------------------------------------------------------------------
DO = '"id"\t"label"\t"subClassOf"\n"DOID:1470"\t"major depressive disorder"\t""\n'
DISEASE_ONTOLOGY = [
    Case("unterminated-quote", "disease-ontology", {"HumanDO.tsv": _b(DO + '"DOID:2\t"x\t""\n')}, "bad-line",
         "HumanDO.tsv", 3),
    Case("enormous-field", "disease-ontology", {"HumanDO.tsv": _b(DO + f'"DOID:2"\t"{"y" * 200_000}"\t""\n')},
         "bad-line", "HumanDO.tsv", 3),
    Case("invalid-curie", "disease-ontology", {"HumanDO.tsv": _b(DO + '"DOID:x2"\t"x"\t""\n')}, "bad-line",
         "HumanDO.tsv", 3),
    Case("duplicate-id", "disease-ontology", {"HumanDO.tsv": _b(DO + '"DOID:1470"\t"other"\t""\n')},
         "conflicting-label", "HumanDO.tsv", 3),
    Case("nul-byte", "disease-ontology", {"HumanDO.tsv": _b(DO + '"DOID:2"\t"a\x00"\t""\n')}, "bad-line",
         "HumanDO.tsv", 3),
]

# -- MeSH -----------------------------------------------------------------------------------------
TERMS = "mesh_id\tmesh_name\nD007649\tKetamine\n"
TREES = "mesh_id\tmesh_tree_number\nD007649\tD02.455\n"
MESH = [
    Case("duplicate-id", "mesh", {"m-terms.tsv": _b(TERMS + "D007649\tOther\n"), "m-tree-numbers.tsv": _b(TREES)},
         "duplicate-id", "m-terms.tsv", 3),
    Case("tree-of-unknown-descriptor", "mesh", {"m-terms.tsv": _b(TERMS),
                                               "m-tree-numbers.tsv": _b(TREES + "D999999\tC01\n")},
         "bad-line", "m-tree-numbers.tsv", 3),
    Case("invalid-id", "mesh", {"m-terms.tsv": _b(TERMS + "X12\tx\n"), "m-tree-numbers.tsv": _b(TREES)}, "bad-line",
         "m-terms.tsv", 3),
    Case("truncated", "mesh", {"m-terms.tsv": _b(TERMS + "D0076"), "m-tree-numbers.tsv": _b(TREES)}, "bad-line",
         "m-terms.tsv", 3),
]

# -- KGX ------------------------------------------------------------------------------------------
KN = "id\tcategory\tname\tketkg_category\nCHEBI:6121\tbiolink:SmallMolecule\tketamine\tDrug\n"
KE = ("subject\tpredicate\tobject\tketkg_predicate\tprimary_knowledge_source\tknowledge_level\tagent_type\n"
      "CHEBI:6121\tbiolink:related_to\tCHEBI:999\tENANTIOMER_OF\tinfores:x\tknowledge_assertion\tmanual_agent\n")
KGX = [
    Case("edge-to-unknown-node", "kgx", {"k_nodes.tsv": _b(KN), "k_edges.tsv": _b(KE)}, "dangling-edge",
         "k_edges.tsv", 2),
    Case("invalid-curie", "kgx", {"k_nodes.tsv": _b(KN + "CHEBI:61 21\tx\tk\tDrug\n")}, "bad-curie", "k_nodes.tsv", 3),
    Case("duplicate-id", "kgx", {"k_nodes.tsv": _b(KN + "CHEBI:6121\tx\tother\tDrug\n")}, "duplicate-id",
         "k_nodes.tsv", 3),
    Case("truncated-gzip", "kgx", {"k_nodes.tsv.gz": _truncated_gz(KN)}, "truncated-file", "k_nodes.tsv.gz"),
    Case("homoglyph-curie", "kgx", {"k_nodes.tsv": _b(KN + "CHEBI:\u0665\u0666\tx\tk\tDrug\n")}, "bad-curie",
         "k_nodes.tsv", 3),
]


# -- ClinicalTrials.gov JSON ----------------------------------------------------------------------
def _study(**derived: object) -> bytes:
    record = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": "A trial"}},
              "derivedSection": derived}
    return _b(json.dumps(record, indent=1))


CLINICALTRIALS = [
    Case("truncated", "clinicaltrials", {"NCT00000001.json": _study()[:60]}, "bad-record", "NCT00000001.json", 4),
    Case("deep-nesting", "clinicaltrials", {"NCT00000001.json": b"[" * 100_000 + b"]" * 100_000}, "bad-record",
         "NCT00000001.json"),
    Case("wrong-types", "clinicaltrials", {"NCT00000001.json": _study(conditionBrowseModule={"meshes": "D1"})},
         "bad-record", "NCT00000001.json"),
    Case("invalid-mesh-id", "clinicaltrials",
         {"NCT00000001.json": _study(conditionBrowseModule={"meshes": [{"id": "D00; DROP", "term": "x"}]})},
         "bad-record", "NCT00000001.json"),
    Case("invalid-nct", "clinicaltrials", {"NCT00000001.json": _study().replace(b"NCT00000001", b"NCT0000\xd9\xa1")},
         "bad-record", "NCT00000001.json"),
    Case("utf16", "clinicaltrials", {"NCT00000001.json": _study().decode().encode("utf-16")}, "bad-record",
         "NCT00000001.json"),
    Case("not-an-object", "clinicaltrials", {"NCT00000001.json": b"[1, 2, 3]"}, "bad-record", "NCT00000001.json"),
]

# -- PubMed XML -----------------------------------------------------------------------------------
ARTICLE = ("<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>{title}</ArticleTitle>"
           "</Article></MedlineCitation></PubmedArticle>")


def _set(*articles: str, head: str = "") -> bytes:
    return _b(f'<?xml version="1.0"?>\n{head}<PubmedArticleSet>\n{"".join(articles)}\n</PubmedArticleSet>\n')


LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
PUBMED = [
    Case("billion-laughs", "pubmed", {"a.xml": _set(ARTICLE.format(pmid=1, title="&l9;"),
                                                    head=f'<!DOCTYPE x [<!ENTITY l0 "lol">{LAUGHS}]>')},
         "bad-record", "a.xml"),
    Case("xxe-file", "pubmed", {"a.xml": _set(ARTICLE.format(pmid=1, title="&x;"),
                                              head='<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>')},
         "bad-record", "a.xml"),
    Case("xxe-parameter-entity", "pubmed",
         {"a.xml": _set(head='<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>')},
         "bad-record", "a.xml"),
    Case("external-dtd-entity", "pubmed",
         {"a.xml": _set(ARTICLE.format(pmid=1, title="&secret;"), head='<!DOCTYPE x SYSTEM "secret.dtd">'),
          "secret.dtd": b'<!ENTITY secret "leaked">'}, "bad-record", "a.xml", 3),
    Case("truncated", "pubmed", {"a.xml": _set(ARTICLE.format(pmid=1, title="t"))[:90]}, "bad-record", "a.xml", 3),
    Case("wrong-root", "pubmed", {"a.xml": b"<html><body/></html>"}, "bad-record", "a.xml", 1),
    Case("no-pmid", "pubmed", {"a.xml": _set(ARTICLE.format(pmid="", title="t"))}, "bad-record", "a.xml"),
    Case("homoglyph-pmid", "pubmed", {"a.xml": _set(ARTICLE.format(pmid="\u0661\u0662", title="t"))}, "bad-record",
         "a.xml"),
    Case("duplicate-id", "pubmed", {"a.xml": _set(ARTICLE.format(pmid=1, title="one"),
                                                  ARTICLE.format(pmid=1, title="two"))}, "duplicate-id", "a.xml"),
    Case("latin1", "pubmed", {"a.xml": _set(ARTICLE.format(pmid=1, title="caf\xe9")).decode().encode("latin-1")},
         "bad-record", "a.xml", 3),
    Case("no-articles", "pubmed", {"a.xml": _set()}, "bad-record", "a.xml", 1),
]

CASES = [*HETIONET, *SIDER, *DRUGCENTRAL, *OBO_CASES, *DISEASE_ONTOLOGY, *MESH, *KGX, *CLINICALTRIALS, *PUBMED]

# A file name each loader finds in a directory, for the symlink-escape test.
FOUND_NAMES = {"hetionet": "h-nodes.tsv", "sider": "meddra_all_se.tsv", "drugcentral": "identifiers.tsv",
               "obo": "t.obo", "disease-ontology": "HumanDO.tsv", "mesh": "m-terms.tsv", "kgx": "k_nodes.tsv",
               "clinicaltrials": "NCT00000001.json", "pubmed": "a.xml"}
