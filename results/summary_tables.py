"""Markdown tables of a run folder's results, for the README (no number typed by hand).

    python -m results.summary_tables RUN_DIR

A ``simulate`` folder gives the baseline's 31 March shares by DfE year; a ``compare`` folder
gives each scenario's headline outcomes (their paired difference a year over the horizon with
the 5th–95th percentile, and ``p_better``) and the net cost a year with ``p_saves``.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from results.compare import KEY_OUTCOMES

# Each scenario's headline outcomes: what its levers are meant to move, and the stability and
# needs outcomes every scenario is read on.
HEADLINES: dict[str, tuple[str, ...]] = {
    "foster-carer-support": ("unplanned_endings", "carer_deregistrations", "sdq_mean"),
    "foster-carer-recruitment": (
        "carer_households_inhouse",
        "cla_foster_agency",
        "placed_outside_la_pct",
    ),
    "social-work-staffing": (
        "caseload_mean",
        "sw_changes_3plus_pct",
        "unplanned_endings",
        "sdq_mean",
    ),
    "kinship-first": ("cla_foster_kinship", "unplanned_endings"),
    "reunification-support": ("reentries_within_12m", "returns_home_breakdown"),
    "residential-sufficiency": (
        "placed_outside_la_residential_pct",
        "unregistered_placements",
        "cost_placements_residential_gbp",
    ),
    "sufficiency-shortfall": ("unregistered_placements", "placed_outside_la_pct"),
    "combined-package": ("unplanned_endings", "sdq_mean", "placements_3plus_pct"),
}
# Labels are compare's (results.compare.KEY_OUTCOMES); outcomes it does not list:
EXTRA_LABELS = {"placed_outside_la_residential_pct": "% in children's homes outside the area"}


def _label(indicator: str) -> str:
    return KEY_OUTCOMES.get(indicator) or EXTRA_LABELS.get(indicator, indicator)


def _money(x: float) -> str:
    sign = "−" if x < 0 else "+"
    x = abs(x)
    return f"{sign}£{x / 1e6:.2f}m" if x >= 1e6 else f"{sign}£{x / 1e3:.0f}k"


def _value(x: float, unit: str) -> str:
    if unit.lower() == "gbp":
        return _money(x)
    text = f"{x:+.2f}" if abs(x) < 10 else f"{x:+.1f}"
    return text.replace("-", "−") + (" pts" if unit == "percent" else "")


def compare_table(path: Path) -> str:
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["year"] == "all"]
    by = {(r["scenario"], r["indicator"]): r for r in rows}
    out = [
        "| scenario | outcome | difference a year (90% interval) | p_better "
        "| net cost a year (90% interval) | p_saves |",
        "|---|---|---|---|---|---|",
    ]
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        cost = by.get((scenario, "cost_total_gbp"))
        first = True
        for indicator in HEADLINES.get(scenario, ("unplanned_endings",)):
            r = by.get((scenario, indicator))
            if r is None:
                continue
            unit = r["unit"]
            diff = (
                f"{_value(float(r['diff_mean']), unit)} ({_value(float(r['diff_p5']), unit)} "
                f"to {_value(float(r['diff_p95']), unit)})"
            )
            cost_text = p_saves = ""
            if first and cost is not None:
                cost_text = (
                    f"{_money(float(cost['diff_mean']))} ({_money(float(cost['diff_p5']))} to "
                    f"{_money(float(cost['diff_p95']))})"
                )
                p_saves = cost.get("p_saves", "")
            out.append(
                f"| {scenario if first else ''} | {_label(indicator)} | {diff} "
                f"| {r.get('p_better', '')} | {cost_text} | {p_saves} |"
            )
            first = False
    return "\n".join(out)


def _share(
    reps: list[dict[str, float]], parts: tuple[str, ...], of: tuple[str, ...] = ("cla_31_march",)
) -> float:
    """Mean over replicates of sum(parts) / sum(of), in percent."""
    vals = [
        sum(v.get(p, 0.0) for p in parts) / max(sum(v.get(o, 0.0) for o in of), 1e-9) for v in reps
    ]
    return 100.0 * sum(vals) / len(vals)


def _mean(reps: list[dict[str, float]], name: str) -> float:
    vals = [v[name] for v in reps if name in v]
    return sum(vals) / len(vals) if vals else float("nan")


def baseline_table(path: Path) -> str:
    """31 March shares by DfE year from a ``simulate`` folder's indicators.csv."""
    per: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for r in csv.DictReader(path.open(encoding="utf-8")):
        per[(r["replicate"], r["year"])][r["indicator"]] = float(r["value"])
    years = sorted({y for _, y in per})
    out = [
        "| DfE year | children in care (90% interval) | foster | kinship share of foster "
        "| children's homes + supported | 3+ placements | long-term stable | mean SDQ "
        "| SDQ 17+ |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for year in years:
        reps = [v for (_, y), v in per.items() if y == year]
        cla = np.asarray([v.get("cla_31_march", 0.0) for v in reps])
        foster = ("cla_foster_kinship", "cla_foster_inhouse", "cla_foster_agency")
        out.append(
            f"| {year} | {cla.mean():.0f} ({np.percentile(cla, 5):.0f}–"
            f"{np.percentile(cla, 95):.0f}) | {_share(reps, foster):.1f}% "
            f"| {_share(reps, ('cla_foster_kinship',), foster):.1f}% "
            f"| {_share(reps, ('cla_residential', 'cla_supported')):.1f}% "
            f"| {_mean(reps, 'placements_3plus_pct'):.1f}% "
            f"| {_mean(reps, 'long_term_stable_pct'):.1f}% "
            f"| {_mean(reps, 'sdq_mean'):.1f} | {_mean(reps, 'sdq_concern_pct'):.1f}% |"
        )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m results.summary_tables RUN_DIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if (folder / "comparison.csv").is_file():
        print(compare_table(folder / "comparison.csv"))
    elif (folder / "indicators.csv").is_file():
        print(baseline_table(folder / "indicators.csv"))
    else:
        print(f"error: {folder}: no comparison.csv or indicators.csv", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
