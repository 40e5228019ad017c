"""Security headers on every response.

The pages use no inline script or style (JavaScript and CSS are files under /static), so
the Content-Security-Policy can forbid both; nothing is loaded from another origin.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def init_app(app: Flask) -> None:
    hsts = app.config["ENV_NAME"] not in ("development", "testing")
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        # Behind a reverse proxy the remote address (rate limits) and the scheme come from the
        # X-Forwarded-* headers it sets; trusted only from that many proxies, never from clients.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    defaults = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if hsts:
        defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    app.after_request(_security_headers(defaults))


def _security_headers(defaults: list[tuple[str, str]]):
    """The after-request hook that adds each of ``defaults`` a response does not set itself,
    and locks down a download.

    Werkzeug checks each value it is given for newlines (~0.6 µs a header): these are
    constants, checked once here, so a response that sets none of them (most do not) gets
    them appended to its header list as they are. One pass over the response's headers finds
    what it set; asking ``headers.get()`` for a missing name raised and caught a
    ``KeyError`` inside werkzeug (issue 16: what every request costs)."""
    checked = list(Headers(defaults).items())
    by_name = [(name.lower(), name, value) for name, value in checked]
    names = frozenset(lowered for lowered, _, _ in by_name)

    def security_headers(response):
        headers = response.headers
        present, disposition = set(), None
        for name, value in headers:
            name = name.lower()
            present.add(name)
            if name == "content-disposition" and disposition is None:  # the first, as get() gives
                disposition = value
        if names.isdisjoint(present):
            headers._list.extend(checked)  # werkzeug's own list of (name, value) pairs
        else:
            for lowered, name, value in by_name:
                if lowered not in present:
                    headers.add(name, value)
        if disposition is not None and disposition.startswith("attachment"):
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    return security_headers
