"""Direct estimates: parameter values an area's published tables give without simulation.

For year Y: child population, the stock rate at 31 March Y-1 (the starting population) with its
placement, age and UASC mix, starts per 10,000, UASC share and age shares of starts,
placed-with-parents share, legal status of starts and the mean time placed before an adoption
order (stock = flow × time). Workforce and carer rates come from the nearest published figures
(:mod:`calibration.priors`). Each value carries its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from calibration.priors import published_priors
from calibration.targets import AreaData, area_data, area_population, stock_groups
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


def direct_estimates(area: str, year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Parameter values the tables give directly for ``area`` in ``year``, with their sources."""
    d = area_data(area, year)
    pop = area_population(area, year)
    changes: dict[str, Any] = {"area.population_0_17": round(pop)}
    why: dict[str, str] = {
        "area.population_0_17": (
            "issue 2 default area" if area == "england-average" else d.population_source
        )
    }
    stock_d = d  # the starting population is the 31 March stock before year Y
    try:
        prev = area_data(area, year - 1)
        stock_d = prev
        rate = (prev.get("cla_31_march", "total", "total") or 0.0) / prev.population * 10_000
        why["area.cla_per_10k_start"] = f"{d.label} CLA at 31 March {year - 1} per 10,000"
    except DataError:
        rate = (d.get("cla_31_march", "total", "total") or 0.0) / d.population * 10_000
        why["area.cla_per_10k_start"] = f"{d.label} CLA at 31 March {year} (no {year - 1} data)"
    changes["area.cla_per_10k_start"] = round(rate, 3)
    placements = _stock_placement_shares(stock_d, d)
    if placements is not None:
        shares, label = placements
        changes["area.stock_placement_shares"] = shares
        why["area.stock_placement_shares"] = label
    stock_mix = _stock_mix(stock_d)
    if stock_mix is not None:
        uasc_share, ages = stock_mix
        changes["area.uasc_stock_share"] = uasc_share
        changes["area.stock_age_shares"] = ages
        why["area.uasc_stock_share"] = f"{stock_d.label} UASC share of the 31 March stock"
        why["area.stock_age_shares"] = (
            f"{stock_d.label} 31 March stock by age less UASC ({UASC_16_17:.0%} of UASC 16-17)"
        )
    starts = d.get("started", "total", "total")
    if starts is not None:
        changes["entry.starts_per_10k_per_year"] = round(starts / d.population * 10_000, 3)
        why["entry.starts_per_10k_per_year"] = f"{d.label} {year} starts per 10,000"
    uasc = d.get("started", "uasc", "uasc")
    if uasc is not None and starts:
        changes["entry.uasc_share"] = round(uasc / starts, 4)
        why["entry.uasc_share"] = f"{d.label} {year} UASC starts / starts"
    else:
        stock_uasc = d.get("cla_31_march", "uasc", "uasc")
        stock = d.get("cla_31_march", "total", "total")
        if stock_uasc is not None and stock:
            changes["entry.uasc_share"] = round(
                min(0.9, stock_uasc / stock * UASC_START_TO_STOCK), 4
            )
            why["entry.uasc_share"] = (
                f"{d.label} {year} UASC stock share × England 2019 ratio "
                f"of start to stock share ({UASC_START_TO_STOCK:.2f})"
            )
    ages = _age_shares(d, starts, changes.get("entry.uasc_share"))
    if ages:
        changes["entry.age_shares_non_uasc"] = ages
        why["entry.age_shares_non_uasc"] = (
            f"{d.label} {year} starts by age less UASC "
            f"({UASC_16_17:.0%} of UASC 16-17, the rest 10-15)"
        )
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
    legal = _legal_shares(d, starts)
    if legal:
        changes["entry.legal_status_shares"] = legal
        why["entry.legal_status_shares"] = f"{d.label} {year} starts by legal status"
    for prior in published_priors(year):
        changes[prior.path] = round(prior.value, 4)
        why[prior.path] = prior.citation
    return changes, why


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


def _stock_placement_shares(stock_d: AreaData, d: AreaData) -> tuple[tuple[float, ...], str] | None:
    """The starting stock's placement mix (the 8 groups of ``area.stock_placement_shares``)
    from the 31 March stock before year Y, with its source; None without a placement table.

    Where the earlier table groups placements differently from year Y's targets (England 2024
    split children's homes from supported accommodation and widened "other"; 2019 split
    kinship foster care from the rest), year Y's own 31 March mix is used, so the start is in
    the categories the fit is judged on. Groups a table does not split are split in the
    default (England 2024) proportions; a missing group takes its default share."""
    groups = stock_groups(stock_d)
    src = stock_d
    if set(groups) != set(stock_groups(d)):
        groups, src = stock_groups(d), d
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
    label = (
        f"{src.label} 31 March {src.year} stock by placement group"
        + (" (the earlier table groups placements differently)" if src is d else "")
        + "; groups it does not split, in England 2024 proportions"
    )
    return tuple(round(float(x), 4) for x in shares), label


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
