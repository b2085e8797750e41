"""Targets files are validated before use: a missing column, bad bytes or a malformed row is one
DataError naming the file, the row or column and what is allowed (fast)."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import run
from calibration import tables
from calibration.targets import england_data, la_data
from simulation.errors import DataError

READERS = (tables.england_rows, tables.national_rows, tables.la_table, tables.published_rows)


@pytest.fixture
def data(tmp_path, monkeypatch):
    """Point the readers at copies in ``tmp_path``; clear their caches before and after."""
    for name in ("ENGLAND_FILE", "NATIONAL_FILE", "LA_FILE", "PUBLISHED_FILE"):
        src: Path = getattr(tables, name)
        dst = tmp_path / src.name
        shutil.copy(src, dst)
        monkeypatch.setattr(tables, name, dst)
    for reader in READERS:
        reader.cache_clear()
    yield tmp_path
    for reader in READERS:
        reader.cache_clear()


def rewrite(path: Path, edit) -> None:
    """Rewrite a CSV through ``edit(header, rows) -> (header, rows)``."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = edit(rows[0], rows[1:])
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body])


def drop_column(name):
    def edit(header, rows):
        i = header.index(name)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return edit


def test_a_missing_value_column_names_the_file_and_column(data):
    rewrite(data / "england_targets.csv", drop_column("value"))
    with pytest.raises(DataError, match=r"england_targets\.csv: missing column 'value'"):
        england_data(2024)


def test_a_file_that_is_not_utf8_is_refused_clearly(data):
    (data / "england_targets.csv").write_bytes(b"\xff\xfe" + bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"england_targets\.csv: not UTF-8"):
        england_data(2024)


def test_a_malformed_row_names_its_line(data):
    def bad_value(header, rows):
        rows[9][header.index("value")] = "lots"
        return header, rows

    rewrite(data / "england_targets.csv", bad_value)
    with pytest.raises(DataError, match=r"england_targets\.csv, row 11: value 'lots' is not a"):
        england_data(2024)


def test_a_truncated_or_non_gzip_la_table_is_refused(data):
    la = data / tables.LA_FILE.name
    la.write_bytes(la.read_bytes()[:5000])  # cut mid-stream
    with pytest.raises(DataError, match=r"cannot be read as CSV"):
        la_data("340", 2016)
    tables.la_table.cache_clear()
    la.write_text("year,old_la_code\n2016,340\n")  # plain text where gzip is expected
    with pytest.raises(DataError, match=r"cannot be read as CSV"):
        la_data("340", 2016)


def test_la_table_without_a_needed_column(data):
    la = data / tables.LA_FILE.name
    with gzip.open(la, "rt", newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index("old_la_code")
    with gzip.open(la, "wt", newline="") as fh:
        csv.writer(fh).writerows([r[:i] + r[i + 1 :] for r in rows])
    with pytest.raises(DataError, match=r"missing column 'old_la_code'"):
        la_data("340", 2016)


def test_calibrate_on_a_broken_targets_file_exits_2_without_a_traceback(data, monkeypatch):
    monkeypatch.chdir(data)
    rewrite(data / "england_targets.csv", drop_column("value"))
    result = CliRunner().invoke(run.app, ["calibrate", "--area", "england-average"])
    assert result.exit_code == 2
    assert "missing column 'value'" in result.output and "Traceback" not in result.output
    assert not (data / "results").exists()
