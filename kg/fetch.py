"""Download source records for the loaders: ClinicalTrials.gov studies (API v2 JSON) and PubMed
articles (E-utilities ``efetch`` XML), one file per record, written atomically.

Needs the internet; when the service cannot be reached :class:`FetchError` says so plainly
(nothing is written). Each download is checked to parse as the expected format before it is
kept, so a loader never meets an error page saved as a record.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

import defusedxml.ElementTree as SafeET

from kg.errors import KGError

__all__ = ["FetchError", "fetch_clinicaltrials", "fetch_pubmed", "CLINICALTRIALS_URL", "EFETCH_URL"]

CLINICALTRIALS_URL = "https://clinicaltrials.gov/api/v2/studies/{nct}?format=json"
EFETCH_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
USER_AGENT = "ketamine-kg (kg fetch)"
PAUSE = 0.4  # seconds between requests: E-utilities allow three a second without an API key
_NCT = re.compile(r"NCT\d{8}")
Opener = Callable[[urllib.request.Request, float], bytes]


class FetchError(KGError):
    """A record could not be downloaded (no network, unknown id, unexpected answer)."""


def _open(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - fixed https URLs
        return bytes(response.read())


def _download(url: str, what: str, timeout: float, opener: Opener) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        return opener(request, timeout)
    except urllib.error.HTTPError as err:
        raise FetchError(f"{what}: the service answered HTTP {err.code} ({err.reason})") from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise FetchError(f"{what}: cannot reach {urllib.parse.urlsplit(url).netloc} ({reason}); "
                         "is this machine connected to the internet?") from err


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _fetch_each(ids: Sequence[str], directory: Path, fetch_one: Callable[[str], tuple[str, bytes]]) -> list[Path]:
    """Fetch the ids one by one (pausing between requests); write each answer as the file
    ``fetch_one`` names, once it has checked it."""
    written = []
    for number, item in enumerate(ids):
        if number:
            time.sleep(PAUSE)
        name, data = fetch_one(item)
        written.append(_write(Path(directory) / name, data))
    return written


def fetch_clinicaltrials(ids: Sequence[str], directory: Path, timeout: float = 30.0,
                         opener: Opener = _open) -> list[Path]:
    """Download each ``NCT…`` study as ``DIRECTORY/NCT….json``; return the files written."""
    bad = [i for i in ids if not _NCT.fullmatch(i)]
    if bad:
        raise FetchError(f"not ClinicalTrials.gov ids (NCT followed by 8 digits): {', '.join(bad)}")

    def one(nct: str) -> tuple[str, bytes]:
        data = _download(CLINICALTRIALS_URL.format(nct=nct), nct, timeout, opener)
        try:
            found = json.loads(data)["protocolSection"]["identificationModule"]["nctId"]
        except (ValueError, KeyError, TypeError) as err:
            raise FetchError(f"{nct}: the answer is not a ClinicalTrials.gov v2 study record") from err
        if found != nct:
            raise FetchError(f"{nct}: the service returned study {found}")
        return f"{nct}.json", data

    return _fetch_each(ids, directory, one)


def fetch_pubmed(pmids: Sequence[str], directory: Path, timeout: float = 30.0,
                 opener: Opener = _open) -> list[Path]:
    """Download each PubMed article as ``DIRECTORY/PMID….xml`` (a one-article ``PubmedArticleSet``)."""
    bad = [i for i in pmids if not i.isdigit()]
    if bad:
        raise FetchError(f"not PubMed ids (digits only): {', '.join(bad)}")

    def one(pmid: str) -> tuple[str, bytes]:
        query = urllib.parse.urlencode({"db": "pubmed", "id": pmid, "retmode": "xml", "tool": "ketamine-kg"})
        data = _download(f"{EFETCH_URL}?{query}", f"PMID {pmid}", timeout, opener)
        try:
            root = SafeET.fromstring(data)
        except SafeET.ParseError as err:
            raise FetchError(f"PMID {pmid}: the answer is not XML") from err
        found = [e.text for e in root.findall("PubmedArticle/MedlineCitation/PMID")]
        if root.tag != "PubmedArticleSet" or found != [pmid]:
            raise FetchError(f"PMID {pmid}: the answer holds no such PubMed article")
        return f"PMID{pmid}.xml", data

    return _fetch_each(pmids, directory, one)
