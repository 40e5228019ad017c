"""The base of every form: CSRF from Flask-WTF, and text cleaned of control characters.

PostgreSQL refuses NUL bytes in text and no person types other C0 controls, so they are
removed from every text input before validation (newlines and tabs are kept).
"""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget, TextInput

from safkat.i18n import format_dzd
from safkat.money import AmountError, parse_amount

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value):
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [strip_controls, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

    def hidden_tag(self, *fields):
        """The hidden fields (the CSRF token), without the ``id`` Flask-WTF gives them: a page
        often holds several forms, and an ``id`` must be unique in a page."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in fields or self]
        return Markup(
            "\n".join(str(f(id=False)) for f in chosen if f is not None and isinstance(f.widget, HiddenInput))
        )


class CheckboxListField(SelectMultipleField):
    """A choice of several among many (sectors, wilayas) as a list of checkboxes: on a phone,
    and for anyone who does not know Ctrl-click, a multi-select box hides what is chosen.
    The macro ``field`` renders it as a fieldset whose legend is the label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AmountField(StringField):
    """An amount in DZD typed as people type it (see :mod:`safkat.money`); ``data`` is in
    centimes (``None`` when left empty). What was typed is shown back as typed when refused."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, min_centimes=0, max_centimes=10**15, **kwargs):
        kwargs.setdefault("render_kw", {}).update(inputmode="decimal", autocomplete="off", spellcheck="false")
        super().__init__(label, validators, **kwargs)
        self.min_centimes, self.max_centimes = min_centimes, max_centimes

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0] if valuelist else ""
        if not text.strip():
            return
        try:
            centimes = parse_amount(text)
        except AmountError as error:
            raise ValueError(gettext(error.message, **error.params)) from None
        if not self.min_centimes <= centimes <= self.max_centimes:
            raise ValueError(
                gettext(
                    "The amount must be between %(low)s and %(high)s.",
                    low=format_dzd(self.min_centimes),
                    high=format_dzd(self.max_centimes),
                )
            )
        self.data = centimes

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_dzd(self.data, with_currency=False) if self.data is not None else ""
