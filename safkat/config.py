"""Configuration read from ``SAFKAT_*`` environment variables.

Secrets never have a hard-coded default: in development they are generated once into
files of the instance folder (mode 0600); in production mode a missing secret stops the
application at start-up.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safkat.execution.payment_clock import NATIONAL_HOLIDAYS, Holidays

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to fix."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"SAFKAT_{name}")
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    """Return the hex secret stored in ``path``, creating it with mode 0600 if absent."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


@dataclass
class Settings:
    """The settings Safkat reads from the environment, before they become Flask config."""

    env: str
    instance_path: Path
    database_url: str
    secret_key: str | None
    base_url: str
    default_locale: str
    mail_server: str | None
    mail_port: int
    mail_username: str | None
    mail_password: str | None
    mail_use_tls: bool
    mail_sender: str
    page_cache_url: str
    ratelimit_storage_uri: str
    upload_max_bytes: int
    tender_upload_max_bytes: int
    tender_min_days: int
    seal_key: str | None
    signing_key: str | None
    document_p12: str | None
    document_p12_password: str | None
    arabic_digits: str

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings() -> Settings:
    """Read the ``SAFKAT_*`` variables into :class:`Settings`."""
    instance = Path(_env("INSTANCE_PATH", str(DEFAULT_INSTANCE))).resolve()
    page_cache_url = _page_cache_url()
    return Settings(
        env=_env("ENV", "development"),
        instance_path=instance,
        database_url=_env("DATABASE_URL", f"sqlite:///{instance / 'safkat.db'}"),
        secret_key=_env("SECRET_KEY"),
        base_url=_env("BASE_URL") or _development_base_url(),
        default_locale=_env("DEFAULT_LOCALE", "fr"),
        mail_server=_env("MAIL_SERVER"),
        mail_port=int(_env("MAIL_PORT", "25")),
        mail_username=_env("MAIL_USERNAME"),
        mail_password=_env("MAIL_PASSWORD"),
        mail_use_tls=_env_bool("MAIL_USE_TLS", False),
        mail_sender=_env("MAIL_SENDER", "Safkat <no-reply@safkat.localhost>"),
        page_cache_url=page_cache_url,
        ratelimit_storage_uri=_env("RATELIMIT_STORAGE_URI") or limits_storage_for(page_cache_url),
        upload_max_bytes=int(_env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))),
        tender_upload_max_bytes=int(_env("TENDER_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024))),
        tender_min_days=int(_env("TENDER_MIN_DAYS", "10")),
        seal_key=_env("SEAL_KEY"),
        signing_key=_env("SIGNING_KEY"),
        document_p12=_env("DOCUMENT_P12"),
        document_p12_password=_env("DOCUMENT_P12_PASSWORD"),
        arabic_digits=_env("ARABIC_DIGITS", "western"),
    )


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _page_cache_url() -> str:
    """``SAFKAT_PAGE_CACHE_URL``: empty for each process's own cache, else a Redis URL."""
    url = (_env("PAGE_CACHE_URL") or "").strip()
    if url and not url.startswith(REDIS_SCHEMES):
        raise ConfigError(
            "SAFKAT_PAGE_CACHE_URL must be a Redis URL (redis://, rediss:// or unix://), or empty for the "
            f"in-process cache, not {url.split('://')[0]!r}."
        )
    if url:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ConfigError("SAFKAT_PAGE_CACHE_URL needs the redis package: pip install 'safkat[redis]'.") from None
    return url


def limits_storage_for(page_cache_url: str) -> str:
    """Where rate limits are counted when ``SAFKAT_RATELIMIT_STORAGE_URI`` is not set: the
    Redis of the page cache when there is one (several processes that share pages must
    share their counts too, or each would grant the whole budget), else this process."""
    if page_cache_url.startswith("unix://"):
        return "redis+" + page_cache_url  # how the limits package names a Unix socket
    return page_cache_url or "memory://"


def _shared_storage_config(settings: Settings) -> dict:
    """The page cache's Redis, and the limiter's options when its counts are in Redis: a
    short socket timeout, and this process's memory while Redis is unreachable (limits
    keep applying, per process, instead of every write answering 500)."""
    config = {
        "PAGE_CACHE_URL": settings.page_cache_url,
        "PAGE_CACHE_PREFIX": _env("PAGE_CACHE_PREFIX", "safkat:page:"),
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
    }
    if settings.ratelimit_storage_uri.startswith("redis"):  # redis, rediss, redis+unix
        config["RATELIMIT_STORAGE_OPTIONS"] = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}
        config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    return config


