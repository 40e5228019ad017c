"""File names given by users: cleaned before they are stored, sent back per RFC 6266.

A name is only a label (files are stored under random keys, see :mod:`safkat.storage`),
but it goes back out in a ``Content-Disposition`` header, in e-mails and in the API: a
name holding CR/LF broke its download (issue 18), and bidirectional controls can disguise
``facture‮fdp.exe`` as a PDF. :func:`clean_file_name` keeps the last path component, drops
control and bidirectional-override characters, and bounds the length, keeping the extension.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 120
DEFAULT = "document"
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_file_name(name: str | None, default: str = DEFAULT) -> str:
    """A safe label for ``name``: one line, no path, no controls, at most :data:`MAX_LENGTH` characters."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(" " if char.isspace() else char for char in text if _is_kept(char))
    text = " ".join(text.split()).strip(". ")
    if len(text) > MAX_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_LENGTH - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            text = text[:MAX_LENGTH].rstrip(". ")
    return text or default


def _is_kept(char: str) -> bool:
    return char.isspace() or (unicodedata.category(char) not in ("Cc", "Cs", "Co") and char not in _BIDI_CONTROLS)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact name in
    ``filename*`` (RFC 6266, RFC 5987 encoding)."""
    name = clean_file_name(name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^A-Za-z0-9._ ()-]+', "_", ascii_name).strip("_ ") or DEFAULT
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
