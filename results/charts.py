"""Charts for policy readers: matplotlib figures saved as PNG and SVG under ``charts/``.

Every chart says its finding or measure in the title, labels its axes with units, has a legend,
shows 90% intervals where the numbers are uncertain and carries a source line (model version,
scenarios, replicates, calibration file). Colours come from :mod:`results.palette`, one meaning
per colour. Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state,
rendered by the Agg backend whatever the session's default),
sized for an A4 page. Inputs are read with the ``csv`` module and numpy (no pandas).

A chart function takes a :class:`RunData` and returns a Figure, or raises :class:`NoData` when
the run folder lacks its inputs (the report then lists it as not drawn, with the reason). Any
other failure is an error: the report never drops a chart silently. :func:`save` writes files
that are byte-identical for identical inputs.
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter

from results.palette import (
    COLOURS,
    COST_TYPES,
    EXIT_LABELS,
    EXIT_ROUTES,
    PLACEMENT_GROUPS,
    PLACEMENT_LABELS,
    exit_colour,
    placement_colour,
    scenario_style,
)

A4_WIDTH_IN = 8.0  # A4 is 8.27 in wide; leave a little margin
ENGLAND_REFERENCE: dict[str, Any] = {
    "source": "DfE, Children looked after in England including adoptions, 2024",
    "placements_3plus_pct": 10.0,
    "long_term_stable_pct": 68.0,
    "sw_changes_3plus_pct": 27.0,
}
STABILITY = (
    ("placements_3plus_pct", "3+ placements in the year"),
    ("long_term_stable_pct", "Long-term stable"),
    ("sw_changes_3plus_pct", "3+ social workers in the year"),
)
RESOURCES = (
    ("carer_households", "Foster carer households"),
    ("carer_approvals", "Carer households approved"),
    ("carer_deregistrations", "Carer households leaving"),
    ("foster_vacancies", "Foster places vacant"),
    ("caseload_mean", "Social worker caseload"),
    ("sw_turnover_pct", "Social worker turnover"),
    ("agency_share_pct", "Agency social workers"),
)
MARKET = (
    ("placed_outside_la_pct", "Placed outside the area"),
    ("placed_20_miles_plus_pct", "Placed 20+ miles away"),
    ("unregistered_placements", "In unregistered settings"),
    ("placement_shortfall_days", "Days waiting in a poor fit"),
    ("occupancy_inhouse_foster_pct", "In-house foster places filled"),
    ("occupancy_agency_foster_pct", "Agency foster places filled"),
    ("occupancy_residential_pct", "Children's home places filled"),
    ("price_residential_gbp_per_week", "Children's home price"),
)
KEY_OUTCOMES = (
    "cla_31_march",
    "cla_foster_agency",
    "cla_residential",
    "unplanned_endings",
    "placement_moves",
    "placements_3plus_pct",
    "long_term_stable_pct",
    "ceased_returned_home",
    "reentries_within_12m",
    "carer_households",
    "sw_turnover_pct",
    "cost_total_gbp",
)
TORNADO_OUTCOMES = (
    "unplanned_endings",
    "cost_total_gbp",
    "cla_foster_agency",
    "placements_3plus_pct",
    "cla_residential",
    "cla_31_march",
)
TORNADO_ROWS = 8  # the assumptions with the largest swings; the rest are in sensitivity.csv
OUTCOME_LABELS: dict[str, str] = {
    "cla_31_march": "Children in care on 31 March",
    "cla_foster_agency": "Children in agency foster care",
    "cla_residential": "Children in children's homes",
    "unplanned_endings": "Unplanned placement endings",
    "placement_moves": "Placement moves",
    "placements_3plus_pct": "% with 3+ placements",
    "long_term_stable_pct": "% long-term stable",
    "ceased_returned_home": "Returns home",
    "reentries_within_12m": "Re-entries within 12 months",
    "carer_households": "Foster carer households",
    "sw_turnover_pct": "Social worker turnover",
    "cost_total_gbp": "Total cost",
    "started": "Children entering care",
    "ceased": "Children leaving care",
    "sw_changes_3plus_pct": "% with 3+ social workers",
    "cla_foster_kinship": "Children in kinship foster care",
    "cla_foster_inhouse": "Children in in-house foster care",
}
# Calibration targets and other indicators that have no label above.
for _key, _label in {
    "cla_foster": "Children in foster care",
    "cla_foster_other": "Children with other foster carers",
    "cla_foster_kinship": "Children in kinship foster care",
    "cla_foster_inhouse": "Children in in-house foster care",
    "cla_supported": "Children in supported accommodation",
    "cla_residential_supported": "Children's homes and supported accommodation",
    "cla_with_parents": "Children placed with parents",
    "cla_placed_for_adoption": "Children placed for adoption",
    "cla_other": "Other placements",
    "ceased_adopted": "Adopted",
    "ceased_sgo": "Special guardianship orders",
    "ceased_cao": "Child arrangements orders",
    "ceased_age_18": "Left care at 18",
    "ceased_other": "Left care for other reasons",
    "ceased_age_18_or_other": "Left care at 18 or for other reasons",
    "carer_deregistration_pct": "Carer deregistrations (% of households)",
    "agency_share_pct": "Agency social workers (% of FTE)",
    "foster_inhouse_share_pct": "In-house share of non-kinship foster care (%)",
}.items():
    OUTCOME_LABELS.setdefault(_key, _label)
UNIT_LABELS = {"GBP": "£", "percent": "%", "children": "children", "households": "households"}


class NoData(Exception):
    """The run folder lacks what a chart needs; the chart is skipped."""


# ---------------------------------------------------------------------------- run data


@dataclass
class Band:
    """A yearly (or monthly) series with a 90% interval."""

    x: np.ndarray
    mean: np.ndarray
    p5: np.ndarray
    p95: np.ndarray
    unit: str = ""


@dataclass
class RunData:
    """What the charts read from a run folder (everything optional but the manifest)."""

    folder: Path
    manifest: dict[str, Any]
    scenarios: list[str]
    titles: dict[str, str]
    summary: dict[tuple[str, str], Band] = field(default_factory=dict)
    monthly: dict[tuple[str, str], Band] = field(default_factory=dict)
    comparison: list[dict[str, str]] = field(default_factory=list)
    sensitivity: list[dict[str, str]] = field(default_factory=list)
    fits: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)

    def title(self, scenario: str) -> str:
        """The plain-English title of a scenario (its name when it has none)."""
        return self.titles.get(scenario, scenario)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _float(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else float("nan")
    except ValueError:
        return float("nan")


def _read_summary(path: Path) -> dict[tuple[str, str], Band]:
    cols: dict[tuple[str, str], list[tuple[int, float, float, float]]] = defaultdict(list)
    units: dict[tuple[str, str], str] = {}
    for r in _rows(path):
        if not r["year"].isdigit():
            continue
        key = (r["scenario"], r["indicator"])
        cols[key].append((int(r["year"]), _float(r["mean"]), _float(r["p5"]), _float(r["p95"])))
        units[key] = r.get("unit", "")
    out = {}
    for key, vals in cols.items():
        a = np.array(sorted(vals), dtype=float)
        out[key] = Band(a[:, 0].astype(int), a[:, 1], a[:, 2], a[:, 3], units[key])
    return out


def _read_monthly(path: Path, keep: Iterable[str]) -> dict[tuple[str, str], Band]:
    wanted = set(keep)
    cells: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        for scen, rep, date, ind, value in csv.reader(fh):
            if ind in wanted:
                cells[(scen, ind)][date][rep] = _float(value)
    out = {}
    for key, by_date in cells.items():
        dates = sorted(by_date)
        reps = sorted({r for d in dates for r in by_date[d]})
        m = np.array([[by_date[d].get(r, np.nan) for d in dates] for r in reps])
        p5, p95 = np.nanpercentile(m, [5, 95], axis=0)
        out[key] = Band(np.array(dates, dtype="datetime64[D]"), np.nanmean(m, axis=0), p5, p95)
    return out


def load_run(folder: Path, manifest: dict[str, Any] | None = None) -> RunData:
    """Read a run folder's manifest (unless given) and CSVs into a :class:`RunData`."""
    folder = Path(folder)
    if manifest is None:
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    assert manifest is not None
    summary = _read_summary(folder / "summary.csv")
    names = [s.get("name", "") for s in manifest.get("scenarios", []) if isinstance(s, dict)]
    seen = [s for s, _ in summary]
    scenarios = [n for n in names if n] or list(dict.fromkeys(seen))
    titles = {
        s["name"]: s.get("title") or s["name"]
        for s in manifest.get("scenarios", [])
        if isinstance(s, dict) and s.get("name")
    }
    keep = ["cla_31_march"] + [_stock(g) for g in PLACEMENT_GROUPS]
    fits = [(p.name, _rows(p)) for p in sorted(folder.rglob("*.fit.csv"))]
    return RunData(
        folder,
        manifest,
        scenarios,
        titles,
        summary,
        _read_monthly(folder / "timeseries.csv", keep),
        _rows(folder / "comparison.csv"),
        _rows(folder / "sensitivity.csv"),
        [(n, r) for n, r in fits if r],
    )


