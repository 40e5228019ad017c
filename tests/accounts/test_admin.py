"""Administration of contracting authorities and officers."""

from sqlalchemy import select

from safkat.accounts.models import ContractingAuthority, User
from tests.factories import PASSWORD


def test_admin_creates_an_authority_and_an_officer(login, make, db_session, client):
    admin = login(make.admin())
    response = admin.post(
        "/admin/authorities/new",
        data={
            "code": "at-orn",
            "name_fr": "Algérie Télécom Oran",
            "name_ar": "اتصالات الجزائر وهران",
            "wilaya_code": "31",
        },
    )
    assert response.status_code == 302
    authority = db_session.scalar(select(ContractingAuthority).where(ContractingAuthority.code == "AT-ORN"))
    assert authority.name_ar == "اتصالات الجزائر وهران"

    response = admin.post(
        f"/admin/authorities/{authority.id}",
        data={"full_name": "Karima B.", "email": "karima@at.dz", "password": "long enough password"},
    )
    assert response.status_code == 302
    officer = db_session.scalar(select(User).where(User.email == "karima@at.dz"))
    assert officer.role == "officer" and officer.authority_id == authority.id
    assert client.post("/login", data={"email": "karima@at.dz", "password": "long enough password"}).status_code == 302


def test_authority_code_is_checked_and_unique(login, make):
    make.authority(code="AP-ALG")
    admin = login(make.admin())
    bad = admin.post(
        "/admin/authorities/new?lang=en", data={"code": "ap alg!", "name_fr": "x", "name_ar": "س", "wilaya_code": "16"}
    )
    assert bad.status_code == 422 and "capital letters" in bad.get_data(as_text=True)
    dup = admin.post(
        "/admin/authorities/new?lang=en", data={"code": "AP-ALG", "name_fr": "x", "name_ar": "س", "wilaya_code": "16"}
    )
    assert dup.status_code == 422 and "already uses this code" in dup.get_data(as_text=True)


def test_disabling_an_officer_ends_its_sessions(login, make):
    officer = make.officer()
    officer_client = login(officer)
    assert officer_client.get("/review/enterprises").status_code == 200
    login(make.admin()).post(f"/admin/users/{officer.id}/active", data={})
    assert officer_client.get("/review/enterprises").status_code == 302
    assert login(officer).post("/login", data={"email": officer.email, "password": PASSWORD}).status_code == 422


def test_only_admins_reach_administration(client, login, make):
    for user in (make.officer(), make.bidder()):
        assert login(user).get("/admin/").status_code == 403
        assert login(user).post("/admin/authorities/new", data={"code": "ZZ"}).status_code == 403
    assert client.get("/admin/authorities").status_code == 302
