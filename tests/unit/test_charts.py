"""Charts from a small synthetic run folder: each is drawn, titled, labelled and sourced.

The synthetic folder (``synthetic_run``) has realistic magnitudes (about 700 children in care,
280 starts a year, 5 years, 3 replicates, two scenarios) and every optional input, so each chart
has something to draw; the report and browser tests reuse it.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from results import charts
from results.palette import COLOURS

YEARS = (2025, 2026, 2027, 2028, 2029)
REPS = (0, 1, 2)
SCENARIOS = ("baseline", "foster-carer-support")
SHARES = {
    "cla_foster_kinship": 0.14,
    "cla_foster_inhouse": 0.30,
    "cla_foster_agency": 0.20,
    "cla_residential": 0.11,
    "cla_supported": 0.08,
    "cla_with_parents": 0.06,
    "cla_placed_for_adoption": 0.03,
    "cla_other": 0.08,
}
ROUTES = {
    "returned_home": 0.30,
    "adopted": 0.10,
    "sgo": 0.12,
    "cao": 0.03,
    "age_18": 0.30,
    "other": 0.15,
}
FIRST = {
    "kinship": 0.15,
    "inhouse": 0.35,
    "agency": 0.22,
    "residential": 0.10,
    "supported": 0.08,
    "with_parents": 0.07,
    "other": 0.03,
}


def _noise(*keys: object) -> float:
    """Deterministic noise in [-0.5, 0.5) from the keys (no random generator needed)."""
    h = 0
    for k in keys:
        for ch in str(k):
            h = (h * 131 + ord(ch)) % 1_000_003
    return ((h * 7919) % 1000) / 1000 - 0.5


def _yearly(s: int, rep: int, year: int) -> dict[str, float]:
    t = year - YEARS[0]
    eff = 0.06 * s * min(1.0, t / 2)  # the support scenario's effect builds over two years
    total = 700 * (1 + 0.01 * t) * (1 + 0.03 * _noise(s, rep, year))
    out = {"cla_31_march": total}
    for ind, share in SHARES.items():
        adj = {"cla_foster_inhouse": eff, "cla_foster_agency": -eff}.get(ind, 0.0)
        out[ind] = total * share * (1 + adj + 0.05 * _noise(ind, rep, year))
    started = 280 * (1 + 0.05 * _noise("started", rep, year))
    ceased = started * 0.97
    out |= {"started": started, "ceased": ceased}
    out |= {f"ceased_{r}": ceased * v for r, v in ROUTES.items()}
    out |= {
        "unplanned_endings": 160 * (1 - 1.5 * eff) * (1 + 0.1 * _noise("u", rep, year)),
        "placement_moves": 260 * (1 - eff) * (1 + 0.1 * _noise("m", rep, year)),
        "reentries_within_12m": 18 * (1 + 0.2 * _noise("r", rep, year)),
        "placements_3plus_pct": 10.5 * (1 - eff) + _noise("p3", rep, year),
        "long_term_stable_pct": 66 + 30 * eff + 2 * _noise("lt", rep, year),
        "sw_changes_3plus_pct": 28 + 2 * _noise("sw", rep, year),
        "carer_households": 160 * (1 + 2 * eff) + 5 * _noise("ch", rep, year),
        "carer_approvals": 20 + 4 * _noise("ca", rep, year),
        "carer_deregistrations": 20 * (1 - 3 * eff) + 4 * _noise("cd", rep, year),
        "foster_vacancies": 30 + 6 * _noise("fv", rep, year),
        "caseload_mean": 17 + 2 * _noise("cl", rep, year),
        "sw_turnover_pct": 16 + 3 * _noise("to", rep, year),
        "agency_share_pct": 17 + 3 * _noise("ag", rep, year),
        "placed_outside_la_pct": 45 * (1 - eff) + 2 * _noise("po", rep, year),
        "placed_20_miles_plus_pct": 15 * (1 - eff) + 2 * _noise("pf", rep, year),
        "unregistered_placements": 8 * (1 - 2 * eff) + 2 * _noise("un", rep, year),
        "placement_shortfall_days": 900 * (1 - 2 * eff) + 100 * _noise("sd", rep, year),
        "occupancy_inhouse_foster_pct": 92 + 3 * _noise("oi", rep, year),
        "occupancy_agency_foster_pct": 72 + 3 * _noise("oa", rep, year),
        "occupancy_residential_pct": 90 + 3 * _noise("or", rep, year),
        "price_residential_gbp_per_week": 6123 * (1 - eff) + 200 * _noise("pr", rep, year),
    }
    weekly = {
        "kinship": 350,
        "inhouse": 500,
        "agency": 1000,
        "residential": 6000,
        "supported": 1500,
        "other": 2000,
    }
    stock = {
        "kinship": "cla_foster_kinship",
        "inhouse": "cla_foster_inhouse",
        "agency": "cla_foster_agency",
        "residential": "cla_residential",
        "supported": "cla_supported",
        "other": "cla_other",
    }
    for k, w in weekly.items():
        out[f"cost_placements_{k}_gbp"] = out[stock[k]] * w * 52
    out["cost_placements_gbp"] = sum(out[f"cost_placements_{k}_gbp"] for k in weekly)
    out["cost_workforce_gbp"] = 12e6 * (1 + 0.02 * _noise("w", rep, year))
    out["cost_levers_gbp"] = 0.4 * 160 * 4500 * s * min(1.0, t / 1 + 0.5)
    out["cost_total_gbp"] = (
        out["cost_placements_gbp"] + out["cost_workforce_gbp"] + out["cost_levers_gbp"]
    )
    for g, gs in FIRST.items():
        for r, rs in ROUTES.items():
            out[f"pathway_{g}_to_{r}"] = ceased * gs * rs * (1 + 0.2 * _noise(g, r, rep, year))
    return out


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _indicators() -> dict[tuple[str, str, int], list[float]]:
    vals: dict[tuple[str, str, int], list[float]] = {}
    for s, name in enumerate(SCENARIOS):
        for rep in REPS:
            for year in YEARS:
                for ind, v in _yearly(s, rep, year).items():
                    vals.setdefault((name, ind, year), []).append(v)
    return vals


def synthetic_run(
    folder: Path, *, comparison: bool = True, sensitivity: bool = True, fit: bool = True
) -> Path:
    """Write a small but realistic compare run folder into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    vals = _indicators()
    _write(
        folder / "indicators.csv",
        ["scenario", "replicate", "year", "indicator", "value"],
        [[s, REPS[i], y, ind, v] for (s, ind, y), vs in vals.items() for i, v in enumerate(vs)],
    )
    _write(
        folder / "summary.csv",
        ["scenario", "indicator", "year", "unit", "mean", "p5", "p50", "p95"],
        [
            [s, ind, y, _unit(ind), np.mean(v), *np.percentile(v, [5, 50, 95])]
            for (s, ind, y), v in vals.items()
        ],
    )
    ts = []
    for name in SCENARIOS:
        for rep in REPS:
            for month in range(60):
                yr, mo = 2024 + (month + 4) // 12, (month + 4) % 12 + 1
                date = f"{yr}-{mo:02d}-28"
                frac = month / 60
                for ind, share in SHARES.items():
                    s = SCENARIOS.index(name)
                    adj = {"cla_foster_inhouse": 1, "cla_foster_agency": -1}.get(ind, 0)
                    v = (
                        700
                        * share
                        * (
                            1
                            + 0.05 * frac
                            + 0.06 * s * adj * min(1, frac * 2.5)
                            + 0.04 * _noise(ind, rep, month)
                        )
                    )
                    ts.append([name, rep, date, ind, round(v, 3)])
    _write(folder / "timeseries.csv", ["scenario", "replicate", "date", "indicator", "value"], ts)
    if comparison:
        _write(
            folder / "comparison.csv",
            [
                "scenario",
                "baseline",
                "indicator",
                "unit",
                "baseline_mean",
                "scenario_mean",
                "diff_mean",
                "diff_p5",
                "diff_p95",
                "pct_change",
                "year",
            ],
            _comparison(vals),
        )
    if sensitivity:
        rows = []
        for a, lo, hi, k in (
            ("carers.support_deregistration_ratio", 0.18, 1.0, 1.0),
            ("carers.support_disruption_ratio", 0.7, 1.0, 0.6),
            ("endings.caseload_effect", 0.0, 0.04, 0.2),
        ):
            rows += [
                [a, lo, hi, "unplanned_endings", -20 * k - 8, -8 + 6 * k],
                [a, lo, hi, "cost_total_gbp", -2e5 * k + 1e5, 1e5 + 1e5 * k],
            ]
        _write(
            folder / "sensitivity.csv",
            ["assumption", "low", "high", "indicator", "diff_at_low", "diff_at_high"],
            rows,
        )
    if fit:
        _write(
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
            _fit_rows(),
        )
    manifest = {
        "tool_version": "0.1.0",
        "command": "compare",
        "area": "england-average",
        "years": 5,
        "replicates": 3,
        "seed": 1,
        "calibration_file": "calibration/fitted/england-2024.toml",
        "command_line": "run.py compare baseline foster-carer-support --years 5 --reps 3",
        "wall_seconds": 12.5,
        "finished_utc": "2026-11-27T03:00:00Z",
        "scenarios": [
            {
                "name": "baseline",
                "title": "Baseline",
                "files": [],
                "levers": {},
                "assumptions": {},
                "evidence": {},
            },
            {
                "name": "foster-carer-support",
                "title": "Enhanced carer support",
                "description": "Enhanced support for 40% of in-house carers.",
                "files": [],
                "levers": {"carers.support_share": {"from": "2025-04-01", "value": 0.4}},
                "assumptions": {"carers.support_deregistration_ratio": 0.6},
                "evidence": {
                    "carers.support_deregistration_ratio": (
                        "Mockingbird evaluation: 82% less likely to deregister (weak design)"
                    )
                },
            },
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def trim_run(folder: Path, keep: set[str]) -> Path:
    """Cut a synthetic run down to ``keep`` indicators in summary.csv and nothing else, so a
    test that only needs a chart or two draws fast."""
    for name in (
        "timeseries.csv",
        "indicators.csv",
        "comparison.csv",
        "sensitivity.csv",
        "england-average-2024.fit.csv",
    ):
        (folder / name).unlink(missing_ok=True)
    with open(folder / "summary.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    _write(folder / "summary.csv", rows[0], [r for r in rows[1:] if r[1] in keep])
    return folder


def _unit(ind: str) -> str:
    from simulation.indicator_names import unit_of

    return unit_of(ind)


def _comparison(vals: dict[tuple[str, str, int], list[float]]) -> list[list[object]]:
    rows: list[list[object]] = []
    base, scen = SCENARIOS
    for ind in charts.KEY_OUTCOMES:
        b = np.array([vals[(base, ind, y)] for y in YEARS])  # years x reps
        s = np.array([vals[(scen, ind, y)] for y in YEARS])
        for label, bv, sv in [("all", b.mean(axis=0), s.mean(axis=0))] + [
            (str(y), b[i], s[i]) for i, y in enumerate(YEARS)
        ]:
            d = sv - bv
            rows.append(
                [
                    scen,
                    base,
                    ind,
                    _unit(ind),
                    bv.mean(),
                    sv.mean(),
                    d.mean(),
                    *np.percentile(d, [5, 95]),
                    100 * d.mean() / bv.mean(),
                    label,
                ]
            )
    return rows


def _fit_rows() -> list[list[object]]:
    targets = (
        ("cla_31_march", "children", 700, 690),
        ("started", "children", 280, 300),
        ("ceased", "children", 272, 268),
        ("placements_3plus_pct", "percent", 10, 10.8),
        ("long_term_stable_pct", "percent", 68, 61),
        ("cla_foster_agency", "children", 130, 139),
    )
    rows: list[list[object]] = []
    for t, unit, obs, sim in targets:
        rel = (sim - obs) / obs
        rows.append(
            [
                t,
                2024,
                unit,
                obs,
                sim,
                sim * 0.95,
                sim * 1.05,
                rel,
                0.1,
                str(abs(rel) <= 0.1).lower(),
            ]
        )
    return rows


# ---------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> charts.RunData:
    return charts.load_run(synthetic_run(tmp_path_factory.mktemp("run")))


def _ylabel(ax: object, axes: list) -> str:
    shared = ax.get_shared_y_axes()  # type: ignore[attr-defined]
    return " ".join(o.get_ylabel() for o in axes if o is ax or shared.joined(ax, o))


def _artists(fig: Figure) -> int:
    return sum(len(ax.lines) + len(ax.patches) + len(ax.collections) for ax in fig.axes)


@pytest.mark.parametrize("spec", charts.CHARTS, ids=[c.name for c in charts.CHARTS])
def test_each_chart_has_title_axis_labels_source_and_content(
    run: charts.RunData, spec: charts.ChartSpec, tmp_path: Path
) -> None:
    fig = spec.make(run)
    assert isinstance(fig, Figure)
    assert len(fig.get_suptitle()) > 10
    texts = [t.get_text() for t in fig.texts]
    assert any(
        t.startswith("Source: carepaths 0.1.0")
        and "3 replicates" in t
        and "england-2024.toml" in t
        and "Enhanced carer support" in t
        for t in texts
    )
    visible = [ax for ax in fig.axes if ax.axison]
    assert visible and all(ax.get_xlabel() for ax in visible)
    assert all(_ylabel(ax, visible) for ax in visible)  # its own or its shared y axis's
    assert fig.legends or any(ax.get_legend() for ax in fig.axes)
    assert _artists(fig) >= 5
    png, svg = charts.save(fig, tmp_path, spec.name)
    assert png.stat().st_size > 20_000 and svg.read_text().startswith("<?xml")


def test_children_in_care_draws_a_line_and_band_per_group_and_scenario(run: charts.RunData) -> None:
    fig = charts.children_in_care(run)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.lines) == 8 and len(ax.collections) == 8
        assert ax.lines[2].get_color() == COLOURS["placement:agency"]
        assert 100 < max(ax.lines[1].get_ydata()) < 300  # in-house ~30% of ~700


def test_stability_shows_england_reference_lines(run: charts.RunData) -> None:
    fig = charts.stability(run)
    for ax, (ind, _) in zip(fig.axes, charts.STABILITY, strict=True):
        refs = [ln for ln in ax.lines if ln.get_color() == COLOURS["official"]]
        assert refs and refs[0].get_ydata()[0] == charts.ENGLAND_REFERENCE[ind]


def test_forest_plot_points_sit_at_percentage_difference(run: charts.RunData) -> None:
    fig = charts.comparison_forest(run)
    row = next(
        r for r in run.comparison if r["indicator"] == "cla_foster_agency" and r["year"] == "all"
    )
    expected = float(row["diff_mean"]) / float(row["baseline_mean"]) * 100
    xs = [x for ln in fig.axes[0].lines for x in np.atleast_1d(ln.get_xdata())]
    assert any(math.isclose(float(x), expected, rel_tol=1e-9) for x in xs)
    assert expected < 0  # agency care falls under enhanced support in the fixture


def test_pathways_flows_add_up_to_children_who_left(run: charts.RunData) -> None:
    flows = charts._pathway_totals(run, "baseline")
    ceased = run.summary[("baseline", "ceased")].mean.sum()
    assert math.isclose(sum(flows.values()), ceased, rel_tol=0.1)


def test_missing_inputs_raise_nodata(tmp_path: Path) -> None:
    folder = synthetic_run(tmp_path / "bare", comparison=False, sensitivity=False, fit=False)
    run = charts.load_run(folder)
    for fn in (charts.comparison_forest, charts.tornado, charts.calibration):
        with pytest.raises(charts.NoData):
            fn(run)


def test_palette_gives_each_meaning_its_own_colour() -> None:
    assert len(set(COLOURS.values())) == len(COLOURS)


def test_fmt_reads_like_a_report() -> None:
    assert charts.fmt(1_234_567, "GBP") == "£1.2m"
    assert charts.fmt(-45_000, "GBP", signed=True) == "−£45k"
    assert charts.fmt(12.345, "percent") == "12.3%"
    assert charts.fmt(1204.4) == "1,204"
    assert charts.year_label(2025) == "2024-25"


def test_a_mean_outside_its_own_interval_is_drawn_not_dropped(
    run: charts.RunData, tmp_path: Path
) -> None:
    # A count that is zero in most replicates: mean 1, 5-95% interval 0 to 0.
    row = dict(run.comparison[0], indicator="cla_residential", year="all")
    row.update(baseline_mean="10", diff_mean="1", diff_p5="0", diff_p95="0")
    skewed = charts.RunData(run.folder, run.manifest, run.scenarios, run.titles, comparison=[row])
    fig = charts.comparison_forest(skewed)  # raised "'xerr' must not contain negative values"
    xs = [float(x) for ln in fig.axes[0].lines for x in np.atleast_1d(ln.get_xdata())]
    assert 10.0 in xs  # the mean, +10% of the baseline, where it is
    charts.save(fig, tmp_path, "comparison")
    bars = [c for c in fig.axes[0].collections if len(c.get_segments())]
    (segment,) = bars[0].get_segments()
    assert segment[:, 0].tolist() == [0.0, 0.0]  # the interval as the data give it: 0 to 0