def _stock(group: str) -> str:
    """The stock indicator of a placement group (``kinship`` -> ``cla_foster_kinship``)."""
    return f"cla_foster_{group}" if group in ("kinship", "inhouse", "agency") else f"cla_{group}"


def source_line(run: RunData) -> str:
    """'Source: carepaths 0.1.0, simulate; scenarios ...; 20 replicates ...; calibration ...'."""
    m = run.manifest
    version = m.get("tool_version") or m.get("version") or "?"
    if m.get("command") == "calibrate":
        text = (
            f"Source: carepaths {version} model, calibrate; area {m.get('area', '?')}, "
            f"DfE year {m.get('year', '?')}, {m.get('budget_runs', '?')} simulated runs "
            f"(seed {m.get('seed', '?')}); calibration: {calibration_name(m)}. Intervals: "
            f"5th to 95th percentile over replicates of the point fit."
        )
        return "\n".join(textwrap.wrap(text, 150))
    scen = ", ".join(run.title(s) for s in run.scenarios) or "unknown"
    reps = f"{m.get('replicates', '?')} replicates"
    intervals = "Intervals: 5th to 95th percentile over replicates."
    design = m.get("sensitivity") if m.get("command") == "sensitivity" else None
    if isinstance(design, dict) and design.get("method") in ("morris", "sobol"):
        # a global design: its indices' whiskers are SALib's bootstrap intervals
        reps += f" at each of {design.get('design_points', '?')} design points"
        intervals = (
            "Intervals: bootstrap 95% for sensitivity indices (SALib); 5th to 95th "
            "percentile over replicates of the central pair elsewhere."
        )
    text = (
        f"Source: carepaths {version} model, {m.get('command', 'run')}; "
        f"scenarios: {scen}; area {m.get('area', '?')}, {m.get('years', '?')} years, "
        f"{reps} (seed {m.get('seed', '?')}); calibration: {calibration_name(m)}. {intervals}"
    )
    return "\n".join(textwrap.wrap(text, 150))


