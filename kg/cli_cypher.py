"""``kg cypher``: run a read-only Cypher query (or a library query) and print a table, JSON or CSV."""

from __future__ import annotations

import json
from typing import Any

import click

from kg.errors import KGError
from kg.settings import Settings

__all__ = ["cypher"]


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a VALUE that parses as JSON (``5``, ``true``, ``["a"]``) is taken as such."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


def _list_library() -> None:
    from kg.query.library import load_library

    for query in load_library():
        click.echo(f"{query.name}\n    {query.description}")
        if query.params:
            click.echo(f"    params: {json.dumps(query.params)}")


@click.command()
@click.argument("query", required=False)
@click.option("--query-name", "-n", help="Run the library query (docs/queries.cypher) with this name.")
@click.option("--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE",
              help="A query parameter ($KEY); repeatable. Library queries default to their example values.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds before the query is stopped.")
@click.option("--row-cap", type=click.IntRange(min=1), help="Most rows to return.")
@click.option("--list", "list_library", is_flag=True, help="List the library queries and exit.")
@click.pass_obj
def cypher(settings: Settings, query: str | None, query_name: str | None, pairs: tuple[str, ...], fmt: str,
           timeout: float | None, row_cap: int | None, list_library: bool) -> None:
    """Run a read-only Cypher QUERY against the graph (writes and LOAD CSV are refused)."""
    from kg.query.tabulate import format_table, to_csv
    from kg.store.open import open_store

    try:
        if list_library:
            _list_library()
            return
        params = _parse_params(pairs)
        if query_name:
            from kg.query.library import get_query

            entry = get_query(query_name)
            query, params = entry.query, {**entry.params, **params}
        if not query:
            raise click.UsageError("give a QUERY, --query-name NAME or --list")
        store = open_store(settings)
        try:
            result = store.cypher(query, params, timeout or settings.cypher_timeout, row_cap or settings.cypher_row_cap)
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(to_csv(result.columns, result.rows), nl=False)
    else:
        click.echo(format_table(result.columns, result.rows))
        note = " (truncated at the row cap)" if result.truncated else ""
        click.echo(f"{len(result.rows)} rows in {result.elapsed_ms:.0f} ms{note}", err=True)
