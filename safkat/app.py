"""The application factory."""

from __future__ import annotations

import io
import logging
from inspect import CO_COROUTINE
from pathlib import Path
from types import FunctionType

from flask import Flask, Request, g, render_template, request
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from safkat import bilingual, db, fixed_urls, http_cache, i18n, layout_frame, numbers, ratelimits, security
from safkat.accounts import sessions
from safkat.accounts.passwords import make_hasher
from safkat.clock import SystemClock
from safkat.config import flask_config, load_settings
from safkat.extensions import csrf, login_manager
from safkat.keys import check_kek, load_platform_keys
from safkat.markup import render_markdown
from safkat.notifications.transports import ConsoleTransport, SMTPTransport
from safkat.pager import pager_view
from safkat.permissions import can
from safkat.request_hooks import replace_hook
from safkat.storage import FileStore

log = logging.getLogger(__name__)


class SafkatRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        """Bid documents are plaintext until sealed: keep them in memory, never in a temp file."""
        if self.path.endswith("/bid"):
            return io.BytesIO()
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)


class SafkatFlask(Flask):
    """Flask, answering a database outage with a 503 wherever it shows (view, hook, COMMIT)."""

    def handle_user_exception(self, e):
        if db.is_unavailable(e):
            cause = (str(e).splitlines() or [type(e).__name__])[0]
            log.warning("database unavailable on %s %s: %s", request.method, request.path, cause)
            e = db.DatabaseUnavailable()
        return super().handle_user_exception(e)

    def handle_exception(self, e):
        if db.is_unavailable(e):
            return self.finalize_request(self.handle_user_exception(e), from_error_handler=True)
        return super().handle_exception(e)

    def ensure_sync(self, func):
        """Flask asks this of each hook and view of every request (15 times for a /healthz),
        and ``inspect.iscoroutinefunction`` unwraps methods and partials first: a plain
        function's code flags say it at once. Anything else goes the usual way."""
        if (
            type(func) is FunctionType
            and not func.__code__.co_flags & CO_COROUTINE
            and getattr(func, "_is_coroutine_marker", None) is None  # inspect.markcoroutinefunction (3.12)
        ):
            return func
        return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    """Create the Safkat application.

    ``config`` overrides what the ``SAFKAT_*`` environment gives; tests pass a
    ``DATABASE`` (a :class:`safkat.db.Database`), a ``CLOCK`` and a ``MAIL_TRANSPORT``.
    """
    settings = load_settings()
    app = SafkatFlask(
        "safkat",
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(settings.instance_path),
        root_path=str(Path(__file__).parent),
    )
    app.request_class = SafkatRequest
    app.config.update(flask_config(settings))
    app.config.update(config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    database = app.config.pop("DATABASE", None) or db.Database(app.config["DATABASE_URL"])
    db.init_app(app, database, on_refused=_refused_commit)
    app.extensions["safkat.clock"] = app.config.pop("CLOCK", None) or SystemClock()
    app.extensions["safkat.hasher"] = make_hasher(app.config["ARGON2_PROFILE"])
    app.extensions["safkat.files"] = FileStore(app.config["UPLOAD_FOLDER"])
    app.extensions["safkat.mail"] = app.config.pop("MAIL_TRANSPORT", None) or _mail_transport(app)
    keys = load_platform_keys(Path(app.instance_path), settings.seal_key, settings.signing_key, settings.is_production)
    with database.session() as session:
        check_kek(session, keys)
    app.extensions["safkat.keys"] = keys

    csrf.init_app(app)
    _check_csrf_only_where_it_applies(app)
    ratelimits.init_app(app)
    http_cache.init_app(app)
    _init_login(app)
    i18n.init_app(app)
    bilingual.init_app(app)
    fixed_urls.init_app(app)
    layout_frame.init_app(app)
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["pager_view"] = pager_view
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")

    security.init_app(app)
    sessions.init_app(app)
    numbers.init_app(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    from safkat.cli import register_commands

    register_commands(app)
    return app


def _mail_transport(app: Flask):
    if app.config.get("MAIL_SERVER"):
        return SMTPTransport(
            app.config["MAIL_SERVER"],
            app.config["MAIL_PORT"],
            app.config["MAIL_USERNAME"],
            app.config["MAIL_PASSWORD"],
            app.config["MAIL_USE_TLS"],
        )
    return ConsoleTransport()


def _init_login(app: Flask) -> None:
    from safkat.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        user_id, _, version = token.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.get_session().get(User, int(user_id))
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    from safkat.accounts.admin_views import bp as admin_bp
    from safkat.accounts.enterprise_views import bp as enterprise_bp
    from safkat.accounts.two_factor_views import bp as two_factor_bp
    from safkat.accounts.views import bp as auth_bp
    from safkat.awards.views import bp as awards_bp
    from safkat.bids.views import bp as bids_bp
    from safkat.commission.firm_views import bp as commission_firm_bp
    from safkat.commission.member_key_views import bp as opening_key_bp
    from safkat.commission.rekeying_views import bp as rekeying_bp
    from safkat.commission.views import bp as commission_bp
    from safkat.core_views import bp as core_bp
    from safkat.documents.views import bp as documents_bp
    from safkat.evaluation.views import bp as evaluation_bp
    from safkat.execution.views import bp as execution_bp
    from safkat.notifications.views import bp as notifications_bp
    from safkat.opendata.api import bp as api_bp
    from safkat.opendata.feeds import bp as feeds_bp
    from safkat.opendata.ocds_views import bp as ocds_bp
    from safkat.opendata.stats_views import bp as stats_bp
    from safkat.tenders.officer_views import bp as officer_bp
    from safkat.tenders.views import bp as tenders_bp

    for blueprint in (
        core_bp,
        auth_bp,
        two_factor_bp,
        enterprise_bp,
        admin_bp,
        tenders_bp,
        officer_bp,
        api_bp,
        feeds_bp,
        ocds_bp,
        stats_bp,
        bids_bp,
        evaluation_bp,
        commission_bp,
        commission_firm_bp,
        rekeying_bp,
        opening_key_bp,
        awards_bp,
        execution_bp,
        notifications_bp,
        documents_bp,
    ):
        app.register_blueprint(blueprint)


ERROR_TITLES = {
    400: lazy_gettext("The request could not be understood"),
    403: lazy_gettext("You may not see this page"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("This action is not allowed here"),
    409: lazy_gettext("Not accepted"),
    413: lazy_gettext("The file is too large"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong on our side"),
    503: lazy_gettext("The service is briefly unavailable"),
}
ERROR_HINTS = {
    400: lazy_gettext("Go back, reload the page and try again."),
    403: lazy_gettext("If you think you should have access, log in with the right account."),
    404: lazy_gettext("Check the address, or start again from the home page."),
    405: lazy_gettext("Go back and use the buttons of the page."),
    409: lazy_gettext("Nothing was saved."),
    413: lazy_gettext("Send a smaller file."),
    429: lazy_gettext("Wait a little before trying again."),
    500: lazy_gettext("The error was recorded. Try again in a moment; nothing was saved half-way."),
    503: lazy_gettext("Try again in a moment."),
}
CSRF_HINT = lazy_gettext(
    "The form had expired or did not come from this site. Reload the page and send it again; nothing was changed."
)


def render_error(status: int, hint=None):
    g.pop("after_commit", None)
    response = render_template(
        "errors/error.html",
        status=status,
        title=ERROR_TITLES.get(status, ERROR_TITLES[500]),
        hint=hint or ERROR_HINTS.get(status, ERROR_HINTS[500]),
    )
    return response, status


def _refused_commit(error):
    from flask import make_response

    from safkat.web import translate_error

    body, status = render_error(409, translate_error(error))
    return make_response(body, status)


def _check_csrf_only_where_it_applies(app: Flask) -> None:
    """Flask-WTF's check looks up the view's exemptions before it looks at the method: ~7 µs
    of every GET, a tenth of what /healthz costs beyond Flask (issue 16). The same check,
    asked only for the methods it protects (``WTF_CSRF_METHODS``)."""
    hooks = app.before_request_funcs[None]
    protect = next(hook for hook in hooks if getattr(hook, "__module__", "") == "flask_wtf.csrf")

    def only_unsafe_methods(check):
        def csrf_protect_unsafe_methods():
            return check() if request.method in app.config["WTF_CSRF_METHODS"] else None

        return csrf_protect_unsafe_methods

    replace_hook(app.before_request_funcs, protect, only_unsafe_methods)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, CSRF_HINT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400 or request.path.startswith("/static/"):
            return error
        if isinstance(error, db.DatabaseUnavailable):
            g._login_user = login_manager.anonymous_user()  # the page must not need the database
            g.database_refused = True
        response, status = render_error(error.code if error.code in ERROR_TITLES else 400)
        if error.code == 429:
            return response, 429, {"Retry-After": str(ratelimits.retry_after_seconds())}
        return response, status

    @app.after_request
    def retry_after(response):
        """Every 503 (HTML, JSON API, /readyz) says when to come back."""
        if response.status_code == 503 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(db.RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
