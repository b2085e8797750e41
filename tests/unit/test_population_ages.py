"""Ages of the starting population within DfE's bands: a density that rises with age where the
bands' densities do, so the stock holds as many children about to turn 16 or 18 as it should."""

import numpy as np

from simulation.population import BAND_HIGH, BAND_LOW, ages_within_bands, band_slopes

DFE_2024 = np.array((0.0489, 0.1419, 0.197, 0.3978, 0.2144))  # 31 March 2024 stock by age band


def test_ages_stay_in_their_band_and_rise_within_the_teenage_bands():
    u = np.random.default_rng(7).random(100_000)
    for band in range(5):
        ages = ages_within_bands(DFE_2024, np.full(u.size, band), u)
        assert ages.min() >= BAND_LOW[band] and ages.max() <= BAND_HIGH[band]
    teens = ages_within_bands(DFE_2024, np.full(u.size, 3), u)
    assert np.mean(teens >= 15) > 1.5 * np.mean(teens < 11)  # more 15- than 10-year-olds
    older = ages_within_bands(DFE_2024, np.full(u.size, 4), u)
    assert np.mean(older >= 17) > 0.51


def test_the_inverse_distribution_matches_the_linear_density():
    slope = band_slopes(DFE_2024)[3]
    u = np.random.default_rng(3).random(200_000)
    ages = ages_within_bands(DFE_2024, np.full(u.size, 3), u)
    w, mid = 6.0, 13.0
    # mean of a density ∝ 1 + b (x - w/2) on [0, w]: w/2 + b w²/12
    assert abs(ages.mean() - (mid + slope * w**2 / 12)) < 0.01


def test_equal_densities_give_uniform_ages():
    flat = np.array((1.0, 4.0, 5.0, 6.0, 2.0)) / 18.0
    assert np.allclose(band_slopes(flat), 0.0)
    u = np.linspace(0.0, 1.0, 11)
    assert np.allclose(ages_within_bands(flat, np.full(u.size, 3), u), 10.0 + 6.0 * u)
