"""The levers listing names every lever and assumption with unit, range, kind and source."""

from __future__ import annotations

from results.parameter_list import parameter_rows
from simulation.params import SPEC, Parameters


def test_every_lever_and_assumption_is_listed_once_with_its_details() -> None:
    Parameters.defaults()
    rows = parameter_rows()
    paths = [r.path for r in rows]
    wanted = {p for p, s in SPEC.items() if s.kind in ("lever", "assumption")}
    assert wanted <= set(paths) and len(paths) == len(set(paths))
    by_path = {r.path: r for r in rows}
    dereg = by_path["carers.support_deregistration_ratio"]
    assert (dereg.kind, dereg.range) == ("assumption", "0.18 to 1 (sampled)")
    assert "Mockingbird" in dereg.source and dereg.unit
    assert by_path["carers.places_weights"].range == "held at its value"
    assert by_path["workforce.fte_extra_per_10k"].range == "0 to 100 (allowed)"
    assert by_path["workforce.fte_extra"].kind == "lever (count)"
    # the care market's levers and assumptions (issue 11)
    shortfall = by_path["matching.shortfall_order"]
    assert shortfall.kind == "lever" and "unregistered" in shortfall.range
    assert by_path["market.agency_fee_uplift_share"].range == "0 to 1 (allowed)"
    assert by_path["market.agency_supply_ratio"].range == "0.8 to 1.2 (sampled)"
    assert by_path["market.adoption_location_shares"].range == "held at its value"
    assert not any(SPEC[p].kind in ("published", "calibrated") for p in paths if p in SPEC)


def test_listing_by_kind() -> None:
    assert {r.kind for r in parameter_rows("assumption")} == {"assumption"}
    assert {r.kind for r in parameter_rows("lever")} == {"lever", "lever (count)"}