def calibration_name(manifest: dict[str, Any]) -> str:
    """The calibration file a run used, or 'none (hand-set starting values)'."""
    cal = manifest.get("calibration_file") or manifest.get("calibration_source")
    if not cal:
        return "none (hand-set starting values)"
    text = str(cal)
    return Path(text).name if ("/" in text and "(" not in text) else text


# ---------------------------------------------------------------------------- helpers


def _figure(nrows: int, ncols: int, height: float, **kw: Any) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(A4_WIDTH_IN, height), dpi=150)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes.ravel()


def _finish(
    fig: Figure, run: RunData, title: str, legend_rows: int = 0, subtitle: str = ""
) -> Figure:
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    height = fig.get_figheight()
    top = 1 - 0.38 / height
    if subtitle:  # wrapped to the figure's width so it never runs off the page
        lines = textwrap.wrap(subtitle, int(fig.get_figwidth() * 17))
        fig.text(0.01, top, "\n".join(lines), fontsize=8, color="#333333", va="top", ha="left")
        top -= (0.06 + 0.16 * len(lines)) / height
    source = source_line(run)
    fig.text(0.01, 0.005, source, fontsize=6.5, color="#333333", va="bottom", ha="left")
    bottom = (0.2 + 0.09 * source.count("\n") + 0.22 * legend_rows) / height
    fig.tight_layout(rect=(0, bottom, 1, top))
    for ax in fig.axes:
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def _fig_legend(fig: Figure, handles: list, labels: list[str], ncol: int) -> None:
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=ncol,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.27 / fig.get_figheight()),
    )


def _band_handle() -> Rectangle:
    return Rectangle((0, 0), 1, 1, color="#000000", alpha=0.18, linewidth=0)


def _band(ax: Axes, b: Band, label: str, color: str, scale: float = 1.0, **style: Any) -> None:
    style.setdefault("linestyle", "-")
    if style["linestyle"] == "-":
        ax.fill_between(b.x, b.p5 / scale, b.p95 / scale, color=color, alpha=0.18, linewidth=0)
    else:  # a second scenario's band: edged in its line style so overlapping bands stay apart
        ax.fill_between(
            b.x,
            b.p5 / scale,
            b.p95 / scale,
            facecolor=color,
            alpha=0.08,
            edgecolor=color,
            linestyle=style["linestyle"],
            linewidth=0.7,
        )
    ax.plot(b.x, b.mean / scale, color=color, label=label, linewidth=1.6, markersize=3.5, **style)


def year_label(year: int) -> str:
    """DfE year ending 31 March ``year`` as '2024-25'."""
    return f"{year - 1}-{str(year)[-2:]}"


def _year_axis(ax: Axes, years: np.ndarray) -> None:
    ax.set_xticks(years, [year_label(int(y)) for y in years], fontsize=7.5)
    ax.set_xlabel("Year ending 31 March")


def _series(run: RunData, scenario: str, indicator: str) -> Band | None:
    return run.summary.get((scenario, indicator))


def fmt(value: float, unit: str = "", signed: bool = False) -> str:
    """A number for a chart label or a sentence: '£1.2m', '12.3%', '1,204'."""
    if value != value:
        return "n/a"
    v = abs(value)
    if unit == "GBP":
        body = (
            f"£{v / 1e6:,.1f}m"
            if v >= 1e6
            else f"£{v / 1e3:,.0f}k"
            if v >= 1e4
            else f"£{v / 1e3:,.1f}k"
            if v >= 1e3
            else f"£{v:,.0f}"
        )
    elif unit == "percent":
        body = f"{v:.1f}%"
    else:
        body = f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"
    if not any(c in "123456789" for c in body):  # rounds to zero: no sign
        return body
    return ("+" if signed and value > 0 else "−" if value < 0 else "") + body


def whiskers(ax: Axes, x: Any, lo: Any, hi: Any, horizontal: bool = False, **style: Any) -> None:
    """90% interval whiskers from ``lo`` to ``hi`` at positions ``x`` (no marker).

    Drawn around the interval's own midpoint, not around the mean: a skewed distribution can
    put the mean outside its 5-95% interval (a count that is zero in most replicates), and an
    error bar centred on the mean would then need a negative length, which matplotlib refuses.
    """
    lo, hi = np.atleast_1d(np.asarray(lo, dtype=float)), np.atleast_1d(np.asarray(hi, dtype=float))
    mid, half = (lo + hi) / 2, np.abs(hi - lo) / 2
    pos = np.atleast_1d(np.asarray(x, dtype=float))
    style.setdefault("fmt", "none")
    if horizontal:
        ax.errorbar(mid, pos, xerr=half, **style)
    else:
        ax.errorbar(pos, mid, yerr=half, **style)


def interval_point(
    ax: Axes, x: float, y: float, lo: float, hi: float, marker: str, color: str, **style: Any
) -> None:
    """A mean (marker) on a horizontal 90% interval from ``lo`` to ``hi``, each drawn as it is
    (see :func:`whiskers`)."""
    whiskers(ax, y, lo, hi, horizontal=True, ecolor=color, capsize=2.5, linewidth=1.2)
    ax.plot([x], [y], marker, color=color, markersize=5, **style)


def _axis_unit(unit: str) -> str:
    return {"GBP": "£", "percent": "%"}.get(unit, unit)


# ---------------------------------------------------------------------------- 1. stock


