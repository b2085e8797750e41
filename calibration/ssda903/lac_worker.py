# pyright: reportMissingImports=false, reportMissingModuleSource=false
"""Run DfE's SSDA903 validator on one collection year; answer in JSON. Not imported by carepaths.

This file runs *inside the validator's own virtual environment* (``csc-validator-be-903``
pins pandas < 2 and numpy < 1.25, so it cannot share the project's), started by
:mod:`calibration.ssda903.validator` as ``python lac_worker.py`` with one JSON request on stdin:

    {"collection_year": 2025, "local_authority": "E09000027",
     "this_year": ["…/episodes.csv", …], "prev_year": ["…/episodes.csv", …]}

and one JSON answer on stdout:

    {"ruleset": "lac2024_25", "validator": "0.1.17",
     "findings": [{"rule": "146", "message": "…", "table": "Episodes", "row": 3}, …],
     "skipped": ["…"], "failed": ["…"]}

``row`` is the 0-based data row of the table (the CSV line is row + 2). Anything that goes
wrong is one JSON object ``{"error": "…"}`` and exit code 1.
"""

import importlib
import json
import logging
import sys
from importlib.metadata import version


def ruleset_for(year):
    """The validator's ruleset for a collection year (the newest one for later years)."""
    from lac_validator.rules import ruleset_utils  # noqa: F401 - import check

    name = f"lac{year - 1}_{str(year)[2:]}"
    try:
        module = importlib.import_module(f"lac_validator.rules.{name}")
    except ModuleNotFoundError:
        from pathlib import Path

        import lac_validator.rules as rules

        names = sorted(p.name for p in Path(str(rules.__file__)).parent.glob("lac20*_*"))
        older = [n for n in names if n < name]
        name = (older or names)[-1]
        module = importlib.import_module(f"lac_validator.rules.{name}")
    return name, module.registry


def main(out):
    request = json.load(sys.stdin)
    logging.disable(logging.CRITICAL)
    from lac_validator.lac_validator import LacValidator

    year = int(request["collection_year"])
    files = []
    for key, label in (("this_year", "This year"), ("prev_year", "Prev year")):
        for path in request.get(key, []):
            with open(path, "rb") as fh:
                files.append({"name": path, "file_content": fh.read(), "description": label})
    name, registry = ruleset_for(year)
    metadata = {
        "collectionYear": str(year),
        "localAuthority": request.get("local_authority", "E09000027"),
    }
    v = LacValidator(metadata=metadata, files=files, registry=registry)
    messages = {code: rule.message for code, rule in registry.items()}
    findings = []
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for column in [c for c in df.columns if str(c).startswith("ERR_")]:
            code = column[4:]
            flagged = df.index[df[column].fillna(False).astype(bool)]
            for row in flagged:
                findings.append(
                    {
                        "rule": code,
                        "message": messages.get(code, ""),
                        "table": table,
                        "row": int(row),
                    }
                )
    answer = {
        "ruleset": name,
        "validator": version("csc-validator-be-903"),
        "findings": findings,
        "skipped": sorted(set(v.skips)),
        "failed": sorted(set(v.fails)),
    }
    json.dump(answer, out)


if __name__ == "__main__":
    answer_to = sys.stdout
    sys.stdout = sys.stderr  # the validator and its libraries print: keep stdout for the answer
    try:
        main(answer_to)
    except Exception as exc:  # the caller turns this into one clear message
        json.dump({"error": f"{type(exc).__name__}: {exc}"}, answer_to)
        sys.exit(1)
