"""Portable SQL expressions: no bound parameters, so PostgreSQL can ``GROUP BY`` them; SQLite runs them too."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, cast, extract, func, literal_column
from sqlalchemy.orm import Session


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def local_period(session: Session, column, pattern: str):
    """``column`` (UTC) formatted in Algiers time: ``pattern`` is ``year`` or ``month``."""
    if _dialect(session) == "postgresql":
        fmt = {"year": "'YYYY'", "month": "'YYYY-MM'"}[pattern]
        return func.to_char(func.timezone(literal_column("'Africa/Algiers'"), column), literal_column(fmt))
    # SQLite stores naive UTC text; Africa/Algiers is UTC+1 all year (no daylight saving since 1981).
    fmt = {"year": "'%Y'", "month": "'%Y-%m'"}[pattern]
    return func.strftime(literal_column(fmt), column, literal_column("'+1 hour'"))


def seconds_between(session: Session, end, start):
    """``end − start`` in whole seconds."""
    if _dialect(session) == "postgresql":
        return cast(extract("epoch", end - start), BigInteger)
    return cast(func.strftime(literal_column("'%s'"), end), Integer) - cast(
        func.strftime(literal_column("'%s'"), start), Integer
    )
