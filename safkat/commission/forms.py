"""Forms of the commission: naming it, a member's presence at the opening, a document request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from safkat.commission.services import MIN_MEMBERS, MIN_QUORUM
from safkat.forms import Form


class CommissionForm(Form):
    members = SelectMultipleField(
        _l("Members"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("At least three officers of the authority."),
    )
    chair = SelectField(_l("Chair"), coerce=int)  # validate_chair: one of the members
    quorum = IntegerField(
        _l("Quorum"),
        validators=[InputRequired(_l("Give the quorum."))],
        description=_l("How many members must be present to open the bids (at least two)."),
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Optional(), Length(max=2000)],
        description=_l("After publication, the change is published as an amendment with this reason."),
    )

    def validate_members(self, field) -> None:
        if len(set(field.data or [])) < MIN_MEMBERS:
            raise ValidationError(_l("Choose at least %(n)s members.", n=MIN_MEMBERS))

    def validate_chair(self, field) -> None:
        if field.data not in (self.members.data or []):
            raise ValidationError(_l("The chair must be one of the members."))

    def validate_quorum(self, field) -> None:
        members = len(set(self.members.data or []))
        if field.data is not None and not MIN_QUORUM <= field.data <= max(members, MIN_QUORUM):
            raise ValidationError(
                _l("Between %(low)s and the number of members (%(high)s).", low=MIN_QUORUM, high=members)
            )


class PresenceForm(Form):
    no_conflict = BooleanField(
        _l("I am present, and I declare that I have no conflict of interest with any of the bidders listed above.")
    )
    # the member's clear share of the tender's key: filled by the page's script from the
    # member's backup, or pasted from `python -m safkat.keyshare.member unseal`
    share = TextAreaField(_l("Your share (the output of the command)"), filters=[lambda v: v or ""])


class DocumentRequestForm(Form):
    # any value reaches the service, which refuses what may not be asked for (the offer) with its reason
    document = SelectField(_l("Missing document"), validators=[InputRequired()], validate_choice=False)
    note = TextAreaField(
        _l("What is missing or incomplete"), validators=[Optional(), Length(max=2000)], filters=[lambda v: v or ""]
    )


class SupplyDocumentForm(Form):
    file = FileField(_l("Document"), description=_l("PDF, JPEG or PNG."))


class RedistributionReplyForm(Form):
    """A member's part in a redistribution of the tender's key: made by the page's script
    from the member's backup, or pasted from ``python -m safkat.keyshare.member``."""

    reply = TextAreaField(
        _l("Answer of your key tool"),
        validators=[InputRequired(_l("Paste the answer printed by the command-line tool.")), Length(max=20000)],
    )


class OpeningKeyForm(Form):
    """An officer's opening public key: filled in by the browser (page.js), or pasted from
    ``python -m safkat.keyshare.member``. The private key and passphrase are never fields."""

    public_key = TextAreaField(
        _l("Public key"),
        validators=[InputRequired(_l("Paste the public key.")), Length(max=200)],
        description=_l("The line after “Public key:” that the command printed (44 characters)."),
        render_kw={"dir": "ltr", "spellcheck": "false", "autocomplete": "off", "rows": 2},
    )


class ReplaceOpeningKeyForm(OpeningKeyForm):
    understood = BooleanField(
        _l("I understand: tenders already published keep my share sealed to my current key."),
        validators=[InputRequired(_l("Confirm that you understand what replacing your key changes."))],
    )
