"""Alerts for new tenders, the notification centre, digests, reminders, unsubscribe."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.notifications import subscriptions
from safkat.notifications.models import Notification, Subscription
from tests.conftest import find_link
from tests.tenders.test_drafting import create_ready_draft


def subscribe(login, user, **fields):
    data = {
        "sectors": [],
        "wilayas": [],
        "categories": [],
        "authorities": [],
        "frequency": "immediate",
        "reminders": "y",
        "is_active": "y",
    } | fields
    assert login(user).post("/subscriptions", data=data).status_code == 302


@pytest.fixture
def officer(make):
    return make.officer(authority=make.authority(code="AT-ORN"))


def publish_one(login, officer, make, clock, **overrides):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make, **overrides)
    assert client.post(f"/officer/tenders/{tender_id}/publish", data={}).status_code == 302
    return tender_id


def test_matching_firms_are_told_at_once_in_their_language(login, make, officer, clock, mailbox, db_session):
    oran_fibre = make.bidder(locale="ar")
    subscribe(login, oran_fibre, wilayas=["31"], sectors=["telecom_networks"])
    elsewhere = make.bidder()
    subscribe(login, elsewhere, wilayas=["16"])
    other_sector = make.bidder()
    subscribe(login, other_sector, sectors=["cleaning"])
    publish_one(login, officer, make, clock)
    assert [m["To"] for m in mailbox.sent] == [oran_fibre.email]
    message = mailbox.sent[0]
    assert message["Content-Language"] == "ar" and "/unsubscribe/" in message.get_content()
    page = login(oran_fibre).get("/?lang=ar").get_data(as_text=True)
    assert 'class="badge">1<' in page  # unread count in the header
    centre = login(oran_fibre).get("/notifications").get_data(as_text=True)
    assert "المنزه" in centre


def test_daily_digest_gathers_new_tenders(login, make, officer, clock, mailbox, app, db_session):
    firm = make.bidder()
    subscribe(login, firm, frequency="daily")
    publish_one(login, officer, make, clock)
    publish_one(login, officer, make, clock)
    assert mailbox.sent == []
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "1 digest(s)" in result.output
    assert app.test_cli_runner().invoke(args=["notifications", "digest"]).output.startswith("0 digest")


def test_one_click_unsubscribe(login, make, officer, clock, mailbox, client, db_session):
    firm = make.bidder()
    subscribe(login, firm)
    publish_one(login, officer, make, clock)
    body = mailbox.sent[0].get_content()
    link = find_link(body[body.index("http", body.index("/unsubscribe/") - 60) :])
    assert client.get(link).status_code == 200  # no login needed
    db_session.expire_all()
    assert db_session.scalar(select(Subscription).where(Subscription.user_id == firm.id)).is_active is False
    mailbox.sent.clear()
    publish_one(login, officer, make, clock)
    assert mailbox.sent == []
    assert client.get("/unsubscribe/forged-token").status_code == 400


def test_reminders_go_to_downloaders_and_draft_holders_once(login, make, clock, app, db_session, mailbox):
    from tests.bids.helpers import post_bid

    tender = make.tender(state="open", submission_deadline_at=clock.now() + timedelta(hours=20))
    tender.enquiry_deadline_at = clock.now() + timedelta(hours=2)
    downloader, drafter, stranger = (make.bidder(enterprise=make.enterprise(status="verified")) for _ in range(3))
    login(downloader).get(f"/tenders/{tender.url_reference}/documents/{tender.documents[0].id}")
    post_bid(login(drafter), tender, action="save")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "reminders"])
    assert result.exit_code == 0, result.output
    kinds = {(n.user_id, n.kind) for n in db_session.scalars(select(Notification))}
    assert kinds == {
        (downloader.id, "reminder_enquiry_deadline"),
        (downloader.id, "reminder_submission_deadline"),
        (drafter.id, "reminder_enquiry_deadline"),
        (drafter.id, "reminder_submission_deadline"),
        (drafter.id, "reminder_draft_not_submitted"),
    }
    assert stranger.id not in {user for user, _kind in kinds}
    assert runner.invoke(args=["notifications", "reminders"]).output.startswith("0 reminder")


def test_matching_rules():
    from types import SimpleNamespace

    tender = SimpleNamespace(
        sectors=[SimpleNamespace(code="civil_works")],
        wilaya_codes=["31", "46"],
        category="works",
        authority=SimpleNamespace(code="AT-ORN"),
    )
    make = lambda **kw: Subscription(**({"sectors": "", "wilayas": "", "categories": "", "authorities": ""} | kw))  # noqa: E731
    assert subscriptions.matches(make(), tender)
    assert subscriptions.matches(make(wilayas="46,13"), tender)
    assert not subscriptions.matches(make(wilayas="16"), tender)
    assert not subscriptions.matches(make(wilayas="31", categories="supplies"), tender)
    assert subscriptions.matches(make(authorities="AT-ORN", sectors="civil_works,building"), tender)


def test_only_bidders_have_alerts_and_officers_see_the_outbox_only_if_admin(login, make):
    assert login(make.officer()).get("/subscriptions").status_code == 403
    assert login(make.officer()).get("/admin/outbox").status_code == 403
    assert login(make.admin()).get("/admin/outbox").status_code == 200


def test_dead_letters_are_visible_and_can_be_sent_again(login, make, db_session, clock):
    from safkat.notifications import services

    message = services.enqueue_email(
        db_session, kind="t", recipient="lost@example.dz", subject="Perdu", body_text="x", locale="fr", now=clock.now()
    )
    message.status, message.attempts, message.last_error = "dead", 8, "SMTP down"
    db_session.flush()
    admin = login(make.admin())
    assert "lost@example.dz" in admin.get("/admin/outbox?status=dead").get_data(as_text=True)
    assert admin.post(f"/admin/outbox/{message.id}/retry", data={}).status_code == 302
    db_session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)


def test_sectors_and_wilayas_are_checkbox_lists_with_a_plain_hint(login, make):
    import re

    firm = make.bidder()
    make.sector("telecom_networks")
    subscribe(login, firm, wilayas=["31", "46"])
    html = login(firm).get("/subscriptions?lang=fr").get_data(as_text=True)
    assert "multiple" not in html, "no multi-select box"
    wilayas = re.findall(r'<input ([^>]*name="wilayas"[^>]*)>', html)
    assert len(wilayas) == 58 and all('type="checkbox"' in attributes for attributes in wilayas)
    ticked = sorted(re.search(r'value="(\d+)"', a).group(1) for a in wilayas if "checked" in a)
    assert ticked == ["31", "46"], "the firm's choices are ticked"
    assert re.search(r'<input [^>]*name="sectors"[^>]*type="checkbox"', html)
    assert "<legend>Wilayas</legend>" in html and "aucune case cochée veut dire tous" in html
