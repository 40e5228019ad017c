"""Domain errors: raised by services, turned into clear translated messages by views."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here.

    Services know no Flask (and so no request locale); the view that catches a
    :class:`DomainError` translates its message in the user's language.
    """
    return message


class DomainError(Exception):
    """A rule of the domain refused an operation. ``message`` is an untranslated msgid."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class Message(str):
    """An untranslated message that carries its parameters, where a list of msgids is
    expected (a publication problem naming people): ``_(message, **message.params)``."""

    params: dict

    def __new__(cls, message: str, **params: object) -> Message:
        text = super().__new__(cls, message)
        text.params = params
        return text


class NotFound(DomainError):
    """The object does not exist (or may not be known to the actor)."""


class PermissionDenied(DomainError):
    """The actor may not do this."""


class InvalidTransition(DomainError):
    """The object's state does not allow this action."""
