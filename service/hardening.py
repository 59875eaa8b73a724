"""Service hardening: request limits, security headers, a rate limit on the query endpoints, CORS.

* Request limits: bodies above ``MAX_CONTENT_LENGTH`` answer 413, query strings above
  ``Settings.max_query_string`` bytes answer 414, and JSON nested too deeply to parse is a 400
  (never a ``RecursionError`` and a 500).
* Every response carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: same-origin`` and a Content-Security-Policy: the pages' own policy where
  :mod:`service.web` (or the API docs) set one, else ``default-src 'none'``.
* Error bodies never show an internal path: the install, home and temporary directories are
  replaced by ``…`` (the 500 handler already hides the exception itself).
* ``/api/cypher`` and ``/api/sparql`` are rate-limited per client address with a token bucket
  (``Settings.rate_limit_per_minute`` tokens a minute, bursts of ``rate_limit_burst``; 0 turns it
  off), shared by all workers of ``kg serve --workers``; over the limit they answer 429 with
  ``Retry-After``.
* CORS is off unless ``Settings.cors_origins`` names origins (``*`` for any): only those get
  ``Access-Control-Allow-Origin`` on ``/api/`` answers and preflight requests.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import multiprocessing
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider

from kg.settings import Settings
from service.errors import error_response

__all__ = ["register", "TokenBuckets", "API_CSP", "LIMITED_PATHS"]

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
LIMITED_PATHS = ("/api/cypher", "/api/sparql")
_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
_CORS_METHODS = "GET, POST, OPTIONS"
_CORS_HEADERS = "Content-Type, Accept"


class TokenBuckets:
    """One token bucket per client key: ``rate`` tokens a second, at most ``burst`` saved up.

    The buckets live in shared memory (an anonymous shared mapping) behind a process-shared
    lock, so the processes forked from the one that made them share them: under
    ``kg serve --workers N`` a client gets the configured rate in all, not N times it. Safe for
    threads too (waitress). A fixed table of ``max_clients`` slots, each a key's 64-bit hash,
    its tokens and when they were counted; a new key takes an empty slot among the few it may
    use, else the fullest (idlest) bucket there.
    """

    _SLOT = struct.Struct("<Qdd")  # key hash (0: empty), tokens, time of the count
    _PROBES = 8
    LOCK_TIMEOUT_S = 1.0  # the lock is held for microseconds; longer means its holder died

    def __init__(self, per_minute: int, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self.max_clients = max(max_clients, 1)
        self._table = mmap.mmap(-1, self.max_clients * self._SLOT.size)  # MAP_SHARED: survives fork()
        self._lock = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until a token is due."""
        now = time.monotonic() if now is None else now  # CLOCK_MONOTONIC: one clock for all processes
        hashed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") or 1
        if not self._lock.acquire(timeout=self.LOCK_TIMEOUT_S):
            return 0.0  # a worker killed while holding the lock must not stop every query: allow
        try:
            offset = self._slot(hashed, now)
            stored, tokens, last = self._SLOT.unpack_from(self._table, offset)
            if stored != hashed:
                tokens, last = self.burst, now
            tokens = min(self.burst, tokens + max(now - last, 0.0) * self.rate)
            if tokens >= 1.0:
                self._SLOT.pack_into(self._table, offset, hashed, tokens - 1.0, now)
                return 0.0
            self._SLOT.pack_into(self._table, offset, hashed, tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf
        finally:
            self._lock.release()

    def clients(self) -> int:
        """How many buckets the table holds."""
        with self._lock:
            return sum(1 for (stored, _, _) in self._SLOT.iter_unpack(self._table) if stored)

    def _slot(self, hashed: int, now: float) -> int:
        """The offset of ``hashed``'s slot: its own, else the first empty one of its probes, else
        the fullest bucket among them (slots are never emptied, so a key is never past an empty one)."""
        fullest, fullest_tokens = -1, -1.0
        for probe in range(min(self._PROBES, self.max_clients)):
            offset = ((hashed + probe) % self.max_clients) * self._SLOT.size
            stored, tokens, last = self._SLOT.unpack_from(self._table, offset)
            if stored in (hashed, 0):
                return offset
            level = tokens + max(now - last, 0.0) * self.rate
            if level > fullest_tokens:
                fullest, fullest_tokens = offset, level
        return fullest


class _DepthSafeJSON(DefaultJSONProvider):
    """Flask's JSON provider, but JSON too deeply nested to parse is a ``ValueError`` (400), not a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "", 0) from None


def _settings() -> Settings:
    return current_app.extensions["kg.settings"]  # type: ignore[no-any-return]


def _private_roots() -> list[str]:
    """Directories whose names must not reach a client, longest first."""
    import kg

    roots = {str(Path(kg.__file__).resolve().parents[1]), sys.prefix, sys.base_prefix, str(Path.home()),
             tempfile.gettempdir()}
    return sorted((r for r in roots if len(r) > 1), key=len, reverse=True)


def _limits() -> Response | tuple[Response, int] | None:
    """Before each request: the query-string limit, then the rate limit of the query endpoints."""
    settings = _settings()
    if len(request.query_string) > settings.max_query_string:
        return error_response(414, f"the query string is longer than {settings.max_query_string} bytes; "
                                   "send long queries in a POST body")
    if request.method == "OPTIONS" or request.path not in LIMITED_PATHS:
        return None
    buckets: TokenBuckets | None = current_app.extensions.get("kg.rate_limit")
    wait = buckets.take(request.remote_addr or "unknown") if buckets is not None else 0.0
    if not wait:
        return None
    response, status = error_response(429, f"too many queries from this address; at most "
                                           f"{settings.rate_limit_per_minute} a minute, try again in "
                                           f"{math.ceil(wait)} s")
    response.headers["Retry-After"] = str(math.ceil(wait))
    return response, status


def _cors_preflight() -> Response | None:
    """Answer a CORS preflight for an allowed origin (else let Flask answer OPTIONS as usual)."""
    origin = request.headers.get("Origin")
    if request.method != "OPTIONS" or not origin or not request.path.startswith("/api/") \
            or not _allowed_origin(origin):
        return None
    return Response(status=204)


def _allowed_origin(origin: str) -> bool:
    allowed = _settings().cors_origins
    return "*" in allowed or origin in allowed


def _headers(response: Response) -> Response:
    """After each request: security headers, CORS for allowed origins, and path-free error bodies."""
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    origin = request.headers.get("Origin")
    if origin and request.path.startswith("/api/") and _allowed_origin(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = _CORS_METHODS
        response.headers["Access-Control-Allow-Headers"] = _CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    if response.status_code >= 400 and response.mimetype == "application/json" and not response.direct_passthrough:
        text = response.get_data(as_text=True)
        cleaned = text
        for root in current_app.extensions["kg.private_roots"]:
            cleaned = cleaned.replace(json.dumps(root)[1:-1], "…")
        if cleaned != text:
            response.set_data(cleaned)
    return response


def _document_429(app: Flask) -> None:
    """Add the rate limit's 429 answer to the OpenAPI operations of the limited endpoints."""
    from service.apidoc import ref

    answer = {"description": "Too many queries from this address; wait Retry-After seconds",
              "headers": {"Retry-After": {"schema": {"type": "integer"}}},
              "content": {"application/json": {"schema": ref("Error"), "example": {
                  "error": {"status": 429, "message": "too many queries from this address"}}}}}
    for rule in app.url_map.iter_rules():
        if rule.rule in LIMITED_PATHS:
            from service.apidoc import API_OPERATIONS

            view = app.view_functions[rule.endpoint]
            op = getattr(view, "openapi", None) or API_OPERATIONS.get(rule.endpoint)
            if op is not None:
                op.setdefault("responses", {}).setdefault("429", answer)


def register(app: Flask) -> None:
    """Install the limits, headers and CORS handling on ``app`` (after its blueprints)."""
    settings: Settings = app.extensions["kg.settings"]
    provider = _DepthSafeJSON(app)
    provider.sort_keys = app.json.sort_keys  # type: ignore[attr-defined]
    app.json = provider
    app.extensions["kg.private_roots"] = _private_roots()
    if settings.rate_limit_per_minute > 0:
        app.extensions["kg.rate_limit"] = TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app.before_request(_cors_preflight)
    app.before_request(_limits)
    app.after_request(_headers)
    _document_429(app)
