"""Checks a production configuration for the usual mistakes (``scripts/deploy-check``)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from safkat.config import limits_storage_for

ERROR, WARNING = "error", "warning"


def check(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(level, message)`` for each problem found in the ``SAFKAT_*`` environment."""
    get = lambda name: (env.get(f"SAFKAT_{name}") or "").strip()  # noqa: E731
    problems = []
    if get("ENV") != "production":
        problems.append((ERROR, "SAFKAT_ENV is not 'production' (debug-friendly defaults would apply)."))
    if env.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"):
        problems.append((ERROR, "FLASK_DEBUG is on: the debugger would let anyone run code."))
    secret = get("SECRET_KEY")
    if len(secret) < 32 or len(set(secret)) < 8:
        problems.append((ERROR, "SAFKAT_SECRET_KEY is missing, short or trivial (use 64 random hex digits)."))
    for name in ("SEAL_KEY", "SIGNING_KEY"):
        value = get(name)
        if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
            problems.append((ERROR, f"SAFKAT_{name} must be 64 hex digits, from your key store (see docs/deploy.md)."))
    if get("SEAL_KEY") and get("SEAL_KEY") == get("SIGNING_KEY"):
        problems.append((ERROR, "SAFKAT_SEAL_KEY and SAFKAT_SIGNING_KEY must differ."))
    database = get("DATABASE_URL")
    if not database or database.startswith("sqlite"):
        problems.append((ERROR, "SAFKAT_DATABASE_URL must point at PostgreSQL in production, not SQLite."))
    if not get("BASE_URL").startswith("https://"):
        problems.append((ERROR, "SAFKAT_BASE_URL must be an https:// address (links in e-mails, secure cookies)."))
    problems += _shared_state_problems(get("PAGE_CACHE_URL"), get("RATELIMIT_STORAGE_URI"))
    if get("PROXY_COUNT") in ("", "0"):
        problems.append(
            (
                WARNING,
                "SAFKAT_PROXY_COUNT is 0: behind nginx every visitor would share the proxy's "
                "address and its rate limits (set it to the number of proxies in front).",
            )
        )
    if not get("MAIL_SERVER"):
        problems.append((WARNING, "SAFKAT_MAIL_SERVER is not set: e-mails would only be printed."))
    return problems


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _shared_state_problems(page_cache: str, limits: str) -> list[tuple[str, str]]:
    """What several gunicorn workers or machines would not share, and a Redis open to others."""
    problems = []
    if (limits or limits_storage_for(page_cache)).startswith("memory"):
        problems.append(
            (
                WARNING,
                "Rate limits are counted in each process's memory: with several workers or machines each one "
                "grants the whole budget. Set SAFKAT_PAGE_CACHE_URL (or SAFKAT_RATELIMIT_STORAGE_URI) to a "
                "Redis (docs/deploy.md, 'Several app servers').",
            )
        )
    for url in dict.fromkeys(filter(None, (page_cache, limits))):
        parts = urlsplit(url)
        if parts.scheme in ("redis", "rediss") and parts.hostname not in LOCAL_HOSTS and not parts.password:
            problems.append(
                (
                    WARNING,
                    f"Redis at {parts.hostname} is reached without a password: anyone on its network could "
                    "read or replace cached pages and reset rate limits (put it in the URL: redis://:PASSWORD@host).",
                )
            )
    return problems


def main() -> int:
    import os
    import sys

    problems = check(os.environ)
    for level, message in problems:
        print(f"{level.upper()}: {message}", file=sys.stderr)
    errors = sum(level == ERROR for level, _ in problems)
    print(f"{errors} error(s), {len(problems) - errors} warning(s).")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
