"""A worker killed (SIGKILL) in the middle of a bid submission, a chunked upload, an
opening, a document issue or a notification batch leaves nothing half-done.

Each operation runs in a subprocess (tests/ops/fault_worker.py) against a real database
file (or PostgreSQL schema); a checkpoint (safkat/faults.py) stops it at a chosen point
and the test kills it there, then looks at what is left and runs the operation again.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids.models import Bid, BidUpload, OpenedBid, Opening, Receipt
from safkat.commission import keys
from safkat.commission.key_models import TenderKeyShare
from safkat.commission.models import OpeningPresence
from safkat.documents.models import IssuedDocument
from safkat.keyshare import messages
from safkat.notifications.models import Notification, OutboxMessage, SentReminder
from safkat.notifications.services import enqueue_email
from safkat.ops.files import orphans
from safkat.ops.outbox import INTERRUPTED
from safkat.tenders.models import DocumentDownload, Tender
from tests.bids.helpers import confirm_bid, document, post_bid
from tests.conftest import requires_postgresql
from tests.factories import MEMBER_KEYS
from tests.ops.fault_worker import FileTransport

ROOT = Path(__file__).resolve().parents[2]
WAIT_LIMIT = 120  # seconds: a safety net against a hung worker, not a timing


class Worker:
    def __init__(self, instance, tmp_path: Path, scenario: str, fault: str | None = None, **params):
        self.signal_file = tmp_path / f"reached-{time.monotonic_ns()}"
        self.fault = fault
        args = {
            "scenario": scenario,
            "url": instance.url,
            "schema": instance.schema,
            "uploads": str(instance.uploads),
            "now": instance.clock.now().isoformat(),
            **params,
        }
        env = {**os.environ, "SAFKAT_ENV": "testing", "SAFKAT_FAULT_SIGNAL": str(self.signal_file)}
        env.pop("SAFKAT_FAULT_POINT", None)
        if fault:
            env["SAFKAT_FAULT_POINT"] = fault
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.fault_worker", json.dumps(args)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def kill_at_checkpoint(self) -> None:
        """Wait until the worker stands at its checkpoint, then SIGKILL it."""
        self.wait_at_checkpoint()
        self.kill()

    def wait_at_checkpoint(self) -> None:
        point = self.fault.partition(":")[0]
        deadline = time.monotonic() + WAIT_LIMIT
        while not (self.signal_file.exists() and point in self.signal_file.read_text()):
            if self.process.poll() is not None:
                _out, err = self.process.communicate()
                pytest.fail(f"the worker ended before {self.fault}:\n{err[-3000:]}")
            assert time.monotonic() < deadline, f"the worker never reached {self.fault}"
            time.sleep(0.05)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate()
        assert self.process.returncode == -signal.SIGKILL

    def result(self) -> dict:
        out, err = self.process.communicate(timeout=WAIT_LIMIT)
        assert self.process.returncode == 0, err[-3000:]
        return json.loads(out.strip().splitlines()[-1])


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def leftovers(instance) -> list[Path]:
    with instance.engine.connect() as connection:
        return orphans(connection, instance.app.extensions["safkat.files"], instance.clock.now() + timedelta(days=3650))


@pytest.fixture
def tender_and_firms(instances):
    return tender_with_firms(instances("sqlite"))


def tender_with_firms(instance):
    with instance.session() as session:
        make = instance.make(session)
        officer = make.officer()
        tender = make.tender(state="open", lots=2, authority=officer.authority, created_by=officer)
        firms = [make.bidder(enterprise=make.enterprise(name=f"Firme {n}")) for n in "AB"]
        session.commit()
    return instance, tender, firms


def submit_params(tender, firm, key="k-1"):
    return dict(
        reference=tender.url_reference,
        lots=[(lot.id, lot.number) for lot in tender.lots],
        user=firm.get_id(),
        key=key,
        technical=document("plans").hex(),
    )


@pytest.mark.parametrize("point", ["bid.sealed", "bid.submitted"])
def test_a_bid_killed_before_commit_leaves_no_bid_and_can_be_sent_again(tender_and_firms, tmp_path, point):
    instance, tender, (firm, _other) = tender_and_firms
    Worker(instance, tmp_path, "submit", point, **submit_params(tender, firm)).kill_at_checkpoint()
    with instance.session() as session:  # killed while confirming: the reviewed draft is intact
        assert count(session, Bid, Bid.status != "draft") == count(session, Receipt) == 0
        assert count(session, AuditEvent, AuditEvent.action == "bid.submitted") == 0
        draft = session.scalar(select(Bid))
        assert len(draft.envelopes) == 3 and all(e.draft_key and not e.sealed_key for e in draft.envelopes)
    left = leftovers(instance)  # the offer sealed for the tender before the kill: ciphertext no row names
    assert len(left) == 1 and all(b"plans" not in path.read_bytes() for path in left)
    again = confirm_bid(instance.client(firm), tender, idempotency_key="k-1")
    assert again.status_code == 302  # after the restart, the same confirmation goes through
    with instance.session() as session:
        bid = session.scalar(select(Bid))
        assert bid.status == "submitted" and len(bid.receipts) == 1 and len(bid.envelopes) == 3
    assert instance.cli("files", "orphans", "--delete", "--older-than-hours", "0").exit_code == 0
    assert leftovers(instance) == [] and all(
        instance.app.extensions["safkat.files"].path_for(e.storage_key).exists() for e in bid.envelopes
    )


def test_a_chunk_killed_mid_write_is_cut_off_and_the_upload_resumes(tender_and_firms, tmp_path):
    from tests.bids.test_chunked_upload import complete, put, start

    instance, tender, (firm, _other) = tender_and_firms
    content = document("big", size=300_000)
    client = instance.client(firm)
    state = start(client, tender, content).get_json()
    half = len(content) // 2
    assert put(client, state, 0, content[:half]).status_code == 200
    rest = tmp_path / "rest"
    rest.write_bytes(content[half:])
    Worker(
        instance,
        tmp_path,
        "chunk",
        "upload.chunk_written",
        user=firm.get_id(),
        chunk_url=state["chunk_url"],
        offset=half,
        chunk_file=str(rest),
        sha256=hashlib.sha256(content[half:]).hexdigest(),
    ).kill_at_checkpoint()
    with instance.session() as session:
        upload = session.scalar(select(BidUpload))
        assert upload.received_size == half  # the killed chunk does not count
        assert instance.app.extensions["safkat.files"].path_for(upload.storage_key).stat().st_size > upload.stored_bytes
    assert client.get(f"/bid-uploads/{state['token']}").get_json()["received"] == half  # resume from here
    assert put(client, state, half, content[half:]).status_code == 200
    finished = complete(client, state)
    assert finished.status_code == 200, finished.get_json()  # the whole file's SHA-256 matched


def submitted_bids(instance, tender, firms):
    for n, firm in enumerate(firms):
        client = instance.client(firm)
        assert post_bid(client, tender, technical=document(f"tech-{n}")).status_code == 302
    instance.clock.set(tender.submission_deadline_at + timedelta(hours=1))


def members(instance, tender):
    with instance.session() as session:
        tender = session.get(Tender, tender.id)
        return [member.user for member in tender.commission.members]


def presence(instance, tender, member, **worker):
    """A member's confirmation of presence at the opening, with their share, as their browser posts it."""
    with instance.session() as session:
        row = keys.current_share(session, tender.id, member.id)
        share = json.dumps(messages.clear_share(MEMBER_KEYS[row.member_key.fingerprint], keys.share_request(row)))
    data = {"no_conflict": "y", "share": share}
    return dict(path=f"/officer/tenders/{tender.id}/opening", user=member.get_id(), data=data, **worker)


