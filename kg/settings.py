"""One settings object: defaults < a TOML file < ``KG_*``/``NEO4J_*`` environment < arguments.

Nothing else reads the environment; the settings are built once and passed down.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

__all__ = ["Settings", "load_settings", "default_data_home"]

STORES = ("memory", "neo4j")


def default_data_home() -> Path:
    """Where the embedded snapshot lives by default (XDG data home)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ketamine-kg"


@dataclass(frozen=True)
class Settings:
    """Every setting ketamine-kg reads. Field names are the lower-case env names without ``KG_``."""

    store: str = "memory"
    snapshot: Path = field(default_factory=lambda: default_data_home() / "graph.jsonl")
    curated_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    cypher_timeout: float = 10.0
    cypher_row_cap: int = 10_000
    cors_origins: tuple[str, ...] = ()
    rate_limit_per_minute: int = 120  # analyst queries (/api/cypher, /api/sparql) per client address; 0: no limit
    rate_limit_burst: int = 30
    max_query_string: int = 16_384  # bytes of a request's query string (longer: 414)

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given (non-None) values converted and applied."""
        return _apply(self, {k: v for k, v in values.items() if v is not None}, "argument")


_ENV = {f.name: f"KG_{f.name.upper()}" for f in dataclasses.fields(Settings)}
_ENV.update({"neo4j_uri": "NEO4J_URI", "neo4j_user": "NEO4J_USER", "neo4j_password": "NEO4J_PASSWORD",
             "neo4j_database": "NEO4J_DATABASE"})


def _convert(name: str, value: Any, where: str) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    try:
        if "Path" in str(kind):
            return Path(value).expanduser()
        if kind in ("int", int):
            return int(value)
        if kind in ("float", float):
            return float(value)
        if "tuple" in str(kind):
            return tuple(v.strip() for v in value.split(",") if v.strip()) if isinstance(value, str) else tuple(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{where}: {name} = {value!r} is not valid ({err})") from err
    return str(value)


def _apply(base: Settings, values: Mapping[str, Any], where: str) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"{where}: unknown settings {sorted(unknown)}; known: {sorted(known)}")
    converted = {k: _convert(k, v, where) for k, v in values.items()}
    result = dataclasses.replace(base, **converted)
    if result.store not in STORES:
        raise ConfigError(f"{where}: store must be one of {STORES}, not {result.store!r}")
    return result


def load_settings(config_file: str | Path | None = None, environ: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Build settings from defaults, ``config_file`` (or ``KG_CONFIG``), the environment and overrides."""
    env = os.environ if environ is None else environ
    settings = Settings()
    path = config_file or env.get("KG_CONFIG")
    if path:
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as err:
            raise ConfigError(f"cannot read settings file {path}: {err.strerror}") from err
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: invalid TOML: {err}") from err
        settings = _apply(settings, data.get("ketamine-kg", data), str(path))
    from_env = {name: env[var] for name, var in _ENV.items() if env.get(var)}
    settings = _apply(settings, from_env, "environment")
    return settings.with_overrides(**overrides)
