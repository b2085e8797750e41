"""Checks of children's needs and the quality of their care on the default area (issue 12):
does the baseline's SDQ match DfE's, and how do quality and needs run by placement type?

    python -m calibration.needs_checks --reps 100 --years 5 --jobs 2 [--fit-dir DIR]

Prints markdown tables:

1. ``sdq_mean``, ``sdq_concern_pct`` and ``sdq_borderline_pct`` (DfE's definition: children
   aged 5-16 at 31 March looked after continuously for 12 months) in each year against DfE
   2024, with the tolerance: ±1.0 SDQ point for the mean and ±4 points for each share — about
   the spread of DfE's own national figures over 2020-2024 (mean 13.7-14.7, 17+ 37-41%);
2. by placement type (kinship, in-house, agency foster care, children's homes): the mean match
   quality of the placements made, the mean quality and SDQ at 31 March, and the needs
   trajectory of children who stayed in the same placement from one 31 March to the next (the
   mean change of SDQ a year, the share whose score fell and rose by 4+ points);
3. re-entries and orders (adoption, SGO, CAO) that broke down, as shares of starts, against
   the published shares;
4. quality moves (a poor placement left for a better one) by the type they left, and where
   the children leaving kinship care went.

``--fit-dir`` reads the calibrated fit from another folder (a scratch refit), never writing
``calibration/fitted/``. Replicates run in worker processes (``--jobs``); the results are the
same for any number of jobs.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulation.agents import GROUP_NAMES, YEAR_DAYS, Group
from simulation.executor import Task, run_many

TYPES = (Group.KINSHIP, Group.INHOUSE, Group.AGENCY, Group.RESIDENTIAL)
DFE_2024 = {  # published_figures.csv rows 374, 379, 384 (CLA 12 months+, aged 5-16)
    "sdq_mean": (14.7, 1.0),
    "sdq_concern_pct": (41.0, 4.0),
    "sdq_borderline_pct": (13.0, 4.0),
}
MATERIAL = 4  # SDQ points: a material change (the needs rule's NEEDS_STEP)


def run_checks(task: Task) -> dict[str, Any]:
    """One replicate: yearly indicators, and sums by placement type of the quality of the
    placements made, the 31 March quality and SDQ, the year-on-year SDQ change of children
    in the same placement, and quality moves by origin and destination."""
    from simulation.rules.endings import Endings

    sums: dict[str, float] = defaultdict(float)
    moving: dict[int, int] = {}  # child -> the type it left on a quality move
    original = Endings._quality_move

    def counted_quality_move(rule: Endings, child: Any) -> None:
        """The endings rule's quality move, counted when it moves the child (patched on the
        class for this replicate, so hazards set while the population is built count too)."""
        k, g = child.placement_count, child.placement
        moving[child.child_id] = g  # the next placement, made within the move, is its end
        original(rule, child)
        if child.placement_count != k or not child.in_care:
            sums[f"quality_moves_{g}"] += 1
        moving.pop(child.child_id, None)

    Endings._quality_move = counted_quality_move  # type: ignore[method-assign]
    try:
        return _run(task, sums, moving)
    finally:
        Endings._quality_move = original  # type: ignore[method-assign]


def _run(task: Task, sums: dict[str, float], moving: dict[int, int]) -> dict[str, Any]:
    from simulation.model import CareSystem
    from simulation.rules.needs import sdq_score

    model = CareSystem(task.params, seed=task.seed, replicate=task.replicate)

    def placed(child: Any) -> None:
        g = child.placement
        sums[f"placed_n_{g}"] += 1
        sums[f"placed_quality_{g}"] += child.quality
        origin = moving.pop(child.child_id, None)
        if origin is not None:
            sums[f"quality_move_{origin}_to_{g}"] += 1

    model.on("placed", placed)
    last: dict[int, tuple[float, int, int]] = {}  # child -> (placement start, type, score)

    def snapshot(day: float) -> None:
        now = model.now
        seen: dict[int, tuple[float, int, int]] = {}
        for child in model.children.values():
            if not child.in_care or child.placement not in TYPES:
                continue
            g, score = child.placement, sdq_score(child)
            seen[child.child_id] = (child.placement_start, g, score)
            sums[f"march_n_{g}"] += 1
            sums[f"march_quality_{g}"] += child.quality
            sums[f"march_sdq_{g}"] += score
            before = last.get(child.child_id)
            same = before is not None and before[:2] == (child.placement_start, g)
            if same and before is not None and now - child.placement_start >= YEAR_DAYS - 1:
                change = score - before[2]
                sums[f"stay_n_{g}"] += 1
                sums[f"stay_change_{g}"] += change
                sums[f"stay_fell_{g}"] += change <= -MATERIAL
                sums[f"stay_rose_{g}"] += change >= MATERIAL
        last.clear()
        last.update(seen)

    for k in range(1, task.years + 1):  # just after the 31 March review
        model.at(model.calendar.year_end_day(k) + 1e-6, snapshot, 0.0)
    model.run_years(task.years)
    yearly = list(model.indicators.yearly)
    model.teardown()
    return {"yearly": yearly, "sums": dict(sums)}


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


def sdq_table(results: Sequence[dict[str, Any]]) -> list[str]:
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    for res in results:
        for y, name, v in res["yearly"]:
            values[(y, name)].append(v)
    years = sorted({y for y, name in values if name == "sdq_mean"})
    head = "| indicator | DfE 2024 ± tolerance | " + " | ".join(str(y) for y in years)
    lines = [head + " | mean of the years | within |", "|---" * (len(years) + 4) + "|"]
    for name, (figure, tol) in DFE_2024.items():
        means = [float(np.mean(values[(y, name)])) for y in years]
        overall = float(np.mean(means))
        cells = " | ".join(f"{v:.2f}" for v in means)
        within = "yes" if abs(overall - figure) <= tol else "**no**"
        lines.append(f"| `{name}` | {figure:g} ± {tol:g} | {cells} | {overall:.2f} | {within} |")
    for name in ("needs_improved_pct", "assessment_mismatch_pct", "wellbeing_mean"):
        if (years[0], name) in values:
            means = [float(np.mean(values[(y, name)])) for y in years]
            cells = " | ".join(f"{v:.2f}" for v in means)
            lines.append(f"| `{name}` | — | {cells} | {float(np.mean(means)):.2f} | — |")
    return lines


# (indicator, published figure, what it is): re-entries and orders that broke down
REENTRY_FIGURES = (
    ("started_reentry_pct", 12.0, "% of starts who were looked after before (DfE c.2010, PF 181)"),
    (
        "permanence_breakdowns_pct_of_started",
        1.8,
        "% of starts after an adoption, SGO or CAO (DfE 2024, PF 493)",
    ),
)


def reentry_table(results: Sequence[dict[str, Any]]) -> list[str]:
    """Re-entries and permanence breakdowns a year against the published shares of starts."""
    values: dict[str, list[float]] = defaultdict(list)
    for res in results:
        for _, name, v in res["yearly"]:
            values[name].append(v)
    started = float(np.mean(values["started"]))
    mean = {name: float(np.mean(v)) for name, v in values.items()}
    mean["permanence_breakdowns_pct_of_started"] = (
        100.0 * mean["permanence_breakdowns"] / started if started else float("nan")
    )
    lines = ["| measure | model (mean of the years) | figure | source |", "|---|---|---|---|"]
    for name, figure, source in REENTRY_FIGURES:
        lines.append(f"| `{name}` | {mean[name]:.2f} | {figure:g} | {source} |")
    for name in (
        "permanence_breakdowns",
        "permanence_breakdowns_adoption",
        "permanence_breakdowns_sgo",
        "permanence_breakdowns_cao",
        "returns_home_breakdown",
        "started",
    ):
        lines.append(f"| `{name}` a year | {mean[name]:.2f} | — | |")
    return lines


def _total(results: Sequence[dict[str, Any]], key: str) -> float:
    return float(sum(res["sums"].get(key, 0.0) for res in results))


def type_table(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| placement type | quality of placements made | quality at 31 March | SDQ at 31 March "
        "| SDQ change a year, same placement | fell 4+ | rose 4+ | child-years |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in TYPES:

        def mean(num: str, den: str, g: int = g) -> float:
            d = _total(results, f"{den}_{g}")
            return _total(results, f"{num}_{g}") / d if d else float("nan")

        n = _total(results, f"stay_n_{g}")
        lines.append(
            f"| {GROUP_NAMES[g]} | {mean('placed_quality', 'placed_n'):.3f} "
            f"| {mean('march_quality', 'march_n'):.3f} | {mean('march_sdq', 'march_n'):.1f} "
            f"| {mean('stay_change', 'stay_n'):+.2f} | {100 * mean('stay_fell', 'stay_n'):.0f}% "
            f"| {100 * mean('stay_rose', 'stay_n'):.0f}% | {n:,.0f} |"
        )
    return lines


def quality_move_table(results: Sequence[dict[str, Any]], reps: int, years: int) -> list[str]:
    total = sum(_total(results, f"quality_moves_{g}") for g in TYPES)
    lines = ["| quality moves from | a year | share of all |", "|---|---|---|"]
    for g in TYPES:
        n = _total(results, f"quality_moves_{g}")
        share = 100 * n / total if total else 0.0
        lines.append(f"| {GROUP_NAMES[g]} | {n / (reps * years):.2f} | {share:.0f}% |")
    kin = int(Group.KINSHIP)
    to = {g: _total(results, f"quality_move_{kin}_to_{int(g)}") for g in Group}
    left = sum(to.values())
    if left:
        where = ", ".join(f"{GROUP_NAMES[g]} {100 * v / left:.0f}%" for g, v in to.items() if v)
        lines.append("")
        lines.append(f"Children leaving kinship care on a quality move went to: {where}.")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Checks of needs and quality (issue 12).")
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fit-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    tasks = _tasks(args.reps, args.years, args.seed, args.fit_dir)
    results = run_many(tasks, jobs=args.jobs, fn=run_checks)
    where = args.fit_dir or "calibration/fitted"
    print(
        f"Baseline, england-average, {args.reps} replicates x {args.years} years, seed "
        f"{args.seed}, fit from {where}\n"
    )
    print("\n".join(sdq_table(results)), "\n")
    print("\n".join(reentry_table(results)), "\n")
    print("\n".join(type_table(results)), "\n")
    print("\n".join(quality_move_table(results, args.reps, args.years)))


if __name__ == "__main__":
    main()
