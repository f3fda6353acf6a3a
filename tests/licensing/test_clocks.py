"""Clock policies (DOMAIN.md §3, §6): pure functions, no database."""

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from licensing.calendar import DueDate, due_date, is_published, working_days_between
from licensing.clocks import (
    ACCEPTANCE_CHECK,
    BIS_RESOLUTION,
    CHANGE_DECISION,
    DECISION,
    DEFAULT_POLICY,
    LICENCE_ISSUE,
    POLICIES,
    CalendarDayPolicy,
    ChinaWorkingDayPolicy,
    Pause,
)

D = dt.date
CHINA = ChinaWorkingDayPolicy()
CALENDAR = CalendarDayPolicy()
UNPUBLISHED = next(year for year in itertools.count(2027) if not is_published(year))

# Fri Sep 18 2026 + 10 working days: Sep 20 (make-up Sunday), 21-24, 28-30, Oct 8, 9.
START = D(2026, 9, 18)
UNPAUSED_DUE = DueDate(D(2026, 10, 9), provisional=False)


def test_the_statutory_clocks() -> None:
    assert (ACCEPTANCE_CHECK, DECISION, LICENCE_ISSUE, CHANGE_DECISION) == (5, 45, 10, 20)


def test_china_is_the_default_policy() -> None:
    assert DEFAULT_POLICY is POLICIES["china"]
    assert {name: policy.name for name, policy in POLICIES.items()} == {
        "china": "china",
        "calendar": "calendar",
    }


def test_without_pauses_the_china_clock_is_the_working_day_count() -> None:
    assert CHINA.due(START, LICENCE_ISSUE, []) == UNPAUSED_DUE


def test_a_pause_over_national_day_costs_only_its_working_days() -> None:
    # [Sep 30, Oct 9) holds two working days, Sep 30 and Oct 8; Oct 1-7 are off anyway.
    pause = Pause(D(2026, 9, 30), D(2026, 10, 9), reason="technical identification")

    due = CHINA.due(START, LICENCE_ISSUE, [pause])

    # Two more working days after Oct 9: Sat Oct 10 (make-up day), Mon Oct 12.
    assert due == DueDate(D(2026, 10, 12), provisional=False)


def test_a_pause_opened_and_closed_on_the_same_day_costs_nothing() -> None:
    pause = Pause(D(2026, 9, 22), D(2026, 9, 22), reason="information request")

    assert CHINA.due(START, LICENCE_ISSUE, [pause]) == UNPAUSED_DUE


def test_a_pause_inside_a_holiday_costs_nothing() -> None:
    pause = Pause(D(2026, 10, 2), D(2026, 10, 8), reason="expert consultation")

    assert CHINA.due(START, LICENCE_ISSUE, [pause]) == UNPAUSED_DUE


def test_an_open_pause_leaves_the_due_date_unknown() -> None:
    closed = Pause(D(2026, 9, 21), D(2026, 9, 22), reason="information request")
    still_open = Pause(D(2026, 9, 28), None, reason="on-site verification")

    assert CHINA.due(START, LICENCE_ISSUE, [closed, still_open]) is None


def test_the_start_day_is_not_lost_to_a_pause_opened_on_it() -> None:
    # The start day was never on the clock: a pause [Fri Sep 18, Mon Sep 21) loses only the
    # make-up Sunday Sep 20, so 11 working days: ... Oct 8, 9, Sat Oct 10.
    pause = Pause(START, D(2026, 9, 21), reason="information request")

    assert CHINA.due(START, LICENCE_ISSUE, [pause]) == DueDate(D(2026, 10, 10), provisional=False)


def test_overlapping_pauses_lose_each_day_once() -> None:
    # Together [Sep 21, Sep 25): four working days, not 3 + 3. 14 working days from Sep 18:
    # ... Oct 8, 9, 10, 12, 13, 14.
    pauses = [
        Pause(D(2026, 9, 21), D(2026, 9, 24), reason="information request"),
        Pause(D(2026, 9, 22), D(2026, 9, 25), reason="expert consultation"),
    ]

    assert CHINA.due(START, LICENCE_ISSUE, pauses) == DueDate(D(2026, 10, 14), provisional=False)


def test_a_pause_over_an_override_day_off_costs_nothing_for_it() -> None:
    table = {D(2026, 9, 22): False}
    pause = Pause(D(2026, 9, 22), D(2026, 9, 23), reason="information request")

    assert CHINA.due(START, LICENCE_ISSUE, [pause], table) == due_date(START, LICENCE_ISSUE, table)


def test_the_decision_clock_across_spring_festival() -> None:
    assert CHINA.due(D(2026, 1, 30), DECISION, []) == DueDate(D(2026, 4, 10), provisional=False)


def test_the_china_clock_is_provisional_through_an_unpublished_year() -> None:
    due = CHINA.due(D(UNPUBLISHED - 1, 12, 1), DECISION, [])

    assert due is not None
    assert due.provisional is True


def test_the_calendar_clock_counts_90_days() -> None:
    # Jan 30 + 90: 1 day left in January, 28 in February, 31 in March, 30 in April.
    due = CALENDAR.due(D(2026, 1, 30), BIS_RESOLUTION, [])

    assert due == DueDate(D(2026, 4, 30), provisional=False)


def test_the_calendar_clock_adds_every_paused_day() -> None:
    pause = Pause(D(2026, 2, 10), D(2026, 2, 15), reason="agency referral")

    due = CALENDAR.due(D(2026, 1, 30), BIS_RESOLUTION, [pause])

    assert due == DueDate(D(2026, 5, 5), provisional=False)


def test_the_calendar_clock_is_never_provisional() -> None:
    due = CALENDAR.due(D(UNPUBLISHED, 3, 1), BIS_RESOLUTION, [])

    assert due == DueDate(D(UNPUBLISHED, 3, 1) + dt.timedelta(days=90), provisional=False)


def test_the_calendar_clock_is_unknown_while_paused() -> None:
    pause = Pause(D(2026, 2, 10), None, reason="agency referral")

    assert CALENDAR.due(D(2026, 1, 30), BIS_RESOLUTION, [pause]) is None


@settings(deadline=None)
@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 6, 30)),
    offset=st.integers(min_value=1, max_value=60),
    length=st.integers(min_value=0, max_value=30),
    days=st.integers(min_value=0, max_value=30),
)
def test_a_pause_adds_exactly_its_working_days(
    start: dt.date, offset: int, length: int, days: int
) -> None:
    one_day = dt.timedelta(days=1)
    pause_start = start + offset * one_day
    pause_end = pause_start + days * one_day
    # Working days d with pause_start <= d < pause_end.
    lost = working_days_between(pause_start - one_day, pause_end - one_day)

    due = CHINA.due(start, length, [Pause(pause_start, pause_end, reason="any")])

    assert due == due_date(start, length + lost)
