"""China's working-day calendar (DOMAIN.md §5): pure functions, no database.

The golden tables are transcribed from the State Council General Office notices on the 2025
and 2026 holiday schedules (国务院办公厅关于2025年/2026年部分节假日安排的通知), not from the
library's output, so they check the library as much as our code.
"""

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licensing.calendar import (
    DueDate,
    add_working_days,
    due_date,
    is_published,
    is_working_day,
    working_days_between,
)

D = dt.date
W, OFF = True, False


def span(first: dt.date, flags: str) -> list[tuple[dt.date, bool]]:
    """Consecutive days from ``first``: W a working day, - a day off."""
    return [(first + dt.timedelta(days=i), flag == "W") for i, flag in enumerate(flags.split())]


# 2026 Spring Festival: Feb 15 (Sun) to Feb 23 (Mon) off, 9 days; Sat Feb 14 and Sat Feb 28 worked.
SPRING_FESTIVAL_2026 = span(
    D(2026, 2, 13),
    # Fr Sa Su Mo Tu We Th Fr Sa Su Mo Tu We Th Fr Sa Su Mo
    " W  W  -  -  -  -  -  -  -  -  -  W  W  W  W  W  -  W",
)
# 2026 National Day: Oct 1 (Thu) to Oct 7 (Wed) off, 7 days; Sun Sep 20 and Sat Oct 10 worked.
# Mid-Autumn Festival: Sep 25 (Fri) to Sep 27 (Sun) off.
NATIONAL_DAY_2026 = span(
    D(2026, 9, 19),
    # Sa Su Mo Tu We Th Fr Sa Su Mo Tu We Th Fr Sa Su Mo Tu We Th Fr Sa Su Mo
    " -  W  W  W  W  W  -  -  -  W  W  W  -  -  -  -  -  -  -  W  W  W  -  W",
)
# 2025 Spring Festival: Jan 28 (Tue, New Year's Eve) to Feb 4 (Tue) off, 8 days; Sun Jan 26 and
# Sat Feb 8 worked.
SPRING_FESTIVAL_2025 = span(
    D(2025, 1, 25),
    # Sa Su Mo Tu We Th Fr Sa Su Mo Tu We Th Fr Sa Su
    " -  W  W  -  -  -  -  -  -  -  -  W  W  W  W  -",
)
# 2025 National Day and Mid-Autumn Festival: Oct 1 (Wed) to Oct 8 (Wed) off, 8 days; Sun Sep 28
# and Sat Oct 11 worked.
NATIONAL_DAY_2025 = span(
    D(2025, 9, 27),
    # Sa Su Mo Tu We Th Fr Sa Su Mo Tu We Th Fr Sa Su
    " -  W  W  W  -  -  -  -  -  -  -  -  W  W  W  -",
)
# New Year 2026: Jan 1 (Thu) to Jan 3 (Sat) off; Sun Jan 4 worked. Dec 2025 ends normally.
TURN_OF_2026 = span(
    D(2025, 12, 27),
    # Sa Su Mo Tu We Th Fr Sa Su Mo
    " -  -  W  W  W  -  -  -  W  W",
)

GOLDEN = (
    SPRING_FESTIVAL_2026
    + NATIONAL_DAY_2026
    + SPRING_FESTIVAL_2025
    + NATIONAL_DAY_2025
    + TURN_OF_2026
)

MAKE_UP_DAYS = {
    2025: {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)},
    2026: {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    },
}

# The first year the installed `holidays` has no schedule for (2027 in holidays 0.109). Found,
# not hard-coded, so that upgrading the library does not break the tests.
UNPUBLISHED = next(year for year in itertools.count(2027) if not is_published(year))


def days_of(year: int) -> list[dt.date]:
    return [
        D(year, 1, 1) + dt.timedelta(days=i)
        for i in range((D(year + 1, 1, 1) - D(year, 1, 1)).days)
    ]


