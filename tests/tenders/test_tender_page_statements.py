"""A tender's page and its API detail cost a few SQL statements, the same for 1 or 6 lots,
documents, amendments and questions (issue 16: the page cost 14, and one more per lot once
the deadline had passed). Each collection is read in one statement; none is lazy-loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for

from safkat.awards import services as awards
from safkat.bids import opening as bid_opening
from safkat.bids.models import TenderKey
from safkat.http_cache import rendered
from safkat.opendata import redflags
from safkat.tenders import detail
from safkat.tenders import services as tenders
from safkat.tenders.models import Amendment, Question, TechnicalCriterion, Tender, TenderDocument
from safkat.web import get_session
from tests.awards.conftest import opened  # noqa: F401  (the fixture)
from tests.awards.test_award_journey import STANDSTILL, evaluate_everything
from tests.bids.helpers import post_bid
from tests.recorded_sql import statements
from tests.tenders.test_page_queries import cost

PAGES = ["/tenders/{}?lang={}", "/api/v1/tenders/{}?lang={}"]
# The tender with what the page says of its bids and its sectors' names; its lots, documents,
# amendments, questions, criteria.
MOST_STATEMENTS = 6


def tender_with(make, db_session, clock, count: int, state: str = "open", **fields):
    """A weighted tender with ``count`` lots, criteria, current documents (and as many
    replaced ones), amendments, answered and unanswered questions."""
    tender = make.tender(state=state, lots=count, **fields)
    officer, asker, now = tender.created_by, make.bidder(), clock.now()
    tender.award_method, tender.technical_weight, tender.financial_weight = "weighted", 60, 40
    tender.criteria = [TechnicalCriterion(position=n, label=f"Critère {n}", max_points=10) for n in range(count)]
    template = tender.documents[0]
    for n in range(1, count):
        old = TenderDocument(
            title=f"Annexe {n}", original_name=f"annexe-{n}.pdf", content_type="application/pdf",
            size_bytes=1000 + n, sha256="ab" * 32, storage_key=f"{template.storage_key}-old-{n}", uploaded_at=now,
        )  # fmt: skip
        new = TenderDocument(
            title=f"Annexe {n} corrigée", original_name=f"annexe-{n}-v2.pdf", content_type="application/pdf",
            size_bytes=2000 + n, sha256="cd" * 32, storage_key=f"{template.storage_key}-new-{n}", uploaded_at=now,
        )  # fmt: skip
        tender.documents += [old, new]
        db_session.flush()
        old.replaced_by_id = new.id
    tender.amendments = [
        Amendment(number=n + 1, kind="clarification", reason=f"Précision {n}", created_at=now, created_by_id=officer.id)
        for n in range(count)
    ]
    tender.questions = [
        Question(
            asked_by_id=asker.id,
            text=f"Question {n} ?",
            asked_at=now,
            answer=f"Réponse {n}." if n % 2 == 0 else None,
            answered_at=now if n % 2 == 0 else None,
        )  # fmt: skip
        for n in range(count)
    ]
    db_session.flush()
    return tender


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("state", ["open", "closed"])
def test_the_cost_does_not_grow_with_lots_documents_amendments_and_questions(
    make, db_session, client, engine, clock, page, state, lang
):
    small, large = tender_with(make, db_session, clock, 1, state), tender_with(make, db_session, clock, 6, state)
    few = cost(engine, client, page.format(small.url_reference, lang))
    many = cost(engine, client, page.format(large.url_reference, lang))
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= MOST_STATEMENTS, "\n".join(many)


def test_what_is_loaded_is_what_the_tender_has(make, db_session, clock, app, engine):
    tender = tender_with(make, db_session, clock, 3)
    with app.test_request_context():
        loaded = detail.load(get_session(), tender.url_reference)
        shown = loaded.tender
        with statements(engine) as lazy_loads:
            assert [lot.number for lot in loaded.lots] == [1, 2, 3]
            assert [c.label for c in loaded.criteria] == ["Critère 0", "Critère 1", "Critère 2"]
            documents = [d.title for d in shown.current_documents]
            assert documents == ["Cahier des charges", "Annexe 1 corrigée", "Annexe 2 corrigée"]
            assert [a.number for a in shown.amendments] == [1, 2, 3]
            assert [q.text for q in shown.questions if q.is_answered] == ["Question 0 ?", "Question 2 ?"]
            assert [s.code for s in loaded.sectors] == ["telecom_networks"] and shown.listed_wilaya_codes == ["31"]
            assert shown.authority.code and shown.lots_count == 3
        assert lazy_loads == []
        assert loaded.key_fingerprint == db_session.get(TenderKey, tender.id).fingerprint
        assert loaded.opened_at is None and not loaded.has_award


def test_the_listed_tender_has_every_column_of_the_tender_with_the_same_values(make, db_session, app):
    """The page and the API read a plain row, not the ORM object (issue 16): every column
    under its own name, with the value and type the ORM gives (aware datetimes, booleans,
    amounts, texts in both languages), and what it shows of the authority."""
    tender = make.tender(state="open", lots=2)
    tender.title_ar, tender.opening_place_ar, tender.execution_days = "صيانة", "وهران", 45
    tender.is_budget_public, tender.national_preference = True, True
    db_session.flush()
    with app.test_request_context():
        shown = detail.load(get_session(), tender.url_reference).tender
    db_session.refresh(tender)  # the values as read from the database (an enum set in Python reads as a str)
    for column in Tender.__table__.c:
        expected, got = getattr(tender, column.key), getattr(shown, column.key)
        assert (got, type(got)) == (expected, type(expected)), column.key
    authority = tender.authority
    assert (shown.authority.code, shown.authority.name("fr"), shown.authority.name("ar")) == (
        authority.code,
        authority.name_fr,
        authority.name_ar,
    )
    assert (shown.title("ar"), shown.url_reference, shown.lots_count) == (tender.title("ar"), tender.url_reference, 2)
    assert shown.listed_wilaya_codes == tender.wilaya_codes
    assert shown.listed_sector_codes == sorted(sector.code for sector in tender.sectors)


def test_a_tender_with_nothing_beside_it_reads_no_empty_collection(make, db_session, client, engine):
    bare = make.tender(state="open", lots=1, sectors=[])
    db_session.delete(bare.documents[0])
    db_session.flush()
    seen = cost(engine, client, f"/tenders/{bare.url_reference}")
    assert len(seen) == 1, "\n".join(seen)  # the tender, its lot with it


def test_lots_and_criteria_read_with_the_tender_are_the_tender_s_own(make, db_session, app):
    """The lots and criteria come with the tender as JSON (issue 16): every field with its
    type (a missing amount, a reserved lot, Arabic, quotes), in number and position order,
    also past 9 (not sorted as text)."""
    tender = make.tender(state="open", lots=11)
    tender.lots[0].estimated_amount, tender.lots[0].is_reserved = None, True
    tender.lots[10].title_ar, tender.lots[10].description = 'الحصة "11"', "Ligne 1\nLigne 2 — l'été"
    tender.award_method, tender.technical_weight, tender.financial_weight = "weighted", 60, 40
    tender.criteria = [
        TechnicalCriterion(position=n, label=f"Critère {n}", label_ar="معيار", max_points=5) for n in (10, 2)
    ]
    db_session.flush()
    lot_fields = ("number", "title_fr", "title_ar", "description", "estimated_amount", "is_reserved")
    expected_lots = [
        tuple(getattr(lot, name) for name in lot_fields) for lot in sorted(tender.lots, key=lambda lot: lot.number)
    ]
    with app.test_request_context():
        loaded = detail.load(get_session(), tender.url_reference)
    assert [tuple(getattr(lot, name) for name in lot_fields) for lot in loaded.lots] == expected_lots
    assert [type(lot.is_reserved) for lot in loaded.lots] == [bool] * 11
    criteria = [(c.position, c.label, c.label_ar, c.max_points) for c in loaded.criteria]
    assert criteria == [(2, "Critère 2", "معيار", 5), (10, "Critère 10", "معيار", 5)]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_sectors_are_named_from_the_tender_s_own_statement(make, db_session, client, engine, lang):
    """The sectors' names come with the tender (issue 16): every sector, by code, in the
    page's language, and no statement reads the sectors on their own."""
    sectors = [make.sector("telecom_networks"), make.sector("civil_works")]
    tender = make.tender(state="open", sectors=sectors)
    seen = cost(engine, client, f"/tenders/{tender.url_reference}?lang={lang}")
    assert not [statement for statement in seen if statement.startswith("SELECT sectors.")], "\n".join(seen)
    html = client.get(f"/tenders/{tender.url_reference}?lang={lang}").get_data(as_text=True)
    civil, telecom = (sector.name(lang) for sector in reversed(sectors))
    assert f"<dd>{civil}, {telecom}</dd>" in html


