"""The rule interface a researcher can trust: declared signals, hazards and parameter reads; a
read-only parameter tree; one placement policy; an engine that imports neither calibration nor
results."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from simulation.errors import CarepathsError
from simulation.params import Parameters
from simulation.rules.registry import RULES, Rule, register_rule
from tests.engine_helpers import SMALL, make_model

ROOT = Path(__file__).resolve().parents[2]


def test_a_misspelt_signal_is_refused_naming_the_declared_ones() -> None:
    model = make_model()
    with pytest.raises(CarepathsError) as err:
        model.on("placd", lambda child: None)
    text = str(err.value)
    assert "unknown signal 'placd'" in text and "Did you mean 'placed'?" in text
    assert "placement_ended" in text  # the declared signals are listed
    with pytest.raises(CarepathsError, match="unknown signal 'exitted'"):
        model.emit("exitted")


def test_a_modifier_on_an_undeclared_hazard_is_refused() -> None:
    model = make_model()
    with pytest.raises(CarepathsError, match=r"unknown hazard process 'disrupton'.*'disruption'"):
        model.add_modifier("disrupton", lambda owner: 0.5)


def test_parameters_are_read_only() -> None:
    params = Parameters.defaults()
    with pytest.raises(TypeError):
        params.values["carers.support_share"] = 5.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        params._values = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        params.dated = ()  # type: ignore[misc]
    assert params["carers.support_share"] == 0.0
    model = make_model()
    with pytest.raises(TypeError):
        model.rules[0].p["entry.uasc_share"] = 0.9  # type: ignore[index]


def test_a_rule_reading_a_parameter_it_does_not_declare_is_stopped() -> None:
    @register_rule("test_sneaky_reader")
    class Sneaky(Rule):
        reads: ClassVar[tuple[str, ...]] = ("carers.support_share",)

        def setup(self) -> None:
            self.p["endings.needs_effect"]

    try:
        params = Parameters.defaults().with_changes(
            {**SMALL, "engine.rules": "entry,matching,test_sneaky_reader"}
        )
        from simulation.model import CareSystem

        with pytest.raises(CarepathsError, match="'test_sneaky_reader' reads parameter"):
            CareSystem(params)
    finally:
        RULES.pop("test_sneaky_reader", None)


def test_a_dated_change_reaches_exactly_the_rules_that_read_it() -> None:
    from simulation.model import CareSystem
    from simulation.params import DatedChange

    seen: list[tuple[str, frozenset[str]]] = []
    for name in ("test_reads_support", "test_reads_nothing"):

        def hook(self: Rule, changed: frozenset[str]) -> None:
            seen.append((self.name, changed))

        reads = ("carers.support_share",) if name == "test_reads_support" else ()
        cls = type(name, (Rule,), {"reads": reads, "on_params_changed": hook})
        register_rule(name)(cls)
    try:
        params = Parameters.defaults().with_changes(
            {
                **SMALL,
                "engine.rules": "entry,matching,exits,test_reads_support,test_reads_nothing",
            },
            dated=[DatedChange(30.0, "carers.support_share", 0.5)],
        )
        model = CareSystem(params)
        model.run_years(1)
        assert seen == [("test_reads_support", frozenset({"carers.support_share"}))]
        support_reader = next(r for r in model.rules if r.name == "test_reads_support")
        assert support_reader.p["carers.support_share"] == 0.5
    finally:
        RULES.pop("test_reads_support", None)
        RULES.pop("test_reads_nothing", None)


def test_exactly_one_placement_policy() -> None:
    with pytest.raises(CarepathsError, match="no placement policy"):
        make_model({"engine.rules": "entry,exits"})
    model = make_model()
    with pytest.raises(CarepathsError, match="two placement policies"):
        model.set_placement_policy(lambda child, request: None, "mine")


def test_plugin_rules_are_enabled_only_by_the_scenario_that_names_their_module() -> None:
    import docs.examples.mockingbird_hub  # noqa: F401  (imported as by an earlier scenario)

    plain = make_model()
    assert "mockingbird" not in [r.name for r in plain.rules]
    named = make_model({"engine.plugins": "docs.examples.mockingbird_hub"})
    assert "mockingbird" in [r.name for r in named.rules]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            found |= {
                a.value.split(".")[0]
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def test_the_engine_imports_neither_calibration_nor_results() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & {"calibration", "results"})
        for path in (ROOT / "simulation").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}
    code = (
        "import sys\n"
        "import simulation.model, simulation.runner, simulation.scenario, simulation.executor\n"
        "from simulation.params import Parameters\n"
        "from simulation.runner import run_replicate\n"
        "p = Parameters.defaults().with_changes({'area.population_0_17': 10000})\n"
        "run_replicate(p, 1, 1, 0)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('calibration', 'results'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