# --- golden tables ------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "working"), GOLDEN, ids=[str(day) for day, _ in GOLDEN])
def test_golden_schedule(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize("year", sorted(MAKE_UP_DAYS))
def test_the_only_weekend_working_days_are_the_make_up_days(year: int) -> None:
    worked_weekend_days = {d for d in days_of(year) if d.weekday() >= 5 and is_working_day(d)}

    assert worked_weekend_days == MAKE_UP_DAYS[year]


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_year_has_248_working_days(year: int) -> None:
    # 261 weekdays; 13 statutory days off (weekend ones moved to a weekday) plus the weekdays
    # swapped for make-up days are off, the make-up Saturdays/Sundays are worked:
    # 2025: 261 - (13 + 5) + 5 = 248; 2026: 261 - (13 + 6) + 6 = 248.
    assert working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == 248


@pytest.mark.parametrize("day", [D(2025, 8, 1), D(2026, 3, 9), D(2026, 6, 1)])
def test_half_day_holidays_do_not_stop_the_clock(day: dt.date) -> None:
    # Army Day, the Monday after Women's Day, Children's Day: half days for some groups only.
    assert is_working_day(day) is True


# --- add_working_days and working_days_between --------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring Festival 2026: Sat Feb 14 is worked, then nothing until Tue Feb 24.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),  # the acceptance check of a Friday submission
        (D(2026, 2, 13), 6, D(2026, 2, 28)),  # lands on the make-up Saturday
        (D(2026, 2, 13), 7, D(2026, 3, 2)),
        # 45-day decision across Spring Festival and Qingming (Apr 4-6, Sat-Mon): counted by
        # week: Feb 2-13 (10), Sat Feb 14 (11), Feb 24-27 (15), Sat Feb 28 (16), Mar 2 to Apr 3
        # (41), Apr 7-10 (45).
        (D(2026, 1, 30), 45, D(2026, 4, 10)),
        # National Day 2026: Sun Sep 20 worked; Mid-Autumn Sep 25-27 and Oct 1-7 off.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # the make-up Saturday
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # the make-up Sunday
        (D(2026, 9, 18), 10, D(2026, 10, 9)),  # licence issue: 20-24, 28-30, Oct 8-9
        # 2025: Sun Jan 26 is worked; Jan 28 to Feb 4 off.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # Oct 9, 10, Sat Oct 11
        # Across the year: Dec 31 then Sun Jan 4.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 30), 2, D(2026, 1, 4)),
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected


def test_the_start_day_is_never_counted() -> None:
    monday = D(2026, 3, 2)

    assert add_working_days(monday, 1) == D(2026, 3, 3)


def test_zero_working_days_is_the_start_day_even_on_a_holiday() -> None:
    assert add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 1)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot count back"):
        add_working_days(D(2026, 3, 2), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 12, 30), D(2026, 1, 5), 3),  # Dec 31, Jan 4, Jan 5
        (D(2026, 2, 14), D(2026, 2, 23), 0),  # the whole Spring Festival break
        (D(2026, 2, 13), D(2026, 2, 14), 1),  # end is counted, start is not
        (D(2026, 3, 5), D(2026, 3, 2), 0),  # end before start
        (D(2026, 3, 2), D(2026, 3, 2), 0),
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert working_days_between(start, end) == expected


# --- properties ---------------------------------------------------------------------------

starts = st.dates(min_value=D(2024, 1, 1), max_value=D(UNPUBLISHED, 12, 31))
counts = st.integers(min_value=0, max_value=260)
overrides = st.dictionaries(
    st.dates(min_value=D(2024, 1, 1), max_value=D(UNPUBLISHED + 1, 12, 31)),
    st.booleans(),
    max_size=30,
)


@settings(deadline=None)
@given(start=starts, n=counts, table=overrides)
def test_counting_back_gives_the_count(start: dt.date, n: int, table: dict[dt.date, bool]) -> None:
    assert working_days_between(start, add_working_days(start, n, table), table) == n


@settings(deadline=None)
@given(start=starts, n=counts, table=overrides)
def test_one_more_day_is_strictly_later(start: dt.date, n: int, table: dict[dt.date, bool]) -> None:
    assert add_working_days(start, n, table) < add_working_days(start, n + 1, table)


@settings(deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=260), table=overrides)
def test_the_due_day_is_a_working_day(start: dt.date, n: int, table: dict[dt.date, bool]) -> None:
    assert is_working_day(add_working_days(start, n, table), table) is True


# --- overrides ----------------------------------------------------------------------------


def test_an_override_closing_a_working_day_moves_the_due_date() -> None:
    # Mon Mar 2 2026 + 3 is Thu Mar 5; an extra day off on Wed Mar 4 pushes it to Fri.
    table = {D(2026, 3, 4): False}

    assert add_working_days(D(2026, 3, 2), 3) == D(2026, 3, 5)
    assert add_working_days(D(2026, 3, 2), 3, table) == D(2026, 3, 6)


def test_an_override_opening_a_saturday_counts_it() -> None:
    table = {D(2026, 3, 7): True}

    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 6), 1, table) == D(2026, 3, 7)


def test_an_override_wins_over_a_library_holiday() -> None:
    assert is_working_day(D(2026, 10, 2), {D(2026, 10, 2): True}) is True


# --- published years and provisional due dates --------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_years_with_make_up_days_are_published(year: int) -> None:
    assert is_published(year) is True


def test_a_year_without_make_up_days_is_not_published() -> None:
    assert is_published(UNPUBLISHED) is False


def test_any_override_in_the_year_publishes_it() -> None:
    assert is_published(UNPUBLISHED, {D(UNPUBLISHED, 2, 20): True}) is True


def test_an_override_in_another_year_publishes_nothing() -> None:
    assert is_published(UNPUBLISHED, {D(UNPUBLISHED - 1, 12, 31): False}) is False


def test_a_due_date_inside_published_years_is_final() -> None:
    assert due_date(D(2026, 1, 30), 45) == DueDate(D(2026, 4, 10), provisional=False)


def test_a_due_date_counted_into_an_unpublished_year_is_provisional() -> None:
    due = due_date(D(UNPUBLISHED - 1, 12, 1), 45)

    assert due.date.year == UNPUBLISHED
    assert due.provisional is True


def test_a_due_date_counted_from_an_unpublished_year_is_provisional() -> None:
    due = due_date(D(UNPUBLISHED, 3, 1), 5)

    assert due.provisional is True


def test_an_override_in_the_unpublished_year_makes_the_due_date_final() -> None:
    table = {D(UNPUBLISHED, 1, 1): False}

    due = due_date(D(UNPUBLISHED - 1, 12, 1), 45, table)

    assert due.date.year == UNPUBLISHED
    assert due.provisional is False


def test_zero_days_from_a_published_year_is_final() -> None:
    assert due_date(D(2026, 10, 1), 0) == DueDate(D(2026, 10, 1), provisional=False)
