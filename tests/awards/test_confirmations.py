"""Irreversible officer actions ask first, on a page that works without JavaScript, and
their buttons disappear once done (or while not yet possible)."""

from safkat.tenders.models import Tender
from tests.awards.test_award_web import evaluate_all

AWARD_LINK = '/award">'


def test_publishing_asks_first_and_the_question_changes_nothing(login, make, db_session):
    officer = make.officer()
    tender = make.tender(state="draft", authority=officer.authority, created_by=officer)
    client = login(officer)
    manage = client.get(f"/officer/tenders/{tender.id}?lang=en").get_data(as_text=True)
    assert f'href="/officer/tenders/{tender.id}/publish"' in manage, "a link to the question, not a button that acts"
    assert f'action="/officer/tenders/{tender.id}/publish"' not in manage
    page = client.get(f"/officer/tenders/{tender.id}/publish?lang=ar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "نشر طلب العروض هذا؟" in html
    assert f'<form method="post" action="/officer/tenders/{tender.id}/publish">' in html and "csrf_token" in html
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "draft", "asking publishes nothing"
    assert client.post(f"/officer/tenders/{tender.id}/publish", data={}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "published"
    again = client.get(f"/officer/tenders/{tender.id}/publish")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/officer/tenders/{tender.id}")


def test_the_award_button_shows_only_when_the_award_can_be_published(login, make, opened, db_session):
    tender, officer, _firms = opened
    client = login(officer)
    still_open = make.tender(state="open", authority=officer.authority, created_by=officer)
    overview = client.get(f"/officer/tenders/{still_open.id}/evaluation").get_data(as_text=True)
    assert AWARD_LINK not in overview, "no award for a tender still open"
    assert client.get(f"/officer/tenders/{still_open.id}/award").status_code == 302

    evaluate_all(client, tender, db_session, login(tender.commission.members[1].user))  # a second member reviews
    assert AWARD_LINK in client.get(f"/officer/tenders/{tender.id}/evaluation").get_data(as_text=True)
    question = client.get(f"/officer/tenders/{tender.id}/award?lang=en").get_data(as_text=True)
    assert "Publish the provisional award?" in question and "The complaint period starts: 10 days." in question
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status in ("opened", "evaluation"), "asking awards nothing"

    assert client.post(f"/officer/tenders/{tender.id}/award", data={}).status_code == 302
    overview = client.get(f"/officer/tenders/{tender.id}/evaluation").get_data(as_text=True)
    assert AWARD_LINK not in overview, "no stale button after publishing"
    assert client.get(f"/officer/tenders/{tender.id}/award").status_code == 302