def _development_base_url() -> str:
    """Without ``SAFKAT_BASE_URL``, the address ``scripts/run`` serves on: links in e-mails,
    the feed, the API and QR codes then lead back to this server whatever ``SAFKAT_PORT`` says."""
    port = _env("PORT", "5000").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"SAFKAT_PORT must be a port number (1-65535), not {port!r}.")
    return f"http://127.0.0.1:{int(port)}"


def _rate_limit(name: str, default: str) -> str:
    """A Flask-Limiter rate such as ``60 per minute;1000 per hour``, checked at start-up."""
    from limits import parse_many

    value = _env(name, default)
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"SAFKAT_{name}: cannot read {value!r} (write e.g. '60 per minute;1000 per hour').") from None
    return value


def _whole_number(name: str, default: int, minimum: int = 1) -> int:
    value = _env(name, str(default)).strip()
    if not value.isdigit() or int(value) < minimum:
        raise ConfigError(f"SAFKAT_{name} must be a whole number of at least {minimum}.")
    return int(value)


def _basis_points(name: str, default: str) -> int:
    """An annual percentage such as ``8`` or ``7.25``, as whole basis points."""
    value = _env(name, default).strip()
    try:
        points = round(float(value) * 100)
    except ValueError:
        points = -1
    if not 0 <= points <= 10_000:
        raise ConfigError(f"SAFKAT_{name} must be an annual rate in percent between 0 and 100, e.g. 8 or 7.25.")
    return points


FIXED_HOLIDAYS = ",".join(f"{month:02d}-{day:02d}" for month, day in sorted(NATIONAL_HOLIDAYS))


def _holiday_list(name: str, default: str, fmt: str, example: str) -> frozenset:
    """A comma-separated list of days: ``MM-DD`` (every year) or ``YYYY-MM-DD`` (one date); ``none``."""
    value = _env(name, default)
    days = set()
    for item in filter(None, (part.strip() for part in ("" if value.strip() == "none" else value).split(","))):
        try:
            days.add(datetime.strptime(item if fmt == "%Y-%m-%d" else f"2000-{item}", "%Y-%m-%d").date())
        except ValueError:
            raise ConfigError(f"SAFKAT_{name}: cannot read {item!r} (write e.g. {example!r}).") from None
    return frozenset(days)


def _public_holidays() -> Holidays:
    yearly = _holiday_list("PUBLIC_HOLIDAYS", FIXED_HOLIDAYS, "%m-%d", "01-01,05-01")
    dated = _holiday_list("PUBLIC_HOLIDAY_DATES", "", "%Y-%m-%d", "2026-03-20,2026-03-21")
    return Holidays(frozenset((day.month, day.day) for day in yearly), dated)


def _execution_config() -> dict:
    """Payment period, holidays, default interest, amendment limit, late-payer flag (docs/execution.md)."""
    return {
        "PAYMENT_DAYS": _whole_number("PAYMENT_DAYS", 30),
        "PUBLIC_HOLIDAYS": _public_holidays(),
        "MORATORY_INTEREST_BP": _basis_points("MORATORY_INTEREST_RATE", "8"),
        "AMENDMENT_MAX_PERCENT": _whole_number("AMENDMENT_MAX_PERCENT", 20),
        "LATE_PAYER_SHARE": _whole_number("LATE_PAYER_SHARE", 25),
    }


def _derived_config(settings: Settings) -> dict:
    return _session_and_limit_config(settings) | _shared_storage_config(settings) | _execution_config()


def _session_and_limit_config(settings: Settings) -> dict:
    """Session lifetimes, two-factor policy and rate limits (see ``safkat/ratelimits.py``)."""
    secure = settings.env not in ("development", "testing")
    absolute = _whole_number("SESSION_MAX_HOURS", 12) * 3600
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": absolute,
        "PERMANENT_SESSION_LIFETIME": absolute,
        "SESSION_IDLE_TIMEOUT": _whole_number("SESSION_IDLE_MINUTES", 30) * 60,
        "SESSION_ABSOLUTE_TIMEOUT": absolute,
        "TWO_FACTOR_REQUIRED_FOR_ADMINS": settings.is_production,
        "PROXY_COUNT": _whole_number("PROXY_COUNT", 0, minimum=0),
        # Flask-Limiter would add Retry-After to every limited response, redirects included
        # (where it means "wait before following"); the 429 handler sends it where it belongs.
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_WRITE": _rate_limit("RATELIMIT_WRITE", "120 per minute;2000 per hour"),
        "RATELIMIT_UPLOAD_CHUNK": _rate_limit("RATELIMIT_UPLOAD_CHUNK", "600 per minute;10000 per hour"),
        "RATELIMIT_SEARCH": _rate_limit("RATELIMIT_SEARCH", "60 per minute;1000 per hour"),
        "RATELIMIT_LOGIN": _rate_limit("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_LOGIN_ADDRESS": _rate_limit("RATELIMIT_LOGIN_ADDRESS", "30 per minute;300 per hour"),
        "RATELIMIT_TWO_FACTOR": _rate_limit("RATELIMIT_TWO_FACTOR", "5 per minute;20 per hour"),
    }


