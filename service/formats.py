"""Content negotiation and CSV answers (``?format=csv`` or ``Accept: text/csv``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, request

from kg.errors import QueryError
from kg.query.tabulate import to_csv

__all__ = ["wants_csv", "csv_response", "evidence_csv", "STUDY_COLUMNS", "CONSENSUS_COLUMNS"]

STUDY_COLUMNS = ("id", "title", "first_author", "year", "date", "journal", "design", "design_label",
                 "evidence_level", "n", "size", "pmid", "doi", "nct", "matched_conditions", "result", "direction")
CONSENSUS_COLUMNS = ("drug_id", "drug", "condition_id", "condition", "studies", "by_design", "participants",
                     "primary_studies_without_n", "directions", "directions_agree", "direction", "approvals")


def wants_csv() -> bool:
    """True when the client asked for CSV by ``format=csv`` or prefers ``text/csv`` in ``Accept``."""
    fmt = (request.args.get("format") or "").strip().lower()
    if fmt:
        if fmt not in ("json", "csv"):
            raise QueryError(f"format must be json or csv, not {fmt!r}")
        return fmt == "csv"
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def csv_response(columns: Sequence[str], rows: Sequence[Sequence[Any]], filename: str) -> Response:
    """A CSV download (UTF-8, header row, CRLF line ends)."""
    return Response(to_csv(columns, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _joined(value: Any) -> Any:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else value


def evidence_csv(answer: dict[str, Any]) -> Response:
    """The graded studies of an evidence answer, or its consensus with ``table=consensus``."""
    table = (request.args.get("table") or "studies").strip().lower()
    if table == "studies":
        rows = [[_joined(study.get(c)) for c in STUDY_COLUMNS] for study in answer["studies"]]
        return csv_response(STUDY_COLUMNS, rows, "evidence-studies.csv")
    if table == "consensus":
        rows = [[c["drug"]["id"], c["drug"]["name"], c["condition"]["id"], c["condition"]["name"], c["studies"],
                 c["by_design"], c["participants"], c["primary_studies_without_n"], c["directions"],
                 c["directions_agree"], c["direction"], c["approvals"]] for c in answer["consensus"]]
        return csv_response(CONSENSUS_COLUMNS, rows, "evidence-consensus.csv")
    raise QueryError(f"table must be studies or consensus, not {table!r}")
