"""``report.html``: one self-contained page a director could forward as it is.

The page says what was run in words, gives the key findings as plain sentences with numbers and
90% intervals, shows the charts (PNG embedded as data URIs: nothing is fetched from anywhere, no
scripts, no web fonts), lists each lever with the assumptions behind it and their evidence kind,
the data sources and the caveats. It reads on a phone (fluid layout) and prints on A4.

One module a job: :mod:`.findings` (the words), :mod:`.levers` (the levers table),
:mod:`.manifest` (each scenario's details), :mod:`.page` (the jinja2 template, autoescaped).
:func:`write_report` draws the charts and writes the page; :func:`regenerate` is the ``report``
command and first proves the folder is a complete, unaltered run (:mod:`results.run_folder`).
"""

from __future__ import annotations

from pathlib import Path

from results import store
from results.charts import CHARTS, NoData, RunData, load_run, save
from results.report.manifest import enriched_manifest
from results.report.page import Chart, render
from results.run_folder import check_run_folder
from simulation.errors import CarepathsError

__all__ = ["Chart", "ReportError", "draw_charts", "regenerate", "render", "write_report"]


class ReportError(CarepathsError):
    """A chart or page that cannot be made from a run folder."""


def regenerate(run_dir: Path) -> Path:
    """The ``report`` command: check the run folder, then redraw its charts and report.html."""
    check_run_folder(Path(run_dir))
    return write_report(run_dir)


def write_report(run_dir: Path) -> Path:
    """Draw the charts (PNG + SVG under ``charts/``) and write ``report.html``; return its path.

    Charts whose inputs the folder lacks are listed in the report as not drawn, with the
    reason; a chart that fails is an error (:class:`ReportError`), never dropped.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir, manifest=enriched_manifest(run_dir))
    charts = draw_charts(run, run_dir / "charts")
    return store.write_text_atomic(run_dir / "report.html", render(run, charts))


def draw_charts(run: RunData, folder: Path) -> list[Chart]:
    """Draw every chart the run has inputs for; raise ReportError naming a chart that fails."""
    from results.gsa_charts import GSA_CHARTS

    out = []
    for spec in (*CHARTS, *GSA_CHARTS):
        chart = Chart(spec.name, spec.caption)
        try:
            fig = spec.make(run)
        except NoData as exc:
            chart.reason = str(exc)
        except Exception as exc:
            raise ReportError(
                f"chart {spec.name!r} cannot be drawn from {run.folder} "
                f"({type(exc).__name__}: {exc}); no report was written"
            ) from exc
        else:
            chart.title = fig.get_suptitle() or spec.name
            chart.png = save(fig, folder, spec.name)[0]
        out.append(chart)
    return out
