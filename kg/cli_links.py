"""``kg`` commands that link the graph to the world: KGX and SSSOM exports, record downloads and
the source licence table (registered on the groups of :mod:`kg.cli`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from kg.cli import _echo_err, _write, export, main
from kg.errors import KGError
from kg.licenses import SourceLicense
from kg.settings import Settings

__all__ = ["format_sources"]


def format_sources(sources: Sequence[SourceLicense]) -> str:
    """The ``kg stats`` licence table; non-commercial sources are marked."""
    lines = ["sources and licences:"]
    for s in sources:
        mark = "  [NON-COMMERCIAL]" if s.non_commercial else "" if s.open else f"  [{'/'.join(s.classes)}]"
        lines.append(f"  {s.source:<32} {'; '.join(s.licenses) or 'no stated licence'}"
                     f" ({s.nodes} nodes, {s.edges} edges){mark}")
    return "\n".join(lines)


@export.command("kgx")
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
@click.pass_obj
def export_kgx(settings: Settings, output: str) -> None:
    """The graph as KGX TSV (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance,
    and context.jsonld declaring the id prefixes Biolink's prefix map lacks."""
    from kg.export.kgx import write_kgx
    from kg.store.open import open_store

    try:
        store = open_store(settings)
        try:
            paths = write_kgx(store.iter_nodes(), store.iter_edges(), Path(output))
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    _echo_err(f"wrote {paths[0]}, {paths[1]} and {paths[0].parent / 'context.jsonld'}")


@export.command("sssom")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_obj
def export_sssom(settings: Settings, output: str | None) -> None:
    """The graph's cross-references as an SSSOM mapping set (TSV with its curie_map header)."""
    import io

    from kg.export.sssom import write_sssom
    from kg.store.open import open_store

    buffer = io.StringIO()
    try:
        store = open_store(settings)
        try:
            count = write_sssom(store.iter_nodes(), buffer)
        finally:
            store.close()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    _write(buffer.getvalue().rstrip("\n"), output)
    _echo_err(f"{count} mappings")


@main.group()
def fetch() -> None:
    """Download source records (needs the internet) for `kg build --source clinicaltrials=DIR` / `pubmed=DIR`."""


def _fetched(paths: list[Path]) -> None:
    for path in paths:
        click.echo(str(path))


@fetch.command("clinicaltrials")
@click.argument("ids", nargs=-1, required=True)
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
def fetch_clinicaltrials(ids: tuple[str, ...], output: str) -> None:
    """ClinicalTrials.gov studies (API v2 JSON), one NCT….json per id."""
    from kg.fetch import fetch_clinicaltrials as run

    try:
        _fetched(run(list(ids), Path(output)))
    except KGError as err:
        raise click.ClickException(str(err)) from err


@fetch.command("pubmed")
@click.argument("ids", nargs=-1, required=True)
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
def fetch_pubmed(ids: tuple[str, ...], output: str) -> None:
    """PubMed articles (E-utilities efetch XML), one PMID….xml per id (ids with or without `PMID:`)."""
    from kg.fetch import fetch_pubmed as run

    try:
        _fetched(run([i.removeprefix("PMID:") for i in ids], Path(output)))
    except KGError as err:
        raise click.ClickException(str(err)) from err
