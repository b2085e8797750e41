"""The report's words: what was run, the key findings, caveats, as plain text.

Everything here returns text or small records of text, never HTML: the page template
(:mod:`results.report.page`) escapes every value, so a scenario title such as ``<script>`` is
shown as written, never run. Sentences state a difference with its 90% interval and never claim
a change (or a saving) that the interval does not support.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from results.charts import (
    ENGLAND_REFERENCE,
    OUTCOME_LABELS,
    TORNADO_OUTCOMES,
    RunData,
    calibration_name,
    fmt,
    year_label,
)
from simulation.indicator_names import FLOW_INDICATORS, unit_of

# Outcomes in the order findings are told: (indicator, phrase). Children's outcomes first
# (stability, needs, permanence; the net cost is told beside the first), then placements.
FINDINGS: tuple[tuple[str, str], ...] = (
    ("unplanned_endings", "unplanned placement endings"),
    ("placements_3plus_pct", "children with 3 or more placements in a year"),
    ("long_term_stable_pct", "children in long-term stable placements"),
    ("sdq_mean", "in the mean SDQ score of children aged 5-16 in care a year or more"),
    ("sdq_concern_pct", "children with an SDQ of 17 or more (a cause for concern)"),
    ("permanence_breakdowns", "adoptions, special guardianships and CAOs breaking down"),
    ("reentries_within_12m", "children re-entering care within 12 months"),
    ("placement_moves", "placement moves"),
    ("cla_foster_agency", "children in agency foster care"),
    ("cla_residential", "children in children's homes"),
    ("cla_31_march", "children in care"),
    ("ceased_returned_home", "children returning home"),
    ("carer_households", "foster carer households"),
)


@dataclass(frozen=True)
class RunDescription:
    """What was run, in words (the template sets the area in bold)."""

    what: str
    years: object
    area: str
    seed: object
    version: str
    calibration: str
    descriptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComparisonFinding:
    """One scenario against the baseline: a headline and the other outcomes."""

    title: str
    head: tuple[str, ...]
    details: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------- what was run


def join_names(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def what_was_run(run: RunData) -> RunDescription:
    """What was run: command, scenarios, replicates, horizon, area, seed and calibration.

    No times or dates: they differ between identical runs and live in ``manifest.json``.
    """
    m = run.manifest
    names = [run.title(s) for s in run.scenarios]
    command = m.get("command", "run")
    reps = m.get("replicates", "?")
    if command == "compare" and len(names) > 1:
        what = (
            f"We compared {join_names(names[1:])} with the baseline ({names[0]}), running each "
            f"on the same {reps} sets of random numbers so that differences come from the "
            "levers, not from luck"
        )
    elif command == "calibrate":
        what = "We fitted the model's uncertain rates to official statistics"
    elif command == "sensitivity" and names:
        what = (
            f"We tested how much the result of {join_names(names[1:] or names)} depends on "
            f"each assumption, moving one at a time to its low and high values, on {reps} "
            "paired replicates"
        )
    else:
        what = f"We simulated {join_names(names) or 'the model'} with {reps} replicates"
    descriptions = tuple(
        _sentence(f"{run.title(s['name'])}: {s['description']}")
        for s in m.get("scenarios", [])
        if isinstance(s, dict) and s.get("description")
    )
    return RunDescription(
        what=what,
        years=m.get("years", "?"),
        area=str(m.get("area", "?")),
        seed=m.get("seed", "?"),
        version=str(m.get("tool_version") or m.get("version") or "?"),
        calibration=calibration_name(m),
        descriptions=descriptions,
    )


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


# ---------------------------------------------------------------------------- differences


def per_year(run: RunData, row: dict[str, str]) -> float:
    """Divide a whole-horizon flow by this to get 'a year' (1 if it is already a yearly mean).

    comparison.csv's ``all`` row is checked against its yearly rows: if it matches their sum,
    it is a total over the horizon; if their mean, already a yearly value.
    """
    yearly = [
        float(r["diff_mean"])
        for r in run.comparison
        if r["scenario"] == row["scenario"]
        and r["indicator"] == row["indicator"]
        and r.get("year", "all") != "all"
    ]
    if len(yearly) < 2:
        return 1.0
    total = float(row["diff_mean"])
    is_total = abs(total - sum(yearly)) < abs(total - sum(yearly) / len(yearly))
    return float(len(yearly)) if is_total else 1.0


def _amount(v: float, unit: str) -> str:
    if unit.startswith("SDQ"):  # a mean score moves by fractions of a point
        return f"{abs(v):.2f} points"
    return f"{abs(v):.1f} percentage points" if unit == "percent" else fmt(abs(v), unit)


def interval_words(lo: float, hi: float, unit: str, more: str, fewer: str) -> str:
    """'90% interval 4 to 20 fewer' or 'from 3 fewer to 5 more: no change is possible'."""
    if lo >= 0 or hi <= 0:
        a, b = sorted((abs(lo), abs(hi)))
        word = more if lo >= 0 and hi > 0 else fewer
        if a == b == 0:
            return "the same in every replicate"
        return f"90% interval {_amount(a, unit)} to {_amount(b, unit)} {word}"
    return (
        f"90% interval from {_amount(lo, unit)} {fewer} to {_amount(hi, unit)} {more}, "
        "so no change is within the range"
    )


def difference_sentence(run: RunData, row: dict[str, str], phrase: str) -> str:
    """'12 fewer unplanned placement endings a year (90% interval 4 to 20 fewer)'."""
    ind, unit = row["indicator"], row.get("unit", "")
    div = per_year(run, row) if ind in FLOW_INDICATORS else 1.0
    d, lo, hi = (float(row[c]) / div for c in ("diff_mean", "diff_p5", "diff_p95"))
    when = "a year" if ind in FLOW_INDICATORS else "on average over the run"
    if d == lo == hi == 0:
        return f"no difference in {phrase}"
    word = "more" if d >= 0 else "fewer"
    return (
        f"{_amount(d, unit)} {word} {phrase} {when} "
        f"({interval_words(lo, hi, unit, 'more', 'fewer')})"
    )


def cost_sentence(run: RunData, row: dict[str, str]) -> str:
    """The net cost a year, worded by what its 90% interval supports.

    'net saving' only when the whole interval is a saving, 'net cost' only when the whole
    interval is extra spending; otherwise 'no clear difference in net cost' with the mean.
    """
    div = per_year(run, row)
    d, lo, hi = (float(row[c]) / div for c in ("diff_mean", "diff_p5", "diff_p95"))
    interval = interval_words(lo, hi, "GBP", "more spent", "saved")
    if hi < 0:
        return f"net saving {fmt(abs(d), 'GBP')} a year ({interval})"
    if lo > 0:
        return f"net cost {fmt(abs(d), 'GBP')} a year ({interval})"
    if d == lo == hi == 0:
        return "no difference in net cost"
    side = "more" if d >= 0 else "less"
    return (
        f"no clear difference in net cost: {fmt(abs(d), 'GBP')} a year {side} on average "
        f"({interval})"
    )


def comparison_findings(run: RunData) -> list[ComparisonFinding]:
    """Per scenario compared with the baseline: a headline (the first outcome and the net
    cost) and the other outcomes."""
    rows = {
        (r["scenario"], r["indicator"]): r for r in run.comparison if r.get("year", "all") == "all"
    }
    out = []
    for s in dict.fromkeys(sc for sc, _ in rows):
        parts = [
            difference_sentence(run, rows[(s, ind)], phrase)
            for ind, phrase in FINDINGS
            if (s, ind) in rows
        ]
        head = parts[:1]
        if (s, "cost_total_gbp") in rows:
            head.append(cost_sentence(run, rows[(s, "cost_total_gbp")]))
        if not head:
            continue
        details = tuple(_sentence(p[0].upper() + p[1:]) for p in parts[1:])
        out.append(ComparisonFinding(run.title(s), tuple(head), details))
    return out


# ---------------------------------------------------------------------------- the picture


def picture_findings(run: RunData) -> list[str]:
    """Sentences on the first scenario's final year: children in care, flows, stability, cost."""
    if not run.scenarios:
        return []
    s = run.scenarios[0]

    def last(ind: str) -> tuple[int, float, float, float] | None:
        b = run.summary.get((s, ind))
        if b is None or not len(b.x):
            return None
        return int(b.x[-1]), b.mean[-1], b.p5[-1], b.p95[-1]

    out = []
    cla = last("cla_31_march")
    if cla:
        y, m, lo, hi = cla
        text = (
            f"On 31 March {y}, {fmt(m)} children are in care under "
            f"{run.title(s)} (90% interval {fmt(lo)} to {fmt(hi)})"
        )
        shares = [
            (lab, last(ind))
            for ind, lab in (
                ("cla_foster_agency", "agency foster care"),
                ("cla_residential", "children's homes"),
            )
        ]
        bits = [f"{v[1] / m:.0%} in {lab}" for lab, v in shares if v and m > 0]
        out.append(text + (", " + " and ".join(bits) if bits else "") + ".")
    started, ceased = last("started"), last("ceased")
    if started and ceased:
        out.append(
            f"In {year_label(started[0])}, {fmt(started[1])} children enter care "
            f"(90% interval {fmt(started[2])} to {fmt(started[3])}) and {fmt(ceased[1])}"
            f" leave (90% interval {fmt(ceased[2])} to {fmt(ceased[3])})."
        )
    stability = [
        (ind, lab, last(ind))
        for ind, lab in (
            ("placements_3plus_pct", "had 3 or more placements in the year"),
            ("long_term_stable_pct", "were in long-term stable placements"),
            ("sw_changes_3plus_pct", "had 3 or more social workers in the year"),
        )
    ]
    bits = [
        f"{v[1]:.1f}% {lab} (England 2024: {ENGLAND_REFERENCE[ind]:.0f}%)"
        for ind, lab, v in stability
        if v
    ]
    if bits:
        out.append(f"In the final year, {'; '.join(bits)}.")
    cost = last("cost_total_gbp")
    if cost:
        out.append(
            f"Total spend in {year_label(cost[0])}: {fmt(cost[1], 'GBP')} (90% interval "
            f"{fmt(cost[2], 'GBP')} to {fmt(cost[3], 'GBP')})."
        )
    return out


