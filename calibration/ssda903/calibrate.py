"""``python run.py calibrate --ssda903 DIR [--start YYYY-MM-DD]``: an area from a council's own
SSDA903 return.

1. Read and check the files (:mod:`~calibration.ssda903.reader`): anything the model cannot
   use stops here with one message (file, line, rule) and nothing is written. DfE's validator
   runs too where its environment can be made; its findings are reported as warnings by rule.
2. Direct estimates and the starting stock on the start date
   (:func:`~calibration.ssda903.estimate.direct_estimates`), on top of the defaults and the
   nearest published workforce and carer figures (:mod:`calibration.priors`).
3. Hazard scales by simulation: the council's rates against the model's own synthetic SSDA903
   for the same area, measured alike (:func:`~calibration.ssda903.estimate.fit_hazards`).
4. ``calibration/fitted/la-<name>-<year>.toml`` with every value's source; the area then runs
   every command as ``--area la-<name>-<year>``. The file holds parameters and aggregate
   counts only: no CHILD value, date of birth or postcode from the input.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from calibration.priors import published_priors
from calibration.ssda903.estimate import (
    HAZARD_KNOBS,
    direct_estimates,
    fit_hazards,
    simulated_measures,
    window,
)
from calibration.ssda903.measure import measure
from calibration.ssda903.reader import Finding, SSDA903Data, SSDA903Error, read_ssda903
from simulation.errors import CarepathsError
from simulation.params import Parameters

FITTED_DIR = Path(__file__).resolve().parent.parent / "fitted"
FIT_REPS = 4  # replicates per simulated measurement (about 1 s each for a default-sized area)
FIT_STEPS = 2  # ratio steps (each re-simulated): measured to settle within the noise


def area_name(folder: Path, name: str | None) -> str:
    """``la-<name>``: the given name or the folder's, as letters, digits and underscores."""
    raw = name if name else Path(folder).resolve().name
    slug = re.sub(r"\W+", "_", raw.strip().lower()).strip("_")
    if not slug:
        raise CarepathsError(f"--name {raw!r}: use letters, digits or underscores")
    return f"la-{slug}"


