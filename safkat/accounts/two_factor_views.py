"""Two-factor login for staff: the code asked after the password, enrolment, turning it off.

In production (``TWO_FACTOR_REQUIRED_FOR_ADMINS``) an administrator without it is sent to
the enrolment page from every other page until it is on.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from safkat.accounts import services, sessions, two_factor
from safkat.accounts.forms import DisableTwoFactorForm, EnableTwoFactorForm, LoginCodeForm
from safkat.accounts.views import home_for
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.extensions import limiter
from safkat.ratelimits import configured
from safkat.web import flash_domain_error, get_session, hasher, now, require

bp = Blueprint("two_factor", __name__)

# What an administrator who must enrol may still reach.
ENROLMENT_ENDPOINTS = frozenset(
    {"two_factor.settings", "two_factor.enable", "auth.logout", "static", "core.healthz", "core.readyz"}
)


def _failed(response) -> bool:
    return response.status_code >= 400


def secret_box() -> two_factor.SecretBox:
    return two_factor.SecretBox(current_app.secret_key)


@bp.before_app_request
def require_admin_enrolment():
    if not current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if request.endpoint and current_user.is_authenticated and current_user.is_admin and not current_user.has_two_factor:
        return redirect(url_for("two_factor.settings"))
    return None


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    configured("RATELIMIT_TWO_FACTOR"), key_func=sessions.pending_user_key, methods=["POST"], deduct_when=_failed
)
def login_code():
    """The second step of the login, open for five minutes after the right password."""
    pending = sessions.pending_second_factor()
    if pending is None:
        flash(_("Logging in took too long. Start again with your password."), "info")
        return redirect(url_for("auth.login"))
    user, state = pending
    form = LoginCodeForm()
    if form.validate_on_submit():
        try:
            method = two_factor.verify(get_session(), user, form.code.data, secret_box(), now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            services.record_login(get_session(), user, now(), second_factor=method)
            sessions.start(user, remember=state["remember"])
            if method == "recovery":
                left = two_factor.recovery_codes_left(get_session(), user)
                flash(_("You logged in with a recovery code; %(left)s left.", left=left), "warning")
            return redirect(state["next"] or home_for(user))
    return render_template("accounts/login_code.html", form=form), 422 if request.method == "POST" else 200


def _settings_page(status: int = 200, **forms):
    user = current_user
    if user.has_two_factor:
        forms.setdefault("disable_form", DisableTwoFactorForm())
        left = two_factor.recovery_codes_left(get_session(), user)
        return render_template("accounts/two_factor.html", codes_left=left, **forms), status
    secret = two_factor.enrolment_secret(get_session(), user, secret_box())
    forms.setdefault("form", EnableTwoFactorForm())
    return render_template(
        "accounts/two_factor.html",
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr_code=two_factor.qr_code_data_uri(two_factor.provisioning_uri(user, secret)),
        required=user.is_admin and current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"],
        **forms,
    ), status


@bp.route("/account/two-factor")
@login_required
@writes_on_get
def settings():
    require("account.two_factor")
    return _settings_page()


@bp.route("/account/two-factor/enable", methods=["POST"])
@login_required
def enable():
    require("account.two_factor")
    if current_user.has_two_factor:
        return redirect(url_for("two_factor.settings"))
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(get_session(), current_user, form.code.data, secret_box(), now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            sessions.rotate(current_user)
            return render_template("accounts/recovery_codes.html", codes=codes)  # private: sessions.keep_private
    return _settings_page(422, form=form)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@limiter.limit(configured("RATELIMIT_TWO_FACTOR"), deduct_when=_failed)
def disable():
    require("account.two_factor")
    if not current_user.has_two_factor:
        return redirect(url_for("two_factor.settings"))
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(
                get_session(), current_user, form.password.data, form.code.data, hasher(), secret_box(), now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            sessions.rotate(current_user)
            flash(_("Two-factor login is off. Your other devices are logged out."), "success")
            return redirect(url_for("auth.account"))
    return _settings_page(422, disable_form=form)
