"""The adoption pathway's flow in the baseline: is the starting pool placed at the pace the
model's own entrants fill it (issue 11's stable baseline)?

    python -m calibration.adoption_flow [--reps 20] [--years 5] [--seed 1]

Prints, a year, placements for adoption and adoptions of the starting population and of
entrants, and the mean days placed before the order for the children placed at the start, those
of the starting population placed later, and entrants. A consistent start gives flat totals.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from simulation.agents import YEAR_DAYS, Group
from simulation.rules.entry import ENTRANT_ID_BASE


def flows(reps: int, years: int, seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, list]]:
    """(placements, adoptions) by [starting 0 / entrant 1, year], summed over replicates, and
    the days placed before the order by kind of child."""
    from calibration.resolve import resolve_params
    from simulation.model import CareSystem
    from simulation.scenario import load_scenario

    scenario = load_scenario("baseline")
    adoption = int(Group.ADOPTION)
    placed, adopted = np.zeros((2, years)), np.zeros((2, years))
    days: dict[str, list[float]] = defaultdict(list)
    for r in range(reps):
        model = CareSystem(resolve_params(scenario, "england-average", r), seed, r, keep_log=True)
        model.run_years(years)
        since: dict[int, float] = {}
        assert model.log is not None
        for event in model.log:
            day, kind, cid = event[0], event[1], event[2]
            who = 0 if cid < ENTRANT_ID_BASE else 1
            year = min(int(day // YEAR_DAYS), years - 1)
            if kind == "place" and event[3] == adoption:
                if day > 0:
                    placed[who, year] += 1
                since[cid] = day
            elif kind == "exit" and event[3] == "adopted":
                adopted[who, year] += 1
                if cid in since:
                    key = (
                        "entrants"
                        if who
                        else (
                            "placed at the start" if since[cid] == 0 else "starting, placed later"
                        )
                    )
                    days[key].append(day - since[cid])
        model.teardown()
    return placed, adopted, days


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The adoption pathway's flow in the baseline.")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    placed, adopted, days = flows(args.reps, args.years, args.seed)
    n = args.reps
    head = " | ".join(f"year {y + 1}" for y in range(args.years))
    print(f"Baseline, england-average, {n} replicates, seed {args.seed}: a year\n")
    print(f"| flow | {head} |\n" + "|---" * (args.years + 1) + "|")
    for name, arr in (("placed for adoption", placed), ("adopted", adopted)):
        for who, label in ((0, "starting population"), (1, "entrants")):
            print(f"| {name}, {label} | " + " | ".join(f"{v / n:.1f}" for v in arr[who]) + " |")
        print(f"| {name}, all | " + " | ".join(f"{v / n:.1f}" for v in arr.sum(0)) + " |")
    print("\n| adopted children | a replicate | mean days placed before the order |\n|---|---|---|")
    for key, values in days.items():
        print(f"| {key} | {len(values) / n:.1f} | {np.mean(values):.0f} |")


if __name__ == "__main__":
    main()
