"""The JSON API: contents, filters, pages, privacy, caching, errors; every response checked
against the API's own OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker, validate
from openapi_spec_validator import validate as validate_spec

from safkat.opendata import openapi
from safkat.tenders.filters import PUBLIC_STATUSES
from safkat.tenders.models import Amendment, Question, TechnicalCriterion, TenderDocument

BASE_URL = "http://safkat.test"
SPEC = openapi.build(BASE_URL)
API = "/api/v1"


def _resolve(item: dict) -> dict:
    while "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        item = SPEC["components"][kind][name]
    return item


def _documented_response(path: str, method: str, status: int) -> dict:
    """The OpenAPI response object for a request; unknown paths answer with the ``Error`` response."""
    segments = path.removeprefix(API).split("/")
    for template, operations in SPEC["paths"].items():
        parts = template.split("/")
        pairs = list(zip(parts, segments, strict=False))
        if len(parts) == len(segments) and all(p == s or p.startswith("{") for p, s in pairs):
            operation = operations.get(method.lower()) or operations["get"]
            responses = operation["responses"]
            assert str(status) in responses or status >= 400, f"status {status} not documented for {template}"
            return _resolve(responses.get(str(status)) or responses["default"])
    assert status >= 400, f"{path} answered {status} but is not documented"
    return SPEC["components"]["responses"]["Error"]


def check(response, path: str, method: str = "GET"):
    """Validate ``response`` against the OpenAPI document and return it."""
    documented = _documented_response(path, method, response.status_code)
    if response.status_code == 304:
        assert response.data == b""
        return response
    assert response.mimetype == "application/json"
    schema = documented["content"]["application/json"]["schema"]
    validate(
        response.get_json(),
        {**schema, "components": SPEC["components"]},
        cls=OAS30Validator,
        format_checker=oas30_format_checker,
    )
    return response


def get(client, url: str, **kwargs):
    return check(client.get(url, **kwargs), urlsplit(url).path)


def references(response) -> list[str]:
    return [item["reference"] for item in response.get_json()["data"]]


# --- the document itself ------------------------------------------------------------------------


def test_openapi_document_is_valid_and_served(client):
    response = get(client, f"{API}/openapi.json")
    document = response.get_json()
    validate_spec(document)
    assert document == SPEC
    assert document["openapi"] == "3.0.3"
    names = {p["$ref"].rsplit("/", 1)[1] for p in document["paths"]["/tenders"]["get"]["parameters"]}
    assert set(openapi.LIST_PARAMETERS) <= names
    assert document["components"]["parameters"]["status"]["schema"]["enum"] == list(PUBLIC_STATUSES)


def test_schema_catches_a_leaked_field(make, client):
    """The response schemas forbid undocumented fields, so a leak would fail ``check``."""
    make.tender()
    data = get(client, f"{API}/tenders").get_json()
    data["data"][0]["asked_by"] = "someone"
    with pytest.raises(Exception, match="asked_by"):
        validate(
            data,
            {"$ref": "#/components/schemas/TenderList", "components": SPEC["components"]},
            cls=OAS30Validator,
            format_checker=oas30_format_checker,
        )


# --- list -----------------------------------------------------------------------------------------


def test_list_item_contents(make, client, clock):
    authority = make.authority(code="AT-ORN", name_fr="Algérie Télécom Oran", name_ar="اتصالات الجزائر وهران")
    tender = make.tender(authority=authority, reserved=True, wilayas=["31", "46"], lots=3)
    response = get(client, f"{API}/tenders")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    [item] = response.get_json()["data"]
    assert item["reference"] == tender.reference
    assert item["url"] == f"{BASE_URL}/tenders/{tender.url_reference}"
    assert item["title"] == {"fr": tender.title_fr, "ar": tender.title_ar}
    assert item["status"] == "open"
    assert (item["category"], item["procedure"]) == ("works", "open")
    assert item["authority"] == {
        "code": "AT-ORN",
        "name": {"fr": "Algérie Télécom Oran", "ar": "اتصالات الجزائر وهران"},
    }
    assert item["wilayas"] == ["31", "46"]
    assert item["sectors"] == ["telecom_networks"]
    assert (item["estimated_budget"], item["currency"]) == ("1500000.00", "DZD")
    assert item["published_at"] == (clock.now() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert item["submission_deadline_at"] == (clock.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert item["enquiry_deadline_at"].endswith("Z") and item["opening_at"].endswith("Z")
    assert (item["has_reserved_lot"], item["lots_count"]) == (True, 3)


def test_a_listed_summary_is_the_detail_s_own(make, client):
    """The list writes its items from plain rows, the detail from the loaded tender
    (issue 16): for every kind of tender, each field the list shows is the detail's."""
    tenders = [
        make.tender(reserved=True, wilayas=["31", "46"], lots=3),
        make.tender(is_budget_public=False, lots=1, sectors=[]),
        make.tender(state="closed", wilayas=["16"]),
        make.tender(state="cancelled"),
    ]
    listed = {item["reference"]: item for item in get(client, f"{API}/tenders?per_page=100").get_json()["data"]}
    assert set(listed) == {tender.reference for tender in tenders}
    for tender in tenders:
        detail = get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]
        assert {key: detail[key] for key in listed[tender.reference]} == listed[tender.reference]


