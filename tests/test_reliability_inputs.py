"""Hostile input files for the curated loader: clear errors, and the store is left unchanged."""

from __future__ import annotations

import hashlib
import os

import pytest

from kg.errors import SourceError, ValidationFailed
from kg.pipeline import build
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader

SAMPLE_DRUG = "drugs:\n  - {id: CHEBI:6121, name: ketamine, verified_at: [x]}\n"

HOSTILE = {
    "truncated": (SAMPLE_DRUG + "conditions:\n  - {id: MONDO:0005146, name: PTSD, parents: [", "invalid YAML"),
    "tabs": ("drugs:\n\t- id: CHEBI:6121\n", "invalid YAML"),
    "not-a-mapping": ("- just\n- a list\n", "top level must be a mapping"),
    "section-not-list": ("drugs: {id: CHEBI:6121}\n", "must be a list"),
    "record-not-mapping": ("drugs:\n  - CHEBI:6121\n", "is not a mapping"),
    "duplicate-ids": (SAMPLE_DRUG + "  - {id: CHEBI:6121, name: esketamine, verified_at: [x]}\n",
                      "defined differently"),
    "bad-curie": ("drugs:\n  - {id: 'CHEBI:6121; DROP', name: k, verified_at: [x]}\n", "does not match"),
    "unknown-reference": (SAMPLE_DRUG.replace("verified_at", "enantiomer_of: CHEBI:1, verified_at"),
                          "not the id or xref"),
    "billion-laughs": ("a: &a ['x','x','x','x','x','x','x','x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "drugs: [*b,*b,*b,*b,*b,*b,*b,*b]\n", "aliases"),
    "enormous-line": ("drugs:\n  - {id: CHEBI:6121, name: '" + "k" * 2_000_000 + "', verified_at: [x]}\n", None),
}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def built(tmp_path, small_dir):
    path = tmp_path / "graph.jsonl"
    build([CuratedLoader(small_dir)], MemoryStore(path))
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_reported_and_store_unchanged(tmp_path, built, small_dir, case):
    text, expected = HOSTILE[case]
    data = tmp_path / "data"
    data.mkdir()
    (data / "sample.yaml").write_text((small_dir / "sample.yaml").read_text())
    (data / "hostile.yaml").write_text(text)
    before = _digest(built)
    try:
        build([CuratedLoader(data)], MemoryStore(built))
    except ValidationFailed as err:
        messages = "\n".join(str(p) for p in err.report.errors)
        assert "hostile.yaml" in messages
        if expected:
            assert expected in messages
    else:
        assert expected is None, f"{case} was accepted"
        return  # an enormous but valid line is legitimate data
    assert _digest(built) == before


def test_wrong_encoding_and_binary(tmp_path, built):
    data = tmp_path / "data"
    data.mkdir()
    (data / "utf16.yaml").write_bytes(SAMPLE_DRUG.encode("utf-16"))
    before = _digest(built)
    with pytest.raises(ValidationFailed, match="not UTF-8"):
        build([CuratedLoader(data)], MemoryStore(built))
    assert _digest(built) == before


def test_paths_escaping_the_data_directory_are_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(SAMPLE_DRUG)
    data = tmp_path / "data"
    data.mkdir()
    os.symlink(outside, data / "link.yaml")
    with pytest.raises(SourceError, match="outside the data directory"):
        CuratedLoader(data).load()


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "big.yaml").write_text(SAMPLE_DRUG)
    monkeypatch.setattr("loaders.yamlfile.read_yaml.__defaults__", (10,))
    batch = CuratedLoader(data).load()
    assert "larger than the 10-byte limit" in batch.report.errors[0].message
