"""Benchmarks of ketamine-kg at scale (issue 8): run ``python -m bench`` or ``scripts/bench.sh``."""

from __future__ import annotations

import socket

__all__ = ["free_port"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 (for the servers a benchmark starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
