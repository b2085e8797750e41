"""The manifest the report reads: each scenario's title, levers, assumptions and evidence.

Runs record them in ``manifest.json``. Older folders may not: they come from ``scenarios.json``
in the run folder if present, else from the scenario file the manifest names (or the scenario
of that name), loaded and validated as any scenario is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from results import store
from results.run_folder import read_manifest
from simulation.errors import CarepathsError

DETAILS = ("title", "description", "levers", "assumptions", "evidence")


def enriched_manifest(run_dir: Path) -> dict[str, Any]:
    """The folder's checked manifest, each scenario's details filled in where missing."""
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    extra = _scenarios_json(run_dir)
    entries = []
    for entry in manifest.get("scenarios", []):
        entry = dict(entry)
        entry.update(
            {k: v for k, v in extra.get(entry.get("name", ""), {}).items() if k not in entry}
        )
        if "title" not in entry or "levers" not in entry:
            for k, v in _scenario_file_details(entry).items():
                entry.setdefault(k, v)
        entries.append(entry)
    manifest["scenarios"] = entries
    return manifest


def _scenarios_json(run_dir: Path) -> dict[str, dict[str, Any]]:
    path = run_dir / "scenarios.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CarepathsError(f"{path}: cannot be read as UTF-8 JSON ({exc})") from None
    if isinstance(data, list):
        return {d["name"]: d for d in data if isinstance(d, dict) and "name" in d}
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if isinstance(v, dict)}
    raise CarepathsError(f"{path}: must hold a list or an object of scenario records")


def _scenario_file_details(entry: dict[str, Any]) -> dict[str, Any]:
    """Details from the scenario file the entry names; {} when no file can be found."""
    from simulation.scenario import load_scenario

    files = entry.get("files") or []
    first = files[0].get("path") if files and isinstance(files[0], dict) else None
    refs = []
    if isinstance(first, str) and first:
        path = Path(first)
        refs += [store.PROJECT_ROOT / path] if not path.is_absolute() else []
        refs.append(path)
    if entry.get("name"):
        refs.append(str(entry["name"]))
    for ref in refs:
        try:
            scenario = load_scenario(ref)
        except (CarepathsError, OSError, ValueError):  # moved, changed or gone since the run
            continue
        return {k: getattr(scenario, k) for k in DETAILS} | {
            "levers": dict(scenario.levers),
            "assumptions": dict(scenario.assumptions),
            "evidence": dict(scenario.evidence),
        }
    return {}
