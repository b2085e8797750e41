"""sensitivity: which assumptions are swung, and the tornado rows of a tiny run."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from results.compare import KEY_OUTCOMES
from results.sensitivity import SENSITIVITY_HEADER, sensitivity, swung_assumptions
from simulation.errors import CarepathsError
from simulation.params import SPEC

HAS_RUNNER = importlib.util.find_spec("simulation.runner") is not None


def test_swings_every_numeric_assumption_with_a_range() -> None:
    swung = {p: (lo, hi) for p, lo, hi in swung_assumptions()}
    assert swung["carers.support_deregistration_ratio"] == (0.18, 1.0)
    assert all(SPEC[p].kind == "assumption" for p in swung)
    assert not any(p.startswith("engine.") for p in swung)
    assert "carers.places_weights" not in swung  # a list of shares has no one-number swing
    assert "carers.support_share" not in swung  # a lever, not an assumption


def test_unknown_assumption_is_an_error() -> None:
    with pytest.raises(CarepathsError, match=r"carers\.support_share"):
        swung_assumptions(["carers.support_share"])


@pytest.mark.skipif(not HAS_RUNNER, reason="simulation.runner has not landed")
def test_tiny_sensitivity_run_writes_tornado_rows(tmp_path: Path) -> None:
    folder = sensitivity(
        "foster-carer-support",
        years=1,
        reps=2,
        seed=5,
        area="england-average",
        out=tmp_path,
        jobs=1,
        report=False,
        argv=["test"],
        assumptions=["carers.support_deregistration_ratio", "endings.needs_effect"],
    )
    assert (folder / "comparison.csv").exists()
    with (folder / "sensitivity.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == SENSITIVITY_HEADER
        rows = list(reader)
    assert {r["assumption"] for r in rows} == {
        "carers.support_deregistration_ratio",
        "endings.needs_effect",
    }
    assert {r["indicator"] for r in rows} <= set(KEY_OUTCOMES)
    dereg = {r["assumption"]: r for r in rows if r["indicator"] == "carer_deregistrations"}
    assert dereg["carers.support_deregistration_ratio"]["low"] == "0.18"
