"""The ``kg`` command line: build, serve, stats, check, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.errors import KGError, ValidationFailed
from kg.settings import Settings, load_settings

__all__ = ["main"]


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), help="TOML settings file (or KG_CONFIG).")
@click.option("--store", type=click.Choice(["memory", "neo4j"]), help="Graph store (or KG_STORE).")
@click.option("--snapshot", type=click.Path(dir_okay=False), help="Embedded store file (or KG_SNAPSHOT).")
@click.version_option(package_name="ketamine-kg")
@click.pass_context
def main(ctx: click.Context, config: str | None, store: str | None, snapshot: str | None) -> None:
    """ketamine-kg: the evidence for ketamine and esketamine as a queryable knowledge graph."""
    try:
        ctx.obj = load_settings(config, store=store, snapshot=snapshot)
    except KGError as err:
        raise click.ClickException(str(err)) from err


def _curated_loader(settings: Settings, curated_dir: str | None):  # type: ignore[no-untyped-def]
    from loaders.curated import DEFAULT_DIR, CuratedLoader

    return CuratedLoader(Path(curated_dir) if curated_dir else settings.curated_dir or DEFAULT_DIR)


def _public_sources(sources: tuple[str, ...], sssom: tuple[str, ...], biolink_prefixes: str | None):  # type: ignore[no-untyped-def]
    """Loaders for ``--source NAME=PATH`` options and the normaliser that merges their ids (None if no option)."""
    from kg.normalize import make_normalizer
    from loaders.sources import make_loader, parse_source_options

    loaders = [make_loader(name, paths, progress=True) for name, paths in parse_source_options(sources).items()]
    if not loaders and not sssom and not biolink_prefixes:
        return [], None
    return loaders, make_normalizer([Path(p) for p in sssom], Path(biolink_prefixes) if biolink_prefixes else None)


@main.command()
@click.option("--curated-dir", type=click.Path(file_okay=False), help="Curated YAML directory.")
@click.option("--source", "sources", multiple=True, metavar="NAME=PATH",
              help="Also load a source (hetionet, sider, drugcentral, obo, disease-ontology, mesh, kgx, "
                   "clinicaltrials, pubmed) from a "
                   "file or directory; repeatable, paths of one source add up.")
@click.option("--sssom", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="SSSOM mapping file whose exact matches merge ids (repeatable).")
@click.option("--biolink-prefixes", type=click.Path(dir_okay=False, exists=True),
              help="Biolink preferred_prefixes_per_class.json: which id is preferred when records merge.")
@click.option("--open-only", is_flag=True,
              help="Keep only openly licensed records (no CC BY-NC/-SA or custom-licence sources).")
@click.option("--skip-invalid", is_flag=True,
              help="Leave out a --source's records whose ids are invalid (each reported as a warning) instead "
                   "of refusing the build; the curated corpus stays strict.")
@click.pass_obj
def build(settings: Settings, curated_dir: str | None, sources: tuple[str, ...], sssom: tuple[str, ...],
          biolink_prefixes: str | None, open_only: bool, skip_invalid: bool) -> None:
    """Load every source, validate, and write the graph (nothing is written on any error).

    With no --source option only the curated corpus is built, exactly as before.
    """
    from kg.pipeline import build as run_build
    from kg.store.open import open_store

    try:
        extra, normalizer = _public_sources(sources, sssom, biolink_prefixes)
        loaders = [_curated_loader(settings, curated_dir), *extra]
        if open_only:
            from kg.licenses import OpenOnly

            loaders = [OpenOnly(loader) for loader in loaders]
        store = open_store(settings)
        try:
            result = run_build(loaders, store, progress=_echo_err, normalize=normalizer, skip_invalid=skip_invalid)
        finally:
            store.close()
    except ValidationFailed as err:
        _echo_err(str(err.report))
        message = f"validation failed with {len(err.report.errors)} errors; nothing was written"
        raise click.ClickException(message) from err
    except KGError as err:
        raise click.ClickException(str(err)) from err
    for warning in result.report.warnings:
        _echo_err(str(warning))
    target = settings.snapshot if settings.store == "memory" else settings.neo4j_uri or "local Neo4j"
    click.echo(f"built {len(result.nodes)} nodes and {len(result.edges)} edges into {settings.store} ({target}) "
               f"in {result.seconds:.2f}s")


@main.command()
@click.option("--curated-dir", type=click.Path(file_okay=False), help="Curated YAML directory.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def check(settings: Settings, curated_dir: str | None, as_json: bool) -> None:
    """Validate the sources and report corpus coverage without writing anything."""
    from kg.corpus import coverage
    from kg.pipeline import collect

    try:
        _, nodes, edges, report = collect([_curated_loader(settings, curated_dir)], progress=_echo_err)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    cov = coverage(nodes, edges)
    if as_json:
        click.echo(json.dumps({"problems": [p.to_dict() for p in report.problems], "coverage": cov}, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(_format_coverage(cov))
    if not report.ok:
        sys.exit(1)


def _format_coverage(cov: dict[str, Any]) -> str:
    lines = ["nodes by category:"]
    lines += [f"  {k:<15} {v}" for k, v in cov["nodes"].items()]
    lines.append("edges by predicate:")
    lines += [f"  {k:<24} {v}" for k, v in cov["edges"].items()]
    ids = cov["study_identifiers"]
    lines.append("studies with identifiers: " + ", ".join(f"{k} {v}" for k, v in ids.items()))
    lines.append("studies by design: " + ", ".join(f"{k} {v}" for k, v in cov["designs"].items()))
    lacking = cov["without_external_id"]
    lines.append(f"entities without an external id ({len(lacking)}):")
    lines += [f"  {item}" for item in lacking]
    return "\n".join(lines)


@main.command()
@click.pass_obj
def stats(settings: Settings) -> None:
    """Counts of the built graph by category and predicate, and corpus coverage."""
    from kg.corpus import coverage
    from kg.store.open import open_store

    try:
        store = open_store(settings)
        try:
            nodes, edges = list(store.iter_nodes()), list(store.iter_edges())
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    if not nodes:
        raise click.ClickException("the graph is empty: run `kg build` first")
    from kg.cli_links import format_sources
    from kg.licenses import source_licenses

    click.echo(f"store: {settings.store}")
    click.echo(_format_coverage(coverage(nodes, edges)))
    click.echo(format_sources(source_licenses(nodes, edges)))


@main.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8765).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes (gunicorn, forked after the graph is loaded); 1 serves from threads "
                   "with waitress. Use the number of cores on a server.")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Threads per gunicorn worker (with --workers above 1).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int, threads: int) -> None:
    """Serve the JSON API and the web form with a production WSGI server."""
    from kg.serving import serve_app
    from service import create_app

    settings = settings.with_overrides(host=host, port=port)
    try:
        app = create_app(settings)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    if app.extensions["kg.store"].counts().total_nodes == 0:
        _echo_err("warning: the graph is empty; run `kg build` first")
    how = f"{workers} gunicorn workers" if workers > 1 else "waitress"
    _echo_err(f"serving on http://{settings.host}:{settings.port}/ (store: {settings.store}; {how})")
    try:
        serve_app(app, settings.host, settings.port, workers=workers, threads=threads)
    except KGError as err:
        raise click.ClickException(str(err)) from err


@main.group()
def export() -> None:
    """Export the schema or the graph."""


@export.command("ontology")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def export_ontology(output: str | None) -> None:
    """The schema as OWL in Turtle, linked to Biolink."""
    from kg.export.ontology import ontology_graph

    _write(ontology_graph().serialize(format="turtle"), output)


@export.command("rdf")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "json-ld"]), default="turtle")
@click.option("--with-ontology", is_flag=True, help="Add the schema's OWL (classes and properties linked to Biolink).")
@click.pass_obj
def export_rdf(settings: Settings, output: str | None, fmt: str, with_ontology: bool) -> None:
    """The graph as RDF with external IRIs and reified, provenanced, licensed edges."""
    from kg.export.rdf import graph_to_rdf
    from kg.store.open import open_store

    try:
        store = open_store(settings)
        try:
            graph = graph_to_rdf(store, with_ontology=with_ontology)
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    options: dict[str, Any] = {"auto_compact": True} if fmt == "json-ld" else {}
    _write(graph.serialize(format=fmt, **options), output)


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text)
        return
    path = Path(output)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    _echo_err(f"wrote {path}")


# registered last, as they add to the groups above: export kgx/sssom and fetch; neo4j and export neo4j-import
from kg import cli_links, cli_neo4j  # noqa: E402,F401
from kg.cli_cypher import cypher as _cypher_command  # noqa: E402 - a command kept in its own module

main.add_command(_cypher_command)
