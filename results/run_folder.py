"""Reading a run folder back: every file checked before anything uses it.

``report RUN_DIR`` draws from files a user may have moved, cut short, edited or half-copied,
so before a chart is drawn :func:`check_run_folder` proves that the folder is a complete run:

* not a partial folder (one a run is writing, or one a killed run left: :func:`store.is_partial`);
* ``manifest.json`` is UTF-8 JSON holding an object whose fields have the types the report
  reads (:data:`MANIFEST_FIELDS`);
* every file the manifest lists under ``outputs`` is there, unchanged (sha256);
* every table is UTF-8 CSV with its columns, complete rows (a last line without its newline
  is a file cut short) and numbers where numbers belong (:data:`TABLES`).

The first problem raises :class:`RunFolderError` naming the file, the row or field and what is
allowed. Folders written before manifests listed their outputs are checked on structure alone.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from results import store
from simulation.errors import CarepathsError

COMMANDS = ("simulate", "compare", "sensitivity", "calibrate")
MADE_BY = "run folders are made by simulate, compare, sensitivity or calibrate"


class RunFolderError(CarepathsError):
    """A run folder, or a file in it, that is not what the run wrote."""


# ---------------------------------------------------------------------------- cell checks


def _number(text: str) -> str | None:
    try:
        value = float(text)
    except ValueError:
        return "a number"
    return None if not math.isinf(value) else "a finite number"


def _number_or_blank(text: str) -> str | None:
    return None if text == "" else _number(text)


def _whole(text: str) -> str | None:
    return None if text.lstrip("-").isdigit() else "a whole number"


def _year_or_all(text: str) -> str | None:
    return None if text == "all" or text.isdigit() else "a year or 'all'"


def _iso_date(text: str) -> str | None:
    try:
        date.fromisoformat(text)
    except ValueError:
        return "a date YYYY-MM-DD"
    return None


def _flag(text: str) -> str | None:
    return None if text.lower() in ("true", "false", "1", "0", "yes", "no") else "True or False"


Check = Callable[[str], str | None]


@dataclass(frozen=True)
class Table:
    """A run-folder CSV: the columns it must have and how each checked cell must read."""

    columns: tuple[str, ...]
    checks: dict[str, Check]
    needs_rows: bool = True


TABLES: dict[str, Table] = {
    "timeseries.csv": Table(
        store.TIMESERIES_HEADER, {"replicate": _whole, "date": _iso_date, "value": _number}
    ),
    "indicators.csv": Table(
        store.INDICATORS_HEADER, {"replicate": _whole, "year": _whole, "value": _number}
    ),
    "summary.csv": Table(
        store.SUMMARY_HEADER,
        {"year": _whole, "mean": _number, "p5": _number, "p50": _number, "p95": _number},
    ),
    "comparison.csv": Table(
        (
            "scenario",
            "baseline",
            "indicator",
            "unit",
            "baseline_mean",
            "scenario_mean",
            "diff_mean",
            "diff_p5",
            "diff_p95",
            "pct_change",
            "year",
        ),
        {
            "baseline_mean": _number,
            "scenario_mean": _number,
            "diff_mean": _number,
            "diff_p5": _number,
            "diff_p95": _number,
            "pct_change": _number_or_blank,
            "year": _year_or_all,
            "p_better": _number_or_blank,
            "p_saves": _number_or_blank,
        },
        needs_rows=False,
    ),
    "sensitivity.csv": Table(
        ("assumption", "low", "high", "indicator", "diff_at_low", "diff_at_high"),
        {"low": _number, "high": _number, "diff_at_low": _number, "diff_at_high": _number},
        needs_rows=False,
    ),
    "draws.csv": Table(
        ("scenario", "replicate", "assumption", "quantile", "value"),
        {"replicate": _whole, "quantile": _number, "value": _number},
    ),
    "evppi.csv": Table(
        (
            "scenario",
            "baseline",
            "assumption",
            "evppi_gbp",
            "share_of_evpi",
            "evpi_gbp",
            "outcome",
            "value_per_outcome_gbp",
            "replicates",
            "p_value",
        ),
        {"evppi_gbp": _number, "share_of_evpi": _number, "evpi_gbp": _number, "p_value": _number},
    ),
}
# sensitivity.csv of --method morris or sobol: long rows (results.gsa.GSA_HEADER).
GSA_TABLE = Table(
    ("method", "assumption", "indicator", "index", "value", "conf"),
    {"value": _number, "conf": _number_or_blank},
    needs_rows=False,
)
FIT_TABLE = Table(
    ("target", "year", "observed", "simulated_mean", "simulated_p5", "simulated_p95", "within"),
    {
        "year": _whole,
        "observed": _number_or_blank,
        "simulated_mean": _number_or_blank,
        "simulated_p5": _number_or_blank,
        "simulated_p95": _number_or_blank,
        "tolerance": _number_or_blank,
        "within": _flag,
    },
)
FIT_PATTERNS = ("*.fit.csv", "*.holdout.csv")


# ---------------------------------------------------------------------------- manifest


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# field -> (test, what is allowed)
MANIFEST_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "command": (lambda v: v in COMMANDS, f"one of {', '.join(COMMANDS)}"),
    "command_line": (lambda v: isinstance(v, str), "text"),
    "area": (lambda v: isinstance(v, str), "text"),
    "version": (lambda v: v is None or isinstance(v, str), "text"),
    "years": (lambda v: _is_int(v) and v >= 1, "a whole number of years, 1 or more"),
    "year": (_is_int, "a whole number (a DfE year)"),
    "replicates": (lambda v: _is_int(v) and v >= 1, "a whole number, 1 or more"),
    "seed": (lambda v: _is_int(v) and v >= 0, "a whole number, 0 or more"),
    "budget_runs": (_is_int, "a whole number"),
    "wall_seconds": (_is_number, "a number of seconds"),
    "baseline": (lambda v: isinstance(v, str), "text"),
    "calibration_file": (lambda v: v is None or isinstance(v, str), "text"),
    "calibration_source": (lambda v: v is None or isinstance(v, str), "text"),
    "scenarios": (lambda v: isinstance(v, list), "a list of scenario records"),
    "outputs": (lambda v: isinstance(v, list), "a list of file records"),
}
SCENARIO_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "name": (lambda v: isinstance(v, str) and v != "", "non-empty text"),
    "title": (lambda v: isinstance(v, str), "text"),
    "description": (lambda v: isinstance(v, str), "text"),
    "levers": (lambda v: isinstance(v, dict), "a table of parameter values"),
    "assumptions": (lambda v: isinstance(v, dict), "a table of parameter values"),
    "evidence": (
        lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
        "a table of text notes",
    ),
    "files": (
        lambda v: isinstance(v, list) and all(isinstance(f, dict) for f in v),
        "a list of file records",
    ),
    "parameters_sha256": (lambda v: isinstance(v, str), "text"),
}
OUTPUT_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "path": (lambda v: isinstance(v, str) and v != "", "a file name in the run folder"),
    "sha256": (lambda v: isinstance(v, str) and len(v) == 64, "a sha256 hex digest"),
    "bytes": (lambda v: _is_int(v) and v >= 0, "a size in bytes"),
}


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RunFolderError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RunFolderError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); the run "
            "folder is damaged, so run the command again"
        ) from None
    if "\0" in text:
        raise RunFolderError(
            f"{path}: holds NUL bytes (byte {text.index(chr(0))}), so it is not a text file; "
            "the run folder is damaged, so run the command again"
        )
    return text


def _check_fields(
    where: str, record: dict[str, Any], fields: dict[str, tuple[Callable[[Any], bool], str]]
) -> None:
    for key, (ok, allowed) in fields.items():
        if key in record and not ok(record[key]):
            raise RunFolderError(f"{where}: {key!r} must be {allowed}, got {record[key]!r}")


def read_manifest(folder: Path) -> dict[str, Any]:
    """``manifest.json`` of a run folder, checked field by field."""
    path = Path(folder) / store.MANIFEST
    if not path.is_file():
        raise RunFolderError(f"{folder} is not a run folder: it has no manifest.json ({MADE_BY})")
    try:
        manifest = json.loads(_read_text(path))
    except ValueError as exc:
        raise RunFolderError(
            f"{path} cannot be read as JSON ({exc}); the run folder is damaged, so run the "
            "command again"
        ) from None
    if not isinstance(manifest, dict):
        raise RunFolderError(
            f"{path}: must hold a JSON object (the run's record), got {type(manifest).__name__}"
            f" {json.dumps(manifest)[:40]}; the run folder is damaged, so run the command again"
        )
    _check_fields(str(path), manifest, MANIFEST_FIELDS)
    for i, entry in enumerate(manifest.get("scenarios", [])):
        if not isinstance(entry, dict):
            raise RunFolderError(
                f"{path}: scenarios[{i}] must be an object with a 'name', got {entry!r}"
            )
        _check_fields(f"{path}: scenarios[{i}]", entry, SCENARIO_FIELDS)
    for i, entry in enumerate(manifest.get("outputs", [])):
        if not isinstance(entry, dict) or set(OUTPUT_FIELDS) - set(entry):
            raise RunFolderError(
                f"{path}: outputs[{i}] must be an object with path, sha256 and bytes, got {entry!r}"
            )
        _check_fields(f"{path}: outputs[{i}]", entry, OUTPUT_FIELDS)
    return manifest


def _check_outputs(folder: Path, manifest: dict[str, Any]) -> None:
    for entry in manifest.get("outputs", []):
        name = entry["path"]
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise RunFolderError(
                f"{folder / store.MANIFEST}: outputs path {name!r} is not in the run folder"
            )
        if not path.is_file():
            raise RunFolderError(
                f"{path}: listed in manifest.json but missing; the run folder is incomplete, "
                "so run the command again"
            )
        size = path.stat().st_size
        if size != entry["bytes"] or store.sha256_file(path) != entry["sha256"]:
            how = "cut short or changed" if size < entry["bytes"] else "changed"
            raise RunFolderError(
                f"{path}: not the file the run wrote ({size} bytes, the manifest records "
                f"{entry['bytes']} and a different sha256: {how} since the run); run the "
                "command again rather than report on altered results"
            )


# ---------------------------------------------------------------------------- tables


def _rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise RunFolderError(
            f"{path}: line {reader.line_num + 1} is not CSV ({exc}); the run folder is "
            "damaged, so run the command again"
        ) from None


def check_table(path: Path, table: Table) -> int:
    """Check one CSV against ``table``; return its number of data rows."""
    text = _read_text(path)
    if not text:
        raise RunFolderError(f"{path}: is empty (no header row: {','.join(table.columns)})")
    rows = _rows(path, text)
    _, header = next(rows, (0, []))
    missing = [c for c in table.columns if c not in header]
    if missing:
        raise RunFolderError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must include "
            f"{','.join(table.columns)}"
        )
    index = {c: header.index(c) for c in table.checks if c in header}
    count = 0
    for line, row in rows:
        if not row:
            continue
        if len(row) != len(header):
            raise RunFolderError(
                f"{path}: line {line} has {len(row)} fields, the header {len(header)}; the "
                "file is cut short or damaged, so run the command again"
            )
        for column, i in index.items():
            problem = table.checks[column](row[i])
            if problem:
                raise RunFolderError(
                    f"{path}: line {line}, column {column}: {row[i][:40]!r} is not {problem}"
                )
        count += 1
    if not text.endswith("\n"):
        raise RunFolderError(
            f"{path}: the last line has no line end: the file was cut short (mid-row); run "
            "the command again"
        )
    if table.needs_rows and count == 0:
        raise RunFolderError(f"{path}: has a header but no rows; run the command again")
    return count


def _sensitivity_table(path: Path, oat: Table) -> Table:
    """The long-row table when sensitivity.csv starts with a 'method' column, else the OAT one."""
    with path.open("rb") as fh:
        first = fh.readline()
    return GSA_TABLE if first.startswith(b"method,") else oat


def _tables(folder: Path) -> list[tuple[Path, Table]]:
    found = [
        (folder / name, _sensitivity_table(folder / name, t) if name == "sensitivity.csv" else t)
        for name, t in TABLES.items()
        if (folder / name).exists()
    ]
    for pattern in FIT_PATTERNS:
        found += [(p, FIT_TABLE) for p in sorted(folder.rglob(pattern))]
    return found


def check_run_folder(folder: Path) -> dict[str, Any]:
    """Prove ``folder`` is a complete, unaltered run folder; return its checked manifest."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RunFolderError(f"{folder} is not a folder; give the path of a run folder ({MADE_BY})")
    if store.is_partial(folder.resolve()):
        raise RunFolderError(
            f"{folder} is a partial run folder (a run still writing it, or one that was "
            "killed before it finished): it is not a complete run; run the command again"
        )
    manifest = read_manifest(folder)
    _check_outputs(folder, manifest)
    tables = _tables(folder)
    if not tables:
        names = ", ".join(TABLES)
        raise RunFolderError(
            f"{folder} has a manifest but none of {names} or a *.fit.csv; nothing to report"
        )
    for path, table in tables:
        check_table(path, table)
    return manifest
