"""The built-in parameter tree, section by section, each value with its kind and source.

Sources cite ``calibration/data/published_figures.csv`` by key (PF:key, year) or the DfE tables
in ``calibration/data/england_targets.csv`` (CLA:measure/category, year). ``calibrated`` values
here are hand-set starting points; ``calibration/fitted/*.toml`` replaces them when a fit is used.
"""

from __future__ import annotations

from simulation.params import Param, register

CLA24 = "DfE CLA 2024 (calibration/data/england_targets.csv)"
SDQ_FIT = (
    "hand-set so the baseline's SDQ of CLA 12 months+ aged 5-16 at 31 March matches DfE 2024: "
    "mean 14.7, 46% 0-13, 13% 14-16, 41% 17+ (PF:sdq.*_cla rows 374, 379, 384, 387), with the "
    "needs rule's changes in care; with the market's starting population the baseline gives "
    "mean 15.3 (15.7 in year 1 to 14.8 in year 5) and 40.8% 17+ (within ±1 point and ±4 "
    "points; python -m calibration.needs_checks, docs/needs.md)"
)


def pub(default, unit, source, bounds=(0.0, 1e9), doc=""):
    return Param(default, unit, "published", source, bounds=bounds, doc=doc)


def cal(default, unit, source, bounds=(0.0, 1e9), doc=""):
    return Param(default, unit, "calibrated", source, bounds=bounds, doc=doc)


def asm(default, unit, low, high, source, bounds=(0.0, 1e9), doc=""):
    return Param(default, unit, "assumption", source, bounds=bounds, range=(low, high), doc=doc)


def lev(default, unit, bounds, doc, source="lever: set by the council's scenario"):
    return Param(default, unit, "lever", source, bounds=bounds, doc=doc)


AREA = {
    "area.population_0_17": pub(
        100_000,
        "children",
        "default area: 100,000 children aged 0-17 (issue 2); England "
        "11,947,000 = 83,630 CLA / 70 per 10,000 (CLA:cla_31_march_rate, 2024)",
        bounds=(100, 20_000_000),
    ),  # City of London: 737 children (2011)
    "area.stock_age_shares": pub(
        (0.0489, 0.1419, 0.1970, 0.3978, 0.2144),
        "share of non-UASC children in care at the start by band <1, 1-4, 5-9, 10-15, 16-17",
        f"{CLA24}: stock by age less the UASC (85% of them 16-17); a fit sets the area-year's",
        bounds=(0, 1),
    ),
    "area.uasc_stock_share": pub(
        0.088,
        "share of children in care at the start who are UASC",
        f"{CLA24}: 7,380 of 83,630; a fit sets the area-year's",
        bounds=(0, 1),
    ),
    "area.stock_placement_shares": pub(
        (0.1635, 0.2710, 0.2401, 0.1021, 0.0747, 0.0634, 0.0627, 0.0228),
        "share of children in care at the start by placement group: kinship, in-house foster, "
        "agency foster, children's home, supported, with parents, other, placed for adoption",
        f"{CLA24}: 31 March stock by placement (13,670 kinship, 42,740 other foster split "
        "27.9:24.8 in-house:agency as in the FOI survey, 8,540 homes, 6,250 supported, 5,300 "
        "with parents, 5,240 other, 1,910 placed for adoption); a fit sets the area-year's",
        bounds=(0, 1),
    ),
    "area.cla_per_10k_start": pub(
        70.0, "children per 10,000", f"{CLA24}: cla_31_march_rate 70", bounds=(1, 500)
    ),
    "area.stock_legal_shares": pub(
        (0.19, 0.75, 0.0, 0.005, 0.055),
        "share of non-UASC children in care at the start by legal status: s20, care order, "
        "police protection, youth justice, placement order",
        f"{CLA24}: 31 March stock by legal status; a fit sets the area-year's",
        bounds=(0, 1),
    ),
    "area.start_year": pub(
        2024,
        "DfE year whose 31 March stock starts the run (day 0 is 1 April of that year)",
        "DfE CLA 2024 is the latest year; a fit sets the year of its starting stock",
        bounds=(2000, 2100),
    ),
    # The starting stock as an aggregate table, from a council's own SSDA903 (calibrate
    # --ssda903): all zeros means not given (the hand-set rows of simulation/population.py).
    "area.stock_placement_by_age": pub(
        (0.0,) * 48,
        "children in care at the start by row (age bands <1, 1-4, 5-9, 10-15, 16-17 less UASC, "
        "then UASC) x placement group (kinship, in-house, agency, residential, supported, with "
        "parents, other, adoption), 6 x 8 counts flattened row by row",
        "a council's SSDA903 on the start date (calibrate --ssda903); zeros: not given",
        bounds=(0, 1e7),
    ),
    "area.stock_years_in_care": pub(
        (0.0,) * 6,
        "mean years in care of the children in care at the start, by the same six rows",
        "a council's SSDA903 on the start date (calibrate --ssda903); zeros: not given "
        "(about 2.5 years, population.MEAN_DAYS_IN_CARE)",
        bounds=(0, 18),
    ),
}

ENTRY = {
    "entry.starts_per_10k_per_year": pub(
        27.66,
        "starts per 10,000 children per year",
        f"{CLA24}: 33,050 starts / 11.947M children",
        bounds=(0, 300),
    ),
    "entry.uasc_share": pub(
        0.22, "share of starts", f"{CLA24}: 7,270 UASC of 33,050 starts", bounds=(0, 1)
    ),
    "entry.age_shares_non_uasc": pub(
        (0.202, 0.187, 0.190, 0.295, 0.126),
        "share by band <1,1-4,5-9,10-15,16-17",
        f"{CLA24}: starts by age less UASC (assumed 15% 10-15, 85% 16+)",
        bounds=(0, 1),
    ),
    "entry.newborn_share": pub(
        0.756,
        "share of under-1 entrants who enter in their first week",
        f"{CLA24}: derived from 5,210 starts, 1,660 ceased and 3,730 in care under 1 "
        "(stock = starts × mean time under 1: an entrant at birth spends (1 - e^-h)/h years "
        "under 1, one at an age uniform over the year (1 - (1 - e^-h)/h)/h, h = ceased / "
        "stock = 0.445 a year); direct.py derives each area's",
        bounds=(0, 1),
        doc="The rest enter at ages uniform over the first year. Without it the under-1 "
        "stock halves in a year (entrants spend at most half a year under 1).",
    ),
    "entry.uasc_share_16_17": asm(
        0.85,
        "share of UASC starts aged 16-17",
        0.75,
        0.95,
        "assumption: DfE reports most UASC are 16-17",
        bounds=(0, 1),
    ),
    "entry.placed_with_parents_share": pub(
        0.066,
        "share of starts",
        f"{CLA24}: 2,190 of 33,050 starts placed with parents",
        bounds=(0, 1),
    ),
    "entry.emergency_share": asm(
        0.45,
        "share of starts placed in an emergency",
        0.3,
        0.6,
        "assumption (no national figure)",
        bounds=(0, 1),
    ),
    "entry.legal_status_shares": pub(
        (0.574, 0.309, 0.101, 0.016),
        "share s20, care order, police protection, youth justice",
        "DfE CLA 2024 national_targets: starts by legal status",
        bounds=(0, 1),
    ),
    "entry.disability_share": pub(
        0.023, "share", "DfE CLA 2024: N2 child's disability 1,930 of 83,630", bounds=(0, 1)
    ),
    "entry.needs_beta_a": cal(
        1.8,
        "Beta a of needs at entry (needs = SDQ total difficulties / 40)",
        SDQ_FIT,
        bounds=(0.1, 20),
    ),
    "entry.needs_beta_b": cal(
        3.4,
        "Beta b of needs at entry (needs = SDQ total difficulties / 40)",
        SDQ_FIT,
        bounds=(0.1, 20),
    ),
    "entry.needs_adolescent_shift": cal(
        0.03,
        "needs added for entrants aged 10+ (1.2 SDQ points)",
        f"{SDQ_FIT}; small because DfE's SDQ is flat by age (13.9 at 5, 15.3 at 8, 14.6 at 11, "
        "15.4 at 14, 13.8 at 16 in 2024, PF:sdq.mean_score_cla.age* rows 395-399)",
        bounds=(0, 1),
    ),
    "entry.demand_growth_per_year": asm(
        0.0, "relative change in starts per year", -0.03, 0.05, "assumption", bounds=(-0.5, 0.5)
    ),
}

