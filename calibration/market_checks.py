"""Checks of the care market on the default area (issue 11): does the baseline hold, and do
the market's failure paths fire at the rates the published figures give?

    python -m calibration.market_checks --reps 100 --years 5 --jobs 2 [--fit-dir DIR]

Prints markdown tables:

1. each placement group's mean stock at every 31 March as a ratio to its mean start (the
   band: within ±10%), and children's homes + supported accommodation as a share of all
   children in care (the band: within 3 points of the start);
2. the market measures against the figures in ``calibration/data`` (where children live by
   placement type, unregistered placements, occupancy), averaged over the run's years;
3. the shortfall paths taken a year;
4. children leaving care a year by age at ceasing against DfE 2024 (the exit hazards' age
   shape is fitted to it; the stock's age mix, and so supported accommodation and the adoption
   pathway, follow it).

``--fit-dir`` reads the calibrated fit from another folder (a scratch refit), never writing
``calibration/fitted/``. Replicates run in worker processes (``--jobs``); the results are the
same for any number of jobs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulation.agents import Group
from simulation.executor import Task, run_many
from simulation.indicators import AGE_NAMES, STOCK_NAMES

GROUPS = tuple(Group)
YEAR_START = 2025


CEASED_AGES = ("under_5", "5_9", "10_15", "16_17", "18")


def run_with_start(task: Task) -> tuple[list[int], list[tuple[int, str, float]]]:
    """One replicate: its starting stock by group (the first eight numbers) and by age band
    (the next five), and its yearly indicator rows."""
    from simulation.agents import age_band
    from simulation.model import CareSystem

    model = CareSystem(task.params, seed=task.seed, replicate=task.replicate)
    by_age = [0] * len(AGE_NAMES)
    for child in model.children.values():
        by_age[age_band(child.age(model.now))] += 1
    start = [*model.occupancy, *by_age]
    model.run_years(task.years)
    seen = list(model.indicators.yearly)
    model.teardown()
    return start, seen


def _tasks(reps: int, years: int, seed: int, fit_dir: Path | None) -> list[Task]:
    import calibration.fitted_params as fitted

    if fit_dir is not None:
        fitted.FITTED_DIR = fit_dir
    from calibration.resolve import resolve_params
    from simulation.scenario import load_scenario

    scenario = load_scenario("baseline")
    return [
        Task("baseline", resolve_params(scenario, "england-average", r), years, seed, r)
        for r in range(reps)
    ]


def _means(results: Sequence[tuple[list[int], list[tuple[int, str, float]]]]) -> dict[str, Any]:
    starts = np.array([s for s, _ in results], dtype=float)
    years = sorted({y for _, rows in results for y, _, _ in rows if y > 0})
    values: dict[tuple[int, str], list[float]] = {}
    for _, rows in results:
        for y, name, v in rows:
            values.setdefault((y, name), []).append(v)
    return {"start": starts.mean(axis=0), "years": years, "values": values}


def stability_table(m: dict[str, Any]) -> list[str]:
    start, years, values = m["start"], m["years"], m["values"]
    head = "| placement group | start | " + " | ".join(f"31 Mar {y}" for y in years) + " |"
    lines = [head, "|---" * (len(years) + 2) + "|"]
    worst = 0.0
    for g in GROUPS:
        cells = []
        for y in years:
            ratio = float(np.mean(values[(y, STOCK_NAMES[g])])) / start[g]
            worst = max(worst, abs(ratio - 1.0))
            flag = "" if abs(ratio - 1.0) <= 0.10 else " **out**"
            cells.append(f"{ratio:.3f}{flag}")
        lines.append(f"| {STOCK_NAMES[g]} | {start[g]:.1f} | " + " | ".join(cells) + " |")
    for i, name in enumerate(AGE_NAMES):
        first = start[len(GROUPS) + i]
        cells = [f"{float(np.mean(values[(y, name)])) / first:.3f}" for y in years]
        lines.append(f"| {name} (by age) | {first:.1f} | " + " | ".join(cells) + " |")
    share = []
    start_share = (
        100 * (start[Group.RESIDENTIAL] + start[Group.SUPPORTED]) / start[: len(GROUPS)].sum()
    )
    for y in years:
        homes = np.mean(values[(y, "cla_residential")]) + np.mean(values[(y, "cla_supported")])
        share.append(100 * homes / np.mean(values[(y, "cla_31_march")]))
    lines.append(
        f"| homes + supported, % of all | {start_share:.1f}% | "
        + " | ".join(f"{s:.1f}% ({s - start_share:+.1f})" for s in share)
        + " |"
    )
    lines.append("")
    lines.append(f"Largest group deviation from its start: {100 * worst:.1f}%.")
    return lines


# (indicator, published figure, what it is)
FIGURES = (
    ("placed_outside_la_pct", 45.1, "DfE 2024, CLA with a provider outside the LA (PF 578)"),
    ("placed_outside_la_foster_pct", 42.4, "DfE 2024, foster (PF 442)"),
    ("placed_outside_la_residential_pct", 67.4, "DfE 2024, children's homes (PF 440; NAO 67%)"),
    ("placed_20_miles_plus_pct", 17.0, "DfE 2024, outside the LA and 20+ miles (PF 450)"),
    ("placed_20_miles_plus_foster_pct", 14.0, "DfE 2024, foster (PF 455)"),
    ("placed_20_miles_plus_residential_pct", 44.0, "DfE 2024, homes (PF 458; NAO 49% all)"),
    ("occupancy_inhouse_foster_pct", 79.0, "Ofsted 2017-18 LA filled / filled+vacant"),
    ("occupancy_agency_foster_pct", 70.0, "Ofsted 2017-18 IFA filled / filled+vacant"),
)
UNREGISTERED_PER_CLA = 982 / 83_630  # Ofsted 2023-24 children placed (PF 528) / DfE CLA


def market_table(m: dict[str, Any]) -> list[str]:
    years, values = m["years"], m["values"]

    def run_mean(name: str) -> float:
        return float(np.mean([np.mean(values[(y, name)]) for y in years]))

    lines = ["| measure | model (mean of the years) | figure | source |", "|---|---|---|---|"]
    for name, figure, source in FIGURES:
        lines.append(f"| {name} | {run_mean(name):.1f} | {figure:.1f} | {source} |")
    cla = run_mean("cla_31_march")
    unreg = run_mean("unregistered_placements")
    lines.append(
        f"| unregistered_placements (children a year) | {unreg:.1f} ({100 * unreg / cla:.2f}% "
        f"of CLA) | {UNREGISTERED_PER_CLA * cla:.1f} (1.17%) | Ofsted 2023-24, 982 (PF 528) |"
    )
    stock, starts = run_mean("cla_unregistered"), run_mean("shortfall_unregistered")
    stay = 12 * stock / starts if starts else float("nan")
    lines.append(
        f"| children in unregistered settings at 31 March | {stock:.1f} (stay about "
        f"{stay:.1f} months) | {800 / 83_630 * cla:.1f} (6 months) | PAC Sep 2024 (PF 531-532) |"
    )
    for name in ("occupancy_residential_pct", "price_residential_gbp_per_week"):
        lines.append(f"| {name} | {run_mean(name):,.1f} | — | by construction at the start |")
    return lines


def shortfall_table(m: dict[str, Any]) -> list[str]:
    years, values = m["years"], m["values"]
    names = (
        "shortfall_outside_area",
        "shortfall_less_suitable",
        "shortfall_emergency",
        "shortfall_unregistered",
        "placement_shortfall_days",
        "placement_moves",
        "ceased_adopted",  # the adoption pathway's flow: flat when the start is consistent
        "started",
    )
    lines = [
        "| a year | " + " | ".join(str(y) for y in years) + " |",
        "|---" * (len(years) + 1) + "|",
    ]
    for name in names:
        lines.append(
            f"| {name} | " + " | ".join(f"{np.mean(values[(y, name)]):.1f}" for y in years) + " |"
        )
    return lines


def ceased_age_table(m: dict[str, Any], fit_year: int = 2024) -> list[str]:
    """Children leaving care a year by age at ceasing (mean of the run's years): the model
    against the fit's targets (DfE ceased by age at ceasing, scaled to the area)."""
    from calibration.targets import area_targets

    observed = {t.indicator: t for t in area_targets("england-average", fit_year)}
    lines = ["| age at ceasing | model a year | DfE a year (tolerance) |", "|---|---|---|"]
    for band in CEASED_AGES:
        name = f"ceased_age_{band}"
        model = np.mean([np.mean(m["values"][(y, name)]) for y in m["years"]])
        t = observed[name]
        lines.append(f"| {band} | {model:.1f} | {t.observed:.1f} (±{t.tolerance:.1f}) |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Checks of the care market (issue 11).")
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fit-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    tasks = _tasks(args.reps, args.years, args.seed, args.fit_dir)
    results = run_many(tasks, jobs=args.jobs, fn=run_with_start)
    m = _means(results)
    where = args.fit_dir or "calibration/fitted"
    print(
        f"Baseline, england-average, {args.reps} replicates x {args.years} years, seed "
        f"{args.seed}, fit from {where}\n"
    )
    print("\n".join(stability_table(m)), "\n")
    print("\n".join(market_table(m)), "\n")
    print("\n".join(shortfall_table(m)), "\n")
    print("\n".join(ceased_age_table(m)))


if __name__ == "__main__":
    main()
