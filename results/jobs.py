"""The ``simulate`` command: one scenario, N years, R replicates, one run folder.

Everything the user can get wrong (scenario, area, options, output folder, executor) is checked
before the first replicate runs. Replicates run through :mod:`simulation.executor`; results are
written into an atomically-created run folder (:mod:`results.store`): ``timeseries.csv``,
``indicators.csv``, ``summary.csv``, ``manifest.json`` and, unless skipped, charts and
``report.html``. The helpers here are reused by ``compare`` and ``sensitivity``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from calibration.resolve import calibration_source
from calibration.run_params import RunSettings, manifest_entries, scenario_tasks
from results import store
from results.summary import summarise
from simulation.errors import CarepathsError
from simulation.executor import Task, check_executor, run_many
from simulation.scenario import Scenario, load_scenario


def note_stale(run: store.RunFolder, console: Console | None = None) -> None:
    """Tell the user about partial folders of interrupted runs found in the same --out."""
    note = run.stale_note()
    if note:
        (console or Console(stderr=True)).print(
            f"note: {note}", markup=False, highlight=False, soft_wrap=True
        )


def build_tasks(
    scenario: Scenario,
    area: str,
    years: int,
    reps: int,
    seed: int,
    settings: RunSettings | None = None,
) -> list[Task]:
    """One task per replicate, each with its own validated parameters (a calibrated ensemble
    gives each replicate its member; sampled assumptions its draw; costs in the price base:
    calibration.run_params); replicate ``r`` gets the same seed, member and draw in every
    scenario, so scenarios meet the same luck (common random numbers)."""
    return scenario_tasks(scenario, area, years, reps, seed, settings or RunSettings())[0]


def write_draws(run: store.RunFolder, draws: Sequence[tuple[str, Any]]) -> None:
    """``draws.csv``: every replicate's assumption draws (sampled runs only)."""
    from results.decision_outputs import DRAWS_HEADER, draw_rows

    rows = draw_rows(draws)
    if rows:
        store.write_csv(run.file("draws.csv"), DRAWS_HEADER, rows)


def run_with_progress(
    tasks: Sequence[Task],
    jobs: int,
    executor: str,
    scheduler: str | None,
    description: str = "replicates",
    fn: Callable[[Any], Any] | None = None,
) -> list[Any]:
    """:func:`run_many` with a rich progress bar on stderr (hidden when it is not a terminal)."""
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task_id = bar.add_task(description, total=len(tasks))
        kwargs = {"fn": fn} if fn is not None else {}
        return run_many(
            tasks,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            progress=lambda: bar.advance(task_id),
            **kwargs,
        )


def result_rows(
    tasks: Sequence[Task], results: Sequence[Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Flatten replicate results into timeseries and indicator rows tagged by scenario/rep."""
    timeseries: list[tuple[Any, ...]] = []
    indicators: list[tuple[Any, ...]] = []
    for task, result in zip(tasks, results, strict=True):
        timeseries += [(task.scenario, task.replicate, d, i, v) for d, i, v in result.timeseries]
        indicators += [(task.scenario, task.replicate, y, i, v) for y, i, v in result.indicators]
    return timeseries, indicators


def scenario_entries(
    scenarios: Sequence[Scenario], tasks: Sequence[Task], results: Sequence[Any]
) -> list[dict[str, Any]]:
    """Manifest entries for each scenario, from its tasks' parameter hashes and events."""
    entries = []
    for scenario in scenarios:
        pairs = [(t, r) for t, r in zip(tasks, results, strict=True) if t.scenario == scenario.name]
        entry = store.scenario_entry(
            scenario.name,
            scenario.files,
            [t.params.sha256() for t, _ in pairs],
            [r.events for _, r in pairs],
        )
        entry.update(
            title=scenario.title,
            description=scenario.description,
            levers=dict(scenario.levers),
            assumptions=dict(scenario.assumptions),
            evidence=dict(scenario.evidence),
        )
        entries.append(entry)
    return entries


def replicate_seeds(tasks: Sequence[Task]) -> list[dict[str, int]]:
    """Each replicate's own random seed, derived from the master seed and replicate number."""
    from simulation.model import replicate_seed

    seen = sorted({(t.seed, t.replicate) for t in tasks})
    return [{"replicate": r, "seed": replicate_seed(s, r)} for s, r in seen]


def write_tables(run: store.RunFolder, tasks: Sequence[Task], results: Sequence[Any]) -> None:
    """Write timeseries.csv, indicators.csv and summary.csv into the run folder."""
    timeseries, indicators = result_rows(tasks, results)
    store.write_timeseries(run.file("timeseries.csv"), timeseries)
    store.write_indicators(run.file("indicators.csv"), indicators)
    store.write_summary(run.file("summary.csv"), summarise(indicators))


def simulate(
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
    ssda903_out: bool = False,
    settings: RunSettings | None = None,
) -> Path:
    """Run one scenario and write its run folder; return the folder's final path.

    ``ssda903_out`` also writes each replicate's synthetic SSDA903 tables under
    ``ssda903/rep-<r>/<year>/`` (:mod:`results.ssda903_out`). ``settings``: sampled or
    central assumptions and the price year (default: sampled, the index's latest year)."""
    started = store.utc_now()
    out = store.out_folder(out)
    check_executor(executor, scheduler, jobs)
    settings = (settings or RunSettings()).checked()
    loaded = load_scenario(scenario)
    tasks, draws = scenario_tasks(loaded, area, years, reps, seed, settings)  # checks the area
    store.check_out_folder(out)  # writes nothing; --out is made with the run folder
    fn = None
    if ssda903_out:
        from results.ssda903_out import record_replicate as fn
    results = run_with_progress(tasks, jobs, executor, scheduler, f"simulate {loaded.name}", fn)
    ssda903 = None
    if ssda903_out:
        ssda903 = [tables for _, tables in results]
        results = [result for result, _ in results]
    with store.create_run(out, loaded.name) as run:
        write_tables(run, tasks, results)
        write_draws(run, [(loaded.name, d) for d in draws])
        if ssda903 is not None:
            from results.ssda903_out import write_run

            write_run(run.file("ssda903"), tasks, ssda903)
        manifest = store.build_manifest(
            argv=list(argv if argv is not None else sys.argv),
            command="simulate",
            scenarios=scenario_entries([loaded], tasks, results),
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
                "calibration_source": store.display_source(calibration_source(area)),
                **manifest_entries(settings, draws),
            },
        )
        store.write_manifest(run.file("manifest.json"), manifest)
        if report:
            write_report(run.path)
    note_stale(run)
    if run.final is None:  # pragma: no cover - create_run always sets it on success
        raise CarepathsError("the run folder was not published")
    return run.final


def write_report(run_dir: Path) -> Path:
    """Charts and report.html for a run folder: an error with a message if they cannot be
    made (a chart that fails, or a missing dependency), never a silent skip."""
    try:
        from results.report import write_report as draw
    except ModuleNotFoundError as exc:
        raise CarepathsError(
            f"cannot draw the charts and report.html: the package {exc.name!r} is not "
            "installed (reinstall carepaths as the README says); nothing was written, or run "
            "again with --no-report"
        ) from None
    return draw(run_dir)