def children_in_care(run: RunData) -> Figure:
    """1. Children in care over time by placement group, with 90% bands (one panel a scenario)."""
    scen = run.scenarios[:4]
    monthly = any((s, _stock(g)) in run.monthly for s in scen for g in PLACEMENT_GROUPS)
    source = run.monthly if monthly else run.summary
    if not any((s, _stock(g)) in source for s in scen for g in PLACEMENT_GROUPS):
        raise NoData("no placement stock indicators in timeseries.csv or summary.csv")
    fig, axes = _figure(1, len(scen), 4.6, sharey=True)
    for ax, s in zip(axes, scen, strict=True):
        for g in PLACEMENT_GROUPS:
            b = source.get((s, _stock(g)))
            if b is not None and np.nanmax(b.p95) > 0:
                _band(ax, b, PLACEMENT_LABELS[g], placement_colour(g))
        ax.set_title(run.title(s), fontsize=9.5)
        ax.set_xlabel("Date" if monthly else "Year ending 31 March")
        ax.tick_params(axis="x", labelsize=7.5, rotation=30)
    axes[0].set_ylabel("Children in care (number)")
    handles, labels = axes[0].get_legend_handles_labels()
    _fig_legend(fig, [*handles, _band_handle()], [*labels, "Shaded: 90% interval"], ncol=3)
    return _finish(
        fig,
        run,
        "Children in care by placement group",
        legend_rows=3,
        subtitle="Lines: mean over replicates; shaded bands: 90% interval.",
    )


# ---------------------------------------------------------------------------- 2. flows


def entries_exits(run: RunData) -> Figure:
    """2. Entries and exits by route per DfE year (bars: means; whiskers: 90% intervals)."""
    scen = [s for s in run.scenarios[:4] if _series(run, s, "started")]
    if not scen:
        raise NoData("no 'started' indicator in summary.csv")
    fig, axes = _figure(1, len(scen), 4.6, sharey=True)
    for ax, s in zip(axes, scen, strict=True):
        started = _series(run, s, "started")
        assert started is not None
        x = np.arange(len(started.x))
        ax.bar(x - 0.2, started.mean, 0.38, color=COLOURS["flow:started"], label="Entered care")
        whiskers(ax, x - 0.2, started.p5, started.p95, ecolor="#333333", capsize=2, linewidth=0.8)
        bottom = np.zeros(len(x))
        for r in EXIT_ROUTES:
            b = _series(run, s, f"ceased_{r}")
            if b is not None and len(b.mean) == len(x):
                ax.bar(
                    x + 0.2,
                    b.mean,
                    0.38,
                    bottom=bottom,
                    color=exit_colour(r),
                    label=f"Left care: {EXIT_LABELS[r].lower()}",
                )
                bottom += b.mean
        total = _series(run, s, "ceased")
        if total is not None and len(total.mean) == len(x):
            whiskers(ax, x + 0.2, total.p5, total.p95, ecolor="#333333", capsize=2, linewidth=0.8)
        ax.set_xticks(x, [year_label(int(y)) for y in started.x], fontsize=7.5)
        ax.set_xlabel("Year ending 31 March")
        ax.set_title(run.title(s), fontsize=9.5)
    axes[0].set_ylabel("Children per year")
    handles, labels = axes[0].get_legend_handles_labels()
    _fig_legend(fig, handles, labels, ncol=4)
    return _finish(
        fig,
        run,
        "Children entering and leaving care each year, by route",
        legend_rows=2,
        subtitle="Left bar: children entering care; right bar: "
        "children leaving care, by route. Whiskers: 90% interval of each total.",
    )


# ---------------------------------------------------------------------------- 3. stability


def stability(run: RunData) -> Figure:
    """3. Stability indicators over time per scenario against the England figures."""
    present = [(i, t) for i, t in STABILITY if any(_series(run, s, i) for s in run.scenarios)]
    if not present:
        raise NoData("no stability indicators in summary.csv")
    fig, axes = _figure(1, len(present), 3.9)
    for ax, (ind, title) in zip(axes, present, strict=True):
        for k, s in enumerate(run.scenarios):
            b = _series(run, s, ind)
            if b is not None:
                st = scenario_style(k)
                _band(ax, b, run.title(s), st.pop("color"), **st)
        england = ENGLAND_REFERENCE[ind]
        ax.axhline(
            england,
            color=COLOURS["official"],
            linestyle=(0, (4, 2)),
            linewidth=1.2,
            label="England 2024 (DfE)",
        )
        ax.set_title(title, fontsize=9.5)
        ax.set_ylabel("% of children in care")
        ax.set_ylim(
            0,
            max(100 if ind == "long_term_stable_pct" else 0, ax.get_ylim()[1] * 1.1, england * 1.4),
        )
        b0 = next(b for s in run.scenarios if (b := _series(run, s, ind)) is not None)
        _year_axis(ax, b0.x)
        ax.tick_params(axis="x", rotation=30)
    handles, labels = axes[0].get_legend_handles_labels()
    _fig_legend(
        fig, [*handles, _band_handle()], [*labels, "Shaded: 90% interval"], ncol=len(labels) + 1
    )
    return _finish(
        fig,
        run,
        "Placement stability compared with England",
        legend_rows=1,
        subtitle="Lower is better for 3+ placements and 3+ social workers; higher "
        "is better for long-term stability.",
    )


# ---------------------------------------------------------------------------- 4. forest


