"""Read calibration fits: what :func:`calibration.resolve.resolve_params` applies.

``fitted_changes(area, year=None, replicate=None)`` returns parameter changes (dotted path ->
value): the point fit when ``replicate`` is None, else ensemble member ``replicate % n`` (so
replicates carry parameter uncertainty and stay paired across scenarios: replicate r uses the
same member in every scenario). Area names: ``england-average``, ``england``, ``la-<code>`` or
``la-<code>-<year>`` (in ``calibration/fitted``), or the path of a fit file written elsewhere
(``results/fits/la-383-2024.toml``). With no ``year``, the latest fitted year is used.
``FileNotFoundError`` when there is no fit for the area (callers fall back to the hand-set
values).

Every fit carries ``area.start_year``, the DfE year whose 31 March stock starts a run from it
(day 0 is 1 April of that year). Fits written before that parameter existed get their fit year
(they started from the stock a year earlier; refitting removes the difference).
A fit file that is there but not UTF-8 TOML, or lacks its ``[parameters]``, or holds a value
the parameter tree refuses, is a :class:`~simulation.errors.DataError` naming the file and key.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from simulation.errors import DataError

FITTED_DIR = Path(__file__).parent / "fitted"


def _split(area: str, year: int | None) -> tuple[str, int | None]:
    m = re.fullmatch(r"(la-\w+?)-(\d{4})", area)
    if m:
        return m.group(1), int(m.group(2))
    return area, year


def fit_path(area: str, year: int | None = None) -> Path | None:
    """The fit file for ``area`` (latest year if ``year`` is None), or None."""
    if area.endswith(".toml"):
        path = Path(area)
        return path if path.is_file() else None
    name, year = _split(area, year)
    if year is not None:
        path = FITTED_DIR / f"{name}-{year}.toml"
        return path if path.exists() else None
    found = sorted(FITTED_DIR.glob(f"{name}-[0-9][0-9][0-9][0-9].toml"))
    return found[-1] if found else None


@cache
def _load(path: Path) -> dict[str, Any]:
    """The fit file, read as UTF-8 TOML and checked: a ``[parameters]`` table with values
    for known parameters, within their bounds, and ``[[ensemble]]`` members likewise."""
    again = "re-run python run.py calibrate to write it again"
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); {again}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML ({exc}); {again}") from None
    parameters = data.get("parameters")
    if not isinstance(parameters, dict) or not parameters:
        got = "nothing" if parameters is None else repr(parameters)[:40]
        raise DataError(
            f"{path}: a fit file needs a [parameters] table of fitted values, found {got}; {again}"
        )
    _check_values(path, "[parameters]", parameters)
    members = data.get("ensemble", [])
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise DataError(f"{path}: 'ensemble' must be an array of tables ([[ensemble]]); {again}")
    for i, member in enumerate(members):
        _check_values(path, f"[[ensemble]] member {i + 1}", member)
    if not isinstance(data.get("meta", {}), dict):
        raise DataError(f"{path}: 'meta' must be a table; {again}")
    return data


def _check_values(path: Path, where: str, table: dict[str, Any]) -> None:
    from simulation.params import ParameterError, spec_of

    for key, value in _values(table).items():
        try:
            spec_of(key).check(key, value)
        except ParameterError as exc:
            raise DataError(f"{path}: {where}: {exc}") from None


def _values(table: dict[str, Any]) -> dict[str, Any]:
    return {
        k: tuple(v) if isinstance(v, list) else v for k, v in table.items() if not k.startswith("_")
    }


def fitted_changes(
    area: str, year: int | None = None, replicate: int | None = None
) -> dict[str, Any]:
    """Point fit (``replicate`` None) or ensemble member ``replicate % n`` for ``area``."""
    path = fit_path(area, year)
    if path is None:
        raise FileNotFoundError(f"no calibration fit for {area!r} in {FITTED_DIR}")
    data = _load(path)
    changes = _values(data["parameters"])
    if "area.start_year" not in changes and isinstance(data.get("meta", {}).get("year"), int):
        changes["area.start_year"] = data["meta"]["year"]
    members = data.get("ensemble", [])
    if replicate is not None and members:
        changes.update(_values(members[replicate % len(members)]))
    return changes


def ensemble_size(area: str, year: int | None = None) -> int:
    path = fit_path(area, year)
    return len(_load(path).get("ensemble", [])) if path else 0
