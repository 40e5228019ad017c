"""An officer's own opening key page: create it (in the browser or with the command-line
tool), check a backup, replace a lost key. The server receives only public keys."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from safkat.commission import member_keys
from safkat.commission.forms import OpeningKeyForm, ReplaceOpeningKeyForm
from safkat.errors import DomainError
from safkat.keyshare import messages
from safkat.web import flash_domain_error, get_session, now, require

bp = Blueprint("opening_key", __name__, url_prefix="/account/opening-key")

CLI_COMMAND = "python -m safkat.keyshare.member generate my-opening-key.json"
CLI_CHECK = "python -m safkat.keyshare.member check my-opening-key.json"
# page.js error codes (static/js/keyshare/) → the text shown to the officer
SCRIPT_MESSAGES = {
    "short-passphrase": _l("Choose a passphrase of at least 12 characters."),
    "passphrase-mismatch": _l("The two passphrases differ: type the same one twice."),
    "no-backup": _l("Choose your backup file."),
    "wrong-passphrase": _l("Wrong passphrase, or the backup file was altered."),
    "not-a-backup": _l("This file is not a Safkat key backup."),
    "weak-backup": _l("This backup's key derivation is too weak or too costly."),
    "other-key": _l("This backup opens, but it holds another key than the one registered here."),
    "default": _l("Your browser could not do this. Use an up-to-date browser, or the command-line tool."),
}


@bp.app_context_processor
def opening_key_helpers():
    def lacks_opening_key() -> bool:
        """Whether the logged-in officer has yet to make an opening key (for notices)."""
        return (
            current_user.is_authenticated
            and current_user.is_officer
            and (member_keys.active_key(get_session(), current_user) is None)
        )

    return {"lacks_opening_key": lacks_opening_key}


def _page(form=None, replace_form=None, status: int = 200):
    session = get_session()
    key = member_keys.active_key(session, current_user)
    return render_template(
        "commission/opening_key.html",
        key=key,
        key_b64=messages.b64(key.public_key) if key else None,
        sealed_tenders=member_keys.tenders_sealed_to(session, key) if key else [],
        form=form or OpeningKeyForm(),
        replace_form=replace_form or ReplaceOpeningKeyForm(),
        cli_command=CLI_COMMAND,
        cli_check=CLI_CHECK,
        script_messages=SCRIPT_MESSAGES,
    ), status


@bp.route("")
@login_required
def show():
    require("member_key.manage", current_user)
    return _page()


@bp.route("", methods=["POST"])
@login_required
def create():
    require("member_key.manage", current_user)
    form = OpeningKeyForm()
    if form.validate_on_submit():
        try:
            member_keys.register_key(get_session(), current_user, form.public_key.data, now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Your opening key is registered. Keep the backup file and its passphrase safe."), "success")
            return redirect(url_for("opening_key.show"))
    return _page(form=form, status=422)


@bp.route("/replace", methods=["POST"])
@login_required
def replace():
    require("member_key.manage", current_user)
    form = ReplaceOpeningKeyForm()
    if form.validate_on_submit():
        try:
            member_keys.replace_key(get_session(), current_user, form.public_key.data, now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Your new opening key is registered; the old one is revoked."), "success")
            return redirect(url_for("opening_key.show"))
    return _page(replace_form=form, status=422)