@pytest.mark.parametrize("page", PAGES)
def test_a_deleted_tender_or_an_unknown_reference_is_not_found(make, db_session, client, page):
    deleted = make.tender(state="open")
    deleted.status = "deleted"
    db_session.flush()
    assert client.get(page.format(deleted.url_reference, "fr")).status_code == 404
    assert client.get(page.format("NOPE-2026-0001", "fr")).status_code == 404


def _flags(app, tender):
    with app.test_request_context():
        return [flag.code for flag in detail.load(get_session(), tender.url_reference).red_flags(15)]


def test_an_awarded_tender_and_its_red_flags(app, make, db_session, client, engine, opened, clock):  # noqa: F811
    """An award costs a few statements more (fixed), and the flags are those read on their own."""
    tender, officer, _firms = opened  # 2 lots, bids opened, nothing awarded yet
    tender.lots[1].estimated_amount = 1_600_000_00  # firm A's 2,000,000 is 125 % of it
    page = f"/tenders/{tender.url_reference}"
    before = cost(engine, client, page)
    assert len(before) <= MOST_STATEMENTS, "\n".join(before)
    assert "Read the opening minutes" in client.get(page + "?lang=en").get_data(as_text=True)
    assert _flags(app, tender) == [flag.code for flag in redflags.for_tender(db_session, tender)] == []

    evaluate_everything(db_session, tender, officer, make.officer(authority=officer.authority), clock.now())
    awards.publish_provisional_award(db_session, tender, officer, clock.now(), STANDSTILL)
    expected = [flag.code for flag in redflags.for_tender(db_session, tender)]
    assert expected == ["abnormally_low_winner", "above_estimate"] and _flags(app, tender) == expected
    html = client.get(page + "?lang=en").get_data(as_text=True)
    assert "Read the award notice" in html and "Award far above the estimate" in html
    rendered.clear()  # the page again, rendered (not from the page cache)
    after = cost(engine, client, page)
    # + the standing awards (red flags), and the award links' own three (notice, report, decisions)
    assert len(after) <= MOST_STATEMENTS + 4, "\n".join(after)