def _comparison_rows(run: RunData) -> list[dict[str, str]]:
    rows = [r for r in run.comparison if r.get("year", "all") == "all"]
    order = {k: i for i, k in enumerate(KEY_OUTCOMES)}
    rows = [r for r in rows if r["indicator"] in order and _float(r["baseline_mean"]) != 0]
    return sorted(rows, key=lambda r: (order[r["indicator"]], r["scenario"]))


def diff_text(row: dict[str, str]) -> str:
    """'−12 endings (−20 to −4)': a comparison row's difference and interval in its units."""
    unit = row.get("unit", "")
    d, lo, hi = (_float(row[c]) for c in ("diff_mean", "diff_p5", "diff_p95"))
    if unit == "percent":
        return f"{fmt(d, '', True)} pts ({fmt(lo, '', True)} to {fmt(hi, '', True)})"
    word = "" if unit in ("GBP", "") else f" {unit}"
    return f"{fmt(d, unit, True)}{word} ({fmt(lo, unit, True)} to {fmt(hi, unit, True)})"


def comparison_forest(run: RunData) -> Figure:
    """4. Forest plot: each scenario's difference from the baseline, % of baseline, 90% CI."""
    rows = _comparison_rows(run)
    if not rows:
        raise NoData("no comparison.csv (or none of the key outcomes in it)")
    outcomes = list(dict.fromkeys(r["indicator"] for r in rows))
    others = list(dict.fromkeys(r["scenario"] for r in rows))
    fig, axes = _figure(1, 1, 1.6 + 0.42 * len(outcomes) * max(1, len(others)) ** 0.6)
    ax = axes[0]
    step = 0.7 / max(1, len(others))
    for r in rows:
        k = others.index(r["scenario"])
        y = outcomes.index(r["indicator"]) + (k - (len(others) - 1) / 2) * step
        base = abs(_float(r["baseline_mean"]))
        d, lo, hi = (_float(r[c]) / base * 100 for c in ("diff_mean", "diff_p5", "diff_p95"))
        st = scenario_style(
            run.scenarios.index(r["scenario"]) if r["scenario"] in run.scenarios else k + 1
        )
        interval_point(ax, d, y, lo, hi, marker=st["marker"], color=st["color"])
        ax.annotate(
            diff_text(r), (1.01, y), xycoords=("axes fraction", "data"), fontsize=6.5, va="center"
        )
    for k, s in enumerate(others):
        st = scenario_style(run.scenarios.index(s) if s in run.scenarios else k + 1)
        ax.plot([], [], st["marker"], color=st["color"], label=f"{run.title(s)} − baseline")
    ax.axvline(0, color="#777777", linewidth=0.9, linestyle="--")
    ax.annotate(
        "Difference (90% interval)\nin the outcome's units",
        (1.01, 1.0),
        xycoords="axes fraction",
        fontsize=6.5,
        va="bottom",
        fontweight="bold",
    )
    ax.set_yticks(range(len(outcomes)), [OUTCOME_LABELS.get(o, o) for o in outcomes], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Difference from baseline (% of the baseline value; 0 = no change)")
    ax.set_ylabel("Outcome (yearly average over the run)")
    ax.legend(fontsize=7.5, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncol=2)
    fig.subplots_adjust(right=0.72)
    _finish(fig, run, "Scenario differences from the baseline, with 90% intervals")
    fig.subplots_adjust(right=0.72)
    return fig


# ---------------------------------------------------------------------------- 5. cost


def _cost_parts(run: RunData, s: str) -> list[tuple[str, str, Band]]:
    parts = [
        (f"Placements: {PLACEMENT_LABELS[t]}", placement_colour(t), b)
        for t in COST_TYPES
        if (b := _series(run, s, f"cost_placements_{t}_gbp"))
    ]
    if not parts and (b := _series(run, s, "cost_placements_gbp")):
        parts = [("Placements", COLOURS["cost:placements"], b)]
    for key, label in (("workforce", "Social workers"), ("levers", "Levers (scenario spend)")):
        b = _series(run, s, f"cost_{key}_gbp")
        if b is not None:
            parts.append((label, COLOURS[f"cost:{key}"], b))
    return parts


def costs(run: RunData) -> Figure:
    """5. Annual cost by component (placements by type, workforce, levers) per scenario."""
    scen = [s for s in run.scenarios[:4] if _cost_parts(run, s)]
    if not scen:
        raise NoData("no cost indicators in summary.csv")
    fig, axes = _figure(1, len(scen), 4.8, sharey=True)
    for ax, s in zip(axes, scen, strict=True):
        parts = _cost_parts(run, s)
        years = parts[0][2].x
        x = np.arange(len(years))
        bottom = np.zeros(len(x))
        for label, colour, b in parts:
            if len(b.mean) == len(x) and np.nanmax(np.abs(b.mean)) > 0:
                ax.bar(x, b.mean / 1e6, 0.7, bottom=bottom, color=colour, label=label)
                bottom += b.mean / 1e6
        total = _series(run, s, "cost_total_gbp")
        if total is not None and len(total.mean) == len(x):
            st = scenario_style(run.scenarios.index(s))
            whiskers(
                ax,
                x,
                total.p5 / 1e6,
                total.p95 / 1e6,
                ecolor=st["color"],
                capsize=3,
                linewidth=1.1,
                label="Total: 90% interval",
            )
        ax.set_xticks(x, [year_label(int(y)) for y in years], fontsize=7.5)
        ax.set_xlabel("Year ending 31 March")
        ax.set_title(run.title(s), fontsize=9.5)
    axes[0].set_ylabel("Cost (£ million a year)")
    legend: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(lab, h)
    handles, labels = list(legend.values()), list(legend)
    _fig_legend(fig, handles, labels, ncol=3)
    return _finish(
        fig,
        run,
        "Annual cost by component",
        legend_rows=3,
        subtitle="Bars: mean spend by component; whiskers: 90% interval of the "
        "total. Differences between scenarios are clearer in the comparison chart.",
    )


# ---------------------------------------------------------------------------- 6. resources


def resources(run: RunData) -> Figure:
    """6. Carers (households, approvals, leavers, vacancies) and the social-work workforce."""
    return _grid(run, RESOURCES, "Resources: foster carers and social workers", "resource")


def market(run: RunData) -> Figure:
    """6b. The care market: where children live, shortfalls, occupancy and the price."""
    return _grid(run, MARKET, "The care market: where children live and what is short", "market")


def _grid(run: RunData, items: Sequence[tuple[str, str]], title: str, what: str) -> Figure:
    """Up to eight yearly panels, one per indicator, a band per scenario."""
    present = [(i, t) for i, t in items if any(_series(run, s, i) for s in run.scenarios)]
    if not present:
        raise NoData(f"no {what} indicators in summary.csv")
    fig, axes = _figure(2, 4, 5.6)
    for ax, (ind, title) in zip(axes, present, strict=False):
        unit = ""
        for k, s in enumerate(run.scenarios):
            b = _series(run, s, ind)
            if b is not None:
                st = scenario_style(k)
                _band(ax, b, run.title(s), st.pop("color"), **st)
                unit, years = b.unit, b.x
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(_resource_unit(ind, unit), fontsize=7.5)
        ax.set_xticks(years, [year_label(int(y)) for y in years], fontsize=6.5, rotation=45)
        ax.set_xlabel("Year ending 31 March", fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylim(bottom=0)
    for ax in axes[len(present) :]:
        ax.set_axis_off()
    handles, labels = axes[0].get_legend_handles_labels()
    _fig_legend(
        fig, [*handles, _band_handle()], [*labels, "Shaded: 90% interval"], ncol=len(labels) + 1
    )
    return _finish(fig, run, title, legend_rows=1)


def _resource_unit(indicator: str, unit: str) -> str:
    per_year = indicator in (
        "carer_approvals",
        "carer_deregistrations",
        "unregistered_placements",
        "placement_shortfall_days",
    )
    if unit == "percent" and not indicator.startswith("sw_") and indicator != "agency_share_pct":
        label = "%"
    else:
        label = {
            "percent": "% of FTE a year" if indicator == "sw_turnover_pct" else "% of FTE",
            "cases per FTE": "cases per FTE",
        }.get(unit, unit or "number")
    return f"{label} a year" if per_year else label


# ---------------------------------------------------------------------------- 7. pathways


def _pathway_totals(run: RunData, scenario: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for (s, ind), b in run.summary.items():
        if s != scenario or not ind.startswith("pathway_") or "_to_" not in ind:
            continue
        group, route = ind[len("pathway_") :].split("_to_", 1)
        if group in PLACEMENT_GROUPS and route in EXIT_ROUTES:
            out[(group, route)] = float(np.nansum(b.mean))
    return {k: v for k, v in out.items() if v > 0}


def _ribbon(
    ax: Axes, x0: float, y0: tuple[float, float], x1: float, y1: tuple[float, float], colour: str
) -> None:
    xm = (x0 + x1) / 2
    verts = [
        (x0, y0[0]),
        (xm, y0[0]),
        (xm, y1[0]),
        (x1, y1[0]),
        (x1, y1[1]),
        (xm, y1[1]),
        (xm, y0[1]),
        (x0, y0[1]),
        (x0, y0[0]),
    ]
    codes = [
        MplPath.MOVETO,
        *[MplPath.CURVE4] * 3,
        MplPath.LINETO,
        *[MplPath.CURVE4] * 3,
        MplPath.CLOSEPOLY,
    ]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, alpha=0.4, linewidth=0))


def _stack(sizes: dict[str, float], total: float, gap: float) -> dict[str, tuple[float, float]]:
    out, y = {}, 1.0
    for key, v in sizes.items():
        out[key] = (y, y - v / total * (1 - gap * (len(sizes) - 1)))
        y = out[key][1] - gap
    return out


def pathways(run: RunData) -> Figure:
    """7. Flow diagram: children who left care, by first placement group and exit route."""
    scenario = next((s for s in run.scenarios if _pathway_totals(run, s)), None)
    if scenario is None:
        raise NoData("no pathway_<group>_to_<route> indicators in summary.csv")
    flows = _pathway_totals(run, scenario)
    total = sum(flows.values())
    groups = {g: sum(v for (a, _), v in flows.items() if a == g) for g in PLACEMENT_GROUPS}
    routes = {r: sum(v for (_, b), v in flows.items() if b == r) for r in EXIT_ROUTES}
    groups = {k: v for k, v in groups.items() if v > 0}
    routes = {k: v for k, v in routes.items() if v > 0}
    fig, axes = _figure(1, 1, 5.6)
    ax = axes[0]
    gpos, rpos = _stack(groups, total, 0.02), _stack(routes, total, 0.02)
    w = 0.035
    ax.add_patch(Rectangle((0, 0), w, 1, color=COLOURS["flow:started"]))
    ax.text(
        -0.01, 0.5, f"Children whose\ncare ended\n{total:,.0f}", ha="right", va="center", fontsize=8
    )
    g_out = {g: p[0] for g, p in gpos.items()}
    r_in = {r: p[0] for r, p in rpos.items()}
    entry_top = 1.0
    for g, (top, bot) in gpos.items():
        share = groups[g] / total
        _ribbon(ax, w, (entry_top, entry_top - share), 0.45, (top, bot), placement_colour(g))
        entry_top -= share
        ax.add_patch(Rectangle((0.45, bot), w, top - bot, color=placement_colour(g)))
        ax.text(
            0.45 + w / 2,
            (top + bot) / 2,
            f"{PLACEMENT_LABELS[g]} {groups[g]:,.0f} ({groups[g] / total:.0%})",
            ha="center",
            va="center",
            fontsize=6.5,
            bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0, "pad": 1},
        )
    for (g, r), v in sorted(
        flows.items(), key=lambda kv: (list(gpos).index(kv[0][0]), list(rpos).index(kv[0][1]))
    ):
        h0 = (gpos[g][0] - gpos[g][1]) * v / groups[g]
        h1 = (rpos[r][0] - rpos[r][1]) * v / routes[r]
        _ribbon(
            ax,
            0.45 + w,
            (g_out[g], g_out[g] - h0),
            0.9,
            (r_in[r], r_in[r] - h1),
            placement_colour(g),
        )
        g_out[g] -= h0
        r_in[r] -= h1
    for r, (top, bot) in rpos.items():
        ax.add_patch(Rectangle((0.9, bot), w, top - bot, color=exit_colour(r)))
        ax.text(
            0.9 + w + 0.01,
            (top + bot) / 2,
            f"{EXIT_LABELS[r]}\n{routes[r]:,.0f} ({routes[r] / total:.0%})",
            va="center",
            fontsize=7,
        )
    ax.set_xlim(-0.17, 1.12)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xticks(
        [0.0175, 0.4675, 0.9175],
        ["Entered care", "First placement", "How care ended"],
        fontsize=8.5,
    )
    ax.set_xlabel("Stage of the care pathway (ribbon width = number of children)")
    ax.set_ylabel(f"Children who left care over the run ({total:,.0f} in all)")
    ax.set_yticks([])
    ax.spines[["left", "bottom"]].set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, color=placement_colour(g)) for g in groups]
    _fig_legend(fig, handles, [PLACEMENT_LABELS[g] for g in groups], ncol=4)
    title = f"Care pathways: first placement and how care ended ({run.title(scenario)})"
    return _finish(fig, run, title, legend_rows=2)