def test_drafts_and_deleted_tenders_never_listed(make, client):
    public = make.tender()
    make.tender(state="draft", reference="AUX/2026/0998")
    make.tender(status="deleted")
    assert references(get(client, f"{API}/tenders")) == [public.reference]
    assert get(client, f"{API}/tenders").get_json()["meta"]["total"] == 1


def test_filter_by_wilaya_category_and_status(make, client):
    oran = make.tender(wilayas=["31"])
    algiers = make.tender(wilayas=["16"], category="supplies")
    closed = make.tender(state="closed", wilayas=["16"])
    cancelled = make.tender(state="cancelled")
    assert references(get(client, f"{API}/tenders?wilaya=16&sort=published")) == [closed.reference, algiers.reference]
    assert references(get(client, f"{API}/tenders?category=supplies")) == [algiers.reference]
    assert set(references(get(client, f"{API}/tenders?status=open"))) == {oran.reference, algiers.reference}
    closed_items = get(client, f"{API}/tenders?status=closed").get_json()["data"]
    assert [(i["reference"], i["status"]) for i in closed_items] == [(closed.reference, "closed")]
    assert references(get(client, f"{API}/tenders?status=cancelled")) == [cancelled.reference]


def test_full_text_search_in_french_and_arabic(make, client):
    fibre = make.tender()
    copper = make.tender(title_fr="Fourniture de câbles en cuivre", title_ar="توريد كوابل النحاس")
    assert references(get(client, f"{API}/tenders?q=cuivre")) == [copper.reference]
    assert references(get(client, f"{API}/tenders?q=Déploiement fibre")) == [fibre.reference]
    assert references(get(client, f"{API}/tenders?q=deploiement")) == [fibre.reference]  # accents forgiven
    assert references(get(client, f"{API}/tenders?q=النحاس")) == [copper.reference]
    assert references(get(client, f"{API}/tenders?q=الألياف البصرية")) == [fibre.reference]
    assert references(get(client, f"{API}/tenders?q=الالياف")) == [fibre.reference]  # hamza folded
    assert references(get(client, f"{API}/tenders?q=introuvable")) == []


def test_pagination_meta_and_links(make, client, clock):
    made = [make.tender(published_at=clock.now() - timedelta(days=i + 1)) for i in range(5)]
    newest_first = [t.reference for t in made]
    first = get(client, f"{API}/tenders?per_page=2&sort=published&wilaya=31").get_json()
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5, "total_is_exact": True, "pages": 3}
    assert [i["reference"] for i in first["data"]] == newest_first[:2]
    assert first["links"]["prev"] is None
    assert parse_qs(urlsplit(first["links"]["self"]).query) == {
        "wilaya": ["31"],
        "sort": ["published"],
        "page": ["1"],
        "per_page": ["2"],
    }
    assert first["links"]["self"].startswith(f"{BASE_URL}{API}/tenders?")

    second = get(client, first["links"]["next"].removeprefix(BASE_URL)).get_json()
    assert second["meta"]["page"] == 2
    assert [i["reference"] for i in second["data"]] == newest_first[2:4]
    last = get(client, second["links"]["next"].removeprefix(BASE_URL)).get_json()
    assert [i["reference"] for i in last["data"]] == newest_first[4:]
    assert last["links"]["next"] is None
    assert parse_qs(urlsplit(last["links"]["prev"]).query)["page"] == ["2"]

    beyond = get(client, f"{API}/tenders?per_page=2&page=9").get_json()
    assert beyond["data"] == [] and beyond["links"]["next"] is None
    assert parse_qs(urlsplit(beyond["links"]["prev"]).query)["page"] == ["3"]


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        "per_page=100000",
        "per_page=0",
        "per_page=-5",
        "per_page=abc",
        "budget_min=abc",
        "budget_max=-3",
        "deadline_from=2026-13-45",
        "deadline_to=yesterday",
        "status=bogus",
        "wilaya=99",
        "category=<script>",
        "sort=random",
        "reserved=maybe",
        "q=" + "x" * 10_000,
        "q=%22%2A%28)%3A%5E-",
        "q=AND OR NOT NEAR",
        "authority=" + "A" * 500,
        "sector=" + "s" * 500,
    ],
)
def test_absurd_parameters_are_ignored(make, client, query):
    make.tender()
    response = get(client, f"{API}/tenders?{query}")
    assert response.status_code == 200
    assert response.get_json()["meta"]["per_page"] == 20