def parse_start(text: str | None, data: SSDA903Data) -> date:
    """The start date (default: 1 April after the last collection year read)."""
    if text is None:
        return date(data.years[-1], 4, 1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CarepathsError(f"--start {text!r}: use YYYY-MM-DD, e.g. 2024-04-01") from None


def calibrate_ssda903(
    folder: Path,
    start: str | None = None,
    name: str | None = None,
    population: float | None = None,
    seed: int = 1,
    validate: bool = True,
    out_dir: Path = FITTED_DIR,
    say: Any = None,
    fit_reps: int = FIT_REPS,
    fit_steps: int = FIT_STEPS,
) -> Path:
    """Fit an area to a council's SSDA903 files; return the fit file's path."""
    say = say or (lambda *a, **k: None)
    started = time.perf_counter()
    try:
        data = read_ssda903(Path(folder))  # refuses what the model cannot use: nothing written
    except SSDA903Error as exc:
        raise _with_validator(exc, Path(folder)) if validate else exc from None
    stem = f"{area_name(folder, name)}-{data.years[-1]}"
    first, last = window(data)
    on = parse_start(start, data)
    say(
        f"Read {len(data.children)} children's episodes, collection years "
        f"{data.years[0]}-{data.years[-1]}{' (liiatools form)' if data.liia else ''}"
    )
    for w in data.warnings[:10]:
        say(f"  warning: {w}")
    checks = _validator(Path(folder), validate, say)
    direct = direct_estimates(data, on, population)
    changes: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for prior in published_priors(min(data.years[-1], 2024)):
        changes[prior.path] = round(prior.value, 4)
        sources[prior.path] = prior.citation
    changes.update(direct.changes)
    sources.update(direct.sources)
    base = Parameters.defaults().with_changes(changes)
    observed = measure(data.children, first, last)
    years = max(1, len(data.years))
    say(
        f"Fitting {len(HAZARD_KNOBS)} hazard scales by simulation "
        f"({fit_steps} steps x {fit_reps} replicates x {years} years)"
    )
    fit = fit_hazards(
        observed,
        base,
        lambda p: simulated_measures(p, years, fit_reps, seed, date(2024, 4, 1)),
        steps=fit_steps,
    )
    changes.update(fit.changes)
    sources.update(fit.sources)
    meta = {
        "area": stem.rsplit("-", 1)[0],
        "year": data.years[-1],
        "source": "a council's SSDA903 return (python run.py calibrate --ssda903)",
        "collection_years": data.years,
        "start": on.isoformat(),
        "seed": seed,
        "method": "direct estimates from the episodes; hazard scales by observed / simulated "
        f"rates on the model's own synthetic SSDA903 ({fit_steps} steps, {fit_reps} "
        "replicates per step, common random numbers)",
        "validator": checks,
        "children_read": len(data.children),
        "date": datetime.now(UTC).date().isoformat(),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "multipliers": {k: round(v, 4) for k, v in fit.multipliers.items()},
        "relative_se": {k: round(v, 4) for k, v in fit.rse.items()},
    }
    path = write_fit_file(out_dir / f"{stem}.toml", meta, sources, changes)
    say(f"{len(fit.changes)} hazard parameters scaled; area --area {stem}")
    return path


def _with_validator(exc: SSDA903Error, folder: Path) -> SSDA903Error:
    """The refusal with DfE's validator's findings on the same lines (and rules) added, where
    its environment can be made; the refusal stands either way."""
    from calibration.ssda903 import validator

    by_year = validator.year_files(folder)
    if not by_year:
        return exc
    try:
        report = validator.validate_years(by_year, folder)
    except CarepathsError as err:  # unavailable, or it cannot read what we refused
        note = Finding(str(folder), None, "validator", f"DfE validator not run: {err}", False)
        return SSDA903Error([*exc.findings, note])
    ours = {(f.file, f.line) for f in exc.findings} | {f.rule for f in exc.findings}
    theirs = [
        Finding(f.file, f.line, f.rule, f"DfE validator: {f.message}")
        for f in report.findings
        if (f.file, f.line) in ours or f.rule in ours
    ]
    return SSDA903Error([*exc.findings, *theirs])


def _validator(folder: Path, validate: bool, say: Any) -> str:
    """DfE's validator on the folder's years (``<year>/`` folders), reported as warnings."""
    if not validate:
        return "not run (--no-validator)"
    from calibration.ssda903 import validator

    by_year = validator.year_files(folder)
    if not by_year:
        return "not run: the files are not in one folder per collection year"
    try:
        report = validator.validate_years(by_year, folder)
    except validator.ValidatorUnavailable as exc:
        say(f"  DfE validator not run: {exc}")
        return f"not available: {exc}"
    counts = report.counts()
    if counts:
        say(
            f"  DfE validator {report.version}: {sum(counts.values())} findings in "
            f"{len(counts)} rules (warnings: the model can use the files)"
        )
        for rule, n in counts.most_common(10):
            example = next(f for f in report.findings if f.rule == rule)
            say(f"    rule {rule}: {n} (e.g. {example})")
    return (
        f"csc-validator-be-903 {report.version}: "
        + ", ".join(f"{rule} x{n}" for rule, n in sorted(counts.items()))
        if counts
        else f"csc-validator-be-903 {report.version}: no findings"
    )


def _toml(value: Any) -> str:
    """A TOML value (numbers, booleans, text, lists, tables of those)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml(v)}" for k, v in value.items()) + " }"
        )
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def write_fit_file(
    path: Path, meta: dict[str, Any], sources: dict[str, str], parameters: dict[str, Any]
) -> Path:
    """Write the fit atomically (a temporary file renamed into place)."""
    lines = [
        "# carepaths calibration from a council's SSDA903 return. Written by `python run.py "
        "calibrate --ssda903`; do not edit by hand. Aggregates only: no child-level record.",
        "",
        "[meta]",
        *(f"{json.dumps(k)} = {_toml(v)}" for k, v in meta.items()),
        "",
        "[sources]",
        *(f"{json.dumps(k)} = {_toml(v)}" for k, v in sorted(sources.items())),
        "",
        "[parameters]",
        *(f"{json.dumps(k)} = {_toml(v)}" for k, v in sorted(parameters.items())),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text("\n".join(lines), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