MATCHING = {
    "matching.order": Param(
        "kinship,inhouse,agency",
        "placement search order for a child who needs a family placement",
        "lever",
        "DESIGN §4.2 default policy order; 'residential' (a children's home place for a child of "
        "8+ at that point) is left out by default: a child who needs a family and finds none "
        "gets the shortfall paths (matching.shortfall_order)",
        doc="comma-separated; children's homes and supported accommodation are sought by need",
        items=("kinship", "inhouse", "agency", "residential"),
    ),
    "matching.shortfall_order": Param(
        "outside_area,less_suitable,emergency,unregistered",
        "what a child gets when no suitable place exists in the council's area, in order",
        "lever",
        "issue 11: a suitable place outside the area, a less suitable place, an emergency "
        "placement (a children's home place) followed by a planned move, an unregistered "
        "setting; an unregistered setting is the last resort whatever the order",
        doc="comma-separated; see simulation/rules/matching.py for what each path gives",
        items=("outside_area", "less_suitable", "emergency", "unregistered"),
    ),
    "matching.fit_met_needs": asm(
        0.8,
        "match fit when the carer's skill meets the child's needs (less the shortfall when not)",
        0.7,
        0.9,
        "assumption: asymmetric fit (issue 11: a carer more skilled than the child needs is not "
        "a worse match); 0.8 keeps the mean quality of suitable matches near the symmetric "
        "1 - |skill - needs| it replaces",
        bounds=(0, 1),
    ),
    "matching.less_suitable_quality_penalty": asm(
        0.1,
        "match quality lost in a less suitable, emergency or unregistered placement",
        0.0,
        0.2,
        "assumption: no England measure of placement suitability (docs/evidence.md, issue 11, "
        "looked for, not found); the range includes no effect",
        bounds=(0, 1),
    ),
    "matching.kinship_find_probability": cal(
        0.33,
        "probability",
        f"{CLA24}: 5,720 of 33,050 starts in kinship foster care, "
        "as a share of non-UASC starts not placed with parents",
        bounds=(0, 1),
    ),
    "matching.kinship_caseload_elasticity": asm(
        0.02,
        "relative fall in kinship finding per case above reference caseload",
        0.0,
        0.05,
        "assumption: social-work time helps find connected carers (Stein 2009); no UK size",
        bounds=(0, 0.2),
    ),
    "matching.kinship_find_probability_move": cal(
        0.10, "probability at a later move", "hand-set", bounds=(0, 1)
    ),
    "matching.supported_probability_16": cal(
        0.5,
        "probability a 16-17 year old goes to supported accommodation",
        f"{CLA24}: supported accommodation 6,250 at 31 March",
        bounds=(0, 1),
    ),
    "matching.supported_probability_16_uasc": cal(
        0.8, "probability for UASC 16-17", "hand-set to the 2024 stock mix", bounds=(0, 1)
    ),
    "matching.residential_needs_threshold": cal(
        0.58,
        "needs level above which a child 10+ is placed in a children's home",
        "hand-set to children's homes 10.2% of stock (DfE 2024)",
        bounds=(0, 1),
    ),
    "matching.skill_tolerance": asm(
        0.25, "needs above carer skill a carer will accept", 0.15, 0.35, "assumption", bounds=(0, 1)
    ),
    "matching.other_placement_share": cal(
        0.09,
        "share of starts to other settings (secure, health, custody, other)",
        f"{CLA24}: other placements 3,790 + other residential 1,260",
        bounds=(0, 1),
    ),
    "matching.escalation_after_disruption": asm(
        0.1,
        "fall in the children's-home needs threshold after an unplanned ending",
        0.0,
        0.3,
        "assumption: disrupted adolescents often move to residential care",
        bounds=(0, 1),
    ),
    "matching.emergency_quality_penalty": asm(
        0.15, "match quality lost in an emergency", 0.05, 0.3, "assumption", bounds=(0, 1)
    ),
    "matching.caseload_quality_penalty": asm(
        0.01,
        "match quality lost per case above reference",
        0.0,
        0.03,
        "assumption: assessment quality falls with caseload (Stein 2009)",
        bounds=(0, 0.2),
    ),
}

