"""Security headers on every response.

The pages use no inline script or style (JavaScript and CSS are files under /static), so
the Content-Security-Policy can forbid both; nothing is loaded from another origin.
"""

from __future__ import annotations

from flask import Flask
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

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # one pass, not one per header set
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        if headers.get("Content-Disposition", "").startswith("attachment"):
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
