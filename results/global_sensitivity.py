"""``sensitivity SCENARIO --method morris|sobol``: global sensitivity of the scenario's effect.

The design (results.gsa) sets the assumptions of every design point; each point runs the
baseline and the scenario on the same replicates (seeds, replicate numbers, calibrated members)
as every other point. The run folder holds the central comparison (``comparison.csv`` and the
usual tables, assumptions at their central values), ``sensitivity.csv`` in long form
(``method,assumption,indicator,index,value,conf``) and the manifest records the design, the
assumptions screened and those left out (and why), the run count and the time.

Which assumptions: ``--only scenario`` takes the scenario file's own ``[assumptions]``; an
explicit list takes those; otherwise Morris screens every sampled assumption except those that
act only through a lever that is off in both scenarios (results.gsa.LEVER_GATES), and Sobol
takes the scenario file's own assumptions (Sobol is for the few that matter).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from calibration.assumptions import sampled_paths
from calibration.prices import uprate
from calibration.run_params import RunSettings, manifest_entries
from results import gsa, store
from results.compare import KEY_OUTCOMES, comparison_rows, load_all
from results.compare import write_comparison as write_comparison_csv
from results.jobs import (
    build_tasks,
    note_stale,
    replicate_seeds,
    run_with_progress,
    scenario_entries,
    write_report,
    write_tables,
)
from results.sensitivity import run_key_outcomes
from simulation.errors import CarepathsError
from simulation.executor import Task, check_executor
from simulation.params import Parameters

SEP = "|"  # task label: "<scenario>|<design point>"
ONLY = ("all", "scenario")


def choose_assumptions(
    method: str,
    scenario: Any,
    central: Sequence[Parameters],
    only: str = "all",
    assumptions: Sequence[str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """(paths in the design, {path: reason} left out) for ``method`` on ``scenario``."""
    if only not in ONLY:
        raise CarepathsError(f"--only {only!r} is not allowed; use 'all' or 'scenario'")
    sampled, held = sampled_paths()
    if assumptions:
        unknown = [p for p in assumptions if p not in sampled]
        if unknown:
            raise CarepathsError(
                f"cannot vary {', '.join(unknown)}: not a sampled assumption "
                "(see 'python run.py levers')"
            )
        return list(dict.fromkeys(assumptions)), {}
    if only == "scenario" or method == "sobol":
        own = [p for p in scenario.assumptions if p in sampled]
        if not own:
            raise CarepathsError(
                f"scenario {scenario.name!r} states no assumptions of its own; name them with "
                "--assumption PATH"
            )
        return own, {}
    keep, dropped = gsa.relevant_assumptions(sampled, central)
    dropped.update({p: f"held central: {why}" for p, why in held.items()})
    return keep, dropped


def design_for(method: str, paths: Sequence[str], seed: int, trajectories: int, base: int):
    if method == "morris":
        return gsa.morris_design(paths, trajectories, seed=seed)
    if method == "sobol":
        return gsa.sobol_design(paths, base, seed=seed)
    raise CarepathsError(f"--method {method!r} has no design; use morris or sobol")


def design_tasks(
    design: gsa.Design,
    loaded: Sequence[Any],
    area: str,
    years: int,
    reps: int,
    seed: int,
    price_year: int,
) -> list[Task]:
    """Every (design point, scenario, replicate) as a task; replicate r is the same in all.
    The point's values are set in each cost's own price period, then uprated."""
    from calibration.resolve import resolve_params

    central = {s.name: [resolve_params(s, area, r) for r in range(reps)] for s in loaded}
    tasks = []
    for j in range(design.points):
        for scenario in loaded:
            for r, params in enumerate(central[scenario.name]):
                changed = params.with_changes(gsa.point_changes(design, params, j))
                label = f"{scenario.name}{SEP}{j}"
                tasks.append(Task(label, uprate(changed, price_year), years, seed, r))
    return tasks


def _point_rows(tasks: Sequence[Task], results: Sequence[Any]) -> list[tuple[Any, ...]]:
    rows = []
    for task, result in zip(tasks, results, strict=True):
        name, point = task.scenario.rsplit(SEP, 1)
        rows += [(int(point), name, task.replicate, y, i, v) for y, i, v in result.indicators]
    return rows


def global_sensitivity(
    scenario: str,
    method: str,
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
    baseline: str = "baseline",
    only: str = "all",
    assumptions: Sequence[str] | None = None,
    trajectories: int = gsa.DEFAULT_TRAJECTORIES,
    base: int = gsa.DEFAULT_SOBOL_BASE,
    console: Console | None = None,
    price_year: int | None = None,
) -> Path:
    """Run the design on paired replicates; write the run folder; return its path."""
    from calibration.areas import area_changes
    from calibration.resolve import calibration_source, resolve_params

    started = store.utc_now()
    out = store.out_folder(out)
    gsa.check_method(method)
    workers = check_executor(executor, scheduler, jobs)
    settings = RunSettings("central", price_year).checked()
    assert settings.price_year is not None
    area_changes(area)
    loaded = load_all([baseline, scenario])
    central_params = [resolve_params(s, area, 0) for s in loaded]
    paths, left_out = choose_assumptions(method, loaded[1], central_params, only, assumptions)
    design = design_for(method, paths, seed, trajectories, base)
    runs = gsa.run_count(design, reps) + 2 * reps
    population = float(central_params[0]["area.population_0_17"])
    estimate = gsa.estimate_seconds(runs, years, population, workers)
    say = console or Console(stderr=True)
    say.print(
        f"sensitivity --method {method}: {len(paths)} assumptions, {design.points} design "
        f"points x 2 scenarios x {reps} replicates + the central pair = {runs:,} runs; "
        f"about {estimate / 60:.0f} min on {workers} worker(s) (estimate)",
        highlight=False,
        markup=False,
    )
    central = [t for s in loaded for t in build_tasks(s, area, years, reps, seed, settings)]
    tasks = design_tasks(design, loaded, area, years, reps, seed, settings.price_year)
    store.check_out_folder(out)  # writes nothing; --out is made with the run folder
    clock = time.perf_counter()
    central_results = run_with_progress(central, jobs, executor, scheduler, "central pair")
    per_run = sum(r.wall_seconds for r in central_results) / len(central_results)
    say.print(
        f"the central pair's runs took {per_run:.2f} s each: the design's {len(tasks):,} "
        f"runs should take about {per_run * len(tasks) / workers / 60:.0f} min",
        highlight=False,
        markup=False,
    )
    results = run_with_progress(
        tasks, jobs, executor, scheduler, f"{method} design", fn=run_key_outcomes
    )
    wall = time.perf_counter() - clock
    outputs = gsa.point_differences(
        _point_rows(tasks, results), loaded[0].name, loaded[1].name, design.points
    )
    rows = gsa.analyse(design, {k: v for k, v in outputs.items() if k in KEY_OUTCOMES}, seed)
    indicators = [
        (t.scenario, t.replicate, y, i, v)
        for t, res in zip(central, central_results, strict=True)
        for y, i, v in res.indicators
    ]
    comparison = comparison_rows(indicators, loaded[0].name, [s.name for s in loaded])
    with store.create_run(out, f"sensitivity-{method}-{loaded[1].name}") as run:
        write_tables(run, central, central_results)
        write_comparison_csv(run.file("comparison.csv"), comparison)
        store.write_csv(run.file("sensitivity.csv"), gsa.GSA_HEADER, rows)
        manifest = store.build_manifest(
            argv=list(argv if argv is not None else sys.argv),
            command="sensitivity",
            scenarios=scenario_entries(loaded, central, central_results),
            area=area,
            years=years,
            replicates=reps,
            seed=seed,
            replicate_seeds=replicate_seeds(central),
            started=started,
            finished=store.utc_now(),
            executor=executor,
            jobs=jobs,
            extra={
                "baseline": loaded[0].name,
                "calibration_source": store.display_source(calibration_source(area)),
                **manifest_entries(settings, []),
                "sensitivity": {
                    "method": method,
                    "design": dict(design.settings),
                    "design_points": design.points,
                    "assumptions": list(paths),
                    "left_out": dict(sorted(left_out.items())),
                    "runs": runs,
                    "estimated_seconds": round(estimate, 1),
                    "run_seconds": round(wall, 1),
                    "factor_space": "quantiles of each assumption's beta-PERT distribution",
                },
            },
        )
        store.write_manifest(run.file("manifest.json"), manifest)
        if report:
            write_report(run.path)
    note_stale(run, console)
    if run.final is None:  # pragma: no cover - create_run always sets it on success
        raise CarepathsError("the run folder was not published")
    return run.final
