"""Bad input, as a careless or unlucky user would give it: every case is refused cleanly.

Each case runs the real command line in-process (typer's CliRunner, no model run: validation
comes first) and asserts the contract of issue 16: exit code 2, no traceback, one message that
names the option, file, key or row (the words listed with the case), and nothing written
anywhere: not in the working folder, not in ``--out``, not in the run folder given to ``report``.

Classes: command-line options, scenario files, plug-ins, calibration fit files, run folders.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from results import compare as compare_module
from results import store
from results.sensitivity import SENSITIVITY_HEADER
from run import app

ROOT = Path(__file__).resolve().parents[2]
FIT = ROOT / "calibration" / "fitted" / "la-340-2016.toml"
QUICK = ["--years", "1", "--reps", "1", "--jobs", "1", "--no-report"]
LONG_NAME = "x" * 300


@dataclass(frozen=True)
class Case:
    """A bad input: the arguments after ``run.py``, files to write first, expected words."""

    id: str
    args: list[str]
    words: tuple[str, ...]
    files: dict[str, bytes | str] = field(default_factory=dict)
    quick: bool = True  # add the fast options (only for simulate/compare/sensitivity)


def _sim(*args: str) -> list[str]:
    return ["simulate", *args]


def _scenario(id: str, text: bytes | str, *words: str) -> Case:
    return Case(id, _sim("s.toml"), ("s.toml", *words), {"s.toml": text})


OPTION_CASES = [
    Case("years-zero", _sim("--years", "0"), ("--years",), quick=False),
    Case("years-too-many", _sim("--years", "51"), ("--years",), quick=False),
    Case("years-not-a-number", _sim("--years", "five"), ("--years",), quick=False),
    Case("reps-zero", _sim("--reps", "0"), ("--reps",), quick=False),
    Case("reps-too-many", _sim("--reps", "10001"), ("--reps",), quick=False),
    Case("seed-negative", _sim("--seed", "-1"), ("--seed",)),
    Case("seed-past-2-63", _sim("--seed", str(2**63 + 7)), ("--seed", "9223372036854775807")),
    Case("seed-not-a-number", _sim("--seed", "1e3"), ("--seed",)),
    Case("jobs-negative", _sim("--jobs", "-1"), ("--jobs",), quick=False),
    Case("executor-unknown", _sim("--executor", "slurm"), ("slurm", "'local' or 'dask'")),
    Case(
        "scheduler-without-dask",
        _sim("--scheduler", "tcp://127.0.0.1:8786"),
        ("--scheduler", "--executor dask"),
    ),
    Case(
        "scheduler-not-an-address",
        _sim("--executor", "dask", "--scheduler", "not a scheduler"),
        ("'not a scheduler'", "tcp://HOST:PORT"),
    ),
    Case(
        "scheduler-port-out-of-range",
        _sim("--executor", "dask", "--scheduler", "tcp://127.0.0.1:99999"),
        ("99999", "port 1 to 65535"),
    ),
    Case(
        "scheduler-empty", _sim("--executor", "dask", "--scheduler", ""), ("--scheduler", "tcp://")
    ),
    Case("out-empty", _sim("--out", ""), ("--out is empty",)),
    Case("out-blank", _sim("--out", "   "), ("--out is empty",)),
    Case("out-name-too-long", _sim("--out", LONG_NAME), ("--out", "300 bytes", "255")),
    Case("out-is-a-file", _sim("--out", "afile"), ("afile", "is a file"), {"afile": "x"}),
    Case("out-under-a-file", _sim("--out", "afile/runs"), ("afile/runs",), {"afile": "x"}),
    Case("area-unknown", _sim("--area", "atlantis"), ("atlantis", "england-average")),
    Case("area-empty", _sim("--area", ""), ("--area is empty", "england-average")),
    Case("area-la-unknown", _sim("--area", "la-999-2016"), ("unknown local authority", "999")),
    Case(
        "area-la-without-fit", _sim("--area", "la-383-2019"), ("Leeds (383)", "2019", "calibrate")
    ),
    Case("unknown-option", _sim("--frobnicate"), ("--frobnicate",), quick=False),
    Case("scenario-unknown", _sim("no-such-scenario"), ("no-such-scenario", "baseline")),
    Case("scenario-empty-name", _sim(""), ("scenario ''", "available scenarios")),
    Case("scenario-path-missing", _sim("missing/s.toml"), ("missing/s.toml", "not found")),
    Case("compare-one-scenario", ["compare", "baseline"], ("needs a baseline and at least one",)),
    Case("compare-twice", ["compare", "baseline", "baseline"], ("given twice",)),
    Case("compare-unknown", ["compare", "baseline", "nope"], ("'nope' not found",)),
    Case("compare-out-empty", ["compare", "baseline", "kinship-first", "--out", ""], ("--out",)),
    Case(
        "compare-years-zero",
        ["compare", "baseline", "kinship-first", "--years", "0"],
        ("--years",),
        quick=False,
    ),
    Case(
        "compare-bad-scheduler",
        ["compare", "baseline", "kinship-first", "--executor", "dask", "--scheduler", "x"],
        ("--scheduler 'x'",),
    ),
    Case("sensitivity-unknown", ["sensitivity", "nope"], ("'nope' not found",)),
    Case(
        "sensitivity-out-too-long",
        ["sensitivity", "kinship-first", "--out", LONG_NAME],
        ("--out", "255"),
    ),
    Case("sensitivity-area-unknown", ["sensitivity", "kinship-first", "--area", "mars"], ("mars",)),
    Case("report-missing-folder", ["report", "nowhere"], ("nowhere", "not a folder"), quick=False),
    Case(
        "report-a-file", ["report", "afile"], ("afile", "not a folder"), {"afile": "x"}, quick=False
    ),
    Case(
        "report-empty-folder",
        ["report", "empty"],
        ("empty", "no manifest.json"),
        {"empty/.keep": ""},
        quick=False,
    ),
]

SCENARIO_CASES = [
    _scenario("not-toml", "title = \n", "not valid TOML"),
    _scenario("unknown-top-level", 'title = "x"\nlevel = 3\n', "'level'", "Allowed"),
    _scenario("title-not-text", "title = 3\n", "title must be text"),
    _scenario("levers-not-a-table", 'title = "x"\nlevers = 3\n', "[levers] must be a table"),
    _scenario(
        "unknown-lever",
        'title = "x"\n[levers]\n"carers.suport_share" = 0.4\n',
        "'carers.suport_share'",
        "Did you mean 'carers.support_share'",
    ),
    _scenario(
        "assumption-as-lever",
        'title = "x"\n[levers]\n"carers.support_deregistration_ratio" = 0.5\n',
        "[levers]",
        "move it to [assumptions]",
    ),
    _scenario(
        "lever-as-assumption",
        'title = "x"\n[assumptions]\n"carers.support_share" = 0.5\n',
        "[assumptions]",
        "move it to [levers]",
    ),
    _scenario(
        "out-of-range",
        'title = "x"\n[levers]\n"carers.support_share" = 1.5\n',
        "carers.support_share",
        "allowed 0",
    ),
    _scenario(
        "text-for-number",
        'title = "x"\n[levers]\n"carers.support_share" = "lots"\n',
        "carers.support_share",
        "expected a number",
    ),
    _scenario(
        "bool-for-number",
        'title = "x"\n[levers]\n"carers.support_share" = true\n',
        "carers.support_share",
        "expected a number",
    ),
    _scenario(
        "nan",
        'title = "x"\n[levers]\n"carers.support_share" = nan\n',
        "carers.support_share",
        "NaN",
    ),
    _scenario(
        "dated-without-value",
        'title = "x"\n[levers]\n"carers.support_share" = { from = "2026-04-01" }\n',
        "carers.support_share",
        "'from' and 'value'",
    ),
    _scenario(
        "dated-not-a-date",
        'title = "x"\n[levers]\n"carers.support_share" = { from = "soon", value = 0.4 }\n',
        "'soon'",
        "YYYY-MM-DD",
    ),
    _scenario(
        "dated-before-start",
        'title = "x"\n[levers]\n"carers.support_share" = { from = 2020-01-01, value = 0.4 }\n',
        "2020-01-01",
        "before the model start",
    ),
    _scenario("extends-missing", 'title = "x"\nextends = "nothing-here"\n', "'nothing-here'"),
    _scenario(
        "evidence-unknown-key",
        'title = "x"\n[evidence]\n"carers.nope" = "a note"\n',
        "[evidence]",
        "'carers.nope'",
    ),
    _scenario(
        "evidence-not-text",
        'title = "x"\n[evidence]\n"carers.support_share" = 3\n',
        "[evidence]",
        "must be text",
    ),
    _scenario(
        "engine-plugins-as-assumption",
        'title = "x"\n[assumptions]\n"engine.plugins" = "mymod"\n',
        "engine.plugins",
        "plugins = ",
    ),
    _scenario(
        "list-of-wrong-length",
        'title = "x"\n[assumptions]\n"entry.age_shares_non_uasc" = [0.5, 0.5]\n',
        "entry.age_shares_non_uasc",
        "expected a list of",
    ),
    _scenario("plugins-not-a-list", 'title = "x"\nplugins = "mymod"\n', "plugins must be a list"),
    _scenario(
        "plugin-not-a-module-path",
        'title = "x"\nplugins = ["my-mod!"]\n',
        "'my-mod!'",
        "not a Python module path",
    ),
    _scenario(
        "plugin-missing",
        'title = "x"\nplugins = ["no_such_module_xyz"]\n',
        "no_such_module_xyz",
        "cannot be found",
    ),
    Case(
        "extends-cycle",
        _sim("a.toml"),
        ("a.toml", "cycle"),
        {
            "a.toml": 'title = "a"\nextends = "b.toml"\n',
            "b.toml": 'title = "b"\nextends = "a.toml"\n',
        },
    ),
    Case(
        "compare-bad-second-scenario",
        ["compare", "baseline", "s.toml"],
        ("s.toml", "carers.support_share"),
        {"s.toml": 'title = "x"\n[levers]\n"carers.support_share" = -1\n'},
    ),
    Case(
        "sensitivity-bad-scenario",
        ["sensitivity", "s.toml"],
        ("s.toml", "[assumptions]"),
        {"s.toml": 'title = "x"\n[assumptions]\n"carers.support_share" = 0.5\n'},
    ),
]


def _plugin(id: str, module: str, source: str, *words: str, run: bool = False) -> Case:
    """A scenario naming a plug-in module (written beside it, importable from the workdir)."""
    return Case(
        id,
        _sim("s.toml"),
        (f"plug-in {module} failed", *words),
        {"s.toml": f'title = "x"\nplugins = ["{module}"]\n', f"{module}.py": source},
    )


SCENARIO_CASES += [
    _scenario("not-utf8-random-bytes", bytes(range(128, 256)) * 3, "not UTF-8", "0x80"),
    _scenario("not-utf8-utf16-start", "\ufefftitle = 'x'\n".encode("utf-16"), "not UTF-8"),
    _scenario("empty-file", "", "empty", "says what it is"),
    _scenario("comment-only", "# a scenario, one day\n\n", "only comments"),
    _scenario(
        "list-item-typo",
        'title = "x"\n[levers]\n"matching.order" = "kinship,inhose,agency,residental"\n',
        "matching.order",
        "'inhose'",
        "Did you mean 'inhouse'",
    ),
    _scenario(
        "list-item-repeated",
        'title = "x"\n[levers]\n"matching.order" = "kinship,agency,agency"\n',
        "matching.order",
        "more than once",
    ),
    _scenario(
        "engine-rules-typo",
        'title = "x"\n[assumptions]\n"engine.rules" = "entry,matchin,endings,exits"\n',
        "[assumptions] engine.rules",
        "'matchin'",
        "Did you mean 'matching'",
    ),
    _plugin(
        "plugin-raises-on-import",
        "bad_plugin_raises",
        'raise RuntimeError("no licence file")\n',
        "RuntimeError: no licence file",
    ),
    _plugin("plugin-syntax-error", "bad_plugin_syntax", "def rule(:\n", "SyntaxError", "line 1"),
    _plugin(
        "plugin-missing-import",
        "bad_plugin_imports",
        "import numpyy\n",
        "ModuleNotFoundError",
        "numpyy",
    ),
    _plugin(
        "plugin-rule-raises-during-run",
        "bad_plugin_runtime",
        "from simulation.rules.registry import Rule, register_rule\n\n\n"
        '@register_rule("exploding", plugin=True)\n'
        "class Exploding(Rule):\n"
        "    def year_end(self, year: int) -> None:\n"
        '        raise ZeroDivisionError("no carers to divide by")\n',
        "rule exploding raised ZeroDivisionError: no carers to divide by",
        "bad_plugin_runtime.py:7 in year_end",
    ),
]


def _fit(edit: Callable[[str], str]) -> str:
    return edit(FIT.read_text(encoding="utf-8"))


def _fit_case(id: str, content: bytes | str, *words: str) -> Case:
    return Case(
        id,
        _sim("--area", "la-340-2016"),
        ("la-340-2016.toml", *words),
        {"fitted/la-340-2016.toml": content},
    )


def _out_of_range(text: str) -> str:
    old = '"area.population_0_17" = 32584'
    assert old in text
    return text.replace(old, '"area.population_0_17" = -5', 1)


FIT_CASES = [
    _fit_case("fit-random-bytes", bytes(range(128, 256)) * 4, "not UTF-8"),
    _fit_case("fit-utf16-start", b"\xff\xfe[\x00p\x00", "not UTF-8"),
    _fit_case("fit-not-toml", "[parameters\n", "not valid TOML"),
    _fit_case("fit-empty", "", "[parameters]", "found nothing"),
    _fit_case("fit-comment-only", "# nothing fitted\n", "[parameters]"),
    _fit_case("fit-parameters-a-number", "parameters = 3\n", "[parameters]", "found 3"),
    _fit_case(
        "fit-unknown-parameter",
        '[parameters]\n"carers.nope" = 1.0\n',
        "[parameters]",
        "'carers.nope'",
    ),
    _fit_case("fit-value-out-of-range", _out_of_range(FIT.read_text()), "area.population_0_17"),
    _fit_case(
        "fit-ensemble-not-tables",
        'ensemble = [1, 2]\n[parameters]\n"endings.settled_ratio" = 0.5\n',
        "ensemble",
        "array of tables",
    ),
    _fit_case(
        "fit-ensemble-member-bad",
        '[parameters]\n"endings.settled_ratio" = 0.5\n'
        '[[ensemble]]\n"endings.settled_ratio" = "x"\n',
        "member 1",
        "endings.settled_ratio",
    ),
]


# ---------------------------------------------------------------------------- run folders


def _write_run_folder(folder: Path) -> Path:
    """A small but complete compare run folder written by the project's own writers."""
    folder.mkdir(parents=True)
    ts = [
        ("baseline", r, f"2024-0{m}-30", "cla_31_march", 700.0 + r + m)
        for r in (0, 1)
        for m in (4, 6)
    ]
    ts += [("kinship-first", r, d, i, v + 1) for (_, r, d, i, v) in ts]
    ind = [(s, r, 2025, i, v) for (s, r, _, i, v) in ts]
    store.write_timeseries(folder / "timeseries.csv", ts)
    store.write_indicators(folder / "indicators.csv", ind)
    from results.summary import summarise

    store.write_summary(folder / "summary.csv", summarise(ind))
    rows = compare_module.comparison_rows(ind, "baseline", ["baseline", "kinship-first"])
    compare_module.write_comparison(folder / "comparison.csv", rows)
    store.write_csv(
        folder / "sensitivity.csv",
        SENSITIVITY_HEADER,
        [("endings.caseload_effect", 0.0, 0.04, "unplanned_endings", -3.0, 1.0)],
    )
    manifest = {
        "tool": "carepaths",
        "command": "compare",
        "command_line": "run.py compare baseline kinship-first",
        "area": "england-average",
        "years": 1,
        "replicates": 2,
        "seed": 1,
        "scenarios": [{"name": "baseline", "levers": {}}, {"name": "kinship-first", "levers": {}}],
    }
    store.write_manifest(folder / "manifest.json", manifest)
    return folder