ENDINGS = {
    "endings.disruption_per_year": cal(
        (0.0975, 0.13, 0.15, 0.35, 0.28, 0.06, 0.12),
        "unplanned endings per placement-year: kinship, in-house, agency, residential, "
        "supported, with parents, other",
        "hand-set so 3+ placements in a year is about 10% (DfE 2024); kinship = 0.75 x "
        "in-house at the same needs and quality, the central kin vs stranger-foster hazard "
        "ratio (range 0.6-1.0: PF:effect.instability_r.non_kinship row 357, r = 0.31, intl MA; "
        "breakdown 19.7% vs 31.2%, PF rows 362-363, Spain; Bakker 2014 MA, LE row 120; UK "
        "percentages not found). A fit scales all groups by one multiplier",
        bounds=(0, 10),
    ),
    "endings.needs_effect": asm(
        1.5,
        "log hazard ratio per unit of needs",
        0.8,
        2.2,
        "assumption; behaviour predicts instability (PF:effect.instability_r.child_behaviour)",
        bounds=(0, 5),
    ),
    "endings.adolescent_ratio": asm(
        1.4,
        "hazard ratio for ages 11+",
        1.1,
        1.8,
        "assumption; age predicts instability (PF:effect.instability_r.child_age)",
        bounds=(0.5, 5),
    ),
    "endings.match_quality_effect": asm(
        1.2,
        "log hazard ratio per unit of poor match",
        0.5,
        2.0,
        "assumption (Stein 2009: quality matters)",
        bounds=(0, 5),
    ),
    "endings.caseload_effect": asm(
        0.02,
        "relative rise in disruption per case above reference",
        0.0,
        0.04,
        "assumption: no England effect size",
        bounds=(0, 0.2),
    ),
    "endings.early_months_ratio": asm(
        1.5,
        "hazard ratio in a placement's first 3 months",
        1.2,
        2.5,
        "assumption; PF:placements_ceasing_1to7days_share",
        bounds=(1, 5),
    ),
    "endings.settled_ratio": cal(
        0.6,
        "hazard ratio once a placement has lasted a year",
        "fitted to PF:cla.same_carer_2yrs_share_u16_lt (68% of "
        "long-term under-16s with the same carer for 2+ years, 2024); "
        "most foster placement endings come early "
        "(PF:foster_placements_ceased_by_duration.*)",
        bounds=(0, 2),
    ),
    "endings.emergency_move_days": asm(
        75.0,
        "mean days to a planned move from an emergency placement",
        30,
        150,
        "assumption",
        bounds=(1, 1000),
    ),
    "endings.emergency_move_probability": asm(
        0.35,
        "share of emergency placements followed by a planned move",
        0.2,
        0.5,
        "assumption",
        bounds=(0, 1),
    ),
    "endings.quality_move_threshold": asm(
        0.35,
        "match quality below which a planned move for quality is sought",
        0.2,
        0.5,
        "assumption",
        bounds=(0, 1),
    ),
    "endings.quality_move_per_year": asm(
        0.5, "planned moves per year from poor placements", 0.2, 1.0, "assumption", bounds=(0, 10)
    ),
    "endings.kinship_quality_move_threshold": asm(
        0.2,
        "match quality below which a child is moved out of kinship care for quality",
        0.1,
        0.35,
        "assumption: poorer-quality kin placements last longer and kin carers are supported "
        "rather than the child moved (Farmer & Moyers 2008, UK cohort of 270, SOURCES.md §5); "
        "after a kin disruption over half stay in the family network (Lutman, Hunt & "
        "Waterhouse, LE row 119). 0.35 = the stranger-foster threshold (no protection)",
        bounds=(0, 1),
    ),
}

EXITS = {
    "exits.return_home_per_year": cal(
        (0.25, 0.10, 0.025),
        "hazard in care <6 months, 6-24 months, 24+ months",
        f"hand-set to {CLA24}: 6,840 returned home; duration of last period",
        bounds=(0, 20),
    ),
    "exits.return_home_s20_ratio": asm(
        1.6, "hazard ratio for s20 children", 1.0, 2.5, "assumption", bounds=(0.1, 10)
    ),
    "exits.return_home_with_parents_ratio": asm(
        0.5,
        "hazard ratio when placed with parents (care orders at home last longer)",
        0.3,
        1.0,
        "assumption",
        bounds=(0, 10),
    ),
    "exits.return_home_under_5_ratio": cal(
        4.1,
        "return-home hazard ratio under 5 against 5-9",
        f"calibrated to {CLA24} ceased aged under 5 (by age at ceasing): the England-average "
        "2024 fit",
        bounds=(0, 20),
    ),
    "exits.return_home_adolescent_ratio": cal(
        0.4,
        "return-home hazard ratio for 10+ against 5-9",
        f"calibrated to {CLA24} ceased aged 10-15 (by age at ceasing): the England-average "
        "2024 fit, at its knob's floor (an assumption: 0.4 of the 5-9s' rate or more); "
        "an assumption of 0.6-1.5 before the age targets",
        bounds=(0.05, 10),
    ),
    "exits.adoption_plan_probability": cal(
        (0.45, 0.25, 0.03),
        "probability of an adoption plan for entrants <1, 1-4, 5-9",
        f"hand-set to {CLA24}: 2,980 adopted",
        bounds=(0, 1),
    ),
    "exits.days_to_placement_for_adoption": pub(
        420.0,
        "mean days from entry to placement for adoption",
        "PF:cla.time_entry_to_adoption (about 15 months to adoption less placement)",
        bounds=(30, 3000),
    ),
    "exits.days_placed_to_adoption_order": cal(
        234.0,
        "mean days placed before the order",
        f"{CLA24}: 1,910 placed for adoption at 31 "
        "March / 2,980 adopted × 365 (stock = flow × time); a fit starts from the area-year's "
        "ratio and scales it to the placed-for-adoption stock",
        bounds=(10, 2000),
    ),
    "exits.sgo_per_year": cal(
        (0.25, 0.035),
        "hazard after 6 months: kinship, other foster",
        f"hand-set to {CLA24}: 3,860 SGOs",
        bounds=(0, 5),
    ),
    "exits.cao_per_year": cal(
        0.03, "hazard after 6 months", f"hand-set to {CLA24}: 1,150 CAOs", bounds=(0, 5)
    ),
    "exits.other_per_year": cal(
        (0.03, 0.11),
        "hazard: under 10, 10-17 (at 16-17 × exits.other_age_16_ratio)",
        f"hand-set to {CLA24}: other and independent-living exits",
        bounds=(0, 5),
    ),
    "exits.other_age_16_ratio": cal(
        2.7,
        "hazard ratio of 'other' exits at 16-17 against 10-15 (moving to independent living)",
        f"calibrated to {CLA24} ceased aged 16-17 (by age at ceasing): the England-average "
        "2024 fit; the 16-17s who leave by another route do not reach 18 in care",
        bounds=(0, 50),
    ),
    "exits.staying_put_share": pub(
        (0.58, 0.40),
        "share staying put at 18: in-house, agency",
        "Ofsted Fostering in England 2017-18 (lever_evidence: Staying Put take-up)",
        bounds=(0, 1),
    ),
    "exits.staying_put_days": asm(
        550.0,
        "mean days a Staying Put arrangement lasts",
        300,
        900,
        "assumption (to age 21 at most)",
        bounds=(1, 1100),
    ),
}

REUNIFICATION = {
    "reunification.reentry_per_year": pub(
        (0.223, 0.035),
        "re-entry hazard: first year after return, years 2-6",
        "PF:reentry.cumulative_1yr_after_return_home 0.20 and "
        "PF:reentry.cumulative_6yr_after_return_home_lower_bound 0.33",
        bounds=(0, 5),
    ),
    "reunification.track_years": asm(
        6.0,
        "years a returned child is followed",
        3,
        10,
        "assumption (the study horizon)",
        bounds=(0, 18),
    ),
    "reunification.support_share": lev(
        0.0,
        "share of returns given intensive support",
        (0, 1),
        "reunification support: share of returns supported",
    ),
    "reunification.support_reentry_ratio": asm(
        0.8,
        "re-entry hazard ratio with intensive support",
        0.6,
        1.0,
        "assumption; FDAC quasi-experiments (lever_evidence §5), meta-analysis null on re-entry",
        bounds=(0, 2),
    ),
    "reunification.support_cost_gbp_per_family": asm(
        6000.0,
        "GBP per supported return",
        3000,
        12000,
        "assumption: no per-family cost found (LEVERS.md §5)",
        bounds=(0, 100000),
    ),
}

