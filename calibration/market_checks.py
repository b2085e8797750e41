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
4. children leaving care a year by age at ceasing against DfE 2024 (the teenage stock, and so
   supported accommodation, follows it).

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
from simulation.indicators import STOCK_NAMES

GROUPS = tuple(Group)
YEAR_START = 2025


AGE_BANDS = ("under_1", "1_4", "5_9", "10_15", "16_17", "18")


def run_with_start(task: Task) -> tuple[list[int], list[tuple[int, str, float]]]:
    """One replicate: its starting stock by group and its yearly indicator rows, with the
    children who left care counted by age band at ceasing (``_ceased_age_<band>``)."""
    from simulation.agents import age_band
    from simulation.model import CareSystem

    model = CareSystem(task.params, seed=task.seed, replicate=task.replicate)
    start = list(model.occupancy)

    def ceased(child: Any, route: str, group: int, carer: Any) -> None:
        age = child.age(model.now)
        band = "18" if route == "age_18" else ("16_17" if age >= 16 else AGE_BANDS[age_band(age)])
        model.indicators.count(f"_ceased_age_{band}")

    model.on("exited", ceased)
    ages: dict[str, float] = {}

    def keep_ages(day: float) -> None:  # internal flows are dropped at each year end
        for band in AGE_BANDS:
            ages[band] = ages.get(band, 0.0) + model.indicators.flows.get(
                f"_ceased_age_{band}", 0.0
            )

    for k in range(1, task.years + 1):
        model.at(model.calendar.year_end_day(k) - 1e-6, keep_ages, 0.0)
    model.run_years(task.years)
    seen = list(model.indicators.yearly)
    seen += [(0, f"_ceased_age_{b}", v / task.years) for b, v in ages.items()]
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
    share = []
    start_share = 100 * (start[Group.RESIDENTIAL] + start[Group.SUPPORTED]) / start.sum()
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


DFE_CEASED_AGE = {  # national_targets.csv, ceased during 2023-24 by age at ceasing
    "under_1": ("Under 1 year",),
    "1_4": ("1 to 4 years",),
    "5_9": ("5 to 9 years",),
    "10_15": ("10 to 15 years",),
    "16_17": ("16 years", "17 years"),
    "18": ("18 years and over",),
}


def ceased_age_table(m: dict[str, Any], population: float) -> list[str]:
    """Children leaving care a year by age at ceasing: the model against DfE 2024 scaled to
    the area (the teenage stock follows it)."""
    import csv

    from calibration.targets import NATIONAL_FILE

    dfe: dict[str, float] = {}
    with NATIONAL_FILE.open(newline="") as fh:
        for row in csv.DictReader(fh):
            wanted = row["year"] == "2024" and row["measure"] == "ceased"
            if wanted and row["breakdown"] == "age_group" and row["value"]:
                dfe[row["category"]] = float(row["value"])
    scale = population / 11_947_000  # England's children aged 0-17 in 2024 (parameter tree)
    lines = ["| age at ceasing | model a year | DfE 2024 a year |", "|---|---|---|"]
    for band, cats in DFE_CEASED_AGE.items():
        model = float(np.mean(m["values"][(0, f"_ceased_age_{band}")]))
        lines.append(f"| {band} | {model:.1f} | {scale * sum(dfe[c] for c in cats):.1f} |")
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
    print("\n".join(ceased_age_table(m, tasks[0].params["area.population_0_17"])))


if __name__ == "__main__":
    main()
