"""Calibration pieces that need no fit: the starting placement mix, direct estimates from the
tables, the ensemble's fixed knobs and independent report replicates (fast)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from calibration.direct import direct_estimates
from calibration.knobs import KNOBS
from calibration.search import _abc
from calibration.simulator import Simulator
from calibration.targets import england_data, stock_groups
from simulation.agents import Group
from simulation.params import Parameters
from simulation.population import PLACEMENT_BY_AGE, UASC_16_17_SHARE, placement_table
from tests.engine_helpers import make_model


def test_placement_table_reaches_the_target_mix_and_keeps_structural_zeros():
    ages = np.array([0.05, 0.14, 0.2, 0.4, 0.21])
    target = (0.30, 0.20, 0.15, 0.12, 0.05, 0.10, 0.03, 0.05)
    rows = placement_table(ages, 0.1, target)
    weights = np.concatenate((0.9 * ages, (0.1 * UASC_16_17_SHARE, 0.1 * (1 - UASC_16_17_SHARE))))
    implied = weights @ rows
    assert implied == pytest.approx(target, abs=1e-4)
    assert np.allclose(rows.sum(axis=1), 1.0)
    for band, row in enumerate(PLACEMENT_BY_AGE):  # no supported accommodation under 16 etc.
        assert all(rows[band][g] == 0 for g, v in enumerate(row) if v == 0)


def test_starting_population_takes_the_given_placement_mix():
    heavy = (0.10, 0.20, 0.20, 0.10, 0.05, 0.25, 0.05, 0.05)

    def with_parents_share(changes):
        model = make_model(changes)
        kids = [c for c in model.children.values() if c.in_care]
        return sum(c.placement == Group.WITH_PARENTS for c in kids) / len(kids)

    # about 210 children: 3 binomial standard errors of a 25% share is about 0.09
    assert with_parents_share({"area.stock_placement_shares": heavy}) > 0.16
    assert with_parents_share({}) < 0.12  # the default England 2024 mix: 6.3%


def test_direct_estimates_give_the_stock_mix_and_time_placed_for_adoption():
    changes, why = direct_estimates("england-average", 2024)
    # 2023's table groups placements differently (homes and supported together), so the
    # 2024 fit starts from 2024's own mix, in the categories it is judged on
    groups = {k: v for k, (v, _) in stock_groups(england_data(2024)).items()}
    shares = changes["area.stock_placement_shares"]
    assert sum(shares) == pytest.approx(1.0, abs=1e-3)
    assert shares[5] == pytest.approx(groups["cla_with_parents"] / 83_630, abs=1e-3)
    assert shares[3] == pytest.approx(8_540 / 83_630, abs=1e-3)
    assert "2024" in why["area.stock_placement_shares"]
    assert changes["exits.days_placed_to_adoption_order"] == pytest.approx(
        1_910 / 2_980 * 365, abs=0.1
    )


def test_la_start_mix_comes_from_the_fit_years_own_stock():
    changes, why = direct_estimates("la-873", 2016)  # Cambridgeshire: few placed with parents
    assert "31 March 2016" in why["area.stock_placement_shares"]
    assert changes["area.start_year"] == 2016
    assert changes["area.stock_placement_shares"][5] < 0.02
    default = Parameters.defaults()["area.stock_placement_shares"]
    assert changes["area.stock_placement_shares"][5] < default[5]


def test_abc_holds_the_data_given_knobs_at_the_point_fit():
    knobs = KNOBS[:4]
    assert not knobs[0].abc  # arrivals: starts are data
    m0 = np.array([0.95, 1.1, 0.9, 1.2])
    seen = []

    def evaluate(cands, reps):
        seen.extend(cands)
        return [{} for _ in cands]

    plan = {"abc": 30, "abc_reps": 1}
    members, _ = _abc(m0, knobs, [], evaluate, plan, seed=1, history=[], log=lambda s: None)
    assert len(members) == 20
    assert all(c[0] == pytest.approx(0.95) for c in seen)
    assert len({round(float(c[1]), 6) for c in seen}) > 20  # the others do vary


def test_simulator_runs_each_candidate_on_its_own_replicates():
    def fake(task):
        return SimpleNamespace(indicators=[(2025, "started", float(task.replicate))])

    base = Parameters.defaults()
    sim = Simulator(base, 2024, 1, 1, 1, "local", None, 10, lambda n: None, fn=fake)
    out = sim.run([{}, {}], [[3, 4], [5, 6]])
    assert [[r[1] for r in rows] for rows in out] == [[3, 4], [5, 6]]
    shared = sim.run([{}, {}], [7])
    assert [[r[1] for r in rows] for rows in shared] == [[7], [7]]


def test_every_la_code_and_year_gives_valid_parameters_and_a_runnable_model():
    """LA calibration starts from the direct estimates: they must validate for every LA code and
    year with data (the City of London has 737 children; Kent ~330,000), and the smallest and
    largest authorities must build and run."""
    from calibration.targets import la_codes, la_targets
    from simulation.errors import DataError
    from simulation.model import CareSystem
    from simulation.params import Parameters

    built = 0
    sizes: dict[str, tuple[float, Parameters]] = {}
    for code, _ in la_codes():
        for year in range(2011, 2019):
            try:
                la_targets(code, year)
            except DataError:
                continue  # no looked-after children in the table: a clear error, tested elsewhere
            changes, _ = direct_estimates(f"la-{code}", year)
            params = Parameters.defaults().with_changes(changes)  # raises if any value is out
            built += 1
            if year == 2016:
                sizes[code] = (params["area.population_0_17"], params)
    assert built > 1100
    smallest = min(sizes.values(), key=lambda t: t[0])
    largest = max(sizes.values(), key=lambda t: t[0])
    assert smallest[0] < 2_000 and largest[0] > 300_000
    for _, params in (smallest, largest):
        model = CareSystem(params, seed=1, replicate=0)
        model.run_years(1)
        assert model.indicators.yearly


def test_a_year_without_a_stock_table_takes_the_latest_complete_one():
    """Leeds 2024: LA stock mixes end in 2019, and its 2019 legal-status table hides larger
    cells ('c'), so the legal mix comes from 2018's complete table."""
    changes, why = direct_estimates("la-383", 2024)
    assert "2019" in why["area.stock_placement_shares"]
    assert "the latest table, 2018" in why["area.stock_legal_shares"]
    assert sum(changes["area.stock_legal_shares"]) == pytest.approx(1.0, abs=1e-3)
    assert changes["area.stock_legal_shares"][4] > 0.03  # placement orders: 68 of 1,268
