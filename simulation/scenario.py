"""Scenario files: what a council changes (levers) and what it assumes (assumptions).

A scenario is a TOML file that states only what differs from the baseline (DESIGN §5)::

    title = "Foster-carer support"
    description = "Enhanced support for 40% of in-house carers."
    extends = "baseline"                      # optional; a name or a relative path

    [levers]
    "carers.support_share" = { from = "2025-04-01", value = 0.4 }

    [assumptions]
    "carers.support_deregistration_ratio" = 0.6
    "endings.caseload_effect" = { low = 0.01, high = 0.03 }   # a range of its own (cite it)

    [evidence]
    "carers.support_deregistration_ratio" = "Mockingbird 82% ... (assumption)"

    [costs]
    note = "£4,500 per supported household per year"

    plugins = ["mypkg.myrule"]                 # optional researchers' rule modules

Levers a council counts in headcount may be written as counts for the area
(``"workforce.fte_extra" = 5``; see :mod:`simulation.headcount`): they are kept apart in
``Scenario.counts`` and converted to the tree's per-10,000 values when the area is known. An
assumption written as ``{ low = ..., high = ... }`` (optionally ``central = ...``) replaces the
tree's range for sampling (``Scenario.ranges``) and needs an ``[evidence]`` note saying why.

Everything is validated before anything runs; the first problem raises a
:class:`~simulation.errors.ScenarioError` naming the file, the key, the value and what is
allowed. The caller (``calibration.resolve.resolve_params``) builds a new validated parameter
tree from it (nothing shared is changed in place): defaults → area → calibrated fit → scenario.
The engine side imports nothing from ``calibration`` or ``results``.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from simulation import parameter_tree  # noqa: F401  (the built-in tree must be registered)
from simulation.errors import ScenarioError
from simulation.headcount import is_headcount
from simulation.params import SPEC, DatedChange, ParameterError, Parameters, Value, suggest

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
MODEL_START = date(2024, 4, 1)  # day 0 of every run (the start of DfE year 2024-25)

TOP_LEVEL = (
    "title",
    "description",
    "extends",
    "levers",
    "assumptions",
    "evidence",
    "costs",
    "plugins",
)
_MODULE_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the parameter changes and the notes that justify them."""

    name: str
    title: str
    description: str
    changes: dict[str, Any]  # dotted path -> value (levers and assumptions merged)
    dated: tuple[DatedChange, ...]
    files: tuple[Path, ...]  # the scenario file first, then the files it extends
    levers: dict[str, Any]
    assumptions: dict[str, Any]
    evidence: dict[str, str]
    costs: dict[str, Any] = field(default_factory=dict)
    plugins: tuple[str, ...] = ()
    counts: dict[str, Any] = field(default_factory=dict)  # headcount levers, for the area
    dated_counts: tuple[DatedChange, ...] = ()
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # (low, high)


# ---------------------------------------------------------------------------------------------
# Finding files


def list_scenarios() -> list[tuple[str, str, Path]]:
    """(name, title, path) of every scenario in the package's ``scenarios/`` folder."""
    out: list[tuple[str, str, Path]] = []
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        title = ""
        try:
            title = str(_read_toml(path).get("title", ""))
        except ScenarioError as exc:
            title = f"(cannot be read: {str(exc).removeprefix(f'{path}: ')})"
        out.append((path.stem, title, path))
    return out


def _available() -> str:
    names = [p.stem for p in sorted(SCENARIO_DIR.glob("*.toml"))]
    return ", ".join(names) if names else "(none)"


