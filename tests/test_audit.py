"""The hash-chained audit log: appends, tamper detection, concurrent writers."""

import threading

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import sessionmaker

from safkat import audit
from safkat.audit import AuditEvent, AuditHead
from tests.conftest import START, requires_postgresql


def append(session, n, actor=None):
    return [
        audit.record(session, actor=actor, action="test.event", object_type="thing", object_id=i, now=START, index=i)
        for i in range(n)
    ]


def test_events_chain_to_each_other(db_session, make):
    user = make.admin()
    first, second = append(db_session, 2, actor=user)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.actor_label == user.email
    report = audit.verify_chain(db_session)
    assert report.is_intact and report.count >= 2


def test_editing_an_event_breaks_the_chain_at_that_event(db_session):
    events = append(db_session, 3)
    target = events[1]
    db_session.execute(update(AuditEvent).where(AuditEvent.seq == target.seq).values(details='{"index": 99}'))
    db_session.expire_all()
    report = audit.verify_chain(db_session)
    assert (report.first_broken_seq, report.problem) == (target.seq, "content does not match its hash")


def test_deleting_an_event_is_detected(db_session):
    events = append(db_session, 3)
    db_session.execute(delete(AuditEvent).where(AuditEvent.seq == events[1].seq))
    db_session.expire_all()
    report = audit.verify_chain(db_session)
    assert report.first_broken_seq == events[1].seq


def test_deleting_the_last_events_is_detected(db_session):
    events = append(db_session, 3)
    db_session.execute(delete(AuditEvent).where(AuditEvent.seq == events[-1].seq))
    db_session.expire_all()
    assert not audit.verify_chain(db_session).is_intact


def test_audit_verify_command(app, db_session):
    append(db_session, 2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    db_session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="forged"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "broken at event 1" in result.output


@requires_postgresql
def test_parallel_writers_never_fork_the_chain(engine):
    """Eight threads, each with its own connection and real commits, append at once."""
    factory = sessionmaker(bind=engine)
    with factory() as session:
        start_seq = session.get(AuditHead, 1).last_seq
    barrier = threading.Barrier(8)
    errors = []

    def writer(worker):
        try:
            barrier.wait()
            for i in range(10):
                with factory() as session, session.begin():
                    audit.record(
                        session,
                        actor=None,
                        action="test.parallel",
                        object_type="w",
                        object_id=f"{worker}-{i}",
                        now=START,
                    )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with factory() as session:
            report = audit.verify_chain(session)
            assert report.is_intact, report
            new = session.scalars(select(AuditEvent).where(AuditEvent.seq > start_seq)).all()
            assert len(new) == 80
            assert len({event.prev_hash for event in new}) == 80  # no two events share a parent
    finally:
        with engine.begin() as connection:  # leave the shared database as it was
            connection.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": start_seq})
            last = connection.execute(text("SELECT hash FROM audit_events WHERE seq = :s"), {"s": start_seq}).scalar()
            connection.execute(
                text("UPDATE audit_head SET last_seq = :s, last_hash = :h"),
                {"s": start_seq, "h": last or audit.GENESIS_HASH},
            )
