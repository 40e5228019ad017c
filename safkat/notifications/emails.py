"""Composing e-mails in the recipient's language and queueing them in the outbox.

This is the presentation side of notifications (it renders templates and builds URLs);
queueing and delivery live in :mod:`safkat.notifications.services`.
"""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from safkat.db import after_commit, get_database, get_session
from safkat.notifications import services
from safkat.notifications.models import OutboxMessage


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail, built on the configured public base URL."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def queue(
    kind: str, recipient: str, locale: str, template: str, *, user_id=None, attachments=(), **context
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` in ``locale`` and queue it, with
    ``attachments``: ``(issued document id, file name)`` pairs or documents to issue.

    The first line of the rendered template is the subject. Delivery is attempted right
    after the request's transaction commits; if it fails, ``safkat notifications send``
    retries it. A message with documents still to issue is left to ``safkat
    notifications send`` altogether, so that no request waits for a PDF to be signed.
    """
    with force_locale(locale):
        rendered = render_template(f"email/{template}.txt", **context).strip()
    subject, _, body = rendered.partition("\n")
    clock = current_app.extensions["safkat.clock"]
    message = services.enqueue_email(
        get_session(),
        kind=kind,
        recipient=recipient,
        subject=subject.strip(),
        body_text=body.strip() + "\n",
        locale=locale,
        user_id=user_id,
        now=clock.now(),
        attachments=attachments,
    )
    if not services.has_documents_to_issue(message):
        app = current_app._get_current_object()
        message_id = message.id
        after_commit(lambda: deliver_now(app, message_id))
    return message


def deliver_now(app, message_id: int) -> None:
    """Send one message at once, in its own transaction (used after the request commits)."""
    database = get_database(app)
    with database.session() as session, session.begin():
        message = session.get(OutboxMessage, message_id)
        if message is not None and message.status == "pending":
            services.deliver(
                session,
                message,
                app.extensions["safkat.mail"],
                app.config["MAIL_SENDER"],
                app.extensions["safkat.clock"].now(),
                app.extensions["safkat.files"],
            )
