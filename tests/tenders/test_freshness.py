"""The listing's last-change moment: one query per second, forgotten when a tender changes."""

from datetime import timedelta

from sqlalchemy import update

from safkat.tenders import queries
from safkat.tenders.models import Tender


def test_a_change_by_another_process_shows_from_the_next_second(db_session, clock, make):
    tender = make.tender(state="open")
    db_session.flush()
    now = clock.now()
    before = queries.last_change(db_session, now)
    assert before == tender.changed_at

    # Core UPDATE: what another process's commit looks like to this one (no ORM flush here).
    later = before + timedelta(minutes=5)
    db_session.execute(update(Tender).where(Tender.id == tender.id).values(changed_at=later))

    assert queries.last_change(db_session, now) == before  # remembered for this second
    assert queries.last_change(db_session, now + timedelta(seconds=1)) == later


def test_a_tender_changed_in_this_process_is_seen_at_once(db_session, clock, make):
    tender = make.tender(state="open")
    db_session.flush()
    now = clock.now()
    assert queries.last_change(db_session, now) == tender.changed_at

    tender.changed_at = tender.changed_at + timedelta(minutes=5)
    db_session.flush()

    assert queries.last_change(db_session, now) == tender.changed_at


def test_a_deadline_passing_counts_as_a_change(db_session, clock, make):
    tender = make.tender(state="open")
    db_session.flush()
    after_deadline = tender.submission_deadline_at + timedelta(seconds=1)
    assert queries.last_change(db_session, after_deadline) == tender.submission_deadline_at
