"""The ``compare`` command: scenarios against a baseline on paired replicates.

Every scenario runs the same replicates: replicate ``r`` has the same seed, the same replicate
number and the same calibrated parameter draw in each scenario, so each child, carer and worker
meets the same luck (common random numbers) and the difference ``scenario_r - baseline_r``
isolates the effect of the levers. ``comparison.csv`` holds, per scenario, indicator and year,
the mean of each side and the mean and 5th/95th percentiles of the paired differences, then
``p_better`` (the share of replicates in which the scenario improves the outcome, by its
polarity: results.decision.POLARITY; empty for an outcome with none) and ``p_saves`` (for a
cost, the share in which it costs less), ties counting one half.

Whole-horizon rows (``year = all``) average each replicate's yearly values before pairing:
for a flow (endings, moves, costs) that is the mean total per year over the horizon; for a
stock or state measure (children in care, caseload, carer households) it is the mean of the
yearly 31 March values.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from calibration.run_params import RunSettings, manifest_entries, scenario_tasks
from results import store
from results.decision import p_better, p_saves, polarity_of
from results.jobs import (
    note_stale,
    replicate_seeds,
    run_with_progress,
    scenario_entries,
    write_draws,
    write_report,
    write_tables,
)
from results.summary import paired_differences
from simulation.errors import CarepathsError, ScenarioError
from simulation.executor import Task, check_executor
from simulation.indicator_names import unit_of

COMPARISON_HEADER = (
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
    "p_better",
    "p_saves",
)
ALL_YEARS = "all"

# The outcomes printed after a comparison (all indicators go into comparison.csv).
KEY_OUTCOMES: dict[str, str] = {
    # children's outcomes first: stability, needs, permanence; then placements, workforce, cost
    "placements_3plus_pct": "% with 3+ placements in the year",
    "long_term_stable_pct": "% long-term stable (same carer 2+ years)",
    "unplanned_endings": "Unplanned placement endings a year",
    "placement_moves": "Placement moves a year",
    "sdq_mean": "Mean SDQ (children 5-16 in care 12 months+)",
    "sdq_concern_pct": "% with SDQ 17+ (a cause for concern)",
    "needs_improved_pct": "% in care a year whose needs fell",
    "permanence_breakdowns": "Orders (SGO, CAO, adoption) that broke down a year",
    "returns_home_breakdown": "Returns home that broke down a year",
    "reentries_within_12m": "Re-entries within 12 months a year",
    "cost_total_gbp": "Total cost a year",
    "cla_foster_agency": "Children in agency foster care",
    "cla_residential": "Children in children's homes",
    "cla_foster_kinship": "Children in kinship foster care",
    "placed_outside_la_pct": "% placed outside the council's area",
    "unregistered_placements": "Children in unregistered settings a year",
    "placement_shortfall_days": "Days waiting in a placement that does not fit a year",
    "caseload_mean": "Cases per social worker",
    "sw_changes_3plus_pct": "% with 3+ social workers in the year",
    "assessment_mismatch_pct": "% of assessments on the wrong side of SDQ 17",
    "carer_households_inhouse": "In-house carer households",
    "carer_households": "Foster-carer households",
    "carer_deregistrations": "Carer deregistrations a year",
    "cost_placements_residential_gbp": "Children's home cost a year",
}

IndicatorRow = tuple[str, int, int, str, float]


# ---------------------------------------------------------------------------- paired table


def _by_replicate(
    rows: Iterable[IndicatorRow],
) -> dict[tuple[str, str], dict[int, dict[int, float]]]:
    """(scenario, indicator) -> replicate -> year -> value."""
    out: dict[tuple[str, str], dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for scenario, replicate, year, indicator, value in rows:
        out[(scenario, indicator)][int(replicate)][int(year)] = float(value)
    return out


def _paired(
    base: dict[int, dict[int, float]], scen: dict[int, dict[int, float]], year: int | None
) -> tuple[list[float], list[float]]:
    """Replicate-aligned values for one year, or each replicate's mean over years (None)."""
    b_out: list[float] = []
    s_out: list[float] = []
    for rep in sorted(set(base) & set(scen)):
        b, s = base[rep], scen[rep]
        if year is None:
            years = sorted(set(b) & set(s))
            if not years:
                continue
            b_out.append(sum(b[y] for y in years) / len(years))
            s_out.append(sum(s[y] for y in years) / len(years))
        elif year in b and year in s:
            b_out.append(b[year])
            s_out.append(s[year])
    return b_out, s_out


