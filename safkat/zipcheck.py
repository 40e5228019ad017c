"""Checking ZIP files (and .docx, .xlsx, .odt, which are ZIPs) before they are accepted.

Safkat never extracts an archive, but the officers and firms who download one do, on their
own computers: an archive that expands to gigabytes (a "ZIP bomb") or that writes outside
the folder it is extracted to (``../../``, an absolute path, a symbolic link) is refused
on arrival. The declared sizes are not trusted: every member is decompressed, with the
total bounded, so a member that lies about its size fails its CRC check or the bound.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from safkat.errors import N_
from safkat.storage import CHUNK, UploadRejected


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5_000
    max_total_bytes: int = 512 * 1024 * 1024  # expanded, all members together
    max_ratio: int = 200  # expanded size / compressed size, for the archive as a whole
    free_bytes: int = 16 * 1024 * 1024  # a small archive may expand this much whatever its ratio


LIMITS = ZipLimits()


def check_zip(file: BinaryIO, limits: ZipLimits = LIMITS) -> None:
    """Refuse ``file`` (seekable, positioned anywhere) unless it is a well-formed, safe archive.

    Leaves ``file`` positioned at its start.
    """
    try:
        _check(file, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        # A damaged archive, an unknown compression or an encrypted member: it cannot be checked.
        raise UploadRejected(N_("This ZIP file is damaged or cannot be checked.")) from None
    finally:
        file.seek(0)


def _check(file: BinaryIO, limits: ZipLimits) -> None:
    file.seek(0, 2)
    archive_size = max(file.tell(), 1)
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise UploadRejected(N_("This ZIP file holds too many files (at most %(n)s)."), n=limits.max_members)
        budget = min(limits.max_total_bytes, max(archive_size * limits.max_ratio, limits.free_bytes))
        for member in members:
            if not is_safe_name(member.filename) or _is_link(member):
                raise UploadRejected(N_("This ZIP file would write outside its folder when extracted."))
            budget -= member.file_size
            if budget < 0:
                raise UploadRejected(N_("This ZIP file expands to far more than its size: it is refused."))
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as data:  # checks the CRC and the declared size at the end
                while data.read(CHUNK):
                    pass


def is_safe_name(name: str) -> bool:
    """A member name that extracts inside the target folder on Windows and Unix alike."""
    if not name or "\x00" in name:
        return False
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return False  # absolute: /etc/passwd, C:/Windows
    return ".." not in normalised.split("/")


def _is_link(member: zipfile.ZipInfo) -> bool:
    """A symbolic link (Unix mode in the high bits of the external attributes)."""
    return member.create_system == 3 and stat.S_ISLNK(member.external_attr >> 16)