def test_per_page_accepts_up_to_100(make, client):
    make.tender()
    assert get(client, f"{API}/tenders?per_page=100").get_json()["meta"]["per_page"] == 100
    assert get(client, f"{API}/tenders?per_page=101").get_json()["meta"]["per_page"] == 20


# --- detail ---------------------------------------------------------------------------------------


def test_detail_contents(make, client, db_session, clock):
    tender = make.tender(
        award_method="weighted",
        technical_weight=60,
        financial_weight=40,
        description_fr="## Objet\n\n*Fibre*",
        description_ar="الموضوع",
        required_documents="Registre de commerce\n\nAttestation ANADE\n",
        required_documents_ar="السجل التجاري\nشهادة الوكالة",
        opening_place_ar="مقر المديرية",
    )
    tender.criteria = [
        TechnicalCriterion(position=1, label="Références", label_ar="المراجع", max_points=40),
        TechnicalCriterion(position=2, label="Moyens", max_points=20),
    ]
    old = tender.documents[0]
    new = TenderDocument(
        title="Cahier des charges (v2)",
        original_name="cdc-v2.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256="a" * 64,
        storage_key="api-test-v2",
        uploaded_at=clock.now(),
    )
    tender.documents.append(new)
    db_session.flush()
    old.replaced_by_id = new.id
    deadline = tender.submission_deadline_at
    db_session.add(
        Amendment(
            tender=tender,
            number=1,
            kind="deadline_extension",
            reason="Demande des soumissionnaires",
            reason_ar="طلب المتعهدين",
            old_deadline_at=deadline,
            new_deadline_at=deadline + timedelta(days=7),
            created_at=clock.now(),
            created_by_id=tender.created_by_id,
        )
    )
    db_session.flush()

    data = get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]
    assert data["reference"] == tender.reference and data["status"] == "open"
    assert data["description"] == {"fr": "## Objet\n\n*Fibre*", "ar": "الموضوع"}
    assert data["required_documents"] == ["Registre de commerce", "Attestation ANADE"]
    assert data["required_documents_ar"] == ["السجل التجاري", "شهادة الوكالة"]
    assert data["opening_place_ar"] == "مقر المديرية"
    assert (data["award_method"], data["technical_weight"], data["financial_weight"]) == ("weighted", 60, 40)
    assert data["criteria"] == [
        {"label": "Références", "label_ar": "المراجع", "max_points": 40},
        {"label": "Moyens", "label_ar": None, "max_points": 20},
    ]
    assert [lot["number"] for lot in data["lots"]] == [1, 2]
    assert data["lots"][0] == {
        "number": 1,
        "title": {"fr": "Lot 1", "ar": None},
        "description": "",
        "estimated_amount": "500000.00",
        "is_reserved": False,
    }
    [document] = data["documents"]
    assert document["file_name"] == "cdc-v2.pdf" and document["sha256"] == "a" * 64
    assert document["url"] == f"{BASE_URL}/tenders/{tender.url_reference}/documents/{new.id}"
    [amendment] = data["amendments"]
    assert amendment["kind"] == "deadline_extension" and amendment["reason"] == "Demande des soumissionnaires"
    assert amendment["reason_ar"] == "طلب المتعهدين"
    assert amendment["new_deadline_at"] == (deadline + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["cancel_reason"] is None and data["cancelled_at"] is None


def test_lowest_price_tender_has_no_weights(make, client):
    tender = make.tender()
    data = get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]
    assert (data["award_method"], data["technical_weight"], data["financial_weight"]) == ("lowest_price", None, None)
    assert data["criteria"] == []


