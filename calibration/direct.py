"""Direct estimates: parameter values an area's published tables give without simulation.

For year Y: child population, the stock at 31 March Y (the starting population; day 0 of a
run is 1 April Y) with its placement, age, UASC and legal mix, starts per 10,000, UASC share
and age shares of starts, placed-with-parents share, legal status of starts and the mean time
placed before an adoption order (stock = flow × time). Workforce and carer rates come from
the nearest published figures (:mod:`calibration.priors`). Each value carries its source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from calibration.priors import published_priors
from calibration.targets import (
    SUPPRESSED_HALF_RANGE,
    AreaData,
    area_data,
    area_population,
    stock_groups,
)
from simulation.errors import DataError
from simulation.params import spec_of

UASC_16_17 = 0.85  # share of UASC starts aged 16-17 (entry.uasc_share_16_17)
# Mean days placed for adoption before the order, when set from a small area's counts.
ADOPTION_DAYS_RANGE = (100, 400)
# England's ratio of UASC share of starts to UASC share of stock, 2019 (3,830/31,780 over
# 5,150/78,140): used where a table gives UASC stock but not UASC starts.
UASC_START_TO_STOCK = (3830 / 31780) / (5150 / 78140)


def _share(
    d: AreaData, measure: str, breakdown: str, cats: Sequence[str], total: float | None
) -> float | None:
    vals = [d.get(measure, breakdown, c) for c in cats]
    if total is None or total <= 0 or all(v is None for v in vals):
        return None
    return sum(v for v in vals if v is not None) / total


LOOKBACK = 6  # years back to find a table a year lacks (LA stock mixes end in 2019; Leeds'
# 2019 legal-status table hides larger cells, so its 2024 fit takes 2018's)
STOCK_LEGAL = (
    ("s20",),
    ("care_order",),
    ("child_protection",),
    ("youth_justice",),
    ("placement_order",),
)  # the five groups of area.stock_legal_shares


def direct_estimates(area: str, year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Parameter values the tables give directly for ``area`` in ``year``, with their sources.

    The run starts from the 31 March stock of ``year`` (day 0 is 1 April ``year``). A table
    the year does not have (an LA's stock by placement, age, UASC and legal status end in
    2019; its starts by age and legal status in 2022) is taken from the latest earlier year
    that has it, at most :data:`LOOKBACK` years back, and the source says which year."""
    d = area_data(area, year)
    pop = area_population(area, year)
    changes: dict[str, Any] = {"area.population_0_17": round(pop), "area.start_year": year}
    why: dict[str, str] = {
        "area.population_0_17": (
            "issue 2 default area" if area == "england-average" else d.population_source
        ),
        "area.start_year": f"the run starts from the 31 March {year} stock (1 April {year})",
    }
    rate = (d.get("cla_31_march", "total", "total") or 0.0) / d.population * 10_000
    changes["area.cla_per_10k_start"] = round(rate, 3)
    why["area.cla_per_10k_start"] = f"{d.label} CLA at 31 March {year} per 10,000"
    _stock_estimates(area, year, changes, why)
    _start_estimates(area, d, changes, why)
    for prior in published_priors(year):
        changes[prior.path] = round(prior.value, 4)
        why[prior.path] = prior.citation
    return changes, why


def latest_with(area: str, year: int, has: Callable[[AreaData], bool]) -> AreaData | None:
    """The area's data for ``year``, or the latest of the :data:`LOOKBACK` years before it,
    whose tables satisfy ``has``; None if none does."""
    for y in range(year, year - LOOKBACK - 1, -1):
        try:
            d = area_data(area, y)
        except DataError:
            continue
        if has(d):
            return d
    return None


