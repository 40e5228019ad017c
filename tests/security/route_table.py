"""Who may do what, route by route: the expectations of ``test_route_matrix.py``.

One entry per endpoint of the URL map, ``endpoint: [on(kind, GET=..., POST=..., PUT=...)]``.
``kind`` names the tender (and its objects) the URL is built from: ``open``, ``draft`` or
``awarded`` (see ``matrix_world.py``); ``args`` points a URL argument at another value of
the world. Each method maps every role to the outcome expected when that role sends the
request (writes carry a valid CSRF token and an empty form): a status code, ``LOGIN``
(a redirect to the login page), or a set of acceptable codes.

A route added to the application without an entry here fails the matrix test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.matrix_world import ROLES

LOGIN = "login"


@dataclass(frozen=True)
class Case:
    kind: str
    expected: dict[str, dict[str, object]]  # method → role → outcome
    args: dict[str, str] = field(default_factory=dict)  # URL argument → name of the world's value


def on(kind: str, args: dict[str, str] | None = None, **methods: dict[str, object]) -> Case:
    return Case(kind, methods, args or {})


def roles(default: object, **outcomes: object) -> dict[str, object]:
    unknown = set(outcomes) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: outcomes.get(role, default) for role in ROLES}


def everyone(outcome: object) -> dict[str, object]:
    return roles(outcome)


def signed_in(outcome: object) -> dict[str, object]:
    return roles(outcome, anonymous=LOGIN)


def firms(outcome: object) -> dict[str, object]:
    """Members of any enterprise, verified or not."""
    return roles(403, anonymous=LOGIN, unverified=outcome, verified=outcome, other_firm=outcome)


def firm_1(outcome: object, others: object = 403) -> dict[str, object]:
    """Firm 1 only: its bid, its receipts, its notifications."""
    return roles(others, anonymous=LOGIN, verified=outcome)


def officer_a(outcome: object) -> dict[str, object]:
    """The officers of the authority that owns the tender."""
    return roles(403, anonymous=LOGIN, officer=outcome)


def officers(outcome: object) -> dict[str, object]:
    return roles(403, anonymous=LOGIN, officer=outcome, other_officer=outcome)


def staff(outcome: object) -> dict[str, object]:
    return roles(403, anonymous=LOGIN, officer=outcome, other_officer=outcome, admin=outcome)


def admin_only(outcome: object) -> dict[str, object]:
    return roles(403, anonymous=LOGIN, admin=outcome)


def signed_out(outcome: object, signed_in_outcome: object = 302) -> dict[str, object]:
    """Pages for visitors: people already logged in are sent to their home page."""
    return roles(signed_in_outcome, anonymous=outcome)


GARBAGE_TOKEN = {"token": "garbage_token"}
CONTRACT_READERS = roles(403, anonymous=LOGIN, verified=200, officer=200, admin=200)  # firm 1's contract

TABLE: dict[str, list[Case]] = {
    # --- public pages and open data ---------------------------------------------------------
    "core.index": [on("open", GET=everyone(200))],
    "core.favicon": [on("open", GET=everyone(200))],
    "core.manifest": [on("open", GET=everyone(200))],
    "core.healthz": [on("open", GET=everyone(200))],
    "core.readyz": [on("open", GET=everyone(200))],
    "static": [on("open", GET=everyone(200))],
    "tenders.list_tenders": [on("open", GET=everyone(200))],
    "tenders.show_tender": [on("open", GET=everyone(200)), on("draft", GET=everyone(404))],
    "tenders.download_document": [on("open", GET=everyone(200)), on("draft", GET=everyone(404))],
    "tenders.ask_question": [on("open", POST=firms(302)), on("draft", POST=roles(404, anonymous=LOGIN))],
    "api.list_tenders": [on("open", GET=everyone(200))],
    "api.show_tender": [on("open", GET=everyone(200)), on("draft", GET=everyone(404))],
    "api.openapi_document": [on("open", GET=everyone(200))],
    "feeds.tenders_atom": [on("open", GET=everyone(200))],
    "ocds.list_releases": [on("awarded", GET=everyone(200))],
    "ocds.show_releases": [on("awarded", GET=everyone(200))],
    "ocds.show_record": [on("awarded", GET=everyone(200))],
    "stats.show_dashboard": [on("open", GET=everyone(200))],
    "stats.show_authority": [on("open", args={"code": "authority_code"}, GET=everyone(200))],
    "stats.download_csv": [on("open", GET=everyone(200))],
    "bids.minutes": [on("awarded", GET=everyone(200)), on("open", GET=everyone(404))],
    "bids.signing_key": [on("open", GET=everyone(200))],
    "bids.verify": [on("open", GET=everyone(200), POST=everyone(200))],
    "awards.notice": [on("awarded", GET=everyone(200)), on("open", GET=everyone(404))],
    "documents.tender_notice": [on("open", GET=everyone(200)), on("draft", GET=everyone(404))],
    "documents.opening_minutes": [on("awarded", GET=everyone(200)), on("open", GET=everyone(404))],
    "documents.award_notice": [on("awarded", GET=everyone(200)), on("open", GET=everyone(404))],
    "documents.evaluation_summary": [on("awarded", GET=everyone(200)), on("open", GET=everyone(404))],
    "documents.award_decision": [
        on("awarded", args={"award_id": "final_award_id"}, GET=everyone(200)),
        on("awarded", GET=everyone(404)),  # the provisional award of lot 1 has no decision yet
    ],
    "documents.signing_certificate": [on("open", GET=everyone(200))],
    "documents.find_document": [on("open", GET=everyone(200))],
    "documents.verify_document": [on("open", GET=everyone(200), POST=everyone(422))],
    "documents.download_issued": [on("open", GET=everyone(200))],
    # --- accounts ---------------------------------------------------------------------------
    "auth.login": [on("open", GET=signed_out(200), POST=signed_out(422))],
    "auth.register": [on("open", GET=signed_out(200), POST=signed_out(422))],
    "auth.logout": [on("open", POST=everyone(302))],
    "auth.logout_everywhere": [on("open", POST=everyone(LOGIN))],
    "auth.account": [on("open", GET=signed_in(200), POST=signed_in(302))],
    "auth.change_password": [on("open", POST=signed_in(422))],
    "auth.forgot_password": [on("open", GET=everyone(200), POST=everyone(422))],
    "auth.reset_password": [on("open", args=GARBAGE_TOKEN, GET=everyone(400), POST=everyone(400))],
    "auth.verify_email": [on("open", args=GARBAGE_TOKEN, GET=everyone(400))],
    "auth.verify_email_sent": [on("open", GET=roles(302, anonymous=200))],  # every address here is confirmed
    "auth.resend_verification": [on("open", POST=signed_in(302))],
    "two_factor.login_code": [on("open", GET=everyone(LOGIN), POST=everyone(LOGIN))],  # no password given
    "two_factor.settings": [on("open", GET=staff(200))],
    "two_factor.enable": [on("open", POST=staff(422))],
    "two_factor.disable": [on("open", POST=staff(302))],  # nobody here has it on
    "opening_key.show": [on("open", GET=officers(200))],  # each officer's own key: no object to pick
    "opening_key.create": [on("open", POST=officers(422))],  # an empty form: no public key
    "opening_key.replace": [on("open", POST=officers(422))],
    # --- enterprises and their verification ------------------------------------------------
    "enterprise.overview": [
        on(
            "open",
            GET=roles(404, anonymous=LOGIN, unverified=200, verified=200, other_firm=200),
            POST=roles(404, anonymous=LOGIN, unverified=403, verified=403, other_firm=403),
        )
    ],
    "enterprise.download_document": [
        on(
            "open",
            args={"document_id": "enterprise_document_id"},
            GET=roles(403, anonymous=LOGIN, verified=200, officer=200, other_officer=200, admin=200),
        ),
    ],
    "enterprise.review_list": [on("open", GET=staff(200))],
    "enterprise.review_detail": [on("open", GET=staff(200), POST=staff(422))],
    # --- administration ---------------------------------------------------------------------
    "admin.dashboard": [on("open", GET=admin_only(200))],
    "admin.authorities": [on("open", GET=admin_only(200))],
    "admin.authority": [on("open", GET=admin_only(200), POST=admin_only(422))],
    # /authorities/new refuses the empty form; /<id>/edit keeps the authority's own values.
    "admin.edit_authority": [on("open", GET=admin_only(200), POST=admin_only({302, 422}))],
    "admin.toggle_user": [on("open", POST=admin_only(302))],
    "notifications.outbox": [on("open", GET=admin_only(200))],
    "notifications.retry": [on("open", POST=admin_only(302))],
    # --- notifications ----------------------------------------------------------------------
    "notifications.centre": [on("open", GET=signed_in(200))],
    "notifications.mark_all_read": [on("open", POST=signed_in(302))],
    "notifications.open_notification": [on("open", GET=firm_1(302, others=404))],
    "notifications.subscription": [on("open", GET=firms(200), POST=firms(302))],
    "notifications.unsubscribe": [on("open", args=GARBAGE_TOKEN, GET=everyone(400))],
    # --- bids -------------------------------------------------------------------------------
    "bids.bid_form": [on("open", GET=firms(200), POST=firms(422)), on("draft", GET=roles(404, anonymous=LOGIN))],
    "bids.review_bid": [on("open", GET=firms(302))],  # no draft to review: back to the form
    "bids.confirm_bid": [on("open", POST=firms(400))],  # no reviewed draft named
    "core.amount_preview": [on("open", POST=signed_in(400))],  # JSON only
    "bids.start_upload": [on("open", POST=firms(422))],
    "bids.upload_state": [on("open", GET=firm_1(200, others=404))],
    "bids.upload_chunk": [on("open", PUT=firm_1(400, others=404))],  # no offset: a bad request
    "bids.complete_upload": [on("open", POST=firm_1(422, others=404))],
    "bids.my_bids": [on("open", GET=firms(200))],
    "bids.show_bid": [on("open", GET=firm_1(200), POST=firm_1(422))],
    "bids.download_receipt": [on("open", GET=firm_1(200))],
    "documents.bid_receipt": [on("open", GET=firm_1(200))],
    "awards.explain": [on("awarded", POST=firm_1(302))],
    "awards.lodge": [on("awarded", POST=firms(302))],
    "documents.award_letter": [on("awarded", args={"bid_id": "awarded_bid_id"}, GET=firm_1(200))],
    # --- the authority's workspace ----------------------------------------------------------
    "officer.dashboard": [on("open", GET=officers(200))],
    "officer.new_tender": [on("open", GET=officers(200), POST=officers(422))],
    "officer.manage_tender": [on("draft", GET=officer_a(200)), on("awarded", GET=officer_a(200))],
    "officer.edit_tender": [on("draft", GET=officer_a(200), POST=officer_a(422))],
    "officer.save_lot": [on("draft", GET=officer_a(200), POST=officer_a(422))],
    "officer.delete_lot": [on("draft", POST=officer_a(302))],
    "officer.add_document": [on("draft", POST=officer_a(422))],
    "officer.delete_document": [on("draft", POST=officer_a(302))],
    "officer.publish_tender": [on("draft", POST=officer_a(302))],
    "officer.confirm_publish": [on("draft", GET=officer_a(200)), on("open", GET=officer_a(302))],
    "officer.delete_tender": [on("draft", POST=officer_a(302))],
    "officer.amend_tender": [on("open", POST=officer_a(422))],
    "officer.answer_question": [on("open", POST=officer_a(302))],
    "officer.cancel_tender": [on("open", POST=officer_a(422))],
    "commission.edit": [on("draft", GET=officer_a(200), POST=officer_a(422)), on("open", GET=officer_a(200))],
    "commission.opening": [on("open", GET=officer_a(200)), on("awarded", GET=officer_a(200))],
    "commission.confirm_presence": [
        on("open", POST=officer_a(303)),  # sealed until the deadline: refused, said on the page
        on("awarded", POST=officer_a(303)),  # already open
    ],
    "commission.bid_document": [on("awarded", args={"document_id": "opened_document_id"}, GET=officer_a(200))],
    "commission.request_document": [on("awarded", POST=officer_a(400))],
    "commission.supplied_document": [on("awarded", GET=officer_a(200))],
    # No redistribution under way in the world: nothing to show (404), nothing to answer (back, 303).
    "rekeying.show": [on("open", GET=officer_a(404))],
    "rekeying.reshare": [on("open", POST=officer_a(303))],
    "rekeying.combine": [on("open", POST=officer_a(303))],
    "commission_firm.own_document": [
        on("awarded", args={"bid_id": "awarded_bid_id", "document_id": "opened_document_id"}, GET=firm_1(200))
    ],
    "commission_firm.answer_request": [on("awarded", GET=firm_1(200), POST=firm_1(422))],
    "evaluation.overview": [on("awarded", GET=officer_a(200))],
    "evaluation.lot": [on("awarded", GET=officer_a(200)), on("open", GET=officer_a(200))],
    "evaluation.start_lot": [on("awarded", POST=officer_a(302)), on("open", POST=officer_a(302))],
    "evaluation.compliance": [on("awarded", POST=officer_a(302))],
    "evaluation.scores": [on("awarded", POST=officer_a(302))],
    "evaluation.financial": [on("awarded", POST=officer_a(302))],
    "evaluation.request_explanation": [on("awarded", POST=officer_a(302))],
    "evaluation.decide": [on("awarded", POST=officer_a(302))],
    "evaluation.review": [on("awarded", POST=officer_a(302))],
    "evaluation.publish_award": [on("awarded", POST=officer_a(302))],
    "evaluation.confirm_award": [on("awarded", GET=officer_a(302)), on("open", GET=officer_a(302))],
    "evaluation.answer_complaint": [on("awarded", POST=officer_a(302))],
    "evaluation.finalize": [on("awarded", POST=officer_a(302))],
    "evaluation.sign": [on("awarded", POST=officer_a(302))],
    # A contract's execution: its firm (firm 1), its authority's officers; admins may read it.
    "execution.list_contracts": [on("awarded", GET=roles(200, anonymous=LOGIN, admin=403))],
    "execution.show_contract": [on("awarded", GET=CONTRACT_READERS)],
    "execution.invoice_document": [on("awarded", GET=CONTRACT_READERS)],
    "execution.invoice_receipt": [on("awarded", GET=CONTRACT_READERS)],
    "execution.execution_document": [on("awarded", GET=CONTRACT_READERS)],
    "execution.payment_certificate": [on("awarded", GET=CONTRACT_READERS)],
    "execution.order_service": [on("awarded", POST=officer_a(302))],
    "execution.extend": [on("awarded", POST=officer_a(302))],
    "execution.amend": [on("awarded", POST=officer_a(302))],
    "execution.add_milestone": [on("awarded", POST=officer_a(302))],
    "execution.decide_milestone": [on("awarded", POST=officer_a(302))],
    "execution.record_acceptance": [on("awarded", POST=officer_a(302))],
    "execution.approve_invoice": [on("awarded", POST=officer_a(302))],
    "execution.dispute_invoice": [on("awarded", POST=officer_a(302))],
    "execution.order_payment": [on("awarded", POST=officer_a(302))],
    "execution.record_payment": [on("awarded", POST=officer_a(302))],
    "execution.submit_invoice": [on("awarded", POST=firm_1(302))],
    "execution.resubmit_invoice": [on("awarded", POST=firm_1(302))],
    "execution.deliver_milestone": [on("awarded", POST=firm_1(302))],
    "evaluation.relaunch": [on("awarded", POST=officer_a(302))],
    "documents.evaluation_report": [on("awarded", GET=officer_a(200))],
}
