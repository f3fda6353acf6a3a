"""`make bench`: figures for the hot pure paths (printed, never asserted in tests)."""

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensing.settings")
django.setup()

from licensing import calendar, clocks, rules, selectors  # noqa: E402


def measure(name: str, func: Callable[[], object], repeat: int) -> None:
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            func()
        timings.append((time.perf_counter() - start) / repeat)
    best, median = min(timings), statistics.median(timings)
    print(f"{name:<55} best {best * 1e6:9.1f} µs   median {median * 1e6:9.1f} µs")  # noqa: T201


def main() -> None:
    start = dt.date(2026, 1, 30)
    pauses = [clocks.Pause(dt.date(2026, 2, 10), dt.date(2026, 2, 27), "expert_consultation")]
    loaded = selectors.current_rules()
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    measure(
        "add_working_days(45) across Spring Festival",
        lambda: calendar.add_working_days(start, 45),
        2000,
    )
    measure(
        "China decision clock (45 days, one pause)",
        lambda: clocks.POLICIES["china"].due(start, 45, pauses),
        2000,
    )
    measure(
        f"provisions_in_force ({len(loaded)} provisions)",
        lambda: rules.provisions_in_force(at, loaded),
        20000,
    )
    measure("current_rules() from the database (3 queries)", selectors.current_rules, 200)


if __name__ == "__main__":
    main()
