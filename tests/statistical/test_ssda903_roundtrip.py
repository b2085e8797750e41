"""Round trip: simulate with known hazard scales, write SSDA903, fit from it, recover them.

The truth is the default area with every placement group's disruption hazard ×1.5 and the
return-home hazards ×0.6; two replicates of three years are the council's data (about 1,300
unplanned endings and 330 returns home). The fit starts from the defaults and takes two ratio
steps on two simulated replicates (:func:`calibration.ssda903.estimate.fit_hazards`).

Tolerances: three Poisson standard errors of the pooled ratio (√(1/n_observed + 1/n_simulated))
plus 5% for the bias two fixed-point steps leave (measured: after three steps on four
replicates, disruption 1.484 and return home 0.600). Hazards the truth did not change must
come back within 25% of 1: they move with the changed ones (more moves reach kinship carers,
who become special guardians), and the fixed point leaves up to ~20% there (measured: SGO
×1.18 ± 0.07, other exits ×0.92 ± 0.06, social-worker changes ×0.96 ± 0.01).
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
    for prefix in ("exit.sgo", "exit.other", "exit.cao", "sw_change"):
        value, _ = pooled_multiplier(fit, prefix)
        assert abs(value - 1) < 0.25, (prefix, value)
