"""The pathway table of a scenario: how much of its effect flows through each mechanism of
issue 12 (needs, assessment, social-work continuity, supervision, permanence breakdown).

    python -m results.pathway_table social-work-staffing [foster-carer-support ...]
        --reps 100 --years 5 --jobs 2 [--batch 50] [--all-off] [--area england-average]
        [--assumptions central|sampled]

For each mechanism of ``simulation/pathways.py`` the baseline and the scenario are run with that
mechanism switched off (its effect sizes at "no effect"), in both alike and on the same
replicates (common random numbers), and the paired scenario-minus-baseline difference is
measured over the whole horizon (the mean of the years, as ``comparison.csv``'s ``all``). The
rows: every mechanism on (the scenario's effect), each one off, and with ``--all-off`` all of
them off (what the scenario does through the mechanisms it had before issue 12). "Through it"
is the effect with every mechanism on less the effect with that one off. The baseline runs are
shared by all the scenarios; a run whose parameters the switch leaves unchanged (supervision
off where nobody is supervised) is not run again: it is the all-on run (a run depends only on
its parameters, seed and replicate). ``--batch`` runs the replicates in batches and prints
the tables after each (on all the replicates so far). Prints markdown tables; writes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from results.compare import ALL_YEARS, comparison_rows
from simulation.executor import Task, run_many, run_task
from simulation.pathways import MECHANISMS, all_off

OUTCOMES = (
    ("unplanned_endings", "unplanned endings a year", "{:+.1f}"),
    ("sdq_mean", "sdq_mean", "{:+.3f}"),
    ("cost_total_gbp", "cost a year, GBP m", "{:+.3f}"),
)
CONFIGS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("all on", {}),
    *((f"{name} off", changes) for name, changes in MECHANISMS.items()),
)
ALL_OFF = ("all off", all_off())
SEP = "|"


def run_outcomes(task: Task) -> list[tuple[int, str, float]]:
    """One replicate's yearly values of the table's outcomes (less to ship back)."""
    wanted = {name for name, _, _ in OUTCOMES}
    return [r for r in run_task(task).indicators if r[1] in wanted]


def build(
    scenarios: Sequence[str],
    area: str,
    years: int,
    replicates: Sequence[int],
    seed: int,
    configs: Sequence[tuple[str, dict[str, Any]]] = CONFIGS,
    assumptions: str = "central",
) -> tuple[list[Task], dict[str, str]]:
    """The tasks to run, and for each label left out, the label whose run it equals. Each
    replicate's parameters are a run's (``calibration.run_params``: assumptions drawn or
    central, costs in the price base), then the mechanism switched off."""
    from calibration.run_params import RunSettings, replicate_params
    from simulation.scenario import load_scenario

    loaded = [load_scenario("baseline"), *(load_scenario(s) for s in scenarios)]
    settings = RunSettings(assumptions=assumptions)
    tasks, same = [], {}
    for scenario in loaded:
        for r in replicates:
            on, _ = replicate_params(scenario, area, r, seed, settings)
            for label, changes in configs:
                params = on.with_changes(changes)
                name = f"{scenario.name}{SEP}{label}"
                if label != "all on" and _same_run(params, on, label, scenario):
                    same[name] = f"{scenario.name}{SEP}all on"
                    continue
                tasks.append(Task(name, params, years, seed, r))
    return tasks, same


def _same_run(params: Any, on: Any, label: str, scenario: Any) -> bool:
    """Whether switching a mechanism off leaves the run as it is: no parameter changes, or
    supervision switched off where no worker is ever supervised."""
    if dict(params.values) == dict(on.values):
        return True
    dated = {d.path for d in scenario.dated}
    share = "workforce.supervision_share"
    return label == "supervision off" and on[share] == 0.0 and share not in dated


def expand(
    tasks: Sequence[Task], results: Sequence[Any], same: dict[str, str]
) -> tuple[list[Task], list[Any]]:
    """Add the runs left out (equal to another label's run) under their own label."""
    by_key = {(t.scenario, t.replicate): res for t, res in zip(tasks, results, strict=True)}
    out_t, out_r = list(tasks), list(results)
    for name, twin in same.items():
        for t in tasks:
            if t.scenario == twin:
                out_t.append(Task(name, t.params, t.years, t.seed, t.replicate))
                out_r.append(by_key[(twin, t.replicate)])
    return out_t, out_r


def effects(
    tasks: Sequence[Task], results: Sequence[Any], scenarios: Sequence[str]
) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """(scenario, config, indicator) -> (mean paired difference, p5, p95), whole horizon."""
    rows = [
        (t.scenario, t.replicate, y, i, v)
        for t, res in zip(tasks, results, strict=True)
        for y, i, v in res
    ]
    out: dict[tuple[str, str, str], tuple[float, float, float]] = {}
    for label in dict.fromkeys(t.scenario.split(SEP)[1] for t in tasks):
        base = f"baseline{SEP}{label}"
        names = [f"{s}{SEP}{label}" for s in scenarios]
        config_rows = [r for r in rows if r[0] == base or r[0] in names]
        for r in comparison_rows(config_rows, base, [base, *names]):
            if r[10] == ALL_YEARS:
                out[(r[0].split(SEP)[0], label, r[2])] = (r[6], r[7], r[8])
    return out


def table(scenario: str, eff: dict[tuple[str, str, str], tuple[float, float, float]]) -> str:
    def cell(indicator: str, label: str, fmt: str) -> str:
        d, p5, p95 = eff[(scenario, label, indicator)]
        scale = 1e-6 if indicator == "cost_total_gbp" else 1.0
        return f"{fmt.format(d * scale)} ({fmt.format(p5 * scale)} to {fmt.format(p95 * scale)})"

    head = "| mechanism switched off | " + " | ".join(
        f"{title}: effect (90% interval) | through it" for _, title, _ in OUTCOMES
    )
    lines = [head + " |", "|---" * (1 + 2 * len(OUTCOMES)) + "|"]
    for label in dict.fromkeys(label for (s, label, _) in eff if s == scenario):
        cells = []
        for indicator, _, fmt in OUTCOMES:
            cells.append(cell(indicator, label, fmt))
            if label == "all on":
                cells.append("—")
            else:
                through = (
                    eff[(scenario, "all on", indicator)][0] - eff[(scenario, label, indicator)][0]
                )
                scale = 1e-6 if indicator == "cost_total_gbp" else 1.0
                cells.append(fmt.format(through * scale))
        name = "none (the scenario's effect)" if label == "all on" else label
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Pathway tables of scenarios (issue 12).")
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=0, help="replicates a batch (0: all)")
    parser.add_argument("--all-off", action="store_true", help="add the all-off row")
    parser.add_argument("--area", default="england-average")
    parser.add_argument(
        "--assumptions", default="central", help="central (default) or sampled, as compare"
    )
    args = parser.parse_args(argv)
    configs = (*CONFIGS, ALL_OFF) if args.all_off else CONFIGS
    batch = args.batch or args.reps
    tasks: list[Task] = []
    results: list[Any] = []
    for start in range(0, args.reps, batch):
        reps = range(start, min(start + batch, args.reps))
        todo, same = build(
            args.scenarios, args.area, args.years, reps, args.seed, configs, args.assumptions
        )
        done, res = expand(todo, run_many(todo, jobs=args.jobs, fn=run_outcomes), same)
        tasks += done
        results += res
        eff = effects(tasks, results, args.scenarios)
        for scenario in args.scenarios:
            print(
                f"\n{scenario} against baseline, {args.area}, {reps.stop} replicates x "
                f"{args.years} years, seed {args.seed}, assumptions {args.assumptions} "
                f"(whole-horizon mean differences; "
                f"{len(todo)} runs in this batch)\n",
                flush=True,
            )
            print(table(scenario, eff), flush=True)


if __name__ == "__main__":
    main()
