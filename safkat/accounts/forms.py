"""Account forms. Every message shown to people is translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from safkat.accounts.models import LegalForm, SupportScheme
from safkat.accounts.passwords import MIN_PASSWORD_LENGTH
from safkat.accounts.validators import is_valid_nif, is_valid_nis, is_valid_rc
from safkat.forms import CheckboxListField, Form

LEGAL_FORM_LABELS = {
    LegalForm.INDIVIDUAL: _l("Sole proprietorship (natural person)"),
    LegalForm.EURL: _l("EURL (single-member limited company)"),
    LegalForm.SARL: _l("SARL (limited liability company)"),
    LegalForm.SNC: _l("SNC (general partnership)"),
    LegalForm.SPA: _l("SPA (joint-stock company)"),
    LegalForm.ARTISAN: _l("Craftsman (artisan card)"),
}
SUPPORT_SCHEME_LABELS = {
    SupportScheme.ANADE: _l("ANADE (formerly ANSEJ)"),
    SupportScheme.ANGEM: _l("ANGEM"),
    SupportScheme.CNAC: _l("CNAC"),
    SupportScheme.NONE: _l("None (not a supported micro-enterprise)"),
}


def _check(predicate, message):
    def validator(_form, field):
        if field.data and not predicate(field.data):
            raise ValidationError(message)

    return validator


def password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("The password must have at least %(min)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Stay logged in on this device"))


class RegistrationForm(Form):
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    legal_form = SelectField(_l("Legal form"), choices=list(LEGAL_FORM_LABELS.items()))
    nif = StringField(
        _l("NIF (tax identification number)"),
        validators=[DataRequired(), _check(is_valid_nif, _l("The NIF must have 15 digits (20 for some entities)."))],
        description=_l("15 digits, as on your tax registration card."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    nis = StringField(
        _l("NIS (statistical identification number)"),
        validators=[DataRequired(), _check(is_valid_nis, _l("The NIS must have 15 digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    rc_number = StringField(
        _l("Trade register number (RC)"),
        validators=[
            Optional(),
            _check(is_valid_rc, _l("Write the RC number as on the extract, e.g. 31/00-1234567 B 20.")),
        ],
        description=_l("For example 31/00-1234567 B 20. Leave empty if you hold an artisan card."),
    )
    artisan_card = StringField(_l("Artisan card number"), validators=[Optional(), Length(max=40)])
    support_scheme = SelectField(_l("Micro-enterprise support scheme"), choices=list(SUPPORT_SCHEME_LABELS.items()))
    attestation_number = StringField(
        _l("Attestation number of the support scheme"), validators=[Optional(), Length(max=60)]
    )
    wilaya_code = SelectField(_l("Wilaya"), validators=[DataRequired()])
    sectors = CheckboxListField(
        _l("Sectors of activity"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one sector."))],
        description=_l("Tick every sector your enterprise works in."),
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    phone = StringField(
        _l("Phone"),
        validators=[
            DataRequired(),
            Regexp(r"^\+?[0-9 ]{9,20}$", message=_l("Write a phone number, e.g. 0550 12 34 56.")),
        ],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    contact_person = StringField(
        _l("Contact person"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = password_field(_l("Password"))
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate(self, extra_validators=None) -> bool:
        # Checks that span fields; per-field validators stop at Optional() on empty input.
        valid = super().validate(extra_validators)
        if not self.rc_number.data and not self.artisan_card.data:
            self.rc_number.errors.append(_l("Give the trade register number or the artisan card number."))
            valid = False
        if self.support_scheme.data != SupportScheme.NONE and not self.attestation_number.data:
            self.attestation_number.errors.append(_l("Give the attestation number of your support scheme."))
            valid = False
        return valid


class EmailForm(Form):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)], render_kw={"autocomplete": "email"}
    )


class ResetPasswordForm(Form):
    password = password_field(_l("New password"))
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = password_field(_l("New password"))
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


def code_field(label, description=None):
    return StringField(
        label,
        description=description,
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class LoginCodeForm(Form):
    code = code_field(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class EnableTwoFactorForm(Form):
    code = code_field(_l("Code shown by the app"))


class DisableTwoFactorForm(Form):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "current-password"}
    )
    code = code_field(_l("Code shown by the app, or a recovery code"))


class EmptyForm(Form):
    """A form with only its CSRF token, for buttons that POST."""


DOCUMENT_HINT = _l("PDF, JPEG or PNG.")


class EnterpriseDocumentsForm(Form):
    trade_register = FileField(_l("Trade register extract or artisan card"), description=DOCUMENT_HINT)
    support_attestation = FileField(
        _l("Attestation of the support scheme (ANADE, ANGEM, CNAC)"), description=DOCUMENT_HINT
    )
    tax_card = FileField(_l("Tax registration card (NIF)"), description=DOCUMENT_HINT)


class ReviewForm(Form):
    action = RadioField(_l("Decision"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason (required to reject or suspend; the enterprise will read it)"),
        validators=[Optional(), Length(max=2000)],
    )


class AuthorityForm(Form):
    code = StringField(
        _l("Code used in tender references"),
        validators=[DataRequired(), Length(max=16)],
        description=_l("For example AT-ORN."),
    )
    name_fr = StringField(_l("Name in French"), validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(
        _l("Name in Arabic"), validators=[DataRequired(), Length(max=200)], render_kw={"dir": "rtl", "lang": "ar"}
    )
    wilaya_code = SelectField(_l("Wilaya"), validators=[DataRequired()])


class StaffUserForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = password_field(_l("Initial password"))


class PreferencesForm(Form):
    locale = SelectField(
        _l("Language of e-mails and pages"), choices=[("fr", "Français"), ("ar", "العربية"), ("en", "English")]
    )