def test_an_opening_killed_midway_is_rolled_back_and_runs_again_once(tender_and_firms, tmp_path):
    instance, tender, firms = tender_and_firms
    submitted_bids(instance, tender, firms)
    first, second, _third = members(instance, tender)
    assert instance.client(first).post(**_post(presence(instance, tender, first))).status_code == 302
    Worker(instance, tmp_path, "post", "opening.bid_opened", **presence(instance, tender, second)).kill_at_checkpoint()
    with instance.session() as session:
        assert session.get(Tender, tender.id).status == "published"
        assert count(session, Opening) == count(session, OpenedBid) == 0
        assert count(session, OpeningPresence) == 1  # the second member's presence went with the opening
        assert count(session, TenderKeyShare, TenderKeyShare.kept_share.is_not(None)) == 1  # and their share
    assert len(leftovers(instance)) == 2  # the first bid's decrypted documents, named by no row
    assert instance.client(second).post(**_post(presence(instance, tender, second))).status_code == 302
    with instance.session() as session:
        assert session.get(Tender, tender.id).status == "opened"
        rows = session.scalars(select(OpenedBid)).all()
        assert len(rows) == 2 and all(row.is_intact for row in rows)
        assert count(session, AuditEvent, AuditEvent.action == "tender.opened") == 1
    assert instance.cli("files", "orphans", "--delete", "--older-than-hours", "0").exit_code == 0
    assert leftovers(instance) == []


def _post(params: dict) -> dict:
    return {"path": params["path"], "data": params["data"]}


