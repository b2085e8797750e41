"""Round trip: simulate with known hazard scales, write SSDA903, fit from it, recover them.

The truth is the default area with every placement group's disruption hazard ×1.5 and the
return-home hazards ×0.6; two replicates of three years are the council's data (about 1,300
unplanned endings and 330 returns home). The fit starts from the defaults and takes two ratio
steps on two simulated replicates (:func:`calibration.ssda903.estimate.fit_hazards`).

Tolerances: three Poisson standard errors of the pooled ratio (√(1/n_observed + 1/n_simulated))
plus 5% for the bias two fixed-point steps leave. Measured here: disruption ×1.412 (relative
standard error 0.031), return home ×0.534 (0.101). Hazards the truth did not change must come
back within 25% of 1 or three standard errors, whichever is wider: they move with the changed
ones (more moves reach kinship carers, who become special guardians). Measured here: SGO
×1.109 (0.096), other exits ×0.832 (0.091), CAO ×1.228 (0.183), adoption ×0.994 (0.106),
social-worker changes ×0.964 (0.018).
"""

from __future__ import annotations

from datetime import date

from calibration.resolve import resolve_params
from calibration.ssda903.estimate import fit_hazards, pooled_multiplier, simulated_measures
from simulation.scenario import load_scenario

START = date(2024, 4, 1)


def test_known_hazard_scales_are_recovered_from_synthetic_ssda903() -> None:
    base = resolve_params(load_scenario("baseline"), "england-average", 0)
    disruption = base["endings.disruption_per_year"]
    home = base["exits.return_home_per_year"]
    truth = base.with_changes(
        {
            "endings.disruption_per_year": tuple(x * 1.5 for x in disruption),
            "exits.return_home_per_year": tuple(x * 0.6 for x in home),
        }
    )
    observed = simulated_measures(truth, 3, 2, 7, START)  # the "council": other seeds
    fit = fit_hazards(observed, base, lambda p: simulated_measures(p, 3, 2, 1, START), steps=2)
    for prefix, target in (("unplanned.", 1.5), ("exit.returned_home", 0.6)):
        value, rse = pooled_multiplier(fit, prefix)
        tolerance = 3 * rse + 0.05
        assert abs(value / target - 1) < tolerance, (prefix, value, target, tolerance)
    value, _ = pooled_multiplier(fit, "exit.returned_home")
    assert value < 0.8  # the change is detected, not just tolerated
    for prefix in ("exit.sgo", "exit.other", "exit.cao", "exit.adopted", "sw_change"):
        value, rse = pooled_multiplier(fit, prefix)
        assert abs(value - 1) < max(0.25, 3 * rse), (prefix, value, rse)
