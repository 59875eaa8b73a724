"""Shared fixtures: the schema, a small real sample of the corpus, stores, the app and clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline import build
from kg.settings import Settings
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader
from ontology import load_schema
from service import create_app

DATA = Path(__file__).parent / "data"
SMALL = DATA / "curated_small"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture
def small_dir() -> Path:
    return SMALL


@pytest.fixture
def small_store(tmp_path) -> MemoryStore:
    store = MemoryStore(tmp_path / "graph.jsonl")
    build([CuratedLoader(SMALL)], store)
    return store


@pytest.fixture
def app(small_store, tmp_path):
    settings = Settings(snapshot=tmp_path / "graph.jsonl")
    return create_app(settings, store=small_store, test_config={"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data file {path} is absent (tests read it from ../shared/data)")
    return path
