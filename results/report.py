"""``report.html``: one self-contained page a director could forward as it is.

The page says what was run in words, gives the key findings as plain sentences with numbers and
90% intervals, shows the charts (PNG embedded as data URIs: nothing is fetched from anywhere, no
scripts, no web fonts), lists each lever with the assumptions behind it and their evidence kind,
the data sources and the caveats. It reads on a phone (fluid layout) and prints on A4.

:func:`write_report` draws whichever charts the run folder has inputs for; :func:`regenerate`
is the ``report`` command and first checks that the folder is a run folder.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results.charts import (
    CHARTS,
    ENGLAND_REFERENCE,
    OUTCOME_LABELS,
    TORNADO_OUTCOMES,
    NoData,
    RunData,
    calibration_name,
    fmt,
    load_run,
    save,
    year_label,
)
from simulation.errors import CarepathsError
from simulation.indicator_names import FLOW_INDICATORS

RUN_FILES = ("summary.csv", "timeseries.csv", "indicators.csv", "comparison.csv", "sensitivity.csv")
# Outcomes in the order findings are told; (phrase, "fewer" word, "more" word).
FINDINGS: tuple[tuple[str, str], ...] = (
    ("unplanned_endings", "unplanned placement endings"),
    ("placement_moves", "placement moves"),
    ("cla_foster_agency", "children in agency foster care"),
    ("cla_residential", "children in children's homes"),
    ("cla_31_march", "children in care"),
    ("ceased_returned_home", "children returning home"),
    ("reentries_within_12m", "children re-entering care within 12 months"),
    ("carer_households", "foster carer households"),
    ("placements_3plus_pct", "children with 3 or more placements in a year"),
    ("long_term_stable_pct", "children in long-term stable placements"),
)
DATA_SOURCES: tuple[str, ...] = (
    "Department for Education, <i>Children looked after in England including adoptions</i> "
    "(SSDA903 returns), 2024 and earlier releases: stock, starts, exits, placements, "
    "stability measures.",
    "Ofsted, <i>Fostering in England</i>: foster carer households, approvals, deregistrations "
    "and places.",
    "Department for Education, <i>Children's social work workforce</i>: social worker FTE, "
    "caseloads, turnover and agency share.",
    "Published unit costs of placements and staff, and the evaluations of each lever "
    "summarised in the project's lever evidence table (LEVERS.md, lever_evidence.csv).",
)
KIND_WORDS = {
    "published": "published figure",
    "calibrated": "calibrated to official statistics",
    "assumption": "assumption (no England effect size; tested over a range)",
    "lever": "lever (set by the council)",
}


@dataclass
class Chart:
    """A chart drawn for the report (``png`` set) or skipped (``reason`` set)."""

    name: str
    caption: str
    title: str = ""
    png: Path | None = None
    reason: str = ""


# ---------------------------------------------------------------------------- public API


def regenerate(run_dir: Path) -> Path:
    """The ``report`` command: redraw charts and report.html of an existing run folder."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise CarepathsError(
            f"{run_dir} is not a folder; give the path of a run folder "
            "(made by simulate, compare, sensitivity or calibrate)"
        )
    manifest = run_dir / "manifest.json"
    if not manifest.exists():
        raise CarepathsError(
            f"{run_dir} is not a run folder: it has no manifest.json (run "
            "folders are made by simulate, compare, sensitivity or calibrate)"
        )
    try:
        json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CarepathsError(
            f"{manifest} cannot be read as JSON ({exc}); the run folder is "
            "damaged, so run the command again"
        ) from None
    has_data = any((run_dir / f).exists() for f in RUN_FILES) or any(run_dir.rglob("*.fit.csv"))
    if not has_data:
        raise CarepathsError(
            f"{run_dir} has a manifest but none of {', '.join(RUN_FILES)} or a "
            "*.fit.csv; nothing to report"
        )
    return write_report(run_dir)


