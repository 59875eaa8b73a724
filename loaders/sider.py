"""Loader for SIDER 4.1 drug side effects (``meddra_all_se.tsv.gz``, no header row).

Each distinct (drug, MedDRA-term CUI) pair becomes a ``CAUSES_ADVERSE_EFFECT`` edge from the
drug to an AdverseEffect ``UMLS:<cui>``. The drug is the PubChem compound of the stereo STITCH
id (``CID000003821`` -> ``PUBCHEM.COMPOUND:3821``), as in Hetionet's SIDER integration; an
optional DrugBank-PubChem mapping (``drugbank_id``, ``pubchem_id``) adds DrugBank xrefs so the
drug merges with Hetionet's compounds. SIDER has no drug names: a drug is named by its CURIE
until normalisation merges it with a named record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import SourceReader, find_files

__all__ = ["SiderLoader", "SE_COLUMNS", "stitch_to_pubchem"]

SOURCE = "infores:sider"
VERSION = "4.1"
LICENSE = "CC-BY-NC-SA-4.0"
SE_COLUMNS = ("stitch_flat", "stitch_stereo", "umls_cui_from_label", "meddra_type", "umls_cui_from_meddra",
              "side_effect_name")


def stitch_to_pubchem(stitch_id: str) -> int | None:
    """PubChem CID of a STITCH compound id (``CID1...`` flat or ``CID0...`` stereo), or None.

    Examples
    --------
    >>> stitch_to_pubchem("CID000003821"), stitch_to_pubchem("CID100003821"), stitch_to_pubchem("x")
    (3821, 3821, None)
    """
    digits = stitch_id[3:]
    if not stitch_id.startswith("CID") or len(digits) != 9 or not digits.isdigit():
        return None
    return int(digits) % 100_000_000


class SiderLoader:
    """Read SIDER side effects.

    Parameters
    ----------
    side_effects
        ``meddra_all_se.tsv.gz`` (or the uncompressed TSV).
    drugbank_map
        Optional ``drugbank_id``/``pubchem_id`` TSV; a CID mapping to exactly one DrugBank id gets
        that id as an xref (several are reported, not guessed).
    """

    name = SOURCE
    license = LICENSE

    def __init__(self, side_effects: Path, drugbank_map: Path | None = None, progress: bool = False) -> None:
        self.side_effects = Path(side_effects)
        self.drugbank_map = Path(drugbank_map) if drugbank_map else None
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> SiderLoader:
        """``meddra_all_se.tsv[.gz]`` from ``paths`` plus an optional ``*pubchem*.tsv`` mapping file."""
        found = find_files(paths, ["meddra_all_se.tsv.gz", "meddra_all_se.tsv"])
        if len(found) != 1:
            raise SourceError(f"sider: expected one meddra_all_se.tsv[.gz] among {[str(p) for p in paths]}")
        mapping = [p for p in paths if p.is_file() and "pubchem" in p.name]
        return cls(found[0], mapping[0] if mapping else None, progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        xrefs = _drugbank_xrefs(self.drugbank_map, reader) if self.drugbank_map else {}
        prov = Provenance(SOURCE, VERSION, "knowledge_assertion", "text_mining_agent", license=LICENSE)
        drugs: dict[int, Origin] = {}
        effects: dict[str, tuple[str, Origin]] = {}
        pairs: dict[tuple[int, str], Origin] = {}
        path = self.side_effects
        no_meddra = 0
        for row in reader.rows(path, columns=SE_COLUMNS):
            cid = stitch_to_pubchem(row.fields["stitch_stereo"])
            cui = row.fields["umls_cui_from_meddra"].strip()
            name = row.fields["side_effect_name"].strip()
            if not cui and not row.fields["meddra_type"].strip():
                no_meddra += 1  # a label term SIDER could not place in MedDRA (e.g. a system organ class)
                continue
            flat = stitch_to_pubchem(row.fields["stitch_flat"])
            if cid is None or flat is None or not _is_cui(cui) or not name:
                reader.error("bad-line", f"cannot read STITCH id, UMLS CUI or name from {row.fields}", path, row.line)
                continue
            origin = Origin(str(path), row.line)
            drugs.setdefault(cid, origin)
            effects.setdefault(cui, (name, origin))
            pairs.setdefault((cid, cui), origin)
        if no_meddra:
            reader.warn("no-meddra-term", f"{no_meddra} rows have no MedDRA concept (no type, no CUI); skipped", path)
        for cid, origin in drugs.items():
            curie = f"PUBCHEM.COMPOUND:{cid}"
            batch.nodes.append(Node(curie, "Drug", curie, xrefs=xrefs.get(cid, ()), source=SOURCE, origin=origin))
        for cui, (name, origin) in effects.items():
            batch.nodes.append(Node(f"UMLS:{cui}", "AdverseEffect", name, source=SOURCE, origin=origin))
        for (cid, cui), origin in pairs.items():
            batch.edges.append(Edge(f"PUBCHEM.COMPOUND:{cid}", "CAUSES_ADVERSE_EFFECT", f"UMLS:{cui}", prov,
                                    qualifier=SOURCE, origin=origin))
        return batch


def _is_cui(text: str) -> bool:
    return len(text) == 8 and text.startswith("C") and text[1:].isdigit()


def _drugbank_xrefs(path: Path, reader: SourceReader) -> dict[int, tuple[str, ...]]:
    """PubChem CID -> its single DrugBank CURIE; CIDs with several DrugBank ids are reported and left out."""
    table: dict[int, set[str]] = defaultdict(set)
    for row in reader.rows(path, required=("drugbank_id", "pubchem_id")):
        drugbank, cid = row.fields["drugbank_id"].strip(), row.fields["pubchem_id"].strip()
        if not cid.isdigit() or not drugbank.startswith("DB"):
            reader.error("bad-line", f"cannot read DrugBank id / PubChem CID from {row.fields}", path, row.line)
            continue
        table[int(cid)].add(f"DRUGBANK:{drugbank}")
    ambiguous = sum(1 for ids in table.values() if len(ids) > 1)
    if ambiguous:
        reader.warn("ambiguous-mapping", f"{ambiguous} PubChem CIDs map to several DrugBank ids; "
                    "no DrugBank xref is added for them", path)
    return {cid: tuple(ids) for cid, ids in table.items() if len(ids) == 1}
