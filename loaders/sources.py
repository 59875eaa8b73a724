"""Public-source loaders by name, for ``kg build --source NAME=PATH``.

Each factory takes the paths the user gave for that source (files or directories; the data
stays where it is, nothing is copied into the repository) and returns a loader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from kg.errors import ConfigError
from loaders import Loader

__all__ = ["SOURCES", "make_loader", "parse_source_options"]

# source name -> (module, class); each class has ``from_paths(paths, progress=...)``
SOURCES: dict[str, tuple[str, str]] = {
    "hetionet": ("loaders.hetionet", "HetionetLoader"),
    "sider": ("loaders.sider", "SiderLoader"),
    "drugcentral": ("loaders.drugcentral", "DrugCentralLoader"),
    "obo": ("loaders.obo", "OboLoader"),
    "disease-ontology": ("loaders.disease_ontology", "DiseaseOntologyLoader"),
    "mesh": ("loaders.mesh", "MeshLoader"),
    "kgx": ("loaders.kgx", "KgxLoader"),
    "clinicaltrials": ("loaders.clinicaltrials", "ClinicalTrialsLoader"),
    "pubmed": ("loaders.pubmed", "PubMedLoader"),
}


def make_loader(name: str, paths: Sequence[Path], progress: bool = False) -> Loader:
    """The loader for source ``name`` reading ``paths``; raise :class:`ConfigError` for an unknown name."""
    if name not in SOURCES:
        raise ConfigError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}")
    module, cls = SOURCES[name]
    factory: Callable[..., Loader] = getattr(import_module(module), cls).from_paths
    return factory([Path(p) for p in paths], progress=progress)


def parse_source_options(options: Sequence[str]) -> dict[str, list[Path]]:
    """``["hetionet=/a", "hetionet=/b", "sider=/c"]`` -> ``{"hetionet": [/a, /b], "sider": [/c]}``.

    Examples
    --------
    >>> parse_source_options(["sider=/data/sider"])
    {'sider': [PosixPath('/data/sider')]}
    """
    sources: dict[str, list[Path]] = {}
    for option in options:
        name, sep, path = option.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ConfigError(f"--source {option!r}: expected NAME=PATH (names: {', '.join(sorted(SOURCES))})")
        if name.strip() not in SOURCES:
            raise ConfigError(f"--source {option!r}: unknown source; known: {', '.join(sorted(SOURCES))}")
        sources.setdefault(name.strip(), []).append(Path(path.strip()).expanduser())
    return sources
