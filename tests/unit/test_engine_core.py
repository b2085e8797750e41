"""Engine core: streams, clocks, parameters, wellbeing."""

import pytest

from simulation.params import ParameterError, Parameters
from simulation.streams import Streams
from tests.engine_helpers import make_model, run, yearly


def test_draws_depend_only_on_seed_process_entity_and_occurrence():
    a, b = Streams(7), Streams(7)
    b.uniform("other", 1, 1)  # a draw elsewhere changes nothing
    assert a.uniform("disruption", 42, 3) == b.uniform("disruption", 42, 3)
    assert a.uniform("disruption", 42, 3) != a.uniform("disruption", 43, 3)
    assert a.uniform("disruption", 42, 3) != Streams(8).uniform("disruption", 42, 3)


def test_uniform_draws_are_uniform():
    s = Streams(1)
    draws = [s.uniform("u", i) for i in range(20_000)]
    mean = sum(draws) / len(draws)
    # SE of the mean of U(0,1) over 20,000 draws is 0.002; allow 4 SE.
    assert abs(mean - 0.5) < 0.008
    assert min(draws) > 0.0 and max(draws) < 1.0


def test_mesa_and_lean_clocks_give_identical_runs():
    lean = run({"engine.clock": "lean"}, years=1)
    mesa_run = run({"engine.clock": "mesa"}, years=1)
    assert lean.indicators.yearly == mesa_run.indicators.yearly
    assert lean.log == mesa_run.log


def test_same_seed_same_output_different_seed_different_output():
    assert run({}, years=1).indicators.yearly == run({}, years=1).indicators.yearly
    assert run({}, years=1).indicators.yearly != run({}, years=1, seed=2).indicators.yearly


def test_parameters_are_validated_and_never_mutated():
    base = Parameters.defaults()
    changed = base.with_changes({"carers.support_share": 0.4})
    assert base["carers.support_share"] == 0.0 and changed["carers.support_share"] == 0.4
    with pytest.raises(ParameterError, match="out of range"):
        base.with_changes({"carers.support_share": 1.4})
    with pytest.raises(ParameterError, match="Did you mean"):
        base.with_changes({"carers.suport_share": 0.4})
    with pytest.raises(ParameterError, match="expected a number"):
        base.with_changes({"carers.support_share": "high"})
    assert base.sha256() != changed.sha256()


def test_every_parameter_has_a_kind_source_and_unit():
    from simulation.params import SPEC

    Parameters.defaults()
    for path, spec in SPEC.items():
        assert spec.kind in ("published", "calibrated", "assumption", "lever"), path
        assert spec.source and spec.unit, path
        if spec.kind == "assumption" and isinstance(spec.default, float):
            lo, hi = spec.range
            assert lo <= spec.default <= hi, f"{path}: default outside its range"


def test_wellbeing_falls_with_more_unplanned_moves():
    calm = run({"endings.disruption_per_year": [0.02] * 7}, years=2)
    rough = run({"endings.disruption_per_year": [0.6] * 7}, years=2)
    assert yearly(rough, "wellbeing_mean")[-1] < yearly(calm, "wellbeing_mean")[-1]


def test_starting_population_is_in_care_and_placed():
    model = make_model()
    assert len(model.children) == (70 * 3)
    assert all(c.placement >= 0 and c.worker is not None for c in model.children.values())


def test_a_dated_change_takes_effect_on_its_day_in_every_rule():
    from simulation.params import DatedChange

    params = Parameters.defaults().with_changes(
        {"area.population_0_17": 30_000},
        dated=[
            DatedChange(365.0, "exits.return_home_per_year", (0.0, 0.0, 0.0)),
            DatedChange(365.0, "entry.starts_per_10k_per_year", 0.0),
        ],
    )
    from simulation.model import CareSystem

    model = CareSystem(params, seed=2, keep_log=True)
    model.run_years(2)
    returns = [e[0] for e in model.log if e[1] == "exit" and e[3] == "returned_home"]
    assert returns and max(returns) <= 365.0
    new_entries = [e[0] for e in model.log if e[1] == "admit" and not e[3]]
    assert new_entries and max(new_entries) <= 365.0
