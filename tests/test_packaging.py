"""The package ships what it needs at run time beyond Python modules: the local Neo4j launcher's
Maven project (built on first use), next to the schema and web assets."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_data() -> dict[str, list[str]]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["setuptools"]["package-data"]


def test_the_neo4j_launcher_ships_with_the_package():
    package = ROOT / "kg" / "neo4j_local"
    shipped = {path for pattern in package_data()["kg.neo4j_local"] for path in package.glob(pattern)}
    sources = {package / "launcher" / "pom.xml", *(package / "launcher" / "src").rglob("*.java")}
    assert len(sources) >= 2 and sources <= shipped
    assert not any("target" in path.relative_to(package).parts for path in shipped)  # no build output
