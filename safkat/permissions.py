"""The one place that says who may do what: ``can(user, action, obj)``.

Views call it before acting (and answer 403 when it says no); templates call it only to
hide buttons. Object permissions are decided per object: an enterprise's member may see
that enterprise, not another one.
"""

from __future__ import annotations

from collections.abc import Callable

from safkat.accounts.models import Enterprise, EnterpriseStatus, Role

Rule = Callable[[object, object], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str):
    def register(function: Rule) -> Rule:
        _RULES[action] = function
        return function

    return register


def _is(user, role: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role == role


def is_admin(user) -> bool:
    return _is(user, Role.ADMIN)


def is_officer(user) -> bool:
    return _is(user, Role.OFFICER)


def is_bidder(user) -> bool:
    return _is(user, Role.BIDDER)


def is_member_of(user, enterprise: Enterprise | None) -> bool:
    return is_bidder(user) and enterprise is not None and user.enterprise_id == enterprise.id


@rule("admin.access")
def _admin_access(user, _obj) -> bool:
    return is_admin(user)


@rule("account.two_factor")
def _account_two_factor(user, _obj) -> bool:
    """Two-factor login is offered to staff, who hold the platform's powers."""
    return is_admin(user) or is_officer(user)


@rule("member_key.manage")
def _member_key_manage(user, owner) -> bool:
    """An officer's opening key is made, checked and replaced by that officer alone."""
    return is_officer(user) and owner is not None and owner.id == user.id


@rule("enterprise.view")
def _enterprise_view(user, enterprise) -> bool:
    return is_admin(user) or is_officer(user) or is_member_of(user, enterprise)


@rule("enterprise.submit_documents")
def _enterprise_submit(user, enterprise) -> bool:
    return (
        is_member_of(user, enterprise)
        and user.is_email_verified
        and enterprise.status in (EnterpriseStatus.REGISTERED, EnterpriseStatus.REJECTED)
    )


@rule("enterprise.download_document")
def _enterprise_download(user, enterprise) -> bool:
    return is_admin(user) or is_officer(user) or is_member_of(user, enterprise)


@rule("enterprise.review")
def _enterprise_review(user, _enterprise) -> bool:
    return is_admin(user) or is_officer(user)


@rule("enterprise.bid")
def _enterprise_bid(user, enterprise) -> bool:
    return is_member_of(user, enterprise) and enterprise.is_verified


def is_officer_of(user, authority_id: int | None) -> bool:
    return is_officer(user) and authority_id is not None and user.authority_id == authority_id


@rule("tender.create")
def _tender_create(user, _obj) -> bool:
    return is_officer(user)


@rule("tender.view")
def _tender_view(user, tender) -> bool:
    """Public once published; drafts only for the authority's officers and admins."""
    if tender.status not in ("draft", "deleted"):
        return True
    return tender.status == "draft" and (is_admin(user) or is_officer_of(user, tender.authority_id))


@rule("tender.manage")
def _tender_manage(user, tender) -> bool:
    """Edit a draft, publish, amend, answer questions, cancel: the authority's officers."""
    return is_officer_of(user, tender.authority_id)


@rule("tender.ask")
def _tender_ask(user, _tender) -> bool:
    return is_bidder(user) and user.is_email_verified and user.enterprise.status != EnterpriseStatus.SUSPENDED


@rule("bid.prepare")
def _bid_prepare(user, _tender) -> bool:
    """See the bid form; the service decides whether the bid is accepted, with reasons."""
    return is_bidder(user) and user.is_email_verified


@rule("bid.list")
def _bid_list(user, _obj) -> bool:
    return is_bidder(user)


@rule("bid.view")
def _bid_view(user, bid) -> bool:
    """A bid is seen by its own enterprise only (officers see counts, then the minutes)."""
    return is_bidder(user) and user.enterprise_id == bid.enterprise_id


def is_commission_member(user, tender) -> bool:
    """An officer of the tender's authority named on its commission."""
    commission = tender.commission
    return (
        is_officer_of(user, tender.authority_id)
        and commission is not None
        and commission.member_for(user.id) is not None
    )


@rule("tender.evaluate")
def _tender_evaluate(user, tender) -> bool:
    """Only the commission evaluates, and reads the opened bids (each firm reads its own:
    ``bid.view``)."""
    return is_commission_member(user, tender)


@rule("tender.open")
def _tender_open(user, tender) -> bool:
    """Only the commission's members sit at the opening."""
    return is_commission_member(user, tender)


def _takes_part(user, round_, role: str) -> bool:
    return is_officer_of(user, round_.tender.authority_id) and round_.participant(role, user.id) is not None


@rule("redistribution.reshare")
def _redistribution_reshare(user, round_) -> bool:
    """An old member chosen, when the round started, to re-share their part of the tender's key."""
    return _takes_part(user, round_, "sender")


@rule("redistribution.combine")
def _redistribution_combine(user, round_) -> bool:
    """A member of the new commission, who combines the pieces sealed to them."""
    return _takes_part(user, round_, "recipient")


@rule("evaluation.report")
def _evaluation_report(user, tender) -> bool:
    """The full evaluation report, once written, is the authority's record: all its officers."""
    return is_officer_of(user, tender.authority_id)


def _contract_authority_id(contract) -> int | None:
    return contract.lot.tender.authority_id if contract is not None else None


@rule("contract.list")
def _contract_list(user, _obj) -> bool:
    """The contracts page: a firm's own, or an officer's authority's."""
    return is_bidder(user) or is_officer(user)


@rule("contract.view")
def _contract_view(user, contract) -> bool:
    """A contract's execution and invoices: its firm, its authority's officers, admins."""
    return (
        is_admin(user)
        or is_officer_of(user, _contract_authority_id(contract))
        or (is_bidder(user) and user.enterprise_id == contract.enterprise_id)
    )


@rule("contract.execute")
def _contract_execute(user, contract) -> bool:
    """Service order, extensions, amendments, milestones, acceptance, payments."""
    return is_officer_of(user, _contract_authority_id(contract))


@rule("contract.invoice")
def _contract_invoice(user, contract) -> bool:
    """Submit invoices and declare deliveries: the contract's own firm only."""
    return is_bidder(user) and user.enterprise_id == contract.enterprise_id


@rule("supplied_document.read")
def _supplied_document_read(user, request) -> bool:
    """Documents a firm supplied on request: the commission only."""
    return is_commission_member(user, request.bid.tender)


@rule("document_request.answer")
def _document_request_answer(user, request) -> bool:
    return is_member_of(user, request.bid.enterprise) and user.is_email_verified


def can(user, action: str, obj: object = None) -> bool:
    """Whether ``user`` (possibly anonymous) may do ``action`` on ``obj``."""
    try:
        check = _RULES[action]
    except KeyError:
        raise ValueError(f"unknown permission {action!r}") from None
    return bool(check(user, obj))


def known_actions() -> list[str]:
    return sorted(_RULES)
