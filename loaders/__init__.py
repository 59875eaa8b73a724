"""Loaders turn sources into typed :class:`~kg.model.Node`/:class:`~kg.model.Edge` records.

A loader never touches a store. It returns a :class:`Batch`: the records it could build and a
:class:`~kg.validate.Report` of the problems it met (file, line, record), so the pipeline can
refuse to write when anything is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kg.model import Edge, Node
from kg.validate import Report

__all__ = ["Batch", "Loader"]


@dataclass
class Batch:
    """Records from one source and the problems met while reading it."""

    source: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    license: str | None = None


class Loader(Protocol):
    """A source of records: ``name`` is its infores id, ``license`` an SPDX-style licence."""

    name: str
    license: str

    def load(self) -> Batch:
        """Read the source and return its records and problems."""
        ...
