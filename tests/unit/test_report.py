"""report.html: self-contained, plain-English findings with intervals, levers with evidence."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
from pathlib import Path

import pytest

from results import report, store
from results.charts import CHARTS, load_run
from results.report import findings, page
from results.report.manifest import enriched_manifest
from simulation.errors import CarepathsError

_spec = importlib.util.spec_from_file_location(
    "_synthetic_run", Path(__file__).with_name("test_charts.py")
)
assert _spec and _spec.loader
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)
synthetic_run = _fixture.synthetic_run
trim_run = _fixture.trim_run


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = synthetic_run(tmp_path_factory.mktemp("run"))
    path = report.write_report(folder)
    return folder, path.read_text(encoding="utf-8")


def test_report_and_every_chart_are_written(written: tuple[Path, str]) -> None:
    folder, _ = written
    assert (folder / "report.html").exists()
    for spec in CHARTS:
        assert (folder / "charts" / f"{spec.name}.png").stat().st_size > 20_000
        assert (folder / "charts" / f"{spec.name}.svg").exists()


def test_report_is_self_contained(written: tuple[Path, str]) -> None:
    _, page = written
    lowered = page.lower()
    for banned in ("<script", "<link", "@import", "url(", 'src="http', "src='http", "<iframe"):
        assert banned not in lowered, banned
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == len(CHARTS)
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert '<meta name="viewport"' in page and "@media print" in page


def test_key_finding_reads_as_a_sentence_with_interval_and_cost(written: tuple[Path, str]) -> None:
    _, page = written
    match = re.search(
        r"<b>Enhanced carer support</b> compared with the baseline: ([\d.]+) fewer unplanned "
        r"placement endings a year \(90% interval ([\d.]+) to ([\d.]+) fewer\); "
        r"(net cost|net saving|no clear difference in net cost:) £[\d.,]+[km]? a year",
        page,
    )
    assert match, page[:3000]
    n, a, b = (float(match.group(i)) for i in (1, 2, 3))
    assert a <= n <= b and 5 < n < 20  # the fixture's effect: about 10 fewer a year


def test_what_was_run_says_it_in_words(written: tuple[Path, str]) -> None:
    _, page = written
    assert "We compared Enhanced carer support with the baseline" in page
    assert "for 5 years in the area <b>england-average</b>" in page
    assert "calibration: england-2024.toml" in page


def test_levers_table_shows_evidence_kind_and_notes(written: tuple[Path, str]) -> None:
    _, page = written
    lever_row = re.search(
        r"<tr[^>]*><td><code>carers\.support_share</code></td><td>0\.4 from "
        r"2025-04-01</td>.*?</tr>",
        page,
    )
    assert lever_row and "lever (set by the council)" in lever_row.group(0)
    assumption = re.search(
        r"<tr class=\"kind-assumption\"><td><code>carers\.support_"
        r"deregistration_ratio</code>.*?</tr>",
        page,
    )
    assert assumption and "range 0.18 to 1.0" in assumption.group(0)
    assert "Mockingbird evaluation" in assumption.group(0)
    # an effect size the lever relies on, not changed by the scenario, is listed too
    assert "<code>carers.support_disruption_ratio</code>" in page


def test_caveats_flag_few_replicates_and_sources_are_listed(written: tuple[Path, str]) -> None:
    _, page = written
    assert "Only 3 replicates were run" in page
    assert "Children looked after in England" in page


def test_charts_without_inputs_are_skipped_and_named(tmp_path: Path) -> None:
    folder = trim_run(
        synthetic_run(tmp_path / "bare"),
        {"cla_31_march", "placements_3plus_pct", "long_term_stable_pct", "sw_changes_3plus_pct"},
    )
    page = report.write_report(folder).read_text(encoding="utf-8")
    assert page.count("<img ") == 1 and 'id="chart-stability"' in page
    assert "Charts not drawn for this run" in page and "no comparison.csv" in page
    assert not (folder / "charts" / "comparison.png").exists()
    assert "On 31 March 2029, 7" in page  # the picture of the final year instead
    assert "England 2024: 68%" in page


def test_regenerate_rejects_what_is_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(CarepathsError, match="is not a folder"):
        report.regenerate(tmp_path / "missing")
    with pytest.raises(CarepathsError, match=r"not a run folder: it has no manifest\.json"):
        report.regenerate(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CarepathsError, match="cannot be read as JSON"):
        report.regenerate(tmp_path)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CarepathsError, match="nothing to report"):
        report.regenerate(tmp_path)


def test_regenerate_rewrites_the_report(tmp_path: Path) -> None:
    folder = trim_run(synthetic_run(tmp_path / "run"), {"long_term_stable_pct"})
    path = report.regenerate(folder)
    assert path == folder / "report.html" and 'id="chart-stability"' in path.read_text()


def test_whole_horizon_totals_are_turned_into_a_year(tmp_path: Path) -> None:
    folder = synthetic_run(tmp_path / "run", sensitivity=False, fit=False)
    run = load_run(folder)
    row = next(
        r for r in run.comparison if r["indicator"] == "unplanned_endings" and r["year"] == "all"
    )
    assert findings.per_year(run, row) == 1.0  # the fixture's 'all' row is a yearly mean
    yearly = [
        float(r["diff_mean"])
        for r in run.comparison
        if r["indicator"] == "unplanned_endings" and r["year"] != "all"
    ]
    total = dict(row, diff_mean=str(sum(yearly)))
    assert findings.per_year(run, total) == 5.0


def test_interval_that_crosses_zero_is_said_plainly(tmp_path: Path) -> None:
    folder = synthetic_run(tmp_path / "run", sensitivity=False, fit=False)
    run = load_run(folder)
    row = {
        "scenario": "x",
        "indicator": "cla_residential",
        "unit": "children",
        "diff_mean": "-2",
        "diff_p5": "-5",
        "diff_p95": "1.5",
    }
    text = findings.difference_sentence(run, row, "children in children's homes")
    assert text == (
        "2.0 fewer children in children's homes on average over the run (90% "
        "interval from 5.0 fewer to 1.5 more, so no change is within the range)"
    )


def test_levers_come_from_the_scenario_file_when_the_manifest_lacks_them(tmp_path: Path) -> None:
    folder = synthetic_run(tmp_path / "run", comparison=False, sensitivity=False, fit=False)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenarios"] = [{"name": "baseline", "files": []}]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    enriched = enriched_manifest(folder)
    assert enriched["scenarios"][0].get("title")  # read from scenarios/baseline.toml


def test_a_calibration_folder_reports_the_fit(tmp_path: Path) -> None:
    folder = trim_run(synthetic_run(tmp_path / "cal"), set())
    (folder / "summary.csv").unlink()
    _fixture._write(
        folder / "england-average-2024.fit.csv",
        [
            "target",
            "year",
            "unit",
            "observed",
            "simulated_mean",
            "simulated_p5",
            "simulated_p95",
            "rel_error",
            "tolerance",
            "within",
        ],
        _fixture._fit_rows(),
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(command="calibrate", scenarios=[])
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = report.regenerate(folder).read_text(encoding="utf-8")
    assert page.count("<img ") == 1 and 'id="chart-calibration"' in page
    assert "meets 5 of 6 targets within tolerance; it misses % long-term stable (2024)" in page
    assert "We fitted the model" in page


def test_a_scenario_title_is_text_not_markup(tmp_path: Path) -> None:
    folder = trim_run(synthetic_run(tmp_path / "run"), {"long_term_stable_pct"})
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenarios"][1]["title"] = "<script>alert('x')</script> & <b>more</b>"
    manifest["scenarios"][1]["description"] = "<img src=x onerror=alert(1)>"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = report.write_report(folder).read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page and "<b>more" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_report_and_charts_are_byte_identical_and_0644(tmp_path: Path) -> None:
    folders = [trim_run(synthetic_run(tmp_path / n), {"long_term_stable_pct"}) for n in ("a", "b")]
    for folder in folders:
        report.write_report(folder)
    a, b = (
        {p.relative_to(f): p.read_bytes() for p in f.rglob("*") if p.is_file()} for f in folders
    )
    assert a == b and Path("charts/stability.svg") in a
    mode = (folders[0] / "report.html").stat().st_mode & 0o777
    assert mode == (folders[0] / "summary.csv").stat().st_mode & 0o777 == store.file_mode()
    page = re.sub(r"base64,[^\"]+", "", a[Path("report.html")].decode())
    assert "UTC" not in page and "2026-11-27" not in page  # no time of writing, no finish time
    assert "--jobs" not in page and "--out" not in page.split("<footer>")[1].split("</code>")[0]


def test_the_footer_command_leaves_out_where_and_how_it_ran() -> None:
    line = "/home/me/carepaths/run.py compare baseline x --jobs 2 --out /home/me/r --executor=dask"
    assert page.reproduce_command({"command_line": line}) == "python run.py compare baseline x"


def test_a_chart_that_fails_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from results import charts

    folder = trim_run(synthetic_run(tmp_path / "run"), {"long_term_stable_pct"})

    def broken(run: object) -> None:
        raise ValueError("'xerr' must not contain negative values")

    monkeypatch.setattr(report, "CHARTS", (charts.ChartSpec("stability", broken, "c"),))
    with pytest.raises(report.ReportError, match=r"chart 'stability' cannot be drawn.*xerr"):
        report.write_report(folder)
    assert not (folder / "report.html").exists()


def test_a_missing_dependency_is_an_error_not_a_skipped_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from results import jobs

    for name in [
        m for m in sys.modules if m == "results.report" or m.startswith("results.report.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # as if it were not installed
    with pytest.raises(CarepathsError, match="'jinja2' is not installed"):
        jobs.write_report(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_mean_sdq_difference_is_told_in_hundredths_of_a_point(tmp_path: Path) -> None:
    folder = synthetic_run(tmp_path / "run", sensitivity=False, fit=False)
    run = load_run(folder)
    row = {
        "scenario": "x",
        "indicator": "sdq_mean",
        "unit": "SDQ score 0-40",
        "diff_mean": "-0.064",
        "diff_p5": "-0.11",
        "diff_p95": "-0.02",
    }
    phrase = dict(findings.FINDINGS)["sdq_mean"]
    assert findings.difference_sentence(run, row, phrase) == (
        "0.06 points fewer in the mean SDQ score of children aged 5-16 in care a year or more "
        "on average over the run (90% interval 0.02 points to 0.11 points fewer)"
    )
    order = [ind for ind, _ in findings.FINDINGS]  # children's outcomes before placements
    assert order.index("sdq_mean") < order.index("placement_moves")
    assert order.index("permanence_breakdowns") < order.index("cla_residential")
