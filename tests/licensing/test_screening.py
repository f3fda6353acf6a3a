"""Screening rules, without the database."""

import pytest

from licensing.screening import (
    EndUse,
    ListedParty,
    PartyToScreen,
    has_no_time_limit,
    match_listed,
    needs_countersignature,
    screen,
    screen_destination,
    screen_end_use,
)

LISTED = [
    ListedParty(
        "Société Générale d'Aéronautique",
        "control",
        "FR",
        aliases=("SGA Aero",),
        subsidiaries=(("Aero Magnets GmbH", 60.0), ("Aero Optics BV", 49.0)),
    ),
    ListedParty("Hanbit Ceramics Co., Ltd.", "watch", "KR"),
]
CIVIL = EndUse("civil_manufacturing", "Traction motors for electric buses", False)


@pytest.mark.parametrize(
    "name",
    [
        "Societe Generale d'Aeronautique",  # transliteration of accents
        "Hanbit-Ceramics, Co. Ltd.",  # punctuation
        "Ceramics Hanbit",  # word order
        "SGA Aero",  # alias
        "Aero Magnets GmbH",  # a unit owned 60 %
    ],
)
def test_fuzzy_match_hits(name: str) -> None:
    assert match_listed(name, LISTED)


@pytest.mark.parametrize("name", ["Hanbit Logistics", "Aero Optics BV", "Motorwerk GmbH"])
def test_fuzzy_match_misses(name: str) -> None:
    assert match_listed(name, LISTED) == []


def test_watch_listed_end_user_removes_the_time_limit() -> None:
    flags = screen([PartyToScreen("end_user", "Hanbit Ceramics", "KR")], CIVIL, "KR", LISTED)
    assert [f.rule for f in flags] == ["restricted_party.watch"]
    assert has_no_time_limit(flags)
    assert flags[0].severity == "presumption_of_denial"


def test_control_listed_importer_needs_countersignature_but_keeps_the_clock() -> None:
    flags = screen([PartyToScreen("importer", "Aero Magnets", "DE")], CIVIL, "DE", LISTED)
    assert needs_countersignature(flags)
    assert not has_no_time_limit(flags)
    assert flags[0].evidence["ownership"] == "60.0"


@pytest.mark.parametrize(
    ("end_use", "severity"),
    [
        (EndUse("semiconductor", "Sputtering targets for a 7 nm logic fab", False), "case_by_case"),
        (EndUse("semiconductor", "256-layer NAND memory line", False), "case_by_case"),
        (EndUse("research", "Guidance for a missile programme", False), "presumption_of_denial"),
        (EndUse("other", "Actuators", True), "presumption_of_denial"),
    ],
)
def test_end_use_rules(end_use: EndUse, severity: str) -> None:
    assert [f.severity for f in screen_end_use(end_use)] == [severity]


@pytest.mark.parametrize(
    "end_use",
    [
        CIVIL,
        EndUse("semiconductor", "28 nm logic", False),
        EndUse("semiconductor", "232-layer memory", False),
    ],
)
def test_end_uses_outside_the_policy_raise_nothing(end_use: EndUse) -> None:
    assert screen_end_use(end_use) == []


def test_destination_risk() -> None:
    assert screen_destination("kp")[0].severity == "presumption_of_denial"
    assert screen_destination("RU")[0].severity == "warning"
    assert screen_destination("DE") == []
