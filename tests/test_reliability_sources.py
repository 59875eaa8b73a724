"""Hostile input files for every public-source loader: a clear error naming the file (and line
where the format has lines), and the store left exactly as it was (snapshot checksum)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hostile_sources import CASES, FOUND_NAMES, Case

from kg.errors import SourceError, ValidationFailed
from kg.pipeline import build
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader
from loaders.sources import make_loader


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory, request) -> Path:
    """A snapshot of the small curated corpus, which no hostile build may change."""
    from conftest import SMALL

    path = tmp_path_factory.mktemp("store") / "graph.jsonl"
    build([CuratedLoader(SMALL)], MemoryStore(path))
    return path


def _write(directory: Path, files: dict[str, bytes]) -> Path:
    directory.mkdir()
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


@pytest.mark.parametrize("case", CASES, ids=[f"{c.source}-{c.name}" for c in CASES])
def test_hostile_file_is_reported_and_store_unchanged(tmp_path, built, case: Case):
    data = _write(tmp_path / "data", case.files)
    before = _digest(built)
    with pytest.raises(ValidationFailed) as caught:
        build([make_loader(case.source, [data])], MemoryStore(built))
    errors = caught.value.report.errors
    found = [p for p in errors if p.code == case.code and p.origin and Path(p.origin.file).name == case.file]
    assert found, f"expected {case.code} in {case.file}; got:\n" + "\n".join(map(str, errors))
    if case.line is not None:
        assert case.line in {p.origin.line for p in found if p.origin}, "\n".join(map(str, found))
    assert _digest(built) == before
    assert MemoryStore(built).counts().total_nodes > 0


@pytest.mark.parametrize("source", sorted(FOUND_NAMES))
def test_files_resolving_outside_the_data_directory_are_refused(tmp_path, source):
    secret = tmp_path / "secret.txt"
    secret.write_text("id\tname\tkind\n")
    data = tmp_path / "data"
    data.mkdir()
    os.symlink(secret, data / FOUND_NAMES[source])
    with pytest.raises(SourceError, match="outside the data directory"):
        make_loader(source, [data]).load()


def test_every_loader_has_hostile_cases():
    assert {c.source for c in CASES} == set(FOUND_NAMES)
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", ["billion-laughs", "xxe-file", "xxe-parameter-entity"])
def test_entity_attacks_are_refused_by_defusedxml_and_say_so(tmp_path, name):
    [case] = [c for c in CASES if c.source == "pubmed" and c.name == name]
    report = make_loader("pubmed", [_write(tmp_path / "data", case.files)]).load().report
    [error] = report.errors
    assert "entity declarations and external references are not allowed" in error.message
    assert "root:" not in error.message  # /etc/passwd was never read


def test_an_external_dtd_is_never_fetched(tmp_path):
    [case] = [c for c in CASES if c.name == "external-dtd-entity"]
    report = make_loader("pubmed", [_write(tmp_path / "data", case.files)]).load().report
    assert "undefined entity" in report.errors[0].message and "leaked" not in str(report)