def test_only_answered_questions_and_never_the_asker(make, client, db_session, clock):
    tender = make.tender()
    asker = make.bidder(full_name="Karim Asker", email="karim.asker@example.dz")
    officer = tender.created_by
    db_session.add_all(
        [
            Question(
                tender=tender,
                asked_by_id=asker.id,
                text="Le lot 2 inclut-il le génie civil ?",
                asked_at=clock.now(),
                answer="Oui, voir l'article 4.",
                answered_at=clock.now(),
                answered_by_id=officer.id,
            ),
            Question(tender=tender, asked_by_id=asker.id, text="Question sans réponse", asked_at=clock.now()),
        ]
    )
    db_session.flush()
    response = get(client, f"{API}/tenders/{tender.url_reference}")
    assert response.get_json()["data"]["questions"] == [
        {
            "question": "Le lot 2 inclut-il le génie civil ?",
            "answer": "Oui, voir l'article 4.",
            "answer_ar": None,
            "answered_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    ]
    body = response.get_data(as_text=True)
    for secret in ("Question sans réponse", "Karim Asker", "karim.asker", str(asker.enterprise.nif), officer.email):
        assert secret not in body


def test_budget_hidden_when_not_public(make, client):
    tender = make.tender(is_budget_public=False)
    [item] = get(client, f"{API}/tenders").get_json()["data"]
    assert item["estimated_budget"] is None
    data = get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]
    assert data["estimated_budget"] is None
    assert {lot["estimated_amount"] for lot in data["lots"]} == {None}  # lots would add up to the budget
    assert "1500000" not in get(client, f"{API}/tenders/{tender.url_reference}").get_data(as_text=True)
    assert get(client, f"{API}/tenders?budget_min=1").get_json()["data"] == []


def test_cancelled_tender_shows_its_reason(make, client):
    tender = make.tender(state="cancelled")
    data = get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]
    assert (data["status"], data["cancel_reason"]) == ("cancelled", "Besoin annulé")
    assert data["cancelled_at"].endswith("Z")


def test_closed_tender_status(make, client):
    tender = make.tender(state="closed")
    assert get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]["status"] == "closed"


def test_drafts_and_deleted_tenders_are_not_found(make, client, login):
    draft = make.tender(state="draft", reference="AUX/2026/0999")
    deleted = make.tender(status="deleted")
    officer_client = login(draft.created_by)  # even the authority's own officer: the API is public data only
    for tender in (draft, deleted):
        for http in (client, officer_client):
            response = get(http, f"{API}/tenders/{tender.url_reference}")
            assert response.status_code == 404
            assert response.get_json()["error"]["code"] == 404


def test_detail_accepts_the_reference_form(make, client):
    tender = make.tender()
    assert get(client, f"{API}/tenders/{tender.url_reference}").status_code == 200
    assert get(client, f"{API}/tenders/NOPE-2026-0001").status_code == 404
    assert get(client, f"{API}/tenders/{'x' * 3000}").status_code == 404


# --- conditional requests -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/tenders", "/tenders/{ref}", "/openapi.json"])
def test_if_none_match_gives_304(make, client, path):
    tender = make.tender()
    url = API + path.format(ref=tender.url_reference)
    first = get(client, url)
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    again = get(client, url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert get(client, url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


@pytest.mark.parametrize("path", ["/tenders", "/tenders/{ref}"])
def test_if_modified_since_gives_304_until_the_tender_changes(make, client, db_session, clock, path):
    tender = make.tender()
    url = API + path.format(ref=tender.url_reference)
    last_modified = get(client, url).headers["Last-Modified"]
    assert get(client, url, headers={"If-Modified-Since": last_modified}).status_code == 304
    tender.changed_at = clock.advance(minutes=5)
    db_session.flush()
    assert get(client, url, headers={"If-Modified-Since": last_modified}).status_code == 200


@pytest.mark.parametrize("path", ["/tenders", "/tenders/{ref}"])
def test_a_passing_deadline_is_a_change(make, client, clock, path):
    """Open → closed happens with no write at all; a client sending only If-Modified-Since must see it."""
    tender = make.tender()
    url = API + path.format(ref=tender.url_reference)
    first = get(client, url)
    clock.set(tender.submission_deadline_at + timedelta(minutes=1))
    headers = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert get(client, url, headers=headers).status_code == 200
    assert get(client, url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert get(client, f"{API}/tenders/{tender.url_reference}").get_json()["data"]["status"] == "closed"


def test_list_etag_depends_on_filters_and_page(make, client):
    make.tender()
    etags = {
        get(client, f"{API}/tenders?{query}").headers["ETag"] for query in ("", "wilaya=31", "page=2", "per_page=5")
    }
    assert len(etags) == 4
    assert get(client, f"{API}/tenders?wilaya=99").headers["ETag"] == get(client, f"{API}/tenders").headers["ETag"]


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [API, f"{API}/", f"{API}/nothing", f"{API}/tenders/a/b", f"{API}/tenders/"])
def test_unknown_api_paths_are_json_404(client, path):
    response = get(client, path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404 and response.get_json()["error"]["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/tenders", "/openapi.json"])
def test_writes_are_json_405(client, method, path):
    response = check(client.open(API + path, method=method), API + path, method)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert set(response.allow) >= {"GET", "HEAD"} and "POST" not in response.allow


def test_unexpected_error_is_json_500(make, client, monkeypatch):
    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr("safkat.tenders.detail.load", broken)
    response = get(client, f"{API}/tenders/AU1-2026-0001")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == 500 and "boom" not in response.get_data(as_text=True)


def test_html_errors_elsewhere_are_untouched(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
