"""Links that are the same on every page (the stylesheet, the menu), built once.

``url_for`` costs several microseconds a call, and the layout alone asks for ten to
twenty such links on every page. They depend only on the endpoint, its arguments and the
application's root (``SCRIPT_NAME``), so templates ask :func:`fixed_url` for them, which
builds each once per application. A link that depends on the request (its path, its
query string) still goes through ``url_for``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for

EXTENSION = "safkat.fixed_urls"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.jinja_env.globals.update(fixed_url=fixed_url, query_url=query_url)


def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)``, remembered per application root."""
    built = current_app.extensions[EXTENSION]
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = built.get(key)
    if url is None:
        url = built[key] = url_for(endpoint, **values)
    return url


# The characters werkzeug's URL builder leaves unquoted in a query string.
_QUERY_SAFE = "!$'()*,/:;?@"


def query_url(endpoint: str, args: Mapping[str, object]) -> str:
    """``url_for(endpoint, **args)`` for an endpoint with no variable in its path: the path
    from :func:`fixed_url`, ``args`` (``None`` left out) as the query string, encoded as
    werkzeug encodes it (a listing's pager and its feed links: ~10 µs each by ``url_for``)."""
    query = urlencode([(name, value) for name, value in args.items() if value is not None], safe=_QUERY_SAFE)
    path = fixed_url(endpoint)
    return f"{path}?{query}" if query else path
