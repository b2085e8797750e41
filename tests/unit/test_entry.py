"""Entry rule: arrivals by age band and UASC at published rates."""

import math

from simulation.agents import YEAR_DAYS
from tests.engine_helpers import events, make_model, run, total

# No re-entries: returns home and orders (SGO, CAO, adoption) that never break down.
NO_REENTRY = {
    "reunification.reentry_per_year": [0.0, 0.0],
    "permanence.breakdown_per_year": [0.0, 0.0, 0.0, 0.0],
}


def test_no_arrivals_when_the_rate_is_zero():
    model = run({"entry.starts_per_10k_per_year": 0.0, **NO_REENTRY}, years=1)
    assert total(model, "started") == 0


def test_a_higher_rate_gives_more_starts():
    low = total(run({"entry.starts_per_10k_per_year": 15.0}, years=2), "started")
    high = total(run({"entry.starts_per_10k_per_year": 45.0}, years=2), "started")
    assert high > 2 * low


def test_new_entrants_match_the_hand_computed_rate():
    # 27.66 per 10,000 x 3 (30,000 children) x 0.5 new-entrant share = 41.5 a year. The share
    # is set far from 1 so that an entry rule that ignored it (83 a year) fails by ~13 SE.
    model = run({**NO_REENTRY, "entry.new_entrant_share": 0.5}, years=4)
    expected = 27.66 * 3 * 0.5 * 4
    observed = total(model, "started")
    # Poisson: 3 standard errors of ~166 arrivals is about 39.
    assert abs(observed - expected) < 3 * math.sqrt(expected)


def test_entrants_ages_and_uasc_share():
    model = make_model({"entry.uasc_share": 1.0, "entry.uasc_share_16_17": 1.0, **NO_REENTRY})
    model.run_years(1)
    assert events(model, "admit"), "no admissions"
    entrants = [c for c in model.children.values() if c.child_id >= 1_000_000]
    assert entrants and all(c.uasc for c in entrants)
    assert all(16 <= (c.period_start - c.birth_day) / YEAR_DAYS < 18 for c in entrants)
