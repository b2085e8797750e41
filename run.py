"""carepaths command line: parse, call the packages, print where the output went.

    python run.py simulate [SCENARIO] --years 5 --reps 20 --seed 1 --area england-average
    python run.py compare baseline foster-carer-support --years 5 --reps 100 --seed 1
    python run.py sensitivity foster-carer-support --method morris
    python run.py levers
    python run.py calibrate --area england-average --year 2024 [--out results/fits]
    python run.py areas
    python run.py backtest --la all --from 2018 [--to 2024]
    python run.py scenarios
    python run.py report RUN_DIR

Every user error (bad scenario, bad option, unwritable folder) is one message and exit code 2,
checked before anything is written. Messages and user text (scenario titles, paths) are printed
as they are, never read as console markup: a message about ``[levers]`` keeps its ``[levers]``.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write("error: interrupted before the command started; nothing was written\n")
    raise SystemExit(2)


if __name__ == "__main__":  # a Ctrl-C or SIGTERM while the imports below load is one line too
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    signal.signal(signal.SIGTERM, _interrupted_while_starting)

import typer  # noqa: E402  (after the handlers above)
from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Simulate children's social care and compare commissioning scenarios.",
)
console = Console()
err_console = Console(stderr=True)

Years = Annotated[int, typer.Option(min=1, max=50, help="Years to simulate.")]
Reps = Annotated[int, typer.Option(min=1, max=10_000, help="Replicates (paired across scenarios).")]
SEED_MAX = 2**63 - 1  # replicate seeds are derived modulo 2**63: a larger seed would repeat one
Seed = Annotated[int, typer.Option(min=0, max=SEED_MAX, help="Master random seed.")]
Area = Annotated[
    str,
    typer.Option(
        help="Area: england-average, england, an authority (leeds, 383, la-383 or la-383-2024; "
        "its latest fit when no year is given) or a fit file. List them: python run.py areas."
    ),
]
Out = Annotated[str, typer.Option(help="Folder under which the run folder is written.")]
Jobs = Annotated[int, typer.Option(min=0, help="Worker processes (0 = all cores).")]
Executor = Annotated[str, typer.Option(help="'local' (processes) or 'dask'.")]
Scheduler = Annotated[str | None, typer.Option(help="Dask scheduler address (dask only).")]
NoReport = Annotated[bool, typer.Option("--no-report", help="Skip charts and report.html.")]
Assumptions = Annotated[
    str,
    typer.Option(
        help="'sampled': each replicate draws every assumption from its range (paired across "
        "scenarios); 'central': every assumption at its central value."
    ),
]
PriceYear = Annotated[
    int | None,
    typer.Option(
        help="Price base: the year all costs are stated in (default: latest in the index)."
    ),
]


def _settings(assumptions: str, price_year: int | None):
    from calibration.run_params import RunSettings

    return RunSettings(assumptions, price_year)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _done(label: str, path: object) -> None:
    """'Run folder: <path>' with the path in bold and printed as it is (never as markup)."""
    console.print(f"{label}: [bold]{escape(str(path))}[/]", highlight=False, soft_wrap=True)


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # clean up like Ctrl-C: no half-written run folder


@app.callback()
def _before_any_command() -> None:
    # While a command imports the engine (seconds), an interrupt is one line and exit 2.
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    signal.signal(signal.SIGTERM, _interrupted_while_starting)


def _guard(fn, *args, **kwargs):
    """Run a command; turn our own errors into one clear message and exit code 2."""
    from simulation.errors import CarepathsError

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return fn(*args, **kwargs)
    except CarepathsError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted; no complete run folder was written")


@app.command()
def simulate(
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML path.")] = "baseline",
    years: Years = 5,
    reps: Reps = 20,
    seed: Seed = 1,
    area: Area = "england-average",
    out: Out = "results/runs",
    jobs: Jobs = 0,
    executor: Executor = "local",
    scheduler: Scheduler = None,
    no_report: NoReport = False,
    ssda903_out: Annotated[
        bool,
        typer.Option(
            "--ssda903-out",
            help="Also write each replicate's synthetic SSDA903 tables (ssda903/rep-<r>/<year>/).",
        ),
    ] = False,
    assumptions: Assumptions = "sampled",
    price_year: PriceYear = None,
) -> None:
    """Run one scenario for N years and R replicates; write a run folder."""
    from results.jobs import simulate as run_simulate

    folder = _guard(
        run_simulate,
        scenario=scenario,
        years=years,
        reps=reps,
        seed=seed,
        area=area,
        out=out,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        report=not no_report,
        argv=sys.argv,
        ssda903_out=ssda903_out,
        settings=_settings(assumptions, price_year),
    )
    _done("Run folder", folder)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="Baseline first, then scenarios.")],
    years: Years = 5,
    reps: Reps = 100,
    seed: Seed = 1,
    area: Area = "england-average",
    out: Out = "results/runs",
    jobs: Jobs = 0,
    executor: Executor = "local",
    scheduler: Scheduler = None,
    no_report: NoReport = False,
    assumptions: Assumptions = "sampled",
    price_year: PriceYear = None,
    outcome: Annotated[
        str, typer.Option(help="Outcome for the cost per outcome avoided and the net benefit.")
    ] = "unplanned_endings",
    value_per_outcome: Annotated[
        float,
        typer.Option(help="GBP put on each outcome avoided in the net benefit (0: money alone)."),
    ] = 0.0,
) -> None:
    """Paired comparison of scenarios against the first (the baseline)."""
    from results.compare import compare as run_compare

    folder = _guard(
        run_compare,
        scenarios=scenarios,
        years=years,
        reps=reps,
        seed=seed,
        area=area,
        out=out,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        report=not no_report,
        argv=sys.argv,
        console=console,
        settings=_settings(assumptions, price_year),
        outcome=outcome,
        value_per_outcome=value_per_outcome,
    )
    _done("Run folder", folder)


@app.command()
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Scenario to test against the baseline.")],
    years: Years = 5,
    reps: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=10_000,
            help="Replicates per design point (default: 20 for oat, 2 for morris and sobol, "
            "whose design points share their replicates).",
        ),
    ] = None,
    seed: Seed = 1,
    area: Area = "england-average",
    out: Out = "results/runs",
    jobs: Jobs = 0,
    executor: Executor = "local",
    scheduler: Scheduler = None,
    no_report: NoReport = False,
    method: Annotated[
        str,
        typer.Option(
            help="'morris' (screen every assumption), 'sobol' (first-order and total indices "
            "for a few) or 'oat' (one at a time: the tornado)."
        ),
    ] = "morris",
    only: Annotated[
        str, typer.Option(help="'scenario': vary only the scenario file's own assumptions.")
    ] = "all",
    assumption: Annotated[
        list[str] | None,
        typer.Option(help="An assumption to vary (repeat for several); default: see --method."),
    ] = None,
    trajectories: Annotated[int, typer.Option(min=2, help="Morris trajectories.")] = 10,
    base: Annotated[int, typer.Option(min=8, help="Sobol base samples (a power of two).")] = 64,
    price_year: PriceYear = None,
) -> None:
    """How the scenario's difference from the baseline depends on each assumption."""
    common = dict(
        scenario=scenario,
        years=years,
        reps=reps or (20 if method == "oat" else 2),
        seed=seed,
        area=area,
        out=out,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        report=not no_report,
        argv=sys.argv,
        console=err_console,
        price_year=price_year,
    )
    if method == "oat":
        from results.sensitivity import sensitivity as run_oat

        if only == "scenario" and not assumption:
            from simulation.scenario import load_scenario

            loaded = _guard(load_scenario, scenario)
            assumption = list(loaded.assumptions) if loaded is not None else None
        folder = _guard(run_oat, **common, assumptions=assumption)
    else:
        from results.global_sensitivity import global_sensitivity

        folder = _guard(
            global_sensitivity,
            **common,
            method=method,
            only=only,
            assumptions=assumption,
            trajectories=trajectories,
            base=base,
        )
    _done("Run folder", folder)


