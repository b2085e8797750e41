"""The care market (issue 11), one mechanism at a time on a hand-built model: an almost empty
area (no starting children, no carers, no arrivals) into which the test puts households,
places and children by hand."""

from __future__ import annotations

from typing import Any

import pytest

from simulation.agents import INSIDE_LA, OUTSIDE_FAR, OUTSIDE_NEAR, CarerHousehold, Child, Group
from simulation.capacity import split_places
from simulation.costs import occupancy_price_multiplier
from simulation.model import CareSystem
from simulation.params import ParameterError, Parameters
from simulation.rules.matching import Matching, placement_fit
from tests.engine_helpers import audit

EMPTY = {
    "area.population_0_17": 100,  # 1% of the default area: no starting children
    "area.cla_per_10k_start": 1.0,
    "entry.starts_per_10k_per_year": 0.0,
    "carers.inhouse_households_per_10k": 0.0,
    "carers.agency_households_per_10k": 0.0,
    "pipeline.enquiries_per_10k_per_year": 0.0,
    "reunification.track_years": 0.0,
    "matching.kinship_find_probability": 0.0,
    "matching.kinship_find_probability_move": 0.0,
    "entry.placed_with_parents_share": 0.0,
    "matching.other_placement_share": 0.0,
    "matching.supported_probability_16": 0.0,
    "carers.deregistration_per_year": 0.0,
    "endings.disruption_per_year": [0.0] * 7,
    "exits.return_home_per_year": [0.0] * 3,
    "exits.other_per_year": [0.0, 0.0],
    "exits.sgo_per_year": [0.0, 0.0],
    "exits.cao_per_year": 0.0,
    "exits.adoption_plan_probability": [0.0, 0.0, 0.0],
    "endings.emergency_move_probability": 0.0,
    "endings.quality_move_per_year": 0.0,
    "residential.inhouse_beds_per_10k": 0.0,
    "permanence.start_orders_per_10k_per_year": [0.0, 0.0, 0.0],  # nobody on an order either
}


def empty_model(changes: dict[str, Any] | None = None) -> CareSystem:
    params = Parameters.defaults().with_changes({**EMPTY, **(changes or {})})
    model = CareSystem(params, seed=4, keep_log=True)
    assert not model.children
    return model


def add_carer(model: CareSystem, carer_id: int, sector: Group, location: int, skill=0.9):
    carer = CarerHousehold(model, carer_id, int(sector), 1, skill, older=False, joined=0.0)
    carer.location = location
    model.add_carer(carer)
    return carer


def child(model: CareSystem, child_id: int, age: float = 12.0, needs: float = 0.2) -> Child:
    return Child(model, child_id, -age * 365.25, False, needs, False, False, "care_order")


def matching(model: CareSystem) -> Matching:
    (rule,) = [r for r in model.rules if isinstance(r, Matching)]
    return rule


def home_places(model: CareSystem, inside: int, near: int, far: int) -> None:
    model.capacity.pools[Group.RESIDENTIAL].places = [inside, near, far]


def test_a_full_inhouse_service_sends_the_next_child_to_agencies_then_out_of_area():
    model = empty_model()
    add_carer(model, 1, Group.INHOUSE, INSIDE_LA)
    add_carer(model, 2, Group.AGENCY, INSIDE_LA)
    add_carer(model, 3, Group.AGENCY, OUTSIDE_NEAR)
    add_carer(model, 4, Group.INHOUSE, OUTSIDE_FAR)
    placed = []
    for i in range(4):
        c = child(model, 1_000_000 + i)
        model.admit(c)
        placed.append((c.placement, c.location))
    assert placed == [
        (Group.INHOUSE, INSIDE_LA),  # the council's own carer first
        (Group.AGENCY, INSIDE_LA),  # in-house full: the agency market, in the area
        (Group.AGENCY, OUTSIDE_NEAR),  # none left in the area: out of area, nearer first
        (Group.INHOUSE, OUTSIDE_FAR),  # nearer bands before the sector order
    ]
    audit(model)


def test_no_household_is_made_to_fit_a_child():
    """With no foster place and no children's home place, a child who needs a family goes to
    an unregistered setting: no carer appears."""
    model = empty_model()
    c = child(model, 1_000_001, age=5.0)
    model.admit(c)
    assert not model.carers
    assert c.placement == Group.OTHER and c.child_id in matching(model).unregistered


