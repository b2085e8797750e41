"""comparison.csv rows: paired differences by replicate, whole horizon and by year."""

from __future__ import annotations

import pytest

from results.compare import COMPARISON_HEADER, comparison_rows, cost_line


def rows_for(values: dict[str, list[list[float]]], indicator: str = "unplanned_endings"):
    """values[scenario][replicate][k] is the value in DfE year 2025 + k."""
    return [
        (s, r, 2025 + k, indicator, v)
        for s, reps in values.items()
        for r, years in enumerate(reps)
        for k, v in enumerate(years)
    ]


def test_header_is_the_contract() -> None:
    assert COMPARISON_HEADER == (
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
        "p_better",  # added by issue 13: every earlier column kept, in its place
        "p_saves",
    )


def test_paired_differences_hand_computed() -> None:
    # Replicate luck (10, 20, 30) is shared; the scenario is 2 lower in every replicate.
    data = rows_for(
        {"baseline": [[10, 12], [20, 22], [30, 32]], "support": [[8, 10], [18, 20], [28, 30]]}
    )
    rows = comparison_rows(data, "baseline", ["baseline", "support"])
    assert [r[10] for r in rows] == ["all", 2025, 2026]
    whole = rows[0]
    assert whole[:4] == ("support", "baseline", "unplanned_endings", "endings")
    assert whole[4] == pytest.approx(21.0)  # mean of replicate means 11, 21, 31
    assert whole[5] == pytest.approx(19.0)
    assert whole[6:9] == pytest.approx((-2.0, -2.0, -2.0))  # no spread: luck cancels
    assert whole[9] == pytest.approx(-200 / 21)
    y2026 = rows[2]
    assert y2026[4] == pytest.approx(22.0) and y2026[6] == pytest.approx(-2.0)


def test_interval_is_of_differences_not_levels() -> None:
    data = rows_for({"baseline": [[0], [10], [20], [30], [40]], "s": [[1], [10], [22], [30], [44]]})
    (whole, _) = comparison_rows(data, "baseline", ["baseline", "s"])
    diffs = [1, 0, 2, 0, 4]
    assert whole[6] == pytest.approx(sum(diffs) / 5)
    assert whole[7] == pytest.approx(0.0) and whole[8] == pytest.approx(3.6)  # numpy linear


def test_zero_baseline_gives_empty_pct() -> None:
    data = rows_for({"baseline": [[0]], "s": [[1]]})
    assert comparison_rows(data, "baseline", ["baseline", "s"])[0][9] == ""


def test_cost_line_per_ending_avoided() -> None:
    data = rows_for({"baseline": [[100], [100]], "s": [[90], [90]]}) + rows_for(
        {"baseline": [[1e6], [1e6]], "s": [[1.05e6], [1.05e6]]}, "cost_total_gbp"
    )
    rows = comparison_rows(data, "baseline", ["baseline", "s"])
    line = cost_line(rows, "s")
    assert "+£50,000 a year" in line and "£5,000 per unplanned ending avoided" in line


def _cost_rows(cost_diffs: list[float], ending_diffs: list[float]) -> list:
    n = len(cost_diffs)
    data = rows_for(
        {"baseline": [[1e6]] * n, "s": [[1e6 + d] for d in cost_diffs]}, "cost_total_gbp"
    ) + rows_for({"baseline": [[100]] * n, "s": [[100 + d] for d in ending_diffs]})
    return comparison_rows(data, "baseline", ["baseline", "s"])


def test_no_saving_is_claimed_when_the_cost_interval_includes_zero() -> None:
    # mean net cost below zero, but the 90% interval runs from a saving to an extra cost
    line = cost_line(
        _cost_rows([-500e3, -400e3, 300e3, 400e3, -100e3], [-9, -10, -11, -10, -9]), "s"
    )
    assert "saves money" not in line and "saving" not in line.replace("no saving", "")
    assert "includes no change in cost" in line and "avoids 9.8 unplanned endings" in line


def test_a_saving_is_claimed_only_when_the_whole_interval_saves() -> None:
    line = cost_line(_cost_rows([-500e3, -400e3, -300e3, -450e3], [-9, -10, -11, -10]), "s")
    assert "saves money and avoids 10.0 unplanned endings a year" in line
    assert "includes no change" not in line


def test_user_text_in_the_console_table_is_printed_literally() -> None:
    from rich.console import Console

    from results.compare import key_table

    rows = _cost_rows([-5e3, -4e3, -3e3], [-1, -2, -3])
    console = Console(record=True, width=200)
    console.print(key_table(rows, "s", "[levers] and [bold]assumptions[/bold] vs baseline"))
    console.print(cost_line(rows, "s"), markup=False)
    text = console.export_text()
    assert "[levers] and [bold]assumptions[/bold] vs baseline" in text