# ---------------------------------------------------------------------------- 8. calibration


def calibration(run: RunData) -> Figure:
    """8. Calibration: each target's official value vs the simulated mean and 90% interval."""
    if not run.fits:
        raise NoData("no *.fit.csv in the run folder")
    name, rows = run.fits[0]
    rows = [
        r
        for r in rows
        if _float(r["observed"]) not in (0.0,) and _float(r["observed"]) == _float(r["observed"])
    ]
    if not rows:
        raise NoData(f"{name} has no targets with an observed value")
    fig, axes = _figure(1, 1, 1.8 + 0.3 * len(rows))
    ax = axes[0]
    for y, r in enumerate(rows):
        obs = _float(r["observed"])
        sim, lo, hi = (
            _float(r[c]) / obs * 100 for c in ("simulated_mean", "simulated_p5", "simulated_p95")
        )
        tol = _float(r.get("tolerance")) / obs * 100  # .fit.csv tolerance is in the unit
        if tol == tol:
            ax.add_patch(
                Rectangle(
                    (100 - tol, y - 0.35),
                    2 * tol,
                    0.7,
                    color="#EEEEEE",
                    linewidth=0,
                    label="Tolerance" if y == 0 else None,
                )
            )
        within = str(r.get("within", "")).lower() in ("true", "1", "yes")
        interval_point(
            ax,
            sim,
            y,
            lo,
            hi,
            marker="o",
            color=COLOURS["scenario:0"],
            markerfacecolor=COLOURS["scenario:0"] if within else "white",
        )
        unit = r.get("unit", "")
        ax.annotate(
            f"official {fmt(obs, unit)}, model {fmt(_float(r['simulated_mean']), unit)}",
            (1.01, y),
            xycoords=("axes fraction", "data"),
            fontsize=6.5,
            va="center",
        )
    ax.plot(
        [100] * len(rows),
        range(len(rows)),
        "D",
        color=COLOURS["official"],
        markersize=5,
        label="Official figure (= 100)",
    )
    ax.plot([], [], "o", color="black", label="Model: within tolerance (90% interval)")
    ax.plot([], [], "o", color="black", markerfacecolor="white", label="Model: outside tolerance")
    ax.set_yticks(
        range(len(rows)),
        [f"{OUTCOME_LABELS.get(r['target'], r['target'])} ({r['year']})" for r in rows],
        fontsize=7,
    )
    ax.invert_yaxis()
    ax.set_xlabel("Simulated as % of the official figure")
    ax.set_ylabel("Calibration target (year)")
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    _finish(fig, run, f"Calibration: model against official figures ({name})")
    fig.subplots_adjust(right=0.72)
    return fig


