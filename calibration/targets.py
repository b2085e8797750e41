"""Calibration targets from the official tables (simulated side: :mod:`calibration.simulated`).

A :class:`Target` is one DfE measure for one area and year (observed value, unit, tolerance,
weight, source). Targets are built from ``calibration/data`` for England, the England-average
area (England's rates on 100,000 children) and any local authority in the LA table
(2010–2024; 2010–2018 for the 30 authorities whose later rows are held back).

How DfE's harmonised categories map to the model's indicators (names in
:mod:`simulation.indicator_names`; sums the model does not report itself are *derived*):

- stock ``cla_foster_kinship`` ← foster with relative or friend; ``cla_foster_other`` (derived:
  in-house + agency) ← foster with other carers; 2011–2018 only ``cla_foster`` (derived: all
  three) because DfE did not split foster care then.
- 2024: ``cla_residential`` ← children's homes (national table item 4c) and ``cla_supported`` ←
  supported accommodation (item 5, which includes living independently). Before 2024 DfE
  published children's homes and semi-independent living together, so the target is the derived
  sum ``cla_residential_supported``; it also takes ``other_community_independent_living``
  (living independently), which the 2024 release moved into supported accommodation.
- ``cla_other`` ← other placements + other residential settings + residential schools (+ secure
  homes in 2024, + missing before 2015).
- ceased: returned home, adopted, SGO, residence/child arrangements order map one to one;
  ``ceased_age_18`` ← ceased aged 18 and over (DfE ceased by age at ceasing; the model's 18
  route is every exit on the 18th birthday). Where the age table is missing: aged 18 remained
  with carers + moved to independent living (some
  independent-living leavers are 16–17: an approximation); all else → ``ceased_other``. Before
  2021 DfE had no "aged 18 remained with carers" reason (it was inside "other"), so the target
  there is the derived sum ``ceased_age_18_or_other``.
- stability: ``placements_3plus_pct`` and ``long_term_stable_pct`` (DfE definitions; the
  long-term measure changed from "same placement" to "same carer" after 2020).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from calibration.tables import (
    ENGLAND_FILE,
    HELD_BACK_FROM,
    LA_FILE,
    NATIONAL_FILE,
    Key,
    LocalAuthority,
    data_cutoff,
    england_rows,
    la_codes,
    la_table,
    national_rows,
    published_rows,
    published_value,
    read_year,
    visible_years,
)
from simulation.errors import DataError
from simulation.indicator_names import unit_of

DEFAULT_AREA_POPULATION = 100_000  # the England-average area (issue 2)
ToleranceKind = Literal["relative", "points", "band"]

# Relative tolerances of the acceptance checks (issue 3).
REL_TOL = 0.05
REL_TOL_SMALL = 0.10  # for groups under 5% of their total
SMALL_SHARE = 0.05
POINTS_TOL = 2.0
SUPPRESSED_HALF_RANGE = 2.0


@dataclass(frozen=True)
class Target:
    """One observed figure the model should reproduce.

    ``tolerance`` is absolute, in the indicator's unit: a simulated mean within
    ``observed ± tolerance`` meets the target. ``tolerance_kind`` says how it was set:
    ``relative`` (a share of the observed value), ``points`` (percentage points) or ``band``
    (observed is the middle of a published band, tolerance its half-width).
    """

    indicator: str
    year: int
    observed: float
    unit: str
    tolerance: float
    tolerance_kind: ToleranceKind
    weight: float
    source: str
    primary: bool = True
    national: bool = False  # a national figure shown for a local authority: not its target

    @property
    def role(self) -> str:
        """'target', or 'national reference' for a national figure shown beside an LA."""
        return "national reference" if self.national else "target"

    def error(self, simulated: float) -> float:
        """Simulated minus observed, in tolerance units (|z| <= 1 is within)."""
        return (simulated - self.observed) / self.tolerance if self.tolerance > 0 else 0.0

    def rel_error(self, simulated: float) -> float:
        """Relative error (simulated − observed) / observed (NaN when observed is 0)."""
        return (simulated - self.observed) / self.observed if self.observed else math.nan

    def within(self, simulated: float) -> bool:
        return abs(simulated - self.observed) <= self.tolerance + 1e-9


@dataclass(frozen=True)
class AreaData:
    """The published measures for one area and year, keyed by (measure, breakdown, category)."""

    area: str
    label: str
    year: int
    population: float
    population_source: str
    values: Mapping[Key, float]
    files: tuple[str, ...]
    small_numbers: bool = False  # LA counts: the observed count carries its own Poisson noise
    # LA cells published as suppressed (counts 1–5): imputed as 3 each; how many per key
    suppressed: Mapping[Key, int] = field(default_factory=dict)

    def get(self, measure: str, breakdown: str, category: str) -> float | None:
        """The published value (suppressed LA cells imputed as 3); None when absent."""
        return self.values.get((measure, breakdown, category))

    def n_suppressed(self, keys: Iterable[Key]) -> int:
        return sum(self.suppressed.get(k, 0) for k in keys)


# ----------------------------------------------------------------------------- areas


def _population(cla: float | None, rate: float | None) -> float | None:
    return cla / rate * 10_000 if cla and rate else None


def _nearest_population(
    area: str, years: Mapping[int, Mapping[Key, float]], year: int
) -> tuple[float, str]:
    """Children aged 0–17 from the CLA count and its rate per 10,000, nearest year with both
    (never after a back-test's cutoff)."""
    candidates = []
    for y in visible_years(years):
        vals = years[y]
        pop = _population(
            vals.get(("cla_31_march", "total", "total")),
            vals.get(("cla_31_march_rate", "total", "total")),
        )
        if pop:
            candidates.append((abs(y - year), y, pop))
    if not candidates:
        cutoff = data_cutoff()
        raise DataError(
            "no year"
            + (f" up to {cutoff}" if cutoff is not None else "")
            + " has both a CLA count and a rate per 10,000 (the LA table has rates from 2014);"
            " cannot derive the child population"
        )
    _, y, pop = min(candidates)
    read_year(area, y)
    how = "" if y == year else f" (rate from {y}: the table has no rate for {year})"
    return pop, f"CLA at 31 March / rate per 10,000, {y}{how}"


def england_data(year: int) -> AreaData:
    """England's published measures for ``year`` (2010–2024)."""
    rows = england_rows()
    if year not in rows:
        raise DataError(f"no England data for {year}; available years: {min(rows)}–{max(rows)}")
    read_year("England", year)  # refuses a year after a back-test's cutoff
    values = dict(rows[year])
    files = [ENGLAND_FILE.name]
    if year >= 2024:  # the 2024 release split children's homes from supported accommodation
        nat = national_rows().get(year, {})
        homes = nat.get(
            (
                "cla_31_march",
                "placement",
                "4c Total children's homes subject to children's homes regulations",
            )
        )
        supported = nat.get(
            (
                "cla_31_march",
                "placement",
                "5. Total independent and "
                "semi-independent living arrangements/ supported accommodation",
            )
        )
        secure = sum(
            nat.get(("cla_31_march", "placement", k), 0.0)
            for k in (
                "4a Secure home placement inside the council boundary",
                "4b Secure home placement outside the council boundary",
            )
        )
        if homes is not None and supported is not None:
            values[("cla_31_march", "placement", "childrens_homes")] = homes
            values[("cla_31_march", "placement", "supported_accommodation")] = supported
            values[("cla_31_march", "placement", "secure_homes")] = secure
            files.append(NATIONAL_FILE.name)
    pop, how = _nearest_population("England", rows, year)
    return AreaData("england", "England", year, pop, how, values, tuple(files))


def la_data(code: str | int, year: int) -> AreaData:
    """A local authority's published measures (DfE 3-digit code), 2010–2024 (2010–2018 for
    the 30 authorities whose later rows are held back)."""
    la = local_authority(code)
    key = la.code
    read_year(f"{la.name} ({key})", year)  # refuses a year after a back-test's cutoff
    have = la_years(la)
    if year not in have:
        raise DataError(_no_year(la, year, have))
    try:
        pop, how = _nearest_population(f"{la.name} ({key})", la.years, year)
    except DataError as exc:
        raise DataError(f"{la.name} ({key}): {exc}") from None
    values = dict(la.years[year])
    # The LA table has stability as counts in 2011–2014: derive the DfE percentage.
    total = values.get(("placement_stability", "number_of_placements_during_year", "total"))
    three = values.get(
        ("placement_stability", "number_of_placements_during_year", "placements_3plus")
    )
    pct_key = ("placement_stability_pct", "number_of_placements_during_year", "placements_3plus")
    if pct_key not in values and total and three is not None:
        values[pct_key] = 100.0 * three / total
    return AreaData(
        f"la-{key}",
        f"{la.name} ({key})",
        year,
        pop,
        how,
        values,
        (LA_FILE.name,),
        small_numbers=True,
        suppressed=la.suppressed.get(year, {}),
    )


def local_authority(code: str | int) -> LocalAuthority:
    """The authority with DfE 3-digit ``code``; a clear error naming some codes otherwise."""
    table = la_table()
    key = str(code).strip()
    if key not in table:
        sample = ", ".join(f"{c} {n}" for c, n in la_codes()[:8])
        raise DataError(
            f"unknown local authority code {key!r}; the LA table has {len(table)} codes "
            f"(DfE 3-digit, e.g. {sample}, ...); list them with: python run.py areas"
        )
    return table[key]


def la_years(la: LocalAuthority) -> list[int]:
    """The years with a published 31 March stock for ``la`` (up to a back-test's cutoff)."""
    have = visible_years(
        y for y, v in la.years.items() if v.get(("cla_31_march", "total", "total"))
    )
    if not have and not any(v.get(("cla_31_march", "total", "total")) for v in la.years.values()):
        raise DataError(
            f"{la.name} ({la.code}) has no looked-after children in the LA table (a new "
            "authority whose rows are 'not applicable', or none looked after); nothing to "
            "calibrate. Use its predecessor's code."
        )
    return have


def _no_year(la: LocalAuthority, year: int, have: list[int]) -> str:
    label = f"no data for {la.name} ({la.code}) in {year}"
    cutoff = data_cutoff()
    if cutoff is not None and year > cutoff:
        return f"{label}: after {cutoff}, the last year this back-test may read"
    if have and year > have[-1]:
        if la.held_back:
            return (
                f"{label}: its data end in {have[-1]}; the rows after {HELD_BACK_FROM - 1} of "
                "30 authorities are held back by the data's publisher for an independent test "
                f"of forecasts and will be added later. Use a year up to {have[-1]}"
            )
        return f"{label}: its data end in {have[-1]}"
    return f"{label}; available years: {', '.join(map(str, have))}"


def area_data(area: str, year: int) -> AreaData:
    """Published data behind a named area: england, england-average or la-<code>."""
    if area in ("england", "england-average"):
        return england_data(year)
    if area.startswith("la-"):
        return la_data(area[3:].split("-")[0], year)
    raise DataError(
        f"unknown area {area!r}; available: england, england-average, la-<code> "
        "(DfE 3-digit code, e.g. la-340)"
    )


def area_population(area: str, year: int) -> float:
    """Children aged 0–17 the area's targets are scaled to."""
    if area == "england-average":
        return float(DEFAULT_AREA_POPULATION)
    return area_data(area, year).population


# ----------------------------------------------------------------------------- targets


def _sum(d: AreaData, measure: str, breakdown: str, cats: Iterable[str]) -> float | None:
    vals = [d.get(measure, breakdown, c) for c in cats]
    got = [v for v in vals if v is not None]
    return sum(got) if got else None


STOCK_OTHER = ("other_placements", "other_residential", "residential_schools", "missing")
CEASED_NAMED = ("returned_home", "adopted", "sgo", "residence_or_cao")


def _stock_groups(d: AreaData) -> dict[str, tuple[float | None, str]]:
    """Model stock indicator -> (observed count, the DfE categories it is built from)."""
    g: dict[str, tuple[float | None, str]] = {}
    m, b = "cla_31_march", "placement"
    kin, other = d.get(m, b, "foster_relative_friend"), d.get(m, b, "foster_other")
    if kin is not None and other is not None:
        g["cla_foster_kinship"] = (kin, "foster_relative_friend")
        g["cla_foster_other"] = (other, "foster_other")
    elif d.get(m, b, "foster") is not None:
        g["cla_foster"] = (d.get(m, b, "foster"), "foster (not split by DfE this year)")
    homes = d.get(m, b, "childrens_homes")
    if homes is not None:
        g["cla_residential"] = (homes, "national 4c children's homes")
        g["cla_supported"] = (
            d.get(m, b, "supported_accommodation"),
            "national 5 supported accommodation",
        )
        secure = d.get(m, b, "secure_homes") or 0.0
    else:
        g["cla_residential_supported"] = (
            _sum(
                d,
                m,
                b,
                ("secure_childrens_homes_semi_independent", "other_community_independent_living"),
            ),
            "secure_childrens_homes_semi_independent + other_community_independent_living",
        )
        secure = 0.0
    g["cla_with_parents"] = (d.get(m, b, "placed_with_parents"), "placed_with_parents")
    g["cla_placed_for_adoption"] = (d.get(m, b, "placed_for_adoption"), "placed_for_adoption")
    other_sum = _sum(d, m, b, STOCK_OTHER)
    g["cla_other"] = (
        None if other_sum is None else other_sum + secure,
        "+".join(STOCK_OTHER) + (" + secure homes" if secure else ""),
    )
    return g


def stock_groups(d: AreaData) -> dict[str, tuple[float | None, str]]:
    """The 31 March stock by the model's placement groups, as the targets define them."""
    return _stock_groups(d)


def _ceased_groups(d: AreaData) -> dict[str, tuple[float | None, str]]:
    m, b = "ceased", "reason"
    total = d.get("ceased", "total", "total")
    g: dict[str, tuple[float | None, str]] = {
        "ceased_returned_home": (d.get(m, b, "returned_home"), "returned_home"),
        "ceased_adopted": (d.get(m, b, "adopted"), "adopted"),
        "ceased_sgo": (d.get(m, b, "sgo"), "sgo"),
        "ceased_cao": (d.get(m, b, "residence_or_cao"), "residence_or_cao"),
    }
    named = [v for v, _ in g.values()]
    rest = (
        None
        if total is None or any(v is None for v in named)
        else total - sum(v for v in named if v is not None)
    )
    aged_18 = d.get(m, "age_group", "age_18_over")
    age18 = d.get(m, b, "aged_18_remained_with_carers")
    indep = d.get(m, b, "independent_living")
    if aged_18 is not None:
        # The model's 'age_18' route is every exit on the 18th birthday, whatever reason DfE
        # records, so its target is the count of leavers aged 18 (DfE ceased by age); 'other'
        # is what remains after the named routes.
        g["ceased_age_18"] = (aged_18, "ceased aged 18 and over (by age at ceasing)")
        g["ceased_other"] = (
            None if rest is None else rest - aged_18,
            "total less returned home, adopted, SGO, CAO and those aged 18",
        )
    elif age18 is not None and indep is not None:
        g["ceased_age_18"] = (age18 + indep, "aged_18_remained_with_carers + independent_living")
        g["ceased_other"] = (
            None if rest is None else rest - age18 - indep,
            "total less the reasons above",
        )
    else:
        g["ceased_age_18_or_other"] = (
            rest,
            "total less returned home, adopted, SGO, CAO (no separate 18+ reason before 2021)",
        )
    return g


# DfE ceased by age at ceasing (England and LAs 2016-2024): the bands before the 18th
# birthday, whose shape the exit hazards' age ratios are fitted to (under 1 and 1-4 together).
CEASED_AGE_BANDS = {
    "ceased_age_under_5": ("age_under_1", "age_1_4"),
    "ceased_age_5_9": ("age_5_9",),
    "ceased_age_10_15": ("age_10_15",),
    "ceased_age_16_17": ("age_16", "age_17"),
}


def _ceased_age_groups(d: AreaData) -> dict[str, tuple[float | None, str]]:
    out: dict[str, tuple[float | None, str]] = {}
    for indicator, cats in CEASED_AGE_BANDS.items():
        vals = [d.get("ceased", "age_group", c) for c in cats]
        value = None if any(v is None for v in vals) else sum(v for v in vals if v is not None)
        out[indicator] = (value, " + ".join(cats))
    return out


def _n_hidden(d: AreaData, measure: str, breakdown: str, source: str) -> int:
    """Suppressed LA cells behind a target (its categories are named in ``source``; a
    remainder such as 'total less ...' carries all of the breakdown's suppressed cells)."""
    keys = [
        k
        for k in d.suppressed
        if k[0] == measure and k[1] == breakdown and (k[2] in source or "total less" in source)
    ]
    return d.n_suppressed(keys)


def _relative_target(
    d: AreaData,
    indicator: str,
    observed: float,
    share: float,
    scale: float,
    source: str,
    hidden: int = 0,
) -> Target:
    rel = REL_TOL_SMALL if share < SMALL_SHARE else REL_TOL
    value = observed * scale
    tol = rel * value
    how = f"±{rel:.0%}"
    if d.small_numbers:
        # An LA count is one draw: its own Poisson noise (95%) is a floor on what can be asked.
        noise = 1.96 * math.sqrt(max(observed, 1.0)) * scale
        if noise > tol:
            tol, how = noise, f"±1.96√n (Poisson noise of the observed count; ±{rel:.0%} is less)"
    if hidden:
        tol += SUPPRESSED_HALF_RANGE * hidden * scale
        how += f" + {hidden} suppressed cell(s) imputed as 3 (1–5), ±2 each"
    return Target(
        indicator,
        d.year,
        value,
        unit_of(indicator) or "children",
        tol,
        "relative",
        1.0,
        f"{d.label} {d.year}: {source}; tolerance {how}",
    )


def _pct_target(
    d: AreaData, indicator: str, observed: float, base: float | None, source: str
) -> Target:
    tol, how = POINTS_TOL, "±2 points"
    if d.small_numbers and base:
        p = observed / 100.0
        noise = 196.0 * math.sqrt(max(p * (1 - p), 0.01) / base)
        if noise > tol:
            tol, how = noise, "±1.96 binomial s.e. of the observed share"
    return Target(
        indicator,
        d.year,
        observed,
        "percent",
        tol,
        "points",
        1.0,
        f"{d.label} {d.year}: {source}; tolerance {how}",
    )


def targets_from(d: AreaData, population: float | None = None) -> list[Target]:
    """The primary DfE targets for an area-year, counts scaled to ``population`` children."""
    scale = 1.0 if population is None else population / d.population
    out: list[Target] = []
    stock = d.get("cla_31_march", "total", "total")
    if stock is None:
        raise DataError(f"{d.label} {d.year}: no CLA count at 31 March")
    out.append(_relative_target(d, "cla_31_march", stock, 1.0, scale, "cla_31_march total"))
    for ind, (v, src) in _stock_groups(d).items():
        if v is not None:
            out.append(
                _relative_target(
                    d,
                    ind,
                    v,
                    v / stock,
                    scale,
                    f"stock {src}",
                    _n_hidden(d, "cla_31_march", "placement", src),
                )
            )
    started = d.get("started", "total", "total")
    if started is not None:
        out.append(_relative_target(d, "started", started, 1.0, scale, "started total"))
    ceased = d.get("ceased", "total", "total")
    if ceased is not None:
        out.append(_relative_target(d, "ceased", ceased, 1.0, scale, "ceased total"))
        for ind, (v, src) in _ceased_groups(d).items():
            if v is not None:
                out.append(
                    _relative_target(
                        d,
                        ind,
                        v,
                        v / ceased if ceased else 0.0,
                        scale,
                        f"ceased reason {src}",
                        _n_hidden(d, "ceased", "reason", src),
                    )
                )
        for ind, (v, src) in _ceased_age_groups(d).items():
            if v is not None:
                t = _relative_target(
                    d,
                    ind,
                    v,
                    v / ceased if ceased else 0.0,
                    scale,
                    f"ceased aged {src} (by age at ceasing; secondary: the age shape of exits, "
                    "half weight, with no table of reason by age to apportion it)",
                    _n_hidden(d, "ceased", "age_group", src),
                )
                out.append(replace(t, weight=0.5, primary=False))
    p3 = d.get("placement_stability_pct", "number_of_placements_during_year", "placements_3plus")
    if p3 is not None:
        out.append(
            _pct_target(d, "placements_3plus_pct", p3, stock, "% with 3+ placements in the year")
        )
    lt = d.get("placement_stability_pct", "long_term_stability", "same_placement_2yrs")
    if lt is not None:
        base = d.get("placement_stability", "long_term_stability", "total")
        out.append(
            _pct_target(
                d,
                "long_term_stable_pct",
                lt,
                base,
                "% of long-term under-16s with the same carer/placement 2+ "
                "years"
                + (" (method: same carer)" if d.year > 2020 else " (method: same placement)"),
            )
        )
    return out


# ----------------------------------------------------------------------------- published bands


def published(key: str, year: str | None = None) -> tuple[float, str]:
    """A published figure by key (and year prefix), with its citation ``PF:key (year, row N)``."""
    rows = [
        r
        for r in published_rows()
        if r["key"] == key and (year is None or r["year"].startswith(year))
    ]
    if not rows:
        raise DataError(
            f"published_figures.csv has no row {key!r}" + (f" for {year}" if year else "")
        )
    r = rows[0]
    return published_value(r), f"PF:{key} ({r['year']}, row {r['row']})"


def workforce_targets(year: int) -> list[Target]:
    """Workforce and carer bands (issue 3), each citing the published figure it brackets.

    These are national figures; the LA table has no workforce data, so LAs get the same bands.
    """
    case, case_src = published("sw.caseload_per_fte_case_holder", "2023")
    turn, turn_src = published("sw.turnover_rate_fte", "2023")
    dereg, dereg_src = published("fostering.deregistration_rate_mainstream", "2022-23")
    agency, agency_src = published("sw.agency_rate_fte", "2023")
    agency25, agency25_src = published("sw.agency_rate_fte", "2025")
    inh, inh_src = published("cla.placement_share_foi.inhouse_mainstream_foster")
    ifa, ifa_src = published("cla.placement_share_foi.ifa_foster")
    sw3, sw3_src = published("cla.three_plus_social_workers_in_year_share", "2024")
    mid = (agency + agency25) / 2 * 100
    return [
        Target(
            "sw_changes_3plus_pct",
            year,
            round(sw3 * 100, 1),
            "percent",
            3.0,
            "points",
            0.5,
            f"{sw3_src}: % of CLA with 3+ social workers in the year",
            primary=False,
        ),
        Target(
            "caseload_mean",
            year,
            16.0,
            "cases per FTE",
            2.0,
            "band",
            1.0,
            f"band 14–18 around {case_src} = {case:g} and PF 2025 15.2",
        ),
        Target(
            "sw_turnover_pct",
            year,
            14.0,
            "percent",
            4.0,
            "band",
            1.0,
            f"band 10–18% around {turn_src} = {turn * 100:.1f}%",
        ),
        Target(
            "carer_deregistration_pct",
            year,
            13.0,
            "percent",
            3.0,
            "band",
            1.0,
            f"band 10–16% around {dereg_src} = {dereg * 100:.1f}% (deregistrations / "
            "mainstream households approved during the year)",
        ),
        Target(
            "agency_share_pct",
            year,
            round(mid, 1),
            "percent",
            round(abs(agency - agency25) * 50 + 1.0, 1),
            "band",
            0.5,
            f"between {agency_src} = {agency * 100:.1f}% and {agency25_src} = "
            f"{agency25 * 100:.1f}%",
            primary=False,
        ),
        Target(
            "foster_inhouse_share_pct",
            year,
            round(100 * inh / (inh + ifa), 1),
            "percent",
            5.0,
            "points",
            0.5,
            f"in-house share of non-kinship foster care: {inh_src} "
            f"{inh:.1%} vs {ifa_src} {ifa:.1%} of CLA",
            primary=False,
        ),
    ]


MARKET_CHECKS = (  # (indicator, published key, tolerance in points, what DfE counts)
    ("placed_outside_la_pct", "market.outside_la_share.all", 3.0, "CLA with a provider"),
    ("placed_outside_la_foster_pct", "market.outside_la_share.foster", 3.0, "foster"),
    (
        "placed_outside_la_residential_pct",
        "market.outside_la_share.childrens_homes",
        4.0,
        "children's homes",
    ),
    (
        "placed_20_miles_plus_pct",
        "market.outside_la_over_20_miles_share.all",
        3.0,
        "all CLA, outside the LA and over 20 miles",
    ),
    (
        "placed_20_miles_plus_foster_pct",
        "market.outside_la_over_20_miles_share.foster",
        3.0,
        "foster, outside the LA and over 20 miles",
    ),
    (
        "placed_20_miles_plus_residential_pct",
        "market.outside_la_over_20_miles_share.childrens_homes",
        5.0,
        "secure and children's homes, outside the LA and over 20 miles",
    ),
)


def market_targets(year: int) -> list[Target]:
    """Where children live (issue 11): checks, not fitted (weight 0). DfE 31 March location
    by placement type, the fit year's row where published (2019 or 2024), else 2024's."""
    out = []
    for indicator, key, tolerance, what in MARKET_CHECKS:
        try:
            value, source = published(key, str(year))
        except DataError:
            value, source = published(key, "2024")
        out.append(
            Target(
                indicator,
                year,
                round(100 * value, 1),
                "percent",
                tolerance,
                "points",
                0.0,
                f"{source}: {what} (a check; the location shares are set by hand to it)",
                primary=False,
            )
        )
    return out


def england_targets(year: int, scale: float = 1.0) -> list[Target]:
    """England's targets for ``year``, counts multiplied by ``scale``."""
    d = england_data(year)
    return targets_from(d, d.population * scale) + workforce_targets(year)


def national_references(year: int) -> list[Target]:
    """The workforce and carer bands as shown beside a local authority: national figures
    (the LA table has none of its own), labelled so and weighted 0, so no fit aims at them."""
    return [
        replace(
            t,
            weight=0.0,
            primary=False,
            national=True,
            source=f"national figure (England), not a target for a local authority: {t.source}",
        )
        for t in workforce_targets(year)
    ]


def la_targets(code: str | int, year: int) -> list[Target]:
    """A local authority's targets for ``year`` at its own size, with the national
    references after them."""
    return targets_from(la_data(code, year)) + national_references(year)


def area_targets(area: str, year: int) -> list[Target]:
    """Targets for a named area: england (full size), england-average (100,000 children at
    England's rates of ``year``) or la-<code> (whose workforce bands are national references)."""
    d = area_data(area, year)
    population = area_population(area, year)
    refs = national_references(year) if area.startswith("la-") else workforce_targets(year)
    market = market_targets(year) if not area.startswith("la-") else []
    return targets_from(d, population) + refs + market