def test_a_purchased_price_rises_with_occupancy():
    def price_after_filling(elasticity: float) -> tuple[float, float]:
        model = empty_model({"market.residential_price_elasticity": elasticity})
        home_places(model, 1, 1, 2)
        model.capacity.pools[Group.RESIDENTIAL].base = 2  # sized on two purchased placements
        model.admit(child(model, 1_000_000, needs=0.9))
        for i in range(1, 4):  # three more children from day 10: all four places filled
            model.at(10.0 + i, model.admit, child(model, 1_000_000 + i, needs=0.9))
        model.run_years(1)
        audit(model)
        price = [v for _, k, v in model.indicators.yearly if k == "price_residential_gbp_per_week"]
        return price[0], model.ledger.multiplier("residential")

    base = Parameters.defaults()["costs.weekly_gbp"][Group.RESIDENTIAL]
    price, multiplier = price_after_filling(1.0)
    assert multiplier == pytest.approx(2.0)  # occupancy 4/4 against the 2/4 its sizing gives
    assert price == pytest.approx(2.0 * base)
    assert price_after_filling(0.0) == (base, 1.0)  # negative control: no effect, no change
    assert occupancy_price_multiplier(0.9, 0.6, 1.0) == pytest.approx(1.5)


def test_a_child_in_an_emergency_placement_moves_when_a_suitable_place_frees():
    model = empty_model()
    home_places(model, 1, 0, 0)
    c = child(model, 1_000_000, age=12.0, needs=0.2)  # needs a family, finds none
    model.admit(c)
    assert c.placement == Group.RESIDENTIAL and c.emergency  # a home place, as an emergency
    assert c.child_id in matching(model).need_of
    carer = CarerHousehold(model, 7, int(Group.INHOUSE), 1, 0.6, older=False, joined=0.0)
    model.at(40.0, model.add_carer, carer)  # a suitable carer is approved on day 40
    model.run_years(1)
    assert c.placement == Group.INHOUSE and c.carer is carer
    moves = [e for e in model.log or [] if e[1] == "end" and e[2] == c.child_id]
    assert [(e[0], e[4], e[5]) for e in moves] == [(40.0, "CARPL", False)]  # planned, that day
    days = [v for _, k, v in model.indicators.yearly if k == "placement_shortfall_days"]
    assert days == [pytest.approx(40.0)]
    audit(model)


def test_a_less_suitable_carer_then_a_suitable_one():
    model = empty_model()
    weak = add_carer(model, 1, Group.INHOUSE, INSIDE_LA, skill=0.1)
    c = child(model, 1_000_000, age=6.0, needs=0.6)
    model.admit(c)
    assert c.carer is weak and c.child_id in matching(model).need_of
    short = c.quality
    model.at(20.0, add_carer, model, 2, Group.AGENCY, OUTSIDE_FAR, 0.7)
    model.run_years(1)
    assert c.placement == Group.AGENCY and c.location == OUTSIDE_FAR
    assert c.quality > short  # the suitable carer's match is better
    counts = {k: v for _, k, v in model.indicators.yearly}
    assert counts["shortfall_less_suitable"] == 1 and counts["placement_shortfall_days"] == 20


def test_a_child_who_needs_a_home_goes_unregistered_when_none_is_free_and_is_priced_so():
    model = empty_model({"market.unregistered_gbp_per_week": 20000.0})
    home_places(model, 0, 0, 1)
    first, second = child(model, 1_000_000, needs=0.9), child(model, 1_000_001, needs=0.9)
    model.admit(first)
    model.admit(second)
    assert first.placement == Group.RESIDENTIAL and first.location == OUTSIDE_FAR
    assert second.placement == Group.OTHER  # no registered place: an unregistered setting
    model.run_years(1)
    counts = {k: v for _, k, v in model.indicators.yearly}
    assert counts["unregistered_placements"] == 1
    # a year at GBP 20,000 a week, and the purchased place at its price (with the premium
    # for a child with SDQ 17+, issue 12; the unregistered price already prices the needs)
    p = model.p
    home = p["costs.weekly_gbp"][Group.RESIDENTIAL] * (1.0 + p["costs.high_needs_premium_share"])
    expected = (20000.0 + home) * 365 / 7
    assert counts["cost_placements_other_gbp"] + counts[
        "cost_placements_residential_gbp"
    ] == pytest.approx(expected)


