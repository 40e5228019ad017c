"""OCDS 1.1: every release and record package validated offline against the official
schemas (``safkat/opendata/ocds_schema``), codelist values, nothing sealed before the
opening, the merge rules, the bulk endpoint, the export command and the demo data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from sqlalchemy import select

from safkat.awards import services as awards
from safkat.bids import opening as bid_opening
from safkat.opendata.models import OcdsRelease
from safkat.opendata.ocds.packages import BulkExport
from safkat.opendata.ocds.publisher import (
    BID_EXTENSION,
    DEFAULT_OCID_PREFIX,
    PAGINATION_EXTENSION,
    SCHEMA_DIR,
    Publisher,
    current_publisher,
)
from safkat.opendata.ocds.records import compile_releases
from safkat.opendata.ocds.schema import release_schema
from safkat.opendata.ocds.storage import record_release
from safkat.opendata.ocds.values import iso
from safkat.tenders import services
from tests.awards.conftest import opened  # noqa: F401  (the fixture)
from tests.awards.test_award_journey import STANDSTILL, evaluate_everything
from tests.bids.helpers import document, post_bid
from tests.conftest import START

BASE_URL = "http://safkat.test"


# --- offline validation ---------------------------------------------------------------------------


def _no_network(uri: str):
    raise NoSuchResource(ref=uri)  # every schema must come from the local copy


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


# The release schema is the core one patched with the extensions the packages declare: a
# field of an undeclared extension, or one the extension does not define, fails validation.
SCHEMAS = {"release-schema.json": release_schema()} | {
    name: _schema(name)
    for name in (
        "release-package-schema.json",
        "record-package-schema.json",
        "versioned-release-validation-schema.json",
    )
}
REGISTRY = Registry(retrieve=_no_network).with_resources(
    (schema["id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    """An absolute URI (the rfc3987 package is not installed; this is enough for our URLs)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or "")) and not re.search(r"\s", value)


RELEASE_PACKAGE = Draft4Validator(SCHEMAS["release-package-schema.json"], registry=REGISTRY, format_checker=FORMATS)
RECORD_PACKAGE = Draft4Validator(SCHEMAS["record-package-schema.json"], registry=REGISTRY, format_checker=FORMATS)


def _codes(name: str) -> set[str]:
    with (SCHEMA_DIR / "codelists" / name).open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle) if not row.get("Deprecated")}


CODELISTS = {path.name: _codes(path.name) for path in (SCHEMA_DIR / "codelists").glob("*.csv")}
# The bid extension's bidStatistics codes we use, and our two documented additions to that open codelist.
BID_MEASURES = {"bids", "bidders", "validBids", "lowestValidBidValue", "highestValidBidValue"}
OUR_MEASURES = {"lowestBidValue", "highestBidValue"}


