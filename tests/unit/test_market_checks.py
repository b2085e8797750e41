"""The market checks script (docs/market.md's numbers) runs and prints its four tables."""

from calibration import market_checks


def test_market_checks_print_the_stability_market_shortfall_and_age_tables(capsys):
    market_checks.main(["--reps", "2", "--years", "1", "--jobs", "1"])
    out = capsys.readouterr().out
    for heading in ("| placement group |", "| measure |", "| a year |", "| age at ceasing |"):
        assert heading in out
    assert "cla_residential" in out and "unregistered_placements" in out
