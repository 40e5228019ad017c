"""A firm registers in Arabic, confirms its e-mail from the outbox, logs in, and waits."""

import re

from tests.conftest import find_link

PASSWORD = "كلمة-سر-طويلة-2026"


def test_register_in_arabic_and_reach_the_pending_page(page, live_server):
    page.goto(f"{live_server.url}/register?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"

    page.get_by_label("التسمية الاجتماعية").fill("مؤسسة الألياف الغربية")
    page.get_by_label(re.compile("رقم التعريف الجبائي")).fill("000312345678901")
    page.get_by_label(re.compile("رقم التعريف الإحصائي")).fill("198431010012345")
    page.get_by_label(re.compile(r"السجل التجاري")).fill("31/00-1234567 B 20")
    page.get_by_label(re.compile("رقم شهادة")).fill("ANADE/31/2024/118")
    page.get_by_label("الولاية").select_option("31")
    page.get_by_role("group", name="قطاعات النشاط").get_by_role("checkbox").first.check()
    page.get_by_label("العنوان").fill("12 شارع جيش التحرير، وهران")
    page.get_by_label("الشخص المكلف بالاتصال").fill("أمين بوزيد")
    page.get_by_label("الهاتف").fill("0550 12 34 56")
    page.get_by_label("البريد الإلكتروني").fill("amine@fibre-ouest.dz")
    page.get_by_label("كلمة المرور", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("تأكيد كلمة المرور|كلمة المرور مرة أخرى")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("إنشاء الحساب")).click()

    page.wait_for_url(re.compile(r"/verify-email$"))
    assert "أرسلنا رسالة إلى العنوان الذي أدخلته" in page.content()
    assert len(live_server.mailbox.sent) == 1
    message = live_server.mailbox.sent[0]
    assert message["Content-Language"] == "ar"

    # Registering logs nobody in (issue 18): follow the link from the e-mail, then log in.
    page.goto(live_server.url + find_link(message.get_content()))
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("البريد الإلكتروني").fill("amine@fibre-ouest.dz")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()

    page.wait_for_url(re.compile(r"/enterprise$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name=re.compile("في انتظار التحقق")).is_visible()