def comparison_rows(
    indicator_rows: Iterable[IndicatorRow], baseline: str, scenarios: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``comparison.csv`` rows for each scenario against ``baseline`` (paired by replicate).

    Rows are ordered by scenario (as given), indicator, then ``all`` before the years.
    ``pct_change`` is ``100 * diff_mean / baseline_mean`` (empty when the baseline mean is 0).
    """
    data = _by_replicate(indicator_rows)
    indicators = sorted({ind for (_, ind) in data})
    rows: list[tuple[Any, ...]] = []
    for scenario in scenarios:
        if scenario == baseline:
            continue
        for indicator in indicators:
            base, scen = data.get((baseline, indicator)), data.get((scenario, indicator))
            if not base or not scen:
                continue
            years = sorted({y for rep in base.values() for y in rep})
            for year in (None, *years):
                b, s = _paired(base, scen, year)
                if not b:
                    continue
                diff, p5, p95 = paired_differences(b, s)
                b_mean, s_mean = sum(b) / len(b), sum(s) / len(s)
                pct: float | str = 100.0 * diff / b_mean if b_mean else ""
                better, saves = _probabilities(indicator, b, s)
                rows.append(
                    (
                        scenario,
                        baseline,
                        indicator,
                        unit_of(indicator),
                        b_mean,
                        s_mean,
                        diff,
                        p5,
                        p95,
                        pct,
                        ALL_YEARS if year is None else year,
                        better,
                        saves,
                    )
                )
    return rows


def _probabilities(
    indicator: str, base: Sequence[float], scen: Sequence[float]
) -> tuple[float | str, float | str]:
    """(p_better, p_saves) of paired values; '' where the indicator has no polarity or is not
    money."""
    diffs = [s - b for b, s in zip(base, scen, strict=True)]
    polarity = polarity_of(indicator)
    better: float | str = p_better(diffs, polarity) if polarity is not None else ""
    saves: float | str = p_saves(diffs) if unit_of(indicator) == "GBP" else ""
    return better, saves


def write_comparison(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    """Write ``comparison.csv`` (rows from :func:`comparison_rows`)."""
    return store.write_csv(path, COMPARISON_HEADER, rows)


# ---------------------------------------------------------------------------- printing


def _number(value: float, unit: str, signed: bool = False) -> str:
    sign = "+" if signed else ""
    if unit == "GBP":
        text = f"£{abs(value):,.0f}"
        return ("-" if value < 0 else ("+" if signed and value > 0 else "")) + text
    if unit == "percent":
        return f"{value:{sign},.1f}%"
    digits = 0 if abs(value) >= 100 else (1 if abs(value) >= 10 else 2)
    return f"{value:{sign},.{digits}f}"


def key_table(rows: Sequence[Sequence[Any]], scenario: str, title: str) -> Table:
    """A rich table of the key outcomes (whole horizon) for one scenario."""
    table = Table(title=Text(title), title_justify="left")  # Text: a title is not markup
    for name, justify in (
        ("outcome", "left"),
        ("baseline", "right"),
        ("scenario", "right"),
        ("difference", "right"),
        ("90% interval", "right"),
        ("change", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    found = {r[2]: r for r in rows if r[0] == scenario and r[10] == ALL_YEARS}
    for indicator, label in KEY_OUTCOMES.items():
        r = found.get(indicator)
        if r is None:
            continue
        unit = r[3]
        diff = _number(r[6], unit, signed=True)
        table.add_row(
            label,
            _number(r[4], unit),
            _number(r[5], unit),
            Text(diff, style="bold") if _excludes_zero(r) else diff,
            f"{_number(r[7], unit, True)} to {_number(r[8], unit, True)}",
            f"{r[9]:+.1f}%" if r[9] != "" else "",
        )
    return table


def _excludes_zero(row: Sequence[Any]) -> bool:
    return row[7] > 0 or row[8] < 0


def cost_line(rows: Sequence[Sequence[Any]], scenario: str) -> str:
    """Net cost a year with its 90% interval, then what the interval allows to be said.

    A saving is claimed only when the whole 90% interval of the net cost is below zero, a cost
    per ending avoided given only when the fall in unplanned endings excludes zero.
    """
    found = {r[2]: r for r in rows if r[0] == scenario and r[10] == ALL_YEARS}
    cost, endings = found.get("cost_total_gbp"), found.get("unplanned_endings")
    if cost is None:
        return "Cost: no cost_total_gbp indicator in this run."
    net, lo, hi = cost[6], cost[7], cost[8]
    text = (
        f"Net cost: {_number(net, 'GBP', True)} a year "
        f"(90% interval {_number(lo, 'GBP', True)} to {_number(hi, 'GBP', True)})"
    )
    saves = hi < 0
    if lo <= 0 <= hi and not lo == hi == 0:
        text += "; the interval includes no change in cost, so no saving or extra cost is claimed"
    endings_fall = endings is not None and endings[6] < 0 and endings[8] < 0
    if endings_fall:
        assert endings is not None
        avoided = -endings[6]
        if saves:
            text += f"; saves money and avoids {avoided:.1f} unplanned endings a year"
        elif net > 0:
            text += (
                f"; £{net / avoided:,.0f} per unplanned ending avoided on the means "
                f"({avoided:.1f} avoided a year)"
            )
        else:
            text += f"; avoids {avoided:.1f} unplanned endings a year"
    elif endings is not None and endings[6] < 0:
        text += (
            "; the fall in unplanned endings is within chance (90% interval "
            f"{_number(endings[7], '', True)} to {_number(endings[8], '', True)}), so no "
            "cost per ending avoided is given"
        )
    elif endings is not None:
        text += "; unplanned endings do not fall, so no cost per ending avoided"
    return text


def print_comparison(
    console: Console,
    rows: Sequence[Sequence[Any]],
    baseline: str,
    scenarios: Sequence[Any],
    years: int,
    reps: int,
) -> None:
    """Print each scenario's key outcomes against the baseline, and its cost line."""
    for scenario in scenarios:
        if scenario.name == baseline:
            continue
        title = (
            f"{scenario.title} vs baseline: mean a year over {years} years, "
            f"{reps} paired replicates (bold: 90% interval excludes zero)"
        )
        console.print(key_table(rows, scenario.name, title))
        console.print(cost_line(rows, scenario.name), markup=False, highlight=False)
        console.print()


# ---------------------------------------------------------------------------- command


def load_all(names: Sequence[str]) -> list[Any]:
    """Load and validate every scenario before anything runs."""
    from simulation.scenario import load_scenario

    if len(names) < 2:
        raise CarepathsError(
            "compare needs a baseline and at least one scenario, e.g. "
            "'compare baseline foster-carer-support'"
        )
    loaded = [load_scenario(n) for n in names]
    seen: dict[str, str] = {}
    for name, scenario in zip(names, loaded, strict=True):
        if scenario.name in seen:
            raise ScenarioError(f"scenario {name!r} is given twice (as {seen[scenario.name]!r})")
        seen[scenario.name] = name
    return loaded


def compare(
    scenarios: Sequence[str],
    years: int,
    reps: int,
    seed: int,
    area: str,
    out: Path,
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    report: bool = True,
    argv: Sequence[str] | None = None,
    console: Console | None = None,
    settings: RunSettings | None = None,
    outcome: str = "unplanned_endings",
    value_per_outcome: float = 0.0,
) -> Path:
    """Run the scenarios on paired replicates; write the run folder; return its path.

    ``settings``: sampled (default) or central assumptions and the price year; ``outcome`` and
    ``value_per_outcome`` (GBP per outcome avoided) set the decision summary's cost per outcome
    and the net benefit the EVPPI is computed on."""
    from calibration.areas import area_changes
    from calibration.resolve import calibration_source
    from results import decision_outputs as decision
    from results.decision import check_outcome

    started = store.utc_now()
    out = store.out_folder(out)
    check_executor(executor, scheduler, jobs)
    settings = (settings or RunSettings()).checked()
    check_outcome(outcome, value_per_outcome)
    area_changes(area)
    loaded = load_all(scenarios)
    baseline = loaded[0].name
    built = [scenario_tasks(s, area, years, reps, seed, settings) for s in loaded]
    tasks = [t for scenario_built, _ in built for t in scenario_built]
    draws = [(s.name, d) for s, (_, ds) in zip(loaded, built, strict=True) for d in ds]
    store.check_out_folder(out)  # writes nothing; --out is made with the run folder
    results = run_with_progress(
        tasks, jobs, executor, scheduler, f"compare {len(loaded)} scenarios"
    )
    _, indicators = _indicator_rows(tasks, results)
    rows = comparison_rows(indicators, baseline, [s.name for s in loaded])
    entries = manifest_entries(settings, [d for _, d in draws])
    price_text = f"{settings.price_year} prices"
    names = [s.name for s in loaded]
    summaries = decision.summaries(
        indicators, baseline, names, outcome, value_per_outcome, price_text
    )
    evppi = []
    if settings.assumptions == "sampled":
        evppi = decision.evppi_rows(
            indicators,
            decision.draw_rows(draws),
            baseline,
            names,
            outcome,
            value_per_outcome,
            left_out=_inert(built, baseline, names),
        )
    name = "compare-" + "-".join(s.name for s in loaded[1:])[:80]
    with store.create_run(out, name) as run:
        write_tables(run, tasks, results)
        write_comparison(run.file("comparison.csv"), rows)
        write_draws(run, draws)
        if evppi:
            store.write_csv(run.file("evppi.csv"), decision.EVPPI_HEADER, evppi)
        manifest = store.build_manifest(
            argv=list(argv if argv is not None else sys.argv),
            command="compare",
            scenarios=scenario_entries(loaded, tasks, results),
            area=area,
            years=years,
            replicates=reps,
            seed=seed,
            replicate_seeds=replicate_seeds(tasks),
            started=started,
            finished=store.utc_now(),
            executor=executor,
            jobs=jobs,
            extra={
                "baseline": baseline,
                "calibration_source": store.display_source(calibration_source(area)),
                "pairing": "replicate r uses the same seed, replicate number, calibrated "
                "draw and assumption draws in every scenario",
                **entries,
                "decision": decision.decision_entry(outcome, value_per_outcome),
            },
        )
        store.write_manifest(run.file("manifest.json"), manifest)
        if report:
            write_report(run.path)
    note_stale(run, console)
    if console is not None:
        titles = {s.name: s.title for s in loaded}
        decision.print_decision(console, summaries, titles, settings.assumptions)
        print_comparison(console, rows, baseline, loaded, years, reps)
    if run.final is None:  # pragma: no cover - create_run always sets it on success
        raise CarepathsError("the run folder was not published")
    return run.final


def _inert(
    built: Sequence[tuple[Sequence[Task], Any]], baseline: str, names: Sequence[str]
) -> dict[str, list[str]]:
    """Per scenario, the assumptions that cannot change its difference from the baseline
    (their lever is off in both: results.gsa.relevant_assumptions)."""
    from results.gsa import LEVER_GATES, relevant_assumptions

    first = {name: tasks[0].params for name, (tasks, _) in zip(names, built, strict=True) if tasks}
    out: dict[str, list[str]] = {}
    for name in names:
        if name != baseline and name in first and baseline in first:
            _, dropped = relevant_assumptions(LEVER_GATES, [first[baseline], first[name]])
            out[name] = sorted(dropped)
    return out


def _indicator_rows(
    tasks: Sequence[Task], results: Sequence[Any]
) -> tuple[list[tuple[Any, ...]], list[IndicatorRow]]:
    from results.jobs import result_rows

    timeseries, indicators = result_rows(tasks, results)
    return timeseries, indicators  # type: ignore[return-value]
