"""The release's parties: the contracting authority, and the firms once the bids are opened."""

from __future__ import annotations

from safkat.accounts.models import ContractingAuthority, Enterprise
from safkat.opendata.ocds.values import compact
from safkat.wilayas import WILAYAS_BY_CODE

AUTHORITY_SCHEME = "DZ-SAFKAT"
NIF_SCHEME = "DZ-NIF"
NIS_SCHEME = "DZ-NIS"
COUNTRY = "Algérie"


def _region(wilaya_code: str) -> dict:
    wilaya = WILAYAS_BY_CODE.get(wilaya_code)
    return compact({"region": wilaya.name_fr if wilaya else None, "countryName": COUNTRY})


def authority_party_id(authority: ContractingAuthority) -> str:
    return f"{AUTHORITY_SCHEME}-{authority.code}"


def enterprise_party_id(enterprise: Enterprise) -> str:
    return f"{NIF_SCHEME}-{enterprise.nif}"


def authority_party(authority: ContractingAuthority) -> dict:
    return {
        "id": authority_party_id(authority),
        "name": authority.name_fr,
        "name_ar": authority.name_ar,
        "identifier": {"scheme": AUTHORITY_SCHEME, "id": authority.code, "legalName": authority.name_fr},
        "address": _region(authority.wilaya_code),
        "roles": ["buyer", "procuringEntity"],
    }


def enterprise_party(enterprise: Enterprise, roles: list[str]) -> dict:
    """A firm: only its wilaya is published as its address (many micro-entrepreneurs are people)."""
    return {
        "id": enterprise_party_id(enterprise),
        "name": enterprise.name,
        "identifier": {"scheme": NIF_SCHEME, "id": enterprise.nif, "legalName": enterprise.name},
        "additionalIdentifiers": [{"scheme": NIS_SCHEME, "id": enterprise.nis}],
        "address": _region(enterprise.wilaya_code),
        "roles": roles,
    }


def reference(party: dict) -> dict:
    """An organization reference: a party's id and name."""
    return {"id": party["id"], "name": party["name"]}
