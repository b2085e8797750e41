"""Matching rule: kinship first, then foster by fit, then residential; quality in [0, 1]."""

from simulation.agents import Group
from tests.engine_helpers import audit, events, make_model, run


def _entry_groups(model):
    placed = {}
    for e in events(model, "place"):
        _, _, child_id, group, _reason = e
        if child_id >= 1_000_000 and child_id not in placed:
            placed[child_id] = group
    return list(placed.values())


def test_no_kinship_when_no_connected_carer_is_ever_found():
    model = run(
        {"matching.kinship_find_probability": 0.0, "matching.kinship_find_probability_move": 0.0},
        years=1,
    )
    assert Group.KINSHIP not in _entry_groups(model)


def test_more_kinship_when_carers_are_found_more_often():
    low = _entry_groups(run({"matching.kinship_find_probability": 0.1}, years=1))
    high = _entry_groups(run({"matching.kinship_find_probability": 0.6}, years=1))
    assert high.count(Group.KINSHIP) > 2 * low.count(Group.KINSHIP)


def test_policy_order_agency_before_inhouse_fills_agency():
    # the order matters where both sectors have suitable vacancies: an agency market with
    # room (the default small area's in-house service is nearly full either way)
    room = {"carers.agency_households_per_10k": 40.0}
    base = _entry_groups(run(room, years=1))
    flipped = _entry_groups(
        run({**room, "matching.order": "kinship,agency,inhouse,residential"}, years=1)
    )
    assert flipped.count(Group.AGENCY) > base.count(Group.AGENCY)
    assert flipped.count(Group.INHOUSE) < base.count(Group.INHOUSE)


def test_placements_respect_capacity_and_quality_bounds():
    model = make_model()
    checks = []
    for day in range(30, 730, 61):
        model.at(day, lambda: (audit(model), checks.append(model.now)))
    model.run_years(2)
    audit(model)
    assert len(checks) == 12
    assert all(0.0 <= c.quality <= 1.0 for c in model.children.values())


def test_emergency_placements_match_worse():
    model = run({"entry.emergency_share": 0.5}, years=2)
    emergency = [c.quality for c in model.children.values() if c.emergency]
    planned = [c.quality for c in model.children.values() if not c.emergency]
    assert sum(emergency) / len(emergency) < sum(planned) / len(planned)
