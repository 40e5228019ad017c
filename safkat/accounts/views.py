"""Login, logout, registration, e-mail verification and password reset."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from safkat.accounts import services, sessions, tokens
from safkat.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    EmptyForm,
    LoginForm,
    PreferencesForm,
    RegistrationForm,
    ResetPasswordForm,
)
from safkat.accounts.models import Sector, User
from safkat.accounts.validators import normalise_email
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.extensions import limiter
from safkat.i18n import current_language
from safkat.notifications import emails
from safkat.ratelimits import configured
from safkat.web import flash_domain_error, get_session, hasher, now, safe_next_url
from safkat.wilayas import wilaya_choices

bp = Blueprint("auth", __name__)

REGISTER_LIMIT = "5 per minute;30 per hour"
EMAIL_LIMIT = "5 per minute;20 per hour"


def home_for(user: User) -> str:
    if user.is_admin:
        return url_for("admin.dashboard")
    if user.is_officer:
        return url_for("enterprise.review_list")
    return url_for("enterprise.overview")


def _login_account_key() -> str:
    return "login:" + normalise_email(request.form.get("email", ""))[:254]


def _login_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_LOGIN_ADDRESS"), key_func=get_remote_address, methods=["POST"])
@limiter.limit(configured("RATELIMIT_LOGIN"), key_func=_login_account_key, methods=["POST"], deduct_when=_login_failed)
def login():
    """Password first; staff with two-factor login then give a code on the next page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(get_session(), form.email.data, form.password.data, hasher(), now())
        except DomainError as error:
            flash_domain_error(error)
            return render_template("accounts/login.html", form=form), 422
        next_url = request.values.get("next")
        if user.has_two_factor:
            sessions.begin_second_factor(user, form.remember.data, next_url)
            return redirect(url_for("two_factor.login_code"))
        services.record_login(get_session(), user, now())
        sessions.start(user, remember=form.remember.data)  # a fresh session on login: no fixation
        return redirect(safe_next_url(next_url) or home_for(user))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        sessions.end()
        flash(_("You are logged out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegistrationForm()
    language = current_language()
    form.wilaya_code.choices = [("", _("Choose a wilaya"))] + wilaya_choices(language)
    sectors = get_session().query(Sector).order_by(Sector.code).all()
    form.sectors.choices = [(sector.id, sector.name(language)) for sector in sectors]
    if form.validate_on_submit():
        data = services.EnterpriseRegistration(
            company_name=form.company_name.data,
            legal_form=form.legal_form.data,
            nif=form.nif.data,
            nis=form.nis.data,
            rc_number=form.rc_number.data,
            artisan_card=form.artisan_card.data,
            support_scheme=form.support_scheme.data,
            attestation_number=form.attestation_number.data,
            wilaya_code=form.wilaya_code.data,
            sector_ids=form.sectors.data,
            address=form.address.data,
            phone=form.phone.data,
            contact_person=form.contact_person.data,
            email=form.email.data,
            password=form.password.data,
            locale=language,
        )
        try:
            outcome = services.register_enterprise(get_session(), data, hasher(), now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            _send_registration_email(outcome, data)
            return redirect(url_for("auth.verify_email_sent"))  # the same answer, whoever exists
    return render_template("accounts/register.html", form=form), 422 if request.method == "POST" else 200


def _send_registration_email(outcome: services.RegistrationOutcome, data: services.EnterpriseRegistration) -> None:
    """The new owner gets the confirmation link; an existing owner, a warning instead."""
    existing = outcome.existing
    if outcome.created is not None:
        _send_verification_email(outcome.created)
    elif existing is not None and outcome.conflict == "email":
        emails.queue(
            "registration_exists",
            existing.email,
            existing.locale or current_language(),
            "registration_exists",
            user_id=existing.id,
            user=existing,
            login=emails.absolute_url("auth.login"),
            reset=emails.absolute_url("auth.forgot_password"),
        )
    elif existing is not None:
        emails.queue(
            "registration_nif_taken",
            existing.email,
            existing.locale or current_language(),
            "registration_nif_taken",
            user_id=existing.id,
            user=existing,
            nif=data.nif,
            email=data.email,
        )


def _send_verification_email(user: User) -> None:
    token = tokens.make_email_token(current_app.secret_key, user, now())
    emails.queue(
        "verify_email",
        user.email,
        user.locale or "fr",
        "verify_email",
        user_id=user.id,
        user=user,
        link=emails.absolute_url("auth.verify_email", token=token),
        hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600,
    )


@bp.route("/verify-email")
def verify_email_sent():
    """After registering (not logged in: the answer must not say whether the account is
    new), or when an unconfirmed user logs in."""
    if current_user.is_authenticated and current_user.is_email_verified:
        return redirect(home_for(current_user))
    return render_template("accounts/verify_sent.html", form=EmptyForm())


@bp.route("/verify-email/resend", methods=["POST"])
@login_required
@limiter.limit(EMAIL_LIMIT)
def resend_verification():
    form = EmptyForm()
    if form.validate_on_submit() and not current_user.is_email_verified:
        _send_verification_email(current_user)
        flash(_("A new confirmation e-mail is on its way to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("auth.verify_email_sent"))


@bp.route("/verify-email/<token>")
@writes_on_get
def verify_email(token: str):
    try:
        payload = tokens.read_token(
            current_app.secret_key, "verify-email", token, current_app.config["EMAIL_TOKEN_MAX_AGE"], now()
        )
    except tokens.TokenError as error:
        return render_template("accounts/link_error.html", expired=error.expired, kind="verify"), 400
    user = get_session().get(User, payload["uid"])
    if user is None or not services.confirm_email(get_session(), user, payload.get("email", ""), now()):
        return render_template("accounts/link_error.html", expired=False, kind="verify"), 400
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(home_for(user))
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(EMAIL_LIMIT, methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(get_session(), form.email.data)
        if user is not None and user.is_active:
            token = tokens.make_reset_token(current_app.secret_key, user, now())
            emails.queue(
                "reset_password",
                user.email,
                user.locale or current_language(),
                "reset_password",
                user_id=user.id,
                user=user,
                link=emails.absolute_url("auth.reset_password", token=token),
                minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
            )
        else:  # the same work (an e-mail rendered, queued and sent) and the same answer
            emails.queue(
                "reset_unknown",
                services.normalise_email(form.email.data),
                current_language(),
                "reset_unknown",
                register=emails.absolute_url("auth.register"),
            )
        # Same answer whether the address is known or not: no account enumeration.
        flash(
            _("If an account uses this address, an e-mail with a link to choose a new password is on its way."), "info"
        )
        return redirect(url_for("auth.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_LOGIN"), methods=["POST"])
def reset_password(token: str):
    try:
        payload = tokens.read_token(
            current_app.secret_key, "reset-password", token, current_app.config["RESET_TOKEN_MAX_AGE"], now()
        )
    except tokens.TokenError as error:
        return render_template("accounts/link_error.html", expired=error.expired, kind="reset"), 400
    user = get_session().get(User, payload["uid"])
    if user is None or not user.is_active or not tokens.reset_token_matches(user, payload):
        return render_template("accounts/link_error.html", expired=False, kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(get_session(), user, form.password.data, hasher(), now())
        if user.email_verified_at is None:  # the link came to this mailbox: it is verified
            services.confirm_email(get_session(), user, user.email, now())
        sessions.end()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset.html", form=form), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PreferencesForm(locale=current_user.locale or current_language())
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        flash(_("Your preferences are saved."), "success")
        response = redirect(url_for("auth.account"))
        response.set_cookie(
            "lang",
            form.locale.data,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response
    status = 422 if form.errors else 200
    return _account_page(form=form), status


def _account_page(**forms):
    forms.setdefault("form", PreferencesForm(locale=current_user.locale or current_language()))
    forms.setdefault("password_form", ChangePasswordForm())
    return render_template("accounts/account.html", logout_all_form=EmptyForm(), **forms)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    """A new password: this session goes on with a fresh cookie, every other one ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(
                get_session(), current_user, form.current_password.data, form.password.data, hasher(), now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            sessions.rotate(current_user)
            flash(_("Your password is changed. Your other devices are logged out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form), 422


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if EmptyForm().validate_on_submit():
        current_user.session_version += 1
        sessions.end()
        flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))
