"""The bid form, built per tender (one line of amounts per lot)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DecimalField, HiddenField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from safkat.forms import Form
from safkat.tenders.forms import MAX_AMOUNT, to_centimes


class BidFormBase(Form):
    idempotency_key = HiddenField()
    statement = TextAreaField(
        _l("Technical statement"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Your method, schedule and means. Sealed with the rest of the bid."),
    )
    application_files = MultipleFileField(
        _l("Application file: registration, tax and social documents"),
        description=_l("PDF, JPEG, PNG or ZIP. Several files may be chosen."),
    )
    technical_files = MultipleFileField(_l("Technical offer documents"))
    financial_files = MultipleFileField(_l("Price schedule (optional)"))


class WithdrawForm(Form):
    confirm = BooleanField(_l("I withdraw this bid. I can still send a new one before the deadline."))


class ReceiptCheckForm(Form):
    receipt = TextAreaField(_l("Receipt (the JSON file's content)"), validators=[Length(max=20000)])


def bid_form_class(tender) -> type[BidFormBase]:
    """A form with, for each lot, a checkbox and the amounts excluding VAT and of VAT."""
    fields = {}
    for lot in tender.lots:
        fields[f"lot_{lot.id}"] = BooleanField(_l("Lot %(n)s", n=lot.number))
        fields[f"excl_vat_{lot.id}"] = DecimalField(
            _l("Amount excluding VAT (DZD)"),
            places=2,
            validators=[Optional(), NumberRange(min=0.01, max=MAX_AMOUNT)],
            render_kw={"inputmode": "decimal"},
        )
        fields[f"vat_{lot.id}"] = DecimalField(
            _l("VAT (DZD)"),
            places=2,
            validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT)],
            render_kw={"inputmode": "decimal"},
        )
    return type("BidForm", (BidFormBase,), fields)


def chosen_lots(form, tender) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """The lots ticked and their amounts in centimes (VAT 0 when left empty)."""
    lot_ids, amounts = [], {}
    for lot in tender.lots:
        if not form[f"lot_{lot.id}"].data:
            continue
        lot_ids.append(lot.id)
        excl_vat = form[f"excl_vat_{lot.id}"].data
        if excl_vat is not None:
            amounts[lot.id] = (to_centimes(excl_vat), to_centimes(form[f"vat_{lot.id}"].data) or 0)
    return lot_ids, amounts


def prefill(form, tender, offer: dict, lot_ids: list[int]) -> None:
    """Show a draft's decrypted values in the form."""
    from decimal import Decimal

    form.statement.data = offer.get("statement", "")
    for lot in tender.lots:
        form[f"lot_{lot.id}"].data = lot.id in lot_ids
        amount = offer.get("amounts", {}).get(str(lot.number))
        if amount:
            form[f"excl_vat_{lot.id}"].data = Decimal(amount["excl_vat"]) / 100
            form[f"vat_{lot.id}"].data = Decimal(amount["vat"]) / 100