CARERS = {
    "carers.inhouse_households_per_10k": asm(
        11.9,
        "in-house mainstream households per 10,000 children",
        10.0,
        14.1,
        "PF:fostering.households_mainstream 33,745 (2024) / 11.947M = 28.2 per 10,000, with an "
        "assumed LA share of 42% (range 35-50%; IFAs make 55% of new approvals, PF:fostering."
        "new_approvals_share_ifa)",
        bounds=(0, 200),
    ),
    "carers.agency_households_per_10k": asm(
        13.0,
        "agency (IFA) households available to the council per 10,000 children at the start",
        11.0,
        16.4,
        "derived: the 2024 agency foster stock (24.0% of 70 per 10,000) / (Ofsted IFA "
        "occupancy of available places 70%: 17,890 filled of 17,890 + 7,600 vacant, 2017-18, "
        "fostering_england.csv × 1.85 places a household) = 13.0; Ofsted counted 14,765 IFA "
        "households in 2017-18 (12.5 per 10,000); the old 16.4 (58% of PF:fostering."
        "households_mainstream 2024, share assumed) is the high end",
        bounds=(0, 200),
    ),
    "carers.places_weights": asm(
        (0.35, 0.45, 0.20),
        "share of households with 1, 2, 3 places",
        0.0,
        1.0,
        "assumption; PF:fostering.places_approved / households gives about 1.9 places",
        bounds=(0, 1),
    ),
    "carers.deregistration_per_year": pub(
        0.105,
        "mainstream deregistrations per household-year (before strain, age, support)",
        "PF:fostering.deregistration_rate_mainstream 2022-23 (5,125/40,130)",
        bounds=(0, 2),
    ),
    "carers.disruption_strain_ratio": asm(
        1.5,
        "deregistration hazard ratio for a year after a disruption",
        1.0,
        2.5,
        "assumption",
        bounds=(1, 10),
    ),
    "carers.older_ratio": asm(
        1.5,
        "deregistration hazard ratio for carers 60+",
        1.0,
        2.0,
        "assumption; PF:fostering.deregistering_carers_age60plus_share",
        bounds=(0.5, 5),
    ),
    "carers.agency_recruit_per_year": cal(
        0.128,
        "agency households joining per household-year (keeps the IFA market steady)",
        "hand-set equal to deregistration",
        bounds=(0, 2),
    ),
    "carers.support_share": lev(
        0.0,
        "share of in-house households on enhanced support",
        (0, 1),
        "enhanced support (supervising social worker time, training, respite, peer hub)",
    ),
    "carers.support_deregistration_ratio": asm(
        0.6,
        "deregistration hazard ratio with enhanced support",
        0.18,
        1.0,
        "assumption: Mockingbird 82% less likely to deregister (evaluation, design not stated; "
        "lever_evidence §1) as the low end; no effect as the high end",
        bounds=(0, 2),
    ),
    "carers.support_disruption_ratio": asm(
        0.85,
        "disruption hazard ratio with enhanced support",
        0.7,
        1.0,
        "assumption: Fostering Changes RCT found no effect on moves (lever_evidence §1)",
        bounds=(0, 2),
    ),
    "carers.support_skill_gain": asm(
        0.1, "skill added by enhanced support", 0.0, 0.2, "assumption", bounds=(0, 1)
    ),
    "carers.support_cost_gbp_per_household_year": lev(
        4500.0,
        "GBP per supported household per year",
        (0, 100000),
        "cost of enhanced support; Mockingbird near break-even (lever_evidence §1)",
    ),
}

WORKFORCE = {
    "workforce.fte_per_10k": pub(
        17.66,
        "case-holding social worker FTE per 10,000 children",
        "PF:sw.case_holders_fte 21,105 (2025) / 11.947M",
        bounds=(0.1, 500),
    ),
    "workforce.fte_extra_per_10k": lev(
        0.0, "extra case-holding FTE per 10,000 children", (0, 100), "more social workers"
    ),
    "workforce.other_cases_per_fte": pub(
        11.3,
        "non-looked-after cases per FTE",
        "PF:sw.cases 321,661 less 83,630 CLA, per PF:sw.case_holders_fte 21,105",
        bounds=(0, 50),
    ),
    "workforce.reference_caseload": pub(
        15.2, "cases per FTE", "PF:sw.caseload_per_fte_case_holder 2025", bounds=(1, 60)
    ),
    "workforce.agency_share": pub(
        0.155, "share of FTE that is agency", "PF:sw.agency_rate_fte", bounds=(0, 1)
    ),
    "workforce.agency_share_target": lev(
        -1.0, "target agency share (-1 keeps the published share)", (-1, 1), "less agency staff"
    ),
    "workforce.turnover_per_year": pub(
        0.154, "leavers per FTE-year (permanent)", "PF:sw.turnover_rate_fte", bounds=(0, 2)
    ),
    "workforce.agency_turnover_ratio": asm(
        2.0, "agency vs permanent turnover", 1.0, 3.0, "assumption", bounds=(0.5, 10)
    ),
    "workforce.turnover_caseload_elasticity": asm(
        0.05,
        "relative rise in turnover per case above reference",
        0.0,
        0.1,
        "assumption: caseload drives turnover; no England effect size",
        bounds=(0, 0.5),
    ),
    "workforce.vacancy_fill_days": asm(
        120.0, "mean days to fill a vacancy", 60, 240, "assumption", bounds=(1, 1000)
    ),
    "workforce.internal_change_per_year": cal(
        1.0,
        "changes of allocated worker per child-year other than leavers (team transfers)",
        "hand-set so about 27% have 3+ social workers in the year (PF:cla.three_plus_social_"
        "workers_in_year_share, 2024)",
        bounds=(0, 10),
    ),
    "workforce.transfer_caseload_elasticity": asm(
        0.1,
        "log change in team transfers per case above (or below) the reference caseload",
        0.0,
        0.2,
        "assumption: workload pressure drives case transfers; the DfE stability "
        "index reports associations only, no causal estimate",
        bounds=(0, 1),
    ),
    "workforce.caseload_cap": lev(
        0.0, "maximum cases per FTE (0 = no cap)", (0, 60), "caseload cap"
    ),
}

