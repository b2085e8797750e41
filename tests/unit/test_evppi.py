"""EVPPI by regression on a toy model whose answer is known analytically.

Toy decision: INB = a + b θ + c ψ with θ, ψ ~ N(0, 1) independent and η ~ N(0, 1) unrelated.
E[INB | θ] = a + b θ is normal with mean m = a and sd s = |b|, so

    EVPPI(θ) = E[max(0, m + s Z)] - max(0, m) = m Φ(m/s) + s φ(m/s) - max(0, m),

and likewise for ψ with s = |c|; EVPPI(η) = 0; EVPI uses s = sqrt(b² + c²).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from results.evppi import conditional_mean, evpi, evppi, evppi_table, null_evppi, top
from simulation.errors import CarepathsError
from simulation.streams import Streams

A, B, C = -1.0, 2.0, 1.0
N = 2000


def _analytic(m: float, s: float) -> float:
    return float(m * norm.cdf(m / s) + s * norm.pdf(m / s) - max(0.0, m))


def _toy() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = Streams(13).numpy_generator("evppi-toy")
    theta, psi, eta = rng.standard_normal((3, N))
    return theta, psi, eta, A + B * theta + C * psi


def test_evppi_of_a_linear_normal_parameter_matches_the_formula() -> None:
    """Two tolerances, each with its reason: the regression against the sample value computed
    with the true E[INB | θ] on the same draws (fit error only: 0.02 is about 5% of 0.40), and
    the sample value against the formula (Monte Carlo error: sd of max(g, 0) is about 1.2, so
    4 standard errors at n = 2000 is 0.11)."""
    theta, _psi, _eta, inb = _toy()
    exact = _analytic(A, abs(B))  # 0.3956
    assert exact == pytest.approx(0.3956, abs=1e-4)
    g_true = A + B * theta
    sample_exact = np.mean(np.maximum(g_true, 0)) - max(np.mean(g_true), 0)
    assert evppi(theta, inb) == pytest.approx(sample_exact, abs=0.02)
    assert sample_exact == pytest.approx(exact, abs=4 * 1.2 / math.sqrt(N))


def test_evppi_orders_parameters_and_ignores_an_unrelated_one() -> None:
    theta, psi, eta, inb = _toy()
    rows = evppi_table({"theta": theta, "psi": psi, "eta": eta}, inb, permutations=200)
    assert [r.assumption for r in rows] == ["theta", "psi", "eta"]
    values = {r.assumption: r.evppi for r in rows}
    assert values["psi"] == pytest.approx(_analytic(A, abs(C)), abs=0.03)  # 0.083
    assert values["eta"] < 0.02  # upward regression bias only
    total = evpi(inb)
    assert total == pytest.approx(_analytic(A, math.hypot(B, C)), abs=0.11)
    assert all(0 <= r.evppi <= total for r in rows)
    assert [r.assumption for r in top(rows)] == ["theta", "psi"]  # eta within the noise
    assert {r.assumption: r.p_value for r in rows}["eta"] > 0.05


def test_a_decision_certain_either_way_has_no_value_of_information() -> None:
    theta, _, _, _ = _toy()
    assert evppi(theta, 100.0 + 0.1 * theta) == 0.0  # always worth it
    assert evpi(-100.0 + 0.1 * theta) == 0.0  # never worth it


def test_ties_few_values_and_constant_parameters() -> None:
    theta = np.repeat([0.0, 1.0, 2.0], 10)
    inb = np.where(theta == 2.0, 3.0, -1.0)
    fitted = conditional_mean(theta, inb)
    assert fitted[theta == 2.0] == pytest.approx(3.0)
    assert evppi(theta, inb) == pytest.approx(evpi(inb))  # θ settles the decision exactly
    assert evppi(np.ones(30), inb) == 0.0
    with pytest.raises(CarepathsError, match="at least"):
        evppi(theta[:5], inb[:5])
    with pytest.raises(CarepathsError, match="infinite"):
        evppi(theta, np.full(30, np.inf))


def test_a_nonlinear_conditional_mean_is_followed_by_the_spline() -> None:
    """INB = -1 + θ² + ψ/2: a straight line in θ would give EVPPI near 0 (the slope is 0);
    the spline finds the sample value computed with the true E[INB | θ] (within 0.03)."""
    theta, psi, _, _ = _toy()
    inb = -1.0 + theta**2 + 0.5 * psi
    g = -1.0 + theta**2
    sample_exact = float(np.mean(np.maximum(g, 0)) - max(float(np.mean(g)), 0))
    assert evppi(theta, inb) == pytest.approx(sample_exact, abs=0.03)


def test_the_noise_floor_rejects_parameters_unrelated_to_a_noisy_net_benefit() -> None:
    """200 runs whose net benefit is mostly chance (sd 1) plus 0.8 θ: θ rises above the
    permutation noise floor, twenty unrelated parameters mostly do not (about 1 in 20 may, by
    design of a 5% test; the assertion allows three)."""
    rng = Streams(21).numpy_generator("evppi-noise")
    n = 200
    theta = rng.standard_normal(n)
    unrelated = {f"u{i}": rng.standard_normal(n) for i in range(20)}
    inb = 0.8 * theta + rng.standard_normal(n) - 0.2
    rows = evppi_table({"theta": theta, **unrelated}, inb)
    kept = [r.assumption for r in top(rows, n=25)]
    assert kept[0] == "theta"
    assert len(kept) <= 4
    assert null_evppi(inb, 20).shape == (20,)