def test_a_document_issue_killed_before_commit_leaves_no_document(tender_and_firms, tmp_path):
    instance, tender, _firms = tender_and_firms
    path = f"/tenders/{tender.url_reference}/notice/fr.pdf"
    Worker(instance, tmp_path, "get", "document.stored", path=path).kill_at_checkpoint()
    with instance.session() as session:
        assert count(session, IssuedDocument) == 0
        assert count(session, AuditEvent, AuditEvent.action == "document.issued") == 0
    assert len(leftovers(instance)) == 1  # the signed PDF, named by no row
    assert instance.client().get(path).status_code == 200
    with instance.session() as session:
        document_row = session.scalar(select(IssuedDocument))
        assert document_row.version == 1
        pdf = instance.app.extensions["safkat.files"].path_for(document_row.storage_key).read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == document_row.sha256


def test_a_sender_killed_mid_batch_sends_no_message_twice(instances, tmp_path):
    instance = instances("sqlite")
    with instance.session() as session:
        for n in range(5):
            enqueue_email(
                session,
                kind="t",
                recipient=f"r{n}@example.dz",
                subject=f"m{n}",
                body_text="x",
                locale="fr",
                now=instance.clock.now(),
            )
        session.commit()
    mail_log = tmp_path / "sent.jsonl"
    send = dict(command=["notifications", "send"], mail_log=str(mail_log))
    Worker(instance, tmp_path, "command", "outbox.sent:2", **send).kill_at_checkpoint()
    sent = [json.loads(line)["subject"] for line in mail_log.read_text().splitlines()]
    assert sent == ["m0", "m1"]
    with instance.session() as session:
        statuses = {m.subject: (m.status, m.last_error) for m in session.scalars(select(OutboxMessage))}
    assert statuses["m0"] == ("sent", None)
    assert statuses["m1"] == ("dead", INTERRUPTED)  # handed to the server, outcome unknown: parked, not resent
    assert {statuses[f"m{n}"][0] for n in (2, 3, 4)} == {"pending"}
    instance.app.extensions["safkat.mail"] = FileTransport(str(mail_log))
    assert "Sent 3, failed 0" in instance.cli("notifications", "send").output  # the next cron run
    sent = [json.loads(line)["subject"] for line in mail_log.read_text().splitlines()]
    assert sorted(sent) == ["m0", "m1", "m2", "m3", "m4"]  # each once


def test_a_reminder_batch_killed_midway_queues_nothing_then_each_once(tender_and_firms, tmp_path):
    instance, tender, firms = tender_and_firms
    with instance.session() as session:
        readers = firms + [instance.make(session).bidder()]
        for user in readers:
            session.add(
                DocumentDownload(
                    document_id=tender.documents[0].id,
                    tender_id=tender.id,
                    user_id=user.id,
                    first_at=instance.clock.now(),
                )
            )
        session.commit()
    instance.clock.set(tender.submission_deadline_at - timedelta(hours=12))
    reminders = dict(command=["notifications", "reminders"])
    Worker(instance, tmp_path, "command", "reminders.queued:2", **reminders).kill_at_checkpoint()
    with instance.session() as session:
        assert count(session, SentReminder) == count(session, OutboxMessage) == count(session, Notification) == 0
    assert "3 reminder(s) queued" in instance.cli("notifications", "reminders").output
    assert "0 reminder(s) queued" in instance.cli("notifications", "reminders").output
    with instance.session() as session:
        assert count(session, SentReminder) == count(session, OutboxMessage) == 3


@requires_postgresql
def test_an_opener_killed_holding_the_tender_lock_lets_the_next_one_open(instances, tmp_path):
    """PostgreSQL drops a dead client's locks: the member waiting behind it opens, once."""
    from sqlalchemy import text

    instance, tender, firms = tender_with_firms(instances("postgresql"))
    submitted_bids(instance, tender, firms)
    first, second, third = members(instance, tender)
    assert instance.client(first).post(**_post(presence(instance, tender, first))).status_code == 302
    names = [f"opener-{os.getpid()}-{n}" for n in (1, 2)]
    killed = Worker(
        instance, tmp_path, "post", "opening.bid_opened", **presence(instance, tender, second, name=names[0])
    )
    killed.wait_at_checkpoint()  # it holds the tender's row lock (SELECT ... FOR UPDATE)
    waiting_worker = Worker(instance, tmp_path, "post", **presence(instance, tender, third, name=names[1]))
    deadline = time.monotonic() + WAIT_LIMIT
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND wait_event_type = 'Lock'"
    while True:
        with instance.engine.connect() as connection:
            if connection.execute(text(waiting), {"name": names[1]}).scalar():
                break
        assert waiting_worker.process.poll() is None and time.monotonic() < deadline, "the third member did not wait"
        time.sleep(0.05)
    killed.kill()
    assert waiting_worker.result()["status"] == 302
    with instance.session() as session:
        assert count(session, Opening) == 1 and count(session, OpenedBid) == 2
        assert session.get(Tender, tender.id).status == "opened"
        present = {p.user_id for p in session.scalars(select(OpeningPresence))}
        assert present == {first.id, third.id}
