"""The bid form, built per tender (one line of amounts per lot)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from safkat.forms import AmountField, Form
from safkat.tenders.forms import MAX_AMOUNT

MAX_CENTIMES = int(MAX_AMOUNT * 100)
# What the server accepts (checked by content: safkat.bids.services.BID_DOCUMENT_TYPES), for
# the phone's file picker; the same words are under every file field.
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.zip,.doc,.xls,application/pdf,image/jpeg,image/png,application/zip"
FILE_FIELDS = {
    "application_files": _l("Application file: registration, tax and social documents"),
    "technical_files": _l("Technical offer documents"),
    "financial_files": _l("Price schedule (optional)"),
}


class BidFormBase(Form):
    statement = TextAreaField(
        _l("Technical statement"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Your method, schedule and means. Sealed with the rest of the bid."),
    )


class ConfirmBidForm(Form):
    """The review page's button: seal exactly the draft that was shown."""

    idempotency_key = HiddenField()
    reviewed = HiddenField()


class WithdrawForm(Form):
    confirm = BooleanField(_l("I withdraw this bid. I can still send a new one before the deadline."))


class ReceiptCheckForm(Form):
    receipt = TextAreaField(_l("Receipt (the JSON file's content)"), validators=[Length(max=20000)])


def bid_form_class(tender, max_bytes: int) -> type[BidFormBase]:
    """A form with, for each lot, a checkbox and the amounts excluding VAT and of VAT."""
    files_help = _l(
        "PDF, JPEG, PNG, ZIP, or Word or Excel 97–2003 (.doc, .xls); at most %(mb)s MB per file. "
        "Several files may be chosen.",
        mb=max_bytes // (1024 * 1024),
    )
    fields = {
        name: MultipleFileField(label, description=files_help, render_kw={"accept": ACCEPTED_FILES})
        for name, label in FILE_FIELDS.items()
    }
    for lot in tender.lots:
        fields[f"lot_{lot.id}"] = BooleanField(_l("Lot %(n)s", n=lot.number))
        fields[f"excl_vat_{lot.id}"] = AmountField(
            _l("Amount excluding VAT (DZD)"), min_centimes=1, max_centimes=MAX_CENTIMES
        )
        fields[f"vat_{lot.id}"] = AmountField(_l("VAT (DZD)"), max_centimes=MAX_CENTIMES)
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
            amounts[lot.id] = (excl_vat, form[f"vat_{lot.id}"].data or 0)
    return lot_ids, amounts


def prefill(form, tender, offer: dict, lot_ids: list[int]) -> None:
    """Show a draft's decrypted values in the form."""
    form.statement.data = offer.get("statement", "")
    for lot in tender.lots:
        form[f"lot_{lot.id}"].data = lot.id in lot_ids
        amount = offer.get("amounts", {}).get(str(lot.number))
        if amount:
            form[f"excl_vat_{lot.id}"].data = amount["excl_vat"]
            form[f"vat_{lot.id}"].data = amount["vat"]
