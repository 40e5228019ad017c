"""Who publishes the OCDS data, under which ocid prefix, and which version and extensions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from safkat.tenders.models import Tender

OCDS_VERSION = "1.1"
SCHEMA_DIR = Path(__file__).parent.parent / "ocds_schema"  # the official schemas and codelists (tests)
DEFAULT_OCID_PREFIX = "ocds-safkat-"
BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
PAGINATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json"
)


@dataclass(frozen=True)
class Publisher:
    """Who publishes, and under which ocid prefix and base URL."""

    ocid_prefix: str
    base_url: str
    name: str = "Safkat"

    def package_publisher(self) -> dict:
        return {"name": self.name, "uri": self.base_url + "/"}


def current_publisher() -> Publisher:
    """The running application's settings; the ``SAFKAT_*`` environment outside an application."""
    from flask import current_app, has_app_context

    if has_app_context():
        config = current_app.config
        return Publisher(config.get("OCID_PREFIX") or DEFAULT_OCID_PREFIX, config["BASE_URL"])
    from safkat.config import load_settings

    prefix = os.environ.get("SAFKAT_OCID_PREFIX") or DEFAULT_OCID_PREFIX
    return Publisher(prefix, load_settings().base_url.rstrip("/"))


def make_ocid(tender: Tender, prefix: str) -> str:
    return prefix + tender.url_reference