@app.command()
def levers(
    kind: Annotated[
        str | None, typer.Option(help="'lever' or 'assumption' (default: both).")
    ] = None,
) -> None:
    """Every lever and assumption: unit, default, range, kind and source."""
    from rich.table import Table
    from rich.text import Text

    from results.parameter_list import parameter_rows

    if kind not in (None, "lever", "assumption"):
        _fail(f"--kind {kind!r} is not allowed; use 'lever' or 'assumption'")
    table = Table(show_lines=True)
    table.add_column("parameter", overflow="fold", min_width=20)  # a path is never cut
    for name in ("kind", "unit", "default", "range", "source"):
        table.add_column(name, overflow="fold")
    for row in _guard(parameter_rows, kind) or []:
        table.add_row(
            *(Text(v) for v in (row.path, row.kind, row.unit, row.default, row.range, row.source))
        )
    console.print(table)


@app.command()
def calibrate(
    area: Annotated[
        str | None, typer.Option(help="Area to fit (england-average, england).")
    ] = None,
    la: Annotated[str | None, typer.Option(help="DfE 3-digit local authority code.")] = None,
    year: Annotated[int, typer.Option(help="DfE year (ending 31 March) to fit.")] = 2024,
    budget: Annotated[int | None, typer.Option(help="Simulation budget (runs).")] = None,
    seed: Seed = 1,
    holdout_years: Annotated[
        str | None, typer.Option(help="Years to check after the fit, e.g. 2020-2024 or 2017,2018.")
    ] = None,
    jobs: Jobs = 0,
    executor: Executor = "local",
    scheduler: Scheduler = None,
    no_report: NoReport = False,
    out: Annotated[
        str | None,  # text, so that an empty --out is refused rather than read as "."
        typer.Option(help="Folder for the fit files (default: results/fits)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a committed fit in calibration/fitted.")
    ] = False,
    ssda903: Annotated[
        Path | None,
        typer.Option(help="Fit an area to a council's own SSDA903 files (a folder of CSVs)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="With --ssda903: the start date, YYYY-MM-DD.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="With --ssda903: the area's name (la-<name>-<year>).")
    ] = None,
    population: Annotated[
        float | None,
        typer.Option(min=100, help="With --ssda903: children aged 0-17 in the area."),
    ] = None,
) -> None:
    """Fit hazard scales to official statistics; write <out>/<area>-<year>.toml, .fit.csv."""
    if ssda903 is not None:
        from calibration.ssda903.calibrate import calibrate_ssda903

        if area or la:
            _fail("give --ssda903 or --area/--la, not both")
        fitted = _guard(
            calibrate_ssda903,
            ssda903,
            start=start,
            name=name,
            population=population,
            seed=seed,
            say=console.print,
            **({"out_dir": Path(out)} if out else {}),
        )
        console.print(f"Fit written: [bold]{fitted}[/]")
        return
    if start or name or population:
        _fail("--start, --name and --population go with --ssda903")
    from calibration.fit import calibrate as run_calibrate

    path = _guard(
        run_calibrate,
        area=area,
        la=la,
        year=year,
        budget=budget,
        seed=seed,
        holdout_years=holdout_years,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        report=not no_report,
        console=console,
        out=out,
        force=force,
    )
    console.print(f"Fit written: [bold]{path}[/]", highlight=False)
    if path is not None and "calibration/fitted" not in str(path):
        console.print(f"Run from it with: python run.py simulate --area {path}", highlight=False)


