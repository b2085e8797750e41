"""The start-up transient of a forecast from a synthetic starting population.

A forecast starts the model from an authority's 31 March stock, built with synthetic times in
care (:mod:`simulation.population`). Once the pilot has calibrated year 1's flows, the model's
exit rate in later years settles lower as those times in care settle: measured from 2015 with
``python -m calibration.start_up 2015 340 381 383 873 855 209`` (Knowsley, Calderdale, Leeds,
Cambridgeshire, Leicestershire, Lewisham; 8-39 replicates each, about 12,000 child-runs; exit
rate of year t relative to year 1)::

    Knowsley        1.009 0.940 0.916 0.923
    Calderdale      0.921 0.899 0.955 0.939
    Leeds           0.872 0.816 0.823 0.833
    Cambridgeshire  0.986 0.926 0.936 0.923
    Leicestershire  1.030 0.944 0.941 0.933
    Lewisham        1.042 0.948 0.942 0.946
    mean            0.977 0.912 0.919 0.916   (starts: within 2% of year 1 throughout)

:data:`PROFILE` is that mean (years 3 and later at 0.916, the mean of years 3-5); the forecast
divides year t's exit hazards by it, so total exits follow the forecast's assumption. It is a
property of the model's start, the same for every authority; single authorities differ from it
by a standard deviation of about 4 points (Leeds most: 0.82 by year 3), too noisy to estimate
per authority on the replicates a forecast can afford.
"""

from __future__ import annotations

import sys

import numpy as np

PROFILE = (1.0, 0.977, 0.916)  # exit rate of years 1, 2, 3+ relative to year 1


def settle(t: int) -> float:
    """The start-up factor of the exit rate in forecast year ``t`` (0 = the first)."""
    return PROFILE[min(t, len(PROFILE) - 1)]


def measure(origin: int, codes: list[str], child_reps: int = 12_000, years: int = 5) -> None:
    """Print the exit rate (and starts) of each year relative to year 1 for the authorities,
    from the pilot-calibrated parameters without rate deviations or start-up correction."""
    from calibration import forecast
    from calibration.direct import direct_estimates
    from calibration.knobs import KNOBS
    from calibration.rates import estimate, pools
    from calibration.tables import data_up_to
    from simulation.params import Parameters

    with data_up_to(origin):
        pool = pools(origin)
    rows = []
    for code in codes:
        with data_up_to(origin):
            inputs = estimate(code, origin, pool)
            direct, _ = direct_estimates(f"la-{code}", origin)
        rate = round(inputs.starts / inputs.population * 10_000, 4)
        base = Parameters.defaults().with_changes({**direct, "entry.starts_per_10k_per_year": rate})
        knobs = tuple(k for name in forecast.PILOT_KNOBS for k in KNOBS if k.name == name)
        pilot = forecast._pilot(base, knobs, inputs, 1)
        n = max(8, child_reps // max(int(inputs.stock), 1))
        means = forecast._mean_by_year(pilot.params, 7, range(n), years)
        stocks = [inputs.stock] + [m["cla_31_march"] for m in means]
        exit_rate = np.array(
            [
                m["ceased"] / ((a + b) / 2)
                for m, a, b in zip(means, stocks, stocks[1:], strict=False)
            ]
        )
        starts = np.array([m["started"] for m in means])
        rows.append(exit_rate / exit_rate[0])
        print(
            f"{inputs.name:16s} {n:3d} reps  exit rate {np.round(exit_rate[1:] / exit_rate[0], 3)}"
            f"  starts {np.round(starts[1:] / starts[0], 3)}",
            flush=True,
        )
    print(f"{'mean':16s}           exit rate {np.round(np.mean(rows, axis=0)[1:], 3)}")


if __name__ == "__main__":
    measure(int(sys.argv[1]), sys.argv[2:])
