"""Officers draft, publish, amend, answer and cancel; the rules hold at every step."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.tenders.models import Amendment, Tender, TenderDocument

PDF = b"%PDF-1.7\nspecifications\n%%EOF\n"


def local(dt):
    """The datetime-local text an officer types, in Algiers time (UTC+1)."""
    return (dt + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def draft_form(clock, make, **overrides):
    now = clock.now()
    data = {
        "title_fr": "Raccordement FTTH du quartier El Menzah",
        "title_ar": "ربط حي المنزه بالألياف البصرية",
        "description_fr": "Travaux de **génie civil** et tirage de fibre.",
        "category": "works",
        "procedure": "open",
        "wilayas": ["31"],
        "sectors": [str(make.sector("telecom_networks").id)],
        "estimated_budget": "12500000.50",
        "is_budget_public": "y",
        "enquiry_deadline": local(now + timedelta(days=15)),
        "submission_deadline": local(now + timedelta(days=21)),
        "opening_at": local(now + timedelta(days=21, hours=2)),
        "opening_place": "Siège de la direction, Oran",
        "bid_validity_days": "90",
        "award_method": "lowest_price",
        "technical_weight": "0",
        "financial_weight": "100",
        "criteria": "",
        "requires_technical_offer": "y",
        "required_documents": "Extrait du RC\nAttestation ANADE",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(make):
    return make.officer(authority=make.authority(code="AT-ORN"))


def create_ready_draft(client, clock, make, **overrides) -> Tender:
    response = client.post("/officer/tenders/new", data=draft_form(clock, make, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    tender_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert (
        client.post(
            f"/officer/tenders/{tender_id}/lots",
            data={"title_fr": "Génie civil", "estimated_amount": "8000000", "is_reserved": "y"},
        ).status_code
        == 302
    )
    assert client.post(f"/officer/tenders/{tender_id}/lots", data={"title_fr": "Tirage de câbles"}).status_code == 302
    response = client.post(
        f"/officer/tenders/{tender_id}/documents",
        data={"title": "Cahier des charges", "file": (io.BytesIO(PDF), "cdc.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    creator = make.session.get(Tender, tender_id).created_by
    members = [creator] + [make.officer(authority=creator.authority) for _ in range(2)]
    for member in members:  # each made their opening key on their side: publication seals to them
        make.opening_key(member)
    commission = {"members": [member.id for member in members], "chair": creator.id, "quorum": 2}
    assert client.post(f"/officer/tenders/{tender_id}/commission", data=commission).status_code == 302
    return tender_id


def test_draft_publish_and_reference(login, officer, make, clock, db_session, client):
    officer_client = login(officer)
    tender_id = create_ready_draft(officer_client, clock, make)
    tender = db_session.get(Tender, tender_id)
    assert tender.status == "draft" and tender.reference is None
    assert tender.estimated_budget == 1_250_000_050  # centimes
    assert tender.submission_deadline_at == clock.now() + timedelta(days=21)  # typed in Algiers time
    assert [lot.number for lot in tender.lots] == [1, 2] and tender.has_reserved_lot
    assert client.get("/tenders").get_data(as_text=True).count("El Menzah") == 0  # drafts are private

    assert officer_client.post(f"/officer/tenders/{tender_id}/publish", data={}).status_code == 302
    db_session.refresh(tender)
    assert tender.status == "published"
    assert tender.reference == f"AT-ORN/{clock.now().year}/0001"
    page = client.get(f"/tenders/{tender.url_reference}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "El Menzah" in html and "<strong>génie civil</strong>" in html
    assert tender.documents[0].sha256 in html
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(tender_id))).all()
    assert "tender.published" in actions


def test_references_follow_each_other_and_are_never_reused(login, officer, make, clock, db_session):
    client = login(officer)
    ids = [create_ready_draft(client, clock, make) for _ in range(3)]
    client.post(f"/officer/tenders/{ids[0]}/publish", data={})
    client.post(f"/officer/tenders/{ids[1]}/delete", data={})
    client.post(f"/officer/tenders/{ids[2]}/publish", data={})
    references = [db_session.get(Tender, i).reference for i in ids]
    year = clock.now().year
    assert references == [f"AT-ORN/{year}/0001", None, f"AT-ORN/{year}/0002"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"submission_deadline": "2020-01-01T10:00"}, "legal minimum of days"),
        ({"enquiry_deadline": "2099-01-01T10:00"}, "before the submission deadline"),
        ({"opening_at": "2020-01-01T10:00"}, "opening cannot come before"),
        ({"wilayas": []}, "at least one wilaya"),
    ],
)
def test_publication_refuses_incomplete_or_incoherent_drafts(
    login, officer, make, clock, db_session, overrides, message
):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make, **overrides)
    response = client.post(f"/officer/tenders/{tender_id}/publish?lang=en", data={})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    tender = db_session.get(Tender, tender_id)
    assert tender.status == "draft" and tender.reference is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "award_method": "weighted",
                "technical_weight": "60",
                "financial_weight": "30",
                "criteria": "Méthode ; 60",
            },
            "must add up to 100",
        ),
        (
            {"award_method": "weighted", "technical_weight": "60", "financial_weight": "40", "criteria": "sans points"},
            "label ; points",
        ),
        ({"estimated_budget": "-5"}, "Number must be between 0"),
        ({"title_fr": ""}, "This field is required"),
        ({"bid_validity_days": "0"}, "between 1 and 365"),
        ({"execution_days": "0"}, "between 1 and 3660"),
    ],
)
def test_invalid_draft_is_refused_and_nothing_saved(login, officer, make, clock, db_session, overrides, message):
    before = db_session.scalar(select(func.count()).select_from(Tender))
    response = login(officer).post("/officer/tenders/new?lang=en", data=draft_form(clock, make, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Tender)) == before


def test_script_in_description_is_neutralised(login, officer, make, clock, client, db_session):
    officer_client = login(officer)
    tender_id = create_ready_draft(
        officer_client, clock, make, description_fr="Bonjour <script>alert('x')</script> [lien](javascript:alert(1))"
    )
    officer_client.post(f"/officer/tenders/{tender_id}/publish", data={})
    tender = db_session.get(Tender, tender_id)
    html = client.get(f"/tenders/{tender.url_reference}").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html


def test_upload_of_forbidden_type_is_refused(login, officer, make, clock, db_session):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make)
    response = client.post(
        f"/officer/tenders/{tender_id}/documents?lang=en",
        data={"title": "Virus", "file": (io.BytesIO(b"<html><script>x</script>"), "plans.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This type of file is not accepted" in response.get_data(as_text=True)
    assert (
        db_session.scalar(select(func.count()).select_from(TenderDocument).where(TenderDocument.tender_id == tender_id))
        == 1
    )


def test_upload_over_the_limit_is_refused(login, officer, make, clock, app):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make)
    app.config["TENDER_UPLOAD_MAX_BYTES"] = 100
    try:
        response = client.post(
            f"/officer/tenders/{tender_id}/documents?lang=en",
            data={"title": "Gros plan", "file": (io.BytesIO(b"%PDF-1.7\n" + b"x" * 500), "plan.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["TENDER_UPLOAD_MAX_BYTES"] = 50 * 1024 * 1024
    assert response.status_code == 422 and "too large" in response.get_data(as_text=True)


def test_officer_of_another_authority_cannot_touch_the_tender(login, officer, make, clock):
    tender_id = create_ready_draft(login(officer), clock, make)
    intruder = login(make.officer(authority=make.authority(code="AP-ALG")))
    assert intruder.get(f"/officer/tenders/{tender_id}").status_code == 403
    assert intruder.post(f"/officer/tenders/{tender_id}/edit", data=draft_form(clock, make)).status_code == 403
    assert intruder.post(f"/officer/tenders/{tender_id}/publish", data={}).status_code == 403
    assert login(make.bidder()).get("/officer/").status_code == 403
    assert login(make.admin()).get(f"/officer/tenders/{tender_id}").status_code == 403


def test_published_tender_cannot_be_edited(login, officer, make, clock, db_session):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make)
    client.post(f"/officer/tenders/{tender_id}/publish", data={})
    response = client.post(f"/officer/tenders/{tender_id}/edit?lang=en", data=draft_form(clock, make, title_fr="X"))
    assert response.status_code == 422
    assert db_session.get(Tender, tender_id).title_fr != "X"


@pytest.fixture
def published(login, officer, make, clock, db_session):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make)
    client.post(f"/officer/tenders/{tender_id}/publish", data={})
    return db_session.get(Tender, tender_id)


def test_extension_notifies_every_downloader(login, officer, make, clock, db_session, published, mailbox):
    downloader = make.bidder(locale="ar")
    bidder_client = login(downloader)
    document = published.current_documents[0]
    assert bidder_client.get(f"/tenders/{published.url_reference}/documents/{document.id}").data == PDF
    db_session.refresh(document)
    assert document.download_count == 1
    old = published.submission_deadline_at
    response = login(officer).post(
        f"/officer/tenders/{published.id}/amend",
        data={"reason": "Report à la demande des soumissionnaires", "new_deadline": local(old + timedelta(days=7))},
    )
    assert response.status_code == 302
    db_session.refresh(published)
    assert published.submission_deadline_at == old + timedelta(days=7)
    amendment = db_session.scalar(select(Amendment).where(Amendment.tender_id == published.id))
    assert (amendment.kind, amendment.old_deadline_at) == ("deadline_extension", old)
    assert [m["To"] for m in mailbox.sent] == [downloader.email]
    assert mailbox.sent[0]["Content-Language"] == "ar"
    assert "Report à la demande" in bidder_client.get(f"/tenders/{published.url_reference}").get_data(as_text=True)


def test_deadline_is_never_shortened(login, officer, published, db_session):
    old = published.submission_deadline_at
    response = login(officer).post(
        f"/officer/tenders/{published.id}/amend?lang=en",
        data={"reason": "Plus tôt", "new_deadline": local(old - timedelta(days=1))},
    )
    assert response.status_code == 422
    assert "never shortened" in response.get_data(as_text=True)
    db_session.refresh(published)
    assert published.submission_deadline_at == old and published.amendments == []


def test_amendment_replaces_a_document(login, officer, published, db_session, client):
    old_document = published.current_documents[0]
    response = login(officer).post(
        f"/officer/tenders/{published.id}/amend",
        data={
            "reason": "Cahier des charges corrigé",
            "document_title": "Cahier des charges v2",
            "document": (io.BytesIO(PDF + b"v2"), "cdc-v2.pdf"),
            "replaces": str(old_document.id),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert [d.title for d in published.current_documents] == ["Cahier des charges v2"]
    assert published.amendments[0].kind == "documents"


def test_questions_until_the_enquiry_deadline_and_anonymous_answers(
    login, officer, make, published, clock, db_session, client
):
    asker = make.bidder(full_name="Yacine Secret")
    asker_client = login(asker)
    url = f"/tenders/{published.url_reference}"
    assert (
        asker_client.post(f"{url}/questions", data={"text": "Le lot 2 inclut-il le raccordement ?"}).status_code == 302
    )
    question = published.questions[0]
    response = login(officer).post(
        f"/officer/tenders/{published.id}/questions/{question.id}/answer", data={"answer": "Oui, jusqu'au boîtier."}
    )
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Oui, jusqu&#39;au boîtier." in html and "Yacine Secret" not in html and asker.email not in html

    clock.set(published.enquiry_deadline_at + timedelta(seconds=1))
    asker_client = login(asker)  # days later: the first session has timed out
    response = asker_client.post(f"{url}/questions?lang=en", data={"text": "Trop tard ?"}, follow_redirects=True)
    assert "questions are closed" in response.get_data(as_text=True)
    assert len(published.questions) == 1


def test_public_and_officers_cannot_ask_questions(client, login, officer, published):
    url = f"/tenders/{published.url_reference}/questions"
    assert client.post(url, data={"text": "?"}).status_code == 302  # to the login page
    assert login(officer).post(url, data={"text": "?"}).status_code == 403


def test_cancellation_with_public_reason(login, officer, make, published, db_session, client, mailbox):
    downloader = make.bidder()
    login(downloader).get(f"/tenders/{published.url_reference}/documents/{published.current_documents[0].id}")
    officer_client = login(officer)
    assert officer_client.post(f"/officer/tenders/{published.id}/cancel", data={"reason": " "}).status_code == 422
    assert (
        officer_client.post(f"/officer/tenders/{published.id}/cancel", data={"reason": "Budget retiré"}).status_code
        == 302
    )
    db_session.refresh(published)
    assert published.status == "cancelled"
    assert "Budget retiré" in client.get(f"/tenders/{published.url_reference}").get_data(as_text=True)
    assert [m["To"] for m in mailbox.sent] == [downloader.email]
    response = officer_client.post(f"/officer/tenders/{published.id}/cancel?lang=en", data={"reason": "Encore"})
    assert response.status_code == 422  # cancelled is final


def test_dashboard_lists_states_deadlines_and_waiting_questions(login, officer, make, published):
    make.tender(state="closed", authority=officer.authority, title_fr="Ancien appel fermé")
    login(make.bidder()).post(f"/tenders/{published.url_reference}/questions", data={"text": "Question en attente"})
    html = login(officer).get("/officer/?lang=en").get_data(as_text=True)
    assert "Question en attente" in html and "Ancien appel fermé" in html and published.reference in html


def test_control_characters_are_removed_from_text(login, officer, make, clock, db_session):
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make, title_fr="Titre\x00 avec\x07 contrôles")
    assert db_session.get(Tender, tender_id).title_fr == "Titre avec contrôles"


def test_manage_page_title_is_only_the_title(login, officer, published):
    html = login(officer).get(f"/officer/tenders/{published.id}").get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<section>" not in title and published.title_fr in title


def test_the_execution_period_is_kept_and_shown(login, officer, make, clock, client, db_session):
    tender_id = create_ready_draft(login(officer), clock, make, execution_days="120")
    tender = db_session.get(Tender, tender_id)
    assert tender.execution_days == 120
    without = create_ready_draft(login(officer), clock, make)
    assert db_session.get(Tender, without).execution_days is None
