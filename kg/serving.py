"""Serve the Flask app with a production WSGI server: waitress in one process, or gunicorn workers.

One Python process answers one request at a time (the GIL), so one process cannot use more
than one core however many threads it has. ``workers=1`` (the default, and the only choice
where gunicorn does not run, such as Windows) serves from threads in this process with
waitress. ``workers>1`` serves with gunicorn: the app, and with it the graph, is loaded once
here, then the workers are forked from this process and share its memory copy-on-write
(:func:`gc.freeze` first, so the collector does not touch, and so copy, the graph's pages).
A store whose connections cannot cross a fork (Neo4j's driver) closes them before
(``before_fork``) and opens new ones in each worker (``after_fork``).
Sync workers answer one request each at a time: on a 2-core machine ``--workers 2`` doubles
the requests per second and keeps the tail short (see ``bench/`` results).
"""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask

from kg.errors import ConfigError

__all__ = ["serve_app", "WAITRESS_THREADS", "WORKER_TIMEOUT_S"]

WAITRESS_THREADS = 8
WORKER_TIMEOUT_S = 120  # a worker silent for this long is restarted (analyst queries stop at their own timeout)


def serve_app(app: Flask, host: str, port: int, workers: int = 1, threads: int = 1) -> None:
    """Serve ``app`` on ``host:port`` until interrupted.

    ``workers`` processes (gunicorn) with ``threads`` threads each; with one worker, waitress
    with :data:`WAITRESS_THREADS` threads (or Flask's development server if waitress is missing).
    """
    if workers < 1 or threads < 1:
        raise ConfigError(f"workers and threads must be at least 1, got {workers} and {threads}")
    if workers == 1:
        try:
            from waitress import serve as waitress_serve
        except ImportError:
            app.run(host=host, port=port)
        else:
            waitress_serve(app, host=host, port=port, threads=WAITRESS_THREADS)
        return
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError as err:  # gunicorn needs a POSIX system
        raise ConfigError(f"--workers {workers} needs gunicorn, which cannot be imported here ({err}); "
                          "serve with one worker") from err

    store = app.extensions.get("kg.store")
    before_fork, after_fork = getattr(store, "before_fork", None), getattr(store, "after_fork", None)

    class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers, "threads": threads,
                "worker_class": "sync" if threads == 1 else "gthread",
                "preload_app": True, "timeout": WORKER_TIMEOUT_S, "accesslog": None,
            }
            if callable(after_fork):
                options["post_fork"] = lambda _arbiter, _worker: after_fork()
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    if callable(before_fork):
        before_fork()
    gc.collect()
    gc.freeze()  # the graph loaded so far stays out of the collector's reach in the forked workers
    _Gunicorn().run()
