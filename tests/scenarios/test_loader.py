"""Scenario files: each malformed file gives its own clear message naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration.resolve import calibration_source, resolve_params
from simulation.errors import ScenarioError
from simulation.scenario import MODEL_START, list_scenarios, load_scenario


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    message = str(info.value)
    assert str(path.name) in message, message  # every message names the file
    return message


def test_baseline_has_no_changes() -> None:
    s = load_scenario("baseline")
    assert s.title == "Baseline"
    assert s.changes == {} and s.dated == ()


def test_valid_file_with_levers_assumptions_and_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine",
        """
title = "Mine"
description = "A test."
extends = "baseline"
[levers]
"carers.support_share" = { from = "2025-04-01", value = 0.5 }
"workforce.fte_extra_per_10k" = 2
[assumptions]
"carers.support_deregistration_ratio" = 0.5
"endings.disruption_per_year" = [0.1, 0.2, 0.2, 0.5, 0.4, 0.1, 0.3]
[evidence]
"carers.support_deregistration_ratio" = "assumption: Mockingbird 82% as the low end"
[costs]
note = "£4,500 per household-year"
""",
    )
    s = load_scenario(str(path))
    assert s.name == "mine"
    assert s.files[0] == path.resolve() and s.files[1].name == "baseline.toml"
    assert s.changes["workforce.fte_extra_per_10k"] == 2.0
    assert s.changes["endings.disruption_per_year"] == (0.1, 0.2, 0.2, 0.5, 0.4, 0.1, 0.3)
    (d,) = s.dated
    assert d.path == "carers.support_share" and d.value == 0.5 and d.day == 365.0
    params = resolve_params(s, "england-average", 0)
    assert params["carers.support_share"] == 0.0  # until the date
    assert params.dated == s.dated
    assert params["carers.support_deregistration_ratio"] == 0.5
    assert MODEL_START.isoformat() == "2024-04-01"


def test_unquoted_nested_keys_are_dotted_paths(tmp_path: Path) -> None:
    path = write(tmp_path, "nested", 'title = "N"\n[levers]\ncarers.support_share = 0.25\n')
    assert load_scenario(str(path)).changes == {"carers.support_share": 0.25}


def test_unknown_key_suggests(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\n[levers]\n"carers.suport_share" = 0.3\n'))
    assert "unknown parameter 'carers.suport_share'" in msg
    assert "Did you mean 'carers.support_share'" in msg


def test_out_of_range_names_bounds_and_unit(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\n[levers]\n"carers.support_share" = 1.5\n'))
    assert "carers.support_share" in msg and "1.5" in msg
    assert "allowed 0 to 1" in msg and "share of in-house households" in msg


def test_wrong_type(tmp_path: Path) -> None:
    msg = error_of(
        write(tmp_path, "bad", 'title = "x"\n[levers]\n"carers.support_share" = "lots"\n')
    )
    assert "carers.support_share" in msg and "expected a number" in msg and "'lots'" in msg


def test_assumption_as_lever(tmp_path: Path) -> None:
    msg = error_of(
        write(
            tmp_path, "bad", 'title = "x"\n[levers]\n"carers.support_deregistration_ratio" = 0.5\n'
        )
    )
    assert "is an assumption parameter, not a lever" in msg
    assert "move it to [assumptions]" in msg


def test_calibrated_as_lever(tmp_path: Path) -> None:
    msg = error_of(
        write(tmp_path, "bad", 'title = "x"\n[levers]\n"matching.kinship_find_probability" = 0.5\n')
    )
    assert "calibrated parameter, not a lever" in msg


def test_lever_as_assumption(tmp_path: Path) -> None:
    msg = error_of(
        write(tmp_path, "bad", 'title = "x"\n[assumptions]\n"carers.support_share" = 0.5\n')
    )
    assert "is a lever" in msg and "move it to [levers]" in msg


def test_bad_date(tmp_path: Path) -> None:
    msg = error_of(
        write(
            tmp_path,
            "bad",
            'title = "x"\n[levers]\n'
            '"carers.support_share" = { from = "2026-13-01", value = 0.5 }\n',
        )
    )
    assert "carers.support_share" in msg and "'2026-13-01' is not a date" in msg


def test_date_before_start(tmp_path: Path) -> None:
    msg = error_of(
        write(
            tmp_path,
            "bad",
            'title = "x"\n[levers]\n"carers.support_share" = { from = 2023-01-01, value = 0.5 }\n',
        )
    )
    assert "before the model start 2024-04-01" in msg


def test_dated_change_needs_from_and_value(tmp_path: Path) -> None:
    msg = error_of(
        write(tmp_path, "bad", 'title = "x"\n[levers]\n"carers.support_share" = { value = 0.5 }\n')
    )
    assert "needs exactly 'from' and 'value'" in msg


def test_missing_extends_target_lists_scenarios(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\nextends = "basline"\n'))
    assert "extends = 'basline'" in msg and "available scenarios:" in msg and "baseline" in msg


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a", 'title = "a"\nextends = "b"\n')
    path = write(tmp_path, "b", 'title = "b"\nextends = "a"\n')
    assert "cycle" in error_of(path)


def test_extends_chain_child_overrides(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parent",
        'title = "p"\n[levers]\n"carers.support_share" = 0.2\n"workforce.caseload_cap" = 18\n',
    )
    path = write(
        tmp_path,
        "child",
        'title = "c"\nextends = "parent"\n[levers]\n"carers.support_share" = 0.4\n',
    )
    s = load_scenario(str(path))
    assert s.changes == {"carers.support_share": 0.4, "workforce.caseload_cap": 18.0}
    assert [f.name for f in s.files] == ["child.toml", "parent.toml"]


def test_malformed_toml_gives_line(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\n[levers\n'))
    assert "not valid TOML" in msg and "line 2" in msg


def test_unknown_top_level_table(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\n[lever]\n"carers.support_share" = 0.1\n'))
    assert "unknown top-level table 'lever'" in msg and "Did you mean 'levers'" in msg


def test_missing_plugin(tmp_path: Path) -> None:
    msg = error_of(write(tmp_path, "bad", 'title = "x"\nplugins = ["no_such_pkg.rule"]\n'))
    assert "no_such_pkg.rule" in msg and "cannot be found" in msg


def test_plugin_sets_engine_plugins(tmp_path: Path) -> None:
    path = write(tmp_path, "plug", 'title = "x"\nplugins = ["json", "csv"]\n')
    assert load_scenario(str(path)).changes["engine.plugins"] == "json,csv"


def test_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match=r"available scenarios: .*baseline"):
        load_scenario("no-such-scenario")


def test_every_scenario_file_loads() -> None:
    found = list_scenarios()
    assert any(name == "baseline" for name, _, _ in found)
    for name, title, _ in found:
        s = load_scenario(name)
        assert title and s.title == title
        assert s.description.strip(), f"{name} has no description"
        resolve_params(s, "england-average", 0)


def test_calibration_source_names_the_committed_fit_relative_to_the_project() -> None:
    assert calibration_source("england-average") == "calibration/fitted/england-average-2024.toml"
    assert calibration_source("england") is None  # no fit: the tree's own values
