"""Sessions: a fresh cookie at login and privilege change, idle and absolute timeouts."""

import pytest
from sqlalchemy import select

from safkat.accounts.sessions import AUTH_AT
from safkat.audit import AuditEvent
from safkat.config import flask_config, load_settings
from tests.factories import PASSWORD


def log_in(client, user, **extra):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_login_starts_a_brand_new_session(client, make):
    user = make.bidder()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    token_before = session_of(client)["csrf_token"]
    log_in(client, user)
    after = session_of(client)
    assert "planted" not in after and after.get("csrf_token") != token_before
    assert after["_user_id"] == f"{user.id}:{user.session_version}"


@pytest.fixture(autouse=True)
def english(client):
    """Messages are flashed in the language of the request that ends the session."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_idle_session_ends_after_30_minutes_and_login_brings_back_to_the_page(client, make, clock):
    user = make.bidder()
    log_in(client, user)
    for _ in range(3):  # activity keeps the session alive
        clock.advance(minutes=29)
        assert client.get("/account").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/account?tab=security")
    assert response.status_code == 302
    login_page = response.headers["Location"]
    assert login_page == "/login?next=%2Faccount%3Ftab%3Dsecurity"
    page = client.get(login_page + "&lang=en").get_data(as_text=True)
    assert "You were logged out after 30 minutes without activity." in page
    assert "_user_id" not in session_of(client)
    again = client.post(login_page, data={"email": user.email, "password": PASSWORD})
    assert again.headers["Location"] == "/account?tab=security"


def test_session_ends_after_12_hours_however_active(client, make, clock):
    user = make.officer()
    log_in(client, user)
    for _ in range(12 * 3):
        clock.advance(minutes=20)
        assert client.get("/review/enterprises").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/review/enterprises").status_code == 302
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert "a session lasts at most 12 hours" in html


def test_timeouts_are_configurable(app, client, make, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 5 * 60)
    log_in(client, make.bidder())
    clock.advance(minutes=6)
    assert client.get("/account").status_code == 302


def test_after_a_timeout_public_pages_still_show_and_next_stays_on_the_site(client, make, clock):
    user = make.bidder()
    log_in(client, user)
    clock.advance(hours=1)
    public = client.get("/tenders?lang=en")
    assert public.status_code == 200 and "You were logged out" in public.get_data(as_text=True)
    response = client.post("/login?next=//evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/enterprise"


def test_remember_me_keeps_the_cookie_across_browser_restarts_but_not_past_the_timeouts(client, make):
    remembered = log_in(client, make.bidder(), remember="y").headers.getlist("Set-Cookie")
    session_cookie = next(c for c in remembered if c.startswith("session="))
    assert "Expires=" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert not any(c.startswith("remember_token=") and "Expires=Thu, 01 Jan 1970" not in c for c in remembered)
    client.post("/logout", data={})
    plain = log_in(client, make.bidder()).headers.getlist("Set-Cookie")
    assert "Expires=" not in next(c for c in plain if c.startswith("session="))


def test_password_change_keeps_this_session_with_a_fresh_cookie_and_ends_the_others(
    client, login, make, db_session, clock
):
    user = make.bidder()
    log_in(client, user)
    laptop = login(user)
    auth_at = session_of(client)[AUTH_AT]
    clock.advance(minutes=5)
    wrong = client.post(
        "/account/password?lang=en",
        data={
            "current_password": "not it at all",
            "password": "a new long secret",
            "password_confirm": "a new long secret",
        },
    )
    assert wrong.status_code == 422 and "The current password is not right." in wrong.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "a new long secret", "password_confirm": "a new long secret"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert session_of(client)["_user_id"] == f"{user.id}:{user.session_version}" and user.session_version == 2
    assert session_of(client)[AUTH_AT] == auth_at  # a new cookie, not a longer session
    assert client.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 302
    assert "user.password_changed" in db_session.scalars(select(AuditEvent.action)).all()


def test_a_firm_stays_logged_in_when_it_is_verified_and_sees_it_at_once(login, make, db_session):
    enterprise = make.enterprise(status="pending")
    owner = make.bidder(enterprise=enterprise)
    firm = login(owner)
    assert firm.get("/enterprise").status_code == 200
    officer = login(make.officer())
    assert officer.post(f"/review/enterprises/{enterprise.id}", data={"action": "approve"}).status_code == 302
    response = firm.get("/enterprise?lang=en")
    assert response.status_code == 200, "still logged in"
    assert "Verified" in response.get_data(as_text=True), "the new state on its next page"
    db_session.expire_all()
    assert owner.session_version == 1


def test_a_firm_that_loses_its_verification_is_logged_out(login, make, db_session):
    enterprise = make.enterprise(status="verified")
    firm = login(make.bidder(enterprise=enterprise))
    enterprise.status = "suspended"
    db_session.flush()
    response = firm.get("/enterprise", headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Your session has ended" in firm.get("/login?lang=en").get_data(as_text=True)


def test_every_privilege_change_ends_sessions_and_nothing_else_does(make, db_session):
    first, second = make.authority(), make.authority()
    officer = make.officer(authority=first)
    bidder = make.bidder(enterprise=make.enterprise(status="verified"))
    changes = [
        (officer, lambda: setattr(officer, "authority", second)),  # officer assignment
        (officer, lambda: setattr(officer, "role", "admin")),
        (bidder, lambda: setattr(bidder, "enterprise", make.enterprise())),  # membership
        (bidder, lambda: setattr(bidder, "is_enterprise_owner", False)),
        (bidder, lambda: setattr(bidder.enterprise, "status", "suspended")),  # verification lost
        (bidder, lambda: setattr(bidder, "is_active", False)),
    ]
    for user, change in changes:
        before = user.session_version
        change()
        db_session.flush()
        assert user.session_version == before + 1
    harmless = make.bidder(enterprise=make.enterprise(status="pending"))
    harmless.locale, harmless.last_login_at, harmless.password_hash = "ar", harmless.created_at, "rehashed"
    harmless.enterprise.status = "rejected"  # neither before nor after may it bid
    db_session.flush()
    harmless.enterprise.status = "verified"  # a right given: the next page shows it
    db_session.flush()
    assert harmless.session_version == 1


def test_session_cookies_are_secure_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("SAFKAT_ENV", "production")
    monkeypatch.setenv("SAFKAT_SECRET_KEY", "s" * 64)
    config = flask_config(load_settings())
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax" and config["REMEMBER_COOKIE_SECURE"]
    assert config["PERMANENT_SESSION_LIFETIME"] == config["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 3600
    assert config["SESSION_IDLE_TIMEOUT"] == 30 * 60
    assert config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]


def test_logout_ends_the_session_on_the_server_and_the_old_cookie_opens_nothing(app, make):
    """Issue 18, finding 7: a copy of the cookie taken before the logout, replayed after it."""
    user = make.bidder()
    victim = app.test_client()
    log_in(victim, user)
    captured = session_of(victim)
    other_device = app.test_client()
    log_in(other_device, user)
    victim.post("/logout", data={})
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(captured)
    response = thief.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "_user_id" not in session_of(thief)
    assert other_device.get("/account").status_code == 200, "only the session that logged out ends"


def test_ended_sessions_are_forgotten_once_they_would_have_expired(app, make, clock, db_session):
    from safkat.accounts.models import EndedSession

    for _ in range(2):
        client = app.test_client()
        log_in(client, make.bidder())
        client.post("/logout", data={})
    assert len(db_session.scalars(select(EndedSession)).all()) == 2
    clock.advance(hours=13)
    client = app.test_client()
    log_in(client, make.bidder())
    client.post("/logout", data={})
    assert len(db_session.scalars(select(EndedSession)).all()) == 1, "the two expired ones are deleted"


def test_a_new_secret_key_is_used_at_once_though_the_signer_is_kept_between_requests(app, make):
    """Issue 16 keeps the session signer between requests: changing the key (or its
    fallbacks) must still take effect, as with Flask's own signer built per request."""
    user = make.bidder()
    name = app.config["SESSION_COOKIE_NAME"]
    client = app.test_client()
    log_in(client, user)
    assert client.get("/account").status_code == 200
    signed_with_old_key = client.get_cookie(name).value

    def account_with_old_cookie() -> int:
        other = app.test_client()
        other.set_cookie(name, signed_with_old_key)
        return other.get("/account").status_code

    old_key = app.secret_key
    app.secret_key = "a brand new key " * 4
    try:
        assert account_with_old_cookie() == 302, "a cookie signed with the old key opens nothing"
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert account_with_old_cookie() == 200, "the old key as a fallback still opens it"
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_a_visitor_without_cookies_is_anonymous_without_the_session_protection_hash(app, login, make, monkeypatch):
    """A request with no cookie can name no user: it skips Flask-Login's hash of its address
    and user agent; a logged-in one still goes through the whole check."""
    from safkat.extensions import login_manager

    hashed = []
    real = login_manager._session_identifier_generator
    monkeypatch.setattr(login_manager, "_session_identifier_generator", lambda: hashed.append(1) or real())
    officer = make.officer()
    assert app.test_client().get("/tenders").status_code == 200
    assert hashed == []
    assert "/logout" not in app.test_client().get("/tenders").get_data(as_text=True)
    response = login(officer).get("/tenders")
    assert response.status_code == 200 and hashed, "a session is checked as before"
    assert "/logout" in response.get_data(as_text=True)
