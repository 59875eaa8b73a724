"""Safe YAML reading that remembers the line of every mapping, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import SourceError

__all__ = ["LINE_KEY", "read_yaml"]

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings carry their 1-based line under ``LINE_KEY``.

    Anchors and aliases are refused: the corpus never needs them, and they are how
    "billion laughs" documents make a small file expand without limit.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type,no-any-return]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=deep)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: the corpus keeps them as written (ISO), and JSON needs no conversion.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, max_bytes: int = 20_000_000) -> Any:
    """Parse one YAML file safely; raise :class:`SourceError` naming the file and line."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{path}: {size} bytes is larger than the {max_bytes}-byte limit")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SourceError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise SourceError(f"{path}: cannot read: {err.strerror}") from err
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(err, "problem", None) or str(err)
        raise SourceError(f"{where}: invalid YAML: {problem}") from err
