"""One exception hierarchy for ketamine-kg (errors a user can act on, never bare tracebacks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.validate import Report


class KGError(Exception):
    """Base class of every error ketamine-kg raises on purpose."""


class ConfigError(KGError):
    """Bad settings: an unknown store, a missing file, an invalid value."""


class SchemaError(KGError):
    """The ontology schema itself is malformed, or a term is not in it."""


class ValidationFailed(KGError):
    """Records failed validation; nothing was written. Carries the report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(str(report))


class SourceError(KGError):
    """A source file cannot be read at all (missing, unparsable, outside the data directory)."""


class NotFound(KGError):
    """An id or name that the graph does not hold."""


class QueryError(KGError):
    """A query that cannot be run as asked (bad parameters, refused Cypher, timeout)."""


class StoreUnavailable(KGError):
    """The store cannot be reached or opened (server down, wrong credentials, corrupt file)."""


class CypherRefused(QueryError):
    """Analyst Cypher that would write, load files, run several statements or call a non-allowed procedure."""


class CypherUnsupported(QueryError):
    """Analyst Cypher using a feature the serving store's Cypher engine does not have."""


class CypherTimeout(QueryError):
    """Analyst Cypher that did not finish within the time limit (it was stopped)."""
