"""Workforce rule: allocation, turnover, reallocation, caseload levers."""

from tests.engine_helpers import audit, make_model, run, total, yearly


def test_no_leavers_when_turnover_is_zero():
    model = run({"workforce.turnover_per_year": 0.0}, years=2)
    assert total(model, "sw_leavers") == 0


def test_higher_turnover_gives_more_leavers():
    low = total(run({"workforce.turnover_per_year": 0.1}, years=2), "sw_leavers")
    high = total(run({"workforce.turnover_per_year": 0.4}, years=2), "sw_leavers")
    assert high > 2.5 * low


def test_every_child_in_care_has_one_worker_after_leavers_are_reallocated():
    model = make_model({"workforce.turnover_per_year": 0.8})
    model.run_years(1)
    audit(model)


def test_more_staff_lowers_caseload_and_worker_changes():
    base = run({}, years=2)
    more = run({"workforce.fte_extra_per_10k": 4.0}, years=2)
    assert yearly(more, "caseload_mean")[-1] < yearly(base, "caseload_mean")[-1]


def test_caseload_cap_holds_at_month_ends():
    model = run({"workforce.caseload_cap": 14.0, "workforce.turnover_per_year": 0.3}, years=1)
    caseloads = [v for _, k, v in model.indicators.monthly if k == "caseload_mean"]
    assert max(caseloads) <= 14.0 + 1e-9


def test_agency_share_follows_its_target():
    model = run({"workforce.agency_share_target": 0.0}, years=2)
    assert yearly(model, "agency_share_pct")[-1] == 0.0


def test_a_lone_worker_does_not_loop_on_changes_it_cannot_make():
    # one social worker (0.7 FTE per 10,000 of 15,000 children): a due change of worker has no
    # one to go to; it used to re-arm with the same draw at a huge caseload rate and never end
    model = make_model(
        {
            "area.population_0_17": 15_000,
            "workforce.fte_per_10k": 0.7,
            "workforce.turnover_per_year": 0.0,
        }
    )
    assert len(model.workers) == 1
    model.run_years(2)
    assert model.clock.events_fired < 50_000  # 3,705 measured
