"""Errors raised while building, starting or stopping the local Neo4j."""

from __future__ import annotations

from kg.errors import KGError


class Neo4jLocalError(KGError):
    """Base class: the local Neo4j could not be built, started or stopped."""


class JavaNotFoundError(Neo4jLocalError):
    """No usable Java (17 or newer) was found."""


class LauncherBuildError(Neo4jLocalError):
    """Maven failed to build the launcher or resolve Neo4j; the message holds its output tail."""


class PortInUseError(Neo4jLocalError):
    """Something other than our launcher already listens on the requested port."""


class StartupError(Neo4jLocalError):
    """The launcher exited, refused the credentials or was not ready in time; holds the log tail."""
