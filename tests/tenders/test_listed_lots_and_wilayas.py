"""A tender's row carries its number of lots and its wilaya codes (migration 0026), kept by
the database's triggers whatever writes the lots and the wilayas, so that a listing
card reads them from the row (``queries.LOTS_COUNT``, ``queries.WILAYAS_JOINED``, issue 16)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from safkat.tenders.models import CODES_SEPARATOR, Lot, Tender, TenderWilaya, tender_wilayas, url_reference_of


def listed(session, tender) -> tuple[int, list[str]]:
    """``tender``'s copies as the database holds them: its lots, its wilaya codes."""
    session.flush()
    row = session.execute(select(Tender.listed_lots, Tender.listed_wilayas).where(Tender.id == tender.id)).one()
    return row.listed_lots, row.listed_wilayas.split(CODES_SEPARATOR) if row.listed_wilayas else []


def test_a_new_tender_lists_its_lots_and_its_wilayas_in_order(db_session, make):
    tender = make.tender(state="open", lots=4, wilayas=["46", "16", "31"])
    assert listed(db_session, tender) == (4, ["16", "31", "46"])
    assert listed(db_session, make.tender(state="draft", lots=0, wilayas=[])) == (0, [])


def test_lots_added_removed_or_moved_are_counted(db_session, make):
    tender, other = make.tender(state="draft", lots=2), make.tender(state="draft", lots=1)
    tender.lots.append(Lot(number=3, title_fr="Lot 3", description=""))
    assert listed(db_session, tender)[0] == 3
    tender.lots.remove(tender.lots[0])  # the ORM deletes an orphan lot
    assert listed(db_session, tender)[0] == 2
    moved = tender.lots[0].id
    db_session.execute(update(Lot).where(Lot.id == moved).values(tender_id=other.id, number=9))
    assert (listed(db_session, tender)[0], listed(db_session, other)[0]) == (1, 2)
    db_session.execute(delete(Lot).where(Lot.tender_id == other.id))
    assert listed(db_session, other)[0] == 0


def test_wilayas_added_removed_or_changed_are_listed(db_session, make):
    tender = make.tender(state="draft", wilayas=["16"])
    tender.wilaya_rows.append(TenderWilaya(wilaya_code="05"))
    assert listed(db_session, tender)[1] == ["05", "16"]
    db_session.execute(
        update(tender_wilayas)
        .where(tender_wilayas.c.tender_id == tender.id, tender_wilayas.c.wilaya_code == "16")
        .values(wilaya_code="31")
    )
    assert listed(db_session, tender)[1] == ["05", "31"]
    db_session.execute(delete(tender_wilayas).where(tender_wilayas.c.tender_id == tender.id))
    assert listed(db_session, tender)[1] == []
    db_session.execute(insert(tender_wilayas).values(tender_id=tender.id, wilaya_code="44"))
    assert listed(db_session, tender)[1] == ["44"]


def test_the_listing_card_shows_the_copies(db_session, make, client):
    tender = make.tender(state="open", lots=2, wilayas=["16"])
    tender.lots.append(Lot(number=3, title_fr="Lot 3", description=""))
    tender.wilaya_rows.append(TenderWilaya(wilaya_code="31"))
    db_session.flush()
    page = client.get("/tenders?lang=fr").get_data(as_text=True)
    start = page.index(f'href="/tenders/{url_reference_of(tender.reference)}"')
    card = page[start : page.index("</article>", start)]
    assert "3\xa0lots" in card and "Alger, Oran" in card
