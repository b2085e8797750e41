"""Common random numbers: paired scenario differences are far less noisy than unpaired ones,
and a lever that only changes a price leaves every event identical."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from calibration.resolve import resolve_params
from simulation.executor import Task, run_many
from simulation.scenario import Scenario, load_scenario

HAS_RUNNER = importlib.util.find_spec("simulation.runner") is not None
pytestmark = pytest.mark.skipif(not HAS_RUNNER, reason="simulation.runner has not landed")

AREA = "england-average"
REPS, YEARS, SEED = 30, 2, 11


def _run(scenario: Scenario, seed: int, reps: int = REPS, years: int = YEARS) -> list:
    tasks = [
        Task(scenario.name, resolve_params(scenario, AREA, r), years, seed, r) for r in range(reps)
    ]
    return run_many(tasks, jobs=2)


def _whole_horizon(results: list, indicator: str) -> np.ndarray:
    """Each replicate's mean yearly value of ``indicator``."""
    out = []
    for res in results:
        values = [v for _, name, v in res.indicators if name == indicator]
        assert values, f"no {indicator} in the results"
        out.append(sum(values) / len(values))
    return np.array(out)


@pytest.fixture(scope="module")
def crn_runs() -> dict[str, list]:
    base, support = load_scenario("baseline"), load_scenario("foster-carer-support")
    return {
        "base": _run(base, SEED),
        "paired": _run(support, SEED),
        "unpaired": _run(support, SEED + 1000),
    }  # same scenario, other seeds: no pairing


@pytest.mark.parametrize("indicator", ["unplanned_endings", "cost_total_gbp"])
def test_paired_standard_error_is_a_third_of_unpaired(
    crn_runs: dict[str, list], indicator: str
) -> None:
    base = _whole_horizon(crn_runs["base"], indicator)
    paired = _whole_horizon(crn_runs["paired"], indicator) - base
    unpaired = _whole_horizon(crn_runs["unpaired"], indicator) - base
    se_paired = paired.std(ddof=1) / np.sqrt(REPS)
    se_unpaired = unpaired.std(ddof=1) / np.sqrt(REPS)
    # The contract (issue 4): common random numbers cut the SE of a difference at least 3-fold.
    assert se_paired <= se_unpaired / 3, (indicator, se_paired, se_unpaired)


def _price_only(tmp_path: Path) -> Scenario:
    path = tmp_path / "price-only.toml"
    path.write_text(
        'title = "Prices only"\n'
        "[levers]\n"
        '"carers.support_cost_gbp_per_household_year" = 9000\n'  # with no one supported
        '"residential.inhouse_opening_cost_gbp_per_bed" = 100000\n'  # no new beds
        "[assumptions]\n"
        '"costs.weekly_gbp" = [400, 700, 900, 7000, 1600, 120, 3300, 650]\n'
        '"costs.sw_agency_gbp_per_fte_year" = 100000\n',
        encoding="utf-8",
    )
    return load_scenario(str(path))


PRICED = ("cost_", "price_")  # spend, and the market price indicators (issue 11)


def test_a_price_only_change_leaves_every_event_identical(tmp_path: Path) -> None:
    base = _run(load_scenario("baseline"), SEED, reps=3, years=2)
    priced = _run(_price_only(tmp_path), SEED, reps=3, years=2)
    cost_changed = False
    for b, p in zip(base, priced, strict=True):
        assert b.events == p.events
        b_other = [r for r in b.indicators if not r[1].startswith(PRICED)]
        p_other = [r for r in p.indicators if not r[1].startswith(PRICED)]
        assert b_other == p_other
        b_series = [r for r in b.timeseries if not r[1].startswith(PRICED)]
        p_series = [r for r in p.timeseries if not r[1].startswith(PRICED)]
        assert b_series == p_series
        b_cost = [r for r in b.indicators if r[1] == "cost_total_gbp"]
        p_cost = [r for r in p.indicators if r[1] == "cost_total_gbp"]
        cost_changed |= b_cost != p_cost
    assert cost_changed  # the prices did change something: the test can fail