# ---------------------------------------------------------------------------- 9. tornado


def tornado(run: RunData) -> Figure:
    """9. Sensitivity: how the scenario's difference moves as each assumption goes low/high."""
    by_ind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in run.sensitivity:
        by_ind[r["indicator"]].append(r)
    if not by_ind:
        raise NoData("no sensitivity.csv")
    if "method" in run.sensitivity[0]:  # --method morris or sobol: results.gsa_charts
        raise NoData(f"sensitivity.csv holds {run.sensitivity[0]['method']} indices, not swings")
    order = {k: i for i, k in enumerate(TORNADO_OUTCOMES)}
    inds = sorted(by_ind, key=lambda i: (order.get(i, 99), i))[:3]
    n = min(TORNADO_ROWS, max(len(by_ind[i]) for i in inds))
    fig, axes = _figure(len(inds), 1, 1.5 + len(inds) * (0.7 + 0.26 * n))
    for ax, ind in zip(axes, inds, strict=True):
        rows = sorted(
            by_ind[ind], key=lambda r: abs(_float(r["diff_at_high"]) - _float(r["diff_at_low"]))
        )[-TORNADO_ROWS:]
        central = _central_difference(run, ind)
        for y, r in enumerate(rows):
            lo, hi = _float(r["diff_at_low"]), _float(r["diff_at_high"])
            mid = central if central == central else (lo + hi) / 2
            ax.barh(
                y,
                lo - mid,
                left=mid,
                color=COLOURS["sensitivity:low"],
                height=0.6,
                label="Assumption at its low value" if y == 0 else None,
            )
            ax.barh(
                y,
                hi - mid,
                left=mid,
                color=COLOURS["sensitivity:high"],
                height=0.6,
                label="Assumption at its high value" if y == 0 else None,
            )
        if central == central:
            ax.axvline(
                central,
                color="#000000",
                linewidth=0.9,
                label="Central assumptions (comparison.csv)",
            )
        ax.axvline(0, color="#777777", linestyle="--", linewidth=0.9, label="No difference")
        ax.set_yticks(
            range(len(rows)),
            [f"{r['assumption']} ({r['low']} to {r['high']})" for r in rows],
            fontsize=7,
        )
        unit = (
            _axis_unit(
                run.summary.get(
                    (run.scenarios[0], ind),
                    Band(np.array([]), np.array([]), np.array([]), np.array([])),
                ).unit
            )
            if run.scenarios
            else ""
        )
        if unit == "£":
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v, "GBP", True)))
        ax.set_xlabel(
            f"Scenario − baseline: {OUTCOME_LABELS.get(ind, ind)}" + (f" ({unit})" if unit else ""),
            fontsize=8,
        )
        ax.set_ylabel("Assumption (low to high)", fontsize=8)
    axes[0].legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    tested = len({r["assumption"] for r in run.sensitivity})
    return _finish(
        fig,
        run,
        "Sensitivity: which assumptions move the result most",
        subtitle=f"Bars run from the scenario's difference under the central "
        f"assumptions (solid line) to its value with one assumption at its low or "
        f"high end. {tested} assumptions tested; the {TORNADO_ROWS} largest swings "
        f"are shown.",
    )