def _schema_errors(validator: Draft4Validator, instance: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def _currencies(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "currency":
                yield item
            else:
                yield from _currencies(item)
    elif isinstance(value, list):
        for item in value:
            yield from _currencies(item)


def check_codelists(release: dict) -> None:
    """Every coded value of a release (or compiled release) comes from its codelist."""
    assert set(release["tag"]) <= CODELISTS["releaseTag.csv"]
    assert release["initiationType"] in CODELISTS["initiationType.csv"]
    tender = release["tender"]
    assert tender["status"] in CODELISTS["tenderStatus.csv"]
    assert tender["procurementMethod"] in CODELISTS["method.csv"]
    assert tender["mainProcurementCategory"] in CODELISTS["procurementCategory.csv"]
    assert set(tender.get("additionalProcurementCategories", [])) <= CODELISTS["extendedProcurementCategory.csv"]
    assert tender["awardCriteria"] in CODELISTS["awardCriteria.csv"]
    assert set(tender["submissionMethod"]) <= CODELISTS["submissionMethod.csv"]
    assert {d["documentType"] for d in tender.get("documents", [])} <= CODELISTS["documentType.csv"]
    for party in release["parties"]:
        assert party["roles"] and set(party["roles"]) <= CODELISTS["partyRole.csv"]
    for award in release.get("awards", []):
        assert award["status"] in CODELISTS["awardStatus.csv"]
    for contract in release.get("contracts", []):
        assert contract["status"] in CODELISTS["contractStatus.csv"]
    assert set(_currencies(release)) <= CODELISTS["currency.csv"]
    for statistic in release.get("bids", {}).get("statistics", []):
        assert statistic["measure"] in BID_MEASURES | OUR_MEASURES
    # Every reference points at a party, every award at the lot items of the tender.
    party_ids = {party["id"] for party in release["parties"]}
    references = [release["buyer"], tender["procuringEntity"], *tender.get("tenderers", [])]
    references += [supplier for award in release.get("awards", []) for supplier in award.get("suppliers", [])]
    assert {reference["id"] for reference in references} <= party_ids
    item_ids = {item["id"] for item in tender["items"]}
    for section in (*release.get("awards", []), *release.get("contracts", [])):
        assert {item["id"] for item in section["items"]} <= item_ids
    award_ids = {award["id"] for award in release.get("awards", [])}
    assert {contract["awardID"] for contract in release.get("contracts", [])} <= award_ids


def undeclared_fields(value, node: dict, path: str = "") -> list[str]:
    """Paths of the fields that neither the core schema nor a declared extension defines (what
    the OCDS Data Review Tool lists as "additional fields")."""
    definitions = SCHEMAS["release-schema.json"]["definitions"]
    while "$ref" in node:
        node = definitions[node["$ref"].rsplit("/", 1)[-1]]
    found = []
    if isinstance(value, dict):
        properties, patterns = node.get("properties", {}), node.get("patternProperties", {})
        for key, item in value.items():
            if key in properties:
                found += undeclared_fields(item, properties[key], f"{path}/{key}")
            elif not any(re.match(pattern, key) for pattern in patterns):
                found.append(f"{path}/{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for item in value:
            found += undeclared_fields(item, node["items"], f"{path}[]")
    return found


def check_release_package(package: dict) -> None:
    assert _schema_errors(RELEASE_PACKAGE, package) == []
    assert package["version"] == "1.1" and BID_EXTENSION in package["extensions"]
    for release in package["releases"]:
        check_codelists(release)
        assert undeclared_fields(release, SCHEMAS["release-schema.json"]) == []
        assert release["tender"].get("tenderers") != [], "an empty array is omitted"


def check_record_package(package: dict) -> None:
    assert _schema_errors(RECORD_PACKAGE, package) == []
    for record in package["records"]:
        compiled = record["compiledRelease"]
        assert compiled["tag"] == ["compiled"] and compiled["ocid"] == record["ocid"]
        check_codelists(compiled)
        dates = [linked["date"] for linked in record["releases"]]
        assert dates == sorted(dates)
        for linked in record["releases"]:
            assert set(linked["tag"]) <= CODELISTS["releaseTag.csv"]


def check_sealed(releases: list[dict], secrets: list[str] = ()) -> None:
    """Up to the opening (the first ``tenderUpdate``), no firm, no bid, no amount is published."""
    for release in releases:
        if "tenderUpdate" in release["tag"]:
            return
        text = json.dumps(release, ensure_ascii=False)
        assert "bids" not in release and "awards" not in release
        assert "tenderers" not in release["tender"] and "numberOfTenderers" not in release["tender"]
        assert [party["roles"] for party in release["parties"]] == [["buyer", "procuringEntity"]]
        for secret in secrets:
            assert secret not in text, f"{secret!r} published before the opening"


def fetch(client, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def check_ocid(client, ocid: str, secrets: list[str] = ()) -> tuple[list[dict], dict]:
    """Fetch and check the release package and the record package of one ocid."""
    package = fetch(client, f"/ocds/releases/{ocid}.json")
    check_release_package(package)
    assert package["uri"] == f"{BASE_URL}/ocds/releases/{ocid}.json"
    releases = package["releases"]
    assert {release["ocid"] for release in releases} == {ocid}
    assert len({release["id"] for release in releases}) == len(releases)
    check_sealed(releases, secrets)
    record_package = fetch(client, f"/ocds/records/{ocid}.json")
    check_record_package(record_package)
    (record,) = record_package["records"]
    assert record_package["packages"] == [package["uri"]]
    assert [linked["url"] for linked in record["releases"]] == [f"{package['uri']}#{r['id']}" for r in releases]
    compiled = record["compiledRelease"]
    assert compiled == compile_releases(releases)
    # Releases are full snapshots: the compiled release says what the latest one says.
    latest = releases[-1]
    assert compiled["tender"]["status"] == latest["tender"]["status"]
    assert [a["status"] for a in compiled.get("awards", [])] == [a["status"] for a in latest.get("awards", [])]
    assert [c["status"] for c in compiled.get("contracts", [])] == [c["status"] for c in latest.get("contracts", [])]
    assert compiled["parties"] == latest["parties"]
    return releases, compiled


def tags_of(db_session, tender) -> list[list[str]]:
    rows = db_session.scalars(select(OcdsRelease).where(OcdsRelease.tender_id == tender.id).order_by(OcdsRelease.id))
    return [row.tag_list for row in rows]


def ocid_of(tender) -> str:
    return "ocds-safkat-" + tender.url_reference


# --- tenders driven through the services ---------------------------------------------------------


def publish_tender(db_session, make, app, clock, officer=None, **overrides):
    """A tender drafted and published through the services (so its first release is ``tender``)."""
    officer = officer or make.officer()
    now = clock.now()
    fields = dict(
        title_fr="Étude de desserte télécom",
        title_ar="دراسة تغطية",
        description_fr="Étude de la desserte d'une zone d'activités.",
        category="works",
        procedure="open",
        wilaya_codes=["31"],
        estimated_budget=3_000_000_00,
        is_budget_public=True,
        enquiry_deadline_at=now + timedelta(days=5),
        submission_deadline_at=now + timedelta(days=15),
        opening_at=now + timedelta(days=15, hours=1),
        opening_place="Siège, salle 2",
        required_documents="Registre du commerce\nAttestation fiscale",
    )
    data = services.TenderData(**(fields | overrides))
    tender = services.create_draft(db_session, officer.authority, officer, data, now)
    services.save_lot(db_session, tender, officer, services.LotData("Zone nord", estimated_amount=1_000_000_00), now)
    services.save_lot(
        db_session, tender, officer, services.LotData("Zone sud", estimated_amount=2_000_000_00, is_reserved=True), now
    )
    services.add_draft_documents(
        db_session,
        tender,
        officer,
        [services.NewDocument("Cahier des charges", "cdc.pdf", io.BytesIO(document("cdc")))],
        app.extensions["safkat.files"],
        app.config["TENDER_UPLOAD_MAX_BYTES"],
        now,
    )
    make.commission(tender, [officer, *(make.officer(authority=officer.authority) for _ in range(2))])
    services.publish(db_session, tender, officer, now, min_days=10, kek=app.extensions["safkat.keys"].kek)
    return tender, officer


def test_a_cancelled_tender_publish_amend_cancel(db_session, make, app, clock, client):
    tender, officer = publish_tender(
        db_session,
        make,
        app,
        clock,
        category="studies",
        procedure="consultation",
        award_method="weighted",
        technical_weight=40,
        financial_weight=60,
        criteria=[("Méthodologie", 60), ("Références", 40)],
    )
    ocid = ocid_of(tender)
    releases, compiled = check_ocid(client, ocid)
    (release,) = releases
    assert release["tag"] == ["tender"] and release["id"] == f"{ocid}-01"
    section = release["tender"]
    assert (section["id"], section["status"], section["title_ar"]) == (tender.reference, "active", "دراسة تغطية")
    assert (section["procurementMethod"], section["mainProcurementCategory"]) == ("limited", "services")
    assert section["additionalProcurementCategories"] == ["consultingServices"]
    assert section["awardCriteria"] == "ratedCriteria" and "Méthodologie (60 points)" in section["awardCriteriaDetails"]
    assert section["value"] == {"amount": 3_000_000, "currency": "DZD"}
    assert [item["id"] for item in section["items"]] == ["lot-1", "lot-2"]
    assert section["items"][1]["unit"]["value"]["amount"] == 2_000_000
    assert "reserved to micro-enterprises" in section["eligibilityCriteria"]
    assert section["tenderPeriod"]["endDate"] == "2026-03-17T09:00:00Z"
    (doc,) = section["documents"]
    assert f"SHA-256: {tender.documents[0].sha256}" in doc["description"]
    assert doc["url"] == f"{current_publisher().base_url}/tenders/{tender.url_reference}/documents/{doc['id'][4:]}"
    assert release["parties"][0]["identifier"] == {
        "scheme": "DZ-SAFKAT",
        "id": tender.authority.code,
        "legalName": tender.authority.name_fr,
    }

    # An amendment: a later deadline and a replaced document.
    clock.advance(days=1)
    new_deadline = tender.submission_deadline_at + timedelta(days=7)
    services.amend(
        db_session,
        tender,
        officer,
        reason="Report demandé par les soumissionnaires.",
        reason_ar="تمديد بطلب من المتعهدين.",
        now=clock.now(),
        new_deadline=new_deadline,
        documents=[services.NewDocument("Cahier des charges v2", "cdc2.pdf", io.BytesIO(document("cdc2")))],
        replaces={0: tender.documents[0].id},
        store=app.extensions["safkat.files"],
        max_bytes=app.config["TENDER_UPLOAD_MAX_BYTES"],
    )
    releases, compiled = check_ocid(client, ocid)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderAmendment"]]
    (amendment,) = compiled["tender"]["amendments"]
    assert amendment["id"] == "amendment-1" and amendment["rationale"].startswith("Report")
    assert amendment["rationale_ar"] == "تمديد بطلب من المتعهدين."  # OCDS's field_lang translation
    assert (amendment["releaseID"], amendment["amendsReleaseID"]) == (releases[1]["id"], releases[0]["id"])
    assert compiled["tender"]["tenderPeriod"]["endDate"] == iso(new_deadline)
    old, new = compiled["tender"]["documents"]
    assert f"Replaced by {new['id']}" in old["description"] and "amendment 1" in new["description"]

    clock.advance(days=1)
    services.cancel(db_session, tender, officer, "Besoin reporté.", clock.now())
    releases, compiled = check_ocid(client, ocid)
    assert tags_of(db_session, tender) == [["tender"], ["tenderAmendment"], ["tenderCancellation"]]
    assert compiled["tender"]["status"] == "cancelled" and compiled["date"] == releases[-1]["date"]
    assert compiled["tender"]["amendments"][-1] == {
        "id": "cancellation",
        "date": iso(clock.now()),
        "rationale": "Besoin reporté.",
        "description": "The call for tender was cancelled.",
    }


def test_nothing_sealed_before_the_opening(db_session, make, app, clock, client, login):
    tender, officer = publish_tender(db_session, make, app, clock)
    firms = [make.bidder(enterprise=make.enterprise(status="verified", name=f"Firme Scellée {n}")) for n in "XY"]
    amounts = [{1: ("1234567.89", "234567.89"), 2: ("2345678.91", "0")}, {1: ("1111111.11", "0")}]
    for firm, offer in zip(firms, amounts, strict=True):
        assert post_bid(login(firm), tender, amounts=offer).status_code == 302
    clock.advance(days=1)
    services.amend(db_session, tender, officer, reason="Précision sur le lot 2.", now=clock.now())
    secrets = [firm.enterprise.name for firm in firms] + [firm.enterprise.nif for firm in firms]
    secrets += ["1234567.89", "123456789", "2345678.91", "1111111.11"]
    releases, _ = check_ocid(client, ocid_of(tender), secrets)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderAmendment"]]
    stored = " ".join(db_session.scalars(select(OcdsRelease.release).where(OcdsRelease.tender_id == tender.id)))
    assert not any(secret in stored for secret in secrets)

    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    make.hand_in_shares(tender)
    bid_opening.open_bids(
        db_session, tender, officer, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now()
    )
    releases, compiled = check_ocid(client, ocid_of(tender))
    opening = releases[-1]
    assert opening["tag"] == ["tenderUpdate"] and opening["tender"]["numberOfTenderers"] == 2
    tenderers = [party for party in opening["parties"] if "tenderer" in party["roles"]]
    assert {party["name"] for party in tenderers} == {"Firme Scellée X", "Firme Scellée Y"}
    assert {party["identifier"]["scheme"] for party in tenderers} == {"DZ-NIF"}
    statistics = {s["id"]: s["value"] for s in opening["bids"]["statistics"]}
    assert statistics["bids"] == 2 and statistics["lot-1-bids"] == 2 and statistics["lot-2-bids"] == 1
    assert (statistics["lot-1-lowestBidValue"], statistics["lot-1-highestBidValue"]) == (1111111.11, 1234567.89)
    assert compiled["tender"]["tenderers"] == [{"id": p["id"], "name": p["name"]} for p in tenderers]


def test_opening_without_bids_makes_the_tender_unsuccessful(db_session, make, app, clock, client):
    tender, officer = publish_tender(db_session, make, app, clock, is_budget_public=False)
    clock.set(tender.submission_deadline_at)
    bid_opening.open_bids(
        db_session, tender, officer, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now()
    )
    bid_opening.open_bids(  # idempotent: no second release
        db_session, tender, officer, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now()
    )
    releases, compiled = check_ocid(client, ocid_of(tender))
    assert [r["tag"] for r in releases] == [["tender"], ["tenderUpdate"]]
    assert compiled["tender"]["status"] == "unsuccessful" and compiled["tender"]["numberOfTenderers"] == 0
    assert "value" not in compiled["tender"] and all("unit" not in item for item in compiled["tender"]["items"])


def test_the_award_journey_releases(db_session, make, opened, clock, client):  # noqa: F811
    tender, officer, firms = opened
    ocid = ocid_of(tender)
    releases, compiled = check_ocid(client, ocid)
    assert [r["tag"] for r in releases] == [["tenderUpdate"]]
    assert compiled["tender"]["numberOfTenderers"] == 4

    reviewer = make.officer(authority=officer.authority)
    evaluate_everything(db_session, tender, officer, reviewer, clock.now())
    awards.publish_provisional_award(db_session, tender, officer, clock.now(), STANDSTILL)
    releases, compiled = check_ocid(client, ocid)
    assert releases[-1]["tag"] == ["award"]
    award1, award2 = compiled["awards"]
    d_nif, a_nif = firms["D"].enterprise.nif, firms["A"].enterprise.nif
    assert (award1["id"], award1["status"], award1["value"]) == (
        "lot-1-award-1",
        "pending",
        {"amount": 500000, "currency": "DZD"},
    )
    assert award1["suppliers"] == [{"id": f"DZ-NIF-{d_nif}", "name": "Firme D"}]
    assert award1["items"][0]["id"] == "lot-1" and award2["suppliers"][0]["id"] == f"DZ-NIF-{a_nif}"
    assert "Amount including VAT: 500000.00 DZD" in award1["description"]
    roles = {party["id"]: party["roles"] for party in compiled["parties"]}
    assert roles[f"DZ-NIF-{d_nif}"] == ["tenderer", "supplier"]
    assert roles[f"DZ-NIF-{firms['B'].enterprise.nif}"] == ["tenderer"]
    statistics = {s["id"]: s["value"] for s in compiled["bids"]["statistics"]}
    assert (statistics["lot-1-validBids"], statistics["lot-1-lowestValidBidValue"]) == (4, 500000)

    # A losing bidder complains; the complaint is rejected with reasons (public).
    complaint = awards.lodge_complaint(
        db_session, tender, tender.lots[0].id, firms["C"], "Prix irréaliste.", clock.now()
    )
    clock.advance(days=3)
    awards.answer_complaint(db_session, complaint, officer, upheld=False, answer="Prix justifié.", now=clock.now())
    releases, compiled = check_ocid(client, ocid)
    assert releases[-1]["tag"] == ["awardUpdate"]
    assert (
        "Complaint rejected on " in compiled["awards"][0]["description"]
        and "Prix justifié." in compiled["awards"][0]["description"]
    )

    clock.advance(days=8)
    contract = awards.finalize(db_session, awards.current_award(db_session, tender.lots[0].id), officer, clock.now())
    awards.finalize(db_session, awards.current_award(db_session, tender.lots[1].id), officer, clock.now())
    releases, compiled = check_ocid(client, ocid)
    assert [r["tag"] for r in releases[-2:]] == [["awardUpdate", "contract"], ["awardUpdate", "contract"]]
    assert compiled["tender"]["status"] == "complete"
    assert [a["status"] for a in compiled["awards"]] == ["active", "active"]
    assert [(c["awardID"], c["status"]) for c in compiled["contracts"]] == [
        ("lot-1-award-1", "pending"),
        ("lot-2-award-1", "pending"),
    ]

    clock.advance(days=2)
    awards.sign_contract(db_session, contract, officer, clock.now())
    releases, compiled = check_ocid(client, ocid)
    assert releases[-1]["tag"] == ["contractUpdate"]
    first = compiled["contracts"][0]
    assert (first["status"], first["dateSigned"], first["value"]["amount"]) == ("active", iso(clock.now()), 500000)
    assert tags_of(db_session, tender) == [
        ["tenderUpdate"],
        ["award"],
        ["awardUpdate"],
        ["awardUpdate", "contract"],
        ["awardUpdate", "contract"],
        ["contractUpdate"],
    ]


def test_an_upheld_complaint_cancels_the_award(db_session, make, opened, clock, client):  # noqa: F811
    tender, officer, firms = opened
    evaluate_everything(db_session, tender, officer, make.officer(authority=officer.authority), clock.now())
    awards.publish_provisional_award(db_session, tender, officer, clock.now(), STANDSTILL)
    complaint = awards.lodge_complaint(db_session, tender, tender.lots[0].id, firms["A"], "Erreur.", clock.now())
    awards.answer_complaint(db_session, complaint, officer, upheld=True, answer="Erreur confirmée.", now=clock.now())
    releases, compiled = check_ocid(client, ocid_of(tender))
    assert releases[-1]["tag"] == ["awardCancellation"]
    award1 = compiled["awards"][0]
    assert award1["status"] == "cancelled" and "Complaint upheld" in award1["description"]
    assert compiled["tender"]["status"] == "active"
    statistics = {s["id"] for s in releases[-1]["bids"]["statistics"]}
    assert "lot-1-validBids" not in statistics and "lot-2-validBids" in statistics  # lot 1 is being re-evaluated
    roles = {party["id"]: party["roles"] for party in compiled["parties"]}
    assert roles[f"DZ-NIF-{firms['D'].enterprise.nif}"] == ["tenderer"]


def test_the_ocid_prefix_is_configurable(db_session, make, app, clock, client):
    app.config["OCID_PREFIX"] = "ocds-test42-"
    try:
        with app.app_context():
            tender, _ = publish_tender(db_session, make, app, clock)
    finally:
        app.config["OCID_PREFIX"] = DEFAULT_OCID_PREFIX
    ocid = "ocds-test42-" + tender.url_reference
    releases, _ = check_ocid(client, ocid)
    assert releases[0]["tender"]["documents"][0]["url"].startswith(BASE_URL + "/tenders/")
    fetch(client, f"/ocds/releases/{ocid_of(tender)}.json", status=404)
    error = fetch(client, "/ocds/records/ocds-safkat-NOPE-2026-0001.json", status=404)
    assert error == {"error": {"code": 404, "message": "No OCDS release has this ocid."}}


def test_a_release_is_never_dated_before_the_previous_one(db_session, make, app, clock):
    tender, _ = publish_tender(db_session, make, app, clock)
    late = record_release(db_session, tender, ["tenderUpdate"], clock.now() - timedelta(days=1))
    assert late.date == clock.now() and json.loads(late.release)["date"] == iso(clock.now())
    assert late.release_id == ocid_of(tender) + "-02"


# --- the merge --------------------------------------------------------------------------------------


def test_merge_rules_on_a_hand_made_case():
    first = {
        "ocid": "ocds-x-1",
        "id": "r1",
        "date": "2026-03-01T10:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "parties": [
            {"id": "a", "name": "A", "roles": ["buyer"], "additionalIdentifiers": [{"id": "1", "scheme": "S"}]},
            {"id": "b", "name": "B", "roles": ["tenderer"]},
        ],
        "tender": {
            "id": "T",
            "title": "Old",
            "description": "To be removed",
            "value": {"amount": 10, "currency": "DZD"},
            "items": [{"id": "lot-1", "quantity": 1}],
            "submissionMethod": ["written", "inPerson"],
        },
    }
    third = {  # dated before the second: merged before it
        "ocid": "ocds-x-1",
        "id": "r3",
        "date": "2026-03-02T10:00:00Z",
        "tag": ["tenderAmendment"],
        "tender": {"id": "T", "title": "Middle", "items": [{"id": "lot-2", "quantity": 2}]},
    }
    second = {
        "ocid": "ocds-x-1",
        "id": "r2",
        "date": "2026-03-05T10:00:00Z",
        "tag": ["award"],
        "initiationType": "tender",
        "parties": [{"id": "a", "roles": ["buyer", "procuringEntity"], "additionalIdentifiers": [{"id": "2"}]}],
        "tender": {
            "id": "T",
            "title": "New",
            "description": None,
            "value": {"amount": 12},
            "items": [{"id": "lot-1", "description": "Lot 1"}],
            "submissionMethod": ["electronicSubmission"],
        },
        "awards": [{"id": 1, "status": "pending"}, {"id": "1", "status": "active"}],
    }
    compiled = compile_releases([first, second, third])
    assert compiled == {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-compiled",
        "date": "2026-03-05T10:00:00Z",
        "tag": ["compiled"],
        "initiationType": "tender",
        "parties": [
            # merged by id; roles (plain values) and additionalIdentifiers (wholeListMerge) replaced whole
            {"id": "a", "name": "A", "roles": ["buyer", "procuringEntity"], "additionalIdentifiers": [{"id": "2"}]},
            {"id": "b", "name": "B", "roles": ["tenderer"]},
        ],
        "tender": {
            "id": "T",
            "title": "New",  # the latest value wins; "description" was removed by a null
            "value": {"amount": 12, "currency": "DZD"},  # objects merge field by field
            "items": [{"id": "lot-1", "quantity": 1, "description": "Lot 1"}, {"id": "lot-2", "quantity": 2}],
            "submissionMethod": ["electronicSubmission"],
        },
        "awards": [{"id": 1, "status": "pending"}, {"id": "1", "status": "active"}],  # 1 and "1" differ
    }
    assert first["tender"]["description"] == "To be removed"  # the inputs are not modified
    with pytest.raises(ValueError):
        compile_releases([])


# --- bulk endpoint and export ------------------------------------------------------------------------


def _three_days_of_releases(db_session, make, app, clock):
    tenders = []
    for day in range(3):
        clock.set(START + timedelta(days=day))
        tender, officer = publish_tender(db_session, make, app, clock)
        tenders.append(tender)
    clock.advance(hours=1)
    services.amend(db_session, tenders[0], tenders[0].created_by, reason="Précision.", now=clock.now())
    return tenders


def test_bulk_endpoint_pages_and_since(db_session, make, app, clock, client):
    _three_days_of_releases(db_session, make, app, clock)
    ids = []
    url = "/ocds/releases.json?per_page=3"
    pages = 0
    while url:
        package = fetch(client, url.removeprefix(BASE_URL))
        check_release_package(package)
        assert PAGINATION_EXTENSION in package["extensions"]
        ids += [release["id"] for release in package["releases"]]
        url = package.get("links", {}).get("next")
        pages += 1
    assert pages == 2 and len(ids) == 4 == len(set(ids))
    second = fetch(client, "/ocds/releases.json?per_page=3&page=2")
    assert second["links"] == {"prev": f"{BASE_URL}/ocds/releases.json?page=1&per_page=3"}
    assert second["uri"] == f"{BASE_URL}/ocds/releases.json?page=2&per_page=3"
    dates = [r["date"] for r in fetch(client, "/ocds/releases.json")["releases"]]
    assert dates == sorted(dates)  # oldest first

    since = fetch(client, "/ocds/releases.json?since=2026-03-03")
    assert [r["date"] for r in since["releases"]] == [
        "2026-03-03T09:00:00Z",
        "2026-03-04T09:00:00Z",
        "2026-03-04T10:00:00Z",
    ]
    assert since["publishedDate"] == "2026-03-04T10:00:00Z" and "links" not in since
    assert len(fetch(client, "/ocds/releases.json?since=2026-03-04T09:00:00Z")["releases"]) == 2
    assert fetch(client, "/ocds/releases.json?since=yesterday", status=400)["error"]["code"] == 400
    fetch(client, "/ocds/releases.json?since=2026-04-01", status=404)
    fetch(client, "/ocds/releases.json?page=9", status=404)

    response = client.get("/ocds/releases.json")
    again = client.get("/ocds/releases.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_export_command_writes_a_valid_bulk_package(db_session, make, app, clock, tmp_path):
    _three_days_of_releases(db_session, make, app, clock)
    runner = app.test_cli_runner()
    target = tmp_path / "ocds.json"
    result = runner.invoke(args=["ocds", "export", "--since", "2026-03-03", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 release(s)" in result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    check_release_package(package)
    assert package["uri"] == f"{BASE_URL}/ocds/bulk/ocds.json"
    assert [r["date"] for r in package["releases"]] == [
        "2026-03-03T09:00:00Z",
        "2026-03-04T09:00:00Z",
        "2026-03-04T10:00:00Z",
    ]

    everything = runner.invoke(args=["ocds", "export", "-"])
    assert everything.exit_code == 0
    check_release_package(json.loads(everything.stdout))

    nothing = runner.invoke(args=["ocds", "export", "--since", "2030-01-01", str(tmp_path / "none.json")])
    assert nothing.exit_code == 1 and "No OCDS release to export since 2030-01-01" in nothing.output
    assert not (tmp_path / "none.json").exists()


def test_the_export_streams_in_batches(db_session, make, app, clock):
    _three_days_of_releases(db_session, make, app, clock)
    export = BulkExport(db_session, batch_size=1)
    out, seen = io.StringIO(), []
    publisher = Publisher("ocds-safkat-", BASE_URL)
    assert export.write(out, uri=f"{BASE_URL}/bulk.json", publisher=publisher, on_release=lambda: seen.append(1)) == 4
    assert len(seen) == 4
    stored = db_session.scalars(select(OcdsRelease.release).order_by(OcdsRelease.date, OcdsRelease.id)).all()
    assert json.loads(out.getvalue())["releases"] == [json.loads(text) for text in stored]


# --- the demo data ----------------------------------------------------------------------------------


def test_all_ocds_output_of_the_demo_data_validates(app, db_session, client, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    ocids = db_session.scalars(select(OcdsRelease.ocid).distinct().order_by(OcdsRelease.ocid)).all()
    assert len(ocids) >= 30
    from safkat.accounts.models import Enterprise

    names = [name for name in db_session.scalars(select(Enterprise.name))]
    tags = set()
    for ocid in ocids:
        releases, compiled = check_ocid(client, ocid, names)
        tags |= {tag for release in releases for tag in release["tag"]}
    assert tags >= {
        "tender",
        "tenderAmendment",
        "tenderCancellation",
        "tenderUpdate",
        "award",
        "awardUpdate",
        "contract",
        "contractUpdate",
        "implementation",
        "implementationUpdate",
        "contractAmendment",
    }

    count, url = 0, "/ocds/releases.json?per_page=500"
    while url:
        package = fetch(client, url.removeprefix(BASE_URL))
        check_release_package(package)
        count += len(package["releases"])
        url = package.get("links", {}).get("next")
    assert count == db_session.query(OcdsRelease).count()

    target = tmp_path / "demo.json"
    assert runner.invoke(args=["ocds", "export", str(target)]).exit_code == 0
    check_release_package(json.loads(target.read_text(encoding="utf-8")))


def test_the_validator_really_checks():
    """A self-test: formats are checked, and an unknown schema is never fetched."""
    package = {
        "uri": "not a uri",
        "version": "1.1",
        "publisher": {"name": "x"},
        "publishedDate": "yesterday",
        "releases": [{"ocid": "o", "id": "1", "date": "2026-13-01", "tag": ["nope"], "initiationType": "tender"}],
    }
    messages = " ".join(_schema_errors(RELEASE_PACKAGE, package))
    assert "'not a uri' is not a 'uri'" in messages and "'yesterday' is not a 'date-time'" in messages
    assert "'2026-13-01' is not a 'date-time'" in messages and "'nope' is not one of" in messages
    remote = Draft4Validator({"$ref": "https://example.org/schema.json"}, registry=REGISTRY)
    with pytest.raises(Exception, match="example.org"):
        remote.validate({})
