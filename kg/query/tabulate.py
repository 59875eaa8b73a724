"""Query answers as text: a fixed-width table for terminals and CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["cell_text", "format_table", "to_csv"]


def cell_text(value: Any) -> str:
    """A value as one line of text: null is empty, strings as they are, the rest as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    """A plain table with a header rule; cells longer than ``max_width`` are clipped.

    >>> print(format_table(["drug", "n"], [["ketamine", 3], ["esketamine", None]]))
    drug        n
    ----------  -
    ketamine    3
    esketamine
    """
    cells = [[_clip(str(c), max_width) for c in columns]]
    cells += [[_clip(cell_text(v), max_width) for v in row] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV with a header row; lists and maps are written as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()
