"""Property tests over the parameter bounds: whatever the parameters, children are conserved,
no carer, children's home or supported place holds more children than its places, every child
in care has exactly one placement at every moment, costs are never negative and time never
runs backwards."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine_helpers import audit, make_model, yearly

PARAMS = st.fixed_dictionaries(
    {
        "entry.starts_per_10k_per_year": st.floats(0.0, 80.0),
        "entry.uasc_share": st.floats(0.0, 1.0),
        "matching.kinship_find_probability": st.floats(0.0, 1.0),
        "matching.residential_needs_threshold": st.floats(0.0, 1.0),
        "endings.disruption_per_year": st.lists(st.floats(0.0, 3.0), min_size=7, max_size=7),
        "exits.return_home_per_year": st.lists(st.floats(0.0, 3.0), min_size=3, max_size=3),
        "carers.deregistration_per_year": st.floats(0.0, 1.0),
        "carers.support_share": st.floats(0.0, 1.0),
        "carers.inhouse_households_per_10k": st.floats(0.0, 30.0),
        "workforce.turnover_per_year": st.floats(0.0, 1.5),
        "workforce.caseload_cap": st.sampled_from([0.0, 12.0, 20.0]),
        "reunification.support_share": st.floats(0.0, 1.0),
        "residential.inhouse_beds_per_10k": st.floats(0.0, 5.0),
        "exits.staying_put_share": st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2),
        "matching.order": st.sampled_from(
            [
                "kinship,inhouse,agency",
                "kinship,inhouse,agency,residential",
                "agency,inhouse,kinship,residential",
                "residential",
            ]
        ),
        "matching.shortfall_order": st.sampled_from(
            [
                "outside_area,less_suitable,emergency,unregistered",
                "emergency,less_suitable",
                "unregistered",
                "less_suitable,outside_area",
            ]
        ),
        "carers.agency_households_per_10k": st.floats(0.0, 30.0),
        "market.residential_places_ratio": st.floats(1.0, 1.5),
        "market.supported_places_ratio": st.floats(1.0, 1.5),
        "market.residential_price_elasticity": st.floats(0.0, 3.3),
        "market.agency_demand_elasticity": st.floats(0.0, 2.0),
        "market.agency_supply_ratio": st.floats(0.1, 1.5),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=PARAMS, seed=st.integers(0, 10_000))
def test_invariants_hold_for_any_parameters(changes, seed):
    model = make_model({**changes, "area.population_0_17": 15_000}, seed=seed)
    start = len(model.children)
    for day in (0.0, 45.0, 200.0, 400.0, 500.5, 650.0):
        model.at(day, audit, model)
    model.run_years(2)
    audit(model)
    stock = [start, *yearly(model, "cla_31_march")]
    # DfE's started and ceased count children (once a year each), so conservation is checked
    # on the admissions and exits themselves
    ends = [0.0, model.calendar.year_end_day(1), model.calendar.year_end_day(2)]
    for y in range(2):
        moves = [e[1] for e in model.log if ends[y] < e[0] <= ends[y + 1]]
        net = moves.count("admit") - moves.count("exit")
        assert stock[y + 1] - stock[y] == net, "children not conserved"
        assert yearly(model, "started")[y] <= moves.count("admit")
        assert yearly(model, "ceased")[y] <= moves.count("exit")
    for name in ("cost_total_gbp", "cost_placements_gbp", "cost_workforce_gbp", "cost_levers_gbp"):
        assert min(yearly(model, name)) >= 0.0
    days = [e[0] for e in model.log]
    assert all(a <= b for a, b in itertools.pairwise(days)), "time ran backwards"
