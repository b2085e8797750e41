"""summary.csv statistics and paired differences on hand-computed examples."""

from __future__ import annotations

import pytest

from results.summary import paired_differences, summarise


def test_percentiles_over_replicates_by_hand() -> None:
    # Five replicates 10, 20, 30, 40, 50: linear interpolation puts p5 at rank 0.2
    # (10 + 0.2 * 10 = 12), p50 at 30 and p95 at rank 3.8 (40 + 0.8 * 10 = 48).
    rows = [
        ("baseline", r, 2025, "cla_31_march", v)
        for r, v in enumerate([30.0, 10.0, 50.0, 20.0, 40.0])
    ]
    [(scenario, indicator, year, unit, mean, p5, p50, p95)] = summarise(rows)
    assert (scenario, indicator, year, unit) == ("baseline", "cla_31_march", 2025, "children")
    assert (mean, p5, p50, p95) == pytest.approx((30.0, 12.0, 30.0, 48.0))


def test_one_row_per_scenario_indicator_year_sorted() -> None:
    rows = [
        ("b", 0, 2026, "started", 1.0),
        ("a", 0, 2025, "started", 2.0),
        ("b", 0, 2025, "started", 3.0),
        ("b", 1, 2025, "started", 5.0),
    ]
    keys = [(s, i, y) for s, i, y, *_ in summarise(rows)]
    assert keys == [("a", "started", 2025), ("b", "started", 2025), ("b", "started", 2026)]
    assert summarise(rows)[1][4] == 4.0


def test_summary_does_not_depend_on_row_order() -> None:
    rows = [("s", r, 2025, "cost_total_gbp", 0.1 * (r + 1) ** 3) for r in range(9)]
    assert summarise(rows) == summarise(list(reversed(rows)))


def test_unknown_indicator_has_empty_unit() -> None:
    assert summarise([("s", 0, 2025, "plugin_thing", 1.0)])[0][3] == ""


def test_paired_differences_by_hand() -> None:
    # Differences 1, 2, 3: mean 2; p5 at rank 0.1 -> 1.1; p95 at rank 1.9 -> 2.9.
    assert paired_differences([10.0, 20.0, 30.0], [11.0, 22.0, 33.0]) == pytest.approx(
        (2.0, 1.1, 2.9)
    )


def test_paired_differences_need_matching_replicates() -> None:
    with pytest.raises(ValueError, match="equal replicate counts"):
        paired_differences([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="at least one"):
        paired_differences([], [])