PIPELINE = {
    "pipeline.enquiries_per_10k_per_year": pub(
        26.0,
        "enquiries to the council's own service per 10,000 children per year",
        "LA enquiries implied by PF:fostering.enquiry_to_application_rate_la (12%) and LA "
        "applications: 20.9 (2022-23), 23.4 (2021-22, 8 enquiries per application), 29.0 "
        "(2017-18, fostering_england.csv); per 10,000 children",
        bounds=(0, 1000),
    ),
    "pipeline.enquiry_to_application": pub(
        0.12, "share", "PF:fostering.enquiry_to_application_rate_la 2022-23", bounds=(0, 1)
    ),
    "pipeline.assessors_per_10k": asm(
        0.25,
        "assessing social worker FTE per 10,000 children",
        0.15,
        0.4,
        "assumption",
        bounds=(0, 50),
    ),
    "pipeline.assessors_extra_per_10k": lev(
        0.0, "extra assessing FTE per 10,000 children", (0, 50), "assessment capacity"
    ),
    "pipeline.enquiries_uplift": lev(
        0.0,
        "relative rise in enquiries from recruitment campaigns",
        (0, 5),
        "recruitment marketing",
    ),
    "pipeline.assessment_days": asm(
        180.0,
        "mean days an assessment takes",
        120,
        240,
        "assumption (the regulations expect about 8 months)",
        bounds=(10, 1000),
    ),
    "pipeline.approval_share": pub(
        0.72,
        "share of completed assessments approved",
        "Ofsted LA rows 2013-14 to 2017-18 (fostering_england.csv): 14,035 approved of 19,590 "
        "not withdrawn by the applicant (PF:fostering.application_to_approval_conversion 0.49 "
        "counts withdrawals too, which the pipeline models separately)",
        bounds=(0, 1),
    ),
    "pipeline.assessments_per_assessor": Param(
        6.0,
        "Form F assessments one assessing FTE carries at once",
        "assumption",
        "assumption: an assessment takes 6-8 months and an assessing social worker completes "
        "about 8-12 a year, so carries 4-8 at once",
        bounds=(0.5, 30),
        range=(4.0, 8.0),
    ),
    "pipeline.assessment_cv": Param(
        0.4,
        "coefficient of variation of assessment length (lognormal)",
        "assumption",
        "assumption: most assessments take 4-10 months (regulations expect about 8)",
        bounds=(0.0, 3.0),
        range=(0.2, 0.6),
    ),
    "pipeline.withdrawal_per_year": Param(
        0.7,
        "applicant withdrawals per application-year in assessment",
        "assumption",
        "assumption calibrated to Ofsted LA rows 2013-14 to 2017-18 (fostering_england.csv): "
        "8,600 of 28,190 concluded LA applications (30.5%) withdrawn by applicants",
        bounds=(0.0, 20.0),
        range=(0.4, 1.0),
    ),
    "pipeline.withdrawal_wait_ratio": Param(
        1.5,
        "withdrawal hazard ratio while waiting for an assessor",
        "assumption",
        "assumption: no England figure; applicants left waiting are more likely to give up",
        bounds=(0.0, 10.0),
        range=(1.0, 3.0),
    ),
    "pipeline.recruitment_cost_gbp_per_enquiry_uplift": lev(
        150.0, "GBP per extra enquiry", (0, 10000), "marketing cost per extra enquiry"
    ),
    "pipeline.assessor_cost_gbp_per_fte_year": pub(
        62000.0,
        "GBP per FTE-year",
        "PF:cost.social_worker_per_hour £40 x 1,550 h",
        bounds=(0, 500000),
    ),
}

MARKET = {
    # Where places are: DfE 31 March 2024 stock by placement location (inside or outside the
    # council boundary; over 20 miles), calibration/data/published_figures.csv rows 440-479.
    "market.kinship_location_shares": pub(
        (0.681, 0.213, 0.106),
        "share of kinship households inside the area, outside under 20 miles, outside 20+",
        "PF:market.outside_la_share.kinship_foster 0.319 (2024, row 444); outside split 2:1 "
        "near:far as foster care overall (outside and over 20 miles 14% of 42.4% outside, "
        "rows 442, 455)",
        bounds=(0, 1),
    ),
    "market.inhouse_location_shares": cal(
        (0.74, 0.17, 0.09),
        "share of in-house foster households by band (inside, outside <20 miles, 20+)",
        "hand-set so in-house placements are about 24% outside the area: LA own-provision "
        "foster placements 27.4% outside (row 468) less kinship (31.9% outside, row 444) = "
        "24% (derived); councils fill nearer places first, so households outside are a "
        "larger share than placements; outside split 2:1 near:far (rows 442, 455)",
        bounds=(0, 1),
    ),
    "market.agency_location_shares": cal(
        (0.28, 0.40, 0.32),
        "share of agency households available to the council by band",
        "hand-set so agency placements are about 64% outside the area (PF:market.outside_la_"
        "share.foster_private_voluntary 0.642, 2024, row 469) and foster placements 14% outside "
        "and over 20 miles (row 455); nearer places fill first, so far households are a larger "
        "share than far placements",
        bounds=(0, 1),
    ),
    "market.residential_location_shares": pub(
        (0.25, 0.24, 0.51),
        "share of purchased children's home places by band",
        "DfE 2024 (rows 440, 458, 470-472): 8,540 children in homes, 2,780 inside the area "
        "(about 990 in LA homes), 5,760 outside, 3,830 outside and over 20 miles: purchased "
        "placements 1,800 inside, 1,930 near, 3,830 far (derived)",
        bounds=(0, 1),
    ),
    "market.supported_location_shares": cal(
        (0.50, 0.38, 0.12),
        "share of supported accommodation places by band",
        "hand-set so supported placements are about 44% outside the area (DfE 2024: 3,520 of "
        "6,250 inside, row 473) and 8-16% over 20 miles (8% of all, 16.6% of those with a "
        "known distance: 53% not known, rows 459-460); nearer places fill first",
        bounds=(0, 1),
    ),
    "market.with_parents_location_shares": asm(
        (0.75, 0.17, 0.08),
        "share of placements with parents by band",
        0.0,
        1.0,
        "8% over 20 miles (row 462); inside share assumed so all reported placements outside "
        "the area come to 45% (row 578)",
        bounds=(0, 1),
    ),
    "market.adoption_location_shares": asm(
        (0.35, 0.14, 0.51),
        "share of placements for adoption by band",
        0.0,
        1.0,
        "51% over 20 miles (row 461); inside share assumed",
        bounds=(0, 1),
    ),
    "market.other_location_shares": asm(
        (0.4, 0.3, 0.3),
        "share of other placements (secure, health, custody, unregistered) by band",
        0.0,
        1.0,
        "assumption: 90 of 100 secure placements outside (national_targets.csv 2024); other "
        "settings not reported by distance",
        bounds=(0, 1),
    ),
    # How many places there are, and how they respond.
    "market.residential_places_ratio": asm(
        1.10,
        "purchased children's home places available to the council per purchased placement "
        "at the start",
        1.05,
        1.3,
        "assumption: registered places are 66% filled nationally (PF:childrens_homes."
        "occupancy_by_cla_derived, row 508), but few are open to a given child (CMA: 'at most "
        "one available placement', docs/evidence.md); hand-set so unregistered placements come "
        "near 1.2% of children in care a year (982 of 83,630, rows 528, 578): 1.18% measured "
        "on a refit with the market (docs/market.md)",
        bounds=(1.0, 5.0),
    ),
    "market.supported_places_ratio": asm(
        1.1,
        "supported accommodation places per supported placement at the start",
        1.0,
        1.3,
        "assumption: places not published (docs/evidence.md); the stock in use (6,250, 2024) "
        "plus a margin; range from the proposed 1.0x-1.2x",
        bounds=(1.0, 5.0),
    ),
    "market.residential_price_elasticity": asm(
        1.0,
        "elasticity of the purchased children's home price to the occupancy of the purchased "
        "places (relative to the occupancy their starting use gives)",
        0.0,
        3.3,
        "assumption: no curve published; 3.3 = real price growth (+33%) over volume growth "
        "(+10%) 2019-20 to 2023-24 (LE 92, PF 514), an upper bound (needs also rose); 0 = none",
        bounds=(0, 10),
    ),
    "market.unregistered_gbp_per_week": asm(
        10000.0,
        "GBP per child-week in an unregistered setting",
        6108.0,
        30000.0,
        "assumption: no mean price found; low = county average residential price (PF 516-517), "
        "central = LGA high-cost threshold (PF 537), high = Ofsted maximum (PF 533)",
        bounds=(0, 100000),
    ),
    "market.unregistered_accept_days": asm(
        300.0,
        "mean days before a registered provider will take a child in an unregistered setting "
        "(the child then moves when a suitable place is free)",
        100.0,
        600.0,
        "assumption: children in unregistered settings stay about six months (PAC, September "
        "2024: nearly 800 children, six months on average, PF 531-532; 800 in a year that "
        "placed 982 implies longer, PF 528); placements there also end by disruption, exit or "
        "the 18th birthday, so 300 days gives a stay of about five months (docs/market.md)",
        bounds=(0, 2000),
    ),
    "market.agency_demand_elasticity": asm(
        0.5,
        "elasticity of agency households joining to demand on the agency market",
        0.0,
        1.0,
        "assumption: no supply response published; IFA places grew as LA places fell (+560 / "
        "-490 in 2019-20, PF 500-501) and IFAs made 55% of new approvals in 2023-24 (PF 260): "
        "consistent with a response, not an estimate; 0 = none",
        bounds=(0, 5),
    ),
    "market.agency_price_elasticity": asm(
        0.5,
        "elasticity of agency households joining to the fee paid",
        0.0,
        1.0,
        "assumption: no elasticity published (docs/evidence.md); 0 = none",
        bounds=(0, 5),
    ),
    "market.agency_supply_ratio": asm(
        1.0,
        "agency households available to the council, relative to the central estimate",
        0.8,
        1.2,
        "assumption: the central estimate is carers.agency_households_per_10k; a tight market "
        "(scenarios/sufficiency-shortfall.toml) sets 0.8",
        bounds=(0.1, 3.0),
    ),
    "market.agency_fee_uplift_share": lev(
        0.0,
        "extra share paid on the agency weekly fee",
        (0, 1),
        "paying agencies more: more households join (market.agency_price_elasticity), at "
        "the higher fee on every agency placement",
    ),
}

