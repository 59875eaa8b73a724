"""``kg`` commands for Neo4j: the local server (``kg neo4j start|status|stop|import``, delegating to
:mod:`kg.neo4j_local`) and the bulk-import files (``kg export neo4j-import``), registered on the
groups of :mod:`kg.cli`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import _echo_err, export, main
from kg.errors import KGError
from kg.settings import Settings

__all__ = ["neo4j"]

_port = click.option("--port", type=click.IntRange(1, 65535), default=7687, show_default=True,
                     help="Bolt port on 127.0.0.1.")
_state_dir = click.option("--state-dir", type=click.Path(file_okay=False),
                          help="Pid and log files (default $KG_NEO4J_STATE_DIR or ~/.cache/ketamine-kg/neo4j).")


@main.group()
def neo4j() -> None:
    """A local Neo4j Community 5.26 (embedded, Bolt on 127.0.0.1; needs Java 17+ and Maven, not Docker)."""


@neo4j.command("start")
@_port
@click.option("--data-dir", type=click.Path(file_okay=False), help="Database directory (default: one per port).")
@click.option("--password", help="Password of the neo4j user (default NEO4J_PASSWORD, else ketamine-kg-dev).")
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to wait for Bolt.")
@_state_dir
@click.pass_obj
def neo4j_start(settings: Settings, port: int, data_dir: str | None, password: str | None, timeout: float,
                state_dir: str | None) -> None:
    """Start it (building the launcher with Maven on first use) and return once Bolt answers."""
    from kg import neo4j_local

    password = password or settings.neo4j_password or neo4j_local.DEFAULT_PASSWORD
    try:
        status = neo4j_local.start(port, data_dir, password, timeout, state_dir=state_dir)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"running pid={status.pid} uri={status.uri} data_dir={status.data_dir}")
    if port != neo4j_local.DEFAULT_PORT:
        _echo_err(f"use it with: NEO4J_URI={status.uri} NEO4J_PASSWORD=... KG_STORE=neo4j kg build")


@neo4j.command("status")
@_port
@_state_dir
def neo4j_status(port: int, state_dir: str | None) -> None:
    """Say whether it runs (exit status 3 if it does not)."""
    from kg import neo4j_local

    try:
        current = neo4j_local.status(port, state_dir=state_dir)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    state = "running" if current.running else "stopped"
    click.echo(f"{state} pid={current.pid} uri={current.uri} data_dir={current.data_dir} log={current.log_file}")
    if not current.running:
        sys.exit(3)


@neo4j.command("stop")
@_port
@_state_dir
def neo4j_stop(port: int, state_dir: str | None) -> None:
    """Stop it cleanly (SIGTERM, then SIGKILL after a minute)."""
    from kg import neo4j_local

    try:
        was_running = neo4j_local.stop(port, state_dir=state_dir)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo("stopped" if was_running else f"no local Neo4j was running on port {port}")


@neo4j.command("import")
@click.argument("csv_dir", type=click.Path(file_okay=False, exists=True))
@_port
@click.option("--data-dir", type=click.Path(file_okay=False), help="Database directory (default: the port's).")
@click.option("--overwrite", is_flag=True, help="Replace the database if it exists.")
@_state_dir
def neo4j_import(csv_dir: str, port: int, data_dir: str | None, overwrite: bool, state_dir: str | None) -> None:
    """Bulk-import the files of `kg export neo4j-import` into the (stopped) local Neo4j's database."""
    from kg import neo4j_local
    from kg.neo4j_local.admin import admin_import

    try:
        current = neo4j_local.status(port, state_dir=state_dir)
        target = Path(data_dir).expanduser().resolve() if data_dir else _default_data_dir(port, state_dir)
        if current.running and current.data_dir == target:
            raise KGError(f"the local Neo4j on port {port} serves {target}: run `kg neo4j stop` first")
        args = _import_args(Path(csv_dir), overwrite)
        output = admin_import(args, csv_dir, target)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    lines = output.splitlines()
    done = next((i for i, line in enumerate(lines) if line.startswith("IMPORT DONE")), len(lines))
    click.echo("\n".join(line.rstrip() for line in lines[done:] if line.strip()) or "imported")
    _echo_err(f"start it with: kg neo4j start --port {port}" + (f" --data-dir {target}" if data_dir else ""))


def _default_data_dir(port: int, state_dir: str | None) -> Path:
    from kg import neo4j_local
    from kg.neo4j_local.process import Instance

    base = Path(state_dir) if state_dir else neo4j_local.default_state_dir()
    return Instance.at(base, port).default_data_dir.resolve()


def _import_args(csv_dir: Path, overwrite: bool) -> list[str]:
    """The admin command's arguments for the files that `kg export neo4j-import` wrote into ``csv_dir``."""
    from kg.export.neo4j_import import ImportFiles

    command = ImportFiles.load(csv_dir).command()
    return [*command[1:4], "--verbose", *command[4:-1], *(["--overwrite-destination=true"] if overwrite else []),
            command[-1]]


@export.command("neo4j-import")
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
@click.option("--array-delimiter", default=";", show_default=True, help="Character between array elements.")
@click.pass_obj
def export_neo4j_import(settings: Settings, output: str, array_delimiter: str) -> None:
    """CSV files for `neo4j-admin database import full` (one per label and relationship type) and import.sh."""
    from kg.export.neo4j_import import write_neo4j_import
    from kg.store.open import open_store

    try:
        store = open_store(settings)
        try:
            files = write_neo4j_import(store.iter_nodes(), store.iter_edges(), Path(output),
                                       array_delimiter=array_delimiter)
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    _echo_err(f"wrote {len(files.nodes)} node files, {len(files.relationships)} relationship files and "
              f"{files.script} into {files.directory}; with Neo4j stopped, run there:")
    click.echo(files.command_line())
