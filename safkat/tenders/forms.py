"""Forms of the officer's tender workspace and of the public tender page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from safkat.bilingual import text_lines
from safkat.forms import CheckboxListField, Form
from safkat.tenders.models import AwardMethod, Category, Procedure

ALGIERS = ZoneInfo("Africa/Algiers")

CATEGORY_LABELS = {
    Category.WORKS: _l("Works"),
    Category.SUPPLIES: _l("Supplies"),
    Category.SERVICES: _l("Services"),
    Category.STUDIES: _l("Studies"),
}
PROCEDURE_LABELS = {
    Procedure.OPEN: _l("Open national call for tender"),
    Procedure.OPEN_MIN_CAPACITY: _l("Open call with minimum capacities"),
    Procedure.RESTRICTED: _l("Restricted call for tender"),
    Procedure.CONSULTATION: _l("Consultation"),
}
AWARD_METHOD_LABELS = {
    AwardMethod.LOWEST_PRICE: _l("Lowest price among compliant offers"),
    AwardMethod.WEIGHTED: _l("Most advantageous offer (weighted technical and financial scores)"),
}
MAX_AMOUNT = Decimal("100000000000")  # 100 billion DZD


def to_utc(local: datetime | None) -> datetime | None:
    """A date and time typed in Algiers time, as aware UTC."""
    return local.replace(tzinfo=ALGIERS).astimezone(UTC) if local else None


def to_local(value: datetime | None) -> datetime | None:
    """An aware UTC datetime as the naive Algiers time a datetime-local field shows."""
    return value.astimezone(ALGIERS).replace(tzinfo=None) if value else None


def to_centimes(amount: Decimal | None) -> int | None:
    return int((amount * 100).to_integral_value()) if amount is not None else None


def from_centimes(value: int | None) -> Decimal | None:
    return Decimal(value) / 100 if value is not None else None


def amount_field(label):
    return DecimalField(
        label, places=2, validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT)], render_kw={"inputmode": "decimal"}
    )


def deadline_field(label, required=True):
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=validators, description=_l("Algiers time."))


ARABIC_INPUT = {"dir": "rtl", "lang": "ar"}
ARABIC_HINT = _l("Optional, but Arabic readers see the French text when it is empty.")


def arabic_field(field_class, label, max_length: int, description=ARABIC_HINT):
    """The optional Arabic version of a public text, validated like its French twin."""
    return field_class(
        label, validators=[Optional(), Length(max=max_length)], render_kw=ARABIC_INPUT, description=description
    )


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """``Méthodologie ; 40`` per line → ``[("Méthodologie", 40)]``; raises ValueError."""
    criteria = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        label, separator, points = line.rpartition(";")
        if not separator or not label.strip() or not points.strip().isdigit():
            raise ValueError(line)
        criteria.append((label.strip(), int(points)))
    return criteria


class TenderForm(Form):
    title_fr = StringField(_l("Title in French"), validators=[DataRequired(), Length(max=300)])
    title_ar = arabic_field(StringField, _l("Title in Arabic"), 300)
    description_fr = TextAreaField(
        _l("Description in French"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown: **bold**, lists with -, links."),
    )
    description_ar = arabic_field(TextAreaField, _l("Description in Arabic"), 20000)
    category = SelectField(_l("Procurement category"), choices=list(CATEGORY_LABELS.items()))
    procedure = SelectField(_l("Procedure"), choices=list(PROCEDURE_LABELS.items()))
    wilayas = CheckboxListField(
        _l("Wilayas of execution"),
        validators=[Optional()],
        description=_l("Tick every wilaya where the work is done."),
    )
    sectors = CheckboxListField(
        _l("Sectors"), coerce=int, validators=[Optional()], description=_l("Tick every sector the call concerns.")
    )
    estimated_budget = amount_field(_l("Estimated budget (DZD, excluding VAT)"))
    is_budget_public = BooleanField(_l("Show the estimated budget to the public"))
    enquiry_deadline = deadline_field(_l("Deadline for questions"), required=False)
    submission_deadline = deadline_field(_l("Submission deadline"), required=False)
    opening_at = deadline_field(_l("Opening of the bids"), required=False)
    opening_place = StringField(_l("Place of the opening session"), validators=[Optional(), Length(max=300)])
    opening_place_ar = arabic_field(StringField, _l("Place of the opening session in Arabic"), 300)
    bid_validity_days = IntegerField(
        _l("Bid validity (days)"), default=90, validators=[InputRequired(), NumberRange(min=1, max=365)]
    )
    execution_days = IntegerField(
        _l("Execution period (days)"), validators=[Optional(), NumberRange(min=1, max=3660)]
    )
    award_method = RadioField(
        _l("Award criteria"), choices=list(AWARD_METHOD_LABELS.items()), default=AwardMethod.LOWEST_PRICE
    )
    technical_weight = IntegerField(
        _l("Technical weight (%)"), default=0, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    financial_weight = IntegerField(
        _l("Financial weight (%)"), default=100, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    criteria = TextAreaField(
        _l("Technical criteria, one per line: label ; maximum points"),
        validators=[Optional(), Length(max=5000)],
        description=_l("For example: Methodology ; 40"),
    )
    criteria_ar = arabic_field(
        TextAreaField,
        _l("Technical criteria in Arabic, one label per line"),
        5000,
        description=_l("Optional: the labels only, in the same order as the French ones; the points are the same."),
    )
    national_preference = BooleanField(_l("Apply the national preference margin at evaluation"))
    requires_technical_offer = BooleanField(_l("A technical offer is required"), default=True)
    required_documents = TextAreaField(
        _l("Documents required from bidders, one per line"), validators=[Optional(), Length(max=5000)]
    )
    required_documents_ar = arabic_field(
        TextAreaField, _l("Documents required from bidders in Arabic, one per line"), 5000
    )

    def validate_criteria(self, field):
        try:
            parse_criteria(field.data)
        except ValueError as error:
            raise ValidationError(_l("Write each criterion as “label ; points”: %(line)s", line=str(error))) from None

    def validate_criteria_ar(self, field):
        labels = text_lines(field.data)
        if any(len(label) > 300 for label in labels):
            raise ValidationError(_l("Each label is at most %(n)s characters.", n=300))
        try:
            french = parse_criteria(self.criteria.data)
        except ValueError:
            return  # the French field reports it
        if labels and len(labels) != len(french):
            raise ValidationError(
                _l("Give one Arabic label per French criterion (%(n)s), in the same order.", n=len(french))
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.award_method.data == AwardMethod.WEIGHTED:
            if (self.technical_weight.data or 0) + (self.financial_weight.data or 0) != 100:
                self.financial_weight.errors.append(_l("The technical and financial weights must add up to 100."))
                valid = False
            if not (self.criteria.data or "").strip():
                self.criteria.errors.append(_l("A weighted award needs its technical criteria."))
                valid = False
        return valid


class LotForm(Form):
    title_fr = StringField(_l("Lot title in French"), validators=[DataRequired(), Length(max=300)])
    title_ar = arabic_field(StringField, _l("Lot title in Arabic"), 300)
    description = TextAreaField(_l("Lot description"), validators=[Optional(), Length(max=5000)])
    estimated_amount = amount_field(_l("Estimated amount (DZD, excluding VAT)"))
    is_reserved = BooleanField(_l("Reserved to micro-enterprises"))


class DocumentForm(Form):
    title = StringField(
        _l("Document title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Specifications (cahier des charges), Plans, Annex 1."),
    )
    file = FileField(_l("File"), validators=[DataRequired()], description=_l("PDF, Word or Excel, ZIP, JPEG or PNG."))


class AmendmentForm(Form):
    reason = TextAreaField(_l("Reason and content of the amendment"), validators=[DataRequired(), Length(max=5000)])
    reason_ar = arabic_field(TextAreaField, _l("Reason and content of the amendment in Arabic"), 5000)
    new_deadline = deadline_field(_l("New submission deadline (extension only)"), required=False)
    new_enquiry_deadline = deadline_field(_l("New deadline for questions"), required=False)
    document_title = StringField(_l("Title of a new or corrected document"), validators=[Optional(), Length(max=200)])
    document = FileField(_l("New or corrected document"))
    replaces = SelectField(_l("It replaces"), validators=[Optional()], coerce=int)


class QuestionForm(Form):
    text = TextAreaField(
        _l("Your question"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("The answer is published for all bidders; your name is not."),
    )


class AnswerForm(Form):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=8000)])
    answer_ar = arabic_field(TextAreaField, _l("Answer in Arabic"), 8000)


class CancelForm(Form):
    reason = TextAreaField(_l("Public reason of the cancellation"), validators=[DataRequired(), Length(max=2000)])
    reason_ar = arabic_field(TextAreaField, _l("Public reason of the cancellation in Arabic"), 2000)


class TenderSearchForm(Form):
    """The public filters (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    procedure = SelectField(_l("Procedure"), validators=[Optional()])
    wilaya = SelectField(_l("Wilaya"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    authority = SelectField(_l("Contracting authority"), validators=[Optional()])
    reserved = BooleanField(_l("Reserved to micro-enterprises"))
    deadline_from = StringField(_l("Deadline from"), render_kw={"type": "date"})
    deadline_to = StringField(_l("Deadline until"), render_kw={"type": "date"})
    budget_min = StringField(_l("Budget from (DZD)"), render_kw={"inputmode": "numeric"})
    budget_max = StringField(_l("Budget up to (DZD)"), render_kw={"inputmode": "numeric"})
    sort = SelectField(
        _l("Sort by"),
        choices=[
            ("relevance", _l("Open tenders first")),
            ("deadline", _l("Nearest deadline")),
            ("published", _l("Most recently published")),
        ],
    )
