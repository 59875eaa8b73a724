"""Loader for ClinicalTrials.gov study records (API v2 JSON, one study per file, from ``kg fetch``).

Each study becomes a Study ``NCT:`` node (title, design, enrolment, start year, results
publications as xrefs); its MeSH-coded conditions become ``STUDIES`` edges to Condition
``MESH:`` nodes and its MeSH-coded interventions ``INVESTIGATES`` edges to Drug ``MESH:`` nodes,
which normalisation merges with curated records sharing those MeSH xrefs. Conditions and
interventions that the registry did not code to MeSH are counted and reported. A record that is
not JSON, larger than :data:`MAX_RECORD_BYTES`, nested too deeply or whose fields have the wrong
JSON types is reported (file, line, field), never half-read.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import FileListLoader, SourceReader, file_version

__all__ = ["ClinicalTrialsLoader", "study_design"]

SOURCE = "infores:clinicaltrials"
LICENSE = "NLM terms and conditions (ClinicalTrials.gov)"
_NCT = re.compile(r"NCT\d{8}", re.ASCII)
_YEAR = re.compile(r"(\d{4})", re.ASCII)
MAX_RECORD_BYTES = 20_000_000  # a real study record is tens of kilobytes


def study_design(design_module: dict[str, Any]) -> str | None:
    """Our design name for a v2 ``designModule`` (None when the record does not say enough).

    Examples
    --------
    >>> study_design({"studyType": "INTERVENTIONAL", "designInfo": {"allocation": "RANDOMIZED"}})
    'rct'
    >>> study_design({"studyType": "OBSERVATIONAL"})
    'observational'
    """
    kind = design_module.get("studyType")
    info = _dict(design_module, "designInfo")
    if kind == "OBSERVATIONAL":
        return "observational"
    if kind != "INTERVENTIONAL":
        return None
    if info.get("allocation") == "RANDOMIZED":
        return "crossover_rct" if info.get("interventionModel") == "CROSSOVER" else "rct"
    masking = _dict(info, "maskingInfo").get("masking")
    return "open_label" if masking == "NONE" else None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _dict(data: Any, *path: str) -> dict[str, Any]:
    """The JSON object at ``path``, or an empty one when it is absent or not an object."""
    found = _get(data, *path)
    return found if isinstance(found, dict) else {}


def _dicts(data: Any, *path: str) -> list[dict[str, Any]]:
    """The JSON objects of the list at ``path`` (other items and a non-list value are ignored)."""
    found = _get(data, *path)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_record(path: Path) -> Any:
    """Parse one JSON record; raise ``ValueError`` saying what is wrong and where."""
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise ValueError(f"larger than the {MAX_RECORD_BYTES}-byte limit")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason} at byte {err.start})") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
    except RecursionError as err:
        raise ValueError("JSON nested too deeply") from err


class ClinicalTrialsLoader(FileListLoader):
    """Read ``NCT*.json`` study records (API v2)."""

    name = SOURCE
    license = LICENSE

    source = "clinicaltrials"
    patterns = ("NCT*.json",)
    wanted = "NCT*.json study records"

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        prov = Provenance(SOURCE, file_version(self.files), "knowledge_assertion", "manual_agent", license=LICENSE)
        others: dict[str, Node] = {}
        for path in self.files:
            try:
                record = read_record(path)
            except OSError as err:
                raise SourceError(f"{path}: cannot read: {err.strerror or err}") from err
            except ValueError as err:
                line = re.search(r"at line (\d+)", str(err))
                reader.error("bad-record", f"not a readable JSON study record: {err}", path,
                             int(line.group(1)) if line else None)
                continue
            self._study(record, path, batch, reader, prov, others)
        batch.nodes.extend(others[k] for k in sorted(others))
        return batch

    def _study(self, record: Any, path: Path, batch: Batch, reader: SourceReader, prov: Provenance,
               others: dict[str, Node]) -> None:
        nct = _get(record, "protocolSection", "identificationModule", "nctId")
        if not isinstance(nct, str) or not _NCT.fullmatch(nct):
            reader.error("bad-record", "no protocolSection.identificationModule.nctId", path)
            return
        study_id, origin = f"NCT:{nct}", Origin(str(path), None, nct)
        batch.nodes.append(self._study_node(record, study_id, nct, origin))
        study_prov = Provenance(prov.primary_knowledge_source, prov.source_version, prov.knowledge_level,
                                prov.agent_type, (study_id,), None, prov.license)
        uncoded: Counter[str] = Counter()
        links = (("conditionBrowseModule", "conditionsModule", "conditions", "Condition", "STUDIES"),
                 ("interventionBrowseModule", "armsInterventionsModule", "interventions", "Drug", "INVESTIGATES"))
        for browse, module, field, category, predicate in links:
            meshes = _get(record, "derivedSection", browse, "meshes") or []
            if not isinstance(meshes, list) or not all(isinstance(m, dict) for m in meshes):
                reader.error("bad-record", f"derivedSection.{browse}.meshes is not a list of objects", path, None, nct)
                continue
            for mesh in meshes:
                curie = f"MESH:{mesh.get('id', '')}"
                if self.schema.curie_problem(curie):
                    reader.error("bad-record", f"{browse} has a bad MeSH id {mesh.get('id')!r}", path, None, nct)
                    continue
                others.setdefault(curie, Node(curie, category, _string(mesh.get("term")) or curie, source=SOURCE,
                                              origin=origin))
                props = {"n": n} if predicate == "STUDIES" and (n := self._enrolment(record)) is not None else {}
                batch.edges.append(Edge(study_id, predicate, curie, study_prov, props, SOURCE, origin))
            if not meshes and _get(record, "protocolSection", module, field):
                uncoded[f"{field} without MeSH codes"] += 1
        reader.warn_counts("uncoded-record", uncoded, "records with", path)

    @staticmethod
    def _enrolment(record: Any) -> int | None:
        count = _get(record, "protocolSection", "designModule", "enrollmentInfo", "count")
        return count if isinstance(count, int) and not isinstance(count, bool) else None

    def _study_node(self, record: Any, study_id: str, nct: str, origin: Origin) -> Node:
        ident = _dict(record, "protocolSection", "identificationModule")
        brief = _string(ident.get("briefTitle"))
        title = _string(ident.get("officialTitle")) or brief or nct
        props: dict[str, Any] = {"title": title, "nct": nct}
        design = study_design(_dict(record, "protocolSection", "designModule"))
        if design:
            props.update(design=design, evidence_level=self.schema.design(design).level)
        n = self._enrolment(record)
        if n is not None:
            props["n"] = n
        start = _YEAR.match(str(_get(record, "protocolSection", "statusModule", "startDateStruct", "date") or ""))
        if start:
            props["year"] = int(start.group(1))
        refs = _dicts(record, "protocolSection", "referencesModule", "references")
        results = [f"PMID:{r['pmid']}" for r in refs
                   if r.get("type") == "RESULT" and str(r.get("pmid", "")).isascii() and str(r.get("pmid")).isdigit()]
        if len(results) == 1:
            props["pmid"] = results[0].partition(":")[2]
        return Node(study_id, "Study", brief or title, xrefs=tuple(results), properties=props,
                    source=SOURCE, origin=origin)
