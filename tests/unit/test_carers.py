"""Carers rule: approvals, deregistration, enhanced support, Staying Put, kinship."""

from simulation.agents import Group
from tests.engine_helpers import run, total


def test_no_deregistrations_when_the_hazard_is_zero():
    assert (
        total(run({"carers.deregistration_per_year": 0.0}, years=2), "carer_deregistrations") == 0
    )


def test_enhanced_support_lowers_deregistration():
    base = run({"carers.deregistration_per_year": 0.3}, years=3)
    supported = run(
        {
            "carers.deregistration_per_year": 0.3,
            "carers.support_share": 1.0,
            "carers.support_deregistration_ratio": 0.2,
        },
        years=3,
    )
    assert total(supported, "carer_deregistrations") < total(base, "carer_deregistrations")
    assert total(supported, "cost_levers_gbp") > 0


def test_no_staying_put_when_its_share_is_zero():
    model = run({"exits.staying_put_share": [0.0, 0.0]}, years=2)
    assert all(c.staying_put == 0 for c in model.carers.values())


def test_staying_put_keeps_a_place():
    model = run({"exits.staying_put_share": [1.0, 1.0]}, years=2)
    assert sum(c.staying_put for c in model.carers.values()) > 0


def test_kinship_households_hold_one_child_and_end_with_it():
    model = run({}, years=2)
    kin = [c for c in model.carers.values() if c.sector == Group.KINSHIP]
    assert kin and all(c.places == 1 and len(c.children) == 1 for c in kin)


def test_pipeline_approvals_join_the_inhouse_service():
    model = run({"pipeline.enquiries_uplift": 1.0}, years=2)
    assert total(model, "carer_approvals_inhouse") > 0


def test_a_dated_change_of_agency_recruitment_applies_from_its_day():
    """The independent market's joining stream restarts at the new rate on the day."""
    from simulation.model import CareSystem
    from simulation.params import DatedChange, Parameters

    params = Parameters.defaults().with_changes(
        {"area.population_0_17": 30_000},
        dated=[DatedChange(365.0, "carers.agency_recruit_per_year", 0.0)],
    )
    model = CareSystem(params, seed=3, keep_log=True)
    model.run_years(2)
    from simulation.rules.carers import AGENCY_JOIN_ID_BASE

    joins = [
        e[0]
        for e in model.log
        if e[1] == "carer_join" and AGENCY_JOIN_ID_BASE <= e[2] < AGENCY_JOIN_ID_BASE + 10**8
    ]
    assert joins and max(joins) <= 365.0  # market entries before the change, none after