def _central_difference(run: RunData, indicator: str) -> float:
    for r in run.comparison:
        if r["indicator"] == indicator and r.get("year", "all") == "all":
            return _float(r["diff_mean"])
    return float("nan")


# ---------------------------------------------------------------------------- registry + save


@dataclass(frozen=True)
class ChartSpec:
    """A chart the report can include: file name, function and a caption for readers."""

    name: str
    make: Callable[[RunData], Figure]
    caption: str


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "children_in_care",
        children_in_care,
        "Children in care each month by placement group; lines are means over "
        "replicates, shaded bands the 90% interval.",
    ),
    ChartSpec(
        "entries_exits",
        entries_exits,
        "Children entering care (left bar) and leaving it by route (right bar) each "
        "year; whiskers show the 90% interval of the totals.",
    ),
    ChartSpec(
        "stability",
        stability,
        "DfE stability measures per scenario, with the England 2024 figures as dashed lines.",
    ),
    ChartSpec(
        "comparison",
        comparison_forest,
        "Each scenario minus the baseline over the whole run, as a percentage of the "
        "baseline, with 90% intervals of the paired differences. Figures on the right "
        "are in the outcome's own units.",
    ),
    ChartSpec(
        "costs", costs, "Annual spend by component; whiskers show the 90% interval of the total."
    ),
    ChartSpec(
        "resources",
        resources,
        "Foster carer households, approvals, leavers and vacant places, and the social "
        "work caseload, turnover and agency share.",
    ),
    ChartSpec(
        "market",
        market,
        "Where children live (outside the council's area; 20 miles or more from home), "
        "children in unregistered settings and days spent waiting in a placement that does "
        "not fit, how full foster and children's home places are, and the purchased "
        "children's home price.",
    ),
    ChartSpec(
        "pathways",
        pathways,
        "Children who left care during the run: where they were first placed and how "
        "their care ended (mean over replicates).",
    ),
    ChartSpec(
        "calibration",
        calibration,
        "Each calibration target: the official figure (diamond, = 100) and the "
        "simulated mean with its 90% interval; grey is the tolerance.",
    ),
    ChartSpec(
        "sensitivity",
        tornado,
        "How the scenario's difference from the baseline changes when each assumption "
        "is set to its low or high value, largest swing at the top.",
    ),
)


# Byte-identical files for identical inputs: SVG element ids are hashed with a fixed salt (the
# default is random per process) and no file carries a creation date.
SVG_RC: dict[Any, Any] = {"svg.hashsalt": "carepaths", "svg.fonttype": "path"}
PNG_METADATA: dict[str, str | None] = {"Software": "carepaths (matplotlib)"}
SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": "carepaths (matplotlib)"}


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``<folder>/<name>.png`` and ``.svg`` (both deterministic); return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(paths[0], dpi=150, facecolor="white", metadata=PNG_METADATA)
        fig.savefig(paths[1], facecolor="white", metadata=SVG_METADATA)
    return paths
