"""The payment clock and the default interest, against cases worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from safkat.execution import payment_clock as pc


def test_receipt_late_on_new_years_eve_in_utc_is_received_on_new_years_day_in_algiers():
    # 23:30 UTC on 31 December is 00:30 on 1 January in Algiers (UTC+1): the receipt is of 2027.
    received = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert pc.local_date(received) == date(2027, 1, 1)
    # 1 January 2027 (Friday) + 30 days = Sunday 31 January 2027, a working day.
    assert pc.payment_due_on(date(2027, 1, 1), 30) == date(2027, 1, 31)


def test_period_spanning_the_year_end_counts_calendar_days():
    # 15 December 2026 + 30 = 14 January 2027 (a Thursday).
    assert pc.payment_due_on(date(2026, 12, 15), 30) == date(2027, 1, 14)


@pytest.mark.parametrize(
    ("received_on", "due_on"),
    [
        # Received on a Saturday (rest day): the period still counts from the receipt:
        # 7 March 2026 + 30 = Monday 6 April 2026.
        (date(2026, 3, 7), date(2026, 4, 6)),
        # 30 days after Wednesday 4 March 2026 is Friday 3 April: the period ends on Sunday 5 April.
        (date(2026, 3, 4), date(2026, 4, 5)),
        # ... after Thursday 5 March is Saturday 4 April: also Sunday 5 April.
        (date(2026, 3, 5), date(2026, 4, 5)),
    ],
)
def test_a_period_ending_on_a_weekly_rest_day_ends_on_the_next_working_day(received_on, due_on):
    assert pc.payment_due_on(received_on, 30) == due_on


def test_late_days_run_until_the_payment_order_or_today():
    due = date(2026, 4, 6)
    assert pc.late_days(due, date(2026, 4, 6), today=date(2026, 9, 1)) == 0
    assert pc.late_days(due, date(2026, 5, 6), today=date(2026, 9, 1)) == 30
    assert pc.late_days(due, None, today=date(2026, 4, 20)) == 14
    assert pc.late_days(due, None, today=date(2026, 3, 20)) == 0


def test_interest_hand_worked():
    # 1 000 000,00 DZD at 8 % a year for 30 days: 1 000 000 × 0.08 × 30 / 365 = 6 575,342… → 6 575,34 DZD.
    assert pc.moratory_interest(1_000_000_00, 800, 30) == 657_534
    # 250 000,00 DZD at 5.5 % for 73 days: 250 000 × 0.055 × 73 / 365 = 2 750,00 DZD exactly.
    assert pc.moratory_interest(250_000_00, 550, 73) == 275_000
    # 10 000,00 DZD at 18.25 % for one day: 1 000 000 centimes × 0.1825 / 365 = 500 centimes exactly.
    assert pc.moratory_interest(1_000_000, 1825, 1) == 500
    # 1 000,00 DZD at 18.25 % for one day is 50 centimes; 10,00 DZD is 0.5 centime, rounded half up to 1.
    assert pc.moratory_interest(1_000, 1825, 1) == 1
    assert pc.moratory_interest(1_000_000_00, 800, 0) == 0


def test_an_extension_moves_the_end_of_the_execution_period():
    # 90 days from Sunday 1 March 2026: the first day counts, so the last one is 29 May.
    assert pc.execution_ends_on(date(2026, 3, 1), 90) == date(2026, 5, 29)
    # Extended by 15 days: 13 June.
    assert pc.execution_ends_on(date(2026, 3, 1), 90, 15) == date(2026, 6, 13)
