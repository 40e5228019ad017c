"""Naming the commission: while drafting, with clear errors; after publication only by amendment."""

import re
from datetime import timedelta

from sqlalchemy import select

from safkat.audit import AuditEvent
from safkat.commission.models import Commission
from safkat.tenders.models import Amendment


def _post(client, tender, members, chair, quorum, **extra):
    data = {"members": [m.id for m in members], "chair": chair.id if chair else 0, "quorum": quorum, **extra}
    return client.post(f"/officer/tenders/{tender.id}/commission?lang=fr", data=data)


def test_a_draft_names_its_commission_and_shows_it(make, login, db_session):
    authority = make.authority(commission_quorum=3)
    officers = [make.officer(authority=authority, full_name=f"Agent {n}") for n in range(4)]
    tender = make.tender(state="draft", authority=authority, created_by=officers[0], commission=officers[:3])
    client = login(officers[0])
    page = client.get(f"/officer/tenders/{tender.id}/commission").get_data(as_text=True)
    assert "Agent 3" in page  # every officer of the authority may be chosen
    response = _post(client, tender, officers[1:], officers[2], 3)
    assert response.status_code == 302
    db_session.expire_all()
    commission = db_session.get(Commission, tender.id)
    assert {m.user_id for m in commission.members} == {o.id for o in officers[1:]}
    assert commission.chair.user_id == officers[2].id and commission.quorum == 3
    manage = client.get(f"/officer/tenders/{tender.id}?lang=en").get_data(as_text=True)
    assert "Agent 2 (chair)" in manage and "Quorum: 3 of 3 members." in manage
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "commission.named")).all()[-1]
    assert "Agent 2" in event.details


def test_the_form_proposes_the_authoritys_quorum(make, login):
    authority = make.authority(commission_quorum=3)
    officer = make.officer(authority=authority)
    tender = make.tender(state="draft", authority=authority, created_by=officer, commission=False)
    page = login(officer).get(f"/officer/tenders/{tender.id}/commission").get_data(as_text=True)
    [quorum] = re.findall(r'<input[^>]*name="quorum"[^>]*>', page)
    assert 'value="3"' in quorum


def test_bad_commissions_are_refused_with_translated_errors_and_nothing_changes(make, login, db_session):
    authority = make.authority()
    officers = [make.officer(authority=authority) for _ in range(4)]
    stranger = make.officer()
    tender = make.tender(state="draft", authority=authority, created_by=officers[0], commission=officers[:3])
    client = login(officers[0])
    cases = [
        ((officers[:2], officers[0], 2), "Choisissez au moins 3 membres."),
        ((officers[:3], officers[3], 2), "Le président doit être l'un des membres."),
        ((officers[:3], officers[0], 1), "Entre 2 et le nombre de membres (3)."),
        ((officers[:3], officers[0], 4), "Entre 2 et le nombre de membres (3)."),
    ]
    for (members, chair, quorum), message in cases:
        response = _post(client, tender, members, chair, quorum)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    response = _post(client, tender, [*officers[:2], stranger], officers[0], 2)
    assert response.status_code == 422  # an officer of another authority is not even a choice
    db_session.expire_all()
    commission = db_session.get(Commission, tender.id)
    assert {m.user_id for m in commission.members} == {o.id for o in officers[:3]}


def test_publication_needs_a_commission(make, login, db_session):
    officer = make.officer()
    tender = make.tender(state="draft", authority=officer.authority, created_by=officer, commission=[officer])
    page = login(officer).get(f"/officer/tenders/{tender.id}?lang=en").get_data(as_text=True)
    assert "Name the commission: at least three officers, one of them its chair." in page


def test_after_publication_the_commission_changes_only_by_amendment_before_the_deadline(
    cast, login, db_session, clock, make
):
    client = login(cast.chair)
    replacement = [cast.members[0], cast.members[1], cast.outsider]
    response = _post(client, cast.tender, replacement, cast.chair, 2)
    assert response.status_code == 422
    assert "donnez-en la raison" in response.get_data(as_text=True)
    # the tender's key moves to the new commission: each new member needs an opening key
    response = _post(client, cast.tender, replacement, cast.chair, 2, reason="M. Haddad est muté.")
    assert response.status_code == 422 and "Yacine Outsider" in response.get_data(as_text=True)
    assert db_session.scalar(select(Amendment).where(Amendment.tender_id == cast.tender.id)) is None
    make.opening_key(cast.outsider)
    assert _post(client, cast.tender, replacement, cast.chair, 2, reason="M. Haddad est muté.").status_code == 302
    db_session.expire_all()
    amendment = db_session.scalar(select(Amendment).where(Amendment.tender_id == cast.tender.id))
    assert (amendment.kind, amendment.reason) == ("commission", "M. Haddad est muté.")
    assert cast.outsider.id in {m.user_id for m in db_session.get(Commission, cast.tender.id).members}
    clock.set(cast.tender.submission_deadline_at + timedelta(seconds=1))
    response = _post(login(cast.chair), cast.tender, cast.members, cast.chair, 2, reason="Retour")
    assert response.status_code == 422 and "la date limite" in response.get_data(as_text=True)
    db_session.expire_all()
    assert cast.outsider.id in {m.user_id for m in db_session.get(Commission, cast.tender.id).members}


def test_the_notice_prints_the_commission(cast, client):
    from safkat.documents.values import tender_notice_values

    values = tender_notice_values(cast.tender, "fr")
    assert values["commission"]["members"][0] == {"name": "Karim Benali", "is_chair": True}
    assert values["commission"]["quorum"] == 2


def test_only_the_authoritys_officers_name_it(cast, login):
    for user in (cast.other_authority, cast.firm):
        assert login(user).get(f"/officer/tenders/{cast.tender.id}/commission").status_code == 403


def test_a_tender_published_before_commissions_existed_gets_one_after_its_deadline(make, login, db_session, clock):
    """Without this, nobody could ever open the bids of a tender published before the change."""
    authority = make.authority()
    officers = [make.officer(authority=authority) for _ in range(3)]
    tender = make.tender(state="open", authority=authority, created_by=officers[0], commission=False, lots=1)
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    client = login(officers[0])
    assert f'href="/officer/tenders/{tender.id}/commission"' in client.get(f"/officer/tenders/{tender.id}").get_data(
        as_text=True
    ), "the officer's page leads to the naming"
    response = _post(client, tender, officers, officers[0], 2)
    assert response.status_code == 422 and db_session.get(Commission, tender.id) is None, "a reason is still asked"
    assert (
        _post(client, tender, officers, officers[0], 2, reason="Appel publié avant les commissions.").status_code == 302
    )
    db_session.expire_all()
    assert {m.user_id for m in db_session.get(Commission, tender.id).members} == {o.id for o in officers}
    amendment = db_session.scalar(select(Amendment).where(Amendment.tender_id == tender.id))
    assert amendment.kind == "commission"
    assert f"/officer/tenders/{tender.id}/commission" not in client.get(f"/officer/tenders/{tender.id}").get_data(
        as_text=True
    ), "once named, no more changes after the deadline"
