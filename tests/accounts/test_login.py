"""Login, logout, password reset, sessions and safe redirects."""

import re

from sqlalchemy import select

from safkat.audit import AuditEvent
from tests.conftest import find_link
from tests.factories import PASSWORD


def test_login_with_the_right_password(client, make, db_session, clock):
    user = make.bidder(email="firm@example.dz")
    response = client.post("/login", data={"email": "FIRM@example.dz ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/enterprise"
    db_session.refresh(user)
    assert user.last_login_at == clock.now()
    assert "Log out" in client.get("/?lang=en").get_data(as_text=True)


def test_each_role_lands_on_its_own_page(client, make):
    admin, officer = make.admin(), make.officer()
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).headers["Location"] == "/admin/"
    client.post("/logout", data={})
    location = client.post("/login", data={"email": officer.email, "password": PASSWORD}).headers["Location"]
    assert location == "/review/enterprises"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make):
    user = make.bidder()
    wrong = client.post("/login?lang=en", data={"email": user.email, "password": "nope nope nope"})
    unknown = client.post("/login?lang=en", data={"email": "nobody@example.dz", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 422
    assert "Wrong e-mail address or password" in wrong.get_data(as_text=True)
    assert "Wrong e-mail address or password" in unknown.get_data(as_text=True)


def test_disabled_account_cannot_log_in(client, make):
    user = make.officer(is_active=False)
    response = client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "disabled" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, make):
    user = make.bidder()
    statuses = [
        client.post("/login", data={"email": user.email, "password": "wrong one!"}).status_code for _ in range(11)
    ]
    assert statuses[-1] == 429
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429


def test_next_redirect_stays_on_the_site(client, make):
    user = make.bidder()
    data = {"email": user.email, "password": PASSWORD}
    inside = client.post("/login?next=/account", data=data)
    assert inside.headers["Location"] == "/account"
    client.post("/logout", data={})
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/login?next={evil}", data=data)
        assert "evil" not in response.headers["Location"] and "javascript" not in response.headers["Location"]
        client.post("/logout", data={})


def test_protected_page_sends_anonymous_users_to_login(client):
    response = client.get("/enterprise")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_logout_is_post_only_and_needs_csrf(login, make):
    client = login(make.bidder())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={}, csrf=False).status_code == 400
    assert client.get("/account").status_code == 200  # still logged in
    assert client.post("/logout", data={}).status_code == 302
    assert client.get("/account").status_code == 302


def test_logout_everywhere_ends_other_sessions(login, make):
    user = make.bidder()
    laptop, phone = login(user), login(user)
    assert phone.post("/account/logout-everywhere", data={}).status_code == 302
    assert laptop.get("/account").status_code == 302


def test_password_reset_works_once_and_ends_sessions(client, login, make, mailbox, db_session):
    user = make.bidder(email="reset@example.dz")
    other_device = login(user)
    response = client.post("/password/forgot?lang=en", data={"email": "reset@example.dz"})
    assert response.status_code == 302
    link = find_link(mailbox.sent[0].get_content())
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": user.email, "password": "a brand new secret"}).status_code == 302
    assert other_device.get("/account").status_code == 302  # logged out
    assert client.get(link).status_code == 400  # used once
    actions = db_session.scalars(select(AuditEvent.action)).all()
    assert "user.password_changed" in actions


def test_password_reset_answers_and_works_the_same_for_an_unknown_address(app, make, mailbox):
    """Issue 18, finding 8: the same answer, and the same work (an e-mail), on both paths."""
    make.bidder(email="known@example.dz")
    answers = []
    for address in ("known@example.dz", "ghost@example.dz"):
        client = app.test_client()
        response = client.post("/password/forgot?lang=en", data={"email": address})
        page = client.get("/login?lang=en").get_data(as_text=True)  # with the flashed message
        answers.append((response.status_code, response.headers["Location"], re.sub(r'csrf_token"[^>]*', "", page)))
    assert answers[0] == answers[1]
    assert [m["To"] for m in mailbox.sent] == ["known@example.dz", "ghost@example.dz"]
    assert "no active account uses it" in mailbox.sent[1].get_content()


def test_reset_link_expires_after_an_hour(client, make, mailbox, clock):
    make.bidder(email="late@example.dz")
    client.post("/password/forgot", data={"email": "late@example.dz"})
    link = find_link(mailbox.sent[0].get_content())
    clock.advance(minutes=61)
    response = client.get(link + "?lang=en")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_language_preference_is_saved(login, make, db_session):
    user = make.bidder()
    client = login(user)
    assert client.post("/account", data={"locale": "ar"}).status_code == 302
    db_session.refresh(user)
    assert user.locale == "ar"
    assert 'dir="rtl"' in client.get("/account").get_data(as_text=True)
