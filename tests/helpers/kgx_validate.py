"""Run KGX's own validator on KGX TSV files, offline; print its report as JSON.

Run with an interpreter that has the ``kgx`` package (``scripts/setup-kgx.sh`` makes one in
``.venv-kgx``): ``python kgx_validate.py REPORT_JSON NODES_TSV EDGES_TSV`` (KGX logs to stdout).
KGX fetches the Biolink model, its predicate mapping and its JSON-LD context from their
published URLs (the toolkit even at import time); this script points it at the copies the
``biolink-model`` package installs with KGX, so no network is needed.
"""

from __future__ import annotations

import json
import sys
from importlib import resources


def _offline_biolink() -> None:
    """Make bmt's Toolkit default to the installed model and KGX's context to its prefix map."""
    import bmt.toolkit
    import kgx.config

    package = resources.files("biolink_model")
    model = str(package / "schema" / "biolink_model.yaml")
    defaults = list(bmt.toolkit.Toolkit.__init__.__defaults__ or ())
    bmt.toolkit.Toolkit.__init__.__defaults__ = (model, {"predicate mappings": []}, *defaults[2:])
    prefixes = json.loads((package / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8"))
    kgx.config.get_config()
    kgx.config.jsonld_context_map["biolink"] = prefixes


def main(report_path: str, files: list[str]) -> int:
    _offline_biolink()
    import logging

    import kgx.config

    kgx.config.get_logger().setLevel(logging.ERROR)
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    Validator.set_biolink_model(None)
    validator = Validator()
    Transformer(stream=True).transform(input_args={"filename": files, "format": "tsv"},
                                       output_args={"format": "null"}, inspector=validator)
    report = {"biolink_version": validator.get_validation_model_version(), "errors": validator.get_errors()}
    with open(report_path, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