def write_report(run_dir: Path) -> Path:
    """Draw the charts (PNG + SVG under ``charts/``) and write ``report.html``; return its path.

    Charts whose inputs the folder lacks are skipped and listed in the report.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir, manifest=enriched_manifest(run_dir))
    charts = draw_charts(run, run_dir / "charts")
    page = render(run, charts)
    return _write_atomic(run_dir / "report.html", page)


def draw_charts(run: RunData, folder: Path) -> list[Chart]:
    """Draw every chart the run has inputs for; a failing chart is reported, not fatal."""
    out = []
    for spec in CHARTS:
        chart = Chart(spec.name, spec.caption)
        try:
            fig = spec.make(run)
        except NoData as exc:
            chart.reason = str(exc)
        except Exception as exc:  # a broken chart must not lose a finished run
            warnings.warn(f"chart {spec.name} failed: {exc!r}", RuntimeWarning, stacklevel=2)
            chart.reason = f"could not be drawn ({type(exc).__name__}: {exc})"
        else:
            chart.title = fig.get_suptitle() or spec.name
            chart.png = save(fig, folder, spec.name)[0]
        out.append(chart)
    return out


# ---------------------------------------------------------------------------- manifest


def enriched_manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest with each scenario's title, levers, assumptions and evidence filled in.

    They come from ``scenarios.json`` in the run folder if present, else from the manifest,
    else from the scenario file the manifest names (or the scenario of that name).
    """
    path = run_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    extra = _scenarios_json(run_dir)
    entries = []
    for entry in manifest.get("scenarios", []):
        entry = dict(entry) if isinstance(entry, dict) else {"name": str(entry)}
        entry.update(
            {k: v for k, v in extra.get(entry.get("name", ""), {}).items() if k not in entry}
        )
        if "title" not in entry or "levers" not in entry:
            for k, v in _scenario_file_details(entry).items():
                entry.setdefault(k, v)
        entries.append(entry)
    manifest["scenarios"] = entries
    return manifest


def _scenarios_json(run_dir: Path) -> dict[str, dict[str, Any]]:
    path = run_dir / "scenarios.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    if isinstance(data, list):
        return {d["name"]: d for d in data if isinstance(d, dict) and "name" in d}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def _scenario_file_details(entry: dict[str, Any]) -> dict[str, Any]:
    try:
        from simulation.scenario import load_scenario
    except ImportError:
        return {}
    files = entry.get("files") or []
    first = files[0].get("path") if files and isinstance(files[0], dict) else None
    for ref in (first, entry.get("name")):
        if not ref:
            continue
        try:
            sc = load_scenario(str(ref))
        except (CarepathsError, OSError, ValueError):
            continue
        return {
            "title": sc.title,
            "description": sc.description,
            "levers": dict(sc.levers),
            "assumptions": dict(sc.assumptions),
            "evidence": dict(sc.evidence),
        }
    return {}


# ---------------------------------------------------------------------------- words


def what_was_run(run: RunData) -> str:
    """One paragraph saying, in words, what was run."""
    m = run.manifest
    names = [run.title(s) for s in run.scenarios]
    command = m.get("command", "run")
    reps, years, area = m.get("replicates", "?"), m.get("years", "?"), m.get("area", "?")
    if command == "compare" and len(names) > 1:
        what = (
            f"We compared {_join(names[1:])} with the baseline ({names[0]}), running each "
            f"on the same {reps} sets of random numbers so that differences come from the "
            "levers, not from luck"
        )
    elif command == "calibrate":
        what = "We fitted the model's uncertain rates to official statistics"
    elif command == "sensitivity" and names:
        what = (
            f"We tested how much the result of {_join(names[1:] or names)} depends on "
            f"each assumption, moving one at a time to its low and high values, on {reps} "
            "paired replicates"
        )
    else:
        what = f"We simulated {_join(names) or 'the model'} with {reps} replicates"
    desc = [
        f"{run.title(s['name'])}: {s['description']}"
        for s in m.get("scenarios", [])
        if isinstance(s, dict) and s.get("description")
    ]
    text = (
        f"{what}, for {years} years in the area <b>{html.escape(str(area))}</b> (master seed "
        f"{m.get('seed', '?')}). Model version {m.get('tool_version') or m.get('version', '?')}"
        f"; calibration: {html.escape(calibration_name(m))}."
    )
    if m.get("finished_utc") or m.get("wall_seconds"):
        text += (
            f" Finished {html.escape(str(m.get('finished_utc', '')))} after "
            f"{float(m.get('wall_seconds', 0)):.0f} seconds."
        )
    if desc:
        text += " " + " ".join(html.escape(d if d.endswith(".") else d + ".") for d in desc)
    return text


