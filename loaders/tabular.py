"""Streaming helpers shared by the public-source loaders: lines, TSV rows, problems, progress.

Files are read line by line (gzip or plain, CRLF or LF, with or without a UTF-8 byte-order
mark), never loaded whole. Every malformed line (a NUL byte, a line longer than
:data:`MAX_LINE_CHARS`, the wrong number of fields) becomes a report error naming the file and
line; a file that breaks off (a truncated gzip, bad UTF-8) is reported at the line where reading
stopped and the rest of it is skipped. Files found in a directory must resolve inside it.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, ClassVar, Self, cast

from tqdm import tqdm

from kg.errors import SourceError
from kg.model import Origin
from kg.validate import Report
from ontology import Schema, load_schema

__all__ = ["Row", "SourceReader", "FileListLoader", "file_version", "find_files", "CurieMaker", "MAX_LINE_CHARS"]

MAX_LINE_CHARS = 1_000_000  # bytes; the longest line of any real source file is a few thousand


@dataclass(frozen=True)
class Row:
    """One data line: its 1-based line number and its fields (by column name when there is a header)."""

    line: int
    fields: dict[str, str]


def _open_bytes(path: Path) -> IO[bytes]:
    """Open plain or gzip bytes; lines are decoded one by one, so errors name their line."""
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))  # noqa: SIM115 - closed by the caller
    return path.open("rb")


def _split(line: str, quoted: bool) -> list[str]:
    """The tab-separated fields of ``line``; raises ``csv.Error`` for a malformed quoted line."""
    if quoted:
        return next(csv.reader([line], delimiter="\t", quotechar='"'))
    return line.split("\t")


def _long_lines(handle: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of ``handle``, each read with at most ``limit`` bytes in memory; a longer line
    is skipped to its end and yielded as None."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(limit + 1)
        yield None


class SourceReader:
    """Reads one source's files into rows, collecting problems into ``report``."""

    def __init__(self, report: Report, progress: bool = False, max_line: int = MAX_LINE_CHARS) -> None:
        self.report = report
        self.progress = progress
        self.max_line = max_line

    def error(self, code: str, message: str, path: Path | str, line: int | None = None,
              record: str | None = None) -> None:
        """Record one error at ``path``:``line``."""
        self.report.add("error", code, message, record or Path(path).name, Origin(str(path), line, record))

    def warn(self, code: str, message: str, path: Path | str, record: str | None = None) -> None:
        """Record one warning about ``path``."""
        self.report.add("warning", code, message, record or Path(path).name, Origin(str(path), None, record))

    def warn_counts(self, code: str, counts: Counter[str], what: str, path: Path | str) -> None:
        """One warning per counted kind: ``N <what> of kind K``, so nothing is dropped silently."""
        for kind, count in sorted(counts.items()):
            self.warn(code, f"{count} {what} {kind!r} not mapped to the schema (skipped)", path, kind)

    def lines(self, path: Path) -> Iterator[tuple[int, str]]:
        """Yield ``(line_number, text)`` without the line ending; report where reading broke off.

        Lines with a NUL byte or longer than ``max_line`` bytes are reported and skipped; a line
        that is not UTF-8 is reported and ends the file (a UTF-8 byte-order mark is dropped).
        """
        number = 0
        try:
            with _open_bytes(path) as handle:
                bar = tqdm(_long_lines(handle, self.max_line), desc=path.name, unit=" lines", file=sys.stderr,
                           disable=not self.progress, leave=False)
                for number, raw in enumerate(bar, start=1):
                    if number == 1 and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                        self.error("bad-encoding", "UTF-16 or UTF-32 text; save the file as UTF-8", path, number)
                        return
                    if raw is None:
                        self.error("long-line", f"line is longer than {self.max_line} bytes", path, number)
                    elif b"\x00" in raw:
                        self.error("bad-line", "line contains a NUL byte (binary data?)", path, number)
                    else:
                        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                        yield number, text.removesuffix("\n").removesuffix("\r")
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            self.error("truncated-file", f"compressed data ends or breaks after line {number}: {err}",
                       path, number + 1)
        except UnicodeDecodeError as err:
            self.error("bad-encoding", f"not UTF-8 text ({err.reason} at byte {err.start} of the line)", path, number)
        except OSError as err:
            raise SourceError(f"{path}: cannot read: {err.strerror or err}") from err

    def rows(self, path: Path, columns: Sequence[str] | None = None, quoted: bool = False,
             required: Sequence[str] = ()) -> Iterator[Row]:
        """Yield rows of a tab-separated file.

        Parameters
        ----------
        path
            The file (``.gz`` is decompressed on the fly).
        columns
            Column names for a file without a header row; None reads them from the first line.
        quoted
            Fields are wrapped in double quotes (the Disease Ontology reports).
        required
            Columns that must be present in the header; a missing one is an error for the whole file.
        """
        names = list(columns) if columns is not None else None
        data, errors_before = False, len(self.report.errors)
        for number, text in self.lines(path):
            if not text.strip():
                continue
            try:
                fields = _split(text, quoted)
            except csv.Error as err:
                self.error("bad-line", f"malformed quoted line: {err}", path, number)
                continue
            if names is None:
                names = [f.strip() for f in fields]
                missing = [c for c in required if c not in names]
                if missing:
                    self.error("bad-header", f"missing columns {missing}; found {names}", path, number)
                    return
                continue
            if len(fields) != len(names):
                self.error("bad-line", f"expected {len(names)} tab-separated fields, found {len(fields)}",
                           path, number)
                continue
            data = True
            yield Row(number, dict(zip(names, fields, strict=True)))
        if data or len(self.report.errors) > errors_before:
            return
        if names is None or columns is not None:
            self.error("empty-file", "the file is empty (no header, no data lines)", path, 1)
        else:
            self.warn("empty-file", "the file has a header but no data lines", path)


