"""The payment clock: pure functions of dates, no database, no Flask.

As we read décret présidentiel 15-247 (art. 122 for the payment period, see
docs/execution.md): the authority must order payment (mandatement) within a period counted
in calendar days from the receipt of the invoice; a period whose last day is a weekly rest
day (Friday or Saturday in Algeria) or a public holiday ends on the next working day, as
the decree does for bid deadlines (art. 66). Rest days and holidays inside the period count
like any other day. Past that, default interest (intérêts moratoires) accrues for each
day until the payment is ordered, at an annual rate on a 365-day year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

ALGIERS = ZoneInfo("Africa/Algiers")
WEEKLY_REST_DAYS = {4, 5}  # Friday, Saturday (Monday is 0)


def local_date(moment: datetime) -> date:
    """The calendar date of an aware instant in Algiers, where the receipt is read."""
    return moment.astimezone(ALGIERS).date()


@dataclass(frozen=True)
class Holidays:
    """Public holidays: those on the same day every year (national days, as ``(month, day)``)
    and those given by date (the religious feasts follow the lunar calendar and move each year)."""

    yearly: frozenset[tuple[int, int]] = frozenset()
    dated: frozenset[date] = frozenset()

    def __contains__(self, day: date) -> bool:
        return (day.month, day.day) in self.yearly or day in self.dated


NO_HOLIDAYS = Holidays()
# Algeria's public holidays on a fixed date, as we read loi n° 63-278 of 26 July 1963 as
# amended: New Year, Yennayer, Labour Day, Independence Day, Revolution Day (the default
# of ``SAFKAT_PUBLIC_HOLIDAYS``; docs/execution.md).
NATIONAL_HOLIDAYS = frozenset({(1, 1), (1, 12), (5, 1), (7, 5), (11, 1)})


def is_working_day(day: date, holidays: Holidays = NO_HOLIDAYS) -> bool:
    return day.weekday() not in WEEKLY_REST_DAYS and day not in holidays


def next_working_day(day: date, holidays: Holidays = NO_HOLIDAYS) -> date:
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def payment_due_on(received_on: date, payment_days: int, holidays: Holidays = NO_HOLIDAYS) -> date:
    """Last day on which the authority may order payment without owing interest."""
    return next_working_day(received_on + timedelta(days=payment_days), holidays)


def late_days(due_on: date, ordered_on: date | None, today: date) -> int:
    """Days past the due date until the payment order, or until today while none is given."""
    end = ordered_on or today
    return max(0, (end - due_on).days)


def days_waited(received_on: date, settled_on: date | None, today: date) -> int:
    """Days from receipt to the payment order (or to today while none is given)."""
    return max(0, ((settled_on or today) - received_on).days)


def moratory_interest(amount: int, rate_bp: int, days: int, year_days: int = 365) -> int:
    """Simple interest in centimes on ``amount`` centimes at ``rate_bp`` basis points a year."""
    if days <= 0 or amount <= 0 or rate_bp <= 0:
        return 0
    value = Decimal(amount) * Decimal(rate_bp) * Decimal(days) / (Decimal(10_000) * Decimal(year_days))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def execution_ends_on(starts_on: date, execution_days: int, extra_days: int = 0) -> date:
    """Last day of the execution period: the first day counts, extensions add days."""
    return starts_on + timedelta(days=execution_days + extra_days - 1)
