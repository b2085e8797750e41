"""The mechanisms by which needs, assessment, social-work continuity, supervision and
permanence reach children (issue 12), each as the parameter changes that switch it off.

"Off" is each effect size at no effect: 0 for an SDQ change, an error or a delay, 1 for a
hazard or error ratio. With every mechanism off, the rules that carry them change nothing: a
run equals, event for event, a run with the ``needs``, ``assessment`` and ``permanence`` rules
removed (``tests/unit/test_needs_negative_control.py``). Switching one off at a time in a
scenario and its baseline gives the scenario's pathway table: how much of its effect flows
through each mechanism.
"""

from __future__ import annotations

from typing import Any

# The rules that exist only to carry these mechanisms.
NEEDS_RULES = ("needs", "assessment", "permanence")

MECHANISMS: dict[str, dict[str, Any]] = {
    # needs change with care (rules/needs.py)
    "needs_change": {
        "needs.sdq_per_unplanned_ending": 0.0,
        "needs.sdq_per_worker_change": 0.0,
        "needs.sdq_per_year_quality": 0.0,
        "needs.sdq_drift_per_year": 0.0,
        "needs.sdq_yearly_sd": 0.0,
    },
    # needs act on reunification, its breakdown, permanence breakdown and cost
    "needs_act": {
        "exits.return_home_needs_ratio_per_sd": 1.0,
        "reunification.reentry_needs_ratio_per_sd": 1.0,
        "permanence.needs_ratio_per_sd": 1.0,
        "costs.high_needs_premium_share": 0.0,
    },
    # matching and planned moves see assessed needs (rules/assessment.py)
    "assessment": {
        "assessment.error_sd_sdq": 0.0,
        "assessment.caseload_error_growth": 0.0,
        "assessment.supervision_error_ratio": 1.0,
    },
    # each change of social worker: disruption, permanence and reunification
    "worker_change": {
        "workforce.change_disruption_ratio": 1.0,
        "workforce.change_delay_days": 0.0,
        "workforce.change_reentry_ratio": 1.0,
    },
    # supervision and training: retention (its assessment effect is under "assessment")
    "supervision": {"workforce.supervision_turnover_ratio": 1.0},
    # orders that break down (rules/permanence.py)
    "permanence_breakdown": {"permanence.breakdown_per_year": (0.0, 0.0, 0.0, 0.0)},
    # kinship placements left for quality only below a lower threshold (rules/endings.py):
    # off, kin and stranger placements share endings.quality_move_threshold's default
    "kinship_moves": {"endings.kinship_quality_move_threshold": 0.35},
}


def all_off() -> dict[str, Any]:
    """Every issue-12 mechanism at no effect."""
    out: dict[str, Any] = {}
    for changes in MECHANISMS.values():
        out.update(changes)
    return out


def without_needs_rules(rules: str) -> str:
    """``engine.rules`` without the rules that carry only these mechanisms."""
    return ",".join(r for r in (n.strip() for n in rules.split(",")) if r not in NEEDS_RULES)