def calibration_findings(run: RunData) -> list[str]:
    """How many calibration targets the fit meets, naming those it misses."""
    out = []
    for name, rows in run.fits:
        ok = [r for r in rows if str(r.get("within", "")).lower() in ("true", "1", "yes")]
        missed = [
            f"{OUTCOME_LABELS.get(r['target'], r['target']).lower()} ({r['year']})"
            for r in rows
            if r not in ok
        ]
        text = f"The fit ({name}) meets {len(ok)} of {len(rows)} targets within tolerance"
        out.append(text + (f"; it misses {', '.join(missed)}." if missed else "."))
    return out


def sensitivity_findings(run: RunData) -> list[str]:
    """The assumption that moves each outcome's difference the most."""
    if run.sensitivity and "method" in run.sensitivity[0]:  # --method morris or sobol
        from results.gsa_charts import gsa_findings

        return gsa_findings(run.sensitivity)
    best: dict[str, dict[str, str]] = {}

    def swing(r: dict[str, str]) -> float:
        return abs(float(r["diff_at_high"]) - float(r["diff_at_low"]))

    shown = [r for r in run.sensitivity if r["indicator"] in TORNADO_OUTCOMES[:3]]
    for r in shown or run.sensitivity[:1]:
        cur = best.get(r["indicator"])
        if cur is None or swing(r) > swing(cur):
            best[r["indicator"]] = r
    return [
        f"For {OUTCOME_LABELS.get(ind, ind).lower()}, the result depends most on the "
        f"assumption {r['assumption']}: the scenario's difference from the baseline is "
        f"{fmt(float(r['diff_at_low']), unit_of(ind), True)} at its low value ({r['low']}) and "
        f"{fmt(float(r['diff_at_high']), unit_of(ind), True)} at its high value ({r['high']})."
        for ind, r in best.items()
    ]


