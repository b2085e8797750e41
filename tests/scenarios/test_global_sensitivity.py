"""sensitivity --method morris|sobol: which assumptions, the run count, and a tiny real run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from calibration.resolve import resolve_params
from results.charts import NoData, load_run
from results.global_sensitivity import choose_assumptions, global_sensitivity
from results.gsa import GSA_HEADER
from results.gsa_charts import morris, sobol
from simulation.errors import CarepathsError
from simulation.scenario import load_scenario

OWN = {
    "carers.support_deregistration_ratio",
    "carers.support_disruption_ratio",
    "carers.support_skill_gain",
}


def _central(name: str) -> list:
    return [resolve_params(load_scenario(n), "england-average", 0) for n in ("baseline", name)]


def test_morris_screens_every_assumption_the_difference_can_depend_on() -> None:
    scenario = load_scenario("foster-carer-support")
    paths, left_out = choose_assumptions("morris", scenario, _central("foster-carer-support"))
    assert set(paths) >= OWN and "endings.needs_effect" in paths
    assert "reunification.support_reentry_ratio" in left_out  # its lever is off in both
    assert "carers.places_weights" in left_out  # held central, with its reason
    only, _ = choose_assumptions("morris", scenario, [], only="scenario")
    assert set(only) == OWN
    sobol_paths, _ = choose_assumptions("sobol", scenario, [])
    assert set(sobol_paths) == OWN


def test_bad_choices_are_refused() -> None:
    scenario = load_scenario("foster-carer-support")
    with pytest.raises(CarepathsError, match="not a sampled assumption"):
        choose_assumptions("morris", scenario, [], assumptions=["carers.support_share"])
    with pytest.raises(CarepathsError, match="--only"):
        choose_assumptions("morris", scenario, [], only="levers")
    with pytest.raises(CarepathsError, match="no assumptions of its own"):
        choose_assumptions("sobol", load_scenario("foster-carer-recruitment"), [])


def test_tiny_morris_run_writes_long_rows_a_chart_and_the_design(tmp_path: Path) -> None:
    """Two assumptions, 2 trajectories (6 points) x 2 scenarios x 1 replicate of 1 year."""
    folder = global_sensitivity(
        "foster-carer-support",
        "morris",
        years=1,
        reps=1,
        seed=3,
        area="england-average",
        out=tmp_path,
        jobs=1,
        report=False,
        argv=["test"],
        assumptions=["carers.support_deregistration_ratio", "workforce.supervision_turnover_ratio"],
        trajectories=2,
    )
    with (folder / "sensitivity.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == GSA_HEADER
        rows = list(reader)
    mu = {
        r["assumption"]: float(r["value"])
        for r in rows
        if r["indicator"] == "carer_deregistrations" and r["index"] == "mu_star"
    }
    assert mu["carers.support_deregistration_ratio"] > 0
    # supervision acts only on supervised workers, and this scenario supervises none
    assert mu["workforce.supervision_turnover_ratio"] == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sensitivity"]["runs"] == 6 * 2 + 2
    assert manifest["sensitivity"]["design_points"] == 6
    run = load_run(folder)
    assert morris(run).get_suptitle().startswith("Which assumptions")
    from results.charts import source_line

    source = source_line(run).replace("\n", " ")  # the chart footer says what its whiskers are
    assert "at each of 6 design points" in source and "bootstrap 95%" in source
    with pytest.raises(NoData):
        sobol(run)