def _recorded_run(changes: dict) -> dict[str, dict]:
    """One small run with a recording rule: every household and child it ever saw, with the
    attributes its draws gave it, and which household each child's placements were with."""
    from simulation.model import CareSystem
    from simulation.params import Parameters
    from simulation.rules.registry import RULES, Rule, register_rule

    seen: dict[str, dict] = {"carers": {}, "children": {}, "placements": {}}

    @register_rule("test_crn_recorder")
    class Recorder(Rule):
        def setup(self) -> None:
            self.model.on("carer_joined", self._carer)
            self.model.on("admitted", self._child)
            self.model.on("placed", self._placed)

        def _carer(self, carer) -> None:
            # a kinship household's skill is drawn around its child's needs, which move with the
            # child's care (issue 12): its own draws are the rest
            skill = None if carer.sector == 0 else carer.skill
            seen["carers"][carer.carer_id] = (carer.sector, carer.places, skill, carer.older)

        def _child(self, child, reentry: bool) -> None:
            # drawn characteristics: as first admitted (needs move with care afterwards)
            if child.child_id not in seen["children"]:
                seen["children"][child.child_id] = (child.birth_day, child.needs, child.legal)

        def _placed(self, child) -> None:
            carer = child.carer.carer_id if child.carer is not None else None
            seen["placements"][(child.child_id, child.placement_count)] = (child.placement, carer)

    try:
        base = Parameters.defaults().with_changes({"area.population_0_17": 60_000})
        rules = base["engine.rules"] + ",test_crn_recorder"
        model = CareSystem(base.with_changes({**changes, "engine.rules": rules}), seed=5)
        model.run_years(3)
    finally:
        RULES.pop("test_crn_recorder", None)
    return seen


def test_a_kinship_lever_leaves_unrelated_children_and_households_draws_identical() -> None:
    """Every household and child keeps its id, and so its draws, whatever a kinship lever
    changes: kinship households take their id from the child and placement they are made for,
    in-house approvals from the pipeline's application, agency entries from their stream."""
    from simulation.agents import KINSHIP_ID_BASE, Group

    # The agency market joins with demand (issue 11): fewer children needing agency carers
    # rightly means fewer agency households join. That response is switched off here, so the
    # test isolates the identity of draws; with it on, part 1 below still holds.
    still = {"market.agency_demand_elasticity": 0.0}
    base = _recorded_run(still)
    more_kin = _recorded_run({**still, "matching.kinship_assessors_extra_per_10k": 2.0})
    assert base["carers"] != more_kin["carers"]  # the lever did something: the test can fail
    kinship = {c for c, a in more_kin["carers"].items() if a[0] == Group.KINSHIP}
    assert len(kinship) > len({c for c, a in base["carers"].items() if a[0] == Group.KINSHIP})
    # 1. a household present in both runs is the same household (its draws are its own)
    for carer_id in base["carers"].keys() & more_kin["carers"].keys():
        assert base["carers"][carer_id] == more_kin["carers"][carer_id], carer_id
    # 2. households that are not kinship are the same set in both runs: a kinship lever makes
    #    no other household appear, vanish or change id
    others = {c for c, a in base["carers"].items() if a[0] != Group.KINSHIP}
    assert others == {c for c, a in more_kin["carers"].items() if a[0] != Group.KINSHIP}
    # 3. every child is the same child (same id, same drawn characteristics) in both runs
    for child_id in base["children"].keys() & more_kin["children"].keys():
        assert base["children"][child_id] == more_kin["children"][child_id], child_id
    # 4. a child placed in kinship care at the same placement in both runs is with the same
    #    household, whose id is made from that child and placement
    both = base["placements"].keys() & more_kin["placements"].keys()
    kin_both = [
        k for k in both if base["placements"][k][0] == Group.KINSHIP == more_kin["placements"][k][0]
    ]
    assert kin_both
    for child_id, count in kin_both:
        assert base["placements"][(child_id, count)] == more_kin["placements"][(child_id, count)]
        made_for = KINSHIP_ID_BASE + child_id * 1000 + (count - 1)  # the placement it was for
        assert base["placements"][(child_id, count)][1] == made_for