# ---------------------------------------------------------------------------- caveats


def mode_sentence(manifest: dict[str, Any]) -> str:
    """Which uncertainty the intervals carry (results.decision_report)."""
    from results.decision_report import mode_sentence as sentence

    return sentence(manifest)


def caveats(run: RunData) -> list[str]:
    """General limits of the model plus those specific to this run."""
    m = run.manifest
    out = [
        "This is a simulation. Its numbers are what the model produces under the stated "
        "assumptions, not forecasts; use the differences between scenarios more than the levels.",
        "Intervals are the 5th to 95th percentile over replicates. " + mode_sentence(m),
        "Lever effects marked as assumptions have no England effect size from a trial; "
        "their ranges include small or no effects and the report says when an interval "
        "includes no change.",
        "Placement quality, needs and wellbeing are modelled with simple indices; they are "
        "not measured in the national statistics and cannot be calibrated to them.",
    ]
    price = m.get("price_base")
    if isinstance(price, dict) and price.get("text"):
        out.append(
            f"Money is in {price['text']}: every unit cost is uprated from the year of its "
            "source (manifest.json lists each cost's price period and factor); levers and "
            "undated assumptions are taken as stated in that base."
        )
    reps = m.get("replicates")
    if isinstance(reps, int) and reps < 20:
        out.append(
            f"Only {reps} replicates were run, so intervals are rough; use 20 or more "
            "(100 for comparisons) before quoting figures."
        )
    if not (m.get("calibration_file") or m.get("calibration_source")) and not run.fits:
        out.append(
            "No calibrated parameter file was used: rates are hand-set starting values "
            "from published figures, not fitted to the local area."
        )
    return out
