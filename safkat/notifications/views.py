"""The notification centre, subscriptions, one-click unsubscribe, and the outbox for admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import BooleanField, RadioField
from wtforms.validators import Optional

from safkat.accounts.forms import EmptyForm
from safkat.accounts.models import ContractingAuthority, Sector, User
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.forms import CheckboxListField, Form
from safkat.i18n import current_language
from safkat.notifications import services, subscriptions
from safkat.notifications.models import Notification, OutboxMessage, OutboxStatus
from safkat.notifications.unsubscribe import read_token
from safkat.pagination import paginate
from safkat.tenders.forms import CATEGORY_LABELS
from safkat.web import flash_domain_error, get_or_404, get_session, now, require
from safkat.wilayas import wilaya_choices

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread():
    def unread_notifications() -> int:
        if not current_user.is_authenticated or g.get("database_refused"):
            return 0
        return subscriptions.unread_count(get_session(), current_user.id)

    return {"unread_notifications": unread_notifications}


class SubscriptionForm(Form):
    sectors = CheckboxListField(
        _l("Sectors"), validators=[Optional()], description=_l("Tick those you want; none ticked means all.")
    )
    wilayas = CheckboxListField(
        _l("Wilayas"), validators=[Optional()], description=_l("Tick those you want; none ticked means all.")
    )
    categories = CheckboxListField(
        _l("Categories"), validators=[Optional()], description=_l("Tick those you want; none ticked means all.")
    )
    authorities = CheckboxListField(
        _l("Contracting authorities"),
        validators=[Optional()],
        description=_l("Tick those you want; none ticked means all."),
    )
    frequency = RadioField(
        _l("E-mails"),
        choices=[("immediate", _l("At once, one per call for tender")), ("daily", _l("One daily digest"))],
        default="immediate",
    )
    reminders = BooleanField(_l("Remind me of deadlines of calls for tender I follow"), default=True)
    is_active = BooleanField(_l("Send me new calls for tender that match"), default=True)


def _subscription_form(existing) -> SubscriptionForm:
    data = None
    if existing is not None and request.method == "GET":
        data = {name: existing.codes(name) for name in ("sectors", "wilayas", "categories", "authorities")}
        data |= {"frequency": existing.frequency, "reminders": existing.reminders, "is_active": existing.is_active}
    form = SubscriptionForm(data=data) if data else SubscriptionForm()
    language, session = current_language(), get_session()
    form.sectors.choices = [(s.code, s.name(language)) for s in session.scalars(select(Sector).order_by(Sector.code))]
    form.wilayas.choices = wilaya_choices(language)
    form.categories.choices = list(CATEGORY_LABELS.items())
    form.authorities.choices = [
        (a.code, a.name(language))
        for a in session.scalars(select(ContractingAuthority).order_by(ContractingAuthority.code))
    ]
    return form


@bp.route("/subscriptions", methods=["GET", "POST"])
@login_required
def subscription():
    require("bid.list")
    existing = subscriptions.subscription_of(get_session(), current_user)
    form = _subscription_form(existing)
    if form.validate_on_submit():
        data = subscriptions.SubscriptionData(
            form.sectors.data or [],
            form.wilayas.data or [],
            form.categories.data or [],
            form.authorities.data or [],
            form.frequency.data,
            form.reminders.data,
            form.is_active.data,
        )
        try:
            subscriptions.save_subscription(get_session(), current_user, data, now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Your alerts are saved."), "success")
            return redirect(url_for("notifications.subscription"))
    return render_template("notifications/subscription.html", form=form), 422 if form.errors else 200


@bp.route("/notifications")
@login_required
def centre():
    query = select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc())
    page = paginate(get_session(), query, request.args.get("page"))
    return render_template("notifications/centre.html", page=page, form=EmptyForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        subscriptions.mark_read(get_session(), current_user.id, now())
    return redirect(url_for("notifications.centre"))


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    notification = get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    subscriptions.mark_read(get_session(), current_user.id, now(), notification.id)
    return redirect(notification.link)


@bp.route("/unsubscribe/<token>")
@writes_on_get
def unsubscribe(token: str):
    decoded = read_token(current_app.secret_key, token)
    if decoded is None:
        return render_template("accounts/link_error.html", expired=False, kind="unsubscribe"), 400
    user = get_session().get(User, decoded[0])
    if user is None:
        abort(404)
    data = subscriptions.subscription_of(get_session(), user)
    if data is not None:
        if decoded[1] == "subscription":
            data.is_active = False
        else:
            data.reminders = False
    else:
        subscriptions.save_subscription(
            get_session(),
            user,
            subscriptions.SubscriptionData([], [], [], [], reminders=decoded[1] != "reminders", is_active=False),
            now(),
        )
    return render_template("notifications/unsubscribed.html", kind=decoded[1])


@bp.route("/admin/outbox")
@login_required
def outbox():
    require("admin.access")
    status = request.args.get("status", OutboxStatus.DEAD)
    query = select(OutboxMessage).where(OutboxMessage.status == status).order_by(OutboxMessage.id.desc())
    page = paginate(get_session(), query, request.args.get("page"))
    return render_template("notifications/outbox.html", page=page, status=status, form=EmptyForm())


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int):
    require("admin.access")
    message = get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit() and message.status == OutboxStatus.DEAD:
        services.requeue(get_session(), message, now())
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("notifications.outbox"))