def _edit_manifest(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / "manifest.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return damage


def _cut(name: str, keep: float) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: int(len(data) * keep)])

    return damage


def _cut_after_rows(name: str, rows: int) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        lines = (folder / name).read_text().splitlines(keepends=True)
        (folder / name).write_text("".join(lines[: rows + 1]))

    return damage


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))

    return damage


def _binary(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 20)

    return damage


def _unlisted(damage: Callable[[Path], None]) -> Callable[[Path], None]:
    """Damage a folder whose manifest does not list its outputs (older runs): structure only."""

    def both(folder: Path) -> None:
        _edit_manifest(lambda m: m.pop("outputs"))(folder)
        damage(folder)

    return both


def _remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def _rename_partial(folder: Path) -> None:
    """Make it look like what a killed run leaves: a hidden .<name>.partial-<pid> folder."""
    folder.rename(folder.with_name(f".{folder.name}.partial-999999"))


FOLDER_CASES: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("partial-folder", _rename_partial, ("partial run folder", "killed")),
    (
        "manifest-a-list",
        lambda f: (f / "manifest.json").write_text("[]"),
        ("manifest.json", "JSON object"),
    ),
    ("manifest-not-json", lambda f: (f / "manifest.json").write_text("{oops"), ("as JSON",)),
    (
        "manifest-not-utf8",
        lambda f: (f / "manifest.json").write_bytes(b'{"a": "\xff"}'),
        ("manifest.json", "not UTF-8"),
    ),
    (
        "manifest-scenarios-not-a-list",
        _edit_manifest(lambda m: m.update(scenarios="baseline")),
        ("'scenarios'", "a list"),
    ),
    (
        "manifest-scenario-not-an-object",
        _edit_manifest(lambda m: m.update(scenarios=["x"])),
        ("scenarios[0]", "'name'"),
    ),
    (
        "manifest-replicates-text",
        _edit_manifest(lambda m: m.update(replicates="2")),
        ("'replicates'", "whole number"),
    ),
    (
        "manifest-command-unknown",
        _edit_manifest(lambda m: m.update(command="dance")),
        ("'command'", "simulate"),
    ),
    (
        "manifest-outputs-bad",
        _edit_manifest(lambda m: m.update(outputs=[{"path": "x"}])),
        ("outputs[0]", "sha256"),
    ),
    ("summary-cut-mid-row", _cut("summary.csv", 0.6), ("summary.csv", "cut short")),
    ("summary-cut-at-a-row", _cut_after_rows("summary.csv", 1), ("summary.csv", "cut short")),
    ("summary-binary", _binary("summary.csv"), ("summary.csv", "not the file the run wrote")),
    ("summary-edited", _replace("summary.csv", "baseline", "baselinx"), ("summary.csv", "changed")),
    ("summary-missing-listed", _remove("summary.csv"), ("summary.csv", "missing")),
    ("timeseries-cut-short", _cut("timeseries.csv", 0.5), ("timeseries.csv", "cut short")),
    (
        "unlisted-timeseries-binary",
        _unlisted(_binary("timeseries.csv")),
        ("timeseries.csv", "not UTF-8"),
    ),
    ("unlisted-summary-cut-mid-row", _unlisted(_cut("summary.csv", 0.6)), ("summary.csv", "line")),
    (
        "unlisted-summary-no-column",
        _unlisted(_replace("summary.csv", ",p95", ",p96")),
        ("summary.csv", "p95"),
    ),
    (
        "unlisted-summary-not-a-number",
        _unlisted(_replace("summary.csv", ",705.5,", ",seven,")),
        ("summary.csv", "column", "not a number"),
    ),
    (
        "unlisted-timeseries-bad-date",
        _unlisted(_replace("timeseries.csv", "2024-04-30", "soon")),
        ("timeseries.csv", "date"),
    ),
    (
        "unlisted-indicators-header-only",
        _unlisted(_cut_after_rows("indicators.csv", 0)),
        ("indicators.csv", "no rows"),
    ),
    (
        "unlisted-comparison-not-a-number",
        _unlisted(_replace("comparison.csv", "children,", "children,lots")),
        ("comparison.csv", "not a number"),
    ),
    (
        "unlisted-sensitivity-no-column",
        _unlisted(_replace("sensitivity.csv", "diff_at_high", "diff")),
        ("sensitivity.csv", "diff_at_high"),
    ),
    (
        "unlisted-nul-bytes",
        _unlisted(
            lambda f: (f / "summary.csv").write_bytes(
                (f / "summary.csv").read_bytes().replace(b"baseline", b"base\x00ine", 1)
            )
        ),
        ("summary.csv",),
    ),
    (
        "no-tables",
        _unlisted(lambda f: [p.unlink() for p in f.glob("*.csv")] and None),
        ("nothing to report",),
    ),
]