def _join(items: list[str]) -> str:
    items = [html.escape(i) for i in items]
    return (
        items[0]
        if len(items) == 1
        else ", ".join(items[:-1]) + " and " + items[-1]
        if items
        else ""
    )


def _per_year(run: RunData, row: dict[str, str]) -> float:
    """Divide a whole-horizon flow by this to get 'a year' (1 if it is already a yearly mean).

    comparison.csv's ``all`` row is checked against its yearly rows: if it matches their sum,
    it is a total over the horizon; if their mean, already a yearly value.
    """
    yearly = [
        float(r["diff_mean"])
        for r in run.comparison
        if r["scenario"] == row["scenario"]
        and r["indicator"] == row["indicator"]
        and r.get("year", "all") != "all"
    ]
    if len(yearly) < 2:
        return 1.0
    total = float(row["diff_mean"])
    return (
        float(len(yearly))
        if abs(total - sum(yearly)) < abs(total - sum(yearly) / len(yearly))
        else 1.0
    )


def _amount(v: float, unit: str) -> str:
    return f"{abs(v):.1f} percentage points" if unit == "percent" else fmt(abs(v), unit)


def _interval_words(lo: float, hi: float, unit: str, more: str, fewer: str) -> str:
    """'90% interval 4 to 20 fewer' or 'from 3 fewer to 5 more: no change is possible'."""
    if lo >= 0 or hi <= 0:
        a, b = sorted((abs(lo), abs(hi)))
        word = more if lo >= 0 and hi > 0 else fewer
        if a == b == 0:
            return "the same in every replicate"
        return f"90% interval {_amount(a, unit)} to {_amount(b, unit)} {word}"
    return (
        f"90% interval from {_amount(lo, unit)} {fewer} to {_amount(hi, unit)} {more}, "
        "so no change is within the range"
    )


def difference_sentence(run: RunData, row: dict[str, str], phrase: str) -> str:
    """'12 fewer unplanned placement endings a year (90% interval 4 to 20 fewer)'."""
    ind, unit = row["indicator"], row.get("unit", "")
    div = _per_year(run, row) if ind in FLOW_INDICATORS else 1.0
    d, lo, hi = (float(row[c]) / div for c in ("diff_mean", "diff_p5", "diff_p95"))
    when = "a year" if ind in FLOW_INDICATORS else "on average over the run"
    if d == lo == hi == 0:
        return f"no difference in {phrase}"
    word = "more" if d >= 0 else "fewer"
    return (
        f"{_amount(d, unit)} {word} {phrase} {when} "
        f"({_interval_words(lo, hi, unit, 'more', 'fewer')})"
    )


def cost_sentence(run: RunData, row: dict[str, str]) -> str:
    """'net cost £1.2m a year (90% interval £0.8m to £1.6m more)' or 'net saving ...'."""
    div = _per_year(run, row)
    d, lo, hi = (float(row[c]) / div for c in ("diff_mean", "diff_p5", "diff_p95"))
    word = "net cost" if d >= 0 else "net saving"
    return (
        f"{word} {fmt(abs(d), 'GBP')} a year "
        f"({_interval_words(lo, hi, 'GBP', 'more spent', 'saved')})"
    )


def comparison_findings(run: RunData) -> list[str]:
    """Per scenario compared with the baseline: a headline sentence (the first outcome and the
    net cost) and a nested list of the other outcomes."""
    rows = {
        (r["scenario"], r["indicator"]): r for r in run.comparison if r.get("year", "all") == "all"
    }
    out = []
    for s in dict.fromkeys(sc for sc, _ in rows):
        parts = [
            difference_sentence(run, rows[(s, ind)], phrase)
            for ind, phrase in FINDINGS
            if (s, ind) in rows
        ]
        head = parts[:1]
        if (s, "cost_total_gbp") in rows:
            head.append(cost_sentence(run, rows[(s, "cost_total_gbp")]))
        if not head:
            continue
        text = (
            f"<b>{html.escape(run.title(s))}</b> compared with the baseline: "
            + "; ".join(html.escape(p) for p in head)
            + "."
        )
        if len(parts) > 1:
            text += _list([html.escape(p[0].upper() + p[1:] + ".") for p in parts[1:]])
        out.append(text)
    return out