def file_version(paths: Iterable[Path]) -> str:
    """A content version for sources that state none: the first 12 hex digits of their SHA-256."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return f"sha256:{digest.hexdigest()[:12]}"


def find_files(paths: Iterable[Path], patterns: Sequence[str]) -> list[Path]:
    """Files among ``paths`` (files, or directories searched one level deep) matching any glob pattern."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            matched = sorted(p for pattern in patterns for p in path.glob(pattern) if p.is_file())
            root = path.resolve()
            escaping = [p for p in matched if not p.resolve().is_relative_to(root)]
            if escaping:
                raise SourceError(f"{escaping[0]}: resolves outside the data directory {root}; refusing to read it")
            found += matched
        elif path.is_file() and any(path.match(pattern) for pattern in patterns):
            found.append(path)
        elif not path.exists():
            raise SourceError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


class FileListLoader:
    """Base of a loader that reads the files matching :attr:`patterns` under the paths it is given.

    A subclass names its ``source`` (for messages), ``patterns`` and what the files are
    (``wanted``), and implements ``load``.
    """

    source: ClassVar[str]
    patterns: ClassVar[tuple[str, ...]]
    wanted: ClassVar[str]

    def __init__(self, files: Sequence[Path], schema: Schema | None = None, progress: bool = False) -> None:
        self.files = [Path(p) for p in files]
        self.schema = schema or load_schema()
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> Self:
        files = find_files(paths, list(cls.patterns))
        if not files:
            raise SourceError(f"{cls.source}: no {cls.wanted} among {[str(p) for p in paths]}")
        return cls(files, progress=progress)


class CurieMaker:
    """Builds schema CURIEs from a source's prefix spelling (``MSH``, ``mesh``, ``UMLS_CUI``, ...)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.table = {p.upper(): p for p in schema.prefixes}
        self.table.update({alias: name for alias, name in _ALIASES.items() if name})

    def __call__(self, prefix: str, local: str) -> str | None:
        """``PREFIX:local`` when the schema knows the prefix (any case) and the local id fits, else None."""
        known = self.table.get(prefix.strip().upper())
        if known is None:
            return None
        curie = f"{known}:{local.strip()}"
        return None if self.schema.curie_problem(curie) else curie

    def parse(self, curie: str) -> str | None:
        """Re-spell a ``prefix:local`` string from a source in the schema's spelling, or None."""
        prefix, sep, local = curie.partition(":")
        return self(prefix, local) if sep else None


_ALIASES = {"MSH": "MESH", "UMLS_CUI": "UMLS", "MIM": "OMIM", "ORDO": "ORPHANET", "NCI": "NCIT",
            "PUBCHEM_CID": "PUBCHEM.COMPOUND", "CHEMBL": "CHEMBL.COMPOUND", "CHEMBL_ID": "CHEMBL.COMPOUND",
            "DRUGBANK_ID": "DRUGBANK", "MESH_DESCRIPTOR_UI": "MESH", "MESH_SUPPLEMENTAL_RECORD_UI": "MESH",
            "KEGG_DRUG": "KEGG.DRUG", "IUPHAR_LIGAND_ID": "IUPHAR.LIGAND", "UMLSCUI": "UMLS", "RXNORM": "RXNORM",
            "NUI": "NDFRT", "NCBIGENE": "NCBIGene", "UNIPROT": "UniProtKB", "UNIPROTKB": "UniProtKB"}
