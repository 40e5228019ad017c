"""A tender's wilaya rows carry its status, category and deadline (migration 0024), kept by
the database's triggers whatever writes the tender, so that a filter by wilaya lists its
open tenders from one index (``queries._open_in_wilaya``, issue 16)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from safkat.tenders import counts, queries
from safkat.tenders.models import Tender, TenderWilaya, tender_wilayas
from safkat.tenders.queries import TenderFilters
from tests.conftest import is_postgresql
from tests.recorded_sql import statements

COPIED = (tender_wilayas.c.status, tender_wilayas.c.category, tender_wilayas.c.submission_deadline_at)


def copies(session, tender) -> dict[str, tuple]:
    """Each wilaya row of ``tender``, as the database holds it: code → (status, category, deadline)."""
    session.flush()
    rows = session.execute(select(tender_wilayas.c.wilaya_code, *COPIED).where(tender_wilayas.c.tender_id == tender.id))
    return {row.wilaya_code: tuple(row[1:]) for row in rows}


def own(tender) -> tuple:
    return tender.status, tender.category, tender.submission_deadline_at


def test_new_rows_copy_their_tender(db_session, make):
    tender = make.tender(state="open", wilayas=["16", "31"], category="services")
    assert copies(db_session, tender) == {"16": own(tender), "31": own(tender)}


def test_a_change_of_the_tender_reaches_its_rows(db_session, make, clock):
    tender = make.tender(state="open", wilayas=["16", "31"])
    tender.submission_deadline_at = clock.now() + timedelta(days=40)  # an extension
    tender.category = "supplies"
    assert copies(db_session, tender) == {"16": own(tender), "31": own(tender)}
    tender.status = "cancelled"
    assert set(copies(db_session, tender).values()) == {own(tender)}


def test_a_statement_that_bypasses_the_orm_reaches_the_rows_too(db_session, make):
    tender = make.tender(state="open", wilayas=["05"])
    db_session.execute(update(Tender).where(Tender.id == tender.id).values(status="awarded", category="studies"))
    db_session.expire(tender)
    assert copies(db_session, tender) == {"05": own(tender)}
    assert tender.status == "awarded"


def test_a_wilaya_added_later_copies_the_tender_as_it_is_then(db_session, make, clock):
    tender = make.tender(state="open", wilayas=["16"])
    tender.submission_deadline_at = clock.now() + timedelta(days=9)
    db_session.flush()
    tender.wilaya_rows.append(TenderWilaya(wilaya_code="44"))
    assert copies(db_session, tender)["44"] == own(tender)


def open_page(session, now, **args) -> list[int]:
    counts.remembered.clear()
    page = queries.listing_page(session, TenderFilters.from_args(args), now, 1, load=lambda _s, ids: ids)
    return page.items


def test_the_wilaya_page_follows_changes_made_after_publication(db_session, make, clock):
    """Open tenders of a wilaya, nearest deadline first; a cancelled one leaves the open
    part, an extended one moves, one moved to another category leaves that filter."""
    now = clock.now()
    first, second, third = (
        make.tender(state="open", wilayas=["16"], submission_deadline_at=now + timedelta(days=days))
        for days in (5, 10, 15)
    )
    make.tender(state="open", wilayas=["31"], submission_deadline_at=now + timedelta(days=1))  # another wilaya
    assert open_page(db_session, now, wilaya="16", status="open") == [first.id, second.id, third.id]

    first.submission_deadline_at = now + timedelta(days=20)
    second.status = "cancelled"
    third.category = "supplies"
    db_session.flush()
    assert open_page(db_session, now, wilaya="16", status="open") == [third.id, first.id]
    assert open_page(db_session, now, wilaya="16", category="works", status="open") == [first.id]
    assert open_page(db_session, now, wilaya="16", category="supplies", status="open") == [third.id]
    # The default order still puts the others (the cancelled one) after the open ones.
    assert open_page(db_session, now, wilaya="16") == [third.id, first.id, second.id]


def test_a_passed_deadline_leaves_the_open_part_without_any_write(db_session, make, clock):
    now = clock.now()
    soon = make.tender(state="open", wilayas=["16"], submission_deadline_at=now + timedelta(hours=1))
    later = make.tender(state="open", wilayas=["16"], submission_deadline_at=now + timedelta(days=3))
    assert open_page(db_session, now, wilaya="16", status="open") == [soon.id, later.id]
    assert open_page(db_session, now + timedelta(hours=2), wilaya="16", status="open") == [later.id]


def test_a_wilayas_count_read_from_its_rows_counts_its_public_tenders(db_session, make, clock):
    """A wilaya alone (and a category) is counted from its rows' copies (``queries._counted``):
    a cancelled tender still counts, a deleted or draft one does not, another category not."""
    now = clock.now()
    kept = [make.tender(state=state, wilayas=["16"], category="works") for state in ("open", "closed", "cancelled")]
    hidden = [make.tender(state="open", wilayas=["16"], category="works") for _ in range(2)]
    make.tender(state="open", wilayas=["16"], category="services")
    db_session.execute(update(Tender).where(Tender.id == hidden[0].id).values(status="deleted"))
    db_session.execute(update(Tender).where(Tender.id == hidden[1].id).values(status="draft"))
    counts.remembered.clear()
    page = queries.listing_page(db_session, TenderFilters(wilaya="16", category="works"), now, 1)
    assert (page.total, page.is_exact) == (len(kept), True)
    assert sorted(t.id for t in page.items) == sorted(t.id for t in kept)
    counts.remembered.clear()
    assert queries.listing_page(db_session, TenderFilters(wilaya="16"), now, 1).total == len(kept) + 1


def test_a_wilayas_tenders_that_are_not_open_are_found_from_its_rows(db_session, engine, make, clock):
    """On PostgreSQL the others of a wilaya × category (after its open tenders) are read
    from its rows' copies (``queries._others_in_wilaya``): checking each tender of the
    wilaya on its own row cost half the mix's database time (issue 16). SQLite walks."""
    now = clock.now()
    opened = make.tender(state="open", wilayas=["44"], category="studies")
    closed = [make.tender(state=state, wilayas=["44"], category="studies") for state in ("closed", "cancelled")]
    make.tender(state="closed", wilayas=["44"], category="works")
    make.tender(state="closed", wilayas=["16"], category="studies")
    with statements(engine) as seen:
        page = queries.listing_page(db_session, TenderFilters(wilaya="44", category="studies"), now, 1)
    newest_first = sorted(closed, key=lambda t: (t.published_at, t.id), reverse=True)
    assert [t.id for t in page.items] == [opened.id] + [t.id for t in newest_first]
    others = [statement for statement in seen if "DESC" in statement]
    assert others and ("tender_wilayas.category =" in others[0]) is is_postgresql()
