"""Walking the page types: as each person, in a language, and through the forms.

``walk`` visits the pages of :mod:`tests.browser.inventory`; ``answer_forms`` reaches the
pages that only a form's answer shows (refused forms, a failed check, the e-mail
confirmation page, the two-factor login's pages).
"""

from __future__ import annotations

from safkat.demo import DEMO_PASSWORD
from tests.browser.inventory import Visit, facts

TWO_FACTOR_OFFICER = "officer2.alger@safkat.dz"  # turns two-factor login on: used nowhere else


def walk(page, server, visits: list[Visit], lang: str, on_page) -> None:
    """Visit each page in ``lang`` as its person (logging in when the person changes) and call
    ``on_page(visit, response)`` once it has loaded with the expected status."""
    who = "nobody yet"
    for visit in visits:
        if visit.who != who:
            page.context.clear_cookies()
            if visit.who is not None:
                page.goto(f"{server.url}/login?lang={lang}")
                page.fill("#email", visit.who)
                page.fill("#password", DEMO_PASSWORD)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
                assert "/login" not in page.url, f"{visit.who} could not log in"
            who = visit.who
        response = page.goto(f"{server.url}{visit.path}{'&' if '?' in visit.path else '?'}lang={lang}")
        assert response.status == visit.status, (visit, response.status)
        on_page(visit, response)


def answer_forms(page, server, lang: str, folder, on_page) -> None:
    """Pages that answer a form: refused forms (422), a failed check, the e-mail confirmation
    page of a new registration; ``on_page(name, response)`` is called on each."""
    url = server.url

    def submit(name: str, selector: str = "main form button[type=submit]") -> None:
        with page.expect_navigation() as navigation:
            page.click(selector)
        on_page(name, navigation.value)

    page.context.clear_cookies()
    page.goto(f"{url}/register?lang={lang}")
    submit("registration with errors")
    page.goto(f"{url}/login?lang={lang}")
    page.fill("#email", "nobody@example.dz")
    page.fill("#password", "wrong password")
    submit("refused login")
    page.goto(f"{url}/password/forgot?lang={lang}")
    page.fill("#email", "nobody@example.dz")
    submit("password reset asked")
    page.goto(f"{url}/receipts/verify?lang={lang}")
    page.fill("main textarea", '{"not": "a receipt"}')
    submit("receipt check")
    page.goto(f"{url}/verify/{facts(server)['public_code']}?lang={lang}")
    forged = folder / "forged.pdf"
    forged.write_bytes(b"%PDF-1.7\nnot the issued document\n%%EOF\n")
    page.set_input_files("#document", str(forged))
    submit("document check, not authentic")
    page.goto(f"{url}/register?lang={lang}")
    for selector, value in {
        "#company_name": "Atelier Sidi Bel Abbès",
        "#nif": f"0003220000009{len(lang)}{ord(lang[0]) % 10}",
        "#nis": f"1984220000009{len(lang)}{ord(lang[0]) % 10}",
        "#artisan_card": "CA-22-0999",
        "#attestation_number": "ANGEM/22/2025/0999",
        "#address": "Rue Larbi Ben M'hidi",
        "#contact_person": "Sid Ahmed",
        "#phone": "0550 99 99 99",
        "#email": f"atelier-{lang}@exemple.dz",
        "#password": "une-phrase-de-passe-2026",
        "#password_confirm": "une-phrase-de-passe-2026",
    }.items():
        page.fill(selector, value)
    page.select_option("#wilaya_code", "22")
    page.check("#sectors-0")
    submit("the page asking to confirm the e-mail address")
    assert page.url.endswith("/verify-email"), page.locator("main .error").all_inner_texts()
    two_factor_pages(page, server, lang, on_page)


def two_factor_pages(page, server, lang: str, on_page) -> None:
    """An officer turns two-factor login on (the recovery codes page); the next time
    (another language), the login asks for the code and the settings page says it is on."""
    import pyotp

    page.context.clear_cookies()
    page.goto(f"{server.url}/login?lang={lang}")
    page.fill("#email", TWO_FACTOR_OFFICER)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.click("main button[type=submit]")
    secret = getattr(server, "two_factor_secret", None)
    if secret:
        assert page.url.split("?")[0].endswith("/login/code")
        on_page("the login asking for the code", navigation.value)
        page.fill("#code", pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.click("main button[type=submit]")
    on_page("two-factor settings", page.goto(f"{server.url}/account/two-factor?lang={lang}"))
    if not secret:
        server.two_factor_secret = page.locator("main code[dir=ltr]").inner_text().replace(" ", "")
        page.fill("#code", pyotp.TOTP(server.two_factor_secret).now())
        with page.expect_navigation() as navigation:
            page.click("main form button[type=submit]")
        on_page("the recovery codes", navigation.value)
    page.context.clear_cookies()
