"""Enterprise self-registration and e-mail verification, through the web client."""

import pytest
from sqlalchemy import func, select

from safkat.accounts.models import Enterprise, User
from safkat.audit import AuditEvent
from tests.conftest import find_link


def form(make, **overrides):
    sector = make.sector("telecom_networks")
    data = {
        "company_name": "Fibre Ouest SARL",
        "legal_form": "sarl",
        "nif": "000312345678901",
        "nis": "198431010012345",
        "rc_number": "31/00-1234567 B 20",
        "artisan_card": "",
        "support_scheme": "anade",
        "attestation_number": "ANADE/31/2024/118",
        "wilaya_code": "31",
        "sectors": [str(sector.id)],
        "address": "12 boulevard de l'ALN, Oran",
        "phone": "0550 12 34 56",
        "contact_person": "Amine Bouzid",
        "email": "Amine@Fibre-Ouest.dz",
        "password": "un mot de passe solide",
        "password_confirm": "un mot de passe solide",
    }
    data.update(overrides)
    return data


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_registration_creates_enterprise_and_owner_and_mails_at_once(client, make, db_session, mailbox):
    response = client.post("/register?lang=en", data=form(make))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify-email")

    user = db_session.scalar(select(User).where(User.email == "amine@fibre-ouest.dz"))
    assert user.password_hash.startswith("$argon2id$")
    assert user.is_enterprise_owner and user.enterprise.status == "registered"
    assert user.enterprise.nif == "000312345678901"
    assert user.email_verified_at is None
    assert [m["To"] for m in mailbox.sent] == ["amine@fibre-ouest.dz"]  # sent at once, not by a later cron
    assert db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == "enterprise.registered"

    page = client.get("/verify-email?lang=en").get_data(as_text=True)
    assert "We have sent an e-mail to the address you gave" in page


def test_verification_link_confirms_the_address(client, make, db_session, mailbox):
    client.post("/register", data=form(make))
    link = find_link(mailbox.sent[0].get_content())
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = db_session.scalar(select(User).where(User.email == "amine@fibre-ouest.dz"))
    assert user.email_verified_at is not None
    client.post("/login", data={"email": user.email, "password": "un mot de passe solide"})
    page = client.get("/enterprise?lang=en").get_data(as_text=True)
    assert "pending verification" in page


def test_verification_mail_is_in_the_registrants_language(client, make, mailbox):
    client.post("/register?lang=ar", data=form(make))
    assert mailbox.sent[0]["Content-Language"] == "ar"


def test_expired_link_is_refused_with_a_clear_message(client, make, db_session, mailbox, clock):
    client.post("/register", data=form(make))
    link = find_link(mailbox.sent[0].get_content())
    clock.advance(hours=49)
    response = client.get(link + "?lang=en")
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)
    user = db_session.scalar(select(User).where(User.email == "amine@fibre-ouest.dz"))
    assert user.email_verified_at is None


def test_tampered_link_is_refused(client, make, mailbox):
    client.post("/register", data=form(make))
    link = find_link(mailbox.sent[0].get_content())
    response = client.get(link[:-3] + "abc?lang=en")
    assert response.status_code == 400
    assert "was changed" in response.get_data(as_text=True)


def test_resend_sends_a_new_link(client, make, mailbox):
    client.post("/register", data=form(make))
    client.post("/login", data={"email": "amine@fibre-ouest.dz", "password": "un mot de passe solide"})
    response = client.post("/verify-email/resend", data={})
    assert response.status_code == 302
    assert len(mailbox.sent) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nif": "12345"}, "The NIF must have 15 digits"),
        ({"nis": "abc"}, "The NIS must have 15 digits"),
        ({"rc_number": "", "artisan_card": ""}, "trade register number or the artisan card"),
        ({"rc_number": "not an rc"}, "e.g. 31/00-1234567 B 20"),
        ({"attestation_number": ""}, "attestation number of your support scheme"),
        ({"password_confirm": "something else"}, "The two passwords differ"),
        ({"password": "short", "password_confirm": "short"}, "at least 10 characters"),
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"sectors": []}, "Choose at least one sector"),
        ({"wilaya_code": "99"}, "Not a valid choice"),
    ],
)
def test_invalid_registration_shows_errors_and_saves_nothing(client, make, db_session, mailbox, overrides, message):
    before = count(db_session, Enterprise), count(db_session, User)
    response = client.post("/register?lang=en", data=form(make, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (count(db_session, Enterprise), count(db_session, User)) == before
    assert mailbox.sent == []


def answer(response) -> tuple:
    """What a visitor can observe of a registration: status, target, cookie keys, next page."""
    return response.status_code, response.headers.get("Location")


def test_registration_answers_the_same_whether_the_account_exists(app, make, db_session, mailbox):
    """Issue 18, finding 8: the owner of a taken address or NIF gets an e-mail instead."""
    existing = make.enterprise(nif="000312345678901")
    owner = make.bidder(email="taken@example.dz", enterprise=existing)
    new, taken_email, taken_nif = app.test_client(), app.test_client(), app.test_client()
    answers = [
        (client, client.post("/register?lang=en", data=data))
        for client, data in (
            (new, form(make, nif="000311111111111", email="new@example.dz")),
            (taken_email, form(make, nif="000399999999999", email="TAKEN@example.dz")),
            (taken_nif, form(make, email="other@example.dz")),
        )
    ]
    assert {answer(response) for _client, response in answers} == {(302, "/verify-email")}
    pages = {client.get("/verify-email?lang=en").get_data(as_text=True) for client, _response in answers}
    assert len(pages) == 1, "the next page is the same too"
    for client, _response in answers:
        with client.session_transaction() as session:
            assert "_user_id" not in session, "nobody is logged in by registering"
    assert [m["To"] for m in mailbox.sent] == ["new@example.dz", owner.email, owner.email]
    assert "que votre compte utilise déjà" in mailbox.sent[1].get_content()  # the owner's language
    assert "000312345678901" in mailbox.sent[2].get_content() and "other@example.dz" in mailbox.sent[2].get_content()
    assert count(db_session, Enterprise) == 2, "only the new one"


def test_registration_is_rate_limited(client, make):
    statuses = [client.post("/register?lang=en", data=form(make, nif="1")).status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    response = client.post("/register?lang=en", data=form(make, nif="1"))
    assert "Too many attempts" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