RESIDENTIAL = {
    "residential.inhouse_beds_per_10k": lev(
        0.35, "in-house children's home beds per 10,000", (0, 50), "in-house residential beds"
    ),
    "residential.inhouse_opening_cost_gbp_per_bed": lev(
        0.0, "one-off GBP per new in-house bed", (0, 5_000_000), "capital cost of new beds"
    ),
}

COSTS = {
    "costs.weekly_gbp": Param(
        (300.0, 600.0, 820.0, 6123.0, 1500.0, 100.0, 3000.0, 600.0),
        "GBP per child-week: kinship, in-house foster, agency foster, purchased children's "
        "home, supported, with parents, other, placed for adoption",
        "published",
        "in-house PF:cost.foster_per_child_week ~£600; agency CMA £820 "
        "(lever_evidence §6); children's home NAO £318,400/yr; others assumptions (kinship "
        "allowances PF:fostering.allowance_weekly_*; supported, parents, other, adoption)",
        bounds=(0, 100000),
    ),
    "costs.inhouse_residential_weekly_gbp": asm(
        4500.0,
        "GBP per in-house children's home bed-week",
        3000,
        6000,
        "assumption: ratio to purchased uncertain (lever_evidence §6, Lincolnshire FOI)",
        bounds=(0, 100000),
    ),
    "costs.sw_permanent_gbp_per_fte_year": asm(
        62000.0,
        "GBP per FTE-year, on-costs included",
        52000,
        72000,
        "assumption from PF:cost.social_worker_per_hour",
        bounds=(0, 1e6),
    ),
    "costs.sw_agency_gbp_per_fte_year": asm(
        90000.0, "GBP per FTE-year", 75000, 110000, "assumption", bounds=(0, 1e6)
    ),
    "costs.staying_put_gbp_per_year": pub(
        8222.0,
        "GBP per young person-year",
        "lever_evidence: Staying Put grant 2014/15",
        bounds=(0, 1e6),
    ),
    "costs.kinship_allowance_uplift_gbp_per_week": lev(
        0.0, "extra GBP per kinship child-week", (0, 1000), "kinship allowances"
    ),
}

ENGINE = {
    "engine.clock": Param(
        "lean",
        "event engine",
        "assumption",
        "engine choice, not a model parameter: 'mesa' (Model.schedule_event) or 'lean' (heapq)",
        range=(0, 0),
        choices=("mesa", "lean"),
    ),
    "engine.rules": Param(
        "entry,needs,assessment,matching,endings,exits,reunification,permanence,carers,workforce,"
        "costs",
        "enabled rules, in order",
        "assumption",
        "DESIGN §4",
        range=(0, 0),
    ),
    "engine.plugins": Param(
        "",
        "extra rule modules to import (module paths)",
        "assumption",
        "researcher's rules enabled from a scenario",
        range=(0, 0),
    ),
}

for _section in (
    AREA,
    ENTRY,
    MATCHING,
    ENDINGS,
    EXITS,
    REUNIFICATION,
    CARERS,
    WORKFORCE,
    PIPELINE,
    MARKET,
    RESIDENTIAL,
    COSTS,
    ENGINE,
):
    register(_section)

