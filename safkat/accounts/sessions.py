"""Login sessions: a fresh cookie at every login and privilege change, idle and absolute
timeouts, and the half-logged-in state between the password and the second factor.

Sessions are Flask's signed cookies, so a session cannot be deleted on the server; it is
ended by bumping ``User.session_version``, which is part of the id Flask-Login keeps in
the cookie (``User.get_id``). Any flush that changes who a user acts as bumps it (see
:func:`_end_sessions_on_privilege_change`): every session of that user ends, whoever made
the change and through whatever code path. When people change their own credentials
(password, two-factor), the view calls :func:`rotate` so that they stay logged in with a
fresh cookie while their other devices are logged out.

Logging out ends that one session on the server side too: each login gets a random
session id (``_sid``, in the cookie), checked on every request against
:class:`~safkat.accounts.models.EndedSession`, so a copy of the cookie taken before the
logout opens nothing afterwards (issue 18).

Times come from the app's clock. The last-seen time is written at most once a minute, so
a page view does not always rewrite the cookie; the idle timeout is exact to that minute.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, flash, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, event, inspect
from sqlalchemy.orm import Session

from safkat.accounts.models import EndedSession, Enterprise, EnterpriseStatus, User
from safkat.extensions import login_manager
from safkat.i18n import add_vary
from safkat.request_hooks import replace_hook
from safkat.web import get_session, now, safe_next_url

AUTH_AT = "_auth_at"
SESSION_ID = "_sid"
SEEN_AT = "_seen_at"
PENDING = "_second_factor"
PENDING_SECONDS = 5 * 60
TOUCH_EVERY_SECONDS = 60
# Endpoints that must not open the database (load balancers) or need no session.
UNCHECKED_ENDPOINTS = frozenset({"static", "core.favicon", "core.healthz", "core.readyz"})
PRIVILEGE_ATTRIBUTES = ("role", "authority", "authority_id", "enterprise", "enterprise_id", "is_enterprise_owner")


def _stamp() -> int:
    return int(now().timestamp())


def start(user: User, remember: bool = False, authenticated_at: int | None = None) -> None:
    """Log ``user`` in on a brand-new session (nothing of the previous one is kept).

    ``remember`` keeps the cookie when the browser closes; the timeouts apply either way.
    """
    user = getattr(user, "_get_current_object", lambda: user)()  # never the current_user proxy itself
    session.clear()
    login_user(user)
    session.permanent = bool(remember)
    session[SESSION_ID] = secrets.token_hex(16)
    session[SEEN_AT] = _stamp()
    session[AUTH_AT] = authenticated_at or session[SEEN_AT]


def rotate(user: User) -> None:
    """A fresh cookie for the current user after a change of their credentials."""
    get_session().flush()  # the bumped session version must be in the new cookie
    start(user, remember=session.permanent, authenticated_at=session.get(AUTH_AT))


def end(*, remember: bool = True) -> None:
    """Log out, and remember the session as ended so that its cookie cannot be replayed.
    Clear first: Flask-Login leaves a note to delete any remember-me cookie.

    A session that timed out need not be remembered (``remember=False``): the stamps signed
    into its cookie refuse a replay by themselves, and a GET then writes nothing."""
    session_id = session.get(SESSION_ID)
    if remember and isinstance(session_id, str):
        _remember_ended(session_id, session.get(AUTH_AT, _stamp()))
    session.clear()
    logout_user()


def _remember_ended(session_id: str, authenticated_at: int) -> None:
    """Record an ended session until it would have expired anyway; forget those past it."""
    db, moment = get_session(), now()
    lifetime = timedelta(seconds=current_app.config["SESSION_ABSOLUTE_TIMEOUT"])
    expires_at = datetime.fromtimestamp(int(authenticated_at), moment.tzinfo) + lifetime
    db.execute(delete(EndedSession).where(EndedSession.expires_at < moment))
    if db.get(EndedSession, session_id) is None:
        db.add(EndedSession(session_id=session_id, expires_at=max(expires_at, moment)))
    db.flush()


def _is_ended(session_id: object) -> bool:
    return not isinstance(session_id, str) or get_session().get(EndedSession, session_id) is not None


def begin_second_factor(user: User, remember: bool, next_url: str | None) -> None:
    """Remember, for five minutes, who gave the right password and still owes a code."""
    session.clear()
    session[PENDING] = {
        "uid": user.id,
        "version": user.session_version,
        "at": _stamp(),
        "remember": bool(remember),
        "next": safe_next_url(next_url),
    }


def pending_second_factor() -> tuple[User, dict] | None:
    """The user halfway through logging in and their pending state, unless it expired."""
    state = session.get(PENDING)
    if not isinstance(state, dict) or _stamp() - int(state.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = get_session().get(User, state.get("uid"))
    if user is None or not user.is_active or user.session_version != state.get("version"):
        session.pop(PENDING, None)
        return None
    return user, state


def pending_user_key() -> str:
    """Rate-limit key of the second step: the account, however many cookies are tried."""
    state = session.get(PENDING)
    return f"second-factor:{state.get('uid') if isinstance(state, dict) else request.remote_addr}"


def check_session() -> None:
    """Before each request: end stale sessions and sessions idle or too old.

    The request then goes on as anonymous: a public page still shows, a private one sends
    to the login page with ``next`` (``login_required``, ``web.require``).
    """
    if request.endpoint in UNCHECKED_ENDPOINTS or "_user_id" not in session:
        return
    if SESSION_ID not in session:  # a session from before session ids: it gets one now
        session[SESSION_ID] = secrets.token_hex(16)
    elif _is_ended(session[SESSION_ID]):  # logged out, and the old cookie replayed
        session.clear()
        logout_user()
        return
    if not current_user.is_authenticated:  # logged out everywhere, privileges changed, disabled
        session.clear()
        flash(_("Your session has ended. Log in again to go on."), "info")
        return
    config, stamp = current_app.config, _stamp()
    authenticated_at = session.setdefault(AUTH_AT, stamp)
    seen_at = session.get(SEEN_AT, stamp)
    idle, lifetime = config["SESSION_IDLE_TIMEOUT"], config["SESSION_ABSOLUTE_TIMEOUT"]
    if stamp - seen_at > idle:
        end(remember=False)
        flash(_("You were logged out after %(minutes)s minutes without activity.", minutes=idle // 60), "info")
    elif stamp - authenticated_at > lifetime:
        end(remember=False)
        flash(_("You were logged out: a session lasts at most %(hours)s hours.", hours=lifetime // 3600), "info")
    elif stamp - seen_at >= TOUCH_EVERY_SECONDS or SEEN_AT not in session:
        session[SEEN_AT] = stamp


def is_signed_in() -> bool:
    """Whether this request comes from a logged-in session (or one owing its second factor)."""
    if PENDING in session:
        return True
    return "_user_id" in session and current_user.is_authenticated


def keep_private(response: Response) -> Response:
    """After each request: what a logged-in user sees is never stored, by a shared proxy or
    by the browser (the back button of a shared computer). Public pages keep their ETag
    and, for anonymous visitors, their public lifetime (:mod:`safkat.http_cache`)."""
    if request.endpoint not in UNCHECKED_ENDPOINTS and is_signed_in():
        response.headers["Cache-Control"] = "private, no-store"
        response.headers.pop("Expires", None)
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of
    keys rather than on every request (a tenth of an anonymous /healthz, issue 16). The
    serializer holds no state of a request; a changed key or fallback builds a new one."""

    _cached: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._cached
        if cached is None or cached[0] != keys:
            cached = self._cached = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Flask, request):
        """Without a session cookie, an empty session at once: Flask's ``cookies.get()`` of
        the missing name raised and caught a ``KeyError`` inside werkzeug."""
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:
        """An empty session nobody changed sets and deletes no cookie: Flask reads its seven
        cookie settings first, then finds it has nothing to do (most anonymous requests)."""
        if not session and not session.modified:
            if session.accessed:
                add_vary(response, "Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.before_request(check_session)
    app.after_request(keep_private)
    replace_hook(app.after_request_funcs, login_manager._update_remember_cookie, _when_remember_noted(app))


def _when_remember_noted(app: Flask):
    """Flask-Login's remember-me hook acts only on a ``_remember`` note in the session (left
    at login and logout) or when the cookie is refreshed on every request: the same hook,
    asked only then (~3 µs of every request, issue 16)."""

    def wrap(update_remember_cookie):
        def update_remember_cookie_when_noted(response):
            if app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST") or "_remember" in session:
                return update_remember_cookie(response)
            return response

        return update_remember_cookie_when_noted

    return wrap


def _changed(obj, attributes) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _verification_lost(enterprise: Enterprise) -> bool:
    """Whether the enterprise loses the verified status (the right to bid) in this flush.

    Only a loss ends its members' sessions. A firm that is *given* the verified status loses
    nothing: every permission is read from the database at each request, so its open session
    sees the new state on its next page, and logging it out (as this did before issue 15)
    only interrupted a firm waiting for that very news. A loss stops its members at once in
    whatever they had open (a bid form in another tab), and they read why at their next login.
    """
    history = inspect(enterprise).attrs.status.history
    if not history.has_changes():
        return False
    before = history.deleted[0] if history.deleted else None
    return before == EnterpriseStatus.VERIFIED and enterprise.status != EnterpriseStatus.VERIFIED


@event.listens_for(Session, "before_flush")
def _end_sessions_on_privilege_change(db_session: Session, _context, _instances) -> None:
    """Bump the session version of every user whose role, authority, enterprise or account
    state changes in this flush, or whose enterprise loses its verification.

    A session is a user acting *as* someone: an officer of one authority, a member of one
    firm, with one role. When that identity changes, pages and forms opened under the old one
    must stop working at once, on every device, which only ending the sessions guarantees.
    """
    users: set[User] = set()
    for obj in db_session.dirty:
        if isinstance(obj, User) and _changed(obj, (*PRIVILEGE_ATTRIBUTES, "is_active")):
            users.add(obj)
        elif isinstance(obj, Enterprise) and _verification_lost(obj):
            users.update(obj.members)
    for user in users:
        if not _changed(user, ("session_version",)):
            user.session_version += 1