def adds_up(d: AreaData, measure: str, breakdown: str, tolerance: float = 0.05) -> bool:
    """True when a breakdown's cells (suppressed ones imputed) add up to the measure's total
    within ``tolerance``: from 2019 DfE also hides larger cells ('c'), which an imputed 3
    cannot stand for, so such a table is passed over for an earlier complete one."""
    total = d.get(measure, "total", "total")
    if breakdown == "placement":  # the model's groups (the 2024 release regrouped settings)
        cells = [v for v, _ in stock_groups(d).values() if v is not None]
    else:
        keys = [k for k in d.values if k[:2] == (measure, breakdown) and k[2] != "total"]
        cells = [d.values[k] for k in keys]
    hidden = sum(n for k, n in d.suppressed.items() if k[:2] == (measure, breakdown))
    slack = max(tolerance * (total or 0.0), SUPPRESSED_HALF_RANGE * hidden + 1.0)
    return bool(total) and bool(cells) and abs(sum(cells) - (total or 0.0)) <= slack


def _from(src: AreaData, year: int) -> str:
    return "" if src.year == year else f" (the latest table, {src.year}; none for {year})"


def _stock_estimates(area: str, year: int, changes: dict[str, Any], why: dict[str, str]) -> None:
    """The starting stock's placement, age, UASC and legal mix."""
    src = latest_with(area, year, lambda d: adds_up(d, "cla_31_march", "placement"))
    placements = _stock_placement_shares(src) if src else None
    if src and placements is not None:
        changes["area.stock_placement_shares"] = placements
        why["area.stock_placement_shares"] = (
            f"{src.label} 31 March {src.year} stock by placement group{_from(src, year)}; "
            "groups it does not split, in England 2024 proportions"
        )
    src = latest_with(area, year, lambda d: adds_up(d, "cla_31_march", "age_group"))
    mix = _stock_mix(src) if src else None
    if src and mix is not None:
        changes["area.uasc_stock_share"], changes["area.stock_age_shares"] = mix
        why["area.uasc_stock_share"] = f"{src.label} UASC share of the 31 March stock" + _from(
            src, year
        )
        why["area.stock_age_shares"] = (
            f"{src.label} 31 March stock by age less UASC ({UASC_16_17:.0%} of UASC 16-17)"
            + _from(src, year)
        )
    src = latest_with(area, year, lambda d: adds_up(d, "cla_31_march", "legal_status"))
    legal = _stock_legal(src) if src else None
    if src and legal is not None:
        changes["area.stock_legal_shares"] = legal
        why["area.stock_legal_shares"] = (
            f"{src.label} 31 March stock by legal status, UASC (all s20) taken out"
            + _from(src, year)
        )


