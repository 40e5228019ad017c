"""The opening session: each member confirms from their own session; k presences open the bids."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids.models import Opening
from safkat.commission.models import OpeningPresence
from safkat.tenders.models import Tender
from tests.bids.helpers import confirm_presence


def events(db_session, action):
    return db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def state(db_session, tender):
    """What a refusal must leave unchanged."""
    db_session.expire_all()
    return (
        db_session.get(Tender, tender.id).status,
        db_session.scalar(select(func.count()).select_from(OpeningPresence)),
        db_session.scalar(select(func.count()).select_from(AuditEvent)),
        db_session.get(Opening, tender.id) is not None,
    )


def test_the_page_says_ready_and_lists_the_bidders_once_the_deadline_has_passed(cast, bids, login, clock):
    page = login(cast.chair).get(f"/officer/tenders/{cast.tender.id}/opening?lang=en").get_data(as_text=True)
    assert "stay sealed until the submission deadline" in page and "Firme A" not in page
    clock.set(cast.tender.submission_deadline_at + timedelta(minutes=1))
    manage = login(cast.chair).get(f"/officer/tenders/{cast.tender.id}?lang=en").get_data(as_text=True)
    assert "Ready to open" in manage and f"/officer/tenders/{cast.tender.id}/opening" in manage
    page = login(cast.chair).get(f"/officer/tenders/{cast.tender.id}/opening?lang=en").get_data(as_text=True)
    assert "Firme A" in page and "Firme B" in page and "Confirm my presence" in page
    assert "0 of 2 needed." in page


def test_two_members_from_two_sessions_open_the_bids(cast, bids, after_deadline, login, db_session, clock):
    first, second = login(cast.members[1]), login(cast.members[0])
    response = confirm_presence(first, cast.tender)
    assert response.status_code == 302
    assert state(db_session, cast.tender)[0] == "published"
    page = first.get(f"/officer/tenders/{cast.tender.id}/opening?lang=en").get_data(as_text=True)
    assert "Votre présence est enregistrée" in page and "1 of 2 needed." in page and "You have confirmed" in page
    clock.advance(minutes=3)
    assert confirm_presence(second, cast.tender).status_code == 302
    db_session.expire_all()
    assert db_session.get(Tender, cast.tender.id).status == "opened"
    opening = db_session.get(Opening, cast.tender.id)
    assert opening.opened_by_id == cast.members[0].id and opening.opened_at == clock.now()
    assert opening.commission == "Karim Benali, Nadia Saïdi"  # the chair first
    present = [json.loads(e.details)["member"] for e in events(db_session, "commission.presence_confirmed")]
    assert present == ["Nadia Saïdi", "Karim Benali"]
    assert len(events(db_session, "tender.opened")) == 1


def test_the_minutes_name_the_members_present_and_when(opened, client, db_session):
    from safkat.documents.values import opening_minutes_values

    page = client.get(f"/tenders/{opened.tender.url_reference}/opening?lang=en").get_data(as_text=True)
    assert "Karim Benali" in page and "Nadia Saïdi" in page and "Omar Haddad" not in page
    assert "confirmed at" in page
    values = opening_minutes_values(db_session.get(Opening, opened.tender.id), "ar")
    assert [(m["name"], m["is_chair"]) for m in values["commission"]] == [
        ("Karim Benali", True),
        ("Nadia Saïdi", False),
    ]
    assert all(m["confirmed_at"] is not None for m in values["commission"])
    assert values["signatures"][0]["name"] == "Karim Benali"


def test_the_ocds_release_names_the_members_present(opened, db_session):
    release = _latest_release(db_session, opened.tender)
    [minutes] = [d for d in release["tender"]["documents"] if d["id"] == "opening-minutes"]
    assert "Karim Benali" in minutes["description"] and "Nadia Saïdi" in minutes["description"]
    assert "Omar Haddad" not in minutes["description"]


def _latest_release(db_session, tender):
    from safkat.opendata.models import OcdsRelease

    row = db_session.scalars(
        select(OcdsRelease).where(OcdsRelease.tender_id == tender.id).order_by(OcdsRelease.id.desc())
    ).first()
    return json.loads(row.release)


def test_refusals_change_nothing(cast, bids, login, db_session, clock):
    chair = login(cast.chair)
    before = state(db_session, cast.tender)
    response = chair.post(
        f"/officer/tenders/{cast.tender.id}/opening?lang=fr", data={"no_conflict": "y"}, follow_redirects=True
    )
    assert "commence à la date limite de dépôt, pas avant." in response.get_data(as_text=True)
    assert state(db_session, cast.tender) == before
    clock.set(cast.tender.submission_deadline_at + timedelta(minutes=1))
    chair = login(cast.chair)
    for outsider in (cast.outsider, cast.other_authority, cast.firm):
        assert confirm_presence(login(outsider), cast.tender).status_code == 403
    response = chair.post(f"/officer/tenders/{cast.tender.id}/opening?lang=fr", data={}, follow_redirects=True)
    assert "aucun conflit d&#39;intérêts avec les soumissionnaires" in response.get_data(as_text=True)
    assert state(db_session, cast.tender) == before
    assert confirm_presence(chair, cast.tender).status_code == 302
    once = state(db_session, cast.tender)
    response = chair.post(
        f"/officer/tenders/{cast.tender.id}/opening?lang=ar", data={"no_conflict": "y"}, follow_redirects=True
    )
    assert "لقد أكدت حضورك في جلسة الفتح هذه من قبل." in response.get_data(as_text=True)
    assert state(db_session, cast.tender) == once and once[1] == 1


def test_the_service_refuses_a_non_member_even_when_asked_directly(cast, bids, after_deadline, db_session, app, clock):
    import pytest

    from safkat.commission import services
    from safkat.errors import PermissionDenied

    keys, store = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    with pytest.raises(PermissionDenied):
        services.confirm_presence(db_session, cast.tender, cast.outsider, True, keys, store, clock.now())


def test_a_get_of_the_opening_page_opens_nothing(cast, bids, after_deadline, login, db_session):
    before = state(db_session, cast.tender)
    for member in cast.members:
        assert login(member).get(f"/officer/tenders/{cast.tender.id}/opening").status_code == 200
    assert state(db_session, cast.tender) == before


def test_non_members_see_no_opening_button_and_the_dashboard_flags_a_commission_that_did_not_meet(
    cast, bids, login, clock, app
):
    clock.set(cast.tender.submission_deadline_at + timedelta(hours=1))
    manage = login(cast.outsider).get(f"/officer/tenders/{cast.tender.id}?lang=en").get_data(as_text=True)
    assert "Only the members of the commission open the bids." in manage
    dashboard = login(cast.outsider).get("/officer/?lang=en").get_data(as_text=True)
    assert "Commissions that have not met" not in dashboard
    clock.set(cast.tender.submission_deadline_at + timedelta(hours=app.config["COMMISSION_MEETING_DELAY_HOURS"]))
    dashboard = login(cast.outsider).get("/officer/?lang=en").get_data(as_text=True)
    assert "Commissions that have not met" in dashboard and cast.tender.reference in dashboard