def test_the_shortfall_order_is_the_researchers_to_change():
    """Less suitable before out of area: the child stays in the area with a weaker carer."""
    kw = {"matching.shortfall_order": "less_suitable,outside_area,emergency,unregistered"}
    for changes, expected in (({}, OUTSIDE_NEAR), (kw, INSIDE_LA)):
        model = empty_model(changes)
        add_carer(model, 1, Group.INHOUSE, INSIDE_LA, skill=0.1)
        add_carer(model, 2, Group.AGENCY, OUTSIDE_NEAR, skill=0.9)
        c = child(model, 1_000_000, age=6.0, needs=0.6)
        model.admit(c)
        assert c.location == expected


def test_a_misspelt_shortfall_path_names_the_allowed_ones():
    with pytest.raises(ParameterError, match="outside_area"):
        Parameters.defaults().with_changes({"matching.shortfall_order": "outside,unregistered"})


def test_quality_is_asymmetric():
    p = Parameters.defaults()
    met = p["matching.fit_met_needs"]
    inhouse = int(Group.INHOUSE)
    assert placement_fit(p, inhouse, 0.3, 0.9, True) == placement_fit(p, inhouse, 0.3, 0.3, True)
    assert placement_fit(p, inhouse, 0.3, 0.9, True) == met  # more skill is not a worse match
    assert placement_fit(p, inhouse, 0.6, 0.4, True) == pytest.approx(met - 0.2)


def test_places_split_by_band_add_up():
    assert split_places(75, (0.25, 0.24, 0.51)) == [19, 18, 38]
    assert split_places(0, (0.5, 0.5, 0.0)) == [0, 0, 0]


def test_agency_households_join_with_demand_and_the_fee_paid():
    from simulation.rules.carers import Carers

    def rate(changes: dict[str, Any]) -> float:
        model = empty_model(
            {
                "area.population_0_17": 1000,
                "carers.agency_households_per_10k": 200.0,
                "carers.agency_recruit_per_year": 0.1,
            }
            | changes
        )
        model.run_years(1)  # nobody placed: no demand at all by the first month end
        (rule,) = [r for r in model.rules if isinstance(r, Carers)]
        rule.start_demand = 10.0
        return rule.agency_join_rate()

    flat = rate({"market.agency_demand_elasticity": 0.0, "market.agency_price_elasticity": 0.0})
    assert flat == pytest.approx(0.1 * 20 / 365.25)  # 20 households x 0.1 a year, no response
    assert rate({"market.agency_demand_elasticity": 0.5}) == 0.0  # no demand: nobody joins
    dear = rate(
        {
            "market.agency_demand_elasticity": 0.0,
            "market.agency_price_elasticity": 1.0,
            "market.agency_fee_uplift_share": 0.5,
        }
    )
    assert dear == pytest.approx(1.5 * flat)


def test_a_waiting_child_moves_only_to_a_place_the_policy_ranks_higher():
    """Policy without out-of-area placements: a suitable carer outside the area never pulls
    a child out of a less suitable placement in the area (no churn), one inside does."""
    model = empty_model({"matching.shortfall_order": "less_suitable,unregistered"})
    weak = add_carer(model, 1, Group.INHOUSE, INSIDE_LA, skill=0.1)
    c = child(model, 1_000_000, age=6.0, needs=0.6)
    model.admit(c)
    model.at(20.0, add_carer, model, 2, Group.AGENCY, OUTSIDE_NEAR, 0.9)
    model.at(200.0, add_carer, model, 3, Group.AGENCY, INSIDE_LA, 0.9)
    model.run_years(1)
    moves = [e[0] for e in model.log or [] if e[1] == "end" and e[2] == c.child_id]
    assert moves == [200.0] and c.carer is not weak and c.location == INSIDE_LA


def test_a_child_in_an_unregistered_setting_moves_once_a_registered_home_will_take_them():
    model = empty_model({"market.unregistered_accept_days": 100.0})
    home_places(model, 1, 0, 0)
    first, second = child(model, 1_000_000, needs=0.9), child(model, 1_000_001, needs=0.9)
    model.admit(first)
    model.admit(second)  # the only place is taken: an unregistered setting
    assert second.placement == Group.OTHER
    accepted = 100.0 * model.streams.exponential(
        "matching.unregistered_accept", second.child_id, second.placement_count
    )
    model.at(1.0, model.discharge, first, "other")  # the place frees on day 1
    model.run_years(2)
    assert second.placement == Group.RESIDENTIAL
    moves = [e[0] for e in model.log or [] if e[1] == "end" and e[2] == second.child_id]
    assert moves == [pytest.approx(max(accepted, 1.0))]  # not before a home will take them
    audit(model)
