"""Areas: what ``--area`` names, and the parameter changes that describe a place.

All rates in the parameter tree are per 10,000 children, so an area is mostly its child
population. ``england-average`` is 100,000 children at England's 2024 rates (about 700 looked
after); ``england`` is the whole country at full scale (83,630 looked after at 31 March 2024).
A local authority is described by its calibration fit (``calibration/fitted/la-<code>-<year>
.toml``: population, starting stock, rates) and may be named as users know it:
``--area leeds``, ``--area 383``, ``--area la-383`` (its latest fitted year) or
``--area la-383-2024``; a fit written elsewhere is named by its path (``--area
results/fits/la-383-2024.toml``). :func:`canonical_area` turns any of these into the name the
fit files use, or says clearly what is missing: an unknown name (with the closest ones), a year
after an authority's last data (naming it, and saying when its later rows are held back), or a
year with data but no fit (with the command that makes one).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calibration.fitted_params import FITTED_DIR
from calibration.tables import HELD_BACK_FROM, LocalAuthority, la_table
from simulation.errors import CarepathsError

ENGLAND_CHILDREN_0_17 = 11_947_000  # 83,630 CLA / 70 per 10,000 (DfE CLA 2024)

AREAS: dict[str, dict[str, Any]] = {
    "england-average": {"area.population_0_17": 100_000},
    "england": {"area.population_0_17": ENGLAND_CHILDREN_0_17},
}

DEFAULT_AREA = "england-average"
_CODE = re.compile(r"(?:la-)?(\d{3})(?:-(\d{4}))?")


def fitted_local_areas() -> list[str]:
    """Local-authority areas with a committed calibration fit (``la-<code>-<year>``)."""
    return sorted(p.stem for p in FITTED_DIR.glob("la-*-[0-9][0-9][0-9][0-9].toml"))


def fitted_years(code: str) -> list[int]:
    """The years with a committed fit for the authority ``code``."""
    return sorted(int(p.stem[-4:]) for p in FITTED_DIR.glob(f"la-{code}-[0-9][0-9][0-9][0-9].toml"))


def held_back_note(la: LocalAuthority) -> str:
    """Why an authority's data end where they do."""
    if la.held_back:
        return (
            f"its rows after {HELD_BACK_FROM - 1} are held back by the data's publisher for an "
            "independent test of forecasts (30 authorities) and will be added later"
        )
    return "no later year is published in calibration/data"


def canonical_area(name: str) -> str:
    """The fit name for an ``--area`` value: ``england-average``, ``england``, a fit file's
    path, or ``la-<code>-<year>`` (or ``la-<name>-<year>``) with a committed fit; a clear
    CarepathsError otherwise."""
    text = name.strip()
    if text in AREAS:
        return text
    if text.endswith(".toml"):
        if not Path(text).is_file():
            raise CarepathsError(f"--area {text}: no such fit file")
        return text
    if text.startswith("la-") and (FITTED_DIR / f"{text}.toml").is_file():
        return text  # a committed fit by its own name (a council's SSDA903 fit: la-<name>-<year>)
    la, year = _local_authority(text)
    fitted = fitted_years(la.code)
    label = f"{la.name} ({la.code})"
    if year is not None and year > la.last_year:
        raise CarepathsError(
            f"{label} has data only to {la.last_year}: {held_back_note(la)}; "
            f"use a year up to {la.last_year}"
            + (f" (fitted: {', '.join(map(str, fitted))})" if fitted else "")
        )
    if year is None and fitted:
        return f"la-{la.code}-{fitted[-1]}"
    if year in fitted:
        return f"la-{la.code}-{year}"
    fit_year = year if year is not None else la.last_year
    raise CarepathsError(
        f"no calibration fit for {label}"
        + (f" in {year}" if year is not None else "")
        + (f" (fitted years: {', '.join(map(str, fitted))})" if fitted else "")
        + f"; its data run to {la.last_year}"
        + (f" ({held_back_note(la)})" if la.held_back else "")
        + f". Fit it with: python run.py calibrate --la {la.code} --year {fit_year}"
        + f" --out {FITTED_DIR.parent.name}/{FITTED_DIR.name}"
        " (or --out results/fits and --area results/fits/"
        f"la-{la.code}-{fit_year}.toml)"
    )


def find_authority(text: str) -> LocalAuthority:
    """The authority a name or code (``leeds``, ``383``, ``la-383``) refers to."""
    return _local_authority(text.strip())[0]


def _local_authority(text: str) -> tuple[LocalAuthority, int | None]:
    """The authority (and year, if given) a code or name refers to."""
    table = la_table()
    m = _CODE.fullmatch(text)
    if m:
        code, year = m.group(1), m.group(2)
        if code not in table:
            raise CarepathsError(
                f"unknown local authority code {code!r}; list them with: python run.py areas"
            )
        return table[code], int(year) if year else None
    if not text:
        raise CarepathsError(f"--area is empty; available: {', '.join(AREAS)} or an authority")
    key = _simple(text)
    by_name = {_simple(la.name): la for la in table.values()}
    if key in by_name:
        return by_name[key], None
    starts = [la for k, la in by_name.items() if k.startswith(key)]
    if len(starts) == 1:
        return starts[0], None
    if len(starts) > 1:
        names = ", ".join(f"{la.name} ({la.code})" for la in sorted(starts, key=lambda x: x.name))
        raise CarepathsError(f"--area {text!r} matches several authorities: {names}")
    close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(by_name[c].name for c in close)}?" if close else ""
    raise CarepathsError(
        f"unknown area {text!r}: not england-average, england, an authority's name or DfE "
        f"3-digit code, or a fit file.{hint} List them with: python run.py areas"
    )


def _simple(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("&", "and"))


def area_changes(name: str) -> dict[str, Any]:
    """Parameter changes for a named area (a local authority's come from its fit, which
    :func:`calibration.resolve.resolve_params` applies next); a clear error otherwise."""
    area = canonical_area(name)
    return dict(AREAS[area]) if area in AREAS else {}


@dataclass(frozen=True)
class AreaRow:
    """One line of ``python run.py areas``."""

    area: str
    code: str
    name: str
    first_year: int
    last_year: int
    held_back: bool
    fitted: tuple[int, ...]


def list_areas() -> list[AreaRow]:
    """Every local authority with its code, name, years of data and committed fits."""
    rows = []
    for la in sorted(la_table().values(), key=lambda x: x.code):
        with_stock = [y for y, v in la.years.items() if ("cla_31_march", "total", "total") in v]
        if not with_stock:
            continue  # a code whose rows are all 'not applicable' (merged authorities)
        rows.append(
            AreaRow(
                f"la-{la.code}",
                la.code,
                la.name,
                min(with_stock),
                max(with_stock),
                la.held_back,
                tuple(fitted_years(la.code)),
            )
        )
    return rows
