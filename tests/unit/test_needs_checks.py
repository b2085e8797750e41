"""The needs checks and pathway-table scripts (docs/needs.md's numbers) run, and count what
they say they count."""

from calibration import needs_checks
from calibration.resolve import resolve_params
from results import pathway_table
from simulation.executor import Task
from simulation.rules.endings import Endings
from simulation.scenario import load_scenario

SMALL = {"area.population_0_17": 30_000}


def _task(changes: dict) -> Task:
    params = resolve_params(load_scenario("baseline"), "england-average", 0)
    return Task("baseline", params.with_changes({**SMALL, **changes}), 2, 1, 0)


def test_needs_checks_print_the_sdq_type_and_quality_move_tables(capsys):
    needs_checks.main(["--reps", "2", "--years", "1", "--jobs", "1"])
    out = capsys.readouterr().out
    for heading in (
        "| indicator | DfE 2024",
        "| measure |",
        "| placement type |",
        "| quality moves",
    ):
        assert heading in out
    assert "`sdq_mean` | 14.7 ± 1" in out


def test_quality_moves_are_counted_only_when_the_rule_moves_a_child():
    original = Endings._quality_move
    none = needs_checks.run_checks(_task({"endings.quality_move_per_year": 0.0}))
    assert Endings._quality_move is original  # the counting patch is undone
    assert not any(k.startswith("quality_move") for k in none["sums"])
    many = needs_checks.run_checks(_task({"endings.quality_move_per_year": 10.0}))
    moved = sum(v for k, v in many["sums"].items() if k.startswith("quality_moves_"))
    went = sum(v for k, v in many["sums"].items() if k.startswith("quality_move_"))
    assert moved > 0 and went <= moved  # each destination is a counted move
    assert all(many["sums"][f"march_n_{int(g)}"] > 0 for g in needs_checks.TYPES)


def test_pathway_effects_are_paired_differences_and_through_is_on_minus_off():
    tasks = [
        Task(f"{s}{pathway_table.SEP}{label}", None, 1, 1, r)  # type: ignore[arg-type]
        for label, _ in (*pathway_table.CONFIGS, pathway_table.ALL_OFF)
        for s in ("baseline", "x")
        for r in range(2)
    ]
    # scenario x lowers unplanned endings by 10 with every mechanism on, by 4 with any off
    results = []
    for t in tasks:
        scenario, label = t.scenario.split(pathway_table.SEP)
        drop = (10.0 if label == "all on" else 4.0) if scenario == "x" else 0.0
        value = 100.0 + t.replicate - drop
        results.append([(2025, name, value) for name, _, _ in pathway_table.OUTCOMES])
    eff = pathway_table.effects(tasks, results, ["x"])
    assert eff[("x", "all on", "unplanned_endings")][0] == -10.0
    assert eff[("x", "all off", "unplanned_endings")][0] == -4.0
    text = pathway_table.table("x", eff)
    assert "| all off | -4.0 (-4.0 to -4.0) | -6.0 |" in text
