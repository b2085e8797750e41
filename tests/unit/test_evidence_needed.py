"""What study would settle an assumption: links checked, designs ranked, sentences honest."""

from __future__ import annotations

from results.evidence_needed import design_level, links, study_needed
from simulation.params import SPEC, Parameters


def test_every_link_names_an_assumption_and_existing_evidence_rows() -> None:
    Parameters.defaults()
    found = links()  # raises DataError if a mechanism is not in lever_evidence.csv
    assert "carers.support_deregistration_ratio" in found
    assert all(SPEC[p].kind == "assumption" for p in found)


def test_designs_are_ranked() -> None:
    assert design_level("pragmatic RCT") == 3
    assert design_level("experimental (3 arms: stipend, stipend+training)") == 3
    assert design_level("quasi-experimental (propensity score matching)") == 2
    assert design_level("evaluation (Rees Centre); design not stated in source") == 1
    assert design_level("before-after (council-reported)") == 1
    assert design_level("survey (self-selected)") == 0


def test_the_deregistration_effect_needs_an_england_trial() -> None:
    need = study_needed("carers.support_deregistration_ratio")
    assert need.best_england is not None and "Rees Centre" in need.best_england.design
    assert need.best_anywhere is not None and need.best_anywhere.level == 3
    assert need.sentence.startswith("Trials only outside England")
    assert "randomised trial in England" in need.sentence


def test_costs_rates_and_unlinked_assumptions() -> None:
    assert study_needed("costs.inhouse_residential_weekly_gbp").sentence.startswith("A cost")
    assert study_needed("pipeline.withdrawal_per_year").sentence.startswith("A rate")
    need = study_needed("endings.needs_effect", "the effect of needs on disruption")
    assert need.best_anywhere is None and "No study of it" in need.sentence
