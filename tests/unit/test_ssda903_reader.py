"""Reading a council's SSDA903: the model's own checks refuse what it cannot use, naming the
file, the CSV line and the DfE rule; nothing is written; liiatools' form reads the same."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calibration.ssda903.calibrate import calibrate_ssda903
from calibration.ssda903.reader import SSDA903Error, path_year, read_ssda903
from tests.ssda903_helpers import council_set, rewrite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return council_set(tmp_path_factory.mktemp("council") / "set")


def _copy(good: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(good, tmp_path / "set"))


def test_the_models_own_synthetic_set_passes_every_check(good: Path) -> None:
    data = read_ssda903(good)
    assert data.years == [2025, 2026]
    assert len(data.children) > 150
    assert not [w for w in data.warnings if w.severe]
    for child in data.children:  # episodes chain: each starts when (or after) the last ended
        for a, b in zip(child.episodes, child.episodes[1:], strict=False):
            assert a.dec is not None and b.decom >= a.dec


def _refused(folder: Path, tmp_path: Path) -> str:
    out = tmp_path / "fitted"
    with pytest.raises(SSDA903Error) as err:
        calibrate_ssda903(folder, name="refused", validate=False, out_dir=out)
    assert not out.exists() or not any(out.iterdir()), "nothing may be written"
    return str(err.value)


def _first_episode_rows(path: Path, edit) -> None:
    rewrite(path, edit)


def test_a_missing_column_names_the_file_and_the_column(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)
    path = folder / "2025" / "episodes.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", newline="") as fh:
        fields = [c for c in rows[0] if c != "PLACE"]
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    msg = _refused(folder, tmp_path)
    assert "2025/episodes.csv, line 1: rule columns" in msg and "PLACE" in msg


def test_a_bad_code_names_the_line_and_dfe_rule(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)

    def edit(rows: list[dict[str, str]]) -> None:
        rows[4]["PLACE"] = "Q9"

    rewrite(folder / "2025" / "episodes.csv", edit)
    msg = _refused(folder, tmp_path)
    assert "2025/episodes.csv, line 6: rule 146: PLACE 'Q9' is not a valid code" in msg


def _child_with_two_episodes(rows: list[dict[str, str]]) -> int:
    """Index of the first episode followed by another of the same child that has ended."""
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i + 1]
        if a["CHILD"] == b["CHILD"] and a["DEC"] and b["DEC"]:
            return i
    raise AssertionError("no child with two closed episodes in the test set")


def test_overlapping_episodes_are_refused(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)
    found = {}

    def edit(rows: list[dict[str, str]]) -> None:
        i = _child_with_two_episodes(rows)
        rows[i]["DEC"] = rows[i + 1]["DEC"]  # the first now ends when the second does
        found["line"] = i + 3

    rewrite(folder / "2025" / "episodes.csv", edit)
    msg = _refused(folder, tmp_path)
    assert f"2025/episodes.csv, line {found['line']}: rule 501" in msg and "overlap" in msg


def test_a_child_in_two_placements_at_once_is_refused(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)
    found = {}

    def edit(rows: list[dict[str, str]]) -> None:
        i = _child_with_two_episodes(rows)
        rows[i]["DEC"] = rows[i]["REC"] = rows[i]["REASON_PLACE_CHANGE"] = ""  # left open
        found["line"] = i + 3

    rewrite(folder / "2025" / "episodes.csv", edit)
    msg = _refused(folder, tmp_path)
    assert f"2025/episodes.csv, line {found['line']}: rule 142" in msg
    assert "two placements at once" in msg


def test_dates_out_of_order_are_refused(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)

    def edit(rows: list[dict[str, str]]) -> None:
        i = next(k for k, r in enumerate(rows) if r["DEC"])
        rows[i]["DEC"], rows[i]["DECOM"] = rows[i]["DECOM"], rows[i]["DEC"]

    rewrite(folder / "2025" / "episodes.csv", edit)
    msg = _refused(folder, tmp_path)
    assert "2025/episodes.csv" in msg and "rule 356" in msg and "before DECOM" in msg


def test_the_wrong_year_is_refused(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)
    (folder / "2025").rename(folder / "2023")  # 2024-25 files filed as 2022-23
    msg = _refused(folder, tmp_path)
    assert "2023/episodes.csv" in msg and ("rule 354" in msg or "rule 385" in msg)
    assert "right year's file" in msg


def test_the_cli_exits_2_with_one_message_and_writes_nothing(good: Path, tmp_path: Path) -> None:
    folder = _copy(good, tmp_path)

    def edit(rows: list[dict[str, str]]) -> None:
        rows[0]["LS"] = "Z9"

    rewrite(folder / "2025" / "episodes.csv", edit)
    before = set((ROOT / "calibration" / "fitted").iterdir())
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "run.py", "calibrate", "--ssda903", str(folder), "--name", "cli_bad"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "2025/episodes.csv, line 2: rule 144: LS 'Z9' is not a valid code" in done.stderr
    assert set((ROOT / "calibration" / "fitted").iterdir()) == before


def test_liiatools_normalised_form_reads_the_same(good: Path, tmp_path: Path) -> None:
    """liiatools' merged files: LA and YEAR columns, ISO dates, DOB as the first of the month,
    every year in one file per table."""
    out = tmp_path / "liia"
    out.mkdir()
    tables: dict[str, list[dict[str, str]]] = {}
    fields: dict[str, list[str]] = {}
    for year_dir in sorted(p for p in good.iterdir() if p.is_dir()):
        for path in year_dir.glob("*.csv"):
            with path.open(newline="") as fh:
                reader = csv.DictReader(fh)
                fields[path.stem] = [*(reader.fieldnames or []), "LA", "YEAR"]
                for row in reader:
                    for col, value in row.items():
                        if value and col in ("DOB", "DECOM", "DEC", "SW_DECOM", "SW_DEC", "DUC"):
                            d, m, y = value.split("/")
                            row[col] = f"{y}-{m}-{'01' if col == 'DOB' else d}"
                    row.update(LA="Synthetic", YEAR=year_dir.name)
                    tables.setdefault(path.stem, []).append(row)
    for stem, rows in tables.items():
        with (out / f"SSDA903_{stem}_merged.csv").open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields[stem], lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    a, b = read_ssda903(good), read_ssda903(out)
    assert b.liia and b.years == a.years
    assert len(b.children) == len(a.children)
    assert sum(len(c.episodes) for c in b.children) == sum(len(c.episodes) for c in a.children)


@pytest.mark.parametrize(
    ("path", "year"),
    [
        ("2024/episodes.csv", 2024),
        ("SSDA903_2023-24_episodes.csv", 2024),
        ("returns/202122/header.csv", 2022),
    ],
)
def test_the_collection_year_is_read_from_the_path(tmp_path: Path, path: str, year: int) -> None:
    assert path_year(tmp_path / path, tmp_path) == year
