"""Measures in force at exact boundary instants, on the catalogue as loaded."""

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from licensing import rules, selectors
from licensing.rules import ProvisionRule, Window
from licensing.workflow import Status
from tests.factories import application_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECOND = dt.timedelta(seconds=1)
# 2025-12-01 00:00 Asia/Shanghai = 2025-11-30 16:00 UTC.
DECEMBER_RULE = dt.datetime(2025, 11, 30, 16, 0, tzinfo=dt.UTC)
SUSPENSION_START = dt.datetime(2025, 11, 7, tzinfo=SHANGHAI)
# "Suspended until 2026-11-10" covers that day: it applies again from 2026-11-11 00:00.
SUSPENSION_END = dt.datetime(2026, 11, 11, tzinfo=SHANGHAI)


def labels(at: dt.datetime, loaded: list[ProvisionRule]) -> set[str]:
    return {rule.label for rule in rules.provisions_in_force(at, loaded)}


@pytest.fixture
def loaded(db: Any) -> list[ProvisionRule]:
    return selectors.current_rules()


def test_suspension_edges_of_the_december_1_rule(loaded: list[ProvisionRule]) -> None:
    assert "MOFCOM-2025-61 I(1)" not in labels(SUSPENSION_END - SECOND, loaded)
    assert "MOFCOM-2025-61 I(1)" in labels(SUSPENSION_END, loaded)


def test_december_1_rule_without_its_suspension_starts_at_shanghai_midnight(
    loaded: list[ProvisionRule],
) -> None:
    unsuspended = [ProvisionRule(r.measure, r.code, r.effective, (), r.items) for r in loaded]
    assert "MOFCOM-2025-61 I(1)" not in labels(DECEMBER_RULE - SECOND, unsuspended)
    assert "MOFCOM-2025-61 I(1)" in labels(DECEMBER_RULE, unsuspended)


def test_no_57_was_suspended_before_it_took_effect(loaded: list[ProvisionRule]) -> None:
    effective = dt.datetime(2025, 11, 8, tzinfo=SHANGHAI)
    assert not rules.is_controlled("1C913.b", effective, loaded)  # ytterbium oxide
    assert not rules.is_controlled("1C913.b", SUSPENSION_END - SECOND, loaded)
    assert rules.is_controlled("1C913.b", SUSPENSION_END, loaded)


def test_no_18_items_are_controlled_from_4_april_2025(loaded: list[ProvisionRule]) -> None:
    start = dt.datetime(2025, 4, 4, tzinfo=SHANGHAI)
    assert not rules.is_controlled("1C904.a.4", start - SECOND, loaded)
    assert rules.is_controlled("1C904.a.4", start, loaded)
    assert rules.is_controlled("1C903.b", start, loaded)


def test_next_change_after_finds_the_end_of_the_suspension(loaded: list[ProvisionRule]) -> None:
    assert rules.next_change_after(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), loaded) == (
        SUSPENSION_END
    )


def test_rules_version_changes_when_a_date_changes(loaded: list[ProvisionRule]) -> None:
    edited = [
        ProvisionRule(
            r.measure,
            r.code,
            Window(r.effective.start + SECOND, r.effective.end),
            r.suspensions,
            r.items,
        )
        for r in loaded
    ]
    assert rules.rules_version(loaded) == rules.rules_version(list(reversed(loaded)))
    assert rules.rules_version(edited) != rules.rules_version(loaded)


def test_naive_instants_are_refused(loaded: list[ProvisionRule]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rules.provisions_in_force(dt.datetime(2026, 1, 1), loaded)  # noqa: DTZ001


def test_loading_the_rules_takes_three_queries(db: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):
        selectors.current_rules()


def test_both_edges_of_the_no_70_suspension_window(loaded: list[ProvisionRule]) -> None:
    # No. 61 I(3) (re-export) applied from 2025-10-09 until No. 70 suspended it on 2025-11-07.
    label = "MOFCOM-2025-61 I(3)"
    assert label in labels(SUSPENSION_START - SECOND, loaded)
    assert label not in labels(SUSPENSION_START, loaded)
    assert label not in labels(SUSPENSION_END - SECOND, loaded)
    assert label in labels(SUSPENSION_END, loaded)
    # The same edges in UTC: 16:00 the day before.
    assert dt.datetime(2025, 11, 6, 16, 0, tzinfo=dt.UTC) == SUSPENSION_START


def test_coming_changes_lists_what_starts_at_the_end_of_the_suspension(
    loaded: list[ProvisionRule],
) -> None:
    [change, *_] = rules.coming_changes(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), loaded)
    assert change.at == SUSPENSION_END
    assert "MOFCOM-2025-61 I(1)" in change.starts
    assert change.stops == ()


def test_timeline_command_prints_rule_changes_and_deadlines(actors: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        app = application_in(Status.SUBMITTED, **actors)
        out = StringIO()
        call_command("timeline", stdout=out)
    text = out.getvalue()
    assert "2026-11-11 00:00 Shanghai (2026-11-10 16:00 UTC)" in text
    assert "+ MOFCOM-2025-61 I(1) applies" in text
    assert f"{app.acceptance_due:%Y-%m-%d}  {app.reference}  acceptance check" in text
