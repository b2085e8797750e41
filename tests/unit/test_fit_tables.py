"""The docs' fit tables are generated from the committed fit files."""

from pathlib import Path

from calibration.fit_tables import main, table

FITTED = Path(__file__).resolve().parents[2] / "calibration" / "fitted"


def test_the_england_average_table_counts_its_misses():
    text = table(FITTED / "england-average-2024.fit.csv")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    fit_rows = (FITTED / "england-average-2024.fit.csv").read_text().splitlines()[1:]
    assert len(rows) == len(fit_rows)
    misses = sum(",False," in line for line in fit_rows)
    assert text.count("**no**") == misses
    assert "primary targets within" in text


def test_a_wrong_file_is_refused(tmp_path, capsys):
    assert main([str(tmp_path / "nothing.fit.csv")]) == 2
    assert "not a .fit.csv file" in capsys.readouterr().err
