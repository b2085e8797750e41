"""The uncertainty options on the command line: sampled by default, central on request, the
price base, p_better and p_saves, the levers listing, sensitivity methods, and bad options."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import run as cli

RUNNER = CliRunner()
ENV = {"COLUMNS": "300", "NO_COLOR": "1"}


def _invoke(*args: str):
    return RUNNER.invoke(cli.app, list(args), env={**os.environ, **ENV})


def _folder(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("sampled")
    done = _invoke(
        "compare",
        "baseline",
        "foster-carer-support",
        "--years",
        "1",
        "--reps",
        "3",
        "--jobs",
        "1",
        "--no-report",
        "--out",
        str(out),
    )
    assert done.exit_code == 0, done.output
    return _folder(out), done.output


def test_compare_samples_by_default_and_records_the_draws(sampled: tuple[Path, str]) -> None:
    folder, output = sampled
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["assumptions"]["mode"] == "sampled"
    assert len(manifest["assumptions"]["draws_sha256"]) == 64
    assert "carers.places_weights" in manifest["assumptions"]["held_central"]
    assert manifest["price_base"]["price_year"] == 2024
    assert manifest["decision"]["discount_rate"] == 0.035
    with (folder / "draws.csv").open() as fh:
        draws = list(csv.DictReader(fh))
    reps = {(r["scenario"], r["replicate"]) for r in draws}
    assert len(reps) == 2 * 3
    dereg = {
        (r["scenario"], r["replicate"]): r["value"]
        for r in draws
        if r["assumption"] == "carers.support_deregistration_ratio"
    }
    for rep in ("0", "1", "2"):  # paired: the same draw in both scenarios
        assert dereg[("baseline", rep)] == dereg[("foster-carer-support", rep)]
    assert output.index("Decision summary") < output.index("vs baseline: mean a year")


def test_comparison_gains_p_better_and_p_saves(sampled: tuple[Path, str]) -> None:
    folder, _ = sampled
    with (folder / "comparison.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header[:11] == [
        "scenario",
        "baseline",
        "indicator",
        "unit",
        "baseline_mean",
        "scenario_mean",
        "diff_mean",
        "diff_p5",
        "diff_p95",
        "pct_change",
        "year",
    ]
    assert header[11:] == ["p_better", "p_saves"]
    found = {(r["indicator"], r["year"]): r for r in rows}
    endings = found[("unplanned_endings", "all")]
    assert 0 <= float(endings["p_better"]) <= 1 and endings["p_saves"] == ""
    cost = found[("cost_total_gbp", "all")]
    assert float(cost["p_saves"]) == pytest.approx(float(cost["p_better"]))
    assert found[("cla_uasc", "all")]["p_better"] == ""  # no polarity


def test_central_keeps_the_central_values(tmp_path: Path) -> None:
    done = _invoke(
        "simulate",
        "foster-carer-support",
        "--years",
        "1",
        "--reps",
        "1",
        "--jobs",
        "1",
        "--assumptions",
        "central",
        "--price-year",
        "2021",
        "--no-report",
        "--out",
        str(tmp_path),
    )
    assert done.exit_code == 0, done.output
    folder = _folder(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["assumptions"]["mode"] == "central" and not (folder / "draws.csv").exists()
    assert manifest["price_base"]["price_year"] == 2021


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("compare", "baseline", "foster-carer-support", "--assumptions", "fixed"), "sampled"),
        (("simulate", "--price-year", "1800"), "--price-year 1800"),
        (("compare", "baseline", "foster-carer-support", "--outcome", "cla_uasc"), "--outcome"),
        (("compare", "baseline", "foster-carer-support", "--value-per-outcome", "-1"), "0 or more"),
        (("sensitivity", "foster-carer-support", "--method", "lhs"), "morris"),
        (("sensitivity", "foster-carer-support", "--only", "levers"), "--only"),
        (
            ("sensitivity", "foster-carer-support", "--assumption", "carers.support_share"),
            "not a sampled",
        ),
        (("levers", "--kind", "knob"), "--kind"),
    ],
)
def test_bad_uncertainty_options_are_one_message_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    out = tmp_path / "out"
    done = (
        _invoke(*args, "--years", "1", "--reps", "1", "--out", str(out))
        if args[0] != "levers"
        else _invoke(*args)
    )
    assert done.exit_code == 2, done.output
    assert words in done.output and "Traceback" not in done.output
    assert not out.exists()


def test_levers_lists_levers_counts_and_assumptions() -> None:
    done = _invoke("levers")
    assert done.exit_code == 0, done.output
    for text in (
        "workforce.fte_extra_per_10k",
        "workforce.fte_extra",
        "lever (count)",
        "carers.support_deregistration_ratio",
        "0.18 to 1 (sampled)",
    ):
        assert text in done.output


def test_sensitivity_oat_only_the_scenarios_own_assumptions(tmp_path: Path) -> None:
    done = _invoke(
        "sensitivity",
        "foster-carer-support",
        "--method",
        "oat",
        "--only",
        "scenario",
        "--years",
        "1",
        "--reps",
        "1",
        "--jobs",
        "1",
        "--no-report",
        "--out",
        str(tmp_path),
    )
    assert done.exit_code == 0, done.output
    with (_folder(tmp_path) / "sensitivity.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["assumption"] for r in rows} == {
        "carers.support_deregistration_ratio",
        "carers.support_disruption_ratio",
        "carers.support_skill_gain",
    }
    assert "= 14 runs" in done.output  # (1 + 2 x 3) x 2 scenarios x 1 replicate
