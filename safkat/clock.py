"""Where time comes from. Services take ``now`` from a clock so tests can pin it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta


class Clock(ABC):
    """Source of the current time, always timezone-aware UTC."""

    @abstractmethod
    def now(self) -> datetime:
        """Return the current time."""


class SystemClock(Clock):
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stays where it is put; tests move it with :meth:`advance`."""

    def __init__(self, at: datetime):
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = ensure_utc(at)

    def advance(self, **delta: float) -> datetime:
        self._at += timedelta(**delta)
        return self._at


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as aware UTC; naive values are refused, never guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: Safkat only handles timezone-aware times")
    return value.astimezone(UTC)
