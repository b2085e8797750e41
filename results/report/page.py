"""The HTML page: a jinja2 template with autoescaping, filled from the report's plain words.

Every value reaches the page through the template and is escaped there (a scenario titled
``<script>`` is shown as text); the only markup is the template's own. The page holds no time,
date or path of the machine it was made on, so identical runs give byte-identical pages
whichever executor or number of processes ran them: the footer's command leaves out the options
that only say where and how the run was executed (:data:`EXECUTION_OPTIONS`).
"""

from __future__ import annotations

import base64
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from results.charts import RunData
from results.report import findings
from results.report.levers import LeverRow, lever_rows

TEMPLATES = Path(__file__).with_name("templates")
EXECUTION_OPTIONS = ("--out", "--jobs", "--executor", "--scheduler")
HEADINGS = {
    "compare": "Scenario comparison",
    "calibrate": "Calibration report",
    "sensitivity": "Sensitivity analysis",
}


@dataclass
class Chart:
    """A chart drawn for the report (``png`` set) or not drawn (``reason`` set)."""

    name: str
    caption: str
    title: str = ""
    png: Path | None = None
    reason: str = ""

    @property
    def data(self) -> str:
        """The PNG as base64, for a data URI (the page fetches nothing)."""
        assert self.png is not None
        return base64.b64encode(self.png.read_bytes()).decode("ascii")


@dataclass(frozen=True)
class LeverBlock:
    """A scenario's levers table; ``rows`` None when the run does not record them."""

    name: str
    rows: list[LeverRow] | None


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def reproduce_command(manifest: dict[str, Any]) -> str:
    """The command line that made the run, without where and how it was executed."""
    line = manifest.get("command_line")
    if not isinstance(line, str) or not line:
        return f"python run.py {manifest.get('command', '')}".strip()
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    kept: list[str] = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if i == 0:
            kept.append(Path(word).name)  # 'run.py' however the user spelt its path
            continue
        option = word.split("=", 1)[0]
        if option in EXECUTION_OPTIONS:
            skip = "=" not in word
            continue
        kept.append(word)
    return "python " + shlex.join(kept)


def _levers(run: RunData) -> list[LeverBlock]:
    blocks = []
    for entry in run.manifest.get("scenarios", []):
        recorded = "levers" in entry or "assumptions" in entry
        rows = lever_rows(entry) if recorded else None
        blocks.append(LeverBlock(run.title(entry.get("name", "")), rows))
    return blocks


def render(run: RunData, charts: list[Chart]) -> str:
    """The complete HTML page (one string, no external resources)."""
    m = run.manifest
    names = [run.title(s) for s in run.scenarios]
    heading = HEADINGS.get(m.get("command", ""), "Simulation")
    groups = [
        (f"The picture under {names[0] if names else 'the model'}", findings.picture_findings(run)),
        ("What the result depends on", findings.sensitivity_findings(run)),
        ("Calibration", findings.calibration_findings(run)),
    ]
    hashes = [
        f"{s.get('name')}: {str(s.get('parameters_sha256', ''))[:12]}"
        for s in m.get("scenarios", [])
        if s.get("parameters_sha256")
    ]
    comparisons = findings.comparison_findings(run)
    from results.decision_report import decision_blocks, mode_sentence

    decisions = decision_blocks(run.folder, m, run.titles)
    price = (m.get("price_base") or {}).get("text", "")
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            title=f"{heading}: {', '.join(names)}" if names else heading,
            run=findings.what_was_run(run),
            comparisons=comparisons,
            groups=groups,
            has_findings=bool(comparisons) or any(items for _, items in groups),
            charts=charts,
            skipped=[c for c in charts if c.png is None],
            levers=_levers(run),
            caveats=findings.caveats(run),
            command=reproduce_command(m),
            hashes=hashes,
            decisions=decisions,
            uncertainty=mode_sentence(m),
            price_base=price,
        )
    )
