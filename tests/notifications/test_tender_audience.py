"""Everyone with a stake in a tender is told of its events, once each, in their language."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.evaluation import services as evaluation
from safkat.evaluation.services import Rules
from safkat.notifications.audience import Stake, tender_audience
from safkat.notifications.models import Notification, OutboxMessage
from tests.bids.helpers import confirm_presence, post_bid
from tests.notifications.test_subscriptions import subscribe
from tests.tenders.test_drafting import local


class Told:
    """What each user received since the last look: e-mails queued and centre entries."""

    def __init__(self, db_session):
        self.db_session = db_session
        self.outbox_mark = self.centre_mark = 0
        self.since()

    def since(self) -> tuple[Counter, Counter]:
        db = self.db_session
        outbox = Counter(db.scalars(select(OutboxMessage.user_id).where(OutboxMessage.id > self.outbox_mark)))
        centre = Counter(db.scalars(select(Notification.user_id).where(Notification.id > self.centre_mark)))
        self.outbox_mark = db.scalar(select(func.max(OutboxMessage.id))) or 0
        self.centre_mark = db.scalar(select(func.max(Notification.id))) or 0
        return outbox, centre


@pytest.fixture
def stakes(make, login, db_session):
    """A one-lot tender; a firm that asked a question and bid; a firm that downloaded the
    dossier and whose alert matches too; a firm whose alert does not match; a stranger."""
    officer = make.officer()
    tender = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
    asker = make.bidder(enterprise=make.enterprise(name="SARL Question"), locale="ar")
    downloader = make.bidder(enterprise=make.enterprise(name="SARL Dossier"))
    elsewhere, stranger = make.bidder(), make.bidder()
    response = login(asker).post(f"/tenders/{tender.url_reference}/questions", data={"text": "Visite du site ?"})
    assert response.status_code == 302
    assert post_bid(login(asker), tender).status_code == 302
    assert (
        login(downloader).get(f"/tenders/{tender.url_reference}/documents/{tender.documents[0].id}").status_code == 200
    )
    subscribe(login, downloader)  # every tender matches an alert without criteria
    subscribe(login, elsewhere, wilayas=["01"])
    return officer, tender, asker, downloader, elsewhere, stranger


def test_the_audience_names_each_person_once_with_all_their_stakes(stakes, db_session):
    _officer, tender, asker, downloader, *_ = stakes
    audience = {recipient.user.id: recipient.stakes for recipient in tender_audience(db_session, tender)}
    assert audience == {
        asker.id: {Stake.BID, Stake.QUESTION},
        downloader.id: {Stake.DOWNLOAD, Stake.SUBSCRIPTION},
    }


def test_each_firm_is_told_once_of_every_event(stakes, login, make, db_session, clock, app):
    officer, tender, asker, downloader, elsewhere, stranger = stakes
    told = Told(db_session)
    once_each = Counter({asker.id: 1, downloader.id: 1})
    client = login(officer)

    question = tender.questions[0]
    response = client.post(f"/officer/tenders/{tender.id}/questions/{question.id}/answer", data={"answer": "Oui."})
    assert response.status_code == 302
    assert told.since() == (once_each, once_each), "the answer"

    new_deadline = tender.submission_deadline_at + timedelta(days=7)
    response = client.post(
        f"/officer/tenders/{tender.id}/amend", data={"reason": "Report demandé", "new_deadline": local(new_deadline)}
    )
    assert response.status_code == 302
    assert told.since() == (once_each, once_each), "the amendment that moved the deadline"

    clock.set(new_deadline + timedelta(minutes=5))
    client = login(officer)  # the first session has expired meanwhile
    first, second = [member.user for member in tender.commission.members][:2]  # the quorum is 2
    assert confirm_presence(login(first), tender).status_code == 302
    assert told.since() == (Counter(), Counter()), "one member present opens nothing"
    assert confirm_presence(login(second), tender).status_code == 302
    assert told.since() == (once_each, once_each), "the opening"
    assert login(first).get(f"/officer/tenders/{tender.id}/opening").status_code == 200
    assert told.since() == (Counter(), Counter()), "opened once, told once"

    db_session.expire_all()  # the opening committed in the request
    lot_evaluation = evaluation.start(db_session, tender, tender.lots[0], officer, Rules(), clock.now())
    [assessment] = lot_evaluation.assessments
    evaluation.record_compliance(
        db_session,
        tender,
        assessment,
        officer,
        eligible=True,
        reason=None,
        technical_pass=True,
        rules=Rules(),
        now=clock.now(),
    )
    evaluation.review(db_session, lot_evaluation, make.officer(authority=officer.authority), clock.now())
    db_session.flush()
    assert client.post(f"/officer/tenders/{tender.id}/award", data={}).status_code == 302
    assert told.since() == (once_each, once_each), "the provisional award: the bidder's letter is its message"
    kinds = dict(
        db_session.execute(
            select(OutboxMessage.user_id, OutboxMessage.kind).where(OutboxMessage.kind.like("award%"))
        ).all()
    )
    assert kinds == {asker.id: "award_outcome", downloader.id: "award_published"}


def test_messages_are_in_each_readers_language(stakes, login, db_session):
    officer, tender, asker, downloader, *_ = stakes
    question = tender.questions[0]
    login(officer).post(f"/officer/tenders/{tender.id}/questions/{question.id}/answer", data={"answer": "Oui."})
    messages = {
        m.user_id: m for m in db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "question_answered"))
    }
    assert messages[asker.id].locale == "ar" and "إجابة عن سؤال" in messages[asker.id].subject
    assert "Oui." in messages[asker.id].body_text and "/unsubscribe/" not in messages[asker.id].body_text
    assert "réponse" in messages[downloader.id].subject, messages[downloader.id].subject
    centre = login(asker).get("/notifications").get_data(as_text=True)
    assert "أُجيب عن سؤال" in centre


def test_a_cancellation_reaches_bidders_and_downloaders_once(stakes, login, db_session):
    officer, tender, asker, downloader, *_ = stakes
    told = Told(db_session)
    response = login(officer).post(f"/officer/tenders/{tender.id}/cancel", data={"reason": "Besoin disparu"})
    assert response.status_code == 302
    once_each = Counter({asker.id: 1, downloader.id: 1})
    assert told.since() == (once_each, once_each)


def test_a_subscriber_only_gets_an_unsubscribe_link_and_the_digest_if_chosen(make, login, db_session):
    officer = make.officer()
    tender = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
    immediate, daily = make.bidder(), make.bidder()
    subscribe(login, immediate)
    subscribe(login, daily, frequency="daily")
    assert (
        login(officer).post(f"/officer/tenders/{tender.id}/cancel", data={"reason": "Besoin disparu"}).status_code
        == 302
    )
    [message] = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "tender_cancelled"))
    assert message.user_id == immediate.id and "/unsubscribe/" in message.body_text
    waiting = db_session.scalar(select(Notification).where(Notification.user_id == daily.id))
    assert waiting.kind == "tender_cancelled" and waiting.digest_pending


def test_the_cron_opens_nothing_so_tells_the_firms_nothing(stakes, db_session, clock, app):
    """At the deadline ``open-due`` tells the commission the tender is ready; the bids stay
    sealed until its members meet, so those with a stake hear of the opening only then."""
    _officer, tender, asker, downloader, *_ = stakes
    told = Told(db_session)
    clock.set(tender.submission_deadline_at + timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["open-due"])
    assert result.exit_code == 0, result.output
    nobody = Counter()
    since = told.since()
    assert since[0][asker.id] == since[0][downloader.id] == 0 and since[1][asker.id] == since[1][downloader.id] == 0
    assert since != (nobody, nobody), "the commission is told it is ready to open"