# ---------------------------------------------------------------------------------------------
# LEVERS_ADDED_FOR_SCENARIOS: parameters the scenario files need that the tree lacked (added by
# the scenario engineer; the engine's matching, endings and costs rules read them).
# kinship-first: connected-person assessment capacity, and what it and allowances may do.
LEVERS_ADDED_FOR_SCENARIOS = {
    "matching.kinship_assessors_extra_per_10k": lev(
        0.0,
        "extra kinship (connected-person) assessment and family-finding FTE per 10,000 children",
        (0, 20),
        "kinship assessment capacity; costed at pipeline.assessor_cost_gbp_per_fte_year",
    ),
    "matching.kinship_find_gain_per_fte_per_10k": asm(
        0.4,
        "relative rise in the kinship finding probability (at entry and at a later move) "
        "per extra kinship FTE per 10,000 children",
        0.0,
        0.8,
        "assumption: no England estimate of assessment capacity on kinship take-up (LEVERS.md "
        "§4, looked for, not found); the range includes no effect",
        bounds=(0, 5),
    ),
    "endings.kinship_allowance_disruption_ratio_per_100gbp": asm(
        0.95,
        "kinship disruption hazard ratio per GBP 100 a week of allowance uplift (applied "
        "as ratio ** (uplift / 100))",
        0.85,
        1.0,
        "assumption: no effect estimate for kinship allowances (LEVERS.md §4: allowance pilot "
        "has no outcome data); the range includes no effect",
        bounds=(0.1, 1.5),
    ),
}
register(LEVERS_ADDED_FOR_SCENARIOS)

# Levers and parameters the engine's rules read beyond the sections above.
ENGINE_EXTRA = {
    "entry.new_entrant_share": cal(
        0.96,
        "share of starts that are first entries (the rest are re-entries the model makes)",
        "PF:cla.entrants_previously_looked_after_share 0.12 (c.2010), adjusted by hand",
        bounds=(0, 1),
    ),
    "matching.supported_quality": asm(
        0.5, "match quality in supported accommodation", 0.3, 0.7, "assumption", bounds=(0, 1)
    ),
    "workforce.agency_cover_days": asm(
        30.0, "mean days for agency cover to start", 7, 60, "assumption", bounds=(1, 365)
    ),
}
register(ENGINE_EXTRA)

