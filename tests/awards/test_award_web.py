"""The award steps through the web: permissions per role, what each bidder sees, mails."""

from sqlalchemy import select

from safkat.bids.models import Bid
from safkat.evaluation.models import Assessment


def evaluate_all(client, tender, db_session, reviewer_client):
    for lot in tender.lots:
        assert client.post(f"/officer/tenders/{tender.id}/evaluation/lots/{lot.id}/start", data={}).status_code == 302
    for assessment in db_session.scalars(select(Assessment)):
        data = {"eligible": "yes", "technical_pass": "pass", "reason": ""}
        assert (
            client.post(
                f"/officer/tenders/{tender.id}/evaluation/assessments/{assessment.id}/compliance", data=data
            ).status_code
            == 302
        )
    db_session.expire_all()
    for assessment in db_session.scalars(select(Assessment).where(Assessment.alo_status == "flagged")):
        client.post(
            f"/officer/tenders/{tender.id}/evaluation/assessments/{assessment.id}/abnormally-low",
            data={"decision": "keep", "justification": "Prix expliqué par le stock."},
        )
    for lot in tender.lots:
        assert (
            reviewer_client.post(f"/officer/tenders/{tender.id}/evaluation/lots/{lot.id}/review", data={}).status_code
            == 302
        )


def test_award_through_the_web(login, make, opened, db_session, client, mailbox, clock, send_outbox):
    tender, officer, firms = opened
    officer_client, reviewer = login(officer), login(tender.commission.members[1].user)
    evaluate_all(officer_client, tender, db_session, reviewer)
    send_outbox()  # the receipts of the bids, first
    mailbox.sent.clear()
    assert officer_client.post(f"/officer/tenders/{tender.id}/award", data={}).status_code == 302
    db_session.expire_all()
    assert db_session.get(type(tender), tender.id).status == "provisional_award"
    send_outbox()
    # Every member of every bidding firm hears its own result.
    assert {m["To"] for m in mailbox.sent} == {firm.email for firm in firms.values()}
    notice = client.get(f"/tenders/{tender.url_reference}/award?lang=en").get_data(as_text=True)
    assert "Firme D" in notice and "Provisionally awarded" in notice
    # A loser sees its own rank on its bid page, not the others' reasons.
    loser_bid = db_session.scalar(
        select(Bid).where(Bid.enterprise_id == firms["C"].enterprise_id, Bid.status == "submitted")
    )
    page = login(firms["C"]).get(f"/bids/{loser_bid.id}?lang=en").get_data(as_text=True)
    assert "Result for lot 1" in page and "Rank" in page
    assert login(firms["A"]).get(f"/bids/{loser_bid.id}").status_code == 403
    # The loser complains through the notice page.
    response = login(firms["C"]).post(
        f"/tenders/{tender.url_reference}/complaints",
        data={"lot": str(tender.lots[0].id), "grounds": "Prix irréaliste."},
    )
    assert response.status_code == 302
    public = client.get(f"/tenders/{tender.url_reference}/award?lang=en").get_data(as_text=True)
    assert "Pending" in public and "Prix irréaliste." not in public  # existence public, grounds private


def test_only_the_commission_evaluates(login, make, opened):
    tender, officer, firms = opened
    colleague = make.officer(authority=officer.authority)  # of the authority, not on the commission
    for outsider in (colleague, make.officer(), firms["A"], make.admin()):
        client = login(outsider)
        assert client.get(f"/officer/tenders/{tender.id}/evaluation").status_code == 403
        assert client.post(f"/officer/tenders/{tender.id}/award", data={}).status_code == 403


def test_evaluation_page_before_the_opening_says_why(login, make):
    tender = make.tender(state="open")
    start = f"/officer/tenders/{tender.id}/evaluation/lots/{tender.lots[0].id}/start?lang=en"
    response = login(tender.created_by).post(start, data={}, follow_redirects=True)
    assert "only after the opening" in response.get_data(as_text=True)


def test_explanation_is_answered_by_the_bidder_only(login, make, opened, db_session):
    tender, officer, firms = opened
    officer_client = login(officer)
    officer_client.post(f"/officer/tenders/{tender.id}/evaluation/lots/{tender.lots[0].id}/start", data={})
    low = db_session.scalar(select(Assessment).where(Assessment.alo_status == "flagged"))
    assert (
        officer_client.post(
            f"/officer/tenders/{tender.id}/evaluation/assessments/{low.id}/explanation",
            data={"question": "Justifiez le prix."},
        ).status_code
        == 302
    )
    assert login(firms["A"]).post(f"/assessments/{low.id}/explanation", data={"answer": "x"}).status_code == 403
    assert (
        login(firms["D"]).post(f"/assessments/{low.id}/explanation", data={"answer": "Stock existant."}).status_code
        == 302
    )
    db_session.refresh(low)
    assert (low.alo_status, low.alo_answer) == ("explained", "Stock existant.")


def test_a_tender_can_be_cancelled_after_the_opening(login, opened, db_session):
    tender, officer, firms = opened
    response = login(officer).post(f"/officer/tenders/{tender.id}/cancel", data={"reason": "Besoin disparu."})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(type(tender), tender.id).status == "cancelled"
