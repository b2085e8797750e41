"""The worked example of docs/extending.md: a rule from outside the package, enabled by name
from a scenario file, changes hazards through modifiers and adds an indicator and a cost."""

from calibration.resolve import resolve_params
from simulation.model import CareSystem
from simulation.scenario import load_scenario
from tests.engine_helpers import total, yearly


def _run(changes, years=3):
    scenario = load_scenario("mockingbird-hub")
    params = resolve_params(scenario, "england-average", 0).with_changes(changes)
    model = CareSystem(params, seed=3, replicate=0)
    model.run_years(years)
    return model


def test_the_scenario_enables_the_plugin_rule_by_name():
    model = _run({})
    assert "mockingbird" in [r.name for r in model.rules]
    assert yearly(model, "mockingbird_members")[-1] > 0
    assert total(model, "cost_levers_gbp") > 0


def test_hubs_with_an_effect_lower_deregistration():
    none = _run({"mockingbird.hub_share": 0.0})
    hubs = _run({"mockingbird.hub_share": 1.0, "mockingbird.deregistration_ratio": 0.2})
    assert yearly(none, "mockingbird_members") == [0.0, 0.0, 0.0]
    assert total(hubs, "carer_deregistrations") < total(none, "carer_deregistrations")


def test_hubs_with_no_effect_change_no_event_only_cost():
    # ratios of 1.0: every event identical, only the lever cost differs (common random numbers)
    none = _run({"mockingbird.hub_share": 0.0})
    hubs = _run(
        {
            "mockingbird.hub_share": 1.0,
            "mockingbird.deregistration_ratio": 1.0,
            "mockingbird.disruption_ratio": 1.0,
        }
    )
    for name in ("started", "ceased", "unplanned_endings", "carer_deregistrations"):
        assert yearly(hubs, name) == yearly(none, name)
    assert total(hubs, "cost_levers_gbp") > total(none, "cost_levers_gbp")
