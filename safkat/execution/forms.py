"""Forms of a contract's execution page (firm and officer sides)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from safkat.forms import Form

REASON = [InputRequired(), Length(max=2000)]


class ActionForm(Form):
    """A button that only needs its CSRF token (approve, declare a delivery)."""


class ServiceOrderForm(Form):
    starts_on = DateField(_l("Start of the execution (date of the service order)"), validators=[InputRequired()])
    execution_days = IntegerField(
        _l("Execution period (days)"), validators=[InputRequired(), NumberRange(min=1, max=3660)]
    )


class ExtensionForm(Form):
    days = IntegerField(_l("Extension (days)"), validators=[InputRequired(), NumberRange(min=1, max=3660)])
    reason = TextAreaField(_l("Reason"), validators=REASON)


class AmendmentForm(Form):
    direction = RadioField(
        _l("Change of amount"),
        choices=[("increase", _l("Increase")), ("decrease", _l("Decrease"))],
        default="increase",
        validators=[InputRequired()],
    )
    amount = StringField(_l("Amount of the change incl. VAT (DZD), if any"), validators=[Optional(), Length(max=30)])
    days = IntegerField(_l("Change of the period (days, negative to shorten)"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=REASON)


class MilestoneForm(Form):
    title = StringField(_l("Milestone or delivery"), validators=[InputRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])


class MilestoneDecisionForm(Form):
    decision = RadioField(
        _l("Decision"), choices=[("accept", _l("Accept")), ("refuse", _l("Refuse"))], validators=[InputRequired()]
    )
    reason = TextAreaField(_l("Reason (required to refuse)"), validators=[Optional(), Length(max=2000)])


class AcceptanceForm(Form):
    kind = RadioField(
        _l("Acceptance record"),
        choices=[("provisional", _l("Provisional acceptance")), ("final", _l("Final acceptance"))],
        validators=[InputRequired()],
    )
    on = DateField(_l("Date of the acceptance"), validators=[InputRequired()])
    reserves = TextAreaField(_l("Reserves, if any"), validators=[Optional(), Length(max=2000)])


class InvoiceForm(Form):
    number = StringField(_l("Invoice or statement number"), validators=[InputRequired(), Length(max=60)])
    amount = StringField(_l("Amount incl. VAT (DZD)"), validators=[InputRequired(), Length(max=30)])
    document = FileField(_l("The invoice (PDF)"), validators=[FileRequired()])


class ResubmitForm(Form):
    amount = StringField(_l("Corrected amount incl. VAT (DZD)"), validators=[InputRequired(), Length(max=30)])
    document = FileField(_l("The corrected invoice (PDF)"), validators=[FileRequired()])


class DisputeForm(Form):
    reason = TextAreaField(_l("What must be corrected"), validators=REASON)


class DayForm(Form):
    on = DateField(_l("Date"), validators=[InputRequired()])