# ---------------------------------------------------------------------------------------------
# Issue 12: needs that respond to care (SDQ scale), assessment, social-work continuity,
# supervision, kinship and permanence breakdown. Effect sizes are assumptions whose ranges
# include no effect unless a figure is cited; "no effect" is 0 for an SDQ change or a delay and
# 1 for a hazard or error ratio (tests/unit/test_needs_negative_control.py).
NO_UK_ESTIMATE = "no UK estimate found (docs/evidence.md, issue 12, looked for, not found)"
ISSUE_12 = {
    # ---- needs: how SDQ changes with care (rules/needs.py) --------------------------------
    "needs.sdq_per_unplanned_ending": asm(
        1.0,
        "SDQ points added by an unplanned placement ending",
        0.0,
        2.0,
        f"assumption, {NO_UK_ESTIMATE}: placement instability and mental-health difficulties "
        "OR 2.07 (1.65-2.59; PF:effect.mental_health_or.placement_instability row 570, UK MA of "
        "observational studies, direction unclear) is about 0.4 SD (3 SDQ points, d = ln OR "
        "x sqrt(3)/pi) between unstable and stable groups over several moves; Hiller 2022 "
        "(LE row 114): more placements, more difficulty; includes no effect",
        bounds=(0, 10),
    ),
    "needs.sdq_per_worker_change": asm(
        0.25,
        "SDQ points added by a change of social worker",
        0.0,
        0.5,
        f"assumption, {NO_UK_ESTIMATE}; includes no effect",
        bounds=(0, 5),
    ),
    "needs.sdq_per_year_quality": asm(
        -2.0,
        "SDQ change per year per unit of match quality above 0.5 (a good placement, quality "
        "0.75, lowers SDQ by 0.5 points a year; a poor one, 0.25, raises it by 0.5)",
        -4.0,
        0.0,
        f"assumption, {NO_UK_ESTIMATE}: quality of parenting and stability r = 0.29 "
        "(PF:effect.instability_r.quality_parenting row 358, intl MA) is indirect; Stein 2009: "
        "a child lingering in a poor placement is harmed; includes no effect",
        bounds=(-20, 20),
    ),
    "needs.sdq_drift_per_year": asm(
        -0.3,
        "SDQ change per year in care whatever the placement",
        -0.5,
        0.5,
        "assumption: no overall change in behaviour problems over time in foster care "
        "(Goemans 2015 MA, LE row 117); stable profiles most common in the first 3 years "
        "(Hiller 2022, LE row 114). Central value set so the mean yearly change of children "
        "in foster care for a year is about zero with the other effects at their centres "
        "(measured: -0.1 to -0.4 points; +0.5 in children's homes)",
        bounds=(-10, 10),
    ),
    "needs.sdq_yearly_sd": asm(
        3.0,
        "SD of a child's own year-to-year SDQ change (noise, not an effect of care)",
        2.0,
        4.0,
        "assumption: enough for about a fifth to cross the clinical line each way in a year "
        "(Leloux-Opmeer 2017, PF rows 574-575, Netherlands, 121 children); 0 for a negative "
        "control",
        bounds=(0, 10),
    ),
    "costs.high_needs_premium_share": asm(
        0.15,
        "extra weekly cost of an in-house, agency or purchased residential placement for a "
        "child whose SDQ is 17+ (a cause for concern), as a share of the group's weekly cost",
        0.0,
        0.3,
        "assumption: enhanced fees and allowances for complex needs; no England figure by SDQ "
        "band found; solo residential placements cost 2.3 times the average (GBP 10,631 vs "
        "4,639 a week, PF:cost.residential_placement_per_week.la_example_* rows 518 and 520, "
        "one LA's FOI) is the tail, not the mean; includes none",
        bounds=(0, 5),
    ),
    # ---- assessment (rules/assessment.py) ---------------------------------------------------
    "assessment.error_sd_sdq": asm(
        3.5,
        "SD of a worker's assessment error (SDQ points) at the reference caseload",
        2.0,
        5.0,
        "assumption: an error of this size roughly reproduces a screen with sensitivity 0.85 "
        "and specificity 0.80 around 17 (PF:sdq.screening_* rows 402-403) with the CLA "
        "distribution; a third of child permanence reports did not reflect the child's "
        "difficulties (PF:assessment.permanence_reports_inaccurate_share row 554, 149 "
        "children); 0 for a negative control",
        bounds=(0, 20),
    ),
    "assessment.caseload_error_growth": asm(
        0.02,
        "log change in the assessment error SD per case above (or below) the reference caseload",
        0.0,
        0.05,
        f"assumption, {NO_UK_ESTIMATE}; includes no effect",
        bounds=(0, 0.5),
    ),
    "assessment.supervision_error_ratio": asm(
        0.8,
        "assessment error SD ratio for a worker with reflective supervision and training",
        0.6,
        1.0,
        "assumption: the evidence on supervision's effect on outcomes is 'surprisingly weak' "
        "(Carpenter, Webb & Bostock 2013, systematic review of child welfare supervision "
        "2000-2012, Children and Youth Services Review 35(11)); includes no effect",
        bounds=(0, 2),
    ),
    # ---- social-work continuity and supervision (rules/workforce.py, endings, exits) --------
    "workforce.change_disruption_ratio": asm(
        1.1,
        "disruption hazard ratio in the handover window after a change of social worker",
        1.0,
        1.25,
        "assumption: only associations (Stability Index 2019: workforce, child and placement "
        "factors explain 11% of between-LA variation, PF row 565, LE row 121; 55% had 2+ "
        "changes over 2 years, PF row 566); includes no effect",
        bounds=(1, 3),
    ),
    "workforce.handover_days": asm(
        90.0,
        "days after a change of social worker during which it raises disruption and a return "
        "home planned then breaks down more",
        30.0,
        180.0,
        "assumption (a new worker's first months with the child and carers)",
        bounds=(1, 730),
    ),
    "workforce.change_delay_days": asm(
        30.0,
        "days added, per change of social worker in the period of care, to the time to an "
        "adoption order, an SGO or a CAO",
        0.0,
        90.0,
        "assumption: permanency within 18 months 74.5% with one caseworker vs 17.5% with two "
        "(US, descriptive and confounded, LE row 60) is an illustration only; includes none",
        bounds=(0, 365),
    ),
    "workforce.change_reentry_ratio": asm(
        1.15,
        "re-entry hazard ratio for a return home made within the handover window after a "
        "change of social worker (reunification planning interrupted)",
        1.0,
        1.3,
        f"assumption, {NO_UK_ESTIMATE}; includes no effect",
        bounds=(1, 3),
    ),
    "workforce.supervision_share": lev(
        0.0,
        "share of case-holding social workers given reflective supervision and training",
        (0, 1),
        "supervision and training (protected practice-supervisor time, CPD days)",
    ),
    "workforce.supervision_cost_gbp_per_worker_year": lev(
        3500.0,
        "GBP per supervised worker per year",
        (0, 50000),
        "cost of supervision and training: 18 h of supervisor and 18 h of worker time a year "
        "plus 5 training days, at GBP 40 an hour (PF:cost.social_worker_per_hour row 344, "
        "2013/14 prices), plus about GBP 500 of course fees",
    ),
    "workforce.supervision_turnover_ratio": asm(
        0.85,
        "turnover hazard ratio for a worker with reflective supervision and training",
        0.7,
        1.0,
        "assumption: good supervision is associated with retention (Carpenter, Webb & Bostock "
        "2013 systematic review; associations only); includes no effect",
        bounds=(0, 2),
    ),
    # ---- needs on reunification and its breakdown -----------------------------------------
    "exits.return_home_needs_ratio_per_sd": asm(
        0.9,
        "return-home hazard ratio per SD (7 points) of SDQ above 14.7",
        0.75,
        1.0,
        f"assumption, {NO_UK_ESTIMATE}; includes no effect",
        bounds=(0.1, 2),
    ),
    "reunification.reentry_needs_ratio_per_sd": asm(
        1.15,
        "re-entry hazard ratio per SD (7 points) of SDQ above 14.7 at the return home",
        1.0,
        1.3,
        "assumption: higher difficulties predict breakdown (adoption disruption OR 1.25 for "
        "high behaviour problems, PF row 572; placement disruption, Staines 2012, LE row 118); "
        "includes no effect",
        bounds=(0.1, 3),
    ),
    # ---- permanence breakdown (rules/permanence.py) ---------------------------------------
    "permanence.breakdown_per_year": cal(
        (0.0020, 0.0070, 0.0076, 0.0112),
        "breakdown (return to care) hazard per year after an order: adoption before the "
        "child's 11th birthday, adoption from 11, SGO, CAO",
        "hand-set so the baseline's starts after a permanence order match DfE 2024 (adoption "
        "170, SGO 320, CAO 110 of 33,050 starts, PF:cla.starts_previous_permanence.* rows "
        "481-483; 1.8%, row 493; the 6,590 unknown counted as none, so a lower bound), with the "
        "shape of Selwyn et al 2014 and Wijedasa & Selwyn 2017: adoption 3.2% over 12 years "
        "(row 562) with two-thirds in the teenage years (row 563), so the rate from 11 is 3.5 "
        "times the earlier one. Selwyn's own 5-year risks per 1,000 orders (adoption 7, SGO 57, "
        "residence order 147, rows 183-185) give -ln(1 - risk)/5 = 0.0014, 0.0117, 0.0318: "
        "with them the baseline makes 0.7 times DfE's adoption, 1.5 times its SGO and 2.8 "
        "times its CAO breakdowns (measured, 40 replicates x 5 years), so the older cohort's "
        "risks are scaled to today's counts",
        bounds=(0, 10),
    ),
    "permanence.needs_ratio_per_sd": asm(
        1.25,
        "breakdown hazard ratio per SD (7 points) of SDQ above 14.7 when the order was made",
        1.0,
        1.5,
        "assumption from adoption disruption OR 1.25 for high behaviour problems (Rushton & "
        "Dance 2006, PF:effect.adoption_disruption_or.behaviour_problems row 572, UK, 108 "
        "children; unit not stated); includes no effect",
        bounds=(0.1, 5),
    ),
    "permanence.start_orders_per_10k_per_year": pub(
        (2.494, 3.231, 0.963),
        "orders out of care per 10,000 children per year in the years before the start "
        "(adoption, SGO, CAO): the children the model follows from day one",
        f"{CLA24}: ceased 2,980 adopted, 3,860 SGO, 1,150 CAO / 11.947M children",
        bounds=(0, 100),
    ),
    # ---- kinship households (capacity.new_kinship_household) -------------------------------
    "kinship.skill_offset": asm(
        0.1,
        "a connected carer's skill minus the child's needs, on average",
        -0.1,
        0.2,
        "assumption: connected carers know the child, so how well they meet its needs is not "
        "a stranger's skill drawn at random; kin placements are as stable or more and "
        "children do as well (Farmer & Moyers 2008 and Hunt et al 2008, SOURCES.md §5; "
        "Bakker 2014 MA, LE row 120), with carers under more strain. With the asymmetric "
        "fit (matching.fit_met_needs) only a shortfall lowers quality: 0.1 with a spread of "
        "0.7 gives kin placements the mean quality of in-house stranger care (0.68 vs 0.68 "
        "made, 8 replicates; 0 with 0.9 gave 0.63; python -m calibration.needs_checks)",
        bounds=(-1, 1),
    ),
    "kinship.skill_spread": asm(
        0.7,
        "width of a connected carer's skill around the child's needs (uniform)",
        0.6,
        1.2,
        "assumption: set with kinship.skill_offset so kinship match quality averages that of "
        "stranger foster care with a wider spread (SD 0.20 around the child's needs; some "
        "poor kin placements that last, Farmer & Moyers 2008)",
        bounds=(0, 2),
    ),
}
register(ISSUE_12)
