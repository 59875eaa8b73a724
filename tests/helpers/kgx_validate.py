"""Run KGX's own validator on KGX TSV files, offline; print its report as JSON.

Run with an interpreter that has the ``kgx`` package (``scripts/setup-kgx.sh`` makes one in
``.venv-kgx``): ``python kgx_validate.py REPORT_JSON [--context CONTEXT_JSONLD] NODES_TSV EDGES_TSV``
(KGX logs to stdout). ``--context`` adds a dataset's JSON-LD context (the ``context.jsonld`` our
KGX export writes: the prefixes Biolink's prefix map lacks) to Biolink's, as a KGX consumer of
that dataset would; a prefix Biolink already has is never overridden.
KGX fetches the Biolink model, its predicate mapping and its JSON-LD context from their
published URLs (the toolkit even at import time); this script points it at the copies the
``biolink-model`` package installs with KGX, so no network is needed.
"""

from __future__ import annotations

import json
import sys
from importlib import resources


def _offline_biolink(extra: dict[str, str]) -> None:
    """Make bmt's Toolkit default to the installed model and KGX's context to its prefix map
    (plus ``extra`` prefixes it does not have)."""
    import bmt.toolkit
    import kgx.config

    package = resources.files("biolink_model")
    model = str(package / "schema" / "biolink_model.yaml")
    defaults = list(bmt.toolkit.Toolkit.__init__.__defaults__ or ())
    bmt.toolkit.Toolkit.__init__.__defaults__ = (model, {"predicate mappings": []}, *defaults[2:])
    prefixes = json.loads((package / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8"))
    kgx.config.get_config()
    kgx.config.jsonld_context_map["biolink"] = {**extra, **prefixes}


def main(report_path: str, args: list[str]) -> int:
    extra: dict[str, str] = {}
    if args[:1] == ["--context"]:
        with open(args[1], encoding="utf-8") as handle:
            extra = json.load(handle)["@context"]
        args = args[2:]
    files = args
    _offline_biolink(extra)
    import logging

    import kgx.config

    kgx.config.get_logger().setLevel(logging.ERROR)
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    Validator.set_biolink_model(None)
    validator = Validator()
    seen = {"nodes": 0, "edges": 0}

    def inspector(entity_type, record):  # the validator, counting what it was shown
        seen["edges" if entity_type.name == "EDGE" else "nodes"] += 1
        validator(entity_type, record)

    Transformer(stream=True).transform(input_args={"filename": files, "format": "tsv"},
                                       output_args={"format": "null"}, inspector=inspector)
    report = {"biolink_version": validator.get_validation_model_version(), "errors": validator.get_errors(),
              "prefixes_added": sorted(extra), **seen}
    with open(report_path, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
