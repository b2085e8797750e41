"""The report in a real browser, and the ``report`` command.

Headless Chromium (Debian's ``chromium`` package) opens report.html: every image must have
loaded and decoded, and a screenshot must show text and the charts' colours (not a blank page).
The checks run on a test-only copy of the page with a small script added, because the report
itself carries no scripts. Without Chromium the browser tests are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from results import report
from results.charts import CHARTS

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "_synthetic_run", ROOT / "tests" / "unit" / "test_charts.py"
)
assert _spec and _spec.loader
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)

CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install -y chromium); "
    "the browser check of report.html needs it",
)
# Flags for a sealed, offline, root-safe headless run (no network, no profile, no GPU).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
PROBE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  document.body.setAttribute('data-probe', imgs.length + ':' + ok.length + ':' + wide);
});
</script>"""


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _fixture.synthetic_run(tmp_path_factory.mktemp("run"))
    return report.write_report(folder)


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def _probe(page: Path, tmp: Path, width: int) -> tuple[int, int, bool]:
    probe = tmp / f"probe-{width}.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    done = _chromium(
        tmp,
        "--virtual-time-budget=10000",
        f"--window-size={width},2000",
        "--dump-dom",
        probe.as_uri(),
    )
    found = re.search(r'data-probe="(\d+):(\d+):(true|false)"', done.stdout)
    assert found, f"no probe result from Chromium: {done.stderr[-2000:]}"
    return int(found.group(1)), int(found.group(2)), found.group(3) == "true"


@needs_chromium
def test_every_image_is_displayed_in_chromium(report_path: Path, tmp_path: Path) -> None:
    total, loaded, _ = _probe(report_path, tmp_path, 1200)
    assert total == len(CHARTS) and loaded == total


@needs_chromium
def test_report_fits_a_phone_screen(report_path: Path, tmp_path: Path) -> None:
    total, loaded, too_wide = _probe(report_path, tmp_path, 390)
    assert loaded == total and not too_wide  # no sideways scrolling at phone width


@needs_chromium
def test_screenshot_is_not_blank(report_path: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,2000",
        "--virtual-time-budget=10000",
        report_path.as_uri(),
    )
    assert shot.exists(), done.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1200)
    assert pixels.std() > 0.05  # a blank (one-colour) page has no variance
    assert (pixels.mean(axis=2) < 0.5).mean() > 0.005  # dark text is drawn
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert (saturation > 0.3).sum() > 2_000  # a chart's coloured lines or bars are showing
    assert np.isfinite(pixels).all()


def test_report_command_regenerates_and_rejects_a_non_run_folder(tmp_path: Path) -> None:
    folder = _fixture.trim_run(
        _fixture.synthetic_run(tmp_path / "run"), {"placements_3plus_pct", "long_term_stable_pct"}
    )
    ok = subprocess.run(
        [sys.executable, "run.py", "report", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Report:" in ok.stdout and (folder / "report.html").exists()
    assert (folder / "charts" / "stability.png").exists()
    bad = subprocess.run(
        [sys.executable, "run.py", "report", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    message = " ".join(bad.stderr.split())  # rich wraps long lines
    assert "is not a run folder: it has no manifest.json" in message
    assert "Traceback" not in message
