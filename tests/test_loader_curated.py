import textwrap

import pytest

from kg.errors import SourceError
from loaders.curated import CuratedLoader
from loaders.yamlfile import read_yaml


def _load(tmp_path, text, name="x.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text))
    return CuratedLoader(tmp_path).load()


def test_sample_records(small_dir):
    batch = CuratedLoader(small_dir).load()
    assert batch.report.ok, str(batch.report)
    feder = next(n for n in batch.nodes if n.id == "PMID:24740528")
    assert feder.category == "Study"
    assert feder.properties["design"] == "crossover_rct"
    assert feder.properties["n"] == 41
    assert feder.properties["evidence_level"] == 2
    assert set(feder.xrefs) == {"DOI:10.1001/jamapsychiatry.2014.62", "NCT:NCT00749203"}
    investigates = [e for e in batch.edges if e.subject == "PMID:24740528" and e.predicate == "INVESTIGATES"]
    # the midazolam comparator was referenced by its DrugBank xref and resolved to the ChEBI id
    assert {(e.object, e.properties["role"]) for e in investigates} == {("CHEBI:6121", "intervention"),
                                                                        ("CHEBI:6931", "comparator")}
    edge = investigates[0]
    assert edge.provenance.publications == ("PMID:24740528", "DOI:10.1001/jamapsychiatry.2014.62",
                                            "NCT:NCT00749203")
    assert edge.provenance.evidence_type == "ECO:0007121"
    assert edge.provenance.primary_knowledge_source == "infores:ketamine-kg-curated"
    assert edge.origin.file.endswith("sample.yaml") and edge.origin.line > 1


def test_unknown_keys_sections_and_references_are_reported_with_lines(tmp_path):
    batch = _load(tmp_path, """\
        drugs:
          - id: CHEBI:6121
            name: ketamine
            colour: blue
        diseases: []
        conditions:
          - id: MONDO:0005146
            name: PTSD
            parents: [MONDO:0000000]
        """)
    got = {(p.code, p.origin.line) for p in batch.report.errors}
    assert got == {("unknown-key", 2), ("unknown-section", 1), ("unresolved-reference", 7)}


def test_study_checks(tmp_path):
    batch = _load(tmp_path, """\
        conditions:
          - {id: MONDO:0005146, name: PTSD}
        studies:
          - id: PMID:1
            title: no identifiers, bad design and year
            year: 14
            design: anecdote
            n: -3
            conditions: [MONDO:0005146]
            outcome: {direction: great}
        """)
    codes = {p.code for p in batch.report.errors}
    assert codes == {"missing-identifier", "bad-design", "bad-year", "bad-n", "bad-direction", "not-verified"}


def test_study_id_must_be_one_of_its_identifiers(tmp_path):
    batch = _load(tmp_path, """\
        conditions:
          - {id: MONDO:0005146, name: PTSD}
        studies:
          - {id: PMID:2, title: t, year: 2020, design: rct, pmid: "1", conditions: [MONDO:0005146], verified_at: [u]}
        """)
    assert [p.code for p in batch.report.errors] == ["study-id"]


def test_ambiguous_xref_is_an_error(tmp_path):
    batch = _load(tmp_path, """\
        drugs:
          - {id: CHEBI:6121, name: ketamine, xrefs: [DRUGBANK:DB01221]}
          - {id: CHEBI:60799, name: esketamine, xrefs: [DRUGBANK:DB01221]}
        """)
    assert [p.code for p in batch.report.errors] == ["ambiguous-reference"]


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("drugs:\n  - id: [unclosed\n")
    with pytest.raises(SourceError, match=r"bad.yaml:\d+: invalid YAML"):
        read_yaml(path)
    batch = CuratedLoader(tmp_path).load()
    assert [p.code for p in batch.report.errors] == ["unreadable-file"]


def test_wrong_encoding(tmp_path):
    (tmp_path / "latin.yaml").write_bytes("drugs:\n  - {id: CHEBI:1, name: k\xe9tamine}\n".encode("latin-1"))
    batch = CuratedLoader(tmp_path).load()
    assert "not UTF-8" in batch.report.errors[0].message


def test_missing_directory(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        CuratedLoader(tmp_path / "nope").load()
