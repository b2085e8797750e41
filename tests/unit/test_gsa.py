"""Global sensitivity designs and analysis (SALib) on functions whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from results.gsa import (
    GSA_HEADER,
    LEVER_GATES,
    analyse,
    estimate_seconds,
    morris_design,
    point_changes,
    point_differences,
    ranking,
    relevant_assumptions,
    run_count,
    sobol_design,
)
from simulation.errors import CarepathsError
from simulation.params import SPEC, Parameters
from simulation.runner import run_replicate

A, B, C = (
    "carers.support_deregistration_ratio",
    "endings.needs_effect",
    "needs.sdq_per_worker_change",
)


def test_morris_ranks_a_linear_function_by_its_slopes() -> None:
    design = morris_design([A, B, C], trajectories=10, seed=2)
    assert design.points == 10 * 4 and run_count(design, reps=3) == 240
    u = design.quantiles
    rows = analyse(design, {"y": 3.0 * u[:, 0] + 1.0 * u[:, 1]})
    assert all(len(r) == len(GSA_HEADER) for r in rows)
    mu_star = dict(ranking(rows, "y", "mu_star"))
    assert list(mu_star) == [A, B, C]
    assert mu_star[A] == pytest.approx(3.0) and mu_star[B] == pytest.approx(1.0)
    assert mu_star[C] == 0.0


def test_sobol_indices_of_a_linear_function_match_the_analytic_shares() -> None:
    """y = 3 u0 + u1 with independent uniform quantiles: S1 = ST = 9/10 and 1/10, 0 for u2.
    The tolerance is SALib's own bootstrap 95% half-width plus 0.05 for 256 base samples."""
    design = sobol_design([A, B, C], base=256, seed=3)
    assert design.points == 256 * 5
    u = design.quantiles
    rows = analyse(design, {"y": 3.0 * u[:, 0] + u[:, 1]})
    got = {(r[1], r[3]): (r[4], r[5]) for r in rows}
    for path, share in ((A, 0.9), (B, 0.1), (C, 0.0)):
        for index in ("S1", "ST"):
            value, conf = got[(path, index)]
            assert abs(value - share) < float(conf) + 0.05, (path, index, value, conf)


def test_sobol_limits_and_constant_outputs() -> None:
    with pytest.raises(CarepathsError, match="power of two"):
        sobol_design([A, B], base=48)
    with pytest.raises(CarepathsError, match="at most"):
        sobol_design(sorted(p for p in SPEC if SPEC[p].kind == "assumption")[:12])
    design = sobol_design([A, B], base=8)
    rows = analyse(design, {"flat": np.ones(design.points)})
    assert {r[4] for r in rows} == {0.0}


def test_design_rejects_levers_and_repeats() -> None:
    with pytest.raises(CarepathsError, match="not an assumption"):
        morris_design(["carers.support_share"])
    with pytest.raises(CarepathsError, match="twice"):
        morris_design([A, A])


def test_points_map_quantiles_through_each_scenarios_range() -> None:
    design = morris_design([A], trajectories=4, seed=1)
    params = Parameters.defaults()
    low, high = SPEC[A].range or (0.0, 0.0)
    for j in range(design.points):
        value = float(point_changes(design, params, j)[A])  # type: ignore[arg-type]
        u = design.quantiles[j, 0]
        if u == 0.0:
            assert value == low
        if u == 1.0:
            assert value == high
        assert low <= value <= high


def test_point_differences_pair_replicates_and_average_years() -> None:
    rows = [
        (0, "b", 0, 2025, "x", 1.0),
        (0, "b", 0, 2026, "x", 3.0),
        (0, "s", 0, 2025, "x", 2.0),
        (0, "s", 0, 2026, "x", 6.0),  # replicate 0: mean diff (1 + 3) / 2 = 2
        (0, "b", 1, 2025, "x", 0.0),
        (0, "s", 1, 2025, "x", 4.0),  # replicate 1: 4
        (1, "b", 0, 2025, "x", 5.0),
        (1, "s", 0, 2025, "x", 5.0),
    ]
    out = point_differences(rows, "b", "s", points=2)
    assert out["x"].tolist() == [3.0, 0.0]


def test_gated_assumptions_are_left_out_only_when_their_lever_is_off() -> None:
    base = Parameters.defaults()
    support = base.with_changes({"carers.support_share": 0.5})
    keep, dropped = relevant_assumptions([A, B], [base, base])
    assert keep == [B] and "carers.support_share" in dropped[A]
    keep, dropped = relevant_assumptions([A, B], [base, support])
    assert keep == [A, B] and not dropped


def test_gates_name_an_assumption_and_a_lever() -> None:
    for path, (lever, off) in LEVER_GATES.items():
        assert SPEC[path].kind == "assumption", path
        assert SPEC[lever].kind == "lever", lever
        assert SPEC[lever].default == off, lever


def test_negative_control_every_gated_assumption_is_inert_with_its_lever_off() -> None:
    """Lever off: every gated assumption at its low end, then its high end, gives identical
    indicators (one year of the default area, a few tenths of a second each)."""
    ends = []
    for end in (0, 1):
        changes = {p: (SPEC[p].range or (0.0, 0.0))[end] for p in LEVER_GATES}
        params = Parameters.defaults().with_changes(changes)
        ends.append(run_replicate(params, years=1, seed=11, replicate=0).indicators)
    assert ends[0] == ends[1]


def test_time_estimate_scales_with_runs_years_children_and_workers() -> None:
    one = estimate_seconds(100, years=5, population=100_000, workers=1)
    assert estimate_seconds(100, 5, 100_000, 2) == pytest.approx(one / 2)
    assert estimate_seconds(100, 10, 200_000, 1) > 3 * one