def picture_findings(run: RunData) -> list[str]:
    """Sentences on the first scenario's final year: children in care, flows, stability, cost."""
    if not run.scenarios:
        return []
    s = run.scenarios[0]

    def last(ind: str) -> tuple[int, float, float, float] | None:
        b = run.summary.get((s, ind))
        return (
            None if b is None or not len(b.x) else (int(b.x[-1]), b.mean[-1], b.p5[-1], b.p95[-1])
        )

    out = []
    cla = last("cla_31_march")
    if cla:
        y, m, lo, hi = cla
        text = (
            f"On 31 March {y}, {fmt(m)} children are in care under "
            f"{run.title(s)} (90% interval {fmt(lo)} to {fmt(hi)})"
        )
        shares = [
            (lab, last(ind))
            for ind, lab in (
                ("cla_foster_agency", "agency foster care"),
                ("cla_residential", "children's homes"),
            )
        ]
        bits = [f"{v[1] / m:.0%} in {lab}" for lab, v in shares if v and m > 0]
        out.append(text + (", " + " and ".join(bits) if bits else "") + ".")
    started, ceased = last("started"), last("ceased")
    if started and ceased:
        out.append(
            f"In {year_label(started[0])}, {fmt(started[1])} children enter care "
            f"(90% interval {fmt(started[2])} to {fmt(started[3])}) and {fmt(ceased[1])}"
            f" leave (90% interval {fmt(ceased[2])} to {fmt(ceased[3])})."
        )
    stab = [
        (ind, lab, last(ind))
        for ind, lab in (
            ("placements_3plus_pct", "had 3 or more placements in the year"),
            ("long_term_stable_pct", "were in long-term stable placements"),
            ("sw_changes_3plus_pct", "had 3 or more social workers in the year"),
        )
    ]
    bits = [
        f"{v[1]:.1f}% {lab} (England 2024: {ENGLAND_REFERENCE[ind]:.0f}%)"
        for ind, lab, v in stab
        if v
    ]
    if bits:
        out.append(f"In the final year, {'; '.join(bits)}.")
    cost = last("cost_total_gbp")
    if cost:
        out.append(
            f"Total spend in {year_label(cost[0])}: {fmt(cost[1], 'GBP')} (90% interval "
            f"{fmt(cost[2], 'GBP')} to {fmt(cost[3], 'GBP')})."
        )
    return [html.escape(t) for t in out]


def calibration_findings(run: RunData) -> list[str]:
    """How many calibration targets the fit meets, naming those it misses."""
    out = []
    for name, rows in run.fits:
        ok = [r for r in rows if str(r.get("within", "")).lower() in ("true", "1", "yes")]
        missed = [
            f"{OUTCOME_LABELS.get(r['target'], r['target']).lower()} ({r['year']})"
            for r in rows
            if r not in ok
        ]
        text = f"The fit ({name}) meets {len(ok)} of {len(rows)} targets within tolerance"
        text += f"; it misses {', '.join(missed)}." if missed else "."
        out.append(html.escape(text))
    return out


def sensitivity_findings(run: RunData) -> list[str]:
    """The assumption that moves each outcome's difference the most."""
    best: dict[str, dict[str, str]] = {}
    shown = [r for r in run.sensitivity if r["indicator"] in TORNADO_OUTCOMES[:3]]
    for r in shown or run.sensitivity[:1]:
        swing = abs(float(r["diff_at_high"]) - float(r["diff_at_low"]))
        cur = best.get(r["indicator"])
        if cur is None or swing > abs(float(cur["diff_at_high"]) - float(cur["diff_at_low"])):
            best[r["indicator"]] = r
    return [
        html.escape(
            f"For {OUTCOME_LABELS.get(ind, ind).lower()}, the result depends most on the "
            f"assumption {r['assumption']}: the scenario's difference from the baseline is "
            f"{fmt(float(r['diff_at_low']), _unit(ind), True)} at its low value ({r['low']}) and "
            f"{fmt(float(r['diff_at_high']), _unit(ind), True)} at its high value ({r['high']})."
        )
        for ind, r in best.items()
    ]


def _unit(indicator: str) -> str:
    from simulation.indicator_names import unit_of

    return unit_of(indicator)


# ---------------------------------------------------------------------------- levers


def _spec(path: str) -> Any:
    try:
        from simulation import params
    except ImportError:  # pragma: no cover - the package is always installed with results
        return None
    params._ensure_loaded()
    return params.SPEC.get(path)


