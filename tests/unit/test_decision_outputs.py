"""Decision outputs: draws rows, the EVPPI table from a run's rows, and the console summary."""

from __future__ import annotations

import io

from rich.console import Console

from calibration.assumptions import draw_assumptions
from results.decision import summarise_decision
from results.decision_outputs import draw_rows, evppi_rows, print_decision
from simulation.params import Parameters

DEREG = "carers.support_deregistration_ratio"
REPS = 40


def _draws() -> list[tuple]:
    pairs = [
        (name, draw_assumptions(Parameters.defaults(), 1, r)[1])
        for name in ("baseline", "s")
        for r in range(REPS)
    ]
    return draw_rows(pairs)


def _indicators(draws: list[tuple]) -> list[tuple[str, int, int, str, float]]:
    """Net cost driven by the deregistration draw alone: cost = 100k x (u - 0.5)."""
    u = {r: q for name, r, path, q, _ in draws if name == "s" and path == DEREG}
    rows = []
    for r in range(REPS):
        for year in (2025, 2026):
            rows += [
                ("baseline", r, year, "cost_total_gbp", 1e6),
                ("s", r, year, "cost_total_gbp", 1e6 + 100_000 * (u[r] - 0.5)),
                ("baseline", r, year, "unplanned_endings", 50.0),
                ("s", r, year, "unplanned_endings", 48.0),
            ]
    return rows


def test_draw_rows_are_one_per_scenario_replicate_and_assumption() -> None:
    draws = _draws()
    first = [r for r in draws if r[0] == "baseline" and r[1] == 0]
    assert len(draws) == 2 * REPS * len(first)
    assert any(r[2] == DEREG for r in first)


def test_evppi_names_the_assumption_that_drives_the_net_cost() -> None:
    draws = _draws()
    rows = evppi_rows(_indicators(draws), draws, "baseline", ["baseline", "s"], "x", 0.0)
    top = rows[0]
    assert top[0] == "s" and top[2] == DEREG and top[4] > 0.9  # nearly all of EVPI
    assert top[8] == REPS
    assert evppi_rows(_indicators(draws)[:8], draws, "baseline", ["s"], "x", 0.0) == []


def test_console_summary_prints_plain_sentences_and_cost_by_year() -> None:
    draws = _draws()
    summary = summarise_decision(_indicators(draws), "baseline", "s", ["unplanned_endings"])
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None)
    print_decision(console, [summary], {"s": "Scenario [levers]"}, "sampled")
    text = buffer.getvalue()
    assert text.startswith("Decision summary: Scenario [levers] against baseline")
    assert "2024-25" in text and "discounted at 3.5%" in text
    assert "2.0 fewer unplanned placement endings a year" in text
