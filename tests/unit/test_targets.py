"""Calibration targets: the official tables mapped to the model's indicators (fast)."""

from __future__ import annotations

import math

import pytest

from calibration.simulated import derive, fit_rows, simulated_indicators
from calibration.targets import area_targets, england_targets, la_codes, la_targets
from simulation.errors import DataError


def by_name(targets):
    return {t.indicator: t for t in targets}


def test_england_2024_headline_figures_at_full_scale():
    t = by_name(england_targets(2024))
    assert t["cla_31_march"].observed == 83_630
    assert t["started"].observed == 33_050
    assert t["ceased"].observed == 33_620
    assert t["cla_residential"].observed == 8_540  # national table 4c
    assert t["cla_supported"].observed == 6_250  # national table 5
    assert t["ceased_age_18"].observed == 13_080  # ceased aged 18 and over, by age
    assert t["ceased_other"].observed == 33_620 - 6_840 - 2_980 - 3_860 - 1_150 - 13_080
    assert t["placements_3plus_pct"].observed == 10
    assert t["long_term_stable_pct"].observed == 68


def test_stock_groups_add_up_to_the_total_in_2024():
    t = by_name(england_targets(2024))
    groups = (
        "cla_foster_kinship",
        "cla_foster_other",
        "cla_residential",
        "cla_supported",
        "cla_with_parents",
        "cla_placed_for_adoption",
        "cla_other",
    )
    # DfE rounds each cell to the nearest 10, so the sum may be off by a few tens.
    assert abs(sum(t[g].observed for g in groups) - 83_630) <= 50


def test_ceased_reasons_add_up_to_the_total():
    t = by_name(england_targets(2024))
    reasons = (
        "ceased_returned_home",
        "ceased_adopted",
        "ceased_sgo",
        "ceased_cao",
        "ceased_age_18",
        "ceased_other",
    )
    assert sum(t[r].observed for r in reasons) == pytest.approx(33_620)


def test_england_average_is_scaled_to_100000_children():
    t = by_name(area_targets("england-average", 2024))
    assert t["cla_31_march"].observed == pytest.approx(700.0, abs=0.5)  # 70 per 10,000
    assert t["placements_3plus_pct"].observed == 10  # percentages are not scaled
    assert t["cla_31_march"].tolerance == pytest.approx(35.0, abs=0.1)  # ±5%


def test_small_groups_get_ten_percent_and_large_five():
    t = by_name(england_targets(2024))
    assert t["ceased_cao"].tolerance == pytest.approx(0.10 * 1_150)  # 3.4% of ceased
    assert t["ceased_returned_home"].tolerance == pytest.approx(0.05 * 6_840)


def test_before_2024_homes_and_semi_independent_are_one_target():
    t = by_name(england_targets(2019))
    assert "cla_residential" not in t and "cla_supported" not in t
    assert t["cla_residential_supported"].observed == 10_050 + 3_020
    # the 18+ route is taken from the age table, which exists before 2021 too
    assert t["ceased_age_18"].observed == 9_590 and "ceased_age_18_or_other" not in t


def test_unsplit_foster_years_target_all_foster_care():
    t = by_name(england_targets(2015))
    assert t["cla_foster"].observed == 52_050
    assert "cla_foster_kinship" not in t


def test_workforce_bands_cite_published_rows():
    t = by_name(england_targets(2024))
    assert (
        t["caseload_mean"].observed - t["caseload_mean"].tolerance,
        t["caseload_mean"].observed + t["caseload_mean"].tolerance,
    ) == (14, 18)
    assert t["sw_turnover_pct"].tolerance == 4 and t["sw_turnover_pct"].observed == 14
    assert "row" in t["carer_deregistration_pct"].source


def test_la_targets_use_the_las_own_size_and_poisson_floor():
    t = by_name(la_targets("340", 2016))  # Knowsley, 290 looked after
    assert t["cla_31_march"].observed == 290
    assert t["cla_31_march"].tolerance == pytest.approx(1.96 * math.sqrt(290))


def test_every_la_code_builds_targets_for_2018():
    skipped: list[str] = []
    for code, _ in la_codes():
        try:
            targets = la_targets(code, 2018)
        except DataError as exc:  # new authorities (rows 'not applicable') must say so
            assert "nothing to calibrate" in str(exc) or "available years" in str(exc)
            skipped.append(code)
            continue
        assert by_name(targets)["cla_31_march"].observed > 0
    # authorities created in 2019-2021 (Dorset, BCP, North and West Northamptonshire, ...) and
    # the Isles of Scilly
    assert len(skipped) <= 8, skipped


def test_unknown_la_code_names_what_is_available():
    with pytest.raises(DataError, match=r"unknown local authority code '999'.*e\.g\. 201"):
        la_targets("999", 2016)


def test_year_without_data_names_available_years():
    with pytest.raises(DataError, match="available years: 2010, 2011"):
        la_targets("340", 2009)
    # Knowsley is one of the 30 authorities whose rows after 2018 are held back
    with pytest.raises(
        DataError, match=r"Knowsley \(340\) in 2020: its data end in 2018; .*held back"
    ):
        la_targets("340", 2020)
    assert by_name(la_targets("383", 2024))["cla_31_march"].observed > 1000  # Leeds to 2024
    with pytest.raises(DataError, match="2010–2024"):
        england_targets(2030)


def test_derived_indicators():
    v = derive(
        {
            "cla_foster_inhouse": 30,
            "cla_foster_agency": 20,
            "cla_foster_kinship": 10,
            "carer_deregistrations": 13,
            "carer_households_inhouse": 50,
            "carer_households_agency": 37,
        }
    )
    assert v["cla_foster_other"] == 50 and v["cla_foster"] == 60
    assert v["carer_deregistration_pct"] == pytest.approx(13.0)
    assert v["foster_inhouse_share_pct"] == pytest.approx(60.0)


def test_simulated_indicators_average_years_within_replicates():
    rows = [
        ("b", r, y, "cla_31_march", 100 + r + (y - 2024) * 10)
        for r in range(20)
        for y in (2024, 2025)
    ]
    s = simulated_indicators(rows, [2024, 2025])["cla_31_march"]
    assert s.n == 20
    assert s.mean == pytest.approx(100 + 9.5 + 5)
    assert s.p5 < s.mean < s.p95


def test_fit_rows_mark_missing_indicators_as_misses():
    targets = england_targets(2024)[:2]
    rows = fit_rows(targets, {})
    assert [r["within"] for r in rows] == [False, False]
