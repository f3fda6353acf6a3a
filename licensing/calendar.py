"""China's working-day calendar, used to count the statutory clocks (DOMAIN.md §3, §5).

Rules:

- A working day is a weekday that is not a statutory day off, or a weekend day that the State
  Council's yearly schedule moves to be worked (调休 make-up day). ``holidays.China`` carries
  both: its days off and its ``weekend_workdays`` (DOMAIN.md §5). Only the public category is
  used: half-day holidays (Women's Day, Youth Day, ...) do not stop the clock (DOMAIN.md §5).
- An administrator-edited override table (date → is a working day) wins over the library, so
  a schedule published after the installed ``holidays`` release can be entered by hand.
- Counting starts the day after the start date: the day of acceptance is not counted and
  day 1 is the first working day after it (DOMAIN.md §5).
- A year is *published* when the library has make-up days in it, or an administrator has
  entered any override in it. Before publication the library only guesses the days off (it
  shifts weekend holidays to the next weekday and has no make-up days), so a due date counted
  through an unpublished year is *provisional* (DOMAIN.md §5). A schedule can also move days
  in the December before its year (the 2019 one made Sat 2018-12-29 a working day and Mon
  2018-12-31 a day off), so a late-December due date can still move when the next year is
  published; that case is not flagged.

Dates here are calendar dates in China (Asia/Shanghai); callers convert instants first.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import holidays
from holidays import HolidayBase

Overrides = Mapping[dt.date, bool]
EMPTY: Overrides = MappingProxyType({})

_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _china(year: int) -> HolidayBase:
    # One instance per year, always queried with dates of that year only: a query for another
    # year would make the library expand (mutate) the shared, cached instance.
    # country_holidays is the typed way to build holidays.China (the class is loaded lazily).
    return holidays.country_holidays("CN", years=year)


def is_working_day(day: dt.date, overrides: Overrides = EMPTY) -> bool:
    """Whether the authority's clock runs on ``day``; an administrator's override wins."""
    if day in overrides:
        return overrides[day]
    return bool(_china(day.year).is_working_day(day))


def add_working_days(start: dt.date, n: int, overrides: Overrides = EMPTY) -> dt.date:
    """The n-th working day after ``start``; ``start`` itself is never counted."""
    if n < 0:
        raise ValueError(f"cannot count back {-n} working days")
    day = start
    while n:
        day += _ONE_DAY
        if is_working_day(day, overrides):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides = EMPTY) -> int:
    """The number of working days d with start < d <= end (0 when end <= start)."""
    return sum(
        is_working_day(start + dt.timedelta(days=i), overrides)
        for i in range(1, (end - start).days + 1)
    )


def is_published(year: int, overrides: Overrides = EMPTY) -> bool:
    """Whether the year's schedule is known: make-up days in the library, or any override."""
    if any(day.year == year for day in overrides):
        return True
    # weekend_workdays also holds a few make-up days of other years (late-December days of
    # the next year's schedule, e.g. 2001-12-29), so filter by year.
    return any(day.year == year for day in _china(year).weekend_workdays)


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool  # counted through a year whose schedule is not yet published


def due_date(start: dt.date, n: int, overrides: Overrides = EMPTY) -> DueDate:
    """The n-th working day after ``start``; provisional if counted through an unpublished year."""
    end = add_working_days(start, n, overrides)
    published = all(is_published(year, overrides) for year in range(start.year, end.year + 1))
    return DueDate(end, provisional=not published)
