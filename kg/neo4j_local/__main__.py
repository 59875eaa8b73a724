"""``python -m kg.neo4j_local start|status|stop``: manage the local Neo4j from a shell."""

from __future__ import annotations

import sys

import click

from kg import neo4j_local

_port = click.option("--port", default=neo4j_local.DEFAULT_PORT, show_default=True, type=int)
_state_dir = click.option("--state-dir", default=None, type=click.Path(file_okay=False),
                          help="Default: $KG_NEO4J_STATE_DIR or ~/.cache/ketamine-kg/neo4j.")


@click.group()
def main() -> None:
    """Run Neo4j Community 5.26 locally, embedded in a Java launcher built with Maven."""


@main.command()
@_port
@_state_dir
@click.option("--data-dir", default=None, type=click.Path(file_okay=False))
@click.option("--timeout", default=180.0, show_default=True, type=float)
def start(port: int, state_dir: str | None, data_dir: str | None, timeout: float) -> None:
    """Start it (password: $NEO4J_PASSWORD or ketamine-kg-dev) and wait for Bolt."""
    try:
        status = neo4j_local.start(port, data_dir, timeout=timeout, state_dir=state_dir)
    except neo4j_local.Neo4jLocalError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"running pid={status.pid} uri={status.uri} data_dir={status.data_dir}")


@main.command()
@_port
@_state_dir
def status(port: int, state_dir: str | None) -> None:
    """Print whether it runs; exit 3 if it does not."""
    current = neo4j_local.status(port, state_dir=state_dir)
    state = "running" if current.running else "stopped"
    click.echo(f"{state} pid={current.pid} uri={current.uri} data_dir={current.data_dir}")
    if not current.running:
        sys.exit(3)


@main.command()
@_port
@_state_dir
def stop(port: int, state_dir: str | None) -> None:
    """Stop it cleanly."""
    try:
        was_running = neo4j_local.stop(port, state_dir=state_dir)
    except neo4j_local.Neo4jLocalError as err:
        raise click.ClickException(str(err)) from err
    click.echo("stopped" if was_running else "was not running")


if __name__ == "__main__":
    main()
