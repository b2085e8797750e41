"""Built-in areas: parameter changes that describe a place.

All rates in the parameter tree are per 10,000 children, so an area is mostly its child
population. ``england-average`` is 100,000 children at England's 2024 rates (about 700 looked
after); ``england`` is the whole country at full scale (83,630 looked after at 31 March 2024).
Local authorities come from calibration fits (``calibration/fitted/la-<code>-<year>.toml``).
"""

from __future__ import annotations

from typing import Any

from calibration.fitted_params import FITTED_DIR
from simulation.errors import CarepathsError

ENGLAND_CHILDREN_0_17 = 11_947_000  # 83,630 CLA / 70 per 10,000 (DfE CLA 2024)

AREAS: dict[str, dict[str, Any]] = {
    "england-average": {"area.population_0_17": 100_000},
    "england": {"area.population_0_17": ENGLAND_CHILDREN_0_17},
}

DEFAULT_AREA = "england-average"


def fitted_local_areas() -> list[str]:
    """Local-authority areas with a committed calibration fit (``la-<code>-<year>``)."""
    return sorted(p.stem for p in FITTED_DIR.glob("la-*-[0-9][0-9][0-9][0-9].toml"))


def area_changes(name: str) -> dict[str, Any]:
    """Parameter changes for a named area; a clear error names the areas there are.

    A local authority (``la-<code>-<year>``) is described entirely by its calibration fit
    (population, starting stock, rates), which :func:`calibration.resolve.resolve_params`
    applies next.
    """
    if name in AREAS:
        return dict(AREAS[name])
    local = fitted_local_areas()
    if name in local:
        return {}
    raise CarepathsError(
        f"unknown area {name!r}; available: {', '.join([*sorted(AREAS), *local])} "
        "(fit another local authority with: python run.py calibrate --la CODE --year YEAR)"
    )
