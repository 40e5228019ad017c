"""The release schema that our packages declare: OCDS 1.1 core patched with its extensions.

Each extension's ``release-schema.json`` is a JSON Merge Patch (RFC 7386) of the core
schema, as the OCDS extension mechanism defines; the copies live in
``ocds_schema/extensions/<name>/`` with their licence and source, so validation is offline.
"""

from __future__ import annotations

import copy
import json

from safkat.opendata.ocds.publisher import SCHEMA_DIR

# The extensions the packages declare (their URLs are in :mod:`.publisher`), by local folder.
DECLARED_EXTENSIONS = ("bids",)


def merge_patch(target: object, patch: object) -> object:
    """RFC 7386: objects merge key by key, ``null`` removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def release_schema(extensions: tuple[str, ...] = DECLARED_EXTENSIONS) -> dict:
    """The core release schema with every declared extension's patch applied, in order."""
    schema = _load(SCHEMA_DIR / "release-schema.json")
    for name in extensions:
        schema = merge_patch(schema, _load(SCHEMA_DIR / "extensions" / name / "release-schema.json"))
    return schema
