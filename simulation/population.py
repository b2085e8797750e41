"""The starting population: children already in care, carers with their placements, workers
with their caseloads, so that year 1 is not a warm-up artefact.

- Children: ``area.cla_per_10k_start`` × population; ages from ``area.stock_age_shares`` (DfE
  31 March stock by age less UASC: England 2024 by default, the area-year's in a fit); UASC at
  ``area.uasc_stock_share`` (mostly 16-17); placement group by age band from
  ``PLACEMENT_BY_AGE`` (an assumption fitted by hand to the 2024 stock mix), its columns scaled
  by iterative proportional fitting so the whole stock matches ``area.stock_placement_shares``
  (DfE 31 March stock by placement group: England 2024 by default, the area-year's in a fit);
  time in care drawn from an exponential with the mean implied by stock/starts (about 2.5
  years), truncated at the child's age. A council's SSDA903 (``calibrate --ssda903``) gives
  the stock by row and group (``area.stock_placement_by_age``) and the mean time in care by
  row (``area.stock_years_in_care``), which then replace the hand-set rows and the mean.
- Consistent with the model's own rules (issue 11): each placed child's needs are drawn as the
  matching rule would have placed them (a child of 10+ in a children's home has needs above
  ``matching.residential_needs_threshold``; one of 10+ in foster care has needs at or below
  it: the entrants' needs distribution, truncated), and each child is placed the way matching
  places: foster children with a carer whose skill fits, in the council's area first, then
  outside; children's home residents in an in-house bed, then a purchased place by band;
  supported residents in a supported place by band. Match quality is the matching rule's fit
  plus its noise. The purchased children's home and supported places are sized on this stock
  (``Capacity.size_pools``). Nobody is given a household made to fit them: a child for whom no
  place of the drawn kind is left takes the nearest kind that has one.
- Carers: in-house and agency households at their rates per 10,000 (agency × ``market.agency_
  supply_ratio``), each in a location band drawn from ``market.*_location_shares``.
- Workers: case-holding FTE per 10,000, the published agency share; children allocated to the
  least-loaded worker.
Draws come from numpy generators keyed by (seed, "population.*") in ``streams.py`` and, for
households' locations, from each household's own keyed stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import betainc, betaincinv

from simulation.agents import LOCATIONS, YEAR_DAYS, CarerHousehold, Child, Group, SocialWorker
from simulation.capacity import location_of
from simulation.params import ParamReader
from simulation.rules.matching import FIXED_LOCATION, placement_fit

if TYPE_CHECKING:
    from simulation.model import CareSystem

MEAN_DAYS_IN_CARE = 900.0  # assumption: stock / starts ≈ 2.5 years, less for the young

G = Group
# Assumption: placement group shares by age band (kinship, in-house, agency, residential,
# supported, with parents, other, adoption), chosen so that the stock matches DfE 2024:
# kinship 16.3%, other foster 51.1% (in-house 27.9% / agency 24.8% of CLA in the FOI survey),
# children's homes 10.2%, supported 7.5%, with parents 6.3%, placed for adoption 2.3%, other 6.1%.
PLACEMENT_BY_AGE = (
    (0.26, 0.42, 0.14, 0.00, 0.00, 0.08, 0.10, 0.00),
    (0.22, 0.30, 0.16, 0.00, 0.00, 0.10, 0.04, 0.18),
    (0.22, 0.36, 0.23, 0.00, 0.00, 0.09, 0.04, 0.03),  # homes only for 10+ (matching)
    (0.17, 0.30, 0.27, 0.14, 0.00, 0.06, 0.06, 0.00),
    (0.12, 0.21, 0.26, 0.13, 0.17, 0.03, 0.08, 0.00),
)
UASC_PLACEMENT = (0.0, 0.17, 0.40, 0.05, 0.33, 0.0, 0.05, 0.0)  # aged 16-17
UASC_PLACEMENT_10_15 = (0.0, 0.30, 0.60, 0.05, 0.0, 0.0, 0.05, 0.0)  # no supported under 16
UASC_16_17_SHARE = 0.85  # assumption: most UASC in care are 16-17 (as entry.uasc_share_16_17)
BAND_LOW = (0.0, 1.0, 5.0, 10.0, 16.0)
BAND_HIGH = (1.0, 5.0, 10.0, 16.0, 18.0)


def build_population(model: CareSystem) -> None:
    """Create the starting carers, workers and children and place the children."""
    _build_carers(model)
    _build_workers(model)
    _build_children(model)
    _build_returned(model)


# Returned home per start, England 2024: 6,840 returned home / 33,050 starts (DfE CLA).
RETURNS_PER_START = 0.207


def _build_returned(model: CareSystem) -> None:
    """Children who returned home in the last ``reunification.track_years`` and have not (yet)
    come back: the reunification rule follows them, so re-entries run at their usual level
    from day one instead of building up from zero (a warm-up artefact).

    Returns are spread evenly over the follow-up window at the England rate per start; each
    is kept with the probability that it has not broken down by now under the re-entry
    hazards, so the survivors are the ones a real area would still be following.
    """
    p = model.p
    rng = model.streams.numpy_generator("population.returned")
    years = p["reunification.track_years"]
    first, later = p["reunification.reentry_per_year"]
    per_year = p["entry.starts_per_10k_per_year"] * model.scale * RETURNS_PER_START
    n = round(per_year * years)
    since = rng.random(n) * years  # years since the return home
    survived = np.exp(-(first * np.minimum(since, 1.0) + later * np.maximum(since - 1.0, 0.0)))
    keep = rng.random(n) < survived
    age_now = rng.uniform(0.5, 17.5, n) + since
    keep &= age_now < 18.0
    needs = rng.beta(p["entry.needs_beta_a"], p["entry.needs_beta_b"], n)
    for i in np.flatnonzero(keep):
        child = Child(
            model,
            model.new_id("child"),
            birth_day=-float(age_now[i]) * YEAR_DAYS,
            female=bool(rng.random() < 0.47),
            needs=float(needs[i]),
            disabled=False,
            uasc=False,
            legal="care_order",
        )
        child.period = 0
        child.returned_day = -float(since[i]) * YEAR_DAYS
        model.emit("returned_existing", child)


def _build_carers(model: CareSystem) -> None:
    p = model.p
    rng = model.streams.numpy_generator("population.carers")
    weights = np.asarray(p["carers.places_weights"], dtype=float)
    weights = weights / weights.sum()
    for sector, key, ratio, shares in (
        (G.INHOUSE, "carers.inhouse_households_per_10k", 1.0, "market.inhouse_location_shares"),
        (
            G.AGENCY,
            "carers.agency_households_per_10k",
            p["market.agency_supply_ratio"],
            "market.agency_location_shares",
        ),
    ):
        n = round(p[key] * ratio * model.scale)
        for _ in range(n):
            carer = CarerHousehold(
                model,
                model.new_id("carer"),
                int(sector),
                places=int(rng.choice(3, p=weights)) + 1,
                skill=float(rng.beta(3.0, 2.5)),
                older=bool(rng.random() < 0.25),
                joined=-float(rng.exponential(8 * YEAR_DAYS)),
            )
            carer.location = model.capacity.location(shares, "carers.location", carer.carer_id)
            model.add_carer(carer)


def _build_workers(model: CareSystem) -> None:
    p = model.p
    fte = (p["workforce.fte_per_10k"] + p["workforce.fte_extra_per_10k"]) * model.scale
    n = max(1, round(fte))
    share = p["workforce.agency_share"]
    target = p["workforce.agency_share_target"]
    if target >= 0:
        share = target
    n_agency = round(n * share)
    model.other_cases_total = (
        p["workforce.other_cases_per_fte"] * p["workforce.fte_per_10k"] * model.scale
    )
    rng = model.streams.numpy_generator("population.workers")
    for i in range(n):
        worker = SocialWorker(
            model,
            model.new_id("worker"),
            agency=i < n_agency,
            joined=-float(rng.exponential(3 * YEAR_DAYS)),
        )
        worker.post = i
        model.add_worker(worker)


def _choose(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of ``probs`` (rows sum to 1), vectorised."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def placement_table(
    age_shares: np.ndarray,
    uasc_share: float,
    target: tuple[float, ...],
    iterations: int = 100,
    observed: tuple[float, ...] = (),
) -> np.ndarray:
    """Placement probabilities by row (the five age bands of ``PLACEMENT_BY_AGE``, then UASC
    aged 16-17 and UASC aged 10-15): the hand-set rows — or an area's own table of the stock
    by row and group (``observed``, 48 counts: the five bands then UASC; a row with no
    children keeps the hand-set one; the UASC row serves both UASC rows, without supported
    accommodation under 16) — with each group's column scaled (iterative proportional
    fitting) until the stock they imply, weighted by age band and UASC share, has the
    ``target`` mix. A row's zeros stay zeros (no supported accommodation under 16, no
    children's home under 10, as the matching rule places); a group no row allows stays 0."""
    rows = np.asarray((*PLACEMENT_BY_AGE, UASC_PLACEMENT, UASC_PLACEMENT_10_15), dtype=float)
    if any(observed):
        table = np.asarray(observed, dtype=float).reshape(len(PLACEMENT_BY_AGE) + 1, -1)
        table = np.vstack((table, table[-1:] * (np.arange(table.shape[1]) != G.SUPPORTED)))
        given = table.sum(axis=1) > 0
        rows[given] = table[given]
    rows /= rows.sum(axis=1, keepdims=True)
    weights = np.concatenate(
        (
            (1.0 - uasc_share) * np.asarray(age_shares, dtype=float),
            (uasc_share * UASC_16_17_SHARE, uasc_share * (1.0 - UASC_16_17_SHARE)),
        )
    )
    goal = np.asarray(target, dtype=float)
    goal = goal / goal.sum()
    for _ in range(iterations):
        implied = weights @ rows
        factor = np.divide(goal, implied, out=np.ones_like(goal), where=implied > 0)
        if np.max(np.abs(factor - 1.0)) < 1e-6:
            break
        rows *= factor
        rows /= rows.sum(axis=1, keepdims=True)
    return rows