def _locate(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file for a scenario name or path; a clear error lists the scenarios there are."""
    text = str(name_or_path)
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text
    candidates: list[Path] = []
    if looks_like_path:
        p = Path(text).expanduser()
        if not p.is_absolute() and relative_to is not None:
            candidates.append(relative_to / p)
        candidates.append(p)
    else:
        if relative_to is not None:
            candidates.append(relative_to / f"{text}.toml")
        candidates.append(SCENARIO_DIR / f"{text}.toml")
    for c in candidates:
        if c.is_file():
            return c.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise ScenarioError(
        f"scenario {text!r} not found (looked for {tried}); available scenarios: {_available()}"
    )


# ---------------------------------------------------------------------------------------------
# Loading and validating


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load, merge (``extends``) and validate a scenario; raise ScenarioError on any problem."""
    path = _locate(name_or_path)
    raw = _load_chain(path, stack=())
    name = path.stem
    changes, dated, levers, assumptions = _validate_values(raw)
    _check_rules(raw, changes)
    evidence = _validate_evidence(raw)
    plugins = tuple(raw["plugins"])
    if plugins:
        changes["engine.plugins"] = ",".join(plugins)
    scenario = Scenario(
        name=name,
        title=raw["title"],
        description=raw["description"],
        changes=changes,
        dated=dated,
        files=tuple(raw["files"]),
        levers=levers,
        assumptions=assumptions,
        evidence=evidence,
        costs=dict(raw["costs"]),
        plugins=plugins,
        counts=raw["counts"],
        dated_counts=raw["dated_counts"],
        ranges=raw["ranges"],
    )
    try:  # a last whole-tree check (e.g. a plug-in's own validation)
        Parameters.defaults().with_changes(changes, dated)
    except ParameterError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    return scenario


def _read_toml(path: Path) -> dict[str, Any]:
    """A scenario file as UTF-8 TOML that says something (an empty file is refused)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); save the "
            "scenario as UTF-8 TOML"
        ) from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    if not table:
        raise ScenarioError(
            f"{path}: the file is empty (or holds only comments); a scenario says what it is "
            'and what it changes, e.g. title = "..." and a [levers] table'
        )
    return table


def _load_chain(path: Path, stack: tuple[Path, ...]) -> dict[str, Any]:
    """Read a file and everything it extends; the child's entries override its parent's."""
    if path in stack:
        chain = " -> ".join(str(p) for p in (*stack, path))
        raise ScenarioError(f"{path}: 'extends' makes a cycle: {chain}")
    data = _read_toml(path)
    _check_top_level(path, data)
    own = {
        "title": data.get("title", path.stem),
        "description": data.get("description", ""),
        "levers": _flatten(path, "levers", data.get("levers", {})),
        "assumptions": _flatten(path, "assumptions", data.get("assumptions", {})),
        "evidence": _flatten(path, "evidence", data.get("evidence", {}), leaf_dicts=False),
        "costs": dict(data.get("costs", {})),
        "plugins": list(data.get("plugins", [])),
        "sources": {},
    }
    for section in ("levers", "assumptions", "evidence"):
        own["sources"].update({(section, k): path for k in own[section]})
    if "extends" not in data:
        own["files"] = [path]
        return own
    try:
        parent_path = _locate(data["extends"], relative_to=path.parent)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: extends = {data['extends']!r}: {exc}") from None
    parent = _load_chain(parent_path, (*stack, path))
    merged = {
        "title": own["title"],
        "description": own["description"],
        "files": [path, *parent["files"]],
        "plugins": list(dict.fromkeys([*parent["plugins"], *own["plugins"]])),
        "costs": {**parent["costs"], **own["costs"]},
        "sources": {**parent["sources"], **own["sources"]},
    }
    for section in ("levers", "assumptions", "evidence"):
        merged[section] = {**parent[section], **own[section]}
    return merged


def _check_top_level(path: Path, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in TOP_LEVEL:
            close = difflib.get_close_matches(key, TOP_LEVEL, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            kind = "table" if isinstance(value, dict) else "key"
            raise ScenarioError(
                f"{path}: unknown top-level {kind} {key!r}.{hint} Allowed: "
                f"{', '.join(TOP_LEVEL)}. Parameter paths go under [levers] or [assumptions]."
            )
    for key in ("title", "description", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{path}: {key} must be text, got {data[key]!r}")
    for key in ("levers", "assumptions", "evidence", "costs"):
        if key in data and not isinstance(data[key], dict):
            raise ScenarioError(f"{path}: [{key}] must be a table, got {data[key]!r}")
    plugins = data.get("plugins", [])
    if not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
        raise ScenarioError(
            f'{path}: plugins must be a list of module paths, e.g. plugins = ["mypkg.rule"]; '
            f"got {plugins!r}"
        )
    for module in plugins:
        _import_plugin(path, module)


def _import_plugin(path: Path, module: str) -> None:
    """Import a researcher's rule module now, so that the parameters it registers validate."""
    if not _MODULE_RE.match(module):
        raise ScenarioError(f"{path}: plugins: {module!r} is not a Python module path")
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        found = None
    except Exception as exc:  # a parent package that fails to import
        raise _plugin_failed(path, module, exc) from None
    if found is None:
        raise ScenarioError(
            f"{path}: plugins: module {module!r} cannot be found; install it or put it on "
            "PYTHONPATH"
        )
    try:
        importlib.import_module(module)
    except Exception as exc:  # the plug-in's own error (syntax, import, registration)
        raise _plugin_failed(path, module, exc) from None


def _plugin_failed(path: Path, module: str, exc: Exception) -> ScenarioError:
    return ScenarioError(
        f"{path}: plugins: plug-in {module} failed: importing it raised {type(exc).__name__}: {exc}"
    )


def _check_rules(raw: dict[str, Any], changes: dict[str, Any]) -> None:
    """``engine.rules`` names registered rules only (plug-ins are imported by now)."""
    from simulation.rules.registry import RULES, load_builtin_rules

    if "engine.rules" not in changes:
        return
    load_builtin_rules()
    section = "levers" if ("levers", "engine.rules") in raw["sources"] else "assumptions"
    path = raw["sources"][(section, "engine.rules")]
    for name in (n.strip() for n in str(changes["engine.rules"]).split(",")):
        if name not in RULES:
            close = difflib.get_close_matches(name, list(RULES), n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(
                f"{path}: [{section}] engine.rules: {name!r} is not a registered rule.{hint} "
                f"Registered: {', '.join(sorted(RULES))} (comma-separated, in order)"
            )


def _is_dated(value: Any) -> bool:
    return isinstance(value, dict) and ("from" in value or "value" in value)


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and ("low" in value or "high" in value)


def _flatten(
    path: Path, section: str, table: Any, prefix: str = "", leaf_dicts: bool = True
) -> dict[str, Any]:
    """Dotted paths from quoted keys (``"a.b" = 1``) or nested tables (``a.b = 1``)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and not (leaf_dicts and (_is_dated(value) or _is_range(value))):
            out.update(_flatten(path, section, value, f"{full}.", leaf_dicts))
        else:
            out[full] = value
    return out


def _check_kind(path: Path, section: str, key: str) -> None:
    if section == "levers" and is_headcount(key):
        return
    if key not in SPEC:
        raise ScenarioError(
            f"{path}: [{section}] unknown parameter {key!r}.{suggest(key)} "
            "Run 'python run.py scenarios' or see simulation/parameter_tree.py for the paths."
        )
    kind = SPEC[key].kind
    if section == "levers" and kind != "lever":
        raise ScenarioError(
            f"{path}: [levers] {key!r} is {'an' if kind == 'assumption' else 'a'} {kind} "
            "parameter, not a lever (a council does not control it): move it to [assumptions]"
        )
    if section == "assumptions" and kind == "lever":
        raise ScenarioError(
            f"{path}: [assumptions] {key!r} is a lever (what the council controls), not an "
            "assumption: move it to [levers]"
        )
    if key.startswith("engine.plugins"):
        raise ScenarioError(
            f"{path}: [{section}] set researchers' rules with the top-level "
            'plugins = ["module.path"], not engine.plugins'
        )


def _check_value(path: Path, section: str, key: str, value: Any) -> Value:
    try:
        return SPEC[key].check(key, value)
    except ParameterError as exc:
        raise ScenarioError(f"{path}: [{section}] {exc} (in {key} = {value!r})") from None


def _to_day(path: Path, section: str, key: str, when: Any) -> float:
    """Days from the model start (2024-04-01) for a TOML date or an ISO date string."""
    if isinstance(when, datetime):
        when = when.date()
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when)
        except ValueError:
            raise ScenarioError(
                f"{path}: [{section}] {key}: from = {when!r} is not a date; write it as "
                'YYYY-MM-DD, e.g. from = "2026-04-01"'
            ) from None
    if not isinstance(when, date):
        raise ScenarioError(
            f"{path}: [{section}] {key}: from = {when!r} is not a date; write it as YYYY-MM-DD"
        )
    day = (when - MODEL_START).days
    if day < 0:
        raise ScenarioError(
            f"{path}: [{section}] {key}: from = {when.isoformat()} is before the model start "
            f"{MODEL_START.isoformat()}"
        )
    return float(day)


def _dated_change(path: Path, section: str, key: str, entry: dict[str, Any]) -> DatedChange:
    extra = set(entry) - {"from", "value"}
    if extra or "from" not in entry or "value" not in entry:
        raise ScenarioError(
            f"{path}: [{section}] {key} = {entry!r}: a dated change needs exactly 'from' and "
            "'value', e.g. { from = \"2026-04-01\", value = 0.5 }"
        )
    day = _to_day(path, section, key, entry["from"])
    return DatedChange(day, key, _check_value(path, section, key, entry["value"]))


def _validate_values(
    raw: dict[str, Any],
) -> tuple[dict[str, Any], tuple[DatedChange, ...], dict[str, Any], dict[str, Any]]:
    """Check every lever and assumption; split static values from dated changes (headcount
    levers into ``raw["counts"]``/``raw["dated_counts"]``, ranges into ``raw["ranges"]``)."""
    changes: dict[str, Any] = {}
    dated: list[DatedChange] = []
    by_section: dict[str, dict[str, Any]] = {"levers": {}, "assumptions": {}}
    raw["counts"], raw["dated_counts"], raw["ranges"] = {}, (), {}
    for section in ("levers", "assumptions"):
        for key, value in raw[section].items():
            path = raw["sources"][(section, key)]
            _check_kind(path, section, key)
            if section == "levers" and is_headcount(key):
                by_section[section][key] = _count(raw, path, key, value)
                continue
            if section == "assumptions" and _is_range(value):
                by_section[section][key] = _range(raw, path, key, value)
                if "central" in value:
                    changes[key] = by_section[section][key]["central"]
                continue
            entries = (
                value
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
                else None
            )
            if _is_dated(value):
                entries = [value]
            if entries is not None:
                items = [_dated_change(path, section, key, dict(e)) for e in entries]
                dated.extend(sorted(items, key=lambda d: d.day))
                by_section[section][key] = [{"day": d.day, "value": d.value} for d in items]
            else:
                checked = _check_value(path, section, key, value)
                changes[key] = checked
                by_section[section][key] = checked
    return changes, tuple(dated), by_section["levers"], by_section["assumptions"]


def _count(raw: dict[str, Any], path: Path, key: str, value: Any) -> Any:
    """A headcount lever (a number or dated numbers, 0 or more) kept for conversion."""
    entries = value if isinstance(value, list) else [value] if _is_dated(value) else None
    if entries is None:
        raw["counts"][key] = _count_number(path, key, value)
        return raw["counts"][key]
    items = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"from", "value"}:
            raise ScenarioError(
                f"{path}: [levers] {key} = {entry!r}: a dated count needs exactly 'from' and "
                "'value', e.g. { from = \"2026-04-01\", value = 5 }"
            )
        day = _to_day(path, "levers", key, entry["from"])
        items.append(DatedChange(day, key, _count_number(path, key, entry["value"])))
    raw["dated_counts"] = (*raw["dated_counts"], *sorted(items, key=lambda d: d.day))
    return [{"day": d.day, "value": d.value} for d in items]


def _count_number(path: Path, key: str, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ScenarioError(f"{path}: [levers] {key}: expected a count, got {value!r}")
    if value < 0:
        raise ScenarioError(f"{path}: [levers] {key}: a count is 0 or more, got {value}")
    return value


def _range(raw: dict[str, Any], path: Path, key: str, value: dict[str, Any]) -> dict[str, Any]:
    """An assumption's own sampling range ``{ low, high[, central] }``, with a cited reason."""
    spec = SPEC[key]
    if set(value) - {"low", "high", "central"} or not {"low", "high"} <= set(value):
        raise ScenarioError(
            f"{path}: [assumptions] {key} = {value!r}: a range needs 'low' and 'high' (and "
            "optionally 'central'), e.g. { low = 0.4, high = 0.8 }"
        )
    if (
        spec.range is None
        or not isinstance(spec.default, float | int)
        or isinstance(spec.default, bool)
    ):
        raise ScenarioError(f"{path}: [assumptions] {key} has no numeric range to replace")
    checked = {k: _check_value(path, "assumptions", key, v) for k, v in value.items()}
    low, high = float(checked["low"]), float(checked["high"])  # type: ignore[arg-type]
    central = float(checked.get("central", spec.default))  # type: ignore[arg-type]
    if not low <= central <= high:
        raise ScenarioError(
            f"{path}: [assumptions] {key}: low {low:g} <= central {central:g} <= high "
            f"{high:g} is needed"
        )
    if key not in raw["evidence"]:
        raise ScenarioError(
            f"{path}: [assumptions] {key}: a range of its own needs a reason: add "
            f'[evidence] "{key}" = "the study or figure that sets this range"'
        )
    raw["ranges"][key] = (low, high)
    return checked


def _validate_evidence(raw: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, note in raw["evidence"].items():
        path = raw["sources"][("evidence", key)]
        if key not in SPEC and not is_headcount(key):
            raise ScenarioError(
                f"{path}: [evidence] unknown parameter {key!r}.{suggest(key)} Evidence notes "
                "are keyed by the parameter they justify."
            )
        if not isinstance(note, str):
            raise ScenarioError(f"{path}: [evidence] {key} must be text, got {note!r}")
        out[key] = note
    return out
