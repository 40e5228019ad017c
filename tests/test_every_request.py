"""What every request pays for: the short cuts of the hooks (issue 16) keep every guarantee.

The security headers, ``Vary``, the session cookie and Flask-Login's remember-me cookie
are written by hooks that skip work most requests do not need; these tests give them the
responses and requests where the skipped work does matter.
"""

from functools import partial

from flask import Blueprint, Response, session

from safkat.security import CONTENT_SECURITY_POLICY
from tests.instances import app_with_routes

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
)


def _app_with_test_routes(engine):
    """A new app with routes that set headers and session data as some views do."""
    app = app_with_routes(engine)
    routes = Blueprint("every_request_test", __name__)

    @routes.get("/own-frame-policy")
    def own_frame_policy():
        return Response("x", headers={"x-frame-options": "SAMEORIGIN", "Vary": "Origin"})

    @routes.get("/inline-download")
    def inline_download():
        return Response("x", headers=[("Content-Disposition", "inline"), ("Content-Disposition", "attachment")])

    @routes.get("/attachment")
    def attachment():
        return Response("x", headers={"Content-Disposition": "attachment; filename=a.pdf", "Vary": "cookie"})

    @routes.get("/remember")
    def remember():
        session["note"] = "kept"
        return "ok"

    @routes.get("/forget")
    def forget():
        session.clear()
        return "ok"

    @routes.get("/read-only")
    def read_only():
        return session.get("note", "none")

    app.register_blueprint(routes)
    return app


def test_a_response_without_them_gets_each_security_header_once(client):
    headers = client.get("/healthz").headers
    for name in SECURITY_HEADERS:
        assert len(headers.getlist(name)) == 1, name
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers.getlist("Vary") == ["Accept-Language, Cookie"]


def test_a_header_the_view_set_is_kept_and_the_others_are_added(engine):
    headers = _app_with_test_routes(engine).test_client().get("/own-frame-policy").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]  # whatever the case it was written in
    for name in set(SECURITY_HEADERS) - {"X-Frame-Options"}:
        assert len(headers.getlist(name)) == 1, name
    assert headers.getlist("Vary") == ["Origin, Accept-Language, Cookie"]


def test_only_the_first_content_disposition_decides_the_sandbox(engine):
    client = _app_with_test_routes(engine).test_client()
    assert client.get("/inline-download").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    sandboxed = client.get("/attachment").headers
    assert sandboxed.getlist("Content-Security-Policy") == ["default-src 'none'; sandbox"]
    assert sandboxed.getlist("Vary") == ["cookie, Accept-Language"]  # named once, in any case


def test_the_session_cookie_is_set_read_and_deleted_as_before(engine):
    client = _app_with_test_routes(engine).test_client()
    assert client.get("/read-only").get_data(as_text=True) == "none"
    assert client.get("/read-only").headers.get("Set-Cookie") is None  # an empty session writes nothing
    set_cookie = client.get("/remember").headers["Set-Cookie"]
    assert set_cookie.startswith("session=") and "HttpOnly" in set_cookie
    assert client.get("/read-only").get_data(as_text=True) == "kept"
    deleted = client.get("/forget").headers["Set-Cookie"]
    assert deleted.startswith("session=;") and "Expires=Thu, 01 Jan 1970" in deleted
    assert client.get("/read-only").get_data(as_text=True) == "none"


def test_a_remember_me_cookie_is_cleared_at_logout(make, login):
    """Flask-Login's remember-me hook now runs only on its note in the session: logging out
    with such a cookie (from another version, or another app on the domain) still clears it."""
    client = login(make.bidder())
    client.set_cookie("remember_token", "1|abc")
    cleared = client.post("/logout", data={}).headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=;") and "Expires=Thu, 01 Jan 1970" in c for c in cleared)


def test_hooks_that_are_plain_functions_are_called_as_they_are_and_others_go_through_flask(app):
    def hook(response):
        return response

    async def coroutine_hook(response):
        return response

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(partial(hook)) is not None
    try:
        wrapped = app.ensure_sync(coroutine_hook)
    except RuntimeError as error:  # Flask runs coroutines only with its "async" extra (asgiref)
        assert "async" in str(error)
    else:
        assert wrapped is not coroutine_hook
