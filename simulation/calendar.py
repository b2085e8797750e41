"""Calendar dates and model days: day 0 is the start date; DfE years end on 31 March."""

from __future__ import annotations

from datetime import date, timedelta


class Calendar:
    """Maps model days to dates, month ends and DfE year ends."""

    def __init__(self, start: date) -> None:
        self.start = start

    def day(self, when: date) -> float:
        return float((when - self.start).days)

    def date(self, day: float) -> date:
        return self.start + timedelta(days=int(day))

    def dfe_year(self, k: int) -> int:
        """The DfE year (ending 31 March) that closes at the end of simulated year ``k``."""
        first = self.start.year + 1 if self.start.month >= 4 else self.start.year
        return first + k - 1

    def year_end_day(self, k: int) -> float:
        """The model day of the 1 April that closes simulated year ``k`` (after 31 March)."""
        return self.day(date(self.dfe_year(k), 4, 1))

    def month_end_days(self, until: float) -> list[float]:
        """Model days of the first of each month after the start, up to ``until``.

        A snapshot taken at the start of day d describes the state at the end of day d-1,
        i.e. the month end; ``date(day - 1)`` is the month's last day.
        """
        days = []
        y, m = self.start.year, self.start.month
        while True:
            m += 1
            if m > 12:
                y, m = y + 1, 1
            d = self.day(date(y, m, 1))
            if d > until:
                return days
            days.append(d)
