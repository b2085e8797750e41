"""The decision summary in report.html: first on the page, readable on desktop and phone.

A synthetic compare run folder (tests/unit/test_charts.py) marked as sampled, with an
evppi.csv, is rendered; the page order is checked in the HTML, and headless Chromium lays the
page out at desktop (1200 px) and phone (390 px) width: the summary is drawn above the first
chart and nothing scrolls sideways. Headless Chromium will not make a window narrower than
500 px, so the page is laid out in an iframe of the wanted width, which reports back by
postMessage.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from results import report

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_charts = _load("_synthetic_run_for_decision", ROOT / "tests" / "unit" / "test_charts.py")
_browser = _load("_browser_for_decision", ROOT / "tests" / "cli" / "test_report_browser.py")

EVPPI = (
    "scenario,baseline,assumption,evppi_gbp,share_of_evpi,evpi_gbp,outcome,"
    "value_per_outcome_gbp,replicates,p_value\n"
    "foster-carer-support,baseline,carers.support_deregistration_ratio,52000,0.4,130000,"
    "unplanned_endings,0,200,0.001\n"
    "foster-carer-support,baseline,wellbeing.start,9000,0.07,130000,unplanned_endings,0,200,1\n"
)
PROBE = """<script>
window.addEventListener('load', function () {
  var d = document.getElementById('decision-summary').getBoundingClientRect();
  var f = document.querySelector('figure').getBoundingClientRect();
  var wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  parent.postMessage([d.top < f.top, d.right <= window.innerWidth, wide,
    Math.round(d.height), window.innerWidth].join(':'), '*');
});
</script>"""
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" width="{width}" height="2000" style="border:0"></iframe>
<script>window.addEventListener('message', function (e) {{
  document.body.setAttribute('data-probe', e.data); }});</script></body></html>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _charts.synthetic_run(tmp_path_factory.mktemp("run"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(
        baseline="baseline",
        assumptions={"mode": "sampled"},
        price_base={"price_year": 2024, "text": "2024 prices"},
    )
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "evppi.csv").write_text(EVPPI)
    return report.write_report(folder)


def test_the_decision_summary_comes_before_the_findings_and_the_charts(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    summary = html.index('id="decision-summary"')
    assert summary < html.index("<h2>What was run</h2>") < html.index("<h2>Key findings</h2>")
    assert summary < html.index("<figure")
    block = html[summary : html.index("</section>")]
    assert "Enhanced carer support compared with the baseline" in block
    assert "discounted at 3.5%" in block and "2024 prices" in block
    assert "carers.support_deregistration_ratio" in block  # above the noise floor
    assert "wellbeing.start" in block and "within the noise floor" in block  # p = 1
    assert "randomised trial in England" in block  # the study that would settle it
    assert "each replicate drew each assumption" in block
    # a sign never ends a line on a phone: it is joined to its amount
    assert "\u2212\u2060" in block and not re.search("[\u2212+][£0-9]", block)


def test_signs_are_joined_to_their_amounts() -> None:
    from results.decision_report import keep_signs

    assert keep_signs("\u2212£1.1m to +£3.0m, 2024-25") == (
        "\u2212\u2060£1.1m to +\u2060£3.0m, 2024-25"
    )


@_browser.needs_chromium
@pytest.mark.parametrize("width", [1200, 390])
def test_the_summary_is_drawn_first_and_fits_the_screen(
    page: Path, tmp_path: Path, width: int
) -> None:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(src=probe.name, width=width))
    done = _browser._chromium(
        tmp_path,
        "--virtual-time-budget=10000",
        f"--window-size={max(width, 500) + 20},2100",
        "--dump-dom",
        frame.as_uri(),
    )
    found = re.search(
        r'data-probe="(true|false):(true|false):(true|false):(\d+):(\d+)"', done.stdout
    )
    assert found, done.stderr[-2000:]
    above, inside, too_wide, height, laid_out = found.groups()
    assert int(laid_out) == width  # really laid out at this width
    assert above == "true" and inside == "true" and too_wide == "false"
    assert int(height) > 300  # the summary has its sentences and table, not an empty box
