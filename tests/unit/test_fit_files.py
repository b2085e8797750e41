"""Fit files: a real TOML writer, one set written atomically, interrupts honoured (fast: no
simulation; a fit result is built by hand)."""

from __future__ import annotations

import os
import signal
import tomllib

import numpy as np
import pytest

from calibration import atomic, fit, fitfiles
from calibration.fitted_params import fitted_changes
from calibration.knobs import KNOBS
from calibration.search import FitResult
from simulation.errors import CarepathsError

ROW = {
    "target": "cla_31_march",
    "year": 2016,
    "unit": "children",
    "observed": 290.0,
    "simulated_mean": 283.6,
    "simulated_p5": 267.4,
    "simulated_p95": 301.4,
    "rel_error": -0.02,
    "tolerance": 33.4,
    "within": True,
    "role": "target",
}


DISRUPTION = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def result(holdout: bool = True, source: str = "DfE CLA 2016") -> FitResult:
    knobs = KNOBS[:2]
    point = {
        "entry.new_entrant_share": 0.9,
        "endings.disruption_per_year": DISRUPTION,
    }
    return FitResult(
        area="la-340",
        year=2016,
        knobs=knobs,
        point=np.array([0.9, 1.1]),
        point_changes=point,
        ensemble=[dict(point)] * 3,
        ensemble_loss=[1.0, 2.0, 3.0],
        direct={"area.population_0_17": 34_000},
        direct_sources={"area.population_0_17": source},
        report=[ROW],
        holdout=[dict(ROW, year=2017)] if holdout else [],
        history=[("ratio 0", 4.0)],
        runs=44,
        wall_seconds=1.0,
    )


def test_strings_round_trip_exactly_including_carriage_returns(tmp_path):
    tricky = 'line one\r\nline "two"\\ \t end'
    path = fitfiles.write_fit(result(source=tricky), 1, 44, tmp_path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["sources"]["area.population_0_17"] == tricky
    assert data["parameters"]["endings.disruption_per_year"] == list(DISRUPTION)
    assert len(data["ensemble"]) == 3 and data["ensemble"][2]["_loss"] == 3.0


def test_the_set_is_written_together_and_a_stale_holdout_removed(tmp_path):
    fitfiles.write_fit(result(holdout=True), 1, 44, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "la-340-2016.fit.csv",
        "la-340-2016.holdout.csv",
        "la-340-2016.toml",
    ]
    fitfiles.write_fit(result(holdout=False), 1, 44, tmp_path)  # refit without hold-outs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["la-340-2016.fit.csv", "la-340-2016.toml"]


def test_fits_written_elsewhere_load_like_committed_ones(tmp_path, monkeypatch):
    fitfiles.write_fit(result(), 1, 44, tmp_path)
    monkeypatch.setattr("calibration.fitted_params.FITTED_DIR", tmp_path)
    assert fitted_changes("la-340-2016")["endings.disruption_per_year"] == (
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
        1.0,
    )


def test_an_interrupt_while_staging_leaves_the_old_set(tmp_path, monkeypatch):
    fitfiles.write_fit(result(source="old"), 1, 44, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)  # the first temporary is being flushed
    with pytest.raises(KeyboardInterrupt):
        fitfiles.write_fit(result(source="new"), 1, 44, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temporaries


def test_an_interrupt_during_the_renames_is_taken_after_the_whole_set(tmp_path, monkeypatch):
    fitfiles.write_fit(result(source="old"), 1, 44, tmp_path)
    real = os.replace
    calls = []

    def replace_then_signal(src, dst):
        real(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first of three renames

    monkeypatch.setattr(os, "replace", replace_then_signal)
    with pytest.raises(atomic.WrittenThenInterrupted):
        fitfiles.write_fit(result(source="new"), 1, 44, tmp_path)
    assert len(calls) == 3
    data = tomllib.loads((tmp_path / "la-340-2016.toml").read_text())
    assert data["sources"]["area.population_0_17"] == "new"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_temporaries_of_a_killed_writer_are_cleaned_up(tmp_path):
    dead = tmp_path / ".la-340-2016.toml.tmp-999999999"
    dead.write_text("half a fit")
    fitfiles.write_fit(result(), 1, 44, tmp_path)
    assert not dead.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_calibrate_interrupted_during_the_fit_writes_nothing(tmp_path, monkeypatch):
    def interrupted_fit(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fit, "fit_area", interrupted_fit)
    with pytest.raises(CarepathsError, match="interrupted; no fit file was written or replaced"):
        fit.calibrate(la="340", year=2016, budget=44, jobs=1, out=tmp_path / "fits")
    assert not (tmp_path / "fits").exists()


def test_calibrate_interrupted_while_writing_says_the_fit_was_written(tmp_path, monkeypatch):
    monkeypatch.setattr(fit, "fit_area", lambda *a, **k: result())
    real = os.replace

    def replace_then_signal(src, dst):
        real(src, dst)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_signal)
    with pytest.raises(CarepathsError, match="interrupted after the fit was written to"):
        fit.calibrate(la="340", year=2016, budget=44, jobs=1, out=tmp_path, report=False)
    assert tomllib.loads((tmp_path / "la-340-2016.toml").read_text())["meta"]["seed"] == 1


BROKEN_FITS = [
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"parameters = [", "not valid TOML"),
    (b"parameters = 3\n", r"needs a \[parameters\] table"),
    (b"", r"needs a \[parameters\] table"),
    (b"# only a comment\n", r"needs a \[parameters\] table"),
    (
        b'ensemble = 3\n[parameters]\n"entry.new_entrant_share" = 0.9\n',
        "'ensemble' must be an array of tables",
    ),
    (b'meta = 1\n[parameters]\n"entry.new_entrant_share" = 0.9\n', "'meta' must be a table"),
]


@pytest.mark.parametrize(("content", "message"), BROKEN_FITS)
def test_a_broken_fit_file_is_one_clear_error(tmp_path, monkeypatch, content, message):
    from calibration import fitted_params
    from simulation.errors import DataError

    (tmp_path / "la-340-2016.toml").write_bytes(content)
    monkeypatch.setattr(fitted_params, "FITTED_DIR", tmp_path)
    fitted_params._load.cache_clear()
    with pytest.raises(DataError, match=message):
        fitted_changes("la-340-2016")
    fitted_params._load.cache_clear()