def _start_estimates(area: str, d: AreaData, changes: dict[str, Any], why: dict[str, str]) -> None:
    """Starts per 10,000 and their UASC, age, legal and placement mix; time placed for
    adoption."""
    year = d.year
    starts = d.get("started", "total", "total")
    if starts is not None:
        changes["entry.starts_per_10k_per_year"] = round(starts / d.population * 10_000, 3)
        why["entry.starts_per_10k_per_year"] = f"{d.label} {year} starts per 10,000"
    uasc = d.get("started", "uasc", "uasc")
    if uasc is not None and starts:
        changes["entry.uasc_share"] = round(uasc / starts, 4)
        why["entry.uasc_share"] = f"{d.label} {year} UASC starts / starts"
    else:
        src = latest_with(area, year, lambda x: x.get("cla_31_march", "uasc", "uasc") is not None)
        stock_uasc = src.get("cla_31_march", "uasc", "uasc") if src else None
        stock = src.get("cla_31_march", "total", "total") if src else None
        if src and stock_uasc is not None and stock:
            changes["entry.uasc_share"] = round(
                min(0.9, stock_uasc / stock * UASC_START_TO_STOCK), 4
            )
            why["entry.uasc_share"] = (
                f"{src.label} {src.year} UASC stock share × England 2019 ratio "
                f"of start to stock share ({UASC_START_TO_STOCK:.2f}){_from(src, year)}"
            )
    src = latest_with(area, year, lambda x: adds_up(x, "started", "age_group"))
    ages = _age_shares(src, starts, changes.get("entry.uasc_share")) if src else None
    if src and ages:
        changes["entry.age_shares_non_uasc"] = ages
        why["entry.age_shares_non_uasc"] = (
            f"{src.label} {src.year} starts by age less UASC "
            f"({UASC_16_17:.0%} of UASC 16-17, the rest 10-15){_from(src, year)}"
        )
    newborn = _newborn_share(area, year)
    if newborn is not None:
        changes["entry.newborn_share"], why["entry.newborn_share"] = newborn
    pwp = _share(d, "started", "placement", ("placed_with_parents",), starts)
    if pwp is not None:
        changes["entry.placed_with_parents_share"] = round(pwp, 4)
        why["entry.placed_with_parents_share"] = f"{d.label} {year} starts placed with parents"
    placed = d.get("cla_31_march", "placement", "placed_for_adoption")
    adopted = d.get("ceased", "reason", "adopted")
    if placed and adopted:  # stock = flow × mean time placed before the adoption order
        days = min(ADOPTION_DAYS_RANGE[1], max(ADOPTION_DAYS_RANGE[0], placed / adopted * 365))
        changes["exits.days_placed_to_adoption_order"] = round(days, 1)
        why["exits.days_placed_to_adoption_order"] = (
            f"{d.label} {year} placed for adoption at 31 March / adopted × 365 days "
            f"(clipped to {ADOPTION_DAYS_RANGE[0]}-{ADOPTION_DAYS_RANGE[1]})"
        )
    src = latest_with(area, year, lambda x: adds_up(x, "started", "legal_status"))
    legal = _legal_shares(src, starts) if src else None
    if src and legal:
        changes["entry.legal_status_shares"] = legal
        why["entry.legal_status_shares"] = (
            f"{src.label} {src.year} starts by legal status{_from(src, year)}"
        )


def newborn_share_from(started: float, ceased: float, stock: float) -> float | None:
    """Share of under-1 entrants entering in their first week that makes DfE's under-1 stock
    add up: stock = starts × mean years spent under 1, where with the under-1 exit rate
    h = ceased / stock an entrant at birth spends (1 - e^-h)/h years under 1 and one at an
    age uniform over the year (1 - (1 - e^-h)/h)/h. Clipped to [0, 1]; None without data."""
    if started <= 0 or stock <= 0:
        return None
    h = max(ceased, 0.0) / stock
    at_birth = float(-np.expm1(-h) / h) if h > 1e-9 else 1.0
    uniform = (1.0 - at_birth) / h if h > 1e-9 else 0.5
    share = (stock / started - uniform) / (at_birth - uniform)
    return float(min(1.0, max(0.0, share)))


MIN_UNDER_1_STARTS = 20  # fewer starts under 1: the newborn share is left at England's


def _newborn_share(area: str, year: int) -> tuple[float, str] | None:
    """The area's newborn share (:func:`newborn_share_from`) from its latest tables with
    starts, ceased and stock under 1; None (England's default) when they are missing or
    hold fewer than :data:`MIN_UNDER_1_STARTS` starts under 1."""

    def cell(x: AreaData, measure: str) -> float | None:
        return x.get(measure, "age_group", "age_under_1")

    src = latest_with(
        area, year, lambda x: all(cell(x, m) is not None for m in ("started", "ceased"))
    )
    stock_src = latest_with(area, year, lambda x: cell(x, "cla_31_march") is not None)
    if src is None or stock_src is None:
        return None
    started, ceased = cell(src, "started") or 0.0, cell(src, "ceased") or 0.0
    stock = cell(stock_src, "cla_31_march") or 0.0
    if started < MIN_UNDER_1_STARTS:
        return None
    share = newborn_share_from(started, ceased, stock)
    if share is None:
        return None
    years = str(src.year) if src.year == stock_src.year else f"{src.year}, stock {stock_src.year}"
    return round(share, 4), (
        f"{src.label} {years} under 1: {started:.0f} starts, {ceased:.0f} ceased, "
        f"{stock:.0f} in care (stock = starts × mean time under 1; direct.newborn_share_from)"
        f"{_from(src, year)}"
    )


