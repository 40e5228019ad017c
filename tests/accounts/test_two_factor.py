"""Two-factor login for staff: enrolment, the second step, replay, recovery codes, disabling."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from safkat.accounts import two_factor
from safkat.accounts.models import RecoveryCode
from safkat.audit import AuditEvent
from tests.factories import PASSWORD


def code_at(secret: str, moment) -> str:
    return pyotp.TOTP(secret).at(moment)


@pytest.fixture
def box(app):
    return two_factor.SecretBox(app.secret_key)


@pytest.fixture
def enrolled(make, db_session, box, clock):
    """An officer with two-factor login on; ``enrolled.codes`` holds the recovery codes."""
    officer = make.officer()
    secret = two_factor.enrolment_secret(db_session, officer, box)
    officer.codes = two_factor.enable(db_session, officer, code_at(secret, clock.now()), box, clock.now())
    officer.secret = secret
    clock.advance(seconds=60)  # past the enrolment code's step and the one after it
    db_session.flush()
    return officer


def password_step(client, user, next_url=""):
    query = f"?next={next_url}" if next_url else ""
    response = client.post(f"/login{query}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    return response


def actions(db_session) -> list[str]:
    return db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()


def test_enrolment_shows_a_qr_code_and_the_sealed_secret_then_confirms_with_a_code(login, make, db_session, clock, box):
    officer = make.officer()
    client = login(officer)
    page = client.get("/account/two-factor?lang=en").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    db_session.expire_all()
    secret = box.open(officer.totp_secret)
    assert secret and secret not in officer.totp_secret  # stored sealed, never in clear
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert client.get("/account/two-factor").status_code == 200  # the same secret on a second visit
    db_session.expire_all()
    assert box.open(officer.totp_secret) == secret

    wrong = client.post("/account/two-factor/enable?lang=en", data={"code": "000000"})
    assert wrong.status_code == 422 and "This code is not right" in wrong.get_data(as_text=True)
    response = client.post("/account/two-factor/enable?lang=en", data={"code": code_at(secret, clock.now())})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    codes = re.findall(r"<code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    db_session.expire_all()
    assert officer.has_two_factor and officer.session_version == 2
    assert client.get("/account").status_code == 200  # this session got a fresh cookie
    stored = db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == officer.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert "user.two_factor_enabled" in actions(db_session)


def test_bidders_are_not_offered_two_factor_login(login, make):
    client = login(make.bidder())
    assert client.get("/account/two-factor").status_code == 403
    assert "two-factor" not in client.get("/account").get_data(as_text=True)


def test_login_asks_for_the_code_after_the_password(client, enrolled, clock, db_session):
    password_step(client, enrolled, next_url="/review/enterprises?status=verified")
    assert client.get("/review/enterprises").status_code == 302  # not logged in yet
    response = client.post("/login/code", data={"code": code_at(enrolled.secret, clock.now())})
    assert response.status_code == 302 and response.headers["Location"] == "/review/enterprises?status=verified"
    assert client.get("/review/enterprises").status_code == 200
    event = db_session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event.action == "user.logged_in" and event.details_dict == {"second_factor": "totp"}


def test_a_wrong_code_is_refused(client, enrolled):
    password_step(client, enrolled)
    response = client.post("/login/code?lang=en", data={"code": "123456"})
    assert response.status_code == 422 and "This code is not right" in response.get_data(as_text=True)
    assert client.get("/review/enterprises").status_code == 302


def test_a_code_is_accepted_once_and_neighbouring_steps_too(client, app, enrolled, clock):
    now = clock.now()
    password_step(client, enrolled)
    earlier = code_at(enrolled.secret, now - timedelta(seconds=30))  # the phone is a little slow
    assert client.post("/login/code", data={"code": earlier}).status_code == 302
    client.post("/logout", data={})
    replay = app.test_client()
    password_step(replay, enrolled)
    refused = replay.post("/login/code?lang=en", data={"code": earlier})
    assert refused.status_code == 422 and "already used" in refused.get_data(as_text=True)
    assert replay.post("/login/code", data={"code": code_at(enrolled.secret, now)}).status_code == 302


def test_recovery_codes_work_once_each(client, app, enrolled, db_session):
    password_step(client, enrolled)
    first = enrolled.codes[0]
    response = client.post("/login/code?lang=en", data={"code": first.upper().replace("-", " ")})
    assert response.status_code == 302
    assert "9 left" in client.get("/review/enterprises?lang=en").get_data(as_text=True)
    again = app.test_client()
    password_step(again, enrolled)
    assert again.post("/login/code", data={"code": first}).status_code == 422
    assert "user.recovery_code_used" in actions(db_session)


def test_the_half_logged_in_state_expires_after_five_minutes(client, enrolled, clock):
    password_step(client, enrolled)
    clock.advance(minutes=5, seconds=1)
    response = client.post("/login/code", data={"code": code_at(enrolled.secret, clock.now())})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/review/enterprises").status_code == 302


def test_code_attempts_are_rate_limited_per_account(client, app, enrolled, clock):
    password_step(client, enrolled)
    statuses = [client.post("/login/code", data={"code": f"{n:06d}"}).status_code for n in range(5)]
    assert statuses == [422] * 5
    other_cookie = app.test_client()  # a new cookie does not give new attempts
    password_step(other_cookie, enrolled)
    refused = other_cookie.post("/login/code?lang=fr", data={"code": code_at(enrolled.secret, clock.now())})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_disabling_needs_the_password_and_a_code(login, enrolled, db_session, clock):
    client = login(enrolled)
    code = code_at(enrolled.secret, clock.now())
    bad_password = client.post("/account/two-factor/disable", data={"password": "wrong password", "code": code})
    assert bad_password.status_code == 422
    bad_code = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": "111111"})
    assert bad_code.status_code == 422
    ok = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": code})
    assert ok.status_code == 302
    db_session.expire_all()
    assert not enrolled.has_two_factor and enrolled.totp_secret is None
    assert db_session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == enrolled.id)).all() == []
    assert client.get("/account").status_code == 200  # rotated, still logged in
    assert "user.two_factor_disabled" in actions(db_session)


def test_in_production_an_admin_must_enrol_before_any_other_page(app, login, make, monkeypatch, db_session, clock, box):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_FOR_ADMINS", True)
    admin = make.admin()
    client = login(admin)
    for path in ("/admin/", "/tenders", "/account", "/officer/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor", path
    page = client.get("/account/two-factor?lang=en").get_data(as_text=True)
    assert "Administrators must turn on two-factor login" in page
    db_session.expire_all()
    secret = box.open(admin.totp_secret)
    assert client.post("/account/two-factor/enable", data={"code": code_at(secret, clock.now())}).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert login(make.officer()).get("/review/enterprises").status_code == 200  # officers may choose
