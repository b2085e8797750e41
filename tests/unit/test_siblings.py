"""The sibling-groups rule (simulation/rules/siblings.py): one module, its parameters and these
tests, enabled from scenarios/sibling-groups.toml."""

from __future__ import annotations

import math
from collections import defaultdict

from simulation.agents import Group
from simulation.model import CareSystem
from simulation.params import Parameters
from simulation.rules.siblings import SIBLING_ID_BASE, Siblings
from tests.engine_helpers import SMALL, audit, events, total

PLUGIN = {"engine.plugins": "simulation.rules.siblings"}


def _model(changes: dict | None = None, seed: int = 4, plugin: bool = True) -> CareSystem:
    base = {**SMALL, **(PLUGIN if plugin else {}), **(changes or {})}
    return CareSystem(Parameters.defaults().with_changes(base), seed=seed, keep_log=True)


def _rule(model: CareSystem) -> Siblings:
    rule = next(r for r in model.rules if r.name == "siblings")
    assert isinstance(rule, Siblings)
    return rule


def test_the_scenario_file_enables_the_rule_by_name() -> None:
    from calibration.resolve import resolve_params
    from simulation.scenario import load_scenario

    params = resolve_params(load_scenario("sibling-groups"), "england-average", 0)
    model = CareSystem(params.with_changes(SMALL))
    assert "siblings" in [r.name for r in model.rules]


def test_no_groups_changes_nothing_but_adds_its_indicators() -> None:
    """Negative control: with no sibling groups the rule leaves every event identical."""
    off = _model({"siblings.group_entry_share": 0.0})
    off.run_years(2)
    without = _model(plugin=False)
    without.run_years(2)
    assert off.log == without.log
    rows = {(y, k): v for y, k, v in off.indicators.yearly}
    plain = {(y, k): v for y, k, v in without.indicators.yearly}
    assert {k: v for k, v in rows.items() if not k[1].startswith("sibling")} == plain
    assert all(v == 0.0 for k, v in rows.items() if k[1] == "sibling_groups_in_care")


def test_siblings_come_in_together_with_one_legal_route() -> None:
    model = _model({"siblings.group_entry_share": 1.0})
    legal_at_entry: dict[int, str] = {}
    model.on(
        "admitted", lambda child, reentry: legal_at_entry.setdefault(child.child_id, child.legal)
    )
    model.run_years(1)
    rule = _rule(model)
    admitted = {e[2]: e[0] for e in events(model, "admit")}
    groups: dict[int, list[int]] = defaultdict(list)
    for child_id, group in rule.group_of.items():
        groups[group].append(child_id)
    assert groups
    for group, ids in groups.items():
        assert 2 <= len(ids) <= 4
        assert {admitted[i] for i in ids} == {admitted[group]}  # the same day
        assert len({legal_at_entry[i] for i in ids}) == 1
        assert all(i == group or i >= SIBLING_ID_BASE for i in ids)
    audit(model)


def test_children_starting_care_stay_at_the_published_rate() -> None:
    """Arrivals are slowed by the children per arrival: starts stay at the data's rate."""
    no_reentry = {"reunification.reentry_per_year": [0.0, 0.0], "entry.new_entrant_share": 1.0}
    grouped = sum(
        total(_run({**no_reentry, "siblings.group_entry_share": 0.5}, s), "started")
        for s in range(4)
    )
    expected = 27.66 * 3 * 3 * 4  # per 10,000 x 3 (30,000 children) x 3 years x 4 seeds
    # Poisson in arrivals of ~1.9 children each: sd ~ sqrt(1.9 x 996) ~ 43; allow 3 sd.
    assert abs(grouped - expected) < 3 * math.sqrt(1.9 * expected), grouped


def _run(changes: dict, seed: int) -> CareSystem:
    model = _model(changes, seed=seed)
    model.run_years(3)
    return model


def test_a_group_placed_in_kinship_care_shares_one_household() -> None:
    model = _model(
        {
            "siblings.group_entry_share": 1.0,
            "matching.kinship_find_probability": 0.95,
            "entry.placed_with_parents_share": 0.0,
            "matching.other_placement_share": 0.0,
        }
    )
    model.run_years(1)
    rule = _rule(model)
    kin_groups = [
        g
        for g in rule.members.values()
        if g[0].in_care and g[0].placement == Group.KINSHIP and g[0].placement_count == 1
    ]
    assert kin_groups
    for group in kin_groups:
        carer = group[0].carer
        assert carer is not None and carer.places == len(group)
        together = [c for c in group if c.in_care and c.placement_count == 1]
        assert all(c.carer is carer for c in together)


def test_placed_together_share_counts_groups_with_every_child_in_care_with_one_household() -> None:
    model = _model({"siblings.group_entry_share": 1.0})
    model.run_years(2)
    rule = _rule(model)
    groups = [[c for c in g if c.in_care] for g in rule.members.values()]
    groups = [g for g in groups if len(g) >= 2]
    together = sum(
        1 for g in groups if g[0].carer is not None and all(c.carer is g[0].carer for c in g)
    )
    assert groups and rule._together_pct() == 100.0 * together / len(groups)
    assert 0 < together < len(groups)  # some together, some apart: the measure can move
    pct = [v for _, k, v in model.indicators.yearly if k == "siblings_placed_together_pct"]
    assert len(pct) == 2 and all(0.0 <= v <= 100.0 for v in pct)