def test_a_late_extension_and_a_short_period_are_read_from_what_was_loaded(app, make, db_session, clock):
    now, day = clock.now(), timedelta(days=1)
    tender = make.tender(
        state="open", published_at=now - 3 * day, enquiry_deadline_at=now + day / 2, submission_deadline_at=now + day
    )  # fmt: skip
    tenders.amend(db_session, tender, tender.created_by, reason="Plus de temps", now=now, new_deadline=now + 2 * day)
    expected = [flag.code for flag in redflags.for_tender(db_session, tender)]
    assert expected == ["short_period", "late_extension"] and _flags(app, tender) == expected


def test_a_single_bid_is_read_from_what_was_loaded(app, make, login, db_session, client, clock):
    officer = make.officer()
    tender = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
    firm = make.bidder(enterprise=make.enterprise(status="verified"))
    assert post_bid(login(firm), tender).status_code == 302
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    make.hand_in_shares(tender)
    keys, files = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    bid_opening.open_bids(db_session, tender, officer, keys, files, clock.now())
    assert _flags(app, tender) == [flag.code for flag in redflags.for_tender(db_session, tender)] == ["single_bid"]
    assert "Single bid" in client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)


def test_the_key_fingerprint_and_the_bid_button_still_show(make, db_session, client, login):
    tender = make.tender(state="open")
    firm = make.bidder(enterprise=make.enterprise(status="verified"))
    html = login(firm).get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "Prepare or submit my bid" in html and "Send the question" in html
    assert f'<code dir="ltr">{db_session.get(TenderKey, tender.id).fingerprint}</code>' in html
    anonymous = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "Log in to submit a bid" in anonymous and "Log in to ask a question" in anonymous


def test_the_page_s_own_links_are_its_routes(app, make, db_session, clock, login):
    """The page writes its documents' links and its question form's action from the
    tender's path (issue 16): each must be what ``url_for`` gives for its route."""
    from flask import url_for

    tender = tender_with(make, db_session, clock, 2)
    html = login(make.bidder()).get(f"/tenders/{tender.url_reference}").get_data(as_text=True)
    with app.test_request_context():
        links = [
            url_for("tenders.download_document", url_reference=tender.url_reference, document_id=document.id)
            for document in tender.current_documents
        ]
        action = url_for("tenders.ask_question", url_reference=tender.url_reference)
    assert len(links) == 2 and all(f'href="{link}"' in html for link in links)
    assert f'action="{action}"' in html


def test_the_links_written_from_the_tender_s_path_are_its_routes_own(make, app, client):
    """The page writes the links of its notices and documents from the tender's path rather
    than one ``url_for`` each (issue 16): they must stay what the routes build, under a
    prefix (``SCRIPT_NAME``) too."""
    tender = make.tender(state="open")
    document = tender.current_documents[0]
    for root in ("", "/marches"):
        base_url = f"http://localhost{root}"
        html = client.get(f"/tenders/{tender.url_reference}", base_url=base_url).get_data(as_text=True)
        with app.test_request_context(base_url=base_url):
            links = [
                url_for("documents.tender_notice", url_reference=tender.url_reference, edition=edition)
                for edition in ("fr", "ar")
            ]
            links.append(
                url_for("tenders.download_document", url_reference=tender.url_reference, document_id=document.id)
            )
            links.append(url_for("stats.show_dashboard", _anchor="red-flags"))
        for link in links:
            assert f'href="{link}"' in html, link
        assert links[0].startswith(f"{root}/tenders/")
