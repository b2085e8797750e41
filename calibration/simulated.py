"""The simulated side of a fit: DfE indicators from indicators.csv-style rows, the derived sums
the model does not report itself, and fit-report rows in the contract's columns."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calibration.targets import Target


def _ratio(num: float, den: float) -> float:
    return 100.0 * num / den if den > 0 else math.nan


DERIVED: dict[str, tuple[tuple[str, ...], str]] = {
    "cla_foster_other": (("cla_foster_inhouse", "cla_foster_agency"), "sum"),
    "cla_foster": (("cla_foster_kinship", "cla_foster_inhouse", "cla_foster_agency"), "sum"),
    "cla_residential_supported": (("cla_residential", "cla_supported"), "sum"),
    "ceased_age_18_or_other": (("ceased_age_18", "ceased_other"), "sum"),
    "carer_deregistration_pct": (
        ("carer_deregistrations", "carer_households_inhouse", "carer_households_agency"),
        "dereg",
    ),
    "foster_inhouse_share_pct": (("cla_foster_inhouse", "cla_foster_agency"), "share"),
}


def derive(values: Mapping[str, float]) -> dict[str, float]:
    """Add the derived indicators to one replicate-year's values."""
    out = dict(values)
    for name, (parts, how) in DERIVED.items():
        if name in values or not all(p in values for p in parts):  # the engine's own wins
            continue
        v = [values[p] for p in parts]
        if how == "sum":
            out[name] = sum(v)
        elif how == "dereg":  # households approved during the year = end stock + leavers
            out[name] = _ratio(v[0], v[1] + v[2] + v[0])
        elif how == "share":
            out[name] = _ratio(v[0], v[0] + v[1])
    return out


@dataclass(frozen=True)
class Simulated:
    """Across replicates: mean, 5th and 95th percentile of one indicator."""

    mean: float
    p5: float
    p95: float
    n: int


def simulated_indicators(
    rows: Iterable[Sequence[object]], year: int | Sequence[int]
) -> dict[str, Simulated]:
    """Mean/p5/p95 across replicates of every indicator (and derived sum) for ``year``.

    ``rows`` are indicators.csv-style ``(scenario, replicate, year, indicator, value)``.
    Several years are averaged within each replicate first (an annual mean), so flows stay
    per year and stock is the mean of the 31 March counts.
    """
    years = {year} if isinstance(year, int) else set(year)
    per: dict[tuple[object, object, int], dict[str, float]] = defaultdict(dict)
    for scenario, rep, yr, ind, val in rows:
        y = int(yr)  # type: ignore[call-overload]
        if y in years:
            per[(scenario, rep, y)][str(ind)] = float(val)  # type: ignore[arg-type]
    by_rep: dict[tuple[object, object], list[dict[str, float]]] = defaultdict(list)
    for (scenario, rep, _), vals in per.items():
        by_rep[(scenario, rep)].append(derive(vals))
    samples: dict[str, list[float]] = defaultdict(list)
    for yearly in by_rep.values():
        names = set().union(*yearly)
        for name in names:
            vals = [v[name] for v in yearly if name in v and not math.isnan(v[name])]
            if vals:
                samples[name].append(sum(vals) / len(vals))
    out: dict[str, Simulated] = {}
    for name, vals in samples.items():
        arr = np.asarray(vals, dtype=float)
        out[name] = Simulated(
            float(arr.mean()),
            float(np.percentile(arr, 5)),
            float(np.percentile(arr, 95)),
            len(vals),
        )
    return out


FIT_COLUMNS = (
    "target",
    "year",
    "unit",
    "observed",
    "simulated_mean",
    "simulated_p5",
    "simulated_p95",
    "rel_error",
    "tolerance",
    "within",
    "role",  # 'target', or 'national reference' (a national figure beside an LA: not its target)
)


def fit_rows(
    targets: Sequence[Target], sims: Mapping[str, Simulated], year: int | None = None
) -> list[dict[str, object]]:
    """Fit-report rows in the contract's columns (a missing simulated indicator is a miss)."""
    rows = []
    for t in targets:
        s = sims.get(t.indicator)
        mean = s.mean if s else math.nan
        rows.append(
            {
                "target": t.indicator,
                "year": t.year if year is None else year,
                "unit": t.unit,
                "observed": round(t.observed, 4),
                "simulated_mean": round(mean, 4),
                "simulated_p5": round(s.p5, 4) if s else math.nan,
                "simulated_p95": round(s.p95, 4) if s else math.nan,
                "rel_error": round(t.rel_error(mean), 4) if s else math.nan,
                "tolerance": round(t.tolerance, 4),
                "within": bool(s) and t.within(mean),
                "role": t.role,
            }
        )
    return rows
