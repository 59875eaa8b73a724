"""The Flask service: JSON API and web form over a :class:`~kg.store.base.GraphStore`.

The service depends only on the store protocol; which backend serves is decided by the
settings (or by the ``store`` handed to :func:`create_app` in tests).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from kg.settings import Settings, load_settings
from kg.store.base import GraphStore

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: GraphStore | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: one blueprint per concern, the store kept in ``app.extensions``."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=256 * 1024)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if test_config:
        app.config.update(test_config)
    settings = settings or load_settings()
    if store is None:
        from kg.store.open import open_store

        store = open_store(settings)
    app.extensions["kg.settings"] = settings
    app.extensions["kg.store"] = store

    from service import api, errors

    errors.register(app)
    app.register_blueprint(api.bp)
    from service import analyst, openapi

    app.register_blueprint(analyst.bp)
    app.register_blueprint(openapi.bp)
    from service import sources, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(sources.bp)
    from service import web

    app.register_blueprint(web.bp)
    from service import hardening

    hardening.register(app)
    return app
