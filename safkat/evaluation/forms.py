"""Forms of the evaluation workspace and of the award steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from safkat.forms import Form
from safkat.tenders.forms import MAX_AMOUNT


class ComplianceForm(Form):
    eligible = RadioField(
        _l("Eligible and compliant"), choices=[("yes", _l("Yes")), ("no", _l("No"))], validators=[InputRequired()]
    )
    technical_pass = RadioField(
        _l("Technical offer"), choices=[("pass", _l("Pass")), ("fail", _l("Fail"))], validators=[Optional()]
    )
    reason = TextAreaField(_l("Reason of a rejection"), validators=[Optional(), Length(max=2000)])


class FinancialForm(Form):
    corrected_amount = DecimalField(
        _l("Corrected amount excluding VAT (DZD)"),
        places=2,
        validators=[Optional(), NumberRange(min=0.01, max=MAX_AMOUNT)],
    )
    correction_note = TextAreaField(
        _l("The correction, shown to the bidder"), validators=[Optional(), Length(max=2000)]
    )
    national_preference = BooleanField(_l("National preference applies"))


class ExplanationRequestForm(Form):
    question = TextAreaField(_l("What the bidder must explain"), validators=[InputRequired(), Length(max=2000)])


class AbnormallyLowDecisionForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[("keep", _l("Keep the offer")), ("reject", _l("Reject the offer"))],
        validators=[InputRequired()],
    )
    justification = TextAreaField(_l("Written justification"), validators=[InputRequired(), Length(max=4000)])


class ExplanationAnswerForm(Form):
    answer = TextAreaField(_l("Your explanation"), validators=[InputRequired(), Length(max=8000)])


class ComplaintForm(Form):
    lot = SelectField(_l("Lot"), coerce=int)
    grounds = TextAreaField(_l("Grounds of the complaint"), validators=[InputRequired(), Length(max=10000)])
    document = FileField(_l("Supporting document (optional)"))


class ComplaintAnswerForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[("rejected", _l("Reject the complaint")), ("upheld", _l("Uphold it: reopen the lot's evaluation"))],
        validators=[InputRequired()],
    )
    answer = TextAreaField(_l("Reasons"), validators=[InputRequired(), Length(max=8000)])


def scores_form_class(tender):
    fields = {
        f"criterion_{c.id}": IntegerField(
            c.label,
            validators=[InputRequired(), NumberRange(min=0, max=c.max_points)],
            description=_l("0 to %(n)s points", n=c.max_points),
        )
        for c in tender.criteria
    }
    return type("ScoresForm", (Form,), fields)
