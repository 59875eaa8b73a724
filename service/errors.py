"""Errors as JSON ``{"error": {"status", "message"}}``; never a stack trace or internal path."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from kg.errors import KGError, NotFound, QueryError, StoreUnavailable

__all__ = ["register", "error_response"]

log = logging.getLogger(__name__)


def error_response(status: int, message: str) -> tuple[Response, int]:
    """The one error shape every endpoint uses."""
    return jsonify({"error": {"status": status, "message": message}}), status


def register(app: Flask) -> None:
    """Install handlers mapping project errors to 400/404/503 and anything else to 500."""

    @app.errorhandler(NotFound)
    def _not_found(err: NotFound) -> tuple[Response, int]:
        return error_response(404, str(err))

    @app.errorhandler(QueryError)
    def _bad_query(err: QueryError) -> tuple[Response, int]:
        return error_response(400, str(err))

    @app.errorhandler(StoreUnavailable)
    def _unavailable(err: StoreUnavailable) -> tuple[Response, int]:
        log.error("store unavailable: %s", err)
        return error_response(503, "the graph store is unavailable; try again later")

    @app.errorhandler(KGError)
    def _kg_error(err: KGError) -> tuple[Response, int]:
        return error_response(400, str(err))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> tuple[Response, int]:
        return error_response(err.code or 500, err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> tuple[Response, int]:
        log.exception("unexpected error")
        return error_response(500, "internal error")
