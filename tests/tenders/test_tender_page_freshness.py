"""A tender's page is never shown stale: browsers revalidate it on every visit."""

from datetime import timedelta


def test_a_visitor_revalidates_the_tender_page_and_sees_an_amendment_at_once(client, make, clock, db_session):
    tender = make.tender(state="open")
    first = client.get(f"/tenders/{tender.url_reference}?lang=en")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] in ("public, max-age=0", "max-age=0, public")
    etag = first.headers["ETag"]
    unchanged = client.get(f"/tenders/{tender.url_reference}?lang=en", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and "max-age=0" in unchanged.headers["Cache-Control"]
    tender.title_fr = "Titre corrigé par avis rectificatif"
    tender.changed_at = clock.now() + timedelta(seconds=1)
    db_session.flush()
    again = client.get(f"/tenders/{tender.url_reference}?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Titre corrigé par avis rectificatif" in again.get_data(as_text=True)
