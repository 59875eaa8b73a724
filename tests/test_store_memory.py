import pytest

from kg.errors import StoreUnavailable
from kg.model import CURATED_SOURCE, Edge, Node, Provenance
from kg.store.base import GraphStore
from kg.store.memory import MemoryStore

PROV = Provenance(CURATED_SOURCE, "v1", publications=("PMID:1",))
NODES = [Node("CHEBI:6121", "Drug", "ketamine", ("Ketalar",), ("DRUGBANK:DB01221",), {"description": "d"}),
         Node("MONDO:0005146", "Condition", "PTSD"), Node("MONDO:0005618", "Condition", "anxiety disorder")]
EDGES = [Edge("MONDO:0005146", "SUBCLASS_OF", "MONDO:0005618", PROV)]


def test_is_a_graph_store():
    assert isinstance(MemoryStore(), GraphStore)


def test_snapshot_round_trip(tmp_path):
    path = tmp_path / "g.jsonl"
    MemoryStore(path).replace_all(NODES, EDGES)
    again = MemoryStore(path)
    assert list(again.iter_nodes()) == sorted(NODES, key=lambda n: n.id)
    assert list(again.iter_edges()) == EDGES
    assert again.get_node("CHEBI:6121").properties == {"description": "d"}
    assert again.counts().nodes == {"Condition": 2, "Drug": 1}
    assert again.descendants(["MONDO:0005618"]) == {"MONDO:0005618", "MONDO:0005146"}


def test_rewrite_is_idempotent(tmp_path):
    path = tmp_path / "g.jsonl"
    store = MemoryStore(path)
    store.replace_all(NODES, EDGES)
    first = path.read_bytes()
    store.replace_all(NODES, EDGES)
    assert path.read_bytes() == first


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_snapshot_is_refused_clearly(tmp_path, damage):
    path = tmp_path / "g.jsonl"
    MemoryStore(path).replace_all(NODES, EDGES)
    text = path.read_text()
    path.write_text({"truncate": text[: len(text) // 2], "garbage": "{]", "empty": ""}[damage])
    with pytest.raises(StoreUnavailable, match=str(path.name)):
        MemoryStore(path)


def test_failed_write_leaves_previous_snapshot(tmp_path, monkeypatch):
    path = tmp_path / "g.jsonl"
    MemoryStore(path).replace_all(NODES, EDGES)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kg.store.memory.os.fsync", boom)
    with pytest.raises(OSError):
        MemoryStore(path).replace_all(NODES[:1], [])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.jsonl"]
