"""Loader for PubMed records (E-utilities ``efetch`` XML: a ``PubmedArticleSet``), parsed with defusedxml.

Each article becomes a Study ``PMID:`` node with its title, journal, year, first author, DOI
and design (from the publication types: randomised controlled trial, meta-analysis, systematic
review, observational study, case reports); its DOI, PMC id and ClinicalTrials.gov registry
numbers become xrefs, so normalisation merges it with a curated study of the same paper.
Entity declarations (billion laughs, external entities/XXE) are refused by defusedxml, external
DTDs are never fetched, and a file larger than :data:`MAX_FILE_BYTES`, nested too deeply or
holding no article is reported with its file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing goes through defusedxml

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kg.errors import SourceError
from kg.model import Node, Origin
from loaders import Batch
from loaders.tabular import FileListLoader, SourceReader
from ontology import Schema

__all__ = ["PubMedLoader", "parse_article", "PUBLICATION_TYPES"]

SOURCE = "infores:pubmed"
LICENSE = "NLM terms and conditions (PubMed citations)"
# PubMed publication type -> our design; the first match in this order wins.
PUBLICATION_TYPES = {"Meta-Analysis": "meta_analysis", "Systematic Review": "systematic_review",
                     "Randomized Controlled Trial": "rct", "Observational Study": "observational",
                     "Case Reports": "case_series"}
_NCT = re.compile(r"NCT\d{8}", re.ASCII)
MAX_FILE_BYTES = 200_000_000  # efetch answers hold at most 10,000 articles


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return re.sub(r"\s+", " ", text) or None


def _year(article: Element) -> int | None:
    date = article.find("Journal/JournalIssue/PubDate")
    if date is None:
        return None
    found = re.search(r"[0-9]{4}", _text(date.find("Year")) or _text(date.find("MedlineDate")) or "")
    return int(found.group(0)) if found else None


def parse_article(element: Element, schema: Schema) -> dict[str, Any] | None:
    """The fields of one ``PubmedArticle``: ``id``, ``name``, ``xrefs`` and ``properties`` (None without a PMID)."""
    pmid = _text(element.find("MedlineCitation/PMID"))
    if not pmid or not (pmid.isascii() and pmid.isdigit()):
        return None
    article = element.find("MedlineCitation/Article")
    if article is None:
        return None
    title = (_text(article.find("ArticleTitle")) or f"PMID {pmid}").rstrip(".")
    props: dict[str, Any] = {"title": title, "pmid": pmid}
    journal, year = _text(article.find("Journal/Title")), _year(article)
    if journal:
        props["journal"] = journal
    if year:
        props["year"] = year
    author = article.find("AuthorList/Author")
    if author is not None and _text(author.find("LastName")):
        props["first_author"] = " ".join(filter(None, [_text(author.find("LastName")), _text(author.find("Initials"))]))
    ids = {a.get("IdType"): _text(a) for a in element.findall("PubmedData/ArticleIdList/ArticleId")}
    doi = ids.get("doi") or _text(article.find("ELocationID[@EIdType='doi']"))
    xrefs = []
    if doi:
        props["doi"] = doi
        xrefs.append(f"DOI:{doi}")
    if ids.get("pmc"):
        xrefs.append(f"PMC:{ids['pmc']}")
    trials = [_text(a) or "" for a in article.findall("DataBankList/DataBank/AccessionNumberList/AccessionNumber")]
    xrefs += [f"NCT:{t}" for t in trials if _NCT.fullmatch(t)]
    types = {_text(t) for t in article.findall("PublicationTypeList/PublicationType")}
    design = next((d for kind, d in PUBLICATION_TYPES.items() if kind in types), None)
    if design:
        props.update(design=design, evidence_level=schema.design(design).level)
    return {"id": f"PMID:{pmid}", "name": title, "xrefs": tuple(x for x in xrefs if not schema.curie_problem(x)),
            "properties": props}


class PubMedLoader(FileListLoader):
    """Read PubMed XML files (``*.xml``, each a ``PubmedArticleSet``)."""

    name = SOURCE
    license = LICENSE

    source = "pubmed"
    patterns = ("*.xml",)
    wanted = "*.xml PubMed records"

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        for path in self.files:
            root = _parse(path, reader)
            if root is None:
                continue
            articles = root.findall("PubmedArticle")
            if not articles:
                reader.error("bad-record", "the file holds no <PubmedArticle>", path, 1)
            for number, element in enumerate(articles, start=1):
                try:
                    fields = parse_article(element, self.schema)
                except RecursionError:
                    fields = None
                if fields is None:
                    reader.error("bad-record", f"article {number} has no PMID or Article", path, None, f"#{number}")
                    continue
                batch.nodes.append(Node(fields["id"], "Study", fields["name"], xrefs=fields["xrefs"],
                                        properties=fields["properties"], source=SOURCE,
                                        origin=Origin(str(path), None, fields["id"])))
        return batch


def _parse(path: Path, reader: SourceReader) -> Element | None:
    """The ``PubmedArticleSet`` root of ``path``, or None after reporting why it cannot be read."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            reader.error("bad-record", f"larger than the {MAX_FILE_BYTES}-byte limit", path)
            return None
        root = SafeET.parse(path).getroot()
    except OSError as err:
        raise SourceError(f"{path}: cannot read: {err.strerror or err}") from err
    except DefusedXmlException as err:
        reader.error("bad-record", f"refused: entity declarations and external references are not allowed "
                     f"(billion laughs / XXE): {err}", path)
        return None
    except SafeET.ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        reader.error("bad-record", f"not well-formed XML: {err}", path, line)
        return None
    if root is None or root.tag != "PubmedArticleSet":
        found = "nothing" if root is None else f"<{root.tag}>"
        reader.error("bad-record", f"root element is {found}, not <PubmedArticleSet>", path, 1)
        return None
    return root
