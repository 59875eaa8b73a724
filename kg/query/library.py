"""The analyst query library: named, documented Cypher queries kept in ``docs/queries.cypher``.

Each entry is a ``// name:`` line, a ``// description:`` line, an optional ``// params:`` line
with a JSON object of example values, and the query up to the next ``// name:`` (a trailing
semicolon is dropped). Every query must pass the read-only guard and give an example value for
each ``$parameter`` it uses; any problem is reported with its line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, KGError, NotFound
from kg.query.cypher_guard import check_read_only

__all__ = ["LibraryQuery", "DEFAULT_PATH", "load_library", "get_query"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "queries.cypher"
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HEADER = re.compile(r"//\s*(name|description|params):\s*(.*)")


@dataclass(frozen=True)
class LibraryQuery:
    """One library entry: its name, what it answers, the Cypher and example parameter values."""

    name: str
    description: str
    query: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "query": self.query, "params": self.params}


def _entries(text: str) -> list[tuple[int, dict[str, str], list[str]]]:
    """Split the file into (line, header fields, query lines); text before the first name is ignored."""
    entries: list[tuple[int, dict[str, str], list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.fullmatch(line.strip())
        if header and header.group(1) == "name":
            entries.append((number, {"name": header.group(2).strip()}, []))
        elif not entries:
            continue
        elif header and not entries[-1][2]:
            entries[-1][1][header.group(1)] = header.group(2).strip()
        else:
            entries[-1][2].append(line)
    return entries


def _build(path: Path, number: int, fields: dict[str, str], lines: list[str]) -> LibraryQuery:
    where = f"{path}:{number}"
    name, description = fields["name"], fields.get("description", "")
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{where}: query name {name!r} must be snake_case")
    if not description:
        raise ConfigError(f"{where}: query {name} has no `// description:` line")
    try:
        params = json.loads(fields.get("params") or "{}")
    except json.JSONDecodeError as err:
        raise ConfigError(f"{where}: params of {name} are not a JSON object: {err}") from err
    if not isinstance(params, dict):
        raise ConfigError(f"{where}: params of {name} must be a JSON object")
    try:
        guarded = check_read_only("\n".join(lines).strip())
    except KGError as err:
        raise ConfigError(f"{where}: query {name}: {err}") from err
    missing = sorted({t.value for t in guarded.tokens if t.kind == "param"} - set(params))
    if missing:
        raise ConfigError(f"{where}: query {name} uses parameters without example values: {missing}")
    return LibraryQuery(name, description, guarded.text, params, number)


def load_library(path: Path | None = None) -> list[LibraryQuery]:
    """Every query of the library file, in file order; raises ConfigError on any problem."""
    path = path or DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read the query library {path}: {err.strerror}") from err
    queries = [_build(path, number, fields, lines) for number, fields, lines in _entries(text)]
    seen: set[str] = set()
    for query in queries:
        if query.name in seen:
            raise ConfigError(f"{path}:{query.line}: query name {query.name} is used twice")
        seen.add(query.name)
    return queries


def get_query(name: str, path: Path | None = None) -> LibraryQuery:
    """The library query called ``name``; raises NotFound listing the names there are."""
    queries = load_library(path)
    for query in queries:
        if query.name == name:
            return query
    raise NotFound(f"no library query named {name!r}; known: {', '.join(q.name for q in queries)}")
