import pytest

from kg.errors import ValidationFailed
from kg.pipeline import build
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader


def test_build_writes_every_record(tmp_path, small_dir):
    store = MemoryStore(tmp_path / "g.jsonl")
    result = build([CuratedLoader(small_dir)], store)
    assert result.report.ok
    assert result.written.nodes == len(result.nodes) == 13
    assert store.counts().nodes == {"Condition": 4, "Drug": 3, "Mechanism": 1, "Study": 2, "Target": 3}


def test_rebuild_is_idempotent(tmp_path, small_dir):
    path = tmp_path / "g.jsonl"
    build([CuratedLoader(small_dir)], MemoryStore(path))
    first = path.read_bytes()
    build([CuratedLoader(small_dir)], MemoryStore(path))
    assert path.read_bytes() == first


def test_bad_input_writes_nothing(tmp_path, small_dir):
    path = tmp_path / "g.jsonl"
    build([CuratedLoader(small_dir)], MemoryStore(path))
    before = path.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "good.yaml").write_text((small_dir / "sample.yaml").read_text())
    (bad / "broken.yaml").write_text(
        "studies:\n  - id: PMID:1\n    title: t\n    year: 2020\n    design: rct\n    pmid: '1'\n"
        "    conditions: [MONDO:0009999]\n    verified_at: [x]\n")
    store = MemoryStore(path)
    with pytest.raises(ValidationFailed) as info:
        build([CuratedLoader(bad)], store)
    (problem,) = info.value.report.errors
    assert problem.code == "unresolved-reference"
    assert problem.origin.file.endswith("broken.yaml") and problem.origin.line == 2
    assert path.read_bytes() == before
    assert MemoryStore(path).counts().total_nodes == 13


def test_non_strict_build_reports_without_writing(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("drugs:\n  - id: CHEBI:x\n    name: k\n")
    store = MemoryStore(tmp_path / "g.jsonl")
    result = build([CuratedLoader(bad)], store, strict=False)
    assert result.written is None and not result.report.ok
    assert not (tmp_path / "g.jsonl").exists()
