"""The starting population: children already in care, carers with their placements, workers
with their caseloads, so that year 1 is not a warm-up artefact.

- Children: ``area.cla_per_10k_start`` × population; ages from the DfE 31 March 2024 stock by
  age; UASC at their 2024 stock share (8.8%, mostly 16-17); placement group by age band from
  ``PLACEMENT_BY_AGE`` (an assumption fitted by hand so the totals match the 2024 stock mix);
  time in care drawn from an exponential with the mean implied by stock/starts (about 2.5
  years), truncated at the child's age.
- Carers: in-house and agency households at their published rates per 10,000; children are
  placed with the first household whose skill fits (vacancies remain, as in Ofsted's data).
- Workers: case-holding FTE per 10,000, the published agency share; children allocated to the
  least-loaded worker.
Draws come from numpy generators keyed by (seed, "population.*") in ``streams.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.agents import YEAR_DAYS, CarerHousehold, Child, Group, SocialWorker

if TYPE_CHECKING:
    from simulation.model import CareSystem

# DfE CLA 31 March 2024 stock by age band: <1, 1-4, 5-9, 10-15, 16-17 (3,730/10,820/15,020/
# 31,440/22,620 of 83,630).
STOCK_AGE_SHARES = (0.0446, 0.1294, 0.1796, 0.3759, 0.2705)
UASC_STOCK_SHARE = 0.088  # 7,380 of 83,630 (DfE 2024)
MEAN_DAYS_IN_CARE = 900.0  # assumption: stock / starts ≈ 2.5 years, less for the young

G = Group
# Assumption: placement group shares by age band (kinship, in-house, agency, residential,
# supported, with parents, other, adoption), chosen so that the stock matches DfE 2024:
# kinship 16.3%, other foster 51.1% (in-house 27.9% / agency 24.8% of CLA in the FOI survey),
# children's homes 10.2%, supported 7.5%, with parents 6.3%, placed for adoption 2.3%, other 6.1%.
PLACEMENT_BY_AGE = (
    (0.26, 0.42, 0.14, 0.00, 0.00, 0.08, 0.10, 0.00),
    (0.22, 0.30, 0.16, 0.00, 0.00, 0.10, 0.04, 0.18),
    (0.22, 0.36, 0.23, 0.03, 0.00, 0.09, 0.04, 0.03),
    (0.17, 0.30, 0.27, 0.14, 0.00, 0.06, 0.06, 0.00),
    (0.12, 0.21, 0.26, 0.13, 0.17, 0.03, 0.08, 0.00),
)
UASC_PLACEMENT = (0.0, 0.17, 0.40, 0.05, 0.33, 0.0, 0.05, 0.0)
BAND_LOW = (0.0, 1.0, 5.0, 10.0, 16.0)
BAND_HIGH = (1.0, 5.0, 10.0, 16.0, 18.0)


def draw_needs(rng: np.random.Generator, a: float, b: float, age: float, shift: float) -> float:
    return float(min(1.0, rng.beta(a, b) + (shift if age >= 10 else 0.0)))


def build_population(model: CareSystem) -> None:
    """Create the starting carers, workers and children and place the children."""
    _build_carers(model)
    _build_workers(model)
    _build_children(model)


def _build_carers(model: CareSystem) -> None:
    p = model.p
    rng = model.streams.numpy_generator("population.carers")
    weights = np.asarray(p["carers.places_weights"], dtype=float)
    weights = weights / weights.sum()
    for sector, key in ((G.INHOUSE, "carers.inhouse_households_per_10k"),
                        (G.AGENCY, "carers.agency_households_per_10k")):
        n = round(p[key] * model.scale)
        for _ in range(n):
            carer = CarerHousehold(
                model, model.new_id("carer"), int(sector),
                places=int(rng.choice(3, p=weights)) + 1,
                skill=float(rng.beta(3.0, 2.5)), older=bool(rng.random() < 0.25),
                joined=-float(rng.exponential(8 * YEAR_DAYS)))
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
    model.other_cases_total = p["workforce.other_cases_per_fte"] * p[
        "workforce.fte_per_10k"] * model.scale
    rng = model.streams.numpy_generator("population.workers")
    for i in range(n):
        worker = SocialWorker(model, model.new_id("worker"), agency=i < n_agency,
                              joined=-float(rng.exponential(3 * YEAR_DAYS)))
        model.add_worker(worker)


def _build_children(model: CareSystem) -> None:
    p = model.p
    rng = model.streams.numpy_generator("population.children")
    n = round(p["area.cla_per_10k_start"] * model.scale)
    a, b = p["entry.needs_beta_a"], p["entry.needs_beta_b"]
    shift = p["entry.needs_adolescent_shift"]
    legal_p = np.asarray([0.19, 0.75, 0.0, 0.005, 0.055])  # DfE 2024 stock: s20, care order,
    legal_p = legal_p / legal_p.sum()                     # PP, youth justice, placement order
    legal_names = ("s20", "care_order", "police_protection", "youth_justice", "placement_order")
    finder = model.capacity
    for _ in range(n):
        uasc = rng.random() < UASC_STOCK_SHARE
        band = (4 if rng.random() < 0.85 else 3) if uasc else int(
            rng.choice(5, p=STOCK_AGE_SHARES))
        age = float(rng.uniform(BAND_LOW[band], BAND_HIGH[band]))
        if band == 4:
            age = min(age, 17.999)
        needs = draw_needs(rng, a, b, age, shift)
        legal = str(legal_names[int(rng.choice(5, p=legal_p))])
        child = Child(model, model.new_id("child"), birth_day=-age * YEAR_DAYS,
                      female=bool(rng.random() < 0.43), needs=needs,
                      disabled=bool(rng.random() < p["entry.disability_share"]), uasc=uasc,
                      legal="s20" if uasc else legal)
        child.data["existing"] = True
        shares = UASC_PLACEMENT if uasc else PLACEMENT_BY_AGE[band]
        group = int(rng.choice(8, p=np.asarray(shares) / sum(shares)))
        in_care = min(float(rng.exponential(MEAN_DAYS_IN_CARE)), age * YEAR_DAYS)
        in_care = max(in_care, 1.0)
        in_placement = in_care * float(rng.random() ** 0.5)
        if group == G.ADOPTION:
            child.legal = "placement_order"
            in_placement = min(in_placement, 200.0)
        carer, inhouse_bed, group = finder.existing(child, group)
        quality = float(np.clip(rng.normal(0.6, 0.15), 0.0, 1.0))
        model.start_existing(child, -in_care, -in_placement, group, carer, quality, inhouse_bed)
