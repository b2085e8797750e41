"""DfE's validator (csc-validator-be-903 0.1.17, in its own environment) on our SSDA903.

These run where the validator's environment can be made (Python 3.9-3.11 and pip reaching
PyPI; made once under ``$CAREPATHS_CACHE`` or ``~/.cache/carepaths``, about a minute the first
time) and skip with the reason otherwise. Each validator call takes 3-8 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration.ssda903 import codes, validator
from calibration.ssda903.calibrate import calibrate_ssda903
from calibration.ssda903.reader import SSDA903Error
from tests.ssda903_helpers import council_set, rewrite


@pytest.fixture(scope="module")
def lac() -> Path:
    try:
        return validator.environment()
    except (validator.ValidatorUnavailable, OSError) as exc:
        pytest.skip(f"DfE's validator cannot be installed here: {exc}")
    except Exception as exc:  # pip could not reach the registry, etc.
        pytest.skip(f"DfE's validator environment could not be made: {exc}")


def test_a_default_small_run_has_no_finding_outside_the_listed_rules(
    lac: Path, tmp_path: Path
) -> None:
    """The default area, two DfE years, one replicate: every finding is a reference-data
    rule or a listed defect of the validator (calibration/ssda903/validator.py says why)."""
    folder = council_set(tmp_path / "set", years=2, population=100_000, seed=1)
    report = validator.validate_years(validator.year_files(folder), folder)
    assert report.rulesets == {2025: "lac2024_25", 2026: "lac2025_26"}
    assert report.findings, "the postcode rules must fire: the postcodes are synthetic"
    assert report.unexplained() == [], report.unexplained()[:5]


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = ",".join(codes.TABLES["Episodes"]) + "\n"
SW = "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"


def _write(folder: Path, header: str, episodes: str, sw: str) -> None:
    folder.mkdir(parents=True)
    (folder / "header.csv").write_text(HEADER + header)
    (folder / "episodes.csv").write_text(EPISODES + episodes)
    (folder / "sw_episodes.csv").write_text(SW + sw)


def test_the_listed_validator_defects_flag_complete_records(lac: Path, tmp_path: Path) -> None:
    """Minimal, complete records the validator still flags: the evidence for the listing."""
    root = tmp_path / "defects"
    _write(
        root / "2025",
        "A1,M,01/01/2015,WBRI,UN2,,\nB1,M,01/01/2015,WBRI,UN2,,\nC1,M,01/01/2008,WBRI,UN2,,\n",
        # A1: three workers, the second leaving on 28 March with the third reported (SW11b)
        "A1,01/05/2024,S,C2,N1,U4,PR1,,,,ZZ1 1AA,ZZ2 2AA,SC900001\n"
        # B1: returned home and came back; one worker throughout (SW12)
        "B1,01/05/2024,S,C2,N1,U4,PR1,01/08/2024,E4A,,ZZ1 1AA,ZZ2 2AA,SC900001\n"
        "B1,01/11/2024,S,C2,N1,U4,PR1,01/12/2024,X1,CARPL,ZZ1 1AA,ZZ3 3AA,SC900001\n"
        "B1,01/12/2024,P,C2,N1,U4,PR1,,,,ZZ1 1AA,ZZ4 4AA,SC900001\n"
        # C1: 16, in supported accommodation (K3) in 2024-25 (146: 'k3' in the code list)
        "C1,01/05/2024,S,V2,N1,K3,PR4,,,,ZZ1 1AA,ZZ5 5AA,SC100001\n",
        "A1,01/01/2015,SW01,01/05/2024,01/02/2025,FCONTA\n"
        "A1,01/01/2015,SW02,01/02/2025,28/03/2025,MANAGE\n"
        "A1,01/01/2015,SW03,28/03/2025,,MANAGE\n"
        "B1,01/01/2015,SW04,01/05/2024,,FCONTA\n"
        "C1,01/01/2008,SW05,01/05/2024,,FCONTA\n",
    )
    report = validator.validate_years(validator.year_files(root), root)
    flagged = {(f.rule, f.file, f.line) for f in report.findings}
    assert ("SW11bSTG2", "2025/sw_episodes.csv", 3) in flagged  # SW02: its successor is there
    assert any(r == "SW12STG2" and line in (3, 4) for r, _, line in flagged)
    assert ("146", "2025/episodes.csv", 6) in flagged  # K3 rejected in 2024-25 ...
    later = tmp_path / "later"
    _write(
        later / "2026",
        "C1,M,01/01/2008,WBRI,UN2,,\n",
        "C1,01/05/2025,S,V2,N1,K3,PR4,,,,ZZ1 1AA,ZZ5 5AA,SC100001\n",
        "C1,01/01/2008,SW05,01/05/2025,,FCONTA\n",
    )
    report = validator.validate_years(validator.year_files(later), later)
    assert "146" not in report.counts()  # ... and accepted in 2025-26


def test_a_malformed_set_carries_the_validators_own_message(lac: Path, tmp_path: Path) -> None:
    folder = council_set(tmp_path / "set", years=1, population=20_000)

    def edit(rows: list[dict[str, str]]) -> None:
        rows[2]["PLACE"] = "Q9"

    rewrite(folder / "2025" / "episodes.csv", edit)
    with pytest.raises(SSDA903Error) as err:
        calibrate_ssda903(folder, name="bad", out_dir=tmp_path / "fitted")
    msg = str(err.value)
    assert "2025/episodes.csv, line 4: rule 146: PLACE 'Q9' is not a valid code" in msg
    assert "2025/episodes.csv, line 4: rule 146: DfE validator: Placement type code" in msg
    assert not (tmp_path / "fitted").exists()