def _stock_legal(d: AreaData) -> tuple[float, ...] | None:
    """Non-UASC 31 March stock by legal status (UASC are all s20 in the model)."""
    vals = [sum(d.get("cla_31_march", "legal_status", c) or 0.0 for c in g) for g in STOCK_LEGAL]
    if sum(vals) <= 0:
        return None
    vals[0] = max(0.0, vals[0] - float(d.get("cla_31_march", "uasc", "uasc") or 0.0))
    total = sum(vals)
    return tuple(round(v / total, 4) for v in vals) if total > 0 else None


def _age_shares(
    d: AreaData, starts: float | None, uasc_share: float | None
) -> tuple[float, ...] | None:
    bands = ("age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_over")
    vals = [d.get("started", "age_group", b) for b in bands]
    if starts is None or any(v is None for v in vals):
        return None
    counts = [float(v) for v in vals if v is not None]
    uasc = (uasc_share or 0.0) * sum(counts)
    counts[3] = max(0.0, counts[3] - (1 - UASC_16_17) * uasc)
    counts[4] = max(0.0, counts[4] - UASC_16_17 * uasc)
    total = sum(counts)
    return tuple(round(c / total, 4) for c in counts) if total > 0 else None


def _stock_mix(d: AreaData) -> tuple[float, tuple[float, ...]] | None:
    """(UASC share, non-UASC age shares) of an area's 31 March stock, for the starting
    population; None when the age table is missing. Suppressed UASC counts are taken as 0."""
    bands = ("age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_over")
    vals = [d.get("cla_31_march", "age_group", b) for b in bands]
    if any(v is None for v in vals):
        return None
    counts = [float(v) for v in vals if v is not None]
    total = sum(counts)
    if total <= 0:
        return None
    uasc = min(float(d.get("cla_31_march", "uasc", "uasc") or 0.0), 0.9 * total)
    counts[3] = max(0.0, counts[3] - (1 - UASC_16_17) * uasc)
    counts[4] = max(0.0, counts[4] - UASC_16_17 * uasc)
    rest = sum(counts)
    if rest <= 0:
        return None
    return round(uasc / total, 4), tuple(round(c / rest, 4) for c in counts)


def _stock_placement_shares(src: AreaData) -> tuple[float, ...] | None:
    """The 31 March stock's placement mix in the 8 groups of ``area.stock_placement_shares``;
    None without a placement table. Groups a table does not split are split in the default
    (England 2024) proportions; a missing group takes its default share."""
    groups = stock_groups(src)
    default = np.asarray(spec_of("area.stock_placement_shares").default, dtype=float)
    total = src.get("cla_31_march", "total", "total")
    if not total or not groups:
        return None
    # indices: kinship, in-house, agency, homes, supported, with parents, other, adoption
    parts = {
        "cla_foster_kinship": (0,),
        "cla_foster_other": (1, 2),
        "cla_foster": (0, 1, 2),
        "cla_residential": (3,),
        "cla_supported": (4,),
        "cla_residential_supported": (3, 4),
        "cla_with_parents": (5,),
        "cla_other": (6,),
        "cla_placed_for_adoption": (7,),
    }
    shares = default.copy()
    for name, (value, _) in groups.items():
        idx = list(parts[name])
        if value is not None:
            shares[idx] = value / total * default[idx] / default[idx].sum()
    shares = shares / shares.sum()
    return tuple(round(float(x), 4) for x in shares)


def _legal_shares(d: AreaData, starts: float | None) -> tuple[float, ...] | None:
    groups = (
        ("s20",),
        ("care_order", "placement_order"),
        ("child_protection",),
        ("youth_justice",),
    )
    vals = [sum(d.get("started", "legal_status", c) or 0.0 for c in g) for g in groups]
    total = sum(vals)
    if not starts or total <= 0:
        return None
    return tuple(round(v / total, 4) for v in vals)
