"""Indicator names and units: a contract that users' scripts rely on (add, never rename)."""

from __future__ import annotations

PLACEMENT_STOCK = {
    "cla_foster_kinship": "children",
    "cla_foster_inhouse": "children",
    "cla_foster_agency": "children",
    "cla_residential": "children",
    "cla_supported": "children",
    "cla_with_parents": "children",
    "cla_placed_for_adoption": "children",
    "cla_other": "children",
}

INDICATOR_UNITS: dict[str, str] = {
    "cla_31_march": "children",
    **PLACEMENT_STOCK,
    "started": "children",
    "ceased": "children",
    "ceased_returned_home": "children",
    "ceased_adopted": "children",
    "ceased_sgo": "children",
    "ceased_cao": "children",
    "ceased_age_18": "children",
    "ceased_other": "children",
    **{f"ceased_age_{b}": "children" for b in ("under_5", "5_9", "10_15", "16_17")},
    "placements_3plus_pct": "percent",
    "long_term_stable_pct": "percent",
    "placement_moves": "moves",
    "unplanned_endings": "endings",
    "reentries_within_12m": "children",
    "returns_home_breakdown": "children",
    "sw_changes_3plus_pct": "percent",
    "caseload_mean": "cases per FTE",
    "sw_turnover_pct": "percent",
    "agency_share_pct": "percent",
    "sw_fte": "FTE",
    "carer_households": "households",
    "carer_households_inhouse": "households",
    "carer_households_agency": "households",
    "carer_approvals": "households",
    "carer_deregistrations": "households",
    "foster_vacancies": "places",
    "mean_match_quality": "index 0-1",
    "wellbeing_mean": "index 0-100",  # 100 x (1 - SDQ / 40), children in care
    "cost_total_gbp": "GBP",
    "cost_placements_gbp": "GBP",
    "cost_workforce_gbp": "GBP",
    "cost_levers_gbp": "GBP",
    "cost_placements_kinship_gbp": "GBP",
    "cost_placements_inhouse_gbp": "GBP",
    "cost_placements_agency_gbp": "GBP",
    "cost_placements_residential_gbp": "GBP",
    "cost_placements_supported_gbp": "GBP",
    "cost_placements_other_gbp": "GBP",
    "ceased_mean_days_in_care": "days",
    "cla_uasc": "children",
    **{f"cla_age_{b}": "children" for b in ("under_1", "1_4", "5_9", "10_15", "16_17")},
    **{
        f"cla_legal_{s}": "children"
        for s in ("s20", "care_order", "placement_order", "police_protection", "youth_justice")
    },
    "sw_vacancy_pct": "percent",
    "sw_leavers": "FTE",
    "carer_approvals_inhouse": "households",
    "carer_households_kinship": "households",
    "carer_deregistration_pct": "percent",
    # needs, assessment and permanence (issue 12)
    "sdq_mean": "SDQ score 0-40",
    "sdq_concern_pct": "percent",
    "sdq_borderline_pct": "percent",
    "needs_improved_pct": "percent",
    "assessment_mismatch_pct": "percent",
    "permanence_breakdowns": "children",
    "permanence_breakdowns_adoption": "children",
    "permanence_breakdowns_sgo": "children",
    "permanence_breakdowns_cao": "children",
    "started_reentry_pct": "percent",
    # the care market (issue 11)
    "placed_outside_la_pct": "percent",
    "placed_20_miles_plus_pct": "percent",
    "placed_outside_la_foster_pct": "percent",
    "placed_20_miles_plus_foster_pct": "percent",
    "placed_outside_la_residential_pct": "percent",
    "placed_20_miles_plus_residential_pct": "percent",
    "unregistered_placements": "children",
    "placement_shortfall_days": "child-days",
    "shortfall_outside_area": "placements",
    "shortfall_less_suitable": "placements",
    "shortfall_emergency": "placements",
    "shortfall_unregistered": "placements",
    "cla_unregistered": "children",
    "occupancy_inhouse_foster_pct": "percent",
    "occupancy_agency_foster_pct": "percent",
    "occupancy_residential_pct": "percent",
    "price_residential_gbp_per_week": "GBP per week",
}

# Yearly flows are summed over the DfE year; stock and state measures are taken on 31 March.
FLOW_INDICATORS = frozenset(
    {
        "started",
        "ceased",
        "ceased_returned_home",
        "ceased_adopted",
        "ceased_sgo",
        "ceased_cao",
        "ceased_age_18",
        "ceased_other",
        "ceased_age_under_5",
        "ceased_age_5_9",
        "ceased_age_10_15",
        "ceased_age_16_17",
        "placement_moves",
        "unplanned_endings",
        "reentries_within_12m",
        "returns_home_breakdown",
        "carer_approvals",
        "carer_deregistrations",
        "permanence_breakdowns",
        "permanence_breakdowns_adoption",
        "permanence_breakdowns_sgo",
        "permanence_breakdowns_cao",
        "cost_total_gbp",
        "cost_placements_gbp",
        "cost_workforce_gbp",
        "cost_levers_gbp",
        "unregistered_placements",
        "placement_shortfall_days",
        "shortfall_outside_area",
        "shortfall_less_suitable",
        "shortfall_emergency",
        "shortfall_unregistered",
    }
)


def unit_of(indicator: str) -> str:
    """The unit of an indicator ('' for one a plug-in rule added without a unit)."""
    if indicator in INDICATOR_UNITS:
        return INDICATOR_UNITS[indicator]
    if indicator.startswith("pathway_"):
        return "children"
    return ""


def declare_indicator(name: str, unit: str) -> None:
    """Declare the unit of an indicator a rule module adds (at import time, like its
    parameters): it then appears with its unit in summary.csv, comparisons and charts."""
    known = INDICATOR_UNITS.get(name)
    if known is not None and known != unit:
        raise ValueError(f"indicator {name!r} is declared with unit {known!r}, not {unit!r}")
    INDICATOR_UNITS[name] = unit
