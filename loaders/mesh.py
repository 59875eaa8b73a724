"""Loader for MeSH descriptors (dhimmel/mesh 2015: ``*terms.tsv`` and ``*tree-numbers.tsv``).

The category follows the descriptor's trees: C (diseases) and F03 (mental disorders) ->
Condition, D27 (chemical actions and uses) -> PharmacologicClass, other D (chemicals and drugs)
-> Drug, A (anatomy) -> Anatomy. Descriptors of other trees, or whose trees point to different
categories, are counted and reported, not guessed. A tree number's parent gives ``SUBCLASS_OF``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import SourceReader, file_version, find_files

__all__ = ["MeshLoader", "tree_category"]

SOURCE = "infores:mesh"
LICENSE = "NLM terms and conditions (public data)"


def tree_category(tree_number: str) -> str | None:
    """Our category for a MeSH tree number, or None.

    Examples
    --------
    >>> tree_category("D02.455.426.392.368.367.652"), tree_category("F03.600"), tree_category("G01")
    ('Drug', 'Condition', None)
    """
    if tree_number.startswith(("C", "F03")):
        return "Condition"
    if tree_number.startswith("D27"):
        return "PharmacologicClass"
    if tree_number.startswith("D"):
        return "Drug"
    if tree_number.startswith("A"):
        return "Anatomy"
    return None


class MeshLoader:
    """Read MeSH descriptors and their tree numbers."""

    name = SOURCE
    license = LICENSE

    def __init__(self, terms: Path, trees: Path, progress: bool = False) -> None:
        self.terms = Path(terms)
        self.trees = Path(trees)
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> MeshLoader:
        terms, trees = find_files(paths, ["*terms.tsv"]), find_files(paths, ["*tree-numbers.tsv"])
        if len(terms) != 1 or len(trees) != 1:
            shown = [str(p) for p in paths]
            raise SourceError(f"mesh: expected one *terms.tsv and one *tree-numbers.tsv among {shown}")
        return cls(terms[0], trees[0], progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        prov = Provenance(SOURCE, file_version([self.terms, self.trees]), "knowledge_assertion", "manual_agent",
                          license=LICENSE)
        names: dict[str, tuple[str, Origin]] = {}
        for row in reader.rows(self.terms, required=("mesh_id", "mesh_name")):
            mesh_id, name = row.fields["mesh_id"].strip(), row.fields["mesh_name"].strip()
            if not (mesh_id.startswith("D") and mesh_id[1:].isdigit()) or not name:
                reader.error("bad-line", f"not a descriptor id and name: {row.fields}", self.terms, row.line)
                continue
            if mesh_id in names and names[mesh_id][0] != name:
                reader.error("duplicate-id", f"{mesh_id} is also named {names[mesh_id][0]!r} "
                             f"(line {names[mesh_id][1].line})", self.terms, row.line, mesh_id)
                continue
            names.setdefault(mesh_id, (name, Origin(str(self.terms), row.line, mesh_id)))
        trees = self._trees(reader, set(names))
        skipped: Counter[str] = Counter()
        categories: dict[str, str] = {}
        for mesh_id, (name, origin) in names.items():
            kinds = {tree_category(t) for t in trees.get(mesh_id, [])}
            if len(kinds) != 1 or None in kinds:
                skipped["in no mapped tree" if kinds <= {None} else "in trees of several categories"] += 1
                continue
            categories[mesh_id] = kinds.pop() or ""
            batch.nodes.append(Node(f"MESH:{mesh_id}", categories[mesh_id], name, source=SOURCE, origin=origin))
        reader.warn_counts("unmapped-descriptor", skipped, "descriptors", self.terms)
        batch.edges.extend(_subclass_edges(trees, categories, names, prov))
        return batch

    def _trees(self, reader: SourceReader, known: set[str]) -> dict[str, list[str]]:
        trees: dict[str, list[str]] = defaultdict(list)
        for row in reader.rows(self.trees, required=("mesh_id", "mesh_tree_number")):
            mesh_id, tree = row.fields["mesh_id"].strip(), row.fields["mesh_tree_number"].strip()
            if mesh_id not in known or not tree:
                reader.error("bad-line", f"unknown descriptor or empty tree number: {row.fields}", self.trees,
                             row.line)
                continue
            trees[mesh_id].append(tree)
        return trees


def _subclass_edges(trees: dict[str, list[str]], categories: dict[str, str],
                    names: dict[str, tuple[str, Origin]], prov: Provenance) -> list[Edge]:
    """One SUBCLASS_OF edge per (descriptor, parent descriptor) found through the tree numbers."""
    owner = {tree: mesh_id for mesh_id, numbers in trees.items() for tree in numbers}
    pairs: dict[tuple[str, str], Origin] = {}
    for mesh_id, numbers in trees.items():
        for tree in numbers:
            parent = owner.get(tree.rpartition(".")[0]) if "." in tree else None
            if mesh_id in categories and parent in categories and parent != mesh_id:
                pairs.setdefault((mesh_id, parent), names[mesh_id][1])
    return [Edge(f"MESH:{child}", "SUBCLASS_OF", f"MESH:{parent}", prov, qualifier=SOURCE, origin=origin)
            for (child, parent), origin in pairs.items()]