def _standstill_days(value: str) -> dict[str, int]:
    """``open=10,consultation=7`` → days per procedure (10 where not said)."""
    days = {"open": 10, "open_min_capacity": 10, "restricted": 10, "consultation": 10}
    for part in filter(None, (p.strip() for p in value.split(","))):
        procedure, _, number = part.partition("=")
        if procedure not in days or not number.strip().isdigit():
            raise ConfigError(f"SAFKAT_STANDSTILL_DAYS: cannot read {part!r} (write e.g. open=10,consultation=7).")
        days[procedure] = int(number)
    return days


def flask_config(settings: Settings) -> dict:
    """Turn settings into the Flask configuration mapping, resolving secrets."""
    if settings.arabic_digits not in ("western", "arabic-indic"):
        raise ConfigError("SAFKAT_ARABIC_DIGITS must be 'western' or 'arabic-indic'.")
    secret_key = settings.secret_key
    if secret_key is None:
        if settings.is_production:
            raise ConfigError("SAFKAT_SECRET_KEY must be set in production mode.")
        secret_key = read_or_create_secret(settings.instance_path / "secret_key")
    return {
        "ENV_NAME": settings.env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": settings.database_url,
        "BASE_URL": settings.base_url.rstrip("/"),
        "BABEL_DEFAULT_LOCALE": settings.default_locale,
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "DISPLAY_TIMEZONE": "Africa/Algiers",
        "MAIL_SERVER": settings.mail_server,
        "MAIL_PORT": settings.mail_port,
        "MAIL_USERNAME": settings.mail_username,
        "MAIL_PASSWORD": settings.mail_password,
        "MAIL_USE_TLS": settings.mail_use_tls,
        "MAIL_SENDER": settings.mail_sender,
        "UPLOAD_MAX_BYTES": settings.upload_max_bytes,
        "TENDER_UPLOAD_MAX_BYTES": settings.tender_upload_max_bytes,
        "TENDER_MIN_DAYS": settings.tender_min_days,
        "ABNORMALLY_LOW_THRESHOLD": float(_env("ABNORMALLY_LOW_THRESHOLD", "0.20")),
        "NATIONAL_PREFERENCE_MARGIN": float(_env("NATIONAL_PREFERENCE_MARGIN", "0.25")),
        "STANDSTILL_DAYS": _standstill_days(_env("STANDSTILL_DAYS", "")),
        "OCID_PREFIX": _env("OCID_PREFIX", "ocds-safkat-"),
        "MAX_CONTENT_LENGTH": max(settings.upload_max_bytes, settings.tender_upload_max_bytes) + 1024 * 1024,
        "UPLOAD_FOLDER": str(settings.instance_path / "uploads"),
        "EMAIL_TOKEN_MAX_AGE": 48 * 3600,
        "RESET_TOKEN_MAX_AGE": 3600,
        "ARGON2_PROFILE": "default",
        "WTF_CSRF_TIME_LIMIT": None,
        "DOCUMENT_P12": settings.document_p12,
        "DOCUMENT_P12_PASSWORD": settings.document_p12_password,
        "ARABIC_DIGITS": settings.arabic_digits,
        "DOCUMENT_CHECK_MAX_BYTES": 20 * 1024 * 1024,
        # The commission (issue 13): what it may ask bidders to complete, and in how long;
        # after how long an unopened tender is flagged on its authority's dashboard.
        "COMPLETABLE_DOCUMENTS": _names(_env("COMPLETABLE_DOCUMENTS", DEFAULT_COMPLETABLE_DOCUMENTS)),
        "MISSING_DOCUMENT_DAYS": _whole_number("MISSING_DOCUMENT_DAYS", 10),
        "COMMISSION_MEETING_DELAY_HOURS": _whole_number("COMMISSION_MEETING_DELAY_HOURS", 72),
    } | _derived_config(settings)


DEFAULT_COMPLETABLE_DOCUMENTS = (
    "trade_register,tax_card,tax_certificate,social_security_certificate,support_attestation,"
    "criminal_record,statutes,declaration_of_probity"
)


def _names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise ConfigError("SAFKAT_COMPLETABLE_DOCUMENTS must name at least one document.")
    return names
