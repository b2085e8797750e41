"""The ``sensitivity`` command: how much does the scenario's effect depend on each assumption?

One at a time, each ``assumption`` parameter is set to the low and then the high end of its
stated range, in the baseline and in the scenario alike (replacing any value the scenario file
sets), and the paired scenario-minus-baseline difference of the key outcomes is measured on the
same replicates as the central run. ``sensitivity.csv`` is tornado data:
``assumption,low,high,indicator,diff_at_low,diff_at_high`` (whole-horizon mean differences).
The run folder also holds the central comparison (``comparison.csv`` and the usual tables).
Every other assumption stays at its central value and costs are in the price base
(``price_year``, calibration.prices). ``--method morris|sobol`` is results.global_sensitivity.

Swung: numeric assumptions with a range whose ends differ. Not swung: the engine's switches
(``engine.*``), text choices and list-valued shares (no one-number low/high).
"""

from __future__ import annotations

import dataclasses
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from calibration.prices import uprate
from calibration.resolve import resolve_params
from calibration.run_params import RunSettings, manifest_entries
from results import store
from results.compare import ALL_YEARS, KEY_OUTCOMES, comparison_rows
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
from simulation.errors import CarepathsError
from simulation.executor import Task, check_executor, run_task
from simulation.params import SPEC, Parameters

SENSITIVITY_HEADER = ("assumption", "low", "high", "indicator", "diff_at_low", "diff_at_high")
SEP = "|"  # task label: "<scenario>|<assumption>=<low|high>"


def swung_assumptions(only: Sequence[str] | None = None) -> list[tuple[str, float, float]]:
    """(path, low, high) for every assumption that can be swung (or just those in ``only``)."""
    Parameters.defaults()  # make sure the built-in tree is registered
    out = []
    for path, spec in sorted(SPEC.items()):
        if only is not None and path not in only:
            continue
        if spec.kind != "assumption" or spec.range is None or path.startswith("engine."):
            continue
        if isinstance(spec.default, bool) or not isinstance(spec.default, int | float):
            continue
        low, high = spec.range
        if low != high:
            out.append((path, float(low), float(high)))
    if only is not None:
        missing = sorted(set(only) - {p for p, _, _ in out})
        if missing:
            raise CarepathsError(
                f"cannot swing {', '.join(missing)}: not a numeric assumption with a low/high range"
            )
    return out


def run_key_outcomes(task: Task) -> Any:
    """Run one replicate and keep only the key outcomes' yearly values (less to ship back)."""
    result = run_task(task)
    keep = [r for r in result.indicators if r[1] in KEY_OUTCOMES]
    return dataclasses.replace(result, timeseries=[], indicators=keep)


def _swing_tasks(
    scenarios: Sequence[Any],
    swings: Sequence[tuple[str, float, float]],
    area: str,
    years: int,
    reps: int,
    seed: int,
    price_year: int,
) -> list[Task]:
    tasks = []
    for path, low, high in swings:
        for end, value in (("low", low), ("high", high)):
            for scenario in scenarios:
                label = f"{scenario.name}{SEP}{path}={end}"
                for r in range(reps):
                    params = resolve_params(scenario, area, r).with_changes({path: value})
                    tasks.append(Task(label, uprate(params, price_year), years, seed, r))
    return tasks


def _mean_diffs(
    tasks: Sequence[Task],
    results: Sequence[Any],
    baseline: str,
    scenario: str,
) -> dict[tuple[str, str, str], float]:
    """(assumption, end, indicator) -> mean paired whole-horizon difference."""
    rows = [
        (t.scenario, t.replicate, y, i, v)
        for t, res in zip(tasks, results, strict=True)
        for y, i, v in res.indicators
    ]
    by_swing: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        _, swing = row[0].split(SEP, 1)
        by_swing[swing].append(row)
    out: dict[tuple[str, str, str], float] = {}
    for swing, swing_rows in by_swing.items():
        path, end = swing.rsplit("=", 1)
        base, scen = f"{baseline}{SEP}{swing}", f"{scenario}{SEP}{swing}"
        for r in comparison_rows(swing_rows, base, [base, scen]):
            if r[10] == ALL_YEARS:
                out[(path, end, r[2])] = r[6]
    return out


def sensitivity_rows(
    diffs: dict[tuple[str, str, str], float], swings: Sequence[tuple[str, float, float]]
) -> list[tuple[Any, ...]]:
    """Tornado rows: one per (assumption, indicator), sorted."""
    rows = []
    for path, low, high in swings:
        for indicator in sorted(KEY_OUTCOMES):
            lo, hi = diffs.get((path, "low", indicator)), diffs.get((path, "high", indicator))
            if lo is not None and hi is not None:
                rows.append((path, low, high, indicator, lo, hi))
    return rows


def sensitivity(
    scenario: str,
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
    assumptions: Sequence[str] | None = None,
    console: Console | None = None,
    price_year: int | None = None,
) -> Path:
    """Central comparison plus low/high swings of each assumption; write the run folder."""
    from calibration.areas import area_changes
    from calibration.resolve import calibration_source
    from results.compare import load_all

    started = store.utc_now()
    out = store.out_folder(out)
    check_executor(executor, scheduler, jobs)
    area_changes(area)
    loaded = load_all([baseline, scenario])
    swings = swung_assumptions(assumptions)
    settings = RunSettings("central", price_year).checked()
    assert settings.price_year is not None
    central = [t for s in loaded for t in build_tasks(s, area, years, reps, seed, settings)]
    swing = _swing_tasks(loaded, swings, area, years, reps, seed, settings.price_year)
    store.check_out_folder(out)  # writes nothing; --out is made with the run folder
    say = console or Console(stderr=True)
    total = (1 + 2 * len(swings)) * 2 * reps
    say.print(
        f"sensitivity: {len(swings)} assumptions x low/high x 2 scenarios x {reps} "
        f"replicates + the central pair = {total} runs",
        markup=False,
        highlight=False,
    )
    central_results = run_with_progress(central, jobs, executor, scheduler, "central pair")
    swing_results = run_with_progress(
        swing, jobs, executor, scheduler, "assumption swings", fn=run_key_outcomes
    )
    diffs = _mean_diffs(swing, swing_results, loaded[0].name, loaded[1].name)
    rows = sensitivity_rows(diffs, swings)
    indicators = [
        (t.scenario, t.replicate, y, i, v)
        for t, res in zip(central, central_results, strict=True)
        for y, i, v in res.indicators
    ]
    comparison = comparison_rows(indicators, loaded[0].name, [s.name for s in loaded])
    with store.create_run(out, f"sensitivity-{loaded[1].name}") as run:
        write_tables(run, central, central_results)
        write_comparison_csv(run.file("comparison.csv"), comparison)
        store.write_csv(run.file("sensitivity.csv"), SENSITIVITY_HEADER, rows)
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
                "assumptions_swung": [{"path": p, "low": lo, "high": hi} for p, lo, hi in swings],
                **manifest_entries(settings, []),
                "sensitivity": {"method": "oat", "runs": total},
            },
        )
        store.write_manifest(run.file("manifest.json"), manifest)
        if report:
            write_report(run.path)
    note_stale(run, console)
    if run.final is None:  # pragma: no cover - create_run always sets it on success
        raise CarepathsError("the run folder was not published")
    return run.final
