"""Workforce and foster-carer parameters set from published figures, each citing its row.

These are not fitted by simulation: the published national figure nearest to the fit year is
used (the mean of the two nearest when they are equally near), and the simulated indicator is
checked against its band in the fit report (caseload 14–18, turnover 10–18%, carer
deregistration 10–16%). Rows are line numbers in ``calibration/data/published_figures.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calibration.tables import data_cutoff, published_rows, published_value
from simulation.errors import DataError


@dataclass(frozen=True)
class Prior:
    """A parameter value set from published figures."""

    path: str
    value: float
    citation: str


# parameter path -> published key (value is a fraction or a count as published)
PUBLISHED_KEYS: dict[str, str] = {
    "workforce.turnover_per_year": "sw.turnover_rate_fte",
    "workforce.agency_share": "sw.agency_rate_fte",
    "workforce.reference_caseload": "sw.caseload_per_fte_case_holder",
    "carers.deregistration_per_year": "fostering.deregistration_rate_mainstream",
}


def _year_of(text: str) -> int | None:
    """The DfE year a published row describes ('2022-23' -> 2023, '2025 (at 30 Sep)' -> 2025)."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?", text)
    if not m:
        return None
    return int(m.group(1)) + (1 if m.group(2) else 0)


def nearest_published(key: str, year: int) -> tuple[float, str]:
    """The figure for ``key`` nearest ``year`` (mean of the two nearest if tied), with rows."""
    rows = [(r, _year_of(r["year"])) for r in published_rows() if r["key"] == key]
    rows = [(r, y) for r, y in rows if y is not None]
    if not rows:
        raise DataError(f"published_figures.csv has no dated row for {key!r}")
    cutoff = data_cutoff()  # a back-test from year Y reads no figure published for a later year
    earlier = [(r, y) for r, y in rows if cutoff is None or y <= cutoff]
    if not earlier:
        first = min(y for _, y in rows)
        r = next(r for r, y in rows if y == first)
        value = published_value(r)
        return value, (
            f"PF:{key} {r['year']} = {value:g} (row {r['row']}): the earliest figure, "
            f"published after {cutoff} (none earlier; a national assumption here)"
        )
    rows = earlier
    best = min(abs(y - year) for _, y in rows)
    near: dict[int, dict[str, str]] = {}
    for r, y in rows:
        if abs(y - year) == best and y not in near:  # first row per year (file order)
            near[y] = r
    chosen = [near[y] for y in sorted(near)]
    value = sum(published_value(r) for r in chosen) / len(chosen)
    cites = " and ".join(f"{r['year']} = {published_value(r):g} (row {r['row']})" for r in chosen)
    how = "mean of " if len(chosen) > 1 else ""
    return value, f"PF:{key} {how}{cites}"


def published_priors(year: int) -> list[Prior]:
    """Workforce and carer parameters for a fit to ``year``."""
    return [Prior(path, *nearest_published(key, year)) for path, key in PUBLISHED_KEYS.items()]
