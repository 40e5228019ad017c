"""Records: the OCDS merge rules, the compiled release, and the record package of one ocid."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence

from safkat.opendata.models import OcdsRelease
from safkat.opendata.ocds.packages import package_metadata
from safkat.opendata.ocds.publisher import BID_EXTENSION, Publisher
from safkat.opendata.ocds.values import iso, parse_iso

# Fields whose arrays are replaced whole when merging (``wholeListMerge`` in the release schema).
WHOLE_LIST_FIELDS = frozenset({"additionalIdentifiers", "additionalClassifications"})
# Release fields left out of a compiled release (``omitWhenMerged``).
OMIT_WHEN_MERGED = ("id", "date", "tag")


def compile_releases(releases: Sequence[dict]) -> dict:
    """The compiled release of one contracting process, by the OCDS merge rules.

    - Releases are taken in date order (a stable sort: same-date releases keep their order).
    - ``id``, ``date`` and ``tag`` of releases are not merged (``omitWhenMerged``); the
      compiled release gets its own id, the latest date and the tag ``compiled``.
    - Objects merge field by field, recursively: the latest value of each field wins; a
      field absent from a later release keeps its earlier value; a field set to ``null``
      in a later release is removed.
    - Arrays whose items are all objects with an ``id`` merge item by item, by ``id``: an
      item seen before merges (recursively) with its earlier self and keeps its position;
      new items are appended. ``additionalIdentifiers`` and ``additionalClassifications``
      (``wholeListMerge``), arrays of plain values, empty arrays and arrays with an item
      without ``id`` are replaced whole by the latest value.
    """
    if not releases:
        raise ValueError("no release to compile")
    ordered = sorted(releases, key=lambda release: parse_iso(release["date"]))
    body: dict = {}
    for release in ordered:
        body = _merge_object(body, {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED})
    latest = ordered[-1]
    ocid = latest["ocid"]
    body.pop("ocid", None)
    return {"ocid": ocid, "id": f"{ocid}-compiled", "date": latest["date"], "tag": ["compiled"], **body}


def _is_identified(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def _merge_object(earlier: dict, later: dict) -> dict:
    merged = dict(earlier)
    for key, value in later.items():
        previous = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict):
            merged[key] = _merge_object(previous if isinstance(previous, dict) else {}, value)
        elif isinstance(value, list) and key not in WHOLE_LIST_FIELDS and _is_identified(value):
            earlier_items = previous if isinstance(previous, list) and _is_identified(previous) else []
            merged[key] = _merge_by_id(earlier_items, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_by_id(earlier: list[dict], later: list[dict]) -> list[dict]:
    items: dict = {}
    for item in earlier:
        items[_identity(item["id"])] = item
    for item in later:
        key = _identity(item["id"])
        items[key] = _merge_object(items.get(key, {}), item)
    return list(items.values())


def _identity(value: object) -> tuple[str, object]:
    """Ids compare by type and value: ``1`` and ``"1"`` are different items."""
    return (type(value).__name__, value)


def record_package(releases: Sequence[OcdsRelease], *, uri: str, package_uri: str, publisher: Publisher) -> dict:
    """The record package of one ocid: linked releases and the compiled release."""
    parsed = [json.loads(row.release) for row in releases]
    latest = max(row.date for row in releases)
    return {
        **package_metadata(uri, publisher, latest, [BID_EXTENSION]),
        "packages": [package_uri],
        "records": [
            {
                "ocid": releases[0].ocid,
                "releases": [
                    {"url": f"{package_uri}#{row.release_id}", "date": iso(row.date), "tag": row.tag_list}
                    for row in sorted(releases, key=lambda row: (row.date, row.id))  # date order, as required
                ],
                "compiledRelease": compile_releases(parsed),
            }
        ],
    }