def _value_text(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        return f"{value['value']} from {value.get('from', '?')}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(_value_text(v) for v in value)
    return str(value)


def _related(path: str) -> list[str]:
    """Effect-size parameters a lever relies on: same section and first word of the name."""
    from simulation import params

    params._ensure_loaded()
    section, _, leaf = path.partition(".")
    stem = f"{section}.{leaf.split('_')[0]}_"
    return [
        p
        for p, sp in params.SPEC.items()
        if p.startswith(stem) and p != path and sp.kind in ("assumption", "published")
    ]


def lever_rows(entry: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(parameter, value, what it is, evidence kind, evidence) for a scenario's levers and
    assumptions, then the effect sizes those levers rely on (kept at their defaults)."""
    evidence = entry.get("evidence") or {}
    rows, seen = [], set()
    changed = {**(entry.get("levers") or {}), **(entry.get("assumptions") or {})}
    for path, value in changed.items():
        seen.add(path)
        rows.append(_lever_row(path, _value_text(value), evidence.get(path)))
    for path in entry.get("levers") or {}:
        for rel in _related(path):
            if rel not in seen:
                seen.add(rel)
                sp = _spec(rel)
                rows.append(_lever_row(rel, f"{sp.default} (default)", evidence.get(rel)))
    return rows


def _lever_row(path: str, value: str, note: str | None) -> tuple[str, str, str, str, str]:
    sp = _spec(path)
    if sp is None:
        return (path, value, "", "unknown", note or "")
    kind: str = KIND_WORDS.get(sp.kind) or sp.kind
    if sp.kind == "assumption" and sp.range:
        kind += f"; range {sp.range[0]} to {sp.range[1]}"
    return (path, value, str(sp.doc or sp.unit), kind, note or str(sp.source))


# ---------------------------------------------------------------------------- caveats


def caveats(run: RunData) -> list[str]:
    """General limits of the model plus those specific to this run."""
    m = run.manifest
    out = [
        "This is a simulation. Its numbers are what the model produces under the stated "
        "assumptions, not forecasts; use the differences between scenarios more than the levels.",
        "Intervals are the 5th to 95th percentile over replicates: they show the model's "
        "chance variation, not every uncertainty in its inputs. The sensitivity analysis "
        "covers the assumptions one at a time.",
        "Lever effects marked as assumptions have no England effect size from a trial; "
        "their ranges include small or no effects and the report says when an interval "
        "includes no change.",
        "Placement quality, needs and wellbeing are modelled with simple indices; they are "
        "not measured in the national statistics and cannot be calibrated to them.",
    ]
    reps = m.get("replicates")
    if isinstance(reps, int) and reps < 20:
        out.append(
            f"Only {reps} replicates were run, so intervals are rough; use 20 or more "
            "(100 for comparisons) before quoting figures."
        )
    if not (m.get("calibration_file") or m.get("calibration_source")) and not run.fits:
        out.append(
            "No calibrated parameter file was used: rates are hand-set starting values "
            "from published figures, not fitted to the local area."
        )
    return [html.escape(t) for t in out]


# ---------------------------------------------------------------------------- page

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0 auto; padding: 1rem;
  max-width: 60rem; font-size: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #ddd; padding-bottom: 0.2rem;
  margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.lead { font-size: 1.05rem; }
.meta { color: #555; font-size: 0.9rem; }
ul.findings li { margin-bottom: 0.6rem; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.3rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.45rem; text-align: left;
  vertical-align: top; }
th { background: #f3f3f3; }
td code { word-break: break-all; }
.kind-assumption { background: #fff4e5; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #555; }
@media (max-width: 40rem) { body { padding: 0.6rem; font-size: 0.95rem; }
  h1 { font-size: 1.3rem; } }
@media print { body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } .table-wrap { overflow: visible; }
  @page { size: A4; margin: 15mm; } }
"""


def render(run: RunData, charts: list[Chart]) -> str:
    """The complete HTML page (one string, no external resources)."""
    m = run.manifest
    names = [run.title(s) for s in run.scenarios]
    heading = {
        "compare": "Scenario comparison",
        "calibrate": "Calibration report",
        "sensitivity": "Sensitivity analysis",
    }.get(m.get("command", ""), "Simulation")
    title = f"{heading}: {', '.join(names)}" if names else heading
    groups = [
        ("Differences from the baseline", comparison_findings(run)),
        (f"The picture under {names[0] if names else 'the model'}", picture_findings(run)),
        ("What the result depends on", sensitivity_findings(run)),
        ("Calibration", calibration_findings(run)),
    ]
    findings = "".join(
        f"<h3>{html.escape(h)}</h3>{_list(items, 'findings')}" for h, items in groups if items
    ) or _list(["No findings: the run folder holds no summary or comparison."])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">carepaths children\'s social care model &middot; report written '
        f"{datetime.now(UTC):%d %B %Y %H:%M} UTC</p>",
        "</header>",
        "<h2>What was run</h2>",
        f'<p class="lead">{what_was_run(run)}</p>',
        "<h2>Key findings</h2>",
        findings,
        "<h2>Charts</h2>",
        *(_figure(c) for c in charts if c.png),
        _skipped(charts),
        "<h2>Levers and the assumptions behind them</h2>",
        _levers(run),
        "<h2>Data sources</h2>",
        _list(list(DATA_SOURCES)),
        "<h2>Caveats</h2>",
        _list(caveats(run)),
        _footer(run),
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _list(items: list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _figure(chart: Chart) -> str:
    assert chart.png is not None
    data = base64.b64encode(chart.png.read_bytes()).decode("ascii")
    alt = html.escape(f"{chart.title}. {chart.caption}", quote=True)
    return (
        f'<figure id="chart-{chart.name}"><img alt="{alt}" '
        f'src="data:image/png;base64,{data}">'
        f"<figcaption><b>{html.escape(chart.title)}.</b> {html.escape(chart.caption)} "
        f"(Also saved as charts/{chart.name}.png and .svg.)</figcaption></figure>"
    )


def _skipped(charts: list[Chart]) -> str:
    gone = [c for c in charts if c.png is None]
    if not gone:
        return ""
    return (
        '<p class="meta">Charts not drawn for this run: '
        + "; ".join(html.escape(f"{c.name} ({c.reason})") for c in gone)
        + ".</p>"
    )


def _levers(run: RunData) -> str:
    blocks = []
    for entry in run.manifest.get("scenarios", []):
        if not isinstance(entry, dict):
            continue
        rows = lever_rows(entry)
        name = run.title(entry.get("name", ""))
        if not rows:
            blocks.append(
                f"<h3>{html.escape(name)}</h3><p>No levers or assumptions changed "
                "from the defaults.</p>"
            )
            continue
        body = "".join(
            f'<tr class="kind-{html.escape(kind.split()[0])}"><td><code>{html.escape(p)}'
            f"</code></td><td>{html.escape(v)}</td><td>{html.escape(doc)}</td>"
            f"<td>{html.escape(kind)}</td><td>{html.escape(note)}</td></tr>"
            for p, v, doc, kind, note in rows
        )
        blocks.append(
            f'<h3>{html.escape(name)}</h3><div class="table-wrap"><table><thead><tr>'
            "<th>Parameter</th><th>Value</th><th>What it is</th><th>Evidence kind</th>"
            f"<th>Evidence and source</th></tr></thead><tbody>{body}</tbody></table></div>"
        )
    if not blocks:
        return "<p>The run folder does not record the scenarios' levers.</p>"
    intro = (
        "<p>Each scenario's levers (what the council controls) and assumptions (what it "
        "does not), then the effect sizes the levers rely on, with the kind of evidence "
        "behind each: a <i>published</i> figure, a value <i>calibrated</i> to official "
        "statistics, or an <i>assumption</i> where no England effect size exists "
        "(shaded).</p>"
    )
    return intro + "".join(blocks)


def _footer(run: RunData) -> str:
    m = run.manifest
    line = m.get("command_line") or m.get("command", "")
    hashes = [
        f"{s.get('name')}: {str(s.get('parameters_sha256', ''))[:12]}"
        for s in m.get("scenarios", [])
        if isinstance(s, dict) and s.get("parameters_sha256")
    ]
    text = f"Command: <code>{html.escape(str(line))}</code>."
    if hashes:
        text += " Parameter hashes: " + html.escape("; ".join(hashes)) + "."
    text += (
        " The tables behind every chart are in this run folder (summary.csv, "
        "timeseries.csv, indicators.csv and, for comparisons, comparison.csv)."
    )
    return f"<footer>{text}</footer>"


def _write_atomic(path: Path, text: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
