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


NATIONAL = pc.Holidays(yearly=pc.NATIONAL_HOLIDAYS)


def test_a_period_ending_on_a_public_holiday_ends_on_the_next_working_day():
    # Friday 5 June 2026 + 30 = Sunday 5 July, Independence Day: the period ends on Monday 6 July.
    assert pc.payment_due_on(date(2026, 6, 5), 30, NATIONAL) == date(2026, 7, 6)
    # Without the holiday calendar it would have ended that Sunday.
    assert pc.payment_due_on(date(2026, 6, 5), 30) == date(2026, 7, 5)


def test_a_holiday_then_the_weekend_push_the_end_to_the_sunday():
    # Wednesday 2 December 2026 + 30 = Friday 1 January 2027 (New Year and a rest day),
    # then Saturday 2, a rest day: the period ends on Sunday 3 January.
    assert pc.payment_due_on(date(2026, 12, 2), 30, NATIONAL) == date(2027, 1, 3)
    # Sunday 13 December 2026 + 30 = Tuesday 12 January 2027, Yennayer: Wednesday 13 January.
    assert pc.payment_due_on(date(2026, 12, 13), 30, NATIONAL) == date(2027, 1, 13)


def test_holidays_inside_the_period_count_like_other_days():
    # 1 May 2026 (a Friday) and the weekends inside the period do not lengthen it:
    # Tuesday 14 April 2026 + 30 = Thursday 14 May 2026.
    assert pc.payment_due_on(date(2026, 4, 14), 30, NATIONAL) == date(2026, 5, 14)


def test_dated_holidays_only_fall_in_their_own_year():
    # A religious feast given by date, e.g. Tuesday 9 and Wednesday 10 March 2027.
    feast = pc.Holidays(dated=frozenset({date(2027, 3, 9), date(2027, 3, 10)}))
    # Sunday 7 February 2027 + 30 = Tuesday 9 March: moved past both days to Thursday 11 March.
    assert pc.payment_due_on(date(2027, 2, 7), 30, feast) == date(2027, 3, 11)
    # The same days of 2028 are working days: 8 February 2028 + 30 = Thursday 9 March 2028.
    assert pc.payment_due_on(date(2028, 2, 8), 30, feast) == date(2028, 3, 9)