@app.command()
def backtest(
    la: Annotated[str, typer.Option(help="Authority (code or name) or 'all'.")] = "all",
    from_year: Annotated[
        int, typer.Option("--from", help="Origin: forecast with data up to this year only.")
    ] = 2018,
    to_year: Annotated[
        int | None, typer.Option("--to", help="Last year to score (default: the latest with data).")
    ] = None,
    seed: Seed = 1,
    out: Out = "results/runs",
    jobs: Jobs = 0,
    executor: Executor = "local",
    scheduler: Scheduler = None,
) -> None:
    """Forecast each authority from one year's data; score later years against published
    stock, starts and ceased, beside carry-forward and a Markov mean-field."""
    from calibration.backtest import backtest as run_backtest

    folder, summary, notes = _guard(  # pyright: ignore[reportGeneralTypeIssues]
        run_backtest,
        la=la,
        origin=from_year,
        last=to_year,
        seed=seed,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        out=out,
        progress=_progress_bar("back-testing authorities"),
    )
    _print_backtest(summary, notes, from_year)
    console.print(f"Run folder: [bold]{folder}[/]", highlight=False)


def _progress_bar(description: str):
    """A factory for a progress callback on stderr (hidden when it is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    def start(total: int):
        bar = Progress(
            description,
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        )
        bar.start()
        task = bar.add_task(description, total=total)

        def tick() -> None:
            bar.advance(task)
            if bar.finished:
                bar.stop()

        return tick

    return start


def _print_backtest(summary: list[dict], notes: list[str], origin: int) -> None:
    from rich.table import Table

    for measure in ("stock", "started", "ceased"):
        table = Table(
            "group",
            "horizon",
            "year",
            "n",
            "model",
            "carry-fwd",
            "Markov",
            "beats c-f",
            "90% band",
            title=f"Back-test from {origin}: {measure}, median (mean) absolute % error",
        )
        for r in (r for r in summary if r["measure"] == measure and r["group"] != "250 or more"):
            table.add_row(
                r["group"],
                str(r["horizon"]),
                str(r["year"]),
                str(r["authorities"]),
                f"{r['model_mdape']:.1f} ({r['model_mape']:.1f})",
                f"{r['carry_forward_mdape']:.1f} ({r['carry_forward_mape']:.1f})",
                f"{r['markov_mdape']:.1f} ({r['markov_mape']:.1f})",
                f"{r['model_beats_carry_forward']} of {r['authorities']}",
                f"{r['coverage_90']:.0f}%",
            )
        console.print(table)
    for note in notes:
        console.print(f"Note: {note}", highlight=False)


@app.command()
def areas() -> None:
    """List every local authority: DfE code, name, years of data and fitted years."""
    from rich.table import Table

    from calibration.areas import AREAS, list_areas

    rows = _guard(list_areas) or []
    table = Table("area", "code", "name", "data", "fitted", title="Areas for --area")
    for name in AREAS:
        table.add_row(
            name,
            "",
            "England" if name == "england" else "England, 100,000 children",
            "2010-2024",
            "",
        )
    held = 0
    for r in rows:
        held += r.held_back
        years = f"{r.first_year}-{r.last_year}" + (" *" if r.held_back else "")
        table.add_row(r.area, r.code, r.name, years, ", ".join(map(str, r.fitted)))
    console.print(table)
    console.print(
        f"{len(rows)} local authorities. * {held} have data only to 2018: their rows after 2018 "
        "are held back by the data's publisher for an independent test of forecasts.",
        highlight=False,
    )


@app.command()
def scenarios() -> None:
    """List the scenario files with their titles."""
    from rich.table import Table
    from rich.text import Text

    from results.store import display_path
    from simulation.scenario import list_scenarios

    table = Table("scenario", "title", "file")
    for name, title, path in _guard(list_scenarios) or []:
        table.add_row(Text(name), Text(title), Text(display_path(path)))
    console.print(table)


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(help="A run folder.")]) -> None:
    """Regenerate charts and report.html from a run folder."""
    from results.report import regenerate

    path = _guard(regenerate, run_dir)
    _done("Report", path)


if __name__ == "__main__":
    app()
