"""docker-compose.yml, Dockerfile, .env.example and .dockerignore hold together (no Docker engine
runs here, so their structure is what is checked)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_VAR = re.compile(r"\$\{NEO4J_PASSWORD:\?[^}]+\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_neo4j_service(compose):
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert PASSWORD_VAR.fullmatch(neo4j["environment"]["NEO4J_AUTH"].removeprefix("neo4j/"))
    assert "neo4j-data:/data" in neo4j["volumes"] and "neo4j-data" in compose["volumes"]
    health = neo4j["healthcheck"]
    assert health["test"][0] == "CMD-SHELL" and "cypher-shell" in health["test"][1]
    assert {"interval", "timeout", "retries", "start_period"} <= set(health)
    assert all(port.startswith("127.0.0.1:") for port in neo4j["ports"])


def test_kg_service(compose):
    kg = compose["services"]["kg"]
    assert kg["build"] == "."
    env = kg["environment"]
    assert (env["KG_STORE"], env["NEO4J_URI"], env["NEO4J_USER"]) == ("neo4j", "bolt://neo4j:7687", "neo4j")
    assert PASSWORD_VAR.fullmatch(env["NEO4J_PASSWORD"])
    assert kg["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert kg["ports"] == ["127.0.0.1:8765:8765"]
    assert "/api/health" in " ".join(kg["healthcheck"]["test"])


def test_env_example_defines_every_variable_the_compose_file_uses(compose):
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    defined = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert used == {"NEO4J_PASSWORD"} and used <= set(defined)
    assert len(defined["NEO4J_PASSWORD"]) >= 8  # Neo4j 5 refuses shorter passwords
    assert "/.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_dockerfile_builds_then_serves(dockerfile):
    stages = [line.split()[1] for line in dockerfile if line.startswith("FROM ")]
    assert stages[-1] == "python:3.11-slim"
    assert any(line.startswith("RUN pip install .") for line in dockerfile)
    [cmd] = [line for line in dockerfile if line.startswith(("CMD ", "ENTRYPOINT "))]
    argv = json.loads(cmd.split(" ", 1)[1])
    script = argv[-1]
    assert argv[:2] == ["sh", "-c"] and script.startswith("kg build && ")
    assert "kg serve --host 0.0.0.0 --port 8765" in script
    assert "EXPOSE 8765" in dockerfile and "ENV KG_STORE=neo4j" in " ".join(dockerfile)


def test_dockerfile_copies_only_what_exists_and_is_not_ignored(dockerfile):
    ignored = [line for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")]
    assert {".git", ".env", ".venv", "node_modules", "tests"} <= set(ignored)
    for line in dockerfile:
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
                assert not any(source == pattern or source.startswith(f"{pattern}/") for pattern in ignored), source