# ---------------------------------------------------------------------------- the check


def _tree(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``roots`` with its size and modification time."""
    out = {}
    for root in roots:
        if root.exists():
            for p in [root, *root.rglob("*")]:
                st = p.stat()
                out[str(p)] = (st.st_size if p.is_file() else -1, st.st_mtime_ns)
    return out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder of its own (the default --out is relative to it); signals restored."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("NO_COLOR", "1")
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield tmp_path
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def assert_refused(args: list[str], words: tuple[str, ...], watch: list[Path]) -> str:
    before = _tree(*watch, ROOT / "results" / "runs")
    result = CliRunner().invoke(app, args)
    output = result.output  # stdout and stderr, as the user sees them
    assert result.exit_code == 2, (result.exit_code, output, result.exception)
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in output
    assert not re.search(r"^[A-Z]\w*(Error|Exception|Interrupt)\b", output, re.M), output
    flat = " ".join(output.replace("│", " ").split())
    for word in words:
        assert word in flat, (word, flat)
    assert _tree(*watch, ROOT / "results" / "runs") == before, "something was written"
    return flat


def _prepare(case: Case, workdir: Path) -> list[str]:
    for name, content in case.files.items():
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    extra = ["--out", "out"] if "--out" not in case.args and case.args[0] != "report" else []
    return [*case.args, *(QUICK if case.quick else []), *extra]


@pytest.mark.parametrize("case", OPTION_CASES + SCENARIO_CASES, ids=lambda c: c.id)
def test_refused_cleanly(case: Case, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(workdir))  # plug-in modules written beside the scenario
    args = _prepare(case, workdir)
    message = assert_refused(args, case.words, [workdir])
    if case.args[0] != "report" and "--out" not in case.args and case.quick:
        assert not (workdir / "out").exists()
    assert message.count("error:") <= 1


@pytest.mark.parametrize("case", FIT_CASES, ids=lambda c: c.id)
def test_fit_file_refused_cleanly(
    case: Case, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calibration import fitted_params

    monkeypatch.setattr(fitted_params, "FITTED_DIR", workdir / "fitted")
    args = _prepare(case, workdir)
    assert_refused(args, case.words, [workdir])


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_run_folder(tmp_path_factory.mktemp("good") / "20250101-000000-compare")


@pytest.mark.parametrize(
    ("damage", "words"), [c[1:] for c in FOLDER_CASES], ids=[c[0] for c in FOLDER_CASES]
)
def test_report_refuses_a_damaged_run_folder(
    damage: Callable[[Path], None], words: tuple[str, ...], good_run: Path, workdir: Path
) -> None:
    folder = workdir / good_run.name
    shutil.copytree(good_run, folder)
    damage(folder)
    (target,) = [p for p in workdir.iterdir() if p.is_dir()]
    assert_refused(["report", str(target)], words, [workdir])


def test_the_undamaged_run_folder_is_accepted(good_run: Path, workdir: Path) -> None:
    from results.run_folder import check_run_folder

    manifest = check_run_folder(good_run)
    assert [o["path"] for o in manifest["outputs"]] == [
        "comparison.csv",
        "indicators.csv",
        "sensitivity.csv",
        "summary.csv",
        "timeseries.csv",
    ]


def test_case_count() -> None:
    """Issue 16 asks for at least 60 distinct bad inputs across the classes."""
    ids = [c.id for c in OPTION_CASES + SCENARIO_CASES + FIT_CASES] + [c[0] for c in FOLDER_CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60


def test_the_seed_bound_is_the_range_the_engine_uses() -> None:
    """Replicate seeds are derived modulo 2**SEED_BITS: a larger --seed would silently repeat
    a smaller one (seed 7 and 7 + 2**63 gave identical runs), so --seed stops below it."""
    import run
    from simulation.model import SEED_BITS, replicate_seed

    assert run.SEED_MAX == 2**SEED_BITS - 1
    assert replicate_seed(7, 0) == replicate_seed(7 + 2**SEED_BITS, 0)  # why the bound exists
    assert len({replicate_seed(s, 0) for s in (0, 1, 7, run.SEED_MAX)}) == 4