def band_slopes(shares: np.ndarray) -> np.ndarray:
    """Relative slope of the age density within each DfE band (per year, as a share of the
    band's mean density), from its neighbours' densities: a child's chance of being in care
    rises with age through childhood (teenage entries add to those who stay), so within the
    10-15 band there are more 15- than 10-year-olds and more 17- than 16-year-olds. Drawing
    ages uniformly within a band would start too few children about to turn 16 or 18."""
    low, high = np.asarray(BAND_LOW), np.asarray(BAND_HIGH)
    mid, width = (low + high) / 2, high - low
    density = np.asarray(shares, dtype=float) / width
    prev = np.r_[0, np.arange(len(mid) - 1)]
    nxt = np.r_[np.arange(1, len(mid)), len(mid) - 1]
    slope = (density[nxt] - density[prev]) / (mid[nxt] - mid[prev])
    # a linear density stays positive across its band: |slope| × width / 2 < mean density
    rel = np.where(density > 0, slope / np.maximum(density, 1e-12), 0.0)
    return np.clip(rel, -1.9 / width, 1.9 / width)


def ages_within_bands(shares: np.ndarray, band: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Ages (years) for children of the DfE ``band`` indices, one uniform ``u`` each, from a
    linear density within the band (:func:`band_slopes`) by its inverse distribution."""
    low, high = np.asarray(BAND_LOW)[band], np.asarray(BAND_HIGH)[band]
    w = high - low
    b = band_slopes(shares)[band]  # density ∝ 1 + b (x - w/2) on [0, w]
    # CDF F(x) = (x (1 - b w / 2) + b x² / 2) / w; solve F(x) = u for x in [0, w]
    a0 = 1.0 - b * w / 2
    flat = np.abs(b) < 1e-9
    safe_b = np.where(flat, 1.0, b)
    root = (-a0 + np.sqrt(np.maximum(a0 * a0 + 2 * safe_b * u * w, 0.0))) / safe_b
    x = np.where(flat, u * w, root)
    return low + np.clip(x, 0.0, w)


def _build_children(model: CareSystem) -> None:
    p = model.p
    rng = model.streams.numpy_generator("population.children")
    n = round(p["area.cla_per_10k_start"] * model.scale)
    uasc = rng.random(n) < p["area.uasc_stock_share"]
    ages = np.asarray(p["area.stock_age_shares"], dtype=float)
    band = np.where(
        uasc,
        np.where(rng.random(n) < UASC_16_17_SHARE, 4, 3),
        _choose(rng, np.tile(ages / ages.sum(), (n, 1))),
    )
    age = np.minimum(ages_within_bands(ages / ages.sum(), band, rng.random(n)), 17.999)
    needs_u = rng.random(n)  # needs are drawn once the placement is known (consistent_needs)
    # the area's stock by legal status (UASC are s20): s20, care order, police protection,
    # youth justice, placement order
    legal_names = ("s20", "care_order", "police_protection", "youth_justice", "placement_order")
    legal_p = np.asarray(p["area.stock_legal_shares"], dtype=float)
    legal = _choose(rng, np.tile(legal_p / legal_p.sum(), (n, 1)))
    female = rng.random(n) < 0.43
    disabled = rng.random(n) < p["entry.disability_share"]
    table = placement_table(
        ages / ages.sum(),
        p["area.uasc_stock_share"],
        p["area.stock_placement_shares"],
        observed=p["area.stock_placement_by_age"],
    )
    uasc_row = np.where(band == 4, len(PLACEMENT_BY_AGE), len(PLACEMENT_BY_AGE) + 1)
    row = np.where(uasc, uasc_row, band)
    group = _choose(rng, table[row])
    # mean time in care by row: the area's own (SSDA903) where given, else the assumption (the
    # area's UASC row serves both UASC rows)
    years = np.asarray(p["area.stock_years_in_care"], dtype=float)
    years = np.append(years, years[-1])
    mean_days = np.where(years[row] > 0, years[row] * YEAR_DAYS, MEAN_DAYS_IN_CARE)
    in_care = np.maximum(np.minimum(rng.exponential(mean_days), age * YEAR_DAYS), 1.0)
    in_placement = in_care * rng.random(n) ** 0.5
    noise = rng.random(n) - 0.5  # match quality noise, as the matching rule draws it
    location_u = rng.random(n)
    needs = consistent_needs(p, needs_u, age, group)
    model.capacity.size_pools(
        int(np.sum(group == G.RESIDENTIAL)), int(np.sum(group == G.SUPPORTED))
    )
    for i in range(n):
        child = Child(
            model,
            model.new_id("child"),
            birth_day=-float(age[i]) * YEAR_DAYS,
            female=bool(female[i]),
            needs=float(needs[i]),
            disabled=bool(disabled[i]),
            uasc=bool(uasc[i]),
            legal="s20" if uasc[i] else legal_names[legal[i]],
        )
        g, placed_days = int(group[i]), float(in_placement[i])
        if g == G.ADOPTION:
            child.legal = "placement_order"
            placed_days = min(placed_days, 200.0)
        carer, inhouse_bed, location, g = _existing_place(model, child, g, float(location_u[i]))
        skill = carer.skill if carer is not None else 0.0
        quality = min(1.0, max(0.0, placement_fit(p, g, child.needs, skill, carer is not None)))
        quality = min(1.0, max(0.0, quality + 0.2 * float(noise[i])))
        model.start_existing(
            child, -float(in_care[i]), -placed_days, g, carer, quality, inhouse_bed, location
        )


def consistent_needs(
    p: ParamReader, u: np.ndarray, age: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """Needs as the matching rule would have placed each child: the entrants' distribution
    (Beta, shifted up from age 10), truncated above the children's home threshold for a
    child of 10+ in a children's home and at or below it for one of 10+ in foster care."""
    a, b = p["entry.needs_beta_a"], p["entry.needs_beta_b"]
    shift = np.where(age >= 10, p["entry.needs_adolescent_shift"], 0.0)
    cut = p["matching.residential_needs_threshold"] - shift
    lo, hi = np.zeros_like(u), np.ones_like(u)
    older = age >= 10
    home = older & (group == G.RESIDENTIAL)
    foster = older & np.isin(group, (G.KINSHIP, G.INHOUSE, G.AGENCY))
    lo = np.where(home, np.clip(cut, 0.0, 1.0), lo)
    hi = np.where(foster, np.clip(cut, 0.0, 1.0), hi)
    lo_cdf, hi_cdf = betainc(a, b, lo), betainc(a, b, hi)
    empty = hi_cdf <= lo_cdf  # the threshold leaves no room: unconstrained
    lo_cdf, hi_cdf = np.where(empty, 0.0, lo_cdf), np.where(empty, 1.0, hi_cdf)
    base = betaincinv(a, b, lo_cdf + u * (hi_cdf - lo_cdf))
    return np.minimum(1.0, base + shift)


def _existing_place(
    model: CareSystem, child: Child, group: int, u: float
) -> tuple[CarerHousehold | None, bool, int, int]:
    """A place for a child of the starting population, found as matching finds one:
    (carer, in-house bed, location band, group)."""
    cap, p = model.capacity, model.p
    if group == G.KINSHIP:
        return cap.new_kinship_household(child), False, -1, group
    if group in (G.INHOUSE, G.AGENCY):
        return _existing_foster(model, child, group)
    if group == G.RESIDENTIAL:
        band, bed = cap.home_band(LOCATIONS)
        if band >= 0:
            return None, bed, band, group
        return _existing_foster(model, child, int(G.AGENCY))
    if group == G.SUPPORTED:
        band = cap.supported_band(LOCATIONS)
        if band >= 0:
            return None, False, band, group
        return _existing_foster(model, child, int(G.AGENCY))
    return None, False, location_of(p[FIXED_LOCATION[group]], u), group


def _existing_foster(
    model: CareSystem, child: Child, group: int
) -> tuple[CarerHousehold | None, bool, int, int]:
    """A foster carer who fits (this sector, then the other), else any with a vacancy; when
    every foster place is taken, a children's home place (8+) or another setting."""
    cap = model.capacity
    tolerance = model.p["matching.skill_tolerance"]
    other = G.AGENCY if group == G.INHOUSE else G.INHOUSE
    for sector in (group, other):
        carer = cap.find(sector, child.needs, tolerance)
        if carer is not None:
            return carer, False, -1, int(sector)
    for sector in (group, other):
        carer = cap.any(sector)
        if carer is not None:
            return carer, False, -1, int(sector)
    if child.age(0.0) >= 8:
        band, bed = cap.home_band(LOCATIONS)
        if band >= 0:
            return None, bed, band, int(G.RESIDENTIAL)
    return None, False, location_of(model.p[FIXED_LOCATION[G.OTHER]], 0.5), int(G.OTHER)
