"""Run folders appear only when complete; CSVs are byte-identical run to run."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from results import store
from simulation.errors import OutputError

TIMESERIES = [
    ("baseline", 1, "2024-04-30", "cla_31_march", 701.0),
    ("baseline", 0, "2024-05-31", "cla_31_march", 700.5),
    ("baseline", 0, "2024-04-30", "started", 12.0),
    ("baseline", 0, "2024-04-30", "cla_31_march", 1 / 3),
]


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_success_publishes_one_folder_and_no_partial(tmp_path: Path) -> None:
    with store.create_run(tmp_path, "baseline") as run:
        assert run.path.name.startswith(".") and ".partial-" in run.path.name
        store.write_timeseries(run.file("timeseries.csv"), TIMESERIES)
    assert run.final is not None and run.final.is_dir()
    assert run.final.name.endswith("-baseline")
    assert list(tmp_path.iterdir()) == [run.final]
    assert (run.final / "timeseries.csv").exists()


def test_exception_mid_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.create_run(tmp_path, "x") as run:
        store.write_timeseries(run.file("timeseries.csv"), TIMESERIES)
        raise RuntimeError("boom")
    assert run.final is None
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), store.create_run(tmp_path, "x") as run:
        run.file("indicators.csv").write_text("partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_same_second_collision_gets_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "folder_name", lambda name: f"20240101-000000-{name}")
    finals = []
    for _ in range(3):
        with store.create_run(tmp_path, "baseline") as run:
            run.file("a.txt").write_text("x")
        finals.append(run.final.name)
    assert finals == [
        "20240101-000000-baseline",
        "20240101-000000-baseline-2",
        "20240101-000000-baseline-3",
    ]


def test_folder_name_is_stamped_and_safe() -> None:
    when = datetime(2025, 3, 31, 14, 5, 9)
    assert store.folder_name("my scenario/../x", when) == "20250331-140509-my-scenario-..-x"
    assert store.folder_name("///", when) == "20250331-140509-run"


def test_out_folder_that_is_a_file_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=r"file\.txt"):
        store.check_out_folder(blocker)
    with pytest.raises(OutputError, match=r"file\.txt/runs"):
        store.check_out_folder(blocker / "runs")


def test_read_only_out_folder_is_an_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if _can_write(locked):
            pytest.skip("permissions are not enforced here (running as root)")
        with pytest.raises(OutputError, match="locked"):
            store.check_out_folder(locked)
    finally:
        locked.chmod(0o700)


def _can_write(folder: Path) -> bool:
    try:
        (folder / "probe").write_text("x")
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def test_csv_rows_sorted_and_floats_stable(tmp_path: Path) -> None:
    a = store.write_timeseries(tmp_path / "a.csv", TIMESERIES)
    b = store.write_timeseries(tmp_path / "b.csv", list(reversed(TIMESERIES)))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text().splitlines() == [
        "scenario,replicate,date,indicator,value",
        "baseline,0,2024-04-30,cla_31_march,0.333333333333",
        "baseline,0,2024-04-30,started,12",
        "baseline,0,2024-05-31,cla_31_march,700.5",
        "baseline,1,2024-04-30,cla_31_march,701",
    ]


def test_indicators_header_and_negative_zero(tmp_path: Path) -> None:
    path = store.write_indicators(tmp_path / "i.csv", [("s", 0, 2025, "ceased", -0.0)])
    assert path.read_text() == "scenario,replicate,year,indicator,value\ns,0,2025,ceased,0\n"


def test_manifest_records_provenance(tmp_path: Path) -> None:
    scenario_file = tmp_path / "baseline.toml"
    scenario_file.write_text('name = "baseline"\n')
    entry = store.scenario_entry("baseline", [scenario_file], ["abc", "abc"], [10, 12])
    started = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    manifest = store.build_manifest(
        argv=["run.py", "simulate", "--seed", "1"],
        command="simulate",
        scenarios=[entry],
        area="england-average",
        years=1,
        replicates=2,
        seed=1,
        replicate_seeds=[{"replicate": 0, "seed": 1}, {"replicate": 1, "seed": 1}],
        started=started,
        finished=started + timedelta(seconds=2.5),
        executor="local",
        jobs=1,
    )
    path = store.write_manifest(tmp_path / "manifest.json", manifest)
    loaded = json.loads(path.read_text())
    assert loaded["command_line"] == "run.py simulate --seed 1"
    assert loaded["wall_seconds"] == 2.5
    assert loaded["started_utc"] == "2025-01-01T12:00:00Z"
    assert loaded["scenarios"][0]["parameters_sha256"] == "abc"
    assert loaded["scenarios"][0]["events"] == 22
    assert len(loaded["scenarios"][0]["files"][0]["sha256"]) == 64
    assert {"python", "mesa", "numpy", "scipy", "salabim", "matplotlib", "typer"} <= set(
        loaded["versions"]
    )


def test_manifest_lists_differing_replicate_parameter_hashes() -> None:
    entry = store.scenario_entry("s", [], ["a", "b"], [1, 1])
    assert entry["parameters_sha256_per_replicate"] == ["a", "b"]
    assert entry["parameters_sha256"] not in ("a", "b")


def _dead_pid() -> int:
    """A process number that is not running now (a child that has already exited)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_runs_partial_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    stale = tmp_path / f".20250101-000000-baseline.partial-{_dead_pid()}"
    (stale / "charts").mkdir(parents=True)
    (stale / "manifest.json").write_text("{}")
    live = tmp_path / f".20250101-000000-other.partial-{os.getpid()}"
    live.mkdir()
    assert store.is_partial(stale) and store.is_partial(live)
    with store.create_run(tmp_path, "baseline") as run:
        run.file("a.txt").write_text("x")
    assert not stale.exists() and live.exists()  # a running process's folder is left alone
    assert run.stale_removed == [stale.name] and live.name in run.stale_kept
    note = run.stale_note()
    assert "removed 1 partial folder" in note and stale.name in note and live.name in note


def test_text_written_atomically_gets_the_usual_permissions(tmp_path: Path) -> None:
    path = store.write_text_atomic(tmp_path / "report.html", "<p>x</p>\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("x")
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777 == store.file_mode()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("text", ["", "  ", "a\0b", "runs/" + "x" * 256])
def test_out_folder_refuses_what_cannot_be_a_folder(text: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="--out"):
        store.out_folder(text)


def test_out_folder_keeps_what_the_user_typed() -> None:
    assert store.out_folder("results/runs") == Path("results/runs")


def test_display_paths_are_never_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert store.display_path(store.PROJECT_ROOT / "scenarios" / "baseline.toml") == (
        "scenarios/baseline.toml"
    )
    assert store.display_path(tmp_path / "mine" / "s.toml") == "mine/s.toml"
    elsewhere = store.display_path(tmp_path.parent / "other" / "s.toml")
    assert elsewhere == "../other/s.toml"
    assert store.display_source("calibration.fitted_params.fitted_changes('x')").startswith("cal")


def test_manifest_lists_the_files_written_before_it(tmp_path: Path) -> None:
    (tmp_path / "summary.csv").write_text("a\n1\n")
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "x.svg").write_text("<svg/>")
    store.write_manifest(tmp_path / "manifest.json", {"command": "simulate"})
    outputs = json.loads((tmp_path / "manifest.json").read_text())["outputs"]
    assert [(o["path"], o["bytes"]) for o in outputs] == [("charts/x.svg", 6), ("summary.csv", 4)]
    assert outputs[1]["sha256"] == store.sha256_file(tmp_path / "summary.csv")
