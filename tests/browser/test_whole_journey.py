"""The whole life of a call for tender, through the browser only, in French and in Arabic.

Two firms register, confirm their e-mail from the link they receive, send their
attestations and are verified by an officer; the officer publishes a call for tender,
answers a question, amends it; both firms bid; the deadline passes (the live server's
clock is moved: the only shortcut); the bids are opened, evaluated, reviewed by a second
officer and provisionally awarded; the unsuccessful firm lodges a complaint, which is
rejected; the award becomes final after the standstill; every official PDF the people
were given is downloaded and checked on /verify/<code>. Every page is a success, in the
person's language and direction, with no error message and no script error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.browser.pages import (
    Person,
    choose_demo_backup,
    mail_pdfs,
    mail_text,
    path_of,
    verify_document,
    verify_pdfs_on,
)
from tests.conftest import find_link

PASSWORD = "une-phrase-de-passe-2026"


@dataclass
class Firm:
    name: str
    email: str
    amount: str  # of its bid, excluding VAT, DZD
    number: int  # makes its identifiers unique

    @property
    def identifiers(self) -> dict[str, str]:
        n = self.number
        return {"#nif": f"0003130000{n:05d}", "#nis": f"1984130000{n:05d}", "#rc_number": f"13/00-{n:07d} B 21"}


FIRMS = {
    "fr": (
        Firm("Fibre Tafna SARL", "tafna@exemple.dz", "2750000.00", 101),
        Firm("Réseaux Chélif EURL", "chelif@exemple.dz", "2900000.00", 202),
    ),
    "ar": (
        Firm("مؤسسة ألياف تافنة", "tafna@mithal.dz", "2750000.00", 303),
        Firm("شبكات الشلف", "chelif@mithal.dz", "2900000.00", 404),
    ),
}
WORDS = {
    "fr": {
        "title": "Raccordement FTTH du quartier El Hamri",
        "question": "Les chambres de tirage sont-elles à la charge du titulaire ?",
        "answer": "Oui, quatre chambres de type L2T.",
        "amendment": "Report d'une semaine de la date limite.",
        "complaint": "Notre offre technique est meilleure.",
        "rejection": "Le marché est attribué au moins-disant parmi les offres conformes.",
        # headings as a French reader sees them
        "register": "Inscrire mon entreprise",
        "minutes": "Procès-verbal d'ouverture des plis",
        "award": "Avis d'attribution",
    },
    "ar": {
        "title": "ربط حي الحمري بالألياف البصرية",
        "question": "هل غرف السحب على عاتق صاحب الصفقة؟",
        "answer": "نعم، أربع غرف من نوع L2T.",
        "amendment": "تمديد آجل إيداع العروض بأسبوع.",
        "complaint": "عرضنا التقني أفضل.",
        "rejection": "منحت الصفقة لأقل عرض من بين العروض المطابقة.",
        "register": "تسجيل مؤسستي",
        "minutes": "محضر فتح الأظرفة",
        "award": "إعلان المنح",
    },
}
OFFICER, REVIEWER = "officer.oran@safkat.dz", "officer2.oran@safkat.dz"


# --- the firms ---------------------------------------------------------------------------------


def register(person: Person, firm: Firm, tmp_path) -> None:
    person.go(f"/register?lang={person.lang}")
    page = person.page
    assert page.get_by_role("heading", level=1).inner_text() == WORDS[person.lang]["register"]
    for selector, value in (
        ("#company_name", firm.name),
        *firm.identifiers.items(),
        ("#attestation_number", "ANADE/31/2025/0042"),
        ("#address", "Cité 500 logements, Oran"),
        ("#contact_person", firm.name.split()[0]),
        ("#phone", "0550 12 34 56"),
        ("#email", firm.email),
        ("#password", PASSWORD),
        ("#password_confirm", PASSWORD),
    ):
        page.fill(selector, value)
    page.select_option("#support_scheme", "anade")
    page.select_option("#wilaya_code", "31")
    page.check("#sectors-0")
    person.submit("main form")
    person.has_account = True
    assert path_of(page.url) == "/verify-email"
    person.see("Confirm your e-mail address")

    (message,) = person.server.mail_to(firm.email)
    assert message["Content-Language"] == person.lang
    person.go(find_link(mail_text(message)))
    person.see("Thank you: your e-mail address is confirmed.")

    person.go("/enterprise")
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(b"%PDF-1.7\n% attestation ANADE\n%%EOF\n")
    page.set_input_files("#trade_register", str(attestation))
    page.set_input_files("#support_attestation", str(attestation))
    person.submit("main form[enctype]")
    person.see("Your documents are sent. An officer will check them; you will get an e-mail.")


def approve(officer: Person, firm: Firm) -> None:
    officer.go("/review/enterprises")
    officer.follow(officer.page.get_by_role("link", name=firm.name))
    officer.page.check("input[name=action][value=approve]")
    officer.submit("main form[method=post]")
    assert firm.name in officer.flash()


# --- the officer's side ------------------------------------------------------------------------


def publish_tender(officer: Person, tmp_path) -> tuple[int, str]:
    """A one-lot call for tender, published; returns its id and its reference."""
    server, page = officer.server, officer.page
    officer.go("/officer/tenders/new")
    page.fill("#title_fr", WORDS["fr"]["title"])
    page.fill("#title_ar", WORDS["ar"]["title"])
    page.fill("#description_fr", "Raccordement de **120** logements en fibre optique.")
    page.fill("#description_ar", "ربط 120 مسكنا بالألياف البصرية.")
    page.select_option("#category", "works")
    page.check("input[name=wilayas][value='31']")
    page.fill("#enquiry_deadline", server.local_time(12))
    page.fill("#submission_deadline", server.local_time(15))
    page.fill("#opening_at", server.local_time(15, 11))
    page.fill("#opening_place", "Direction opérationnelle, Oran")
    officer.submit("main form")
    tender_id = int(re.search(r"/officer/tenders/(\d+)$", page.url).group(1))

    lot = page.locator("form[action$='/lots']")
    lot.locator("#title_fr").fill("Tranchées et fourreaux")
    lot.locator("#title_ar").fill("الخنادق والأغلفة")
    lot.locator("#estimated_amount").fill("3000000")
    lot.locator("#is_reserved").check()
    officer.submit(lot)
    specifications = tmp_path / "cdc.pdf"
    specifications.write_bytes(b"%PDF-1.7\n% cahier des charges El Hamri\n%%EOF\n")
    documents = page.locator("form[action$='/documents']")
    documents.locator("#title").fill("Cahier des charges")
    documents.locator("#file").set_input_files(str(specifications))
    officer.submit(documents)
    officer.follow(f"a[href$='/officer/tenders/{tender_id}/commission']")
    for box in page.locator("input[name=members]").all():  # the authority's three officers
        box.check()
    page.select_option("#chair", label="Karima Benali")
    officer.submit("main form")
    officer.follow("a[href$='/publish']")  # the confirmation page
    officer.submit("form[action$='/publish']")
    reference = re.search(r"AT-ORN/\d{4}/\d{4}", officer.flash()).group(0)
    return tender_id, reference


def answer_question(officer: Person, tender_id: int, words: dict) -> None:
    officer.go(f"/officer/tenders/{tender_id}")
    officer.page.fill("#questions textarea", words["answer"])
    officer.submit("#questions form")


def amend(officer: Person, tender_id: int, words: dict) -> None:
    officer.go(f"/officer/tenders/{tender_id}")
    form = officer.page.locator("form[action$='/amend']")
    form.locator("#reason").fill(words["amendment"])
    form.locator("#new_deadline").fill(officer.server.local_time(22))
    officer.submit(form)


def bid(person: Person, url_reference: str, firm: Firm, tmp_path) -> None:
    person.go(f"/tenders/{url_reference}")
    person.follow(f"a[href$='/tenders/{url_reference}/bid']")
    page = person.page
    lot = page.locator("input[type=checkbox][name^=lot_]")
    lot_id = lot.get_attribute("name").removeprefix("lot_")
    lot.check()
    page.fill(f"#excl_vat_{lot_id}", firm.amount)
    page.fill(f"#vat_{lot_id}", f"{float(firm.amount) * 0.19:.2f}")
    page.fill("#statement", "Équipe de 6 techniciens, 3 mois.")
    offer = tmp_path / "offre.pdf"
    offer.write_bytes(b"%PDF-1.7\n% memoire technique\n%%EOF\n")
    page.set_input_files("#technical_files", str(offer))
    page.set_input_files("#application_files", str(offer))
    person.submit("main form[enctype]", "button[value=review]")
    assert path_of(page.url) == f"/tenders/{url_reference}/bid/review"
    person.see("Your bid is not sealed yet.")
    person.submit("form[action$='/bid/confirm']")
    assert re.search(r"/bids/\d+$", page.url)
    person.see("Your bid is sealed and received. Keep your receipt.")


def evaluate(officer: Person, reviewer: Person, tender_id: int) -> None:
    """Both offers compliant; a second officer confirms the evaluation."""
    officer.go(f"/officer/tenders/{tender_id}/evaluation")
    officer.follow("main table a")
    officer.submit("form[action$='/start']")
    lot_path = path_of(officer.page.url)
    for index in range(2):
        row = officer.page.locator("tr.row-forms").nth(index)
        row.locator("summary").click()
        form = row.locator("form[action$='/compliance']")
        form.locator("input[name=eligible][value=yes]").check()
        form.locator("input[name=technical_pass][value=pass]").check()
        officer.submit(form)
    assert officer.page.locator("text=" + officer.t("To decide")).count() == 0
    reviewer.go(lot_path)
    reviewer.submit("form[action$='/review']")
    reviewer.see("The evaluation of this lot is reviewed.")


# --- the story ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_whole_life_of_a_call_for_tender(browser, live_server, tmp_path, lang):
    live_server.seed_demo()
    words, (winner_firm, loser_firm) = WORDS[lang], FIRMS[lang]
    officer = Person(browser, live_server, lang, OFFICER)
    reviewer = Person(browser, live_server, lang, REVIEWER)
    winner = Person(browser, live_server, lang, winner_firm.email, PASSWORD, registered=False)
    loser = Person(browser, live_server, lang, loser_firm.email, PASSWORD, registered=False)
    public = Person(browser, live_server, lang)

    for person, firm in ((winner, winner_firm), (loser, loser_firm)):
        register(person, firm, tmp_path)
    for firm in (winner_firm, loser_firm):
        approve(officer, firm)
    for person, firm in ((winner, winner_firm), (loser, loser_firm)):
        assert len(live_server.mail_to(firm.email)) == 2  # the link, then the verification's outcome
        person.go("/enterprise")
        person.see("Your enterprise is verified: you can bid on calls for tender.")

    tender_id, reference = publish_tender(officer, tmp_path)
    url_reference = reference.replace("/", "-")
    public.go(f"/tenders?q={words['title'].split()[0]}&lang={lang}")
    public.follow(public.page.get_by_role("link", name=words["title"]))
    assert path_of(public.page.url) == f"/tenders/{url_reference}"
    public.see("Time left:")

    winner.go(f"/tenders/{url_reference}")
    assert winner.download(winner.page.get_by_role("link", name="Cahier des charges")).startswith(b"%PDF")
    winner.page.fill("#text", words["question"])
    winner.submit("#questions form")
    answer_question(officer, tender_id, words)
    amend(officer, tender_id, words)
    assert any(words["amendment"] in mail_text(m) for m in live_server.mail_to(winner_firm.email))
    public.go(f"/tenders/{url_reference}")
    for text in (words["question"], words["answer"], words["amendment"]):
        assert text in public.page.content()

    bid(winner, url_reference, winner_firm, tmp_path)
    bid(loser, url_reference, loser_firm, tmp_path)

    live_server.travel(days=23)  # past the extended deadline
    public.go(f"/tenders/{url_reference}")
    for member in (reviewer, officer):  # two members of the commission, each from their own session
        member.go(f"/officer/tenders/{tender_id}")
        member.follow(f"a[href$='/officer/tenders/{tender_id}/opening']")
        member.page.check("#no_conflict")
        choose_demo_backup(member.page, member.email)  # their share, unsealed in their browser
        member.submit("main form")
    officer.see("The quorum is present: the bids are open.")
    assert officer.page.get_by_role("heading", level=1).inner_text().startswith(words["minutes"])
    assert officer.page.locator("main tbody tr").count() == 2
    assert winner_firm.name in officer.page.content() and loser_firm.name in officer.page.content()

    evaluate(officer, reviewer, tender_id)
    officer.go(f"/officer/tenders/{tender_id}/evaluation")
    officer.follow("a[href$='/award']")  # the confirmation page
    officer.submit("form[action$='/award']")
    officer.see("The provisional award is published; every bidder is told.")

    # The unsuccessful firm learns it by e-mail, complains, and is answered.
    outcome = live_server.mail_to(loser_firm.email)[-1]
    loser.go(find_link(mail_text(outcome)))
    assert path_of(loser.page.url) == f"/tenders/{url_reference}/award"
    loser.page.fill("#grounds", words["complaint"])
    loser.submit("form[action$='/complaints']")
    officer.go(f"/officer/tenders/{tender_id}/evaluation")
    complaint = officer.page.locator("#complaints form")
    complaint.locator("input[name=decision][value=rejected]").check()
    complaint.locator("#answer").fill(words["rejection"])
    officer.submit(complaint)
    loser.go(f"/tenders/{url_reference}/award")
    assert words["rejection"] in loser.page.content()

    live_server.travel(days=11)  # the standstill is over
    officer.go(f"/officer/tenders/{tender_id}/evaluation")
    officer.submit("form[action$='/finalize']")
    officer.see("The award is final; the contract record is created.")
    public.go(f"/tenders/{url_reference}/award")
    assert public.page.get_by_role("heading", level=1).inner_text().startswith(words["award"])
    public.see("Awarded (final)")
    assert winner_firm.name in public.page.content()

    # Every official PDF each person is offered, in their language, checked on /verify/<code>:
    # receipts, the tender notice, the opening minutes, and the award's documents where they exist.
    verified = {}
    for person in (winner, loser):
        person.go("/bids")
        person.follow("main table a")
        verify_pdfs_on(person, path_of(person.page.url), tmp_path, verified)
    for page in ("", "/opening", "/award"):
        verify_pdfs_on(public, f"/tenders/{url_reference}{page}", tmp_path, verified)
    for person, firm in ((winner, winner_firm), (loser, loser_firm)):  # and those sent by e-mail
        for number, message in enumerate(live_server.mail_to(firm.email)):
            for pdf in mail_pdfs(message):
                verified[f"{firm.email} #{number}"] = verify_document(person, pdf, tmp_path)
    print("documents verified:", verified)
    kinds = ("/receipts/", "/notice/", "/opening/minutes/", "/evaluation/summary/", "/award/notice/")
    kinds += ("/letters/", "/award/decisions/")  # each firm's letter; the decision of the final award
    assert all(any(kind in href for href in verified) for kind in kinds), verified
    assert sum("/letters/" in href for href in verified) == 2  # the winner's letter, and the other firm's
    for person in (officer, reviewer, winner, loser, public):
        person.close()
